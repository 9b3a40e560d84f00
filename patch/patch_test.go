package patch_test

import (
	"encoding/json"
	"errors"
	"reflect"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/scimstack/scimstack/patch"
	"github.com/scimstack/scimstack/schema"
)

const (
	entURN   = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"
	badgeURN = "urn:example:params:scim:schemas:extension:badge:2.0:User"
)

// badgeSchema is a test extension with an immutable attribute.
func badgeSchema() *schema.Schema {
	return &schema.Schema{
		ID:   badgeURN,
		Name: "Badge",
		Attributes: []*schema.Attribute{
			{Name: "badge", Type: schema.String, Mutability: schema.Immutable, Returned: schema.Default, Uniqueness: schema.None},
			{Name: "tags", Type: schema.String, MultiValued: true, Mutability: schema.ReadWrite, Returned: schema.Default, Uniqueness: schema.None},
		},
	}
}

func userType(tb testing.TB) *schema.ResourceType {
	tb.Helper()
	rt, err := schema.UserResourceType(schema.Extension{Schema: badgeSchema()})
	require.NoError(tb, err)
	return rt
}

// Documents in generic form, written as JSON with canonical names.
var docs = map[string]string{
	// bjensen is RFC 7643's example user, trimmed.
	"bjensen": `{
		"id": "2819c223-7f76-453a-919d-413861904646",
		"externalId": "bjensen",
		"userName": "bjensen@example.com",
		"name": {"familyName": "Jensen", "givenName": "Barbara"},
		"displayName": "Babs Jensen",
		"active": true,
		"emails": [
			{"value": "bjensen@example.com", "type": "work", "primary": true},
			{"value": "babs@jensen.org", "type": "home"}
		],
		"groups": [{"value": "e9e30dba-f08f-4109-8486-d5c6a331660a", "display": "Tour Guides"}],
		"meta": {"resourceType": "User", "created": "2010-01-23T04:56:22Z", "lastModified": "2011-05-13T04:42:34Z"},
		"urn:ietf:params:scim:schemas:extension:enterprise:2.0:User": {
			"employeeNumber": "701984",
			"manager": {"value": "26118915-6090-4610-87e4-49d8ca9f808d", "displayName": "John Smith"}
		}
	}`,
	// min has a user name and one work email.
	"min": `{"id": "u1", "userName": "ada", "emails": [{"value": "ada@work.example", "type": "work", "primary": true}]}`,
	// two has a user name and two emails.
	"two": `{"id": "u1", "userName": "ada", "emails": [
		{"value": "ada@work.example", "type": "work", "primary": true},
		{"value": "ada@home.example", "type": "home"}]}`,
	// bare has a user name only.
	"bare": `{"id": "u2", "userName": "grace"}`,
	// entra is a user as Microsoft Entra ID creates it.
	"entra": `{"id": "6764549bef60420686bc", "externalId": "6c75de36-30fa-4d2d-a196-6bdcdb6b6539",
		"userName": "Test_User_fbb9dda4@testuser.com", "active": true,
		"name": {"formatted": "givenName familyName", "familyName": "familyName", "givenName": "givenName"},
		"emails": [{"value": "Test_User_22370c1a@testuser.com", "type": "work", "primary": true}]}`,
	// badged has the immutable badge set.
	"badged": `{"id": "u3", "userName": "alan", "urn:example:params:scim:schemas:extension:badge:2.0:User": {"badge": "B-1"}}`,
}

// applyCase is one PATCH: ops (a JSON array of operations) applied to
// docs[doc]. On success the result must equal want (JSON, generic form);
// otherwise the error must have scimType err.
type applyCase struct {
	name      string
	doc       string
	ops       string
	want      string
	unchanged bool // changed is false
	err       string
	lim       patch.Limits
}

