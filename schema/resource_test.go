package schema_test

import (
	"encoding/json"
	"errors"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/scimstack/scimstack/schema"
)

const entURN = schema.EnterpriseUserURN

func userRT(t testing.TB, ext ...schema.Extension) *schema.ResourceType {
	t.Helper()
	rt, err := schema.UserResourceType(ext...)
	require.NoError(t, err)
	return rt
}

// requireScimErr checks that err is a *schema.Error of the given type.
func requireScimErr(t *testing.T, err error, scimType string) *schema.Error {
	t.Helper()
	require.Error(t, err)
	var se *schema.Error
	require.True(t, errors.As(err, &se), "want *schema.Error, got %T: %v", err, err)
	assert.Equal(t, scimType, se.ScimType)
	assert.NotEmpty(t, se.Detail)
	return se
}

func TestUserSchemaCharacteristics(t *testing.T) {
	u := schema.UserSchema()
	assert.Equal(t, schema.UserURN, u.ID)

	userName := u.Attribute("userName")
	require.NotNil(t, userName)
	assert.True(t, userName.Required)
	assert.False(t, userName.CaseExact)
	assert.Equal(t, schema.Server, userName.Uniqueness)

	pw := u.Attribute("password")
	assert.Equal(t, schema.WriteOnly, pw.Mutability)
	assert.Equal(t, schema.Never, pw.Returned)

	groups := u.Attribute("groups")
	assert.Equal(t, schema.ReadOnly, groups.Mutability)
	assert.True(t, groups.MultiValued)
	for _, n := range []string{"value", "$ref", "display", "type"} {
		s := groups.SubAttribute(n)
		require.NotNil(t, s, n)
		assert.Equal(t, schema.ReadOnly, s.Mutability, n)
	}
	assert.Equal(t, []string{"User", "Group"}, groups.SubAttribute("$ref").ReferenceTypes)

	assert.Equal(t, schema.Binary, u.Attribute("x509Certificates").SubAttribute("value").Type)
	assert.Equal(t, schema.Reference, u.Attribute("photos").SubAttribute("value").Type)
	assert.Equal(t, schema.Boolean, u.Attribute("active").Type)
	assert.Equal(t, []string{"external"}, u.Attribute("profileUrl").ReferenceTypes)
	for _, n := range []string{"emails", "phoneNumbers", "ims", "photos", "entitlements", "roles", "x509Certificates"} {
		a := u.Attribute(n)
		require.NotNil(t, a, n)
		assert.True(t, a.MultiValued, n)
		for _, s := range []string{"value", "display", "type", "primary"} {
			assert.NotNil(t, a.SubAttribute(s), n+"."+s)
		}
	}
	assert.Equal(t, []string{"work", "home", "other"}, u.Attribute("emails").SubAttribute("type").CanonicalValues)
	addr := u.Attribute("addresses")
	for _, s := range []string{"formatted", "streetAddress", "locality", "region", "postalCode", "country", "type", "primary"} {
		assert.NotNil(t, addr.SubAttribute(s), s)
	}
	for _, s := range []string{"formatted", "familyName", "givenName", "middleName", "honorificPrefix", "honorificSuffix"} {
		assert.NotNil(t, u.Attribute("name").SubAttribute(s), s)
	}

	ent := schema.EnterpriseUserSchema()
	mgr := ent.Attribute("manager")
	require.NotNil(t, mgr)
	assert.Equal(t, schema.ReadOnly, mgr.SubAttribute("displayName").Mutability)
	assert.Equal(t, []string{"User"}, mgr.SubAttribute("$ref").ReferenceTypes)
	for _, n := range []string{"employeeNumber", "costCenter", "organization", "division", "department"} {
		assert.NotNil(t, ent.Attribute(n), n)
	}

	g := schema.GroupSchema()
	assert.True(t, g.Attribute("displayName").Required)
	assert.Equal(t, schema.Immutable, g.Attribute("members").SubAttribute("value").Mutability)

	c := schema.CommonAttributes()
	require.Len(t, c, 3)
	assert.Equal(t, "id", c[0].Name)
	assert.True(t, c[0].CaseExact)
	assert.Equal(t, schema.Always, c[0].Returned)
	assert.Equal(t, schema.ReadOnly, c[0].Mutability)
	assert.Equal(t, schema.Server, c[0].Uniqueness)
	assert.Equal(t, schema.ReadWrite, c[1].Mutability)
	assert.Equal(t, schema.DateTime, c[2].SubAttribute("created").Type)

	// Fresh values each call.
	assert.NotSame(t, schema.UserSchema().Attribute("userName"), u.Attribute("userName"))

	// The JSON form marshals.
	_, err := json.Marshal(u)
	require.NoError(t, err)
}

