package filter

import (
	"testing"
)

var benchFilters = []struct{ name, filter string }{
	{"eq", `userName eq "bjensen@example.com"`},
	{"entra", `emails[type eq "work"].value eq "bjensen@example.com"`},
	{"and-or", `userType eq "Employee" and (emails co "example.com" or emails.value co "example.org")`},
	{"urn", `urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:employeeNumber eq "701984"`},
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
