package schema_test

import (
	"bytes"
	"encoding/json"
	"math"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/scimstack/scimstack/schema"
)

// decode decodes JSON as the handler does, with numbers as json.Number.
func decode(t testing.TB, s string) map[string]any {
	t.Helper()
	dec := json.NewDecoder(bytes.NewReader([]byte(s)))
	dec.UseNumber()
	var m map[string]any
	require.NoError(t, dec.Decode(&m))
	return m
}

// customExt has attributes of every scalar type.
func customExt() schema.Extension {
	return schema.Extension{Schema: &schema.Schema{ID: "urn:example:params:scim:schemas:extension:acme:2.0:User", Attributes: []*schema.Attribute{
		{Name: "level", Type: schema.Integer},
		{Name: "score", Type: schema.Decimal},
		{Name: "hired", Type: schema.DateTime},
		{Name: "tags", Type: schema.String, MultiValued: true},
		{Name: "secret", Type: schema.String, Returned: schema.Never},
		{Name: "badge", Type: schema.String, Returned: schema.Request},
		{Name: "code", Type: schema.String, Required: true},
	}}}
}

const acmeURN = "urn:example:params:scim:schemas:extension:acme:2.0:User"

var normalizeTests = []struct {
	name string
	in   string
	want string // JSON of the result; "" when an error is expected
	err  string // scimType
}{
	{
		name: "entra create",
		in: `{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User","urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"],
			"externalId":"0a21f0f2-8d2a-4f8e-bf98-7b2c4f0f2a1d","userName":"Test_User_ab6490ee@contoso.com","active":"True",
			"displayName":"Test User","emails":[{"primary":true,"type":"work","value":"Test_User@contoso.com"}],
			"meta":{"resourceType":"User"},"name":{"formatted":"givenName familyName","familyName":"familyName","givenName":"givenName"},
			"roles":[],"urn:ietf:params:scim:schemas:extension:enterprise:2.0:User":{"department":"Sales","manager":{"value":"m1"}}}`,
		want: `{"active":true,"displayName":"Test User","emails":[{"primary":true,"type":"work","value":"Test_User@contoso.com"}],
			"externalId":"0a21f0f2-8d2a-4f8e-bf98-7b2c4f0f2a1d","meta":{"resourceType":"User"},
			"name":{"familyName":"familyName","formatted":"givenName familyName","givenName":"givenName"},
			"urn:ietf:params:scim:schemas:extension:enterprise:2.0:User":{"department":"Sales","manager":{"value":"m1"}},
			"userName":"Test_User_ab6490ee@contoso.com"}`,
	},
	{name: "case-variant keys", in: `{"USERNAME":"a","Name":{"GIVENNAME":"G","familyname":"F"},"EMAILS":[{"VALUE":"x@y","Primary":"FALSE"}]}`,
		want: `{"userName":"a","name":{"givenName":"G","familyName":"F"},"emails":[{"value":"x@y","primary":false}]}`},
	{name: "boolean strings", in: `{"active":"false"}`, want: `{"active":false}`},
	{name: "boolean TRUE", in: `{"active":"TRUE"}`, want: `{"active":true}`},
	{name: "single value wrapped", in: `{"emails":{"value":"a@b"}}`, want: `{"emails":[{"value":"a@b"}]}`},
	{name: "nulls removed", in: `{"userName":"a","displayName":null,"name":{"givenName":null},"emails":[null,{"value":null},{"value":"v"}]}`,
		want: `{"userName":"a","emails":[{"value":"v"}]}`},
	{name: "empty array removed", in: `{"userName":"a","emails":[],"groups":[{}]}`, want: `{"userName":"a"}`},
	{name: "unknown dropped", in: `{"userName":"a","favouriteColour":"blue","name":{"nickname":"x"},"urn:unknown:ext":{"a":1},"schemas":["x"]}`,
		want: `{"userName":"a"}`},
	{name: "urn-qualified top-level key dropped", in: `{"urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:department":"x","userName":"a"}`,
		want: `{"userName":"a"}`},
	{name: "extension URN case", in: `{"URN:IETF:PARAMS:SCIM:SCHEMAS:EXTENSION:ENTERPRISE:2.0:USER":{"EmployeeNumber":"7","nope":1}}`,
		want: `{"urn:ietf:params:scim:schemas:extension:enterprise:2.0:User":{"employeeNumber":"7"}}`},
	{name: "empty extension removed", in: `{"urn:ietf:params:scim:schemas:extension:enterprise:2.0:User":{"manager":{}}}`, want: `{}`},
	{name: "common attributes", in: `{"ID":"1","externalid":"e","META":{"created":"2024-01-02T03:04:05Z","lastModified":"2024-01-02T03:04:05.123456+01:00","version":"W/\"1\""}}`,
		want: `{"id":"1","externalId":"e","meta":{"created":"2024-01-02T03:04:05Z","lastModified":"2024-01-02T03:04:05.123456+01:00","version":"W/\"1\""}}`},
	{name: "integers", in: `{"urn:example:params:scim:schemas:extension:acme:2.0:User":{"level":1e2}}`,
		want: `{"urn:example:params:scim:schemas:extension:acme:2.0:User":{"level":100}}`},
	{name: "decimal", in: `{"urn:example:params:scim:schemas:extension:acme:2.0:User":{"score":3,"tags":"one"}}`,
		want: `{"urn:example:params:scim:schemas:extension:acme:2.0:User":{"score":3,"tags":["one"]}}`},
	{name: "x509 binary", in: `{"x509Certificates":[{"value":"MIIDQzCCAqygAwIBAgICEAAwDQYJKoZIhvcNAQEFBQAwTjELMAkGA1UEBhMCVVMx"}]}`,
		want: `{"x509Certificates":[{"value":"MIIDQzCCAqygAwIBAgICEAAwDQYJKoZIhvcNAQEFBQAwTjELMAkGA1UEBhMCVVMx"}]}`},
	{name: "empty string kept", in: `{"userName":"","title":""}`, want: `{"userName":"","title":""}`},

	{name: "string as number", in: `{"userName":5}`, err: "invalidValue"},
	{name: "string as object", in: `{"userName":{"a":"b"}}`, err: "invalidValue"},
	{name: "singular given array", in: `{"userName":["a"]}`, err: "invalidValue"},
	{name: "boolean wrong string", in: `{"active":"yes"}`, err: "invalidValue"},
	{name: "boolean number", in: `{"active":1}`, err: "invalidValue"},
	{name: "complex given string", in: `{"name":"Bob"}`, err: "invalidValue"},
	{name: "multi complex element string", in: `{"emails":["a@b"]}`, err: "invalidValue"},
	{name: "nested array", in: `{"emails":[[{"value":"a"}]]}`, err: "invalidValue"},
	{name: "sub wrong type", in: `{"emails":[{"value":"a","primary":"maybe"}]}`, err: "invalidValue"},
	{name: "dateTime bad", in: `{"meta":{"created":"yesterday"}}`, err: "invalidValue"},
	{name: "dateTime without zone", in: `{"meta":{"created":"2024-01-02T03:04:05"}}`, err: "invalidValue"},
	{name: "dateTime number", in: `{"meta":{"created":20240102}}`, err: "invalidValue"},
	{name: "integer fraction", in: `{"urn:example:params:scim:schemas:extension:acme:2.0:User":{"level":1.5}}`, err: "invalidValue"},
	{name: "integer too big", in: `{"urn:example:params:scim:schemas:extension:acme:2.0:User":{"level":9223372036854775808}}`, err: "invalidValue"},
	{name: "integer huge exponent", in: `{"urn:example:params:scim:schemas:extension:acme:2.0:User":{"level":1e400}}`, err: "invalidValue"},
	{name: "integer string", in: `{"urn:example:params:scim:schemas:extension:acme:2.0:User":{"level":"1"}}`, err: "invalidValue"},
	{name: "decimal overflow", in: `{"urn:example:params:scim:schemas:extension:acme:2.0:User":{"score":1e400}}`, err: "invalidValue"},
	{name: "extension not an object", in: `{"urn:ietf:params:scim:schemas:extension:enterprise:2.0:User":"x"}`, err: "invalidValue"},
	{name: "duplicate in other case", in: `{"userName":"a","USERNAME":"b"}`, err: "invalidValue"},
	{name: "duplicate sub in other case", in: `{"name":{"givenName":"a","GIVENNAME":"b"}}`, err: "invalidValue"},
}

