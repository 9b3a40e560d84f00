package filter

import (
	"errors"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/scimstack/scimstack/schema"
)

// oracleInputs are the fuzz seeds and more filters that exercise the
// corners of the syntax: white space, case, escapes, numbers, nesting.
func oracleInputs() []string {
	return append(fuzzSeeds(),
		"userName\teq\t\"x\"\nor\r\ntitle pr",
		"\n\t( userName eq \"x\" )\t",
		`not  ( title pr )`, `NOT(title pr)`, `not (not (title pr))`,
		`((title pr))`, `(title pr) or (userName eq "a" and (nickName pr or title eq "b"))`,
		`title pr and userName eq "a" or nickName pr and title eq "b" or userType pr`,
		`title pr and(userName pr)`, `title pr or(userName pr)`, `(title pr)and userName pr`,
		`userName eq "\u00e9\u00E9\/"`, `userName eq "\uD83D\uDE00"`, `userName eq "\ud83dx"`,
		`userName eq "tab\there"`, `userName eq ""`, `userName eq "é"`,
		`urn:example:params:scim:schemas:extension:test:2.0:User:score eq -0`,
		`urn:example:params:scim:schemas:extension:test:2.0:User:score eq 1E5`,
		`urn:example:params:scim:schemas:extension:test:2.0:User:score eq 1e-3`,
		`urn:example:params:scim:schemas:extension:test:2.0:User:score eq -1.25e+2`,
		`urn:example:params:scim:schemas:extension:test:2.0:User:level eq -9223372036854775808`,
		`urn:example:params:scim:schemas:extension:test:2.0:User:level eq 00`,
		`urn:example:params:scim:schemas:extension:test:2.0:User:level eq 1.`,
		`urn:example:params:scim:schemas:extension:test:2.0:User:level eq .5`,
		`urn:example:params:scim:schemas:extension:test:2.0:User:level eq +1`,
		`urn:example:params:scim:schemas:extension:test:2.0:User:score gt 1e`,
		`active eq TRUE`, `active eq False`, `active ne null`, `title eq Null`,
		`emails[type eq "work"].value eq "x" and title pr`,
		`title pr or emails[type eq "work"].value co "x"`,
		`emails[ type eq "work" ].display sw "a"`,
		`emails[type eq "work" and (value co "a" or value co "b")].primary eq true`,
		`emails[not (primary eq true)] and not (ims[type pr])`,
		`groups[$ref pr]`, `groups.$ref pr`, `groups[type eq "direct"].$ref pr`,
		`urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager[value eq "x"]`,
		`urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager.displayName pr`,
		`URN:IETF:PARAMS:SCIM:SCHEMAS:CORE:2.0:USER:NAME.GIVENNAME pr`,
		`urn:ietf:params:scim:schemas:core:2.0:User:emails[type eq "work"].value pr`,
		`schemas eq "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"`,
		`emails eq null`, `emails ne null`, `name ne null`, `emails gt "a"`,
		`id eq "1" and externalId pr and meta.created lt "2020-01-01T00:00:00Z"`,
		`meta.resourceType eq "User"`,
		`userName eq "x" and`, `userName eq "x" or or title pr`, `userName pr pr`,
		`emails[type eq "work"]]`, `emails[[type eq "work"]`, `emails[type eq "work"].`,
		`emails[type eq "work"]..value eq "x"`, `emails[type eq "work"].value.x eq "x"`,
		`emails[type eq "work"].value eq`, `emails[type eq "work"][type pr]`,
		`a b c`, `"x" eq userName`, `userName eq "x" "y"`, `(`, `)`, `[`, `]`, `not`, `not (`,
		`userName eq "x\`, `userName eq "\"`, `userName eq "\u12"`, `userName eq "\u12"x"`,
		`userName eq "a\u0022b"`, `name.givenName.x eq "x"`, `urn:a_b:userName eq "x"`,
		`urn:ietf:params:scim:schemas:core:2.0:userName pr`, `:userName pr`, `urn::userName pr`,
		`title pr or`+strings.Repeat(` title pr or`, 50)+` title pr`,
		strings.Repeat(`(`, 32)+`title pr`+strings.Repeat(`)`, 32),
		strings.Repeat(`(`, 33)+`title pr`+strings.Repeat(`)`, 33),
		strings.Repeat(`not (`, 31)+`emails[type pr]`+strings.Repeat(`)`, 31),
	)
}

// pathInputs are PATCH paths for the differential test.
func pathInputs() []string {
	return []string{
		`userName`, `name.givenName`, ` NAME.GIVENNAME `, `emails`, `emails[type eq "work"].value`,
		`emails[type eq "work" and (primary eq true or value ew ".org")]`, `emails[value eq "a]b"].display`,
		`emails[ type eq "work" ]`, "emails[type\teq\t\"work\"]", `emails[not (type eq "work")].value`,
		`urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager.value`,
		`urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager[value eq "x"]`,
		`members[value eq "x"]`, `emails[type eq "work"`, `emails[type eq "work"]x`, `emails[]`,
		`emails[type eq work]`, `emails[type[x pr]]`, `emails[type eq "a"][type eq "b"]`,
		`emails[type eq "work"].nope`, `emails[nope pr]`, `emails[emails.type pr]`, `emails[type eq "x" title pr]`,
		`emails[type eq "x" and]`, `emails[(type eq "x"]`, `emails[type eq "x")]`, `emails[type pr and(value pr)]`,
		"emails[" + strings.Repeat("(", 31) + "type pr" + strings.Repeat(")", 31) + "]",
		"emails[" + strings.Repeat("(", 32) + "type pr" + strings.Repeat(")", 32) + "]",
	}
}

func TestParseAgainstOracle(t *testing.T) {
	rt := testRT(t)
	for _, src := range oracleInputs() {
		t.Run(src, func(t *testing.T) {
			checkParseAgainstOracle(t, rt, src)
		})
	}
}

func TestParsePathAgainstOracle(t *testing.T) {
	rt := testRT(t)
	inputs := pathInputs()
	for _, tc := range rfcFilters {
		inputs = append(inputs, tc.in)
	}
	for _, src := range inputs {
		t.Run(src, func(t *testing.T) {
			checkPathAgainstOracle(t, rt, src)
		})
	}
}

// roomy limits are for reparsing printed forms, which may be longer.
var roomy = Limits{MaxLength: 1 << 20, MaxDepth: 1 << 10}

// checkParseAgainstOracle checks Parse against oldParse on src: what the
// oracle accepts, Parse accepts as the same tree; what Parse accepts
// prints as a filter the oracle reads as the same tree (so the new parser
// is only more lenient in syntax, never different in meaning); and what
// both reject, both reject as invalidFilter.
func checkParseAgainstOracle(t *testing.T, rt *schema.ResourceType, src string) {
	t.Helper()
	want, werr := oldParse(src, rt, Limits{})
	got, gerr := Parse(src, rt, Limits{})
	if werr == nil {
		require.NoError(t, gerr, "oracle reads %q as %s", src, want)
		require.Equal(t, want.String(), got.String(), "%q", src)
		require.Equal(t, want, got, "%q", src)
		return
	}
	if gerr == nil {
		s := got.String()
		again, err := oldParse(s, rt, roomy)
		require.NoError(t, err, "%q parses as %s, which the oracle rejects", src, s)
		require.Equal(t, got, again, "%q printed as %q", src, s)
		return
	}
	require.Equal(t, scimType(t, werr), scimType(t, gerr), "%q: oracle %v, parser %v", src, werr, gerr)
}

// checkPathAgainstOracle does the same for ParsePath and oldParsePath.
func checkPathAgainstOracle(t *testing.T, rt *schema.ResourceType, src string) {
	t.Helper()
	want, werr := oldParsePath(src, rt, Limits{})
	got, gerr := ParsePath(src, rt, Limits{})
	if werr == nil {
		require.NoError(t, gerr, "oracle reads %q as %s", src, want)
		require.Equal(t, want.String(), got.String(), "%q", src)
		require.Equal(t, want, got, "%q", src)
		return
	}
	if gerr == nil {
		s := got.String()
		again, err := oldParsePath(s, rt, roomy)
		require.NoError(t, err, "%q parses as %s, which the oracle rejects", src, s)
		require.Equal(t, got, again, "%q printed as %q", src, s)
		return
	}
	// Which problem comes first may differ where the parser is more
	// lenient, and with it the type.
	require.Contains(t, []string{"invalidPath", "invalidFilter"}, scimType(t, gerr), "%q: %v", src, gerr)
}

func scimType(t *testing.T, err error) string {
	t.Helper()
	var se *schema.Error
	require.True(t, errors.As(err, &se), "not a *schema.Error: %T %v", err, err)
	return se.ScimType
}

// TestParseMoreLenient lists what Parse accepts and the oracle does not.
func TestParseMoreLenient(t *testing.T) {
	rt := testRT(t)
	for _, src := range []string{
		`title pr and(userName pr)`, // RFC 7644 wants a space after and/or
		`title pr or(userName pr)`,
	} {
		_, err := oldParse(src, rt, Limits{})
		require.Error(t, err, src)
		checkParseAgainstOracle(t, rt, src)
	}
}