var applyCases = []applyCase{
	// RFC 7644 §3.5.2.1, add.
	{
		name: "add/rfc emails value appended",
		doc:  "min",
		ops:  `[{"op":"add","path":"emails","value":[{"value":"babs@jensen.org","type":"home"}]}]`,
		want: `{"id":"u1","userName":"ada","emails":[{"value":"ada@work.example","type":"work","primary":true},{"value":"babs@jensen.org","type":"home"}]}`,
	},
	{
		name: "add/rfc path-less emails and nickName",
		doc:  "min",
		ops:  `[{"op":"add","value":{"emails":[{"value":"babs@jensen.org","type":"home"}],"nickname":"Babs"}}]`,
		want: `{"id":"u1","userName":"ada","nickName":"Babs","emails":[{"value":"ada@work.example","type":"work","primary":true},{"value":"babs@jensen.org","type":"home"}]}`,
	},
	{
		name: "add/single value for a multi-valued attribute",
		doc:  "bare",
		ops:  `[{"op":"add","path":"emails","value":{"value":"g@x.example","type":"work"}}]`,
		want: `{"id":"u2","userName":"grace","emails":[{"value":"g@x.example","type":"work"}]}`,
	},
	{
		name:      "add/exact duplicate is no change",
		doc:       "min",
		ops:       `[{"op":"add","path":"emails","value":[{"value":"ada@work.example","type":"work","primary":true}]}]`,
		want:      docs["min"],
		unchanged: true,
	},
	{
		name: "add/complex merges sub-attributes",
		doc:  "bjensen",
		ops:  `[{"op":"add","path":"name","value":{"middleName":"Jane"}}]`,
		want: with(docs["bjensen"], `"name": {"familyName": "Jensen", "givenName": "Barbara"}`, `"name": {"familyName": "Jensen", "givenName": "Barbara", "middleName": "Jane"}`),
	},
	{
		name: "add/singular replaces",
		doc:  "bjensen",
		ops:  `[{"op":"add","path":"displayName","value":"Babs"}]`,
		want: with(docs["bjensen"], `"displayName": "Babs Jensen"`, `"displayName": "Babs"`),
	},
	{
		name: "add/sub-attribute creates the complex value",
		doc:  "bare",
		ops:  `[{"op":"add","path":"name.givenName","value":"Grace"}]`,
		want: `{"id":"u2","userName":"grace","name":{"givenName":"Grace"}}`,
	},
	{
		name: "add/new primary clears the old one",
		doc:  "min",
		ops:  `[{"op":"add","path":"emails","value":[{"value":"ada@new.example","type":"work","primary":true}]}]`,
		want: `{"id":"u1","userName":"ada","emails":[{"value":"ada@work.example","type":"work"},{"value":"ada@new.example","type":"work","primary":true}]}`,
	},
	{
		name: "add/two primaries in one value",
		doc:  "bare",
		ops:  `[{"op":"add","path":"emails","value":[{"value":"a@x","primary":true},{"value":"b@x","primary":true}]}]`,
		err:  "invalidValue",
	},
	{
		name: "add/simple multi-valued skips duplicates",
		doc:  "bare",
		ops: `[{"op":"add","path":"urn:example:params:scim:schemas:extension:badge:2.0:User:tags","value":["a","b"]},
			{"op":"add","path":"urn:example:params:scim:schemas:extension:badge:2.0:User:tags","value":["b","c"]}]`,
		want: `{"id":"u2","userName":"grace","urn:example:params:scim:schemas:extension:badge:2.0:User":{"tags":["a","b","c"]}}`,
	},
	{
		name: "add/extension attribute by URN path",
		doc:  "bare",
		ops:  `[{"op":"add","path":"urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:department","value":"Tour Operations"}]`,
		want: `{"id":"u2","userName":"grace","urn:ietf:params:scim:schemas:extension:enterprise:2.0:User":{"department":"Tour Operations"}}`,
	},
	{
		name: "add/whole extension URN path",
		doc:  "bjensen",
		ops:  `[{"op":"add","path":"urn:ietf:params:scim:schemas:extension:enterprise:2.0:User","value":{"costCenter":"4130","employeeNumber":"701984"}}]`,
		want: with(docs["bjensen"], `"employeeNumber": "701984",`, `"employeeNumber": "701984", "costCenter": "4130",`),
	},
	{
		name: "add/null value",
		doc:  "bare",
		ops:  `[{"op":"add","path":"nickName","value":null}]`,
		err:  "invalidSyntax",
	},

	// RFC 7644 §3.5.2.2, remove.
	{
		name: "remove/rfc singular attribute",
		doc:  "bjensen",
		ops:  `[{"op":"remove","path":"displayName"}]`,
		want: with(docs["bjensen"], `"displayName": "Babs Jensen",`, ``),
	},
	{
		name: "remove/rfc all values",
		doc:  "two",
		ops:  `[{"op":"remove","path":"emails"}]`,
		want: `{"id":"u1","userName":"ada"}`,
	},
	{
		name: "remove/rfc values matched by a filter",
		doc:  "two",
		ops:  `[{"op":"remove","path":"emails[type eq \"work\" and value ew \"work.example\"]"}]`,
		want: `{"id":"u1","userName":"ada","emails":[{"value":"ada@home.example","type":"home"}]}`,
	},
	{
		name: "remove/last value removes the attribute",
		doc:  "min",
		ops:  `[{"op":"remove","path":"emails[type eq \"work\"]"}]`,
		want: `{"id":"u1","userName":"ada"}`,
	},
	{
		name: "remove/filter matching nothing",
		doc:  "two",
		ops:  `[{"op":"remove","path":"emails[type eq \"other\"]"}]`,
		err:  "noTarget",
	},
	{
		name: "remove/filter on an unassigned attribute",
		doc:  "bare",
		ops:  `[{"op":"remove","path":"emails[type eq \"work\"]"}]`,
		err:  "noTarget",
	},
	{
		name: "remove/sub-attribute of matched values",
		doc:  "two",
		ops:  `[{"op":"remove","path":"emails[type eq \"work\"].primary"}]`,
		want: `{"id":"u1","userName":"ada","emails":[{"value":"ada@work.example","type":"work"},{"value":"ada@home.example","type":"home"}]}`,
	},
	{
		name: "remove/sub-attribute",
		doc:  "bjensen",
		ops:  `[{"op":"remove","path":"name.givenName"}]`,
		want: with(docs["bjensen"], `"name": {"familyName": "Jensen", "givenName": "Barbara"}`, `"name": {"familyName": "Jensen"}`),
	},
	{
		name:      "remove/last sub-attribute removes the complex value",
		doc:       "bare",
		ops:       `[{"op":"add","path":"name.givenName","value":"Grace"},{"op":"remove","path":"name.givenName"}]`,
		want:      docs["bare"],
		unchanged: true,
	},
	{
		name: "remove/sub-attribute of every value",
		doc:  "two",
		ops:  `[{"op":"remove","path":"emails.type"}]`,
		want: `{"id":"u1","userName":"ada","emails":[{"value":"ada@work.example","primary":true},{"value":"ada@home.example"}]}`,
	},
	{
		name: "remove/whole extension",
		doc:  "bjensen",
		ops:  `[{"op":"remove","path":"urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"}]`,
		want: without(docs["bjensen"], entURN),
	},
	{
		name: "remove/extension attribute leaves the rest",
		doc:  "bjensen",
		ops:  `[{"op":"remove","path":"urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager"}]`,
		want: with(docs["bjensen"], `"employeeNumber": "701984",
			"manager": {"value": "26118915-6090-4610-87e4-49d8ca9f808d", "displayName": "John Smith"}`, `"employeeNumber": "701984"`),
	},
	{
		name: "remove/extension sub-attribute",
		doc:  "bjensen",
		ops:  `[{"op":"remove","path":"urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager.value"}]`,
		want: with(docs["bjensen"], `{"value": "26118915-6090-4610-87e4-49d8ca9f808d", "displayName": "John Smith"}`, `{"displayName": "John Smith"}`),
	},
	{
		name:      "remove/unassigned attribute is no change",
		doc:       "bare",
		ops:       `[{"op":"remove","path":"nickName"},{"op":"remove","path":"emails"},{"op":"remove","path":"urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"}]`,
		want:      docs["bare"],
		unchanged: true,
	},
	{
		name: "remove/without path",
		doc:  "bjensen",
		ops:  `[{"op":"remove","value":{"displayName":"Babs Jensen"}}]`,
		err:  "noTarget",
	},
	{
		name: "remove/required attribute",
		doc:  "bjensen",
		ops:  `[{"op":"remove","path":"userName"}]`,
		err:  "invalidValue",
	},

	// RFC 7644 §3.5.2.3, replace.
	{
		name: "replace/rfc all values",
		doc:  "two",
		ops:  `[{"op":"replace","path":"emails","value":[{"value":"ada@new.example","type":"work"}]}]`,
		want: `{"id":"u1","userName":"ada","emails":[{"value":"ada@new.example","type":"work"}]}`,
	},
	{
		name: "replace/rfc path-less",
		doc:  "two",
		ops:  `[{"op":"replace","value":{"emails":[{"value":"ada@new.example","type":"work"}],"nickName":"Ada"}}]`,
		want: `{"id":"u1","userName":"ada","nickName":"Ada","emails":[{"value":"ada@new.example","type":"work"}]}`,
	},
	{
		name: "replace/rfc sub-attribute of matched values",
		doc:  "two",
		ops:  `[{"op":"replace","path":"emails[type eq \"home\"].value","value":"ada@cottage.example"}]`,
		want: `{"id":"u1","userName":"ada","emails":[{"value":"ada@work.example","type":"work","primary":true},{"value":"ada@cottage.example","type":"home"}]}`,
	},
	{
		name: "replace/rfc matched value merges",
		doc:  "two",
		ops:  `[{"op":"replace","path":"emails[type eq \"home\"]","value":{"value":"ada@cottage.example","primary":true}}]`,
		want: `{"id":"u1","userName":"ada","emails":[{"value":"ada@work.example","type":"work"},{"value":"ada@cottage.example","type":"home","primary":true}]}`,
	},
	{
		name: "replace/complex keeps sub-attributes not given",
		doc:  "bjensen",
		ops:  `[{"op":"replace","path":"name","value":{"givenName":"Babs"}}]`,
		want: with(docs["bjensen"], `"givenName": "Barbara"`, `"givenName": "Babs"`),
	},
	{
		name: "replace/null sub-attribute in a complex value removes it",
		doc:  "bjensen",
		ops:  `[{"op":"replace","path":"name","value":{"givenName":null}}]`,
		want: with(docs["bjensen"], `"name": {"familyName": "Jensen", "givenName": "Barbara"}`, `"name": {"familyName": "Jensen"}`),
	},
	{
		name: "replace/singular attribute",
		doc:  "bjensen",
		ops:  `[{"op":"replace","path":"userName","value":"babs@example.com"}]`,
		want: with(docs["bjensen"], `"userName": "bjensen@example.com"`, `"userName": "babs@example.com"`),
	},
	{
		name: "replace/unassigned attribute adds it",
		doc:  "bare",
		ops:  `[{"op":"replace","path":"title","value":"Tour Guide"}]`,
		want: `{"id":"u2","userName":"grace","title":"Tour Guide"}`,
	},
	{
		name: "replace/null removes",
		doc:  "bjensen",
		ops:  `[{"op":"replace","path":"displayName","value":null}]`,
		want: with(docs["bjensen"], `"displayName": "Babs Jensen",`, ``),
	},
	{
		name: "replace/empty array removes",
		doc:  "two",
		ops:  `[{"op":"replace","path":"emails","value":[]}]`,
		want: `{"id":"u1","userName":"ada"}`,
	},
	{
		name: "replace/path-less null removes",
		doc:  "bjensen",
		ops:  `[{"op":"replace","value":{"displayName":null,"emails":[]}}]`,
		want: without(without(docs["bjensen"], "displayName"), "emails"),
	},
	{
		name: "replace/filter without eq matching nothing",
		doc:  "two",
		ops:  `[{"op":"replace","path":"emails[value co \"nowhere\"].type","value":"other"}]`,
		err:  "noTarget",
	},
	{
		name: "replace/primary on a matched value clears the others",
		doc:  "two",
		ops:  `[{"op":"replace","path":"emails[type eq \"home\"].primary","value":true}]`,
		want: `{"id":"u1","userName":"ada","emails":[{"value":"ada@work.example","type":"work"},{"value":"ada@home.example","type":"home","primary":true}]}`,
	},
	{
		name: "replace/extension with an object",
		doc:  "bjensen",
		ops:  `[{"op":"replace","path":"urn:ietf:params:scim:schemas:extension:enterprise:2.0:User","value":{"employeeNumber":"42"}}]`,
		want: with(docs["bjensen"], `"employeeNumber": "701984"`, `"employeeNumber": "42"`),
	},

	// Microsoft Entra ID, from "Known issues and resolutions with SCIM 2.0
	// protocol compliance" and the SCIM endpoint guide on learn.microsoft.com.
	{
		name: "entra/disable user without feature flag",
		doc:  "entra",
		ops:  `[{"op":"Replace","path":"active","value":"False"}]`,
		want: with(docs["entra"], `"active": true`, `"active": false`),
	},
	{
		name: "entra/disable user with feature flag",
		doc:  "entra",
		ops:  `[{"op":"replace","path":"active","value":false}]`,
		want: with(docs["entra"], `"active": true`, `"active": false`),
	},
	{
		name: "entra/add single-value string",
		doc:  "entra",
		ops:  `[{"op":"Add","path":"nickName","value":"Babs"}]`,
		want: with(docs["entra"], `"active": true`, `"active": true, "nickName": "Babs"`),
	},
	{
		name: "entra/replace multiple attributes without feature flag",
		doc:  "entra",
		ops: `[
			{"op":"Replace","path":"displayName","value":"Pvlo"},
			{"op":"Replace","path":"emails[type eq \"work\"].value","value":"TestBcwqnm@test.microsoft.com"},
			{"op":"Replace","path":"name.givenName","value":"Gtfd"},
			{"op":"Replace","path":"name.familyName","value":"Pkqf"},
			{"op":"Replace","path":"externalId","value":"Eqpj"},
			{"op":"Replace","path":"urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:employeeNumber","value":"Eqpj"}]`,
		want: `{"id": "6764549bef60420686bc", "externalId": "Eqpj", "displayName": "Pvlo",
			"userName": "Test_User_fbb9dda4@testuser.com", "active": true,
			"name": {"formatted": "givenName familyName", "familyName": "Pkqf", "givenName": "Gtfd"},
			"emails": [{"value": "TestBcwqnm@test.microsoft.com", "type": "work", "primary": true}],
			"urn:ietf:params:scim:schemas:extension:enterprise:2.0:User": {"employeeNumber": "Eqpj"}}`,
	},
	{
		name: "entra/replace multiple attributes with feature flag",
		doc:  "entra",
		ops: `[
			{"op":"replace","path":"emails[type eq \"work\"].value","value":"TestMhvaes@test.microsoft.com"},
			{"op":"replace","value":{"displayName":"Bjfe","name.givenName":"Kkom","name.familyName":"Unua",
				"urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:employeeNumber":"Aklq"}}]`,
		want: `{"id": "6764549bef60420686bc", "externalId": "6c75de36-30fa-4d2d-a196-6bdcdb6b6539", "displayName": "Bjfe",
			"userName": "Test_User_fbb9dda4@testuser.com", "active": true,
			"name": {"formatted": "givenName familyName", "familyName": "Unua", "givenName": "Kkom"},
			"emails": [{"value": "TestMhvaes@test.microsoft.com", "type": "work", "primary": true}],
			"urn:ietf:params:scim:schemas:extension:enterprise:2.0:User": {"employeeNumber": "Aklq"}}`,
	},
	{
		name: "entra/update multi-valued properties",
		doc:  "entra",
		ops: `[{"op":"Replace","path":"emails[type eq \"work\"].value","value":"updatedEmail@microsoft.com"},
			{"op":"Replace","path":"name.familyName","value":"updatedFamilyName"}]`,
		want: with(with(docs["entra"], `"Test_User_22370c1a@testuser.com"`, `"updatedEmail@microsoft.com"`),
			`"familyName": "familyName"`, `"familyName": "updatedFamilyName"`),
	},
	{
		name: "entra/replace through a filter creates the value",
		doc:  "bare",
		ops:  `[{"op":"Replace","path":"emails[type eq \"work\"].value","value":"grace@work.example"}]`,
		want: `{"id":"u2","userName":"grace","emails":[{"type":"work","value":"grace@work.example"}]}`,
	},
	{
		name: "entra/add through a filter creates the value beside others",
		doc:  "min",
		ops:  `[{"op":"Add","path":"emails[type eq \"home\"]","value":{"value":"ada@home.example"}}]`,
		want: `{"id":"u1","userName":"ada","emails":[{"value":"ada@work.example","type":"work","primary":true},{"type":"home","value":"ada@home.example"}]}`,
	},
	{
		name: "entra/create through a filter with and",
		doc:  "bare",
		ops:  `[{"op":"Add","path":"addresses[type eq \"work\" and country eq \"ML\"].locality","value":"Bamako"}]`,
		want: `{"id":"u2","userName":"grace","addresses":[{"type":"work","country":"ML","locality":"Bamako"}]}`,
	},
	{
		name: "entra/path-less add with an extension object",
		doc:  "bare",
		ops: `[{"op":"Add","value":{"urn:ietf:params:scim:schemas:extension:enterprise:2.0:User":
			{"department":"Tech Infrastructure","manager":"26118915"}}}]`,
		want: `{"id":"u2","userName":"grace","urn:ietf:params:scim:schemas:extension:enterprise:2.0:User":
			{"department":"Tech Infrastructure","manager":{"value":"26118915"}}}`,
	},
	{
		name: "entra/path-less add with a filter key",
		doc:  "bare",
		ops:  `[{"op":"Add","value":{"emails[type eq \"work\"].value":"grace@work.example","name.givenName":"Grace"}}]`,
		want: `{"id":"u2","userName":"grace","name":{"givenName":"Grace"},"emails":[{"type":"work","value":"grace@work.example"}]}`,
	},
	{
		name: "entra/manager as a plain id",
		doc:  "bjensen",
		ops:  `[{"op":"Replace","path":"urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager","value":"b7a1"}]`,
		want: with(docs["bjensen"], `"value": "26118915-6090-4610-87e4-49d8ca9f808d"`, `"value": "b7a1"`),
	},
	{
		name: "entra/manager as an object",
		doc:  "bare",
		ops:  `[{"op":"Add","path":"urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager","value":{"value":"b7a1"}}]`,
		want: `{"id":"u2","userName":"grace","urn:ietf:params:scim:schemas:extension:enterprise:2.0:User":{"manager":{"value":"b7a1"}}}`,
	},
	{
		name: "entra/manager as a one-element array with $ref null",
		doc:  "bare",
		ops:  `[{"op":"Add","path":"urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager","value":[{"$ref":null,"value":"b7a1"}]}]`,
		want: `{"id":"u2","userName":"grace","urn:ietf:params:scim:schemas:extension:enterprise:2.0:User":{"manager":{"value":"b7a1"}}}`,
	},
	{
		name: "entra/manager.value",
		doc:  "bare",
		ops:  `[{"op":"Add","path":"urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager.value","value":"b7a1"}]`,
		want: `{"id":"u2","userName":"grace","urn:ietf:params:scim:schemas:extension:enterprise:2.0:User":{"manager":{"value":"b7a1"}}}`,
	},
	{
		name: "entra/remove listed values (legacy member removal)",
		doc:  "two",
		ops:  `[{"op":"Remove","path":"emails","value":[{"value":"ada@home.example"}]}]`,
		want: docs["min"],
	},
	{
		name: "entra/re-sending the same values is no change",
		doc:  "entra",
		ops: `[{"op":"Replace","path":"emails[type eq \"work\"].value","value":"Test_User_22370c1a@testuser.com"},
			{"op":"Replace","path":"active","value":"True"},
			{"op":"replace","value":{"name.givenName":"givenName","externalId":"6c75de36-30fa-4d2d-a196-6bdcdb6b6539"}}]`,
		want:      docs["entra"],
		unchanged: true,
	},
	{
		name: "entra/op names in any case",
		doc:  "bjensen",
		ops:  `[{"op":"REMOVE","path":"displayName"},{"op":"ADD","path":"nickName","value":"Babs"},{"op":"rePlace","path":"title","value":"Guide"}]`,
		want: with(docs["bjensen"], `"displayName": "Babs Jensen",`, `"nickName": "Babs", "title": "Guide",`),
	},

	// Okta, from its SCIM 2.0 guide: deactivation, and a replace that
	// repeats the id.
	{
		name: "okta/deactivate user",
		doc:  "bjensen",
		ops:  `[{"op":"replace","value":{"active":false}}]`,
		want: with(docs["bjensen"], `"active": true`, `"active": false`),
	},
	{
		name: "okta/id repeated in a path-less replace is ignored",
		doc:  "bjensen",
		ops:  `[{"op":"replace","value":{"id":"2819c223-7f76-453a-919d-413861904646","displayName":"Test SCIMv2"}}]`,
		want: with(docs["bjensen"], `"displayName": "Babs Jensen"`, `"displayName": "Test SCIMv2"`),
	},
	{
		name: "okta/a different id in a path-less replace",
		doc:  "bjensen",
		ops:  `[{"op":"replace","value":{"id":"other","displayName":"Test SCIMv2"}}]`,
		err:  "mutability",
	},

	// Mutability (RFC 7643 §7, RFC 7644 §3.5.2).
	{name: "mutability/replace id", doc: "bjensen", ops: `[{"op":"replace","path":"id","value":"x"}]`, err: "mutability"},
	{name: "mutability/replace id with its value", doc: "bjensen", ops: `[{"op":"replace","path":"id","value":"2819c223-7f76-453a-919d-413861904646"}]`, err: "mutability"},
	{name: "mutability/meta sub-attribute", doc: "bjensen", ops: `[{"op":"replace","path":"meta.lastModified","value":"2020-01-01T00:00:00Z"}]`, err: "mutability"},
	{name: "mutability/add groups", doc: "bjensen", ops: `[{"op":"add","path":"groups","value":[{"value":"g2"}]}]`, err: "mutability"},
	{name: "mutability/remove groups", doc: "bjensen", ops: `[{"op":"remove","path":"groups"}]`, err: "mutability"},
	{name: "mutability/remove a group by filter", doc: "bjensen", ops: `[{"op":"remove","path":"groups[display eq \"Tour Guides\"]"}]`, err: "mutability"},
	{name: "mutability/manager displayName", doc: "bjensen", ops: `[{"op":"replace","path":"urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager.displayName","value":"X"}]`, err: "mutability"},
	{
		name: "mutability/readOnly sub-attribute in a value is dropped",
		doc:  "bare",
		ops:  `[{"op":"add","path":"urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager","value":{"value":"b7a1","displayName":"Bob"}}]`,
		want: `{"id":"u2","userName":"grace","urn:ietf:params:scim:schemas:extension:enterprise:2.0:User":{"manager":{"value":"b7a1"}}}`,
	},
	{
		name: "mutability/immutable set when unassigned",
		doc:  "bare",
		ops:  `[{"op":"add","path":"urn:example:params:scim:schemas:extension:badge:2.0:User:badge","value":"B-9"}]`,
		want: `{"id":"u2","userName":"grace","urn:example:params:scim:schemas:extension:badge:2.0:User":{"badge":"B-9"}}`,
	},
	{
		name:      "mutability/immutable kept",
		doc:       "badged",
		ops:       `[{"op":"replace","path":"urn:example:params:scim:schemas:extension:badge:2.0:User:badge","value":"B-1"}]`,
		want:      docs["badged"],
		unchanged: true,
	},
	{name: "mutability/immutable changed", doc: "badged", ops: `[{"op":"replace","path":"urn:example:params:scim:schemas:extension:badge:2.0:User:badge","value":"B-2"}]`, err: "mutability"},
	{name: "mutability/immutable removed", doc: "badged", ops: `[{"op":"remove","path":"urn:example:params:scim:schemas:extension:badge:2.0:User:badge"}]`, err: "mutability"},
	{name: "mutability/extension with immutable removed", doc: "badged", ops: `[{"op":"remove","path":"urn:example:params:scim:schemas:extension:badge:2.0:User"}]`, err: "mutability"},
	{name: "mutability/immutable changed path-less", doc: "badged", ops: `[{"op":"replace","value":{"urn:example:params:scim:schemas:extension:badge:2.0:User:badge":"B-2"}}]`, err: "mutability"},

	// Syntax, paths, values and limits.
	{name: "error/unknown op", doc: "bare", ops: `[{"op":"move","path":"nickName","value":"x"}]`, err: "invalidSyntax"},
	{name: "error/missing op", doc: "bare", ops: `[{"path":"nickName","value":"x"}]`, err: "invalidSyntax"},
	{name: "error/add without value", doc: "bare", ops: `[{"op":"add","path":"nickName"}]`, err: "invalidSyntax"},
	{name: "error/path-less replace without value", doc: "bare", ops: `[{"op":"replace"}]`, err: "invalidSyntax"},
	{name: "error/path-less value not an object", doc: "bare", ops: `[{"op":"add","value":"x"}]`, err: "invalidSyntax"},
	{name: "error/no operations", doc: "bare", ops: `[]`, err: "invalidSyntax"},
	{name: "error/unknown attribute", doc: "bare", ops: `[{"op":"add","path":"shoeSize","value":"x"}]`, err: "invalidPath"},
	{name: "error/unknown sub-attribute", doc: "bare", ops: `[{"op":"add","path":"name.nick","value":"x"}]`, err: "invalidPath"},
	{name: "error/unknown schema", doc: "bare", ops: `[{"op":"add","path":"urn:example:nothing:attr","value":"x"}]`, err: "invalidPath"},
	{name: "error/malformed value filter", doc: "two", ops: `[{"op":"replace","path":"emails[type eq].value","value":"x"}]`, err: "invalidFilter"},
	{name: "error/filter on a simple attribute", doc: "bare", ops: `[{"op":"replace","path":"userName[value eq \"x\"]","value":"x"}]`, err: "invalidPath"},
	{name: "error/wrong type", doc: "bare", ops: `[{"op":"replace","path":"active","value":"maybe"}]`, err: "invalidValue"},
	{name: "error/scalar for a complex attribute without value", doc: "bare", ops: `[{"op":"replace","path":"name","value":"Grace"}]`, err: "invalidValue"},
	{name: "error/extension value not an object", doc: "bare", ops: `[{"op":"add","path":"urn:ietf:params:scim:schemas:extension:enterprise:2.0:User","value":"x"}]`, err: "invalidValue"},
	{name: "error/too many", doc: "bare", ops: `[{"op":"add","path":"nickName","value":"a"},{"op":"add","path":"nickName","value":"b"},{"op":"add","path":"nickName","value":"c"}]`, err: "tooMany", lim: patch.Limits{MaxOperations: 2}},
	{
		name: "error/second operation fails",
		doc:  "bjensen",
		ops:  `[{"op":"replace","path":"displayName","value":"Changed"},{"op":"replace","path":"emails[type eq \"work\"].primary","value":"perhaps"}]`,
		err:  "invalidValue",
	},
	{
		name:      "path-less/unknown keys and schemas are ignored",
		doc:       "bare",
		ops:       `[{"op":"replace","value":{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"shoeSize":"44","userName":"grace"}}]`,
		want:      docs["bare"],
		unchanged: true,
	},
	{
		name: "path-less/keys in any case",
		doc:  "bare",
		ops:  `[{"op":"add","value":{"DisplayName":"Grace H","NAME.FamilyName":"Hopper"}}]`,
		want: `{"id":"u2","userName":"grace","displayName":"Grace H","name":{"familyName":"Hopper"}}`,
	},
}

