package filter

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/scimstack/scimstack/schema"
)

// fuzzSeeds are the filters of the tables, good and bad.
func fuzzSeeds() []string {
	var seeds []string
	for _, tc := range rfcFilters {
		seeds = append(seeds, tc.in)
	}
	for _, tc := range moreFilters {
		seeds = append(seeds, tc.in)
	}
	for _, tc := range badFilters {
		seeds = append(seeds, tc.in)
	}
	for _, tc := range matchTests {
		seeds = append(seeds, tc.filter)
	}
	return append(seeds,
		`emails[type eq "work"].value`, `members[value eq "x"].display`,
		`urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager.value`,
		`userName eq "\uD800"`, `userName eq "\uDC00\uD800x"`, `a[b[c]]`, `a]b[`, `$ref[`,
	)
}

// FuzzParse checks that Parse and ParsePath return a result or an error,
// never panic, that whatever parses prints to a filter that parses back
// to the same tree, and that both agree with the oracle built on
// filter-parser (see checkParseAgainstOracle).
func FuzzParse(f *testing.F) {
	rt := testRT(f)
	for _, s := range oracleInputs() {
		f.Add(s)
	}
	for _, s := range pathInputs() {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, src string) {
		// The oracle's time grows faster than the length of the text.
		if len(src) <= 1024 {
			checkParseAgainstOracle(t, rt, src)
			checkPathAgainstOracle(t, rt, src)
		}
		e, err := Parse(src, rt, Limits{})
		if err == nil {
			require.NotNil(t, e)
			s := e.String()
			e2, err := Parse(s, rt, roomy)
			require.NoError(t, err, "%q printed as %q", src, s)
			require.Equal(t, e, e2, "%q printed as %q", src, s)
			require.Equal(t, s, e2.String())
		} else {
			requireSchemaError(t, err)
		}
		p, err := ParsePath(src, rt, Limits{})
		if err == nil {
			s := p.String()
			p2, err := ParsePath(s, rt, roomy)
			require.NoError(t, err, "%q printed as %q", src, s)
			require.Equal(t, p, p2, "%q printed as %q", src, s)
		} else {
			requireSchemaError(t, err)
		}
	})
}

func requireSchemaError(t *testing.T, err error) {
	t.Helper()
	d := detail(err)
	require.NotEmpty(t, d)
	require.NotEqual(t, d, err.Error(), "not a *schema.Error: %v", err)
}

// FuzzMatch evaluates whatever parses against the test users and against
// documents of the wrong shape; it must not panic.
func FuzzMatch(f *testing.F) {
	rt := testRT(f)
	for _, s := range fuzzSeeds() {
		f.Add(s)
	}
	docs := append(testUsers(),
		nil,
		map[string]any{"userName": 5, "emails": "x", "name": []any{1, nil}, "active": "yes",
			"meta": map[string]any{"lastModified": "not a date"}, testURN: "x"},
		map[string]any{"emails": []any{nil, "x", map[string]any{"value": 1, "type": []any{}}}, testURN: map[string]any{"level": 1.5, "score": "x", "since": 5}},
	)
	f.Fuzz(func(t *testing.T, src string) {
		e, err := Parse(src, rt, Limits{})
		if err != nil {
			return
		}
		for _, d := range docs {
			Match(e, d)
			Cmp(d, docs[0], compareRef(e), false)
		}
		if vp, ok := e.(*ValuePath); ok {
			MatchValue(vp.Filter, map[string]any{"value": "x", "type": "work"})
		}
	})
}

// compareRef returns the attribute of the first comparison in e, to sort
// by.
func compareRef(e Expr) (ref schema.AttrRef) {
	switch e := e.(type) {
	case *And:
		return compareRef(e.Left)
	case *Or:
		return compareRef(e.Left)
	case *Not:
		return compareRef(e.X)
	case *Compare:
		return e.Attr
	case *ValuePath:
		return e.Attr
	}
	return ref
}
