package filter

import (
	"sort"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/scimstack/scimstack/schema"
)

// Users in generic form, written out by hand with canonical keys.
func testUsers() []map[string]any {
	return []map[string]any{
		{
			"id":         "2819c223-7f76-453a-919d-413861904646",
			"externalId": "bjensen",
			"userName":   "bjensen@example.com",
			"name": map[string]any{
				"formatted":  "Ms. Barbara J Jensen, III",
				"familyName": "Jensen",
				"givenName":  "Barbara",
			},
			"title":    "Tour Guide",
			"userType": "Employee",
			"active":   true,
			"emails": []any{
				map[string]any{"value": "bjensen@example.com", "type": "work", "primary": true},
				map[string]any{"value": "babs@jensen.org", "type": "home"},
			},
			"meta": map[string]any{
				"created":      "2010-01-23T04:56:22Z",
				"lastModified": "2011-05-13T04:42:34Z",
			},
			schema.EnterpriseUserURN: map[string]any{
				"employeeNumber": "701984",
				"manager":        map[string]any{"value": "26118915-6090-4610-87e4-49d8ca9f808d"},
			},
			testURN: map[string]any{
				"level": int64(9007199254740993),
				"score": 2.5,
				"since": "2020-01-01T10:00:00+02:00",
				"tags":  []any{"Blue", "green"},
				"code":  "AbC",
			},
		},
		{
			"id":       "c75ad752-64ae-4823-840d-ffa80929976c",
			"userName": "JSmith",
			"userType": "Intern",
			"active":   false,
			"name":     map[string]any{"givenName": "John"},
			"emails": []any{
				map[string]any{"value": "jsmith@example.org", "type": "work"},
			},
			"meta": map[string]any{"lastModified": "2012-01-01T00:00:00Z"},
			testURN: map[string]any{
				"level": int64(-3),
				"score": int64(7),
			},
		},
		{
			"id":       "e9e30dba-f08f-4109-8486-d5c6a331660a",
			"userName": "nobody",
		},
	}
}

const (
	bjensen = "2819c223-7f76-453a-919d-413861904646"
	jsmith  = "c75ad752-64ae-4823-840d-ffa80929976c"
	nobody  = "e9e30dba-f08f-4109-8486-d5c6a331660a"
)

const tu = "urn:example:params:scim:schemas:extension:test:2.0:User:"

