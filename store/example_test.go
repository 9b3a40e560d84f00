package store_test

import (
	"encoding/json"
	"fmt"
	"time"

	"github.com/scimstack/scimstack/store"
)

func Example() {
	u := &store.User{
		ID:       "2819c223",
		UserName: "bjensen",
		Password: "never written",
		Emails:   []store.MultiValue{{Value: "bjensen@example.com", Type: "work", Primary: true}},
		Enterprise: &store.EnterpriseUser{
			Department: "Tour Operations",
		},
		Meta: store.Meta{
			ResourceType: "User",
			Created:      time.Date(2024, 5, 1, 9, 30, 0, 0, time.UTC),
			LastModified: time.Date(2024, 5, 1, 9, 30, 0, 0, time.UTC),
			Version:      "1",
		},
	}

	b, err := json.Marshal(u)
	if err != nil {
		panic(err)
	}
	fmt.Println(string(b))

	// The generic form, as filters and PATCH see it.
	doc := u.Map()
	fmt.Println(doc["userName"], doc["meta"].(map[string]any)["created"])

	back, err := store.UserFromMap(doc)
	if err != nil {
		panic(err)
	}
	fmt.Println(back.Enterprise.Department, back.Password)
	// Output:
	// {"schemas":["urn:ietf:params:scim:schemas:core:2.0:User","urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"],"id":"2819c223","userName":"bjensen","emails":[{"value":"bjensen@example.com","type":"work","primary":true}],"urn:ietf:params:scim:schemas:extension:enterprise:2.0:User":{"department":"Tour Operations"},"meta":{"resourceType":"User","created":"2024-05-01T09:30:00Z","lastModified":"2024-05-01T09:30:00Z","version":"1"}}
	// bjensen 2024-05-01T09:30:00Z
	// Tour Operations never written
}