// with returns doc with old replaced by new, which must occur once.
func with(doc, old, new string) string {
	if strings.Count(doc, old) != 1 {
		panic("with: " + old + " is not in the document once")
	}
	return strings.Replace(doc, old, new, 1)
}

// without returns doc, as JSON, without the top-level key.
func without(doc, key string) string {
	var m map[string]any
	if err := json.Unmarshal([]byte(doc), &m); err != nil {
		panic(err)
	}
	delete(m, key)
	b, err := json.Marshal(m)
	if err != nil {
		panic(err)
	}
	return string(b)
}

func decodeDoc(tb testing.TB, s string) map[string]any {
	tb.Helper()
	var m map[string]any
	require.NoError(tb, json.Unmarshal([]byte(s), &m))
	return m
}

func decodeOps(s string) ([]patch.Operation, error) {
	dec := json.NewDecoder(strings.NewReader(s))
	dec.UseNumber()
	var ops []patch.Operation
	err := dec.Decode(&ops)
	return ops, err
}

// snapshot returns a deep copy of doc, to check that Apply left it alone.
func snapshot(tb testing.TB, doc map[string]any) map[string]any {
	tb.Helper()
	b, err := json.Marshal(doc)
	require.NoError(tb, err)
	return decodeDoc(tb, string(b))
}

