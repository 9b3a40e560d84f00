package filter

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/scimstack/scimstack/schema"
)

// testURN is a custom extension with one attribute of each type the User
// schema lacks.
const testURN = "urn:example:params:scim:schemas:extension:test:2.0:User"

func testRT(t testing.TB) *schema.ResourceType {
	t.Helper()
	ext := &schema.Schema{ID: testURN, Name: "Test", Attributes: []*schema.Attribute{
		{Name: "level", Type: schema.Integer},
		{Name: "score", Type: schema.Decimal},
		{Name: "since", Type: schema.DateTime},
		{Name: "blob", Type: schema.Binary, CaseExact: true},
		{Name: "tags", Type: schema.String, MultiValued: true},
		{Name: "code", Type: schema.String, CaseExact: true},
	}}
	rt, err := schema.UserResourceType(schema.Extension{Schema: ext})
	require.NoError(t, err)
	return rt
}

func groupRT(t testing.TB) *schema.ResourceType {
	t.Helper()
	rt, err := schema.NewResourceType("Group", "/Groups", "Group", schema.GroupSchema())
	require.NoError(t, err)
	return rt
}

// requireScimErr checks that err is a *schema.Error of the type whose
// detail contains want.
func requireScimErr(t *testing.T, err error, scimType, want string) {
	t.Helper()
	require.Error(t, err)
	var se *schema.Error
	require.True(t, errors.As(err, &se), "not a *schema.Error: %T %v", err, err)
	assert.Equal(t, scimType, se.ScimType, "detail: %s", se.Detail)
	assert.Contains(t, se.Detail, want)
}

// roundTrip checks that e prints to want and that the printed form parses
// back to an equal tree.
func roundTrip(t *testing.T, rt *schema.ResourceType, e Expr, want string) {
	t.Helper()
	got := e.String()
	if want != "" {
		assert.Equal(t, want, got)
	}
	e2, err := Parse(got, rt, Limits{})
	require.NoError(t, err, "reparse %s", got)
	assert.Equal(t, e, e2, "reparse %s", got)
	assert.Equal(t, got, e2.String())
}

// rfcFilters are the examples of RFC 7644 §3.4.2.2 with their canonical
// form.
var rfcFilters = []struct{ in, want string }{
	{`userName eq "bjensen"`, `userName eq "bjensen"`},
	{`name.familyName co "O'Malley"`, `name.familyName co "O'Malley"`},
	{`userName sw "J"`, `userName sw "J"`},
	{`urn:ietf:params:scim:schemas:core:2.0:User:userName sw "J"`, `userName sw "J"`},
	{`title pr`, `title pr`},
	{`meta.lastModified gt "2011-05-13T04:42:34Z"`, `meta.lastModified gt "2011-05-13T04:42:34Z"`},
	{`meta.lastModified ge "2011-05-13T04:42:34Z"`, `meta.lastModified ge "2011-05-13T04:42:34Z"`},
	{`meta.lastModified lt "2011-05-13T04:42:34Z"`, `meta.lastModified lt "2011-05-13T04:42:34Z"`},
	{`meta.lastModified le "2011-05-13T04:42:34Z"`, `meta.lastModified le "2011-05-13T04:42:34Z"`},
	{`title pr and userType eq "Employee"`, `title pr and userType eq "Employee"`},
	{`title pr or userType eq "Intern"`, `title pr or userType eq "Intern"`},
	{`schemas eq "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"`, `schemas eq "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"`},
	{`userType eq "Employee" and (emails co "example.com" or emails.value co "example.org")`,
		`userType eq "Employee" and (emails.value co "example.com" or emails.value co "example.org")`},
	{`userType ne "Employee" and not (emails co "example.com" or emails.value co "example.org")`,
		`userType ne "Employee" and not (emails.value co "example.com" or emails.value co "example.org")`},
	{`userType eq "Employee" and (emails.type eq "work")`, `userType eq "Employee" and emails.type eq "work"`},
	{`userType eq "Employee" and emails[type eq "work" and value co "@example.com"]`,
		`userType eq "Employee" and emails[type eq "work" and value co "@example.com"]`},
	{`emails[type eq "work" and value co "@example.com"] or ims[type eq "xmpp" and value co "@foo.com"]`,
		`emails[type eq "work" and value co "@example.com"] or ims[type eq "xmpp" and value co "@foo.com"]`},
}