func TestNormalize(t *testing.T) {
	rt := userRT(t, customExt())
	for _, tt := range normalizeTests {
		t.Run(tt.name, func(t *testing.T) {
			in := decode(t, tt.in)
			before, err := json.Marshal(in)
			require.NoError(t, err)
			got, err := rt.Normalize(in)
			after, _ := json.Marshal(in)
			assert.Equal(t, string(before), string(after), "input modified")
			if tt.err != "" {
				requireScimErr(t, err, tt.err)
				assert.Nil(t, got)
				return
			}
			require.NoError(t, err)
			out, err := json.Marshal(got)
			require.NoError(t, err)
			assert.JSONEq(t, tt.want, string(out))

			// Idempotent.
			again, err := rt.Normalize(got)
			require.NoError(t, err)
			assert.Equal(t, got, again)
		})
	}
}

func TestNormalizeTypes(t *testing.T) {
	rt := userRT(t, customExt())
	got, err := rt.Normalize(decode(t, `{"active":"True","urn:example:params:scim:schemas:extension:acme:2.0:User":
		{"level":"x","score":1}}`))
	requireScimErr(t, err, "invalidValue")
	assert.Nil(t, got)

	got, err = rt.Normalize(map[string]any{
		"active": "True",
		acmeURN:  map[string]any{"level": json.Number("42"), "score": json.Number("2.5"), "hired": "2024-05-06T07:08:09.5Z"},
	})
	require.NoError(t, err)
	assert.Equal(t, true, got["active"])
	ext := got[acmeURN].(map[string]any)
	assert.Equal(t, int64(42), ext["level"])
	assert.Equal(t, 2.5, ext["score"])
	assert.Equal(t, "2024-05-06T07:08:09.5Z", ext["hired"])

	// float64 numbers (a decoder without UseNumber).
	got, err = rt.Normalize(map[string]any{acmeURN: map[string]any{"level": float64(7), "score": float64(1)}})
	require.NoError(t, err)
	assert.Equal(t, int64(7), got[acmeURN].(map[string]any)["level"])
	assert.Equal(t, float64(1), got[acmeURN].(map[string]any)["score"])

	for _, bad := range []any{math.NaN(), math.Inf(1), 0.5, 1e19, -1e19} {
		_, err = rt.Normalize(map[string]any{acmeURN: map[string]any{"level": bad}})
		requireScimErr(t, err, "invalidValue")
	}
	for _, bad := range []any{math.NaN(), math.Inf(-1), json.Number("NaN"), json.Number("abc")} {
		_, err = rt.Normalize(map[string]any{acmeURN: map[string]any{"score": bad}})
		requireScimErr(t, err, "invalidValue")
	}
	// The smallest int64 is in range.
	got, err = rt.Normalize(map[string]any{acmeURN: map[string]any{"level": json.Number("-9223372036854775808")}})
	require.NoError(t, err)
	assert.Equal(t, int64(math.MinInt64), got[acmeURN].(map[string]any)["level"])
}