var matchTests = []struct {
	filter string
	want   []string
}{
	// Case rules: userName is caseExact=false, id and externalId caseExact.
	{`userName eq "BJENSEN@example.COM"`, []string{bjensen}},
	{`userName eq "jsmith"`, []string{jsmith}},
	{`id eq "2819C223-7F76-453A-919D-413861904646"`, nil},
	{`id eq "2819c223-7f76-453a-919d-413861904646"`, []string{bjensen}},
	{`externalId eq "BJENSEN"`, nil},
	{`externalId eq "bjensen"`, []string{bjensen}},
	{`userName sw "J"`, []string{jsmith}},
	{`userName ew "COM"`, []string{bjensen}},
	{`userName co "SMI"`, []string{jsmith}},
	{`userName gt "c"`, []string{jsmith, nobody}},
	{`userName le "JSMITH"`, []string{bjensen, jsmith}},
	{`name.familyName co "ENS"`, []string{bjensen}},
	{`name.givenName eq "barbara"`, []string{bjensen}},
	{tu + `code eq "abc"`, nil},
	{tu + `code eq "AbC"`, []string{bjensen}},
	{tu + `code sw "Ab"`, []string{bjensen}},
	{tu + `code ew "bc"`, nil},
	{tu + `code ew "bC"`, []string{bjensen}},
	{tu + `code co "b"`, []string{bjensen}},
	{tu + `code gt "AB"`, []string{bjensen}},
	{tu + `code gt "Ab"`, []string{bjensen}},
	{tu + `code gt "a"`, nil},
	// Multi-valued attributes match when any value does.
	{`emails co "EXAMPLE.com"`, []string{bjensen}},
	{`emails.value co "example.org"`, []string{jsmith}},
	{`emails.type eq "work"`, []string{bjensen, jsmith}},
	{`emails.type eq "home"`, []string{bjensen}},
	{`emails.type ne "work"`, []string{bjensen, nobody}},
	{tu + `tags eq "blue"`, []string{bjensen}},
	{tu + `tags sw "GR"`, []string{bjensen}},
	// Value paths.
	{`emails[type eq "work" and value co "@example.com"]`, []string{bjensen}},
	{`emails[type eq "home" and value co "@example.com"]`, nil},
	{`emails[type eq "work" and primary eq true]`, []string{bjensen}},
	{`emails[not (primary eq true)]`, []string{bjensen, jsmith}},
	{`emails[primary pr]`, []string{bjensen}},
	{`not (emails[type eq "home"])`, []string{jsmith, nobody}},
	{`name[givenName eq "John"]`, []string{jsmith}},
	// Microsoft Entra ID's form.
	{`emails[type eq "work"].value eq "jsmith@example.org"`, []string{jsmith}},
	{`emails[type eq "home"].value eq "jsmith@example.org"`, nil},
	{`emails[type eq "home"].value eq "BABS@jensen.org"`, []string{bjensen}},
	// pr, null and ne.
	{`title pr`, []string{bjensen}},
	{`title eq null`, []string{jsmith, nobody}},
	{`title ne null`, []string{bjensen}},
	{`title ne "Tour Guide"`, []string{jsmith, nobody}},
	{`not (title pr)`, []string{jsmith, nobody}},
	{`name pr`, []string{bjensen, jsmith}},
	{`name.familyName pr`, []string{bjensen}},
	{`emails pr`, []string{bjensen, jsmith}},
	{`emails eq null`, []string{nobody}},
	{`emails.primary pr`, []string{bjensen}},
	{`emails.primary eq null`, []string{jsmith, nobody}},
	{`urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager.value pr`, []string{bjensen}},
	{`urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager pr`, []string{bjensen}},
	{`urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:employeeNumber eq "701984"`, []string{bjensen}},
	{`urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:employeeNumber ne "701984"`, []string{jsmith, nobody}},
	// Booleans.
	{`active eq true`, []string{bjensen}},
	{`active eq false`, []string{jsmith}},
	{`active ne true`, []string{jsmith, nobody}},
	{`active eq "TRUE"`, []string{bjensen}},
	// Date-times compare as instants.
	{`meta.lastModified gt "2011-05-13T04:42:33Z"`, []string{bjensen, jsmith}},
	{`meta.lastModified gt "2011-05-13T04:42:34Z"`, []string{jsmith}},
	{`meta.lastModified ge "2011-05-13T04:42:34Z"`, []string{bjensen, jsmith}},
	{`meta.lastModified eq "2011-05-13T06:42:34+02:00"`, []string{bjensen}},
	{`meta.lastModified lt "2011-05-13T04:42:34.001Z"`, []string{bjensen}},
	{`meta.lastModified le "2011-05-13T04:42:33.999999999Z"`, nil},
	{`meta.lastModified sw "2012"`, []string{jsmith}},
	{tu + `since lt "2020-01-01T08:30:00Z"`, []string{bjensen}},
	{tu + `since gt "2020-01-01T07:59:59.5-00:00"`, []string{bjensen}},
	{tu + `since eq "2020-01-01T08:00:00Z"`, []string{bjensen}},
	// Numbers: precision and int64 against float64.
	{tu + `level eq 9007199254740993`, []string{bjensen}},
	{tu + `level eq 9007199254740992`, nil},
	{tu + `level gt 9007199254740992`, []string{bjensen}},
	{tu + `level lt 0`, []string{jsmith}},
	{tu + `level ge -3`, []string{bjensen, jsmith}},
	{tu + `level ne 5`, []string{bjensen, jsmith, nobody}},
	{tu + `score eq 2.5`, []string{bjensen}},
	{tu + `score gt 2`, []string{bjensen, jsmith}},
	{tu + `score lt 2.5`, nil},
	{tu + `score le 2.5`, []string{bjensen}},
	{tu + `score eq 7.0`, []string{jsmith}},
	{tu + `score gt 6.99`, []string{jsmith}},
	{tu + `score lt 9007199254740993.5`, []string{bjensen, jsmith}},
	// schemas, derived from the document.
	{`schemas eq "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"`, []string{bjensen}},
	{`schemas eq "URN:ietf:params:scim:schemas:core:2.0:User"`, []string{bjensen, jsmith, nobody}},
	{`schemas pr`, []string{bjensen, jsmith, nobody}},
	// Logic.
	{`userType eq "Employee" and (emails co "example.com" or emails.value co "example.org")`, []string{bjensen}},
	{`userType ne "Employee" and not (emails co "example.com" or emails.value co "example.org")`, []string{nobody}},
	{`title pr or userType eq "Intern"`, []string{bjensen, jsmith}},
	{`userName eq "nobody" or active eq true and userType eq "Employee"`, []string{bjensen, nobody}},
	{`(userName eq "nobody" or active eq true) and userType eq "Employee"`, []string{bjensen}},
}