// moreFilters are further valid filters with their canonical form.
var moreFilters = []struct{ in, want string }{
	// Case of operators, keywords, literals and attribute names.
	{`USERNAME EQ "x" AND NOT (TITLE PR) OR Active Eq TRUE`, `userName eq "x" and not (title pr) or active eq true`},
	{`userName Pr`, `userName pr`},
	{`title eq NULL`, `title eq null`},
	// Surrounding and inner white space.
	{"  \t userName eq \"x\"\n ", `userName eq "x"`},
	{"userName  eq\t\"x\"\tand  title pr", `userName eq "x" and title pr`},
	{`( userName eq "x" )`, `userName eq "x"`},
	{`not(title pr)`, `not (title pr)`},
	// Grouping kept where it matters.
	{`(title pr or userType eq "a") and userName eq "b"`, `(title pr or userType eq "a") and userName eq "b"`},
	{`title pr or (userType eq "a" or userName eq "b")`, `title pr or (userType eq "a" or userName eq "b")`},
	{`title pr and (userType eq "a" and userName eq "b")`, `title pr and (userType eq "a" and userName eq "b")`},
	{`(title pr and userType eq "a") and userName eq "b"`, `title pr and userType eq "a" and userName eq "b"`},
	{`title pr and userType eq "a" or userName eq "b"`, `title pr and userType eq "a" or userName eq "b"`},
	// Escapes.
	{`userName eq "a\"b"`, `userName eq "a\"b"`},
	{`userName eq "caf\u00e9"`, `userName eq "café"`},
	{`userName eq "caf\u00E9 \/ \\ \t"`, `userName eq "café / \\ \t"`},
	{`userName eq "\ud83d\ude00"`, `userName eq "😀"`},
	{`userName eq "\u0000\u001f"`, `userName eq "\u0000\u001F"`},
	{`userName eq "x]y[z(" and title pr`, `userName eq "x]y[z(" and title pr`},
	// Numbers.
	{`urn:example:params:scim:schemas:extension:test:2.0:User:level eq 9007199254740993`,
		`urn:example:params:scim:schemas:extension:test:2.0:User:level eq 9007199254740993`},
	{`urn:example:params:scim:schemas:extension:test:2.0:User:level gt -12`, `urn:example:params:scim:schemas:extension:test:2.0:User:level gt -12`},
	{`urn:example:params:scim:schemas:extension:test:2.0:User:level eq 1.0`, `urn:example:params:scim:schemas:extension:test:2.0:User:level eq 1`},
	{`urn:example:params:scim:schemas:extension:test:2.0:User:level eq 1e3`, `urn:example:params:scim:schemas:extension:test:2.0:User:level eq 1000`},
	{`urn:example:params:scim:schemas:extension:test:2.0:User:score ge 2.5`, `urn:example:params:scim:schemas:extension:test:2.0:User:score ge 2.5`},
	{`urn:example:params:scim:schemas:extension:test:2.0:User:score lt 1500.0`, `urn:example:params:scim:schemas:extension:test:2.0:User:score lt 1500.0`},
	{`urn:example:params:scim:schemas:extension:test:2.0:User:score lt 18446744073709551616`,
		`urn:example:params:scim:schemas:extension:test:2.0:User:score lt 1.8446744073709552e+19`},
	{`urn:example:params:scim:schemas:extension:test:2.0:User:tags eq "blue"`, `urn:example:params:scim:schemas:extension:test:2.0:User:tags eq "blue"`},
	{`urn:example:params:scim:schemas:extension:test:2.0:User:since ge "2011-05-13T04:42:34.5+02:00"`,
		`urn:example:params:scim:schemas:extension:test:2.0:User:since ge "2011-05-13T04:42:34.5+02:00"`},
	{`urn:example:params:scim:schemas:extension:test:2.0:User:since sw "2011"`, `urn:example:params:scim:schemas:extension:test:2.0:User:since sw "2011"`},
	// Booleans sent as strings.
	{`active eq "True"`, `active eq true`},
	// URN-qualified attributes, in any case.
	{`urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:employeeNumber eq "701984"`,
		`urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:employeeNumber eq "701984"`},
	{`URN:IETF:PARAMS:SCIM:SCHEMAS:EXTENSION:ENTERPRISE:2.0:USER:EMPLOYEENUMBER eq "701984"`,
		`urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:employeeNumber eq "701984"`},
	{`urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager.value eq "x"`,
		`urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager.value eq "x"`},
	{`urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager eq "x"`,
		`urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager.value eq "x"`},
	{`urn:ietf:params:scim:schemas:core:2.0:User:name.givenName eq "x"`, `name.givenName eq "x"`},
	// Complex attributes without a sub-attribute.
	{`name pr`, `name pr`},
	{`emails pr`, `emails pr`},
	{`name eq null`, `name eq null`},
	{`emails eq "x"`, `emails.value eq "x"`},
	// Value paths: Entra ID's form, full filters inside, white space.
	{`emails[type eq "work"].value eq "x"`, `emails[type eq "work" and value eq "x"]`},
	{`emails[type eq "work" or type eq "home"].value co "x"`, `emails[(type eq "work" or type eq "home") and value co "x"]`},
	{`emails[type eq "work"].primary pr`, `emails[type eq "work" and primary pr]`},
	{`emails [ type eq "work" ]`, `emails[type eq "work"]`},
	{`emails[type eq "work" and value co "x" and primary eq true]`, `emails[type eq "work" and value co "x" and primary eq true]`},
	{`emails[not (type eq "work")]`, `emails[not (type eq "work")]`},
	{`emails[(type eq "work" or type eq "home") and not (primary eq false)]`, `emails[(type eq "work" or type eq "home") and not (primary eq false)]`},
	{`not (emails[type eq "work"]) and title pr`, `not (emails[type eq "work"]) and title pr`},
	{`urn:ietf:params:scim:schemas:core:2.0:User:emails[TYPE eq "work"]`, `emails[type eq "work"]`},
	{`groups[$ref eq "https://x/Groups/1"]`, `groups[$ref eq "https://x/Groups/1"]`},
	{`name[givenName eq "x"]`, `name[givenName eq "x"]`},
}

