// Package filter parses and evaluates SCIM filters (RFC 7644 §3.4.2.2) and
// PATCH paths (RFC 7644 §3.5.2).
//
// [Parse] turns filter text into an [Expr] tree whose attribute references
// are resolved against a [schema.ResourceType]; [Match] evaluates the tree
// on a resource in generic form; [Cmp] orders resources for sortBy. Stores
// that can translate a filter into their own query language walk the tree
// ([And], [Or], [Not], [Compare], [ValuePath]) instead.
//
//	rt, _ := schema.UserResourceType()
//	e, err := filter.Parse(`emails[type eq "work"].value eq "bjensen@example.com"`, rt, filter.Limits{})
//	if err != nil {
//		return err // a *schema.Error with ScimType "invalidFilter"
//	}
//	if filter.Match(e, doc) { ... }
//
// # Parsing
//
// The grammar is RFC 7644's, read leniently where identity providers need
// it: operators, keywords and attribute names match without regard to
// case; white space around the filter is ignored, and between tokens it
// may be any run of spaces, tabs and line breaks; JSON string escapes are
// decoded; integers keep 64-bit precision; value filters may hold any
// filter; and Microsoft Entra ID's `attr[filter].sub op value` is read as
// `attr[filter and sub op value]`. [Limits] bound the length and nesting
// of what is accepted. Every error is a *schema.Error whose detail names
// the problem and where it is, such as `expected a comparison operator
// after "userName" at offset 8`.
//
// The parser is hand-written and reads the text once, in time linear in
// its length, without copying it (only strings with escapes are copied,
// decoded); the tree's nodes are all it allocates. Its recursion is
// bounded by [Limits.MaxDepth], which it checks as it goes, so hostile
// input is rejected quickly.
//
// Parse also checks types: ordering operators are rejected on boolean,
// binary and complex attributes, co, sw and ew need strings, dateTime values
// must be RFC 3339, and integer attributes take integers. A comparison on a
// complex attribute with no sub-attribute (`emails co "x"`) compares its
// "value" sub-attribute. [Expr.String] prints the canonical form, which
// parses back to an equal tree.
//
// # Evaluation
//
// [Match] and [MatchValue] honour caseExact, compare dateTime values as
// instants and numbers exactly (int64 against float64), and match a
// multi-valued attribute when any of its values matches. pr is false for
// unassigned, null, "", empty arrays and complex values without
// sub-attribute values; `x eq null` is `not (x pr)`; ne is true on an
// unassigned attribute. The filter `schemas eq "urn:..."` is answered from
// the extensions present in the document. Evaluation allocates nothing.
//
// # Paths
//
// [ParsePath] parses PATCH paths such as `name.givenName`,
// `emails[type eq "work"].value` and
// `urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager.value`
// into a [Path]; PATCH applies a path's value filter with [MatchValue].
package filter
