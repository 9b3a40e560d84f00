package schema

import (
	"fmt"
	"strings"
)

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

	// index maps the canonical names of the core and common attributes to
	// their definitions; set by NewResourceType. A ResourceType built as a
	// literal works without it, only more slowly.
	index map[string]*Attribute
}

// common holds the definitions of the common attributes shared by every
// resource type. It is never modified.
var common = CommonAttributes()

// NewResourceType checks the definitions and returns a resource type whose
// ID and Name are name. Extension URNs must be distinct from each other and
// from the core schema. Every schema ID must be a URN ("urn:..."); attribute
// names must be valid (RFC 7643 §2.1) and distinct without regard to case;
// a core attribute must not be named like a common attribute (id,
// externalId, meta) or "schemas"; complex attributes need sub-attributes,
// which must not be complex themselves (RFC 7643 §2.3.8).
//
// The definitions are held, not copied: do not modify them afterwards.
func NewResourceType(name, endpoint, description string, core *Schema, ext ...Extension) (*ResourceType, error) {
	if name == "" || strings.ContainsAny(name, " \t\r\n/") {
		return nil, fmt.Errorf("schema: invalid resource type name %q", name)
	}
	if len(endpoint) < 2 || endpoint[0] != '/' || strings.ContainsAny(endpoint, " \t\r\n?#") {
		return nil, fmt.Errorf("schema: resource type %s: invalid endpoint %q", name, endpoint)
	}
	if core == nil {
		return nil, fmt.Errorf("schema: resource type %s: nil core schema", name)
	}
	if err := checkSchema(core); err != nil {
		return nil, err
	}
	for _, a := range core.Attributes {
		if find(common, a.Name) != nil || strings.EqualFold(a.Name, "schemas") {
			return nil, fmt.Errorf("schema: %s: attribute %q clashes with a common attribute", core.ID, a.Name)
		}
	}
	urns := []string{core.ID}
	for i, e := range ext {
		if e.Schema == nil {
			return nil, fmt.Errorf("schema: resource type %s: extension %d has a nil schema", name, i)
		}
		if err := checkSchema(e.Schema); err != nil {
			return nil, err
		}
		for _, u := range urns {
			if strings.EqualFold(u, e.Schema.ID) {
				return nil, fmt.Errorf("schema: resource type %s: schema URN %q used twice", name, e.Schema.ID)
			}
		}
		urns = append(urns, e.Schema.ID)
	}
	rt := &ResourceType{
		ID:          name,
		Name:        name,
		Endpoint:    endpoint,
		Description: description,
		Schema:      core,
		Extensions:  append([]Extension(nil), ext...),
		index:       make(map[string]*Attribute, len(core.Attributes)+len(common)),
	}
	for _, a := range common {
		rt.index[a.Name] = a
	}
	for _, a := range core.Attributes {
		rt.index[a.Name] = a
	}
	return rt, nil
}

func checkSchema(s *Schema) error {
	if len(s.ID) < 5 || !strings.EqualFold(s.ID[:4], "urn:") || s.ID[len(s.ID)-1] == ':' ||
		strings.ContainsAny(s.ID, " \t\r\n\"[]") {
		return fmt.Errorf("schema: invalid schema URN %q", s.ID)
	}
	if err := checkAttrs(s.ID, "", s.Attributes); err != nil {
		return err
	}
	return nil
}

func checkAttrs(urn, parent string, attrs []*Attribute) error {
	for i, a := range attrs {
		if a == nil {
			return fmt.Errorf("schema: %s: nil attribute definition", urn)
		}
		path := a.Name
		if parent != "" {
			path = parent + "." + a.Name
		}
		if !validName(a.Name) {
			return fmt.Errorf("schema: %s: invalid attribute name %q", urn, path)
		}
		if find(attrs[:i], a.Name) != nil {
			return fmt.Errorf("schema: %s: attribute %q defined twice", urn, path)
		}
		switch a.Type {
		case String, Boolean, Decimal, Integer, DateTime, Binary, Reference:
			if len(a.SubAttributes) > 0 {
				return fmt.Errorf("schema: %s: attribute %q of type %s has sub-attributes", urn, path, a.Type)
			}
		case Complex:
			if parent != "" {
				return fmt.Errorf("schema: %s: sub-attribute %q is complex", urn, path)
			}
			if len(a.SubAttributes) == 0 {
				return fmt.Errorf("schema: %s: complex attribute %q has no sub-attributes", urn, path)
			}
			if err := checkAttrs(urn, a.Name, a.SubAttributes); err != nil {
				return err
			}
		default:
			return fmt.Errorf("schema: %s: attribute %q has unknown type %q", urn, path, a.Type)
		}
		switch a.Mutability {
		case "", ReadOnly, ReadWrite, Immutable, WriteOnly:
		default:
			return fmt.Errorf("schema: %s: attribute %q has unknown mutability %q", urn, path, a.Mutability)
		}
		switch a.Returned {
		case "", Always, Never, Default, Request:
		default:
			return fmt.Errorf("schema: %s: attribute %q has unknown returned %q", urn, path, a.Returned)
		}
		switch a.Uniqueness {
		case "", None, Server, Global:
		default:
			return fmt.Errorf("schema: %s: attribute %q has unknown uniqueness %q", urn, path, a.Uniqueness)
		}
	}
	return nil
}

// validName reports whether s is an ATTRNAME of RFC 7643 §2.1
// (ALPHA *(ALPHA / DIGIT / "-" / "_")) or "$ref".
func validName(s string) bool {
	if s == "$ref" {
		return true
	}
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case 'a' <= c && c <= 'z', 'A' <= c && c <= 'Z':
		case i > 0 && ('0' <= c && c <= '9' || c == '-' || c == '_'):
		default:
			return false
		}
	}
	return true
}