func TestParseRoundTrip(t *testing.T) {
	rt := testRT(t)
	all := append(append([]struct{ in, want string }{}, rfcFilters...), moreFilters...)
	for _, tc := range all {
		t.Run(tc.in, func(t *testing.T) {
			e, err := Parse(tc.in, rt, Limits{})
			require.NoError(t, err)
			roundTrip(t, rt, e, tc.want)
		})
	}
}

func TestParseTree(t *testing.T) {
	rt := testRT(t)
	ref := func(path string) schema.AttrRef {
		r, err := rt.ParsePath(path)
		require.NoError(t, err)
		return r
	}
	emails := ref("emails")
	sub := func(a schema.AttrRef, name string) schema.AttrRef {
		a.Sub = a.Attr.SubAttribute(name)
		require.NotNil(t, a.Sub)
		return a
	}
	tests := []struct {
		in   string
		want Expr
	}{
		{`userName eq "a\"b\u00e9"`, &Compare{Attr: ref("userName"), Op: Eq, Value: "a\"bé"}},
		{`title pr`, &Compare{Attr: ref("title"), Op: Pr}},
		{`active eq false`, &Compare{Attr: ref("active"), Op: Eq, Value: false}},
		{`urn:example:params:scim:schemas:extension:test:2.0:User:level eq 9007199254740993`,
			&Compare{Attr: ref(testURN + ":level"), Op: Eq, Value: int64(9007199254740993)}},
		{`urn:example:params:scim:schemas:extension:test:2.0:User:score eq 9007199254740993`,
			&Compare{Attr: ref(testURN + ":score"), Op: Eq, Value: int64(9007199254740993)}},
		{`urn:example:params:scim:schemas:extension:test:2.0:User:score eq 0.5`,
			&Compare{Attr: ref(testURN + ":score"), Op: Eq, Value: 0.5}},
		{`emails co "x"`, &Compare{Attr: ref("emails.value"), Op: Co, Value: "x"}},
		{`emails pr`, &Compare{Attr: emails, Op: Pr}},
		{`emails[type eq "work"].value eq "x"`, &ValuePath{Attr: emails, Filter: &And{
			Left:  &Compare{Attr: sub(emails, "type"), Op: Eq, Value: "work"},
			Right: &Compare{Attr: sub(emails, "value"), Op: Eq, Value: "x"},
		}}},
		{`title pr and not (userType eq "a" or userName ne null)`, &And{
			Left: &Compare{Attr: ref("title"), Op: Pr},
			Right: &Not{X: &Or{
				Left:  &Compare{Attr: ref("userType"), Op: Eq, Value: "a"},
				Right: &Compare{Attr: ref("userName"), Op: Ne},
			}},
		}},
	}
	for _, tc := range tests {
		t.Run(tc.in, func(t *testing.T) {
			e, err := Parse(tc.in, rt, Limits{})
			require.NoError(t, err)
			assert.Equal(t, tc.want, e)
		})
	}
}

