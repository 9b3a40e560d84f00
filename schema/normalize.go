package schema

// Normalize returns doc, decoded from JSON with numbers as json.Number or
// float64, in the generic form described at [ResourceType]. It:
//
//   - matches attribute names, sub-attribute names and extension URNs
//     without regard to case and rewrites them to the canonical spelling;
//   - drops attributes and extensions the resource type does not define,
//     and the "schemas" member;
//   - removes null values and empty arrays (unassigned, RFC 7643 §2.5);
//   - coerces values to the attribute's type as [Attribute.Coerce] does;
//   - accepts a single value where a multi-valued attribute expects an
//     array, and wraps it.
//
// It does not check mutability or required attributes: see
// [ResourceType.CheckRequired] and [ResourceType.DropReadOnly]. It returns
// an *Error with ScimType "invalidValue" for a value of the wrong type.
// doc is not modified.
func (rt *ResourceType) Normalize(doc map[string]any) (map[string]any, error) {
	panic("TODO")
}

// Coerce returns v, a value decoded from JSON, as the attribute's type in
// generic form. For a multi-valued attribute v may be an array (each element
// coerced) or a single element (wrapped). Booleans also accept the strings
// "true" and "false" in any case (Microsoft Entra ID sends "True").
// Integers accept integral json.Number and float64 values; dateTime values
// must be xsd:dateTime (RFC 3339) strings and are kept as given. Complex
// values have their sub-attribute names canonicalised and unknown
// sub-attributes dropped. It returns an *Error with ScimType "invalidValue".
func (a *Attribute) Coerce(v any) (any, error) {
	panic("TODO")
}

// CoerceSingle is Coerce for one element of a multi-valued attribute (or the
// value of a singular one): an array is an error.
func (a *Attribute) CoerceSingle(v any) (any, error) {
	panic("TODO")
}

// DropReadOnly removes the readOnly attributes and sub-attributes from doc
// (generic form) in place, as a server does with client input on create and
// replace (RFC 7644 §3.3, §3.5.1).
func (rt *ResourceType) DropReadOnly(doc map[string]any) {
	panic("TODO")
}

// CheckRequired returns an *Error with ScimType "invalidValue" naming the
// first required attribute (or required sub-attribute of a present complex
// value) that doc lacks, ignoring readOnly attributes, which the server
// assigns.
func (rt *ResourceType) CheckRequired(doc map[string]any) error {
	panic("TODO")
}

// Project returns a copy of doc, a resource in generic form, reduced to what
// a response may contain (RFC 7644 §3.4.2.5, RFC 7643 §7):
//
//   - returned "never" attributes are always removed;
//   - returned "always" attributes (and id) are always kept;
//   - with attrs non-empty, only those attributes (or sub-attributes) are
//     kept besides the "always" ones;
//   - otherwise "default" attributes are kept except those in excluded, and
//     "request" attributes only when named in attrs.
//
// Extension maps left empty are removed.
func (rt *ResourceType) Project(doc map[string]any, attrs, excluded []AttrRef) map[string]any {
	panic("TODO")
}