func TestNewResourceType(t *testing.T) {
	okExt := func() schema.Extension {
		return schema.Extension{Schema: &schema.Schema{ID: "urn:example:ext:1.0:User", Attributes: []*schema.Attribute{
			{Name: "badge", Type: schema.String},
		}}}
	}
	tests := []struct {
		name     string
		rtName   string
		endpoint string
		core     *schema.Schema
		ext      []schema.Extension
		wantErr  bool
	}{
		{"user", "User", "/Users", schema.UserSchema(), nil, false},
		{"with extensions", "User", "/Users", schema.UserSchema(), []schema.Extension{{Schema: schema.EnterpriseUserSchema()}, okExt()}, false},
		{"group", "Group", "/Groups", schema.GroupSchema(), nil, false},
		{"nil core", "User", "/Users", nil, nil, true},
		{"empty name", "", "/Users", schema.UserSchema(), nil, true},
		{"bad endpoint", "User", "Users", schema.UserSchema(), nil, true},
		{"duplicate extension", "User", "/Users", schema.UserSchema(), []schema.Extension{okExt(), okExt()}, true},
		{"extension URN in other case", "User", "/Users", schema.UserSchema(), []schema.Extension{
			{Schema: schema.EnterpriseUserSchema()},
			{Schema: &schema.Schema{ID: "URN:IETF:params:scim:schemas:extension:enterprise:2.0:User", Attributes: []*schema.Attribute{{Name: "x", Type: schema.String}}}},
		}, true},
		{"extension equals core", "User", "/Users", schema.UserSchema(), []schema.Extension{{Schema: schema.UserSchema()}}, true},
		{"nil extension schema", "User", "/Users", schema.UserSchema(), []schema.Extension{{}}, true},
		{"not a URN", "X", "/X", &schema.Schema{ID: "x", Attributes: []*schema.Attribute{{Name: "a", Type: schema.String}}}, nil, true},
		{"bad attribute name", "X", "/X", &schema.Schema{ID: "urn:x", Attributes: []*schema.Attribute{{Name: "a.b", Type: schema.String}}}, nil, true},
		{"duplicate attribute", "X", "/X", &schema.Schema{ID: "urn:x", Attributes: []*schema.Attribute{{Name: "a", Type: schema.String}, {Name: "A", Type: schema.String}}}, nil, true},
		{"clash with common", "X", "/X", &schema.Schema{ID: "urn:x", Attributes: []*schema.Attribute{{Name: "ID", Type: schema.String}}}, nil, true},
		{"unknown type", "X", "/X", &schema.Schema{ID: "urn:x", Attributes: []*schema.Attribute{{Name: "a", Type: "text"}}}, nil, true},
		{"complex without subs", "X", "/X", &schema.Schema{ID: "urn:x", Attributes: []*schema.Attribute{{Name: "a", Type: schema.Complex}}}, nil, true},
		{"nested complex", "X", "/X", &schema.Schema{ID: "urn:x", Attributes: []*schema.Attribute{{Name: "a", Type: schema.Complex, SubAttributes: []*schema.Attribute{
			{Name: "b", Type: schema.Complex, SubAttributes: []*schema.Attribute{{Name: "c", Type: schema.String}}},
		}}}}, nil, true},
		{"bad mutability", "X", "/X", &schema.Schema{ID: "urn:x", Attributes: []*schema.Attribute{{Name: "a", Type: schema.String, Mutability: "sometimes"}}}, nil, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rt, err := schema.NewResourceType(tt.rtName, tt.endpoint, "", tt.core, tt.ext...)
			if tt.wantErr {
				require.Error(t, err)
				assert.Nil(t, rt)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tt.rtName, rt.ID)
			assert.Equal(t, tt.rtName, rt.Name)
			assert.Equal(t, tt.endpoint, rt.Endpoint)
			assert.Len(t, rt.Schemas(), 1+len(tt.ext))
		})
	}
}

func TestUserResourceType(t *testing.T) {
	rt := userRT(t)
	assert.Equal(t, "User", rt.Name)
	assert.Equal(t, "/Users", rt.Endpoint)
	require.Len(t, rt.Extensions, 1)
	assert.False(t, rt.Extensions[0].Required)
	assert.Equal(t, entURN, rt.Extensions[0].Schema.ID)
	assert.NotNil(t, rt.Extension("URN:ietf:params:scim:schemas:extension:ENTERPRISE:2.0:User"))
	assert.Nil(t, rt.Extension("urn:nope"))
	assert.Nil(t, rt.Extension(schema.UserURN))

	s := rt.Schemas()
	require.Len(t, s, 2)
	assert.Equal(t, schema.UserURN, s[0].ID)
	s[0] = nil // the caller's copy
	assert.NotNil(t, rt.Schemas()[0])

	_, err := schema.UserResourceType(schema.Extension{Schema: schema.EnterpriseUserSchema()})
	require.Error(t, err, "enterprise extension twice")
}