// badFilters are rejected with invalidFilter and a detail containing want.
var badFilters = []struct{ in, want string }{
	{``, "empty filter"},
	{`   `, "empty filter"},
	{`userName`, `expected a comparison operator after "userName"`},
	{`userName eqq "x"`, `unknown comparison operator "eqq" after "userName"`},
	{`userName eq`, `expected a value after "userName eq"`},
	{`userName eq bjensen`, `invalid value "bjensen" after "userName eq": strings must be in double quotes`},
	{`userName eq 'x'`, `strings must be in double quotes`},
	{`userName eq "x" title pr`, `expected "and", "or" or the end of the filter after "x", found "title"`},
	{`userName eq "x" and`, `expected an attribute name, "not" or "(" after "and", found the end of the filter`},
	{`and userName eq "x"`, `unknown comparison operator "userName"`},
	{`not title pr`, `expected "(" after "not", found "title"`},
	{`(userName eq "x"`, `missing ")" for "(" at position 1`},
	{`userName eq "x")`, `unexpected ")" at position 16`},
	{`userName eq "x`, `no closing quote`},
	{`userName eq "\x"`, `invalid escape \x`},
	{`userName eq "\u00g1"`, `invalid \u escape`},
	{"userName eq \"a\x01b\"", `control character`},
	{`userName eq "x"and title pr`, `expected a space before "and"`},
	{`()`, `empty "(")`},
	{`1abc eq "x"`, `invalid attribute name "1abc"`},
	{`$foo eq "x"`, `unexpected "$"`},
	{`foo eq "x"`, `unknown attribute "foo"`},
	{`name.foo eq "x"`, `no sub-attribute "foo"`},
	{`urn:example:nope:foo eq "x"`, `unknown schema`},
	{`urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:nope eq "x"`, `no attribute "nope"`},
	{`name eq "x"`, `attribute "name" is complex: compare one of its sub-attributes`},
	{`userName eq 5`, `userName is a string: compare it with a quoted string, not 5`},
	{`userName eq true`, `userName is a string`},
	{`userName gt null`, `only eq and ne compare with null`},
	{`active gt true`, `operator "gt" is not defined for boolean attribute active`},
	{`active co "t"`, `operator "co" is not defined for boolean attribute active`},
	{`active eq "yes"`, `active is boolean: compare it with true or false, not "yes"`},
	{`active eq 1`, `active is boolean`},
	{`urn:example:params:scim:schemas:extension:test:2.0:User:blob gt "x"`, `not defined for binary attribute`},
	{`urn:example:params:scim:schemas:extension:test:2.0:User:level eq 1.5`, `is an integer: 1.5 is not one`},
	{`urn:example:params:scim:schemas:extension:test:2.0:User:level eq 9223372036854775808`, `is an integer`},
	{`urn:example:params:scim:schemas:extension:test:2.0:User:level eq "1"`, `is an integer: compare it with a number`},
	{`urn:example:params:scim:schemas:extension:test:2.0:User:level co 1`, `operator "co" is not defined for integer`},
	{`urn:example:params:scim:schemas:extension:test:2.0:User:score eq 1e400`, `number 1e400 is out of range`},
	{`urn:example:params:scim:schemas:extension:test:2.0:User:score sw 1`, `not defined for decimal`},
	{`urn:example:params:scim:schemas:extension:test:2.0:User:score eq "1"`, `is a decimal`},
	{`userName eq 01`, `invalid value "01"`},
	{`meta.lastModified gt "2011-05-13"`, `"2011-05-13" is not an RFC 3339 date-time`},
	{`meta.lastModified gt 5`, `is a dateTime: compare it with a quoted date-time`},
	{`emails[type eq "work"`, `missing "]"`},
	{`emails type eq "work"]`, `unexpected "]"`},
	{`[type eq "work"]`, `expected an attribute name before "["`},
	{`emails[]`, `empty value filter`},
	{`emails[type eq "work"] eq "x"`, `after "emails[type eq "work"]", found "eq"`},
	{`emails[type eq "work"].value`, `expected a comparison operator after "emails[type eq "work"].value"`},
	{`emails[type[x eq 1] eq 1]`, `value filters cannot be nested`},
	{`emails[type eq "work"].nope eq "x"`, `no sub-attribute "nope"`},
	{`emails[nope eq "x"]`, `no sub-attribute "nope"`},
	{`emails[emails.type eq "x"]`, `must be a sub-attribute name`},
	{`emails[type eqq "x"]`, `in emails[type eqq "x"]: unknown comparison operator "eqq"`},
	{`userName[type eq "x"]`, `needs a complex attribute`},
	{`emails.value[type eq "x"]`, `needs a complex attribute`},
	{"userName eq \"\xff\"", `not valid UTF-8`},
}