func TestMatch(t *testing.T) {
	rt := testRT(t)
	users := testUsers()
	for _, tc := range matchTests {
		t.Run(tc.filter, func(t *testing.T) {
			e, err := Parse(tc.filter, rt, Limits{})
			require.NoError(t, err)
			var got []string
			for _, u := range users {
				if Match(e, u) {
					got = append(got, u["id"].(string))
				}
			}
			assert.Equal(t, tc.want, got)
		})
	}
}

func TestMatchZeroAllocs(t *testing.T) {
	rt := testRT(t)
	users := testUsers()
	for _, f := range []string{
		`userName eq "BJENSEN@example.com"`,
		`emails co "EXAMPLE"`,
		`emails[type eq "work"].value ew "ORG"`,
		`meta.lastModified gt "2011-05-13T06:42:34+02:00"`,
		tu + `level gt 9007199254740992.0 or ` + tu + `score le 2`,
		`schemas eq "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"`,
		`userName gt "a" and not (title pr)`,
	} {
		e, err := Parse(f, rt, Limits{})
		require.NoError(t, err)
		allocs := testing.AllocsPerRun(100, func() {
			for _, u := range users {
				Match(e, u)
			}
		})
		assert.Zero(t, allocs, f)
	}
}

func TestMatchHandBuilt(t *testing.T) {
	rt := testRT(t)
	userName, err := rt.ParsePath("userName")
	require.NoError(t, err)
	u := map[string]any{"userName": "bjensen"}
	// Values of a type Parse would not produce never match, except ne.
	assert.False(t, Match(&Compare{Attr: userName, Op: Eq, Value: 5}, u))
	assert.True(t, Match(&Compare{Attr: userName, Op: Ne, Value: 5}, u))
	assert.False(t, Match(&Compare{Op: Eq, Value: "x"}, u))
	assert.False(t, Match(nil, u))
	assert.False(t, Match((*And)(nil), u))
	assert.False(t, Match(&ValuePath{}, u))
	assert.False(t, MatchValue(&Compare{Attr: userName, Op: Eq, Value: "bjensen"}, u), "no Sub")
	// Documents of the wrong shape do not panic.
	e, err := Parse(`emails[type eq "work"] or emails co "x" or name.givenName pr`, rt, Limits{})
	require.NoError(t, err)
	for _, doc := range []map[string]any{
		nil,
		{"emails": "x", "name": "y"},
		{"emails": []any{1, nil, "x", []any{}}, "name": []any{map[string]any{"givenName": "x"}}},
		{"emails": map[string]any{"type": 1}},
	} {
		assert.NotPanics(t, func() { Match(e, doc) })
	}
}

func TestMatchValue(t *testing.T) {
	rt := testRT(t)
	p, err := ParsePath(`emails[type eq "work" and not (value ew ".org")]`, rt, Limits{})
	require.NoError(t, err)
	assert.True(t, MatchValue(p.Filter, map[string]any{"type": "WORK", "value": "a@b.com"}))
	assert.False(t, MatchValue(p.Filter, map[string]any{"type": "work", "value": "a@b.ORG"}))
	assert.False(t, MatchValue(p.Filter, map[string]any{"value": "a@b.com"}))
	assert.False(t, MatchValue(p.Filter, nil))
}

func TestFold(t *testing.T) {
	tests := []struct {
		s, sub             string
		prefix, suffix, co bool
	}{
		{"Hello", "hE", true, false, true},
		{"Hello", "LO", false, true, true},
		{"Hello", "", true, true, true},
		{"", "a", false, false, false},
		{"\u212Aelvin", "kel", true, false, true}, // Kelvin sign folds to k
		{"xK", "\u212A", false, true, true},
		{"CAFÉ au lait", "café", true, false, true},
		{"straße", "SSE", false, false, false}, // simple folding only, like strings.EqualFold
		{"ΣΊΣΥΦΟΣ", "σίσυφος", true, true, true},
		{"abc", "abcd", false, false, false},
		{"aab", "ab", false, true, true},
	}
	for _, tc := range tests {
		assert.Equal(t, tc.prefix, hasPrefixFold(tc.s, tc.sub), "prefix %q %q", tc.s, tc.sub)
		assert.Equal(t, tc.suffix, hasSuffixFold(tc.s, tc.sub), "suffix %q %q", tc.s, tc.sub)
		assert.Equal(t, tc.co, containsFold(tc.s, tc.sub), "contains %q %q", tc.s, tc.sub)
	}
	assert.Equal(t, 0, compareFold("ABC", "abc"))
	assert.Equal(t, -1, compareFold("abc", "ABD"))
	assert.Equal(t, 1, compareFold("abcd", "ABC"))
	assert.Equal(t, -1, compareFold("", "a"))
}

