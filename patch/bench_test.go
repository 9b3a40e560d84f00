package patch_test

import (
	"testing"

	"github.com/scimstack/scimstack/patch"
)

// BenchmarkApply applies a typical Microsoft Entra ID PATCH: disable with a
// string boolean, a work email through a value filter, and a path-less
// replace of five attributes.
func BenchmarkApply(b *testing.B) {
	rt := userType(b)
	doc := decodeDoc(b, docs["bjensen"])
	ops, err := decodeOps(`[
		{"op":"Replace","path":"active","value":"False"},
		{"op":"Replace","path":"emails[type eq \"work\"].value","value":"babs@example.com"},
		{"op":"replace","value":{
			"displayName":"Babs",
			"name.givenName":"Barbara",
			"name.familyName":"Jensen-Smith",
			"title":"Tour Guide",
			"urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:employeeNumber":"701985"}}]`)
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, _, err := patch.Apply(doc, ops, rt, patch.Limits{}); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkApplyUnchanged is Entra re-sending values the user already has.
func BenchmarkApplyUnchanged(b *testing.B) {
	rt := userType(b)
	doc := decodeDoc(b, docs["entra"])
	ops, err := decodeOps(`[
		{"op":"Replace","path":"emails[type eq \"work\"].value","value":"Test_User_22370c1a@testuser.com"},
		{"op":"Replace","path":"active","value":"True"}]`)
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, changed, err := patch.Apply(doc, ops, rt, patch.Limits{}); err != nil || changed {
			b.Fatal(err, changed)
		}
	}
}
