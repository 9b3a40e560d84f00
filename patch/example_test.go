package patch_test

import (
	"encoding/json"
	"fmt"
	"strings"

	"github.com/scimstack/scimstack/patch"
	"github.com/scimstack/scimstack/schema"
)

// Microsoft Entra ID disables a user and sets a work email the user does
// not have yet.
func ExampleApply() {
	rt, err := schema.UserResourceType()
	if err != nil {
		panic(err)
	}
	doc := map[string]any{
		"id":       "2819c223",
		"userName": "bjensen",
		"active":   true,
	}
	body := `{
		"schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
		"Operations": [
			{"op": "Replace", "path": "active", "value": "False"},
			{"op": "Replace", "path": "emails[type eq \"work\"].value", "value": "bjensen@example.com"}
		]
	}`
	dec := json.NewDecoder(strings.NewReader(body))
	dec.UseNumber()
	var req patch.Request
	if err := dec.Decode(&req); err != nil {
		panic(err)
	}

	out, changed, err := patch.Apply(doc, req.Operations, rt, patch.Limits{})
	if err != nil {
		fmt.Println(err)
		return
	}
	b, _ := json.Marshal(out)
	fmt.Println(changed)
	fmt.Println(string(b))

	// A path that names a readOnly attribute is refused.
	_, _, err = patch.Apply(doc, []patch.Operation{{Op: "replace", Path: "id", Value: "x"}}, rt, patch.Limits{})
	fmt.Println(err)
	// Output:
	// true
	// {"active":false,"emails":[{"type":"work","value":"bjensen@example.com"}],"id":"2819c223","userName":"bjensen"}
	// mutability: Operations[0] replace id: id is readOnly
}
