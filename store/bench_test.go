package store_test

import (
	"fmt"
	"testing"

	"github.com/scimstack/scimstack/store"
)

// typicalUser is the user of the handler benchmarks (scim/bench_test.go):
// the attributes a provisioning client usually sends, as stored.
func typicalUser() *store.User {
	const i = 4217
	name := fmt.Sprintf("user%07d@example.com", i)
	u := &store.User{
		ID:          "0b1e7c5a-3f2d-4c8e-9a61-5d7f0e2b4c93",
		UserName:    name,
		ExternalID:  fmt.Sprintf("ext-%07d", i),
		DisplayName: fmt.Sprintf("User %d", i),
		Name:        &store.Name{GivenName: "Given", FamilyName: fmt.Sprintf("Family%d", i)},
		Active:      ptr(true),
		Emails:      []store.MultiValue{{Value: name, Type: "work", Primary: true}},
		Enterprise:  &store.EnterpriseUser{EmployeeNumber: fmt.Sprint(i), Department: "Sales"},
	}
	u.Meta.ResourceType = "User"
	u.Meta.Location = "https://idp.example.com/scim/v2/Users/" + u.ID
	u.Meta.Created = fullUser().Meta.Created
	u.Meta.LastModified = u.Meta.Created
	u.Meta.Version = "17"
	return u
}

// benchUsers runs fn on the typical user and on fullUser.
func benchUsers(b *testing.B, fn func(b *testing.B, u *store.User)) {
	for _, c := range []struct {
		name string
		u    *store.User
	}{{"typical", typicalUser()}, {"full", fullUser()}} {
		b.Run(c.name, func(b *testing.B) {
			b.ReportAllocs()
			fn(b, c.u)
		})
	}
}

func BenchmarkMarshalJSON(b *testing.B) {
	benchUsers(b, func(b *testing.B, u *store.User) {
		for b.Loop() {
			if _, err := u.MarshalJSON(); err != nil {
				b.Fatal(err)
			}
		}
	})
}

func BenchmarkAppendJSON(b *testing.B) {
	benchUsers(b, func(b *testing.B, u *store.User) {
		buf := u.AppendJSON(nil)
		for b.Loop() {
			buf = u.AppendJSON(buf[:0])
		}
	})
}

func BenchmarkMap(b *testing.B) {
	benchUsers(b, func(b *testing.B, u *store.User) {
		for b.Loop() {
			_ = u.Map()
		}
	})
}

func BenchmarkUserFromMap(b *testing.B) {
	benchUsers(b, func(b *testing.B, u *store.User) {
		m := u.Map()
		for b.Loop() {
			if _, err := store.UserFromMap(m); err != nil {
				b.Fatal(err)
			}
		}
	})
}

func BenchmarkClone(b *testing.B) {
	benchUsers(b, func(b *testing.B, u *store.User) {
		for b.Loop() {
			_ = u.Clone()
		}
	})
}
