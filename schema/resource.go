package schema

import "fmt"

// Extension is a schema extension of a resource type (RFC 7643 §6).
type Extension struct {
	Schema   *Schema
	Required bool
}

// ResourceType is a resource type with its core schema, its extensions and
// the common attributes id, externalId and meta (RFC 7643 §3.1, §6). It
// resolves attribute paths and brings resources into canonical form.
//
// # The generic form
//
// Filters, PATCH and projection work on a resource in generic form: a
// map[string]any whose keys are canonical attribute names (the spelling of
// the definition). Core and common attributes are top-level keys; the
// attributes of an extension live in a nested map under the extension's
// URN, as in the JSON representation (RFC 7643 §3.3). Values are:
//
//	string     for string, reference, binary and dateTime attributes
//	bool       for boolean attributes
//	int64      for integer attributes
//	float64    for decimal attributes
//	map[string]any   for complex attributes
//	[]any      for multi-valued attributes (never empty: an empty array is removed)
//
// An unassigned attribute has no key. [ResourceType.Normalize] produces this
// form from decoded JSON.
//
// A ResourceType is immutable once made and safe for concurrent use.
type ResourceType struct {
	ID          string // "User"
	Name        string // "User"
	Endpoint    string // "/Users"
	Description string
	Schema      *Schema
	Extensions  []Extension
}

// NewResourceType checks the definitions and returns a resource type.
// Extension URNs must be distinct from each other and from the core schema.
func NewResourceType(name, endpoint, description string, core *Schema, ext ...Extension) (*ResourceType, error) {
	panic("TODO")
}

// UserResourceType returns the User resource type (RFC 7643 §4.1) with the
// enterprise extension (§4.3, not required) and the given further
// extensions.
func UserResourceType(ext ...Extension) (*ResourceType, error) {
	panic("TODO")
}

// Extension returns the extension schema with the given URN, compared
// without regard to case, or nil.
func (rt *ResourceType) Extension(urn string) *Schema {
	panic("TODO")
}

// Schemas returns the core schema followed by the extension schemas.
func (rt *ResourceType) Schemas() []*Schema {
	panic("TODO")
}

// AttrRef is a resolved reference to an attribute or a sub-attribute.
type AttrRef struct {
	// URN is the URN of the extension that defines Attr, or "" for an
	// attribute of the core schema or a common attribute.
	URN string
	// Attr is the top-level attribute; nil when the reference names a whole
	// extension (for example in excludedAttributes).
	Attr *Attribute
	// Sub is the sub-attribute, or nil.
	Sub *Attribute
}

// String returns the canonical path: "name.givenName",
// "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager.value".
func (r AttrRef) String() string {
	s := ""
	if r.URN != "" {
		s = r.URN
		if r.Attr != nil {
			s += ":"
		}
	}
	if r.Attr != nil {
		s += r.Attr.Name
	}
	if r.Sub != nil {
		s += "." + r.Sub.Name
	}
	return s
}

// Def returns the definition the reference ends at: Sub if set, else Attr.
func (r AttrRef) Def() *Attribute {
	if r.Sub != nil {
		return r.Sub
	}
	return r.Attr
}

// Lookup resolves an attribute given as its parts, all compared without
// regard to case: urn is "" or a schema URN (the core schema's URN or an
// extension's), name an attribute name, sub "" or a sub-attribute name.
// Without a URN, name is looked up among the core and common attributes.
// It returns an *Error with ScimType "invalidPath" when nothing matches.
func (rt *ResourceType) Lookup(urn, name, sub string) (AttrRef, error) {
	panic("TODO")
}

// ParsePath resolves an attribute path written as text: "userName",
// "name.givenName", "urn:ietf:params:scim:schemas:core:2.0:User:userName",
// "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager.value",
// or a bare extension URN. Used for attributes, excludedAttributes, sortBy
// and the dotted keys of path-less PATCH values. It returns an *Error with
// ScimType "invalidPath" when the path names no attribute.
func (rt *ResourceType) ParsePath(path string) (AttrRef, error) {
	panic("TODO")
}

// Error is a client error with a SCIM error type (RFC 7644 §3.12), returned
// by this package and by filter and patch. The handler answers it with 400
// (or the status the type implies) and the detail.
type Error struct {
	ScimType string // "invalidFilter", "invalidPath", "invalidValue", ...
	Detail   string
}

func (e *Error) Error() string { return e.ScimType + ": " + e.Detail }

// Errorf returns an *Error with the given type and formatted detail.
func Errorf(scimType, format string, args ...any) *Error {
	return &Error{ScimType: scimType, Detail: fmt.Sprintf(format, args...)}
}