// The error detail names the attribute, never the value (it may be a
// password).
func TestNormalizeErrorDetail(t *testing.T) {
	rt := userRT(t)
	_, err := rt.Normalize(map[string]any{"password": map[string]any{"hunter2": true}})
	se := requireScimErr(t, err, "invalidValue")
	assert.Contains(t, se.Detail, `"password"`)
	assert.NotContains(t, se.Detail, "hunter2")

	_, err = rt.Normalize(map[string]any{entURN: map[string]any{"manager": map[string]any{"value": 5}}})
	se = requireScimErr(t, err, "invalidValue")
	assert.Contains(t, se.Detail, entURN+":manager.value")
}

func TestCoerce(t *testing.T) {
	u := schema.UserSchema()
	emails := u.Attribute("emails")
	v, err := emails.Coerce(map[string]any{"Value": "a@b", "junk": 1})
	require.NoError(t, err)
	assert.Equal(t, []any{map[string]any{"value": "a@b"}}, v)

	v, err = emails.Coerce([]any{})
	require.NoError(t, err)
	assert.Nil(t, v)

	v, err = emails.CoerceSingle(map[string]any{"value": "a@b"})
	require.NoError(t, err)
	assert.Equal(t, map[string]any{"value": "a@b"}, v)

	_, err = emails.CoerceSingle([]any{map[string]any{"value": "a@b"}})
	requireScimErr(t, err, "invalidValue")

	v, err = u.Attribute("active").CoerceSingle("tRuE")
	require.NoError(t, err)
	assert.Equal(t, true, v)

	v, err = u.Attribute("userName").Coerce(nil)
	require.NoError(t, err)
	assert.Nil(t, v)
}