func TestParseErrors(t *testing.T) {
	rt := testRT(t)
	for _, tc := range badFilters {
		t.Run(tc.in, func(t *testing.T) {
			e, err := Parse(tc.in, rt, Limits{})
			requireScimErr(t, err, "invalidFilter", tc.want)
			assert.Nil(t, e)
		})
	}
}

func TestParseLimits(t *testing.T) {
	rt := testRT(t)
	big := Limits{MaxLength: 1 << 20}

	deep := strings.Repeat("(", 10000) + `userName pr` + strings.Repeat(")", 10000)
	_, err := Parse(deep, rt, Limits{})
	requireScimErr(t, err, "invalidFilter", "the limit is 4096")
	_, err = Parse(deep, rt, big)
	requireScimErr(t, err, "invalidFilter", "filter nests deeper than 32 levels")

	deepNot := strings.Repeat("not (", 10000) + `userName pr` + strings.Repeat(")", 10000)
	_, err = Parse(deepNot, rt, big)
	requireScimErr(t, err, "invalidFilter", "nests deeper")

	ok := strings.Repeat("(", 31) + `emails[type pr]` + strings.Repeat(")", 31)
	_, err = Parse(ok, rt, Limits{})
	require.NoError(t, err)
	_, err = Parse("("+ok+")", rt, Limits{})
	requireScimErr(t, err, "invalidFilter", "nests deeper")

	_, err = Parse(`(((userName pr)))`, rt, Limits{MaxDepth: 2})
	requireScimErr(t, err, "invalidFilter", "deeper than 2")

	long := `userName eq "` + strings.Repeat("x", 4096) + `"`
	_, err = Parse(long, rt, Limits{})
	requireScimErr(t, err, "invalidFilter", "limit is 4096")
	_, err = Parse(long, rt, Limits{MaxLength: 5000})
	require.NoError(t, err)

	// A long flat chain is fine within the limits.
	chain := `title pr` + strings.Repeat(` or title pr`, 300)
	e, err := Parse(chain, rt, Limits{})
	require.NoError(t, err)
	assert.Equal(t, chain, e.String())
}