// UserResourceType returns the User resource type (RFC 7643 §4.1) with the
// enterprise extension (§4.3, not required) and the given further
// extensions. Each call returns fresh definitions.
func UserResourceType(ext ...Extension) (*ResourceType, error) {
	all := make([]Extension, 0, 1+len(ext))
	all = append(all, Extension{Schema: EnterpriseUserSchema()})
	all = append(all, ext...)
	return NewResourceType("User", "/Users", "User Account", UserSchema(), all...)
}

// Extension returns the extension schema with the given URN, compared
// without regard to case, or nil.
func (rt *ResourceType) Extension(urn string) *Schema {
	for _, e := range rt.Extensions {
		if strings.EqualFold(e.Schema.ID, urn) {
			return e.Schema
		}
	}
	return nil
}

// Schemas returns the core schema followed by the extension schemas, in a
// new slice.
func (rt *ResourceType) Schemas() []*Schema {
	out := make([]*Schema, 0, 1+len(rt.Extensions))
	out = append(out, rt.Schema)
	for _, e := range rt.Extensions {
		out = append(out, e.Schema)
	}
	return out
}

// top returns the core or common attribute called name, compared without
// regard to case, or nil. Core attributes come first.
func (rt *ResourceType) top(name string) *Attribute {
	if a, ok := rt.index[name]; ok {
		return a
	}
	if a := rt.Schema.Attribute(name); a != nil {
		return a
	}
	return find(common, name)
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
// Without a URN, or with the core schema's, name is looked up among the
// core and then the common attributes. With an extension URN and name and
// sub both "", the reference names the whole extension (Attr nil). The
// returned AttrRef holds the canonical URN of an extension and "" for the
// core schema. It returns an *Error with ScimType "invalidPath" when nothing
// matches.
func (rt *ResourceType) Lookup(urn, name, sub string) (AttrRef, error) {
	var ref AttrRef
	if urn != "" && !strings.EqualFold(urn, rt.Schema.ID) {
		ext := rt.Extension(urn)
		if ext == nil {
			return AttrRef{}, Errorf("invalidPath", "unknown schema %q", urn)
		}
		ref.URN = ext.ID
		if name == "" && sub == "" {
			return ref, nil
		}
		ref.Attr = ext.Attribute(name)
	} else {
		ref.Attr = rt.top(name)
	}
	if ref.Attr == nil {
		if name == "" {
			return AttrRef{}, Errorf("invalidPath", "missing attribute name")
		}
		if ref.URN != "" {
			return AttrRef{}, Errorf("invalidPath", "schema %s has no attribute %q", ref.URN, name)
		}
		return AttrRef{}, Errorf("invalidPath", "unknown attribute %q", name)
	}
	if sub != "" {
		if ref.Attr.Type != Complex {
			return AttrRef{}, Errorf("invalidPath", "attribute %q is not complex and has no sub-attribute %q", ref.Attr.Name, sub)
		}
		ref.Sub = ref.Attr.SubAttribute(sub)
		if ref.Sub == nil {
			return AttrRef{}, Errorf("invalidPath", "attribute %q has no sub-attribute %q", ref.Attr.Name, sub)
		}
	}
	return ref, nil
}

// ParsePath resolves an attribute path written as text: "userName",
// "name.givenName", "urn:ietf:params:scim:schemas:core:2.0:User:userName",
// "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager.value",
// or a bare extension URN. A URN prefix is recognised by matching the
// registered schema URNs without regard to case (the longest one wins), so
// URNs containing dots work. Surrounding white space is ignored. Used for
// attributes, excludedAttributes, sortBy and the dotted keys of path-less
// PATCH values. It returns an *Error with ScimType "invalidPath" when the
// path names no attribute.
func (rt *ResourceType) ParsePath(path string) (AttrRef, error) {
	path = strings.TrimSpace(path)
	if path == "" {
		return AttrRef{}, Errorf("invalidPath", "empty attribute path")
	}
	urn, rest := rt.splitURN(path)
	if urn != "" && rest == "" && len(path) != len(urn) {
		return AttrRef{}, Errorf("invalidPath", "malformed attribute path %q", path)
	}
	if urn != "" {
		if rest == "" {
			if strings.EqualFold(urn, rt.Schema.ID) {
				return AttrRef{}, Errorf("invalidPath", "path %q names a schema, not an attribute", path)
			}
			return rt.Lookup(urn, "", "")
		}
	} else if len(path) >= 4 && strings.EqualFold(path[:4], "urn:") {
		return AttrRef{}, Errorf("invalidPath", "path %q names no registered schema", path)
	}
	name, sub, dotted := strings.Cut(rest, ".")
	if name == "" || (dotted && sub == "") || strings.Contains(sub, ".") {
		return AttrRef{}, Errorf("invalidPath", "malformed attribute path %q", path)
	}
	return rt.Lookup(urn, name, sub)
}

// splitURN splits path into the longest registered schema URN it starts
// with (compared without regard to case) and what follows the URN and its
// ':' separator. Without such a prefix urn is "" and rest is path.
func (rt *ResourceType) splitURN(path string) (urn, rest string) {
	try := func(id string) {
		if len(id) <= len(urn) || len(path) < len(id) || !strings.EqualFold(path[:len(id)], id) {
			return
		}
		switch {
		case len(path) == len(id):
			urn, rest = id, ""
		case path[len(id)] == ':':
			urn, rest = id, path[len(id)+1:]
		}
	}
	rest = path
	try(rt.Schema.ID)
	for _, e := range rt.Extensions {
		try(e.Schema.ID)
	}
	return urn, rest
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
