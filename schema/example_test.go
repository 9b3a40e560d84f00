package schema_test

import (
	"encoding/json"
	"fmt"
	"strings"

	"github.com/scimstack/scimstack/schema"
)

func Example() {
	rt, err := schema.UserResourceType()
	if err != nil {
		panic(err)
	}

	// A create request as Microsoft Entra ID sends it.
	body := `{
		"schemas": ["urn:ietf:params:scim:schemas:core:2.0:User"],
		"externalId": "0a21f0f2",
		"UserName": "Test_User@contoso.com",
		"active": "True",
		"emails": [{"Primary": true, "type": "work", "value": "Test_User@contoso.com"}],
		"name": {"givenName": "Test", "familyName": "User"},
		"password": "s3cret",
		"urn:ietf:params:scim:schemas:extension:enterprise:2.0:user": {"department": "Sales"}
	}`
	dec := json.NewDecoder(strings.NewReader(body))
	dec.UseNumber()
	var doc map[string]any
	if err := dec.Decode(&doc); err != nil {
		panic(err)
	}

	user, err := rt.Normalize(doc)
	if err != nil {
		panic(err)
	}
	rt.DropReadOnly(user)
	if err := rt.CheckRequired(user); err != nil {
		panic(err)
	}
	user["id"] = "2819c223"

	// GET /Users/2819c223?attributes=userName,emails.value
	var attrs []schema.AttrRef
	for _, p := range strings.Split("userName,emails.value", ",") {
		ref, err := rt.ParsePath(p)
		if err != nil {
			panic(err)
		}
		attrs = append(attrs, ref)
	}
	out, _ := json.Marshal(rt.Project(user, attrs, nil))
	fmt.Println(string(out))

	full, _ := json.Marshal(rt.Project(user, nil, nil))
	fmt.Println(string(full))
	// Output:
	// {"emails":[{"value":"Test_User@contoso.com"}],"id":"2819c223","userName":"Test_User@contoso.com"}
	// {"active":true,"emails":[{"primary":true,"type":"work","value":"Test_User@contoso.com"}],"externalId":"0a21f0f2","id":"2819c223","name":{"familyName":"User","givenName":"Test"},"urn:ietf:params:scim:schemas:extension:enterprise:2.0:User":{"department":"Sales"},"userName":"Test_User@contoso.com"}
}

func ExampleResourceType_ParsePath() {
	rt, _ := schema.UserResourceType()
	for _, p := range []string{
		"NAME.givenname",
		"urn:ietf:params:scim:schemas:core:2.0:User:emails.value",
		"urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager.value",
		"urn:ietf:params:scim:schemas:extension:enterprise:2.0:User",
		"name.nope",
	} {
		ref, err := rt.ParsePath(p)
		if err != nil {
			fmt.Println(err)
			continue
		}
		fmt.Println(ref)
	}
	// Output:
	// name.givenName
	// emails.value
	// urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager.value
	// urn:ietf:params:scim:schemas:extension:enterprise:2.0:User
	// invalidPath: attribute "name" has no sub-attribute "nope"
}