func TestApply(t *testing.T) {
	rt := userType(t)
	for _, tc := range applyCases {
		t.Run(tc.name, func(t *testing.T) {
			doc := decodeDoc(t, docs[tc.doc])
			before := snapshot(t, doc)
			ops, err := decodeOps(tc.ops)
			require.NoError(t, err)

			out, changed, err := patch.Apply(doc, ops, rt, tc.lim)
			assert.Equal(t, before, doc, "Apply modified its input")
			if tc.err != "" {
				require.Error(t, err)
				var se *schema.Error
				require.True(t, errors.As(err, &se), "error %v is not a *schema.Error", err)
				assert.Equal(t, tc.err, se.ScimType, "detail: %s", se.Detail)
				assert.Nil(t, out)
				assert.False(t, changed)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, decodeDoc(t, tc.want), out)
			assert.Equal(t, !tc.unchanged, changed, "changed")
			_, err = rt.Normalize(out)
			assert.NoError(t, err, "result does not normalise")
		})
	}
}

// TestApplyAtomic checks that a failing operation leaves no trace: the
// input is untouched even though earlier operations succeeded, including
// on nested values.
func TestApplyAtomic(t *testing.T) {
	rt := userType(t)
	doc := decodeDoc(t, docs["bjensen"])
	before := snapshot(t, doc)
	ops, err := decodeOps(`[
		{"op":"replace","path":"name.givenName","value":"Babs"},
		{"op":"add","path":"emails","value":[{"value":"new@example.com","primary":true}]},
		{"op":"replace","path":"urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:employeeNumber","value":"1"},
		{"op":"remove","path":"emails[type eq \"home\"]"},
		{"op":"replace","path":"id","value":"stolen"}]`)
	require.NoError(t, err)
	out, changed, err := patch.Apply(doc, ops, rt, patch.Limits{})
	var se *schema.Error
	require.ErrorAs(t, err, &se)
	assert.Equal(t, "mutability", se.ScimType)
	assert.Contains(t, se.Detail, "Operations[4]")
	assert.Nil(t, out)
	assert.False(t, changed)
	assert.Equal(t, before, doc)
}

