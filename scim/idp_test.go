package scim_test

import (
	"net/http"
	"net/url"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestEntraSequence replays the requests Microsoft Entra ID sends while
// provisioning a user, in the shapes its SCIM guide and real traffic show:
// a filter for the matching attribute, a create with the enterprise
// extension, PATCHes with capitalised ops, "False" strings, valuePath
// paths and a manager given as a plain string, then deprovisioning.
func TestEntraSequence(t *testing.T) {
	c := newClient(t, nil)
	const userName = "Test_User_dfeef4c5-5681-4387-b016-bdf221e82081"
	q := "/Users?filter=" + url.QueryEscape(`userName eq "`+userName+`"`)

	empty := c.do("GET", q, nil)
	require.Equal(t, http.StatusOK, empty.Code)
	assert.Equal(t, float64(0), empty.json()["totalResults"])
	assert.Equal(t, []any{}, empty.json()["Resources"])

	create := c.do("POST", "/Users", `{
		"schemas": ["urn:ietf:params:scim:schemas:core:2.0:User", "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"],
		"externalId": "0a21f0f2-8d2a-4f8e-bf98-7363c4aed4ef",
		"userName": "`+userName+`",
		"active": true,
		"emails": [{"primary": true, "type": "work", "value": "Test_User_fd0ea19b-0777-472c-9f96-4f70d2226f2e@testuser.com"}],
		"meta": {"resourceType": "User"},
		"name": {"formatted": "givenName familyName", "familyName": "familyName", "givenName": "givenName"},
		"roles": [],
		"urn:ietf:params:scim:schemas:extension:enterprise:2.0:User": {"employeeNumber": "1234", "department": "Sales"}
	}`)
	require.Equal(t, http.StatusCreated, create.Code, create.Body.String())
	id := create.json()["id"].(string)

	found := c.do("GET", q, nil).json()
	require.Equal(t, float64(1), found["totalResults"])
	assert.Equal(t, id, found["Resources"].([]any)[0].(map[string]any)["id"])

	// Entra also matches on the lower-cased userName and on externalId.
	assert.Equal(t, float64(1), c.do("GET", "/Users?filter="+url.QueryEscape(`userName eq "test_user_dfeef4c5-5681-4387-b016-bdf221e82081"`), nil).json()["totalResults"])
	assert.Equal(t, float64(1), c.do("GET", "/Users?filter="+url.QueryEscape(`externalId eq "0a21f0f2-8d2a-4f8e-bf98-7363c4aed4ef"`), nil).json()["totalResults"])

	patch := c.do("PATCH", "/Users/"+id, `{"schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
		"Operations": [
			{"op": "Replace", "path": "emails[type eq \"work\"].value", "value": "updatedEmail@microsoft.com"},
			{"op": "Replace", "path": "name.familyName", "value": "updatedFamilyName"},
			{"op": "Add", "path": "title", "value": "Manager"},
			{"op": "Add", "path": "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager", "value": "2819c223-7f76-453a-919d-413861904646"},
			{"op": "Replace", "path": "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:department", "value": "Marketing"}
		]}`)
	require.Equal(t, http.StatusOK, patch.Code, patch.Body.String())
	u := patch.json()
	emails := u["emails"].([]any)
	require.Len(t, emails, 1)
	assert.Equal(t, "updatedEmail@microsoft.com", emails[0].(map[string]any)["value"])
	assert.Equal(t, "updatedFamilyName", u["name"].(map[string]any)["familyName"])
	assert.Equal(t, "Manager", u["title"])
	ent := u[entURN].(map[string]any)
	assert.Equal(t, map[string]any{"value": "2819c223-7f76-453a-919d-413861904646"}, ent["manager"])
	assert.Equal(t, "Marketing", ent["department"])
	assert.Equal(t, "1234", ent["employeeNumber"])

	// A filter on the enterprise attribute and Entra's valuePath form.
	assert.Equal(t, float64(1), c.do("GET", "/Users?filter="+url.QueryEscape(`urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:employeeNumber eq "1234"`), nil).json()["totalResults"])
	assert.Equal(t, float64(1), c.do("GET", "/Users?filter="+url.QueryEscape(`emails[type eq "work"].value eq "updatedemail@microsoft.com"`), nil).json()["totalResults"])

	// Path-less replace with dotted keys, as Entra sends for several
	// attributes at once.
	res := c.do("PATCH", "/Users/"+id, `{"schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
		"Operations": [{"op": "Replace", "value": {
			"displayName": "Updated Name",
			"name.givenName": "Updated",
			"urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:employeeNumber": "5678"
		}}]}`)
	require.Equal(t, http.StatusOK, res.Code, res.Body.String())
	u = res.json()
	assert.Equal(t, "Updated Name", u["displayName"])
	assert.Equal(t, "Updated", u["name"].(map[string]any)["givenName"])
	assert.Equal(t, "updatedFamilyName", u["name"].(map[string]any)["familyName"])
	assert.Equal(t, "5678", u[entURN].(map[string]any)["employeeNumber"])

	// Soft deprovisioning, then hard.
	res = c.do("PATCH", "/Users/"+id, `{"schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
		"Operations": [{"op": "Replace", "path": "active", "value": "False"}]}`)
	require.Equal(t, http.StatusOK, res.Code, res.Body.String())
	assert.Equal(t, false, res.json()["active"])

	// Entra probes with a random filter value and expects an empty list.
	assert.Equal(t, float64(0), c.do("GET", "/Users?filter="+url.QueryEscape(`userName eq "5cd1a0a4-0c2d-4a4b-8f21-a7c3c1d3b5a1"`), nil).json()["totalResults"])

	assert.Equal(t, http.StatusNoContent, c.do("DELETE", "/Users/"+id, nil).Code)
	assert.Equal(t, http.StatusNotFound, c.do("GET", "/Users/"+id, nil).Code)
}

// TestOktaSequence replays Okta's SCIM 2.0 provisioning requests: a lookup
// with startIndex and count, a create with a password, a GET, a PUT of the
// whole user, and deactivation by a path-less replace whose value may
// carry the id.
func TestOktaSequence(t *testing.T) {
	c := newClient(t, nil)
	lookup := c.do("GET", "/Users?filter="+url.QueryEscape(`userName eq "test.user@okta.local"`)+"&startIndex=1&count=100", nil)
	require.Equal(t, http.StatusOK, lookup.Code)
	assert.Equal(t, float64(0), lookup.json()["totalResults"])

	create := c.do("POST", "/Users", `{
		"schemas": ["urn:ietf:params:scim:schemas:core:2.0:User"],
		"userName": "test.user@okta.local",
		"name": {"givenName": "Test", "familyName": "User"},
		"emails": [{"primary": true, "value": "test.user@okta.local", "type": "work"}],
		"displayName": "Test User",
		"locale": "en-US",
		"externalId": "00ujl29u0le5T6Aj10h7",
		"groups": [],
		"password": "1mz050nq",
		"active": true
	}`)
	require.Equal(t, http.StatusCreated, create.Code, create.Body.String())
	u := create.json()
	id := u["id"].(string)
	assert.NotContains(t, u, "password")

	get := c.do("GET", "/Users/"+id, nil)
	require.Equal(t, http.StatusOK, get.Code)

	put := c.do("PUT", "/Users/"+id, `{
		"schemas": ["urn:ietf:params:scim:schemas:core:2.0:User"],
		"id": "`+id+`",
		"userName": "test.user@okta.local",
		"name": {"givenName": "Another", "familyName": "User"},
		"emails": [{"primary": true, "value": "test.user@okta.local", "type": "work"}],
		"displayName": "Another User",
		"locale": "en-US",
		"externalId": "00ujl29u0le5T6Aj10h7",
		"groups": [],
		"active": true,
		"meta": {"resourceType": "User", "created": "2023-01-01T00:00:00Z"}
	}`)
	require.Equal(t, http.StatusOK, put.Code, put.Body.String())
	assert.Equal(t, "Another", put.json()["name"].(map[string]any)["givenName"])

	deact := c.do("PATCH", "/Users/"+id, `{
		"schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
		"Operations": [{"op": "replace", "value": {"id": "`+id+`", "active": false}}]
	}`)
	require.Equal(t, http.StatusOK, deact.Code, deact.Body.String())
	assert.Equal(t, false, deact.json()["active"])

	react := c.do("PATCH", "/Users/"+id, `{
		"schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
		"Operations": [{"op": "replace", "value": {"active": true}}]
	}`)
	require.Equal(t, http.StatusOK, react.Code, react.Body.String())
	assert.Equal(t, true, react.json()["active"])

	// Okta pages through all users with startIndex/count.
	for i := range 3 {
		c.create("okta" + string(rune('a'+i)) + "@okta.local")
	}
	p1 := c.do("GET", "/Users?startIndex=1&count=2", nil).json()
	p2 := c.do("GET", "/Users?startIndex=3&count=2", nil).json()
	assert.Equal(t, float64(4), p1["totalResults"])
	assert.Len(t, p1["Resources"], 2)
	assert.Len(t, p2["Resources"], 2)
	assert.NotEqual(t, p1["Resources"].([]any)[0].(map[string]any)["id"], p2["Resources"].([]any)[0].(map[string]any)["id"])
}