func TestDropReadOnly(t *testing.T) {
	rt := userRT(t)
	doc, err := rt.Normalize(decode(t, `{"id":"1","externalId":"e","userName":"a","meta":{"version":"1"},
		"groups":[{"value":"g1","display":"G"}],"emails":[{"value":"a@b"}],
		"urn:ietf:params:scim:schemas:extension:enterprise:2.0:User":{"manager":{"value":"m","displayName":"Boss"}}}`))
	require.NoError(t, err)
	rt.DropReadOnly(doc)
	out, _ := json.Marshal(doc)
	assert.JSONEq(t, `{"externalId":"e","userName":"a","emails":[{"value":"a@b"}],
		"urn:ietf:params:scim:schemas:extension:enterprise:2.0:User":{"manager":{"value":"m"}}}`, string(out))

	// A complex value left empty goes, and so does its extension.
	doc = map[string]any{entURN: map[string]any{"manager": map[string]any{"displayName": "Boss"}}}
	rt.DropReadOnly(doc)
	assert.Empty(t, doc)

	// Elements of a multi-valued attribute left empty go.
	g := schema.GroupSchema()
	grt, err := schema.NewResourceType("Group", "/Groups", "", g)
	require.NoError(t, err)
	doc = map[string]any{"displayName": "G", "members": []any{
		map[string]any{"display": "only readOnly"},
		map[string]any{"value": "u1", "display": "x"},
	}}
	grt.DropReadOnly(doc)
	assert.Equal(t, map[string]any{"displayName": "G", "members": []any{map[string]any{"value": "u1"}}}, doc)
}

func TestCheckRequired(t *testing.T) {
	required := schema.Extension{Required: true, Schema: customExt().Schema}
	tests := []struct {
		name string
		ext  []schema.Extension
		doc  map[string]any
		want string // substring of the detail; "" for no error
	}{
		{"ok", nil, map[string]any{"userName": "a"}, ""},
		{"missing userName", nil, map[string]any{"displayName": "a"}, `"userName"`},
		{"empty userName", nil, map[string]any{"userName": ""}, `"userName"`},
		{"readOnly ignored", nil, map[string]any{"userName": "a"}, ""},
		{"optional extension absent", []schema.Extension{customExt()}, map[string]any{"userName": "a"}, ""},
		{"optional extension present lacks code", []schema.Extension{customExt()},
			map[string]any{"userName": "a", acmeURN: map[string]any{"level": int64(1)}}, acmeURN + ":code"},
		{"required extension absent", []schema.Extension{required}, map[string]any{"userName": "a"}, acmeURN},
		{"required extension ok", []schema.Extension{required},
			map[string]any{"userName": "a", acmeURN: map[string]any{"code": "x"}}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rt := userRT(t, tt.ext...)
			err := rt.CheckRequired(tt.doc)
			if tt.want == "" {
				require.NoError(t, err)
				return
			}
			se := requireScimErr(t, err, "invalidValue")
			assert.Contains(t, se.Detail, tt.want)
		})
	}

	// Required sub-attributes of present complex values.
	rt, err := schema.NewResourceType("Thing", "/Things", "", &schema.Schema{ID: "urn:example:Thing", Attributes: []*schema.Attribute{
		{Name: "parts", Type: schema.Complex, MultiValued: true, SubAttributes: []*schema.Attribute{
			{Name: "value", Type: schema.String, Required: true},
			{Name: "label", Type: schema.String},
		}},
	}})
	require.NoError(t, err)
	require.NoError(t, rt.CheckRequired(map[string]any{}))
	require.NoError(t, rt.CheckRequired(map[string]any{"parts": []any{map[string]any{"value": "v"}}}))
	se := requireScimErr(t, rt.CheckRequired(map[string]any{"parts": []any{map[string]any{"value": "v"}, map[string]any{"label": "l"}}}), "invalidValue")
	assert.Contains(t, se.Detail, "parts.value")
}

func paths(t testing.TB, rt *schema.ResourceType, ps ...string) []schema.AttrRef {
	t.Helper()
	var refs []schema.AttrRef
	for _, p := range ps {
		r, err := rt.ParsePath(p)
		require.NoError(t, err, p)
		refs = append(refs, r)
	}
	return refs
}

