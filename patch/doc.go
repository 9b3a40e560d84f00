// Package patch applies SCIM PATCH operations (RFC 7644 §3.5.2) to a
// resource in the generic form of [schema.ResourceType].
//
// The handler decodes a PatchOp body into a [Request], loads the resource,
// and calls [Apply]:
//
//	out, changed, err := patch.Apply(doc, req.Operations, rt, patch.Limits{})
//	if err != nil {
//		// *schema.Error: answer 400 with err's scimType
//	}
//	if changed {
//		// store out; otherwise keep the version and modify timestamp
//	}
//
// Apply never modifies doc, and applies all operations or none. It imports
// no store: it works on attributes only.
//
// # Operations
//
// The op names add, replace and remove match without regard to case
// (Microsoft Entra ID sends "Replace"). Paths are parsed by
// [filter.ParsePath]: an attribute (userName), a sub-attribute
// (name.givenName), a value filter with an optional sub-attribute
// (emails[type eq "work"].value), an extension attribute
// (urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager) or a
// whole extension URN. Values are type-checked and coerced with
// [schema.Attribute.Coerce], so "True" and "False" become booleans.
//
//   - add: a multi-valued attribute gets the new values appended, except
//     those already present; a complex value gets its sub-attributes merged;
//     a singular value is replaced.
//   - replace: like add, but a multi-valued attribute without a filter gets
//     all its values replaced. Replacing with null or [] removes.
//   - remove: requires a path (noTarget otherwise). With a value filter it
//     removes the matching values, or their sub-attribute, and answers
//     noTarget when nothing matches; an array left empty is removed. With a
//     value and a multi-valued path (Entra's legacy member removal) only the
//     listed values are removed.
//
// Without a path, the value of add or replace is an object whose keys are
// attribute names or paths ("name.givenName",
// "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:employeeNumber")
// or an extension URN holding an object of its attributes. Each key applies
// as an operation with that path. Keys that name no attribute and the
// "schemas" key are ignored, as [schema.ResourceType.Normalize] ignores
// them.
//
// # Quirks of identity providers
//
//   - add or replace through a value filter that matches nothing creates the
//     value from the filter's eq comparisons: replacing
//     emails[type eq "work"].value on a user without a work email adds
//     {"type": "work", "value": ...} (Entra). A filter without a usable eq
//     gives noTarget, as RFC 7644 §3.5.2.3 says.
//   - a complex attribute with a value sub-attribute accepts a plain value
//     for {"value": ...}, and a one-element array for its element: Entra
//     sends the enterprise manager as an id.
//   - a readOnly attribute in a path-less value is ignored when it keeps its
//     value (Okta sends the id back); a different value, or a path naming a
//     readOnly attribute, is a mutability error.
//
// # Rules kept
//
// Immutable attributes and sub-attributes may be set when unassigned and
// otherwise only to their current value (RFC 7644 §3.5.2). readOnly
// sub-attributes inside values are dropped, as on create. At most one value
// of a multi-valued attribute keeps primary true: the one an operation sets
// wins (RFC 7643 §2.4). A required attribute that the resource has cannot be
// removed. Errors are *schema.Error values with the RFC 7644 §3.12 scimType;
// their detail names the failing operation by its index.
//
// # Limits
//
// [Limits] caps the number of operations ([DefaultMaxOperations], tooMany
// beyond) and the value filters in paths. An empty Operations list is
// invalidSyntax.
package patch