// TestParseHostile feeds inputs that made the old parser slow or deep:
// they must be answered at once, without deep recursion.
func TestParseHostile(t *testing.T) {
	rt := testRT(t)
	huge := Limits{MaxLength: 1 << 22}
	start := time.Now()

	// 100000 nested parentheses stop at the depth limit.
	deep := strings.Repeat("(", 100000) + `title pr` + strings.Repeat(")", 100000)
	_, err := Parse(deep, rt, huge)
	requireScimErr(t, err, "invalidFilter", "nests deeper than 32 levels")
	_, err = Parse(strings.Repeat("not (", 100000), rt, huge)
	requireScimErr(t, err, "invalidFilter", "nests deeper than 32 levels")
	_, err = ParsePath("emails["+strings.Repeat("(", 100000)+"]", rt, huge)
	requireScimErr(t, err, "invalidFilter", "nests deeper")

	// A megabyte of flat filter parses in linear time.
	long := longFilter(1 << 20)
	e, err := Parse(long, rt, huge)
	require.NoError(t, err)
	require.NotNil(t, e)
	_, err = Parse(long+" or title", rt, huge)
	requireScimErr(t, err, "invalidFilter", `expected a comparison operator after "title"`)
	_, err = Parse(`userName eq "`+strings.Repeat(`\"`, 1<<19), rt, huge)
	requireScimErr(t, err, "invalidFilter", "no closing quote")

	// Generous: this takes milliseconds; the old parser took minutes.
	assert.Less(t, time.Since(start), 10*time.Second)
}

func TestParseNilResourceType(t *testing.T) {
	_, err := Parse(`userName pr`, nil, Limits{})
	requireScimErr(t, err, "invalidFilter", "no resource type")
	_, err = ParsePath(`userName`, nil, Limits{})
	requireScimErr(t, err, "invalidPath", "no resource type")
}

func TestParsePath(t *testing.T) {
	rt := testRT(t)
	tests := []struct {
		in, want string
		urn      string
		attr     string
		attrSub  string
		filter   bool
		sub      string
	}{
		{in: `userName`, want: `userName`, attr: "userName"},
		{in: `name.givenName`, want: `name.givenName`, attr: "name", attrSub: "givenName"},
		{in: ` NAME.GIVENNAME `, want: `name.givenName`, attr: "name", attrSub: "givenName"},
		{in: `emails`, want: `emails`, attr: "emails"},
		{in: `emails[type eq "work"].value`, want: `emails[type eq "work"].value`, attr: "emails", filter: true, sub: "value"},
		{in: `emails[type eq "work" and primary eq true and value ew ".org"]`, want: `emails[type eq "work" and primary eq true and value ew ".org"]`, attr: "emails", filter: true},
		{in: `emails[value eq "a]b"].display`, want: `emails[value eq "a]b"].display`, attr: "emails", filter: true, sub: "display"},
		{in: `addresses[type eq "work"].streetAddress`, want: `addresses[type eq "work"].streetAddress`, attr: "addresses", filter: true, sub: "streetAddress"},
		{in: `urn:ietf:params:scim:schemas:core:2.0:User:userName`, want: `userName`, attr: "userName"},
		{in: `urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager.value`,
			want: `urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager.value`,
			urn:  schema.EnterpriseUserURN, attr: "manager", attrSub: "value"},
		{in: `urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:employeeNumber`,
			want: `urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:employeeNumber`,
			urn:  schema.EnterpriseUserURN, attr: "employeeNumber"},
	}
	for _, tc := range tests {
		t.Run(tc.in, func(t *testing.T) {
			p, err := ParsePath(tc.in, rt, Limits{})
			require.NoError(t, err)
			assert.Equal(t, tc.want, p.String())
			assert.Equal(t, tc.urn, p.Attr.URN)
			require.NotNil(t, p.Attr.Attr)
			assert.Equal(t, tc.attr, p.Attr.Attr.Name)
			if tc.attrSub == "" {
				assert.Nil(t, p.Attr.Sub)
			} else {
				require.NotNil(t, p.Attr.Sub)
				assert.Equal(t, tc.attrSub, p.Attr.Sub.Name)
			}
			assert.Equal(t, tc.filter, p.Filter != nil)
			if tc.sub == "" {
				assert.Nil(t, p.Sub)
			} else {
				require.NotNil(t, p.Sub)
				assert.Equal(t, tc.sub, p.Sub.Name)
			}
			p2, err := ParsePath(p.String(), rt, Limits{})
			require.NoError(t, err)
			assert.Equal(t, p, p2)
		})
	}

	t.Run("members", func(t *testing.T) {
		p, err := ParsePath(`members[value eq "2819c223-7f76-453a-919d-413861904646"]`, groupRT(t), Limits{})
		require.NoError(t, err)
		assert.Equal(t, "members", p.Attr.Attr.Name)
		assert.True(t, MatchValue(p.Filter, map[string]any{"value": "2819c223-7f76-453a-919d-413861904646"}))
		assert.False(t, MatchValue(p.Filter, map[string]any{"value": "2819C223-7F76-453A-919D-413861904646"}), "members.value is caseExact")
	})
}