func TestProject(t *testing.T) {
	rt := userRT(t, customExt())
	const stored = `{"id":"1","externalId":"e","userName":"a","password":"hunter2","displayName":"A",
		"name":{"givenName":"G","familyName":"F"},
		"emails":[{"value":"a@b","type":"work","primary":true},{"type":"home"}],
		"groups":[{"value":"g1","display":"G1"}],
		"meta":{"resourceType":"User","version":"W/\"1\""},
		"urn:ietf:params:scim:schemas:extension:enterprise:2.0:User":{"department":"D","manager":{"value":"m","displayName":"Boss"}},
		"urn:example:params:scim:schemas:extension:acme:2.0:User":{"level":3,"secret":"s","badge":"b"},
		"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"]}`
	tests := []struct {
		name     string
		attrs    []string
		excluded []string
		want     string
	}{
		{name: "default", want: `{"id":"1","externalId":"e","userName":"a","displayName":"A",
			"name":{"givenName":"G","familyName":"F"},
			"emails":[{"value":"a@b","type":"work","primary":true},{"type":"home"}],
			"groups":[{"value":"g1","display":"G1"}],
			"meta":{"resourceType":"User","version":"W/\"1\""},
			"urn:ietf:params:scim:schemas:extension:enterprise:2.0:User":{"department":"D","manager":{"value":"m","displayName":"Boss"}},
			"urn:example:params:scim:schemas:extension:acme:2.0:User":{"level":3}}`},
		{name: "userName", attrs: []string{"userName"}, want: `{"id":"1","userName":"a"}`},
		{name: "password asked for", attrs: []string{"password", "userName"}, want: `{"id":"1","userName":"a"}`},
		{name: "never in extension asked for", attrs: []string{acmeURN + ":secret"}, want: `{"id":"1"}`},
		{name: "request attribute asked for", attrs: []string{acmeURN + ":badge"}, want: `{"id":"1",` + `"` + acmeURN + `":{"badge":"b"}}`},
		{name: "sub-attribute", attrs: []string{"name.givenName"}, want: `{"id":"1","name":{"givenName":"G"}}`},
		{name: "multi-valued sub-attribute", attrs: []string{"emails.value"}, want: `{"id":"1","emails":[{"value":"a@b"}]}`},
		{name: "two sub-attributes", attrs: []string{"emails.value", "EMAILS.TYPE"},
			want: `{"id":"1","emails":[{"value":"a@b","type":"work"},{"type":"home"}]}`},
		{name: "whole beats sub", attrs: []string{"name.givenName", "name"}, want: `{"id":"1","name":{"givenName":"G","familyName":"F"}}`},
		{name: "extension attribute", attrs: []string{entURN + ":manager.value"},
			want: `{"id":"1","urn:ietf:params:scim:schemas:extension:enterprise:2.0:User":{"manager":{"value":"m"}}}`},
		{name: "whole extension", attrs: []string{acmeURN},
			want: `{"id":"1","urn:example:params:scim:schemas:extension:acme:2.0:User":{"level":3,"badge":"b"}}`},
		{name: "id asked for", attrs: []string{"id"}, want: `{"id":"1"}`},
		{name: "meta asked for", attrs: []string{"meta.version"}, want: `{"id":"1","meta":{"version":"W/\"1\""}}`},
		{name: "excluded", excluded: []string{"emails", "groups", "meta", "name.familyName", "id", entURN, acmeURN + ":level"},
			want: `{"id":"1","externalId":"e","userName":"a","displayName":"A","name":{"givenName":"G"}}`},
		{name: "excluded sub of multi-valued", excluded: []string{"emails.type", "emails.primary", entURN, acmeURN, "meta", "groups", "name"},
			want: `{"id":"1","externalId":"e","userName":"a","displayName":"A","emails":[{"value":"a@b"}]}`},
		{name: "excluded ignored with attrs", attrs: []string{"userName"}, excluded: []string{"userName"}, want: `{"id":"1","userName":"a"}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			doc, err := rt.Normalize(decode(t, stored))
			require.NoError(t, err)
			doc["schemas"] = []any{schema.UserURN} // dropped by Project
			before, _ := json.Marshal(doc)
			got := rt.Project(doc, paths(t, rt, tt.attrs...), paths(t, rt, tt.excluded...))
			after, _ := json.Marshal(doc)
			assert.Equal(t, string(before), string(after), "input modified")
			out, err := json.Marshal(got)
			require.NoError(t, err)
			assert.JSONEq(t, tt.want, string(out))
		})
	}
}

// Project copies what it trims: changing the result leaves doc alone.
func TestProjectNoAliasOfTrimmed(t *testing.T) {
	rt := userRT(t)
	doc := map[string]any{"id": "1", "name": map[string]any{"givenName": "G", "familyName": "F"},
		entURN: map[string]any{"department": "D"}}
	got := rt.Project(doc, paths(t, rt, "name.givenName", entURN), nil)
	got["name"].(map[string]any)["givenName"] = "X"
	got[entURN].(map[string]any)["department"] = "X"
	assert.Equal(t, "G", doc["name"].(map[string]any)["givenName"])
	assert.Equal(t, "D", doc[entURN].(map[string]any)["department"])
}

func FuzzNormalize(f *testing.F) {
	for _, tt := range normalizeTests {
		f.Add([]byte(tt.in))
	}
	f.Add([]byte(`{"emails":{"value":{"x":1}},"active":[true],"meta":{"created":["2024-01-02T03:04:05Z"]}}`))
	rt := userRT(f, customExt())
	f.Fuzz(func(t *testing.T, data []byte) {
		dec := json.NewDecoder(bytes.NewReader(data))
		dec.UseNumber()
		var doc map[string]any
		if dec.Decode(&doc) != nil {
			return
		}
		got, err := rt.Normalize(doc)
		if err != nil {
			var se *schema.Error
			if !assert.ErrorAs(t, err, &se) || se.ScimType != "invalidValue" {
				t.Fatalf("want invalidValue *schema.Error, got %v", err)
			}
			if got != nil {
				t.Fatal("partial result with an error")
			}
			return
		}
		again, err := rt.Normalize(got)
		if err != nil {
			t.Fatalf("normalised output does not normalise: %v", err)
		}
		require.Equal(t, got, again, "Normalize is not idempotent")
		_ = rt.CheckRequired(got)
		_ = rt.Project(got, nil, nil)
		_ = rt.Project(got, paths(t, rt, "emails.value", entURN), paths(t, rt, "name"))
		rt.DropReadOnly(got)
		if _, err := json.Marshal(got); err != nil {
			t.Fatalf("result does not marshal: %v", err)
		}
	})
}

const entraUser = `{
	"schemas": ["urn:ietf:params:scim:schemas:core:2.0:User", "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"],
	"externalId": "0a21f0f2-8d2a-4f8e-bf98-7b2c4f0f2a1d",
	"userName": "Test_User_ab6490ee-1e48-479e-a20b-2d77186b5dd1@contoso.com",
	"active": "True",
	"displayName": "Test User",
	"title": "Engineer",
	"preferredLanguage": "en-US",
	"emails": [{"primary": true, "type": "work", "value": "Test_User_ab6490ee@contoso.com"}],
	"phoneNumbers": [{"type": "work", "value": "+1 555 0100"}, {"type": "mobile", "value": "+1 555 0101"}],
	"addresses": [{"type": "work", "streetAddress": "1 Main St", "locality": "Redmond", "region": "WA", "postalCode": "98052", "country": "US", "primary": true}],
	"meta": {"resourceType": "User"},
	"name": {"formatted": "Test User", "familyName": "User", "givenName": "Test"},
	"roles": [],
	"urn:ietf:params:scim:schemas:extension:enterprise:2.0:User": {
		"employeeNumber": "1234", "department": "Sales", "costCenter": "CC1",
		"manager": {"value": "2819c223-7f76-453a-919d-413861904646"}
	}
}`

func BenchmarkNormalize(b *testing.B) {
	rt := userRT(b)
	doc := decode(b, entraUser)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := rt.Normalize(doc); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkProject(b *testing.B) {
	rt := userRT(b)
	doc, err := rt.Normalize(decode(b, entraUser))
	require.NoError(b, err)
	attrs := paths(b, rt, "userName", "emails.value")
	b.ReportAllocs()
	b.Run("default", func(b *testing.B) {
		for b.Loop() {
			rt.Project(doc, nil, nil)
		}
	})
	b.Run("attributes", func(b *testing.B) {
		for b.Loop() {
			rt.Project(doc, attrs, nil)
		}
	})
}