// TestApplySharesUntouched checks copy-on-write: values no operation
// touched are shared, and the input keeps its own.
func TestApplySharesUntouched(t *testing.T) {
	rt := userType(t)
	doc := decodeDoc(t, docs["bjensen"])
	ops, err := decodeOps(`[{"op":"replace","path":"emails[type eq \"home\"].value","value":"b@x"}]`)
	require.NoError(t, err)
	out, changed, err := patch.Apply(doc, ops, rt, patch.Limits{})
	require.NoError(t, err)
	assert.True(t, changed)
	assert.Equal(t, "babs@jensen.org", doc["emails"].([]any)[1].(map[string]any)["value"])
	assert.Equal(t, "b@x", out["emails"].([]any)[1].(map[string]any)["value"])
	// The work email and the name were not touched: the same maps.
	assert.Equal(t, mapID(doc["emails"].([]any)[0]), mapID(out["emails"].([]any)[0]))
	assert.Equal(t, mapID(doc["name"]), mapID(out["name"]))
	assert.NotEqual(t, mapID(doc["emails"].([]any)[1]), mapID(out["emails"].([]any)[1]))
}

// mapID returns the identity of a map.
func mapID(v any) uintptr {
	return reflect.ValueOf(v.(map[string]any)).Pointer()
}

func TestApplyNilDoc(t *testing.T) {
	rt := userType(t)
	ops, err := decodeOps(`[{"op":"add","path":"userName","value":"x"}]`)
	require.NoError(t, err)
	out, changed, err := patch.Apply(nil, ops, rt, patch.Limits{})
	require.NoError(t, err)
	assert.True(t, changed)
	assert.Equal(t, map[string]any{"userName": "x"}, out)

	_, _, err = patch.Apply(nil, ops, nil, patch.Limits{})
	assert.Error(t, err)
}

func TestApplyDefaultLimit(t *testing.T) {
	rt := userType(t)
	ops := make([]patch.Operation, patch.DefaultMaxOperations+1)
	for i := range ops {
		ops[i] = patch.Operation{Op: "replace", Path: "nickName", Value: "x"}
	}
	_, _, err := patch.Apply(nil, ops, rt, patch.Limits{})
	var se *schema.Error
	require.ErrorAs(t, err, &se)
	assert.Equal(t, "tooMany", se.ScimType)

	out, _, err := patch.Apply(nil, ops[1:], rt, patch.Limits{})
	require.NoError(t, err)
	assert.Equal(t, "x", out["nickName"])
}