func TestParsePathErrors(t *testing.T) {
	rt := testRT(t)
	tests := []struct{ in, scimType, want string }{
		{``, "invalidPath", "empty path"},
		{`nope`, "invalidPath", `unknown attribute "nope"`},
		{`name.nope`, "invalidPath", `no sub-attribute "nope"`},
		{`name.givenName.x`, "invalidPath", `malformed`},
		{`urn:ietf:params:scim:schemas:extension:enterprise:2.0:User`, "invalidPath", `names a schema`},
		{`urn:ietf:params:scim:schemas:core:2.0:User`, "invalidPath", `names a schema`},
		{`userName eq "x"`, "invalidPath", `malformed path`},
		{`emails[type eq "work"`, "invalidPath", `missing "]"`},
		{`emails[type eq "work"]x`, "invalidPath", `unexpected "x" after "]"`},
		{`emails[type eq "work"].`, "invalidPath", `unexpected "."`},
		{`emails[type eq "work"].nope`, "invalidPath", `no sub-attribute "nope"`},
		{`userName[type eq "work"]`, "invalidPath", `needs a multi-valued complex attribute`},
		{`name[givenName eq "x"]`, "invalidPath", `needs a multi-valued complex attribute`},
		{`emails.value[type eq "work"]`, "invalidPath", `needs a multi-valued complex attribute`},
		{`nope[type eq "work"]`, "invalidPath", `unknown attribute "nope"`},
		{`emails[]`, "invalidFilter", `empty value filter`},
		{`emails[type eq work]`, "invalidFilter", `strings must be in double quotes`},
		{`emails[nope eq "x"]`, "invalidFilter", `no sub-attribute "nope"`},
		{`emails[type eq "a"][type eq "b"]`, "invalidPath", `unexpected`},
		{`emails[type[x pr]]`, "invalidFilter", `nested`},
		{"emails[" + strings.Repeat("(", 40) + "type pr" + strings.Repeat(")", 40) + "]", "invalidFilter", `nests deeper`},
		{strings.Repeat("x", 5000), "invalidPath", `limit is 4096`},
	}
	for _, tc := range tests {
		t.Run(tc.in, func(t *testing.T) {
			_, err := ParsePath(tc.in, rt, Limits{})
			requireScimErr(t, err, tc.scimType, tc.want)
		})
	}
}

func TestStringHandBuilt(t *testing.T) {
	rt := testRT(t)
	userName, err := rt.ParsePath("userName")
	require.NoError(t, err)
	// Right-nested trees print with parentheses so they parse back the
	// same.
	a := &Compare{Attr: userName, Op: Eq, Value: "a"}
	b := &Compare{Attr: userName, Op: Eq, Value: "b"}
	c := &Compare{Attr: userName, Op: Eq, Value: "c"}
	for _, e := range []Expr{
		&Or{Left: a, Right: &Or{Left: b, Right: c}},
		&And{Left: a, Right: &And{Left: b, Right: c}},
		&And{Left: &Or{Left: a, Right: b}, Right: &Or{Left: b, Right: c}},
		&Or{Left: &And{Left: a, Right: b}, Right: &And{Left: b, Right: c}},
		&Not{X: &Not{X: a}},
	} {
		roundTrip(t, rt, e, "")
	}
	assert.Equal(t, `userName eq "a" or (userName eq "b" or userName eq "c")`, (&Or{Left: a, Right: &Or{Left: b, Right: c}}).String())
}