func TestLookup(t *testing.T) {
	rt := userRT(t)
	tests := []struct {
		urn, name, sub string
		want           string // AttrRef.String(), "" for an error
	}{
		{"", "userName", "", "userName"},
		{"", "USERNAME", "", "userName"},
		{"", "name", "GIVENNAME", "name.givenName"},
		{"", "id", "", "id"},
		{"", "Meta", "lastmodified", "meta.lastModified"},
		{"", "externalID", "", "externalId"},
		{"", "groups", "$REF", "groups.$ref"},
		{schema.UserURN, "userName", "", "userName"},
		{"urn:ietf:params:scim:schemas:core:2.0:user", "emails", "value", "emails.value"},
		{schema.UserURN, "meta", "version", "meta.version"},
		{entURN, "employeeNumber", "", entURN + ":employeeNumber"},
		{"URN:IETF:PARAMS:SCIM:SCHEMAS:EXTENSION:ENTERPRISE:2.0:USER", "MANAGER", "VALUE", entURN + ":manager.value"},
		{entURN, "", "", entURN},
		// Errors.
		{"", "nope", "", ""},
		{"", "", "", ""},
		{"", "userName", "x", ""},
		{"", "name", "nope", ""},
		{"", "employeeNumber", "", ""}, // extension attribute without its URN
		{entURN, "userName", "", ""},   // core attribute under the extension
		{"urn:nope", "userName", "", ""},
		{schema.UserURN, "", "", ""},
		{entURN, "", "value", ""},
	}
	for _, tt := range tests {
		t.Run(tt.urn+"|"+tt.name+"|"+tt.sub, func(t *testing.T) {
			ref, err := rt.Lookup(tt.urn, tt.name, tt.sub)
			if tt.want == "" {
				requireScimErr(t, err, "invalidPath")
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tt.want, ref.String())
		})
	}

	ref, err := rt.Lookup("", "name", "givenName")
	require.NoError(t, err)
	assert.Equal(t, "", ref.URN)
	assert.Same(t, rt.Schema.Attribute("name"), ref.Attr)
	assert.Same(t, ref.Attr.SubAttribute("givenName"), ref.Def())

	ref, err = rt.Lookup(entURN, "", "")
	require.NoError(t, err)
	assert.Nil(t, ref.Attr)
	assert.Equal(t, entURN, ref.URN)
}

func TestParsePath(t *testing.T) {
	custom := schema.Extension{Schema: &schema.Schema{ID: "urn:example:2.0:User", Attributes: []*schema.Attribute{
		{Name: "badge", Type: schema.String},
	}}}
	longer := schema.Extension{Schema: &schema.Schema{ID: "urn:example:2.0:User:v2", Attributes: []*schema.Attribute{
		{Name: "level", Type: schema.Integer},
	}}}
	rt := userRT(t, custom, longer)
	tests := []struct {
		path string
		want string // canonical, "" for an error
	}{
		{"userName", "userName"},
		{"USERNAME", "userName"},
		{" userName ", "userName"},
		{"name.givenName", "name.givenName"},
		{"Name.GivenName", "name.givenName"},
		{"emails.value", "emails.value"},
		{"meta.lastModified", "meta.lastModified"},
		{"id", "id"},
		{"urn:ietf:params:scim:schemas:core:2.0:User:userName", "userName"},
		{"URN:IETF:PARAMS:SCIM:SCHEMAS:CORE:2.0:USER:name.familyName", "name.familyName"},
		{"urn:ietf:params:scim:schemas:core:2.0:User:id", "id"},
		{entURN + ":manager.value", entURN + ":manager.value"},
		{"urn:ietf:params:scim:schemas:extension:enterprise:2.0:user:employeenumber", entURN + ":employeeNumber"},
		{entURN, entURN},
		{"urn:ietf:params:scim:schemas:extension:enterprise:2.0:USER", entURN},
		{"urn:example:2.0:User:badge", "urn:example:2.0:User:badge"},
		{"urn:example:2.0:User:v2:level", "urn:example:2.0:User:v2:level"}, // longest URN wins
		{"urn:example:2.0:User:v2", "urn:example:2.0:User:v2"},
		// Errors.
		{"", ""},
		{"   ", ""},
		{"nope", ""},
		{"name.", ""},
		{".name", ""},
		{"name.givenName.x", ""},
		{"userName.x", ""},
		{"employeeNumber", ""},
		{schema.UserURN, ""},
		{schema.UserURN + ":", ""},
		{entURN + ":", ""},
		{entURN + ":nope", ""},
		{"urn:nope:userName", ""},
		{"urn:ietf:params:scim:schemas:core:2.0:Userx:userName", ""},
		{"emails[type eq \"work\"]", ""},
		{"urn:example:2.0:User:v2:badge", ""},
	}
	for _, tt := range tests {
		t.Run(tt.path, func(t *testing.T) {
			ref, err := rt.ParsePath(tt.path)
			if tt.want == "" {
				requireScimErr(t, err, "invalidPath")
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tt.want, ref.String())
		})
	}
}

// A ResourceType built as a literal (no index) still works.
func TestLiteralResourceType(t *testing.T) {
	rt := &schema.ResourceType{ID: "User", Name: "User", Endpoint: "/Users", Schema: schema.UserSchema(),
		Extensions: []schema.Extension{{Schema: schema.EnterpriseUserSchema()}}}
	ref, err := rt.ParsePath("Meta.Created")
	require.NoError(t, err)
	assert.Equal(t, "meta.created", ref.String())
	doc, err := rt.Normalize(map[string]any{"username": "a", "ID": "1"})
	require.NoError(t, err)
	assert.Equal(t, map[string]any{"userName": "a", "id": "1"}, doc)
}