func TestParseInstant(t *testing.T) {
	for _, s := range []string{
		"2011-05-13T04:42:34Z", "2011-05-13T04:42:34.123456789Z", "2011-05-13T06:42:34+02:00",
		"2011-05-13T00:12:34-04:30", "1969-12-31T23:59:59.5Z", "2011-05-13t04:42:34z",
	} {
		sec, nsec, ok := parseInstant(s)
		require.True(t, ok, s)
		want, err := schema.ParseDateTime(strings.ToUpper(s))
		require.NoError(t, err, s)
		assert.Equal(t, want.Unix(), sec, s)
		assert.Equal(t, want.Nanosecond(), nsec, s)
	}
	sec, _, ok := parseInstant("2011-05-13T04:42:34")
	require.True(t, ok, "no zone means UTC")
	assert.Equal(t, int64(1305261754), sec)
	for _, s := range []string{"", "2011-05-13", "2011-13-13T04:42:34Z", "2011-05-13T04:42:34.Z", "2011-05-13T04:42:34+0200", "2011-05-13T04:42:34Zx", "2011-05-13T24:42:34Z"} {
		_, _, ok := parseInstant(s)
		assert.False(t, ok, s)
	}
}

func TestNumCmp(t *testing.T) {
	tests := []struct {
		a, b any
		want int
	}{
		{int64(1), int64(2), -1},
		{int64(9007199254740993), 9007199254740992.0, 1},
		{9007199254740992.0, int64(9007199254740993), -1},
		{int64(3), 3.0, 0},
		{int64(3), 3.5, -1},
		{int64(-3), -3.5, 1},
		{int64(1<<63 - 1), 9.3e18, -1},
		{int64(-1 << 63), -9.3e18, 1},
		{1.5, 2.5, -1},
	}
	for _, tc := range tests {
		got, ok := numCmp(tc.a, tc.b)
		require.True(t, ok)
		assert.Equal(t, tc.want, got, "%v %v", tc.a, tc.b)
	}
	_, ok := numCmp(int64(1), "1")
	assert.False(t, ok)
}

func TestCmp(t *testing.T) {
	rt := testRT(t)
	users := testUsers()
	users = append(users, map[string]any{
		"id":       "ffff",
		"userName": "Adam",
		"emails":   []any{map[string]any{"value": "z@example.com"}, map[string]any{"value": "a@example.com", "primary": true}},
	})
	order := func(path string, desc bool) []string {
		ref, err := rt.ParsePath(path)
		require.NoError(t, err)
		us := append([]map[string]any(nil), users...)
		sort.SliceStable(us, func(i, j int) bool { return Cmp(us[i], us[j], ref, desc) < 0 })
		var ids []string
		for _, u := range us {
			ids = append(ids, u["id"].(string))
		}
		return ids
	}
	assert.Equal(t, []string{"ffff", bjensen, jsmith, nobody}, order("userName", false))
	assert.Equal(t, []string{nobody, jsmith, bjensen, "ffff"}, order("userName", true))
	// Missing values sort last in both orders.
	assert.Equal(t, []string{bjensen, jsmith, nobody, "ffff"}, order("title", false))
	assert.Equal(t, []string{bjensen, jsmith, nobody, "ffff"}, order("title", true))
	assert.Equal(t, []string{bjensen, jsmith, nobody, "ffff"}, order("name.givenName", false))
	assert.Equal(t, []string{jsmith, bjensen, nobody, "ffff"}, order("name.givenName", true))
	// Multi-valued: primary value, else the first.
	assert.Equal(t, []string{"ffff", bjensen, jsmith, nobody}, order("emails.value", false))
	assert.Equal(t, []string{"ffff", bjensen, jsmith, nobody}, order("emails", false))
	assert.Equal(t, []string{jsmith, bjensen, "ffff", nobody}, order("emails.value", true))
	// Date-times as instants, numbers exactly.
	assert.Equal(t, []string{jsmith, bjensen, nobody, "ffff"}, order("meta.lastModified", true))
	assert.Equal(t, []string{jsmith, bjensen, nobody, "ffff"}, order(tu+"level", false))
	assert.Equal(t, []string{jsmith, bjensen, nobody, "ffff"}, order(tu+"score", true))
	assert.Equal(t, []string{jsmith, bjensen, nobody, "ffff"}, order("active", false))

	userName, err := rt.ParsePath("userName")
	require.NoError(t, err)
	assert.Equal(t, 0, Cmp(map[string]any{"userName": "A"}, map[string]any{"userName": "a"}, userName, false))
	assert.Equal(t, 0, Cmp(nil, nil, userName, true))
	assert.Equal(t, 1, Cmp(nil, users[0], userName, true))
	assert.Equal(t, -1, Cmp(users[0], nil, userName, true))
	assert.Equal(t, 0, Cmp(users[0], users[1], schema.AttrRef{}, false))
}
