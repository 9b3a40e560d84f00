package store_test

import (
	"bytes"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/scimstack/scimstack/schema"
	"github.com/scimstack/scimstack/store"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

const acmeURN = "urn:ietf:params:scim:schemas:extension:acme:2.0:User"

func ptr[T any](v T) *T { return &v }

// fullUser sets every field of User.
func fullUser() *store.User {
	return &store.User{
		ID:         "2819c223-7f76-453a-919d-413861904646",
		ExternalID: "ext-701984",
		UserName:   "bjensen@example.com",
		Name: &store.Name{
			Formatted:       "Ms. Barbara J Jensen, III",
			FamilyName:      "Jensen",
			GivenName:       "Barbara",
			MiddleName:      "Jane",
			HonorificPrefix: "Ms.",
			HonorificSuffix: "III",
		},
		DisplayName:       "Babs Jensen",
		NickName:          "Babs",
		ProfileURL:        "https://login.example.com/bjensen",
		Title:             "Tour Guide",
		UserType:          "Employee",
		PreferredLanguage: "en-US",
		Locale:            "en-US",
		Timezone:          "America/Los_Angeles",
		Active:            ptr(true),
		Password:          "t1meMa$heen",
		Emails: []store.MultiValue{
			{Value: "bjensen@example.com", Type: "work", Primary: true},
			{Value: "babs@jensen.org", Type: "home", Display: "Babs"},
		},
		PhoneNumbers: []store.MultiValue{{Value: "555-555-5555", Type: "work"}},
		IMs:          []store.MultiValue{{Value: "someaimhandle", Type: "aim"}},
		Photos:       []store.MultiValue{{Value: "https://photos.example.com/profilephoto/72930000000Ccne/F", Type: "photo"}},
		Addresses: []store.Address{{
			Formatted:     "100 Universal City Plaza\nHollywood, CA 91608 USA",
			StreetAddress: "100 Universal City Plaza",
			Locality:      "Hollywood",
			Region:        "CA",
			PostalCode:    "91608",
			Country:       "USA",
			Type:          "work",
			Primary:       true,
		}},
		Groups: []store.GroupRef{{
			Value:   "e9e30dba-f08f-4109-8486-d5c6a331660a",
			Ref:     "https://example.com/v2/Groups/e9e30dba-f08f-4109-8486-d5c6a331660a",
			Display: "Tour Guides",
			Type:    "direct",
		}},
		Entitlements:     []store.MultiValue{{Value: "admin", Display: "Administrator"}},
		Roles:            []store.MultiValue{{Value: "guide", Primary: true}},
		X509Certificates: []store.MultiValue{{Value: "MIIDQzCCAqygAwIBAgICEAAwDQYJKoZIhvcNAQEFBQAwTjELMAkGA1UEBhMCVVMx"}},
		Enterprise: &store.EnterpriseUser{
			EmployeeNumber: "701984",
			CostCenter:     "4130",
			Organization:   "Universal Studios",
			Division:       "Theme Park",
			Department:     "Tour Operations",
			Manager: &store.Manager{
				Value:       "26118915-6090-4610-87e4-49d8ca9f808d",
				Ref:         "../Users/26118915-6090-4610-87e4-49d8ca9f808d",
				DisplayName: "John Smith",
			},
		},
		Extensions: map[string]map[string]any{
			acmeURN: {"badge": "B-17", "remote": true},
		},
		Meta: store.Meta{
			ResourceType: "User",
			Created:      time.Date(2010, 1, 23, 4, 56, 22, 0, time.UTC),
			LastModified: time.Date(2011, 5, 13, 4, 42, 34, 123_000_000, time.FixedZone("CEST", 2*3600)),
			Location:     "https://example.com/v2/Users/2819c223-7f76-453a-919d-413861904646",
			Version:      "W3",
		},
	}
}

func TestMapRoundTrip(t *testing.T) {
	u := fullUser()
	m := u.Map()

	// Spot checks on the generic form (schema.ResourceType).
	assert.Equal(t, "bjensen@example.com", m["userName"])
	assert.Equal(t, true, m["active"])
	assert.Equal(t, "t1meMa$heen", m["password"])
	emails := m["emails"].([]any)
	assert.Equal(t, map[string]any{"value": "bjensen@example.com", "type": "work", "primary": true}, emails[0])
	assert.NotContains(t, emails[1], "primary", "primary appears only when true")
	assert.Contains(t, m["groups"].([]any)[0], "$ref")
	assert.Contains(t, m, "x509Certificates")
	ent := m[schema.EnterpriseUserURN].(map[string]any)
	assert.Equal(t, "../Users/26118915-6090-4610-87e4-49d8ca9f808d", ent["manager"].(map[string]any)["$ref"])
	assert.Equal(t, map[string]any{"badge": "B-17", "remote": true}, m[acmeURN])
	assert.Equal(t, map[string]any{
		"resourceType": "User",
		"created":      "2010-01-23T04:56:22Z",
		"lastModified": "2011-05-13T02:42:34.123Z",
		"location":     "https://example.com/v2/Users/2819c223-7f76-453a-919d-413861904646",
		"version":      "W3",
	}, m["meta"])

	back, err := store.UserFromMap(m)
	require.NoError(t, err)
	assert.True(t, back.Meta.LastModified.Equal(u.Meta.LastModified))
	want := fullUser()
	want.Meta.LastModified = want.Meta.LastModified.UTC()
	assert.Equal(t, want, back)
	assert.Equal(t, m, back.Map())
}

func TestMapEmpty(t *testing.T) {
	u := &store.User{
		UserName:   "a",
		Name:       &store.Name{},
		Enterprise: &store.EnterpriseUser{Manager: &store.Manager{}},
		Extensions: map[string]map[string]any{acmeURN: {}},
	}
	assert.Equal(t, map[string]any{"userName": "a"}, u.Map())
	assert.Nil(t, (*store.User)(nil).Map())
	assert.Nil(t, (*store.User)(nil).Clone())
}

func TestMapSharesNothing(t *testing.T) {
	u := fullUser()
	m := u.Map()
	m[acmeURN].(map[string]any)["badge"] = "changed"
	assert.Equal(t, "B-17", u.Extensions[acmeURN]["badge"])

	back, err := store.UserFromMap(m)
	require.NoError(t, err)
	m[acmeURN].(map[string]any)["badge"] = "again"
	assert.Equal(t, "changed", back.Extensions[acmeURN]["badge"])
}

func TestUserFromMapErrors(t *testing.T) {
	for _, doc := range []map[string]any{
		{"userName": 42},
		{"active": "true"},
		{"name": "Babs"},
		{"emails": []any{"x@example.com"}},
		{"emails": "x@example.com"},
		{"emails": []any{map[string]any{"primary": "yes"}}},
		{"meta": map[string]any{"created": "yesterday"}},
		{schema.EnterpriseUserURN: map[string]any{"manager": "boss"}},
	} {
		_, err := store.UserFromMap(doc)
		assert.Error(t, err, "%v", doc)
	}
}

func TestUserFromMapLenient(t *testing.T) {
	u, err := store.UserFromMap(map[string]any{
		"userName": "a",
		"unknown":  "ignored",
		"schemas":  []any{schema.UserURN},
		"emails":   map[string]any{"value": "a@example.com"},
		"meta":     map[string]any{"created": "2020-01-02T03:04:05"},
		acmeURN:    map[string]any{"badge": "x"},
	})
	require.NoError(t, err)
	assert.Equal(t, []store.MultiValue{{Value: "a@example.com"}}, u.Emails)
	assert.Equal(t, time.Date(2020, 1, 2, 3, 4, 5, 0, time.UTC), u.Meta.Created)
	assert.Equal(t, map[string]map[string]any{acmeURN: {"badge": "x"}}, u.Extensions)
}

func TestClone(t *testing.T) {
	u := fullUser()
	c := u.Clone()
	require.Equal(t, u, c)

	c.Name.GivenName = "x"
	*c.Active = false
	c.Emails[0].Value = "x"
	c.PhoneNumbers[0].Value = "x"
	c.IMs[0].Value = "x"
	c.Photos[0].Value = "x"
	c.Addresses[0].Locality = "x"
	c.Groups[0].Display = "x"
	c.Entitlements[0].Value = "x"
	c.Roles[0].Value = "x"
	c.X509Certificates[0].Value = "x"
	c.Enterprise.Department = "x"
	c.Enterprise.Manager.DisplayName = "x"
	c.Extensions[acmeURN]["badge"] = "x"
	c.Extensions["urn:other"] = map[string]any{}

	assert.Equal(t, fullUser(), u)
}

func TestCloneSlices(t *testing.T) {
	u := fullUser()
	u.PhoneNumbers = []store.MultiValue{} // empty stays empty
	u.IMs = nil                           // nil stays nil
	c := u.Clone()
	require.Equal(t, u, c)
	assert.NotNil(t, c.PhoneNumbers)
	assert.Nil(t, c.IMs)

	// Appending to one attribute must not reach another that shares its
	// backing array.
	c.Emails = append(c.Emails, store.MultiValue{Value: "new"})
	c.Photos = append(c.Photos, store.MultiValue{Value: "new"})
	c.PhoneNumbers = append(c.PhoneNumbers, store.MultiValue{Value: "new"})
	u2 := fullUser()
	u2.PhoneNumbers = []store.MultiValue{}
	u2.IMs = nil
	assert.Equal(t, u2, u)
	assert.Equal(t, fullUser().Photos[0], c.Photos[0])
	assert.Equal(t, fullUser().Entitlements, c.Entitlements)
	assert.Equal(t, fullUser().X509Certificates, c.X509Certificates)

	one := &store.User{Name: &store.Name{}, Roles: []store.MultiValue{{Value: "r"}}}
	c = one.Clone()
	c.Roles[0].Value = "x"
	c.Roles = append(c.Roles, store.MultiValue{})
	assert.Equal(t, []store.MultiValue{{Value: "r"}}, one.Roles)

	bare := &store.User{UserName: "b", Emails: []store.MultiValue{{Value: "e"}}}
	assert.Equal(t, bare, bare.Clone())
}

func TestUserFromMapSharesNoSlices(t *testing.T) {
	u, err := store.UserFromMap(map[string]any{
		"emails": []any{map[string]any{"value": "a"}},
		"roles":  []any{map[string]any{"value": "b"}},
		"ims":    []map[string]any{{"value": "c"}},
	})
	require.NoError(t, err)
	u.Emails = append(u.Emails, store.MultiValue{Value: "x"})
	u.Roles = append(u.Roles, store.MultiValue{Value: "y"})
	assert.Equal(t, []store.MultiValue{{Value: "a"}, {Value: "x"}}, u.Emails)
	assert.Equal(t, []store.MultiValue{{Value: "b"}, {Value: "y"}}, u.Roles)
	assert.Equal(t, []store.MultiValue{{Value: "c"}}, u.IMs)
	assert.Nil(t, u.Name)
	assert.Nil(t, u.Active)
	assert.Nil(t, u.Enterprise)
}

func TestCloneNested(t *testing.T) {
	u := &store.User{Extensions: map[string]map[string]any{
		acmeURN: {"tags": []any{map[string]any{"value": "a"}}},
	}}
	c := u.Clone()
	c.Extensions[acmeURN]["tags"].([]any)[0].(map[string]any)["value"] = "b"
	assert.Equal(t, "a", u.Extensions[acmeURN]["tags"].([]any)[0].(map[string]any)["value"])
}

func TestMarshalJSON(t *testing.T) {
	u := fullUser()
	u.Extensions["urn:example:aaa"] = map[string]any{"n": int64(1)}
	got, err := json.MarshalIndent(u, "", "  ")
	require.NoError(t, err)
	golden(t, "user.json", got)

	assert.NotContains(t, string(got), "t1meMa$heen", "password is never written")
}

func TestMarshalJSONMinimal(t *testing.T) {
	u := &store.User{
		UserName:   "a",
		Active:     ptr(false),
		Enterprise: &store.EnterpriseUser{Department: "d", Manager: &store.Manager{}},
		Extensions: map[string]map[string]any{acmeURN: {}},
		Meta:       store.Meta{Version: "1"},
	}
	got, err := json.Marshal(u)
	require.NoError(t, err)
	assert.JSONEq(t, `{
		"schemas": ["urn:ietf:params:scim:schemas:core:2.0:User", "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"],
		"userName": "a",
		"active": false,
		"urn:ietf:params:scim:schemas:extension:enterprise:2.0:User": {"department": "d"},
		"meta": {"version": "1"}
	}`, string(got))
	assert.True(t, bytes.HasPrefix(got, []byte(`{"schemas":[`)), "schemas comes first: %s", got)

	got, err = json.Marshal(&store.User{UserName: "b"})
	require.NoError(t, err)
	assert.Equal(t, `{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"b"}`, string(got))
}

func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		require.NoError(t, os.WriteFile(path, got, 0o644))
	}
	want, err := os.ReadFile(path)
	require.NoError(t, err, "run go test -update to create %s", path)
	assert.Equal(t, string(want), string(got))
}
