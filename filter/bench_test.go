package filter

import (
	"strconv"
	"strings"
	"testing"
)

var benchFilters = []struct{ name, filter string }{
	{"eq", `userName eq "bjensen@example.com"`},
	{"entra", `emails[type eq "work"].value eq "bjensen@example.com"`},
	{"and-or", `userType eq "Employee" and (emails co "example.com" or emails.value co "example.org")`},
	{"urn", `urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:employeeNumber eq "701984"`},
	{"escapes", `userName eq "caf\u00e9 \"quoted\" \ud83d\ude00"`},
	{"long", longFilter(4000)},
	{"nested", strings.Repeat("(", 31) + `emails[type eq "work" and value co "@example.com"]` + strings.Repeat(")", 31)},
}

// longFilter returns a filter of almost n bytes: a chain of or, with
// groups, value paths and escapes.
func longFilter(n int) string {
	const term = ` or (userName eq "a\"b" and emails[type eq "work" or value co "x"])`
	var b strings.Builder
	b.WriteString(`title pr`)
	for b.Len()+len(term) <= n {
		b.WriteString(term)
	}
	return b.String()
}

func BenchmarkParse(b *testing.B) {
	rt := testRT(b)
	for _, bf := range benchFilters {
		b.Run(bf.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, err := Parse(bf.filter, rt, Limits{}); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

func BenchmarkMatch(b *testing.B) {
	rt := testRT(b)
	users := testUsers()
	for _, bf := range []struct{ name, filter string }{
		{"eq-userName", `userName eq "JSMITH"`},
		{"co-emails", `emails co "EXAMPLE.ORG"`},
		{"and-or", `userType eq "Employee" and (emails co "example.com" or emails.value co "example.org") or title pr`},
		{"value-path", `emails[type eq "work"].value eq "jsmith@example.org"`},
		{"dateTime", `meta.lastModified gt "2011-05-13T06:42:34+02:00"`},
	} {
		e, err := Parse(bf.filter, rt, Limits{})
		if err != nil {
			b.Fatal(err)
		}
		b.Run(bf.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				for _, u := range users {
					Match(e, u)
				}
			}
		})
	}
}

// BenchmarkParseLength shows that the time per byte does not grow with
// the length of the filter.
func BenchmarkParseLength(b *testing.B) {
	rt := testRT(b)
	for _, n := range []int{1 << 10, 1 << 12, 1 << 16} {
		src := longFilter(n)
		b.Run(strconv.Itoa(n), func(b *testing.B) {
			b.SetBytes(int64(len(src)))
			b.ReportAllocs()
			for b.Loop() {
				if _, err := Parse(src, rt, Limits{MaxLength: len(src)}); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
