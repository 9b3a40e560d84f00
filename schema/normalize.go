package schema

import (
	"encoding/json"
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"
)

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
// an *Error with ScimType "invalidValue" for a value of the wrong type, or
// for an attribute given twice under names that differ only in case.
// Attribute names in the URN-qualified form ("urn:...:User:userName") are
// not recognised as top-level keys and are dropped; extension attributes
// belong in the object under the extension URN (RFC 7643 §3.3).
// doc is not modified, and the result shares no maps or slices with it.
func (rt *ResourceType) Normalize(doc map[string]any) (map[string]any, error) {
	out := make(map[string]any, len(doc))
	for k, v := range doc {
		if v == nil {
			continue
		}
		if a := rt.top(k); a != nil {
			val, err := coerce(a, v, "", "")
			if err != nil {
				return nil, err
			}
			if val == nil {
				continue
			}
			if _, dup := out[a.Name]; dup {
				return nil, Errorf("invalidValue", "attribute %q appears more than once", a.Name)
			}
			out[a.Name] = val
			continue
		}
		ext := rt.Extension(k)
		if ext == nil {
			continue // "schemas", an unknown attribute or an unknown extension
		}
		m, ok := v.(map[string]any)
		if !ok {
			return nil, Errorf("invalidValue", "extension %s: expected a JSON object, got %s", ext.ID, kind(v))
		}
		em, err := normalizeExtension(ext, m)
		if err != nil {
			return nil, err
		}
		if em == nil {
			continue
		}
		if _, dup := out[ext.ID]; dup {
			return nil, Errorf("invalidValue", "extension %s appears more than once", ext.ID)
		}
		out[ext.ID] = em
	}
	return out, nil
}

func normalizeExtension(s *Schema, m map[string]any) (map[string]any, error) {
	var out map[string]any
	for k, v := range m {
		if v == nil {
			continue
		}
		a := s.Attribute(k)
		if a == nil {
			continue
		}
		val, err := coerce(a, v, s.ID, "")
		if err != nil {
			return nil, err
		}
		if val == nil {
			continue
		}
		if out == nil {
			out = make(map[string]any, len(m))
		} else if _, dup := out[a.Name]; dup {
			return nil, Errorf("invalidValue", "attribute %q appears more than once", s.ID+":"+a.Name)
		}
		out[a.Name] = val
	}
	return out, nil
}

// Coerce returns v, a value decoded from JSON, as the attribute's type in
// generic form. For a multi-valued attribute v may be an array (each element
// coerced) or a single element (wrapped). Booleans also accept the strings
// "true" and "false" in any case (Microsoft Entra ID sends "True").
// Integers accept integral json.Number and float64 values; dateTime values
// must be xsd:dateTime (RFC 3339) strings and are kept as given. Complex
// values have their sub-attribute names canonicalised and unknown
// sub-attributes dropped. Values already in generic form (int64, float64)
// are accepted too, so normalising twice changes nothing.
//
// It returns nil and no error when v amounts to no value: null, an empty
// array, or a complex value with no known non-null sub-attribute (elements
// of a multi-valued attribute that amount to no value are left out). It
// returns an *Error with ScimType "invalidValue" for a value of the wrong
// type; the detail names the attribute and the JSON type, never the value
// (which may be a password).
func (a *Attribute) Coerce(v any) (any, error) {
	return coerce(a, v, "", "")
}

// CoerceSingle is Coerce for one element of a multi-valued attribute (or the
// value of a singular one): an array is an error.
func (a *Attribute) CoerceSingle(v any) (any, error) {
	return coerceSingle(a, v, "", "")
}

// coerce is Coerce with the URN and parent attribute name of a for error
// details.
func coerce(a *Attribute, v any, urn, parent string) (any, error) {
	if !a.MultiValued {
		return coerceSingle(a, v, urn, parent)
	}
	arr, ok := v.([]any)
	if !ok {
		e, err := coerceSingle(a, v, urn, parent)
		if err != nil || e == nil {
			return nil, err
		}
		return []any{e}, nil
	}
	var out []any
	for _, x := range arr {
		e, err := coerceSingle(a, x, urn, parent)
		if err != nil {
			return nil, err
		}
		if e == nil {
			continue
		}
		if out == nil {
			out = make([]any, 0, len(arr))
		}
		out = append(out, e)
	}
	if len(out) == 0 {
		return nil, nil
	}
	return out, nil
}

func coerceSingle(a *Attribute, v any, urn, parent string) (any, error) {
	if v == nil {
		return nil, nil
	}
	switch a.Type {
	case String, Reference, Binary:
		// Return v itself: boxing the string again would allocate.
		if _, ok := v.(string); ok {
			return v, nil
		}
	case DateTime:
		if s, ok := v.(string); ok {
			if _, err := ParseDateTime(s); err != nil {
				return nil, Errorf("invalidValue", "attribute %q: expected an RFC 3339 date-time", attrPath(urn, parent, a.Name))
			}
			return v, nil
		}
	case Boolean:
		switch x := v.(type) {
		case bool:
			return v, nil
		case string:
			// Microsoft Entra ID sends "True" and "False".
			if strings.EqualFold(x, "true") {
				return true, nil
			}
			if strings.EqualFold(x, "false") {
				return false, nil
			}
		}
	case Integer:
		return coerceInteger(a, v, urn, parent)
	case Decimal:
		return coerceDecimal(a, v, urn, parent)
	case Complex:
		if m, ok := v.(map[string]any); ok {
			return coerceComplex(a, m, urn)
		}
	}
	if _, ok := v.([]any); ok {
		return nil, Errorf("invalidValue", "attribute %q: expected a single value, got an array", attrPath(urn, parent, a.Name))
	}
	return nil, wrongType(a, v, urn, parent)
}

func coerceInteger(a *Attribute, v any, urn, parent string) (any, error) {
	var f float64
	switch x := v.(type) {
	case int64:
		return v, nil
	case int:
		return int64(x), nil
	case json.Number:
		if n, err := strconv.ParseInt(string(x), 10, 64); err == nil {
			return n, nil
		}
		var err error
		if f, err = strconv.ParseFloat(string(x), 64); err != nil {
			if ne, ok := err.(*strconv.NumError); ok && ne.Err == strconv.ErrRange {
				return nil, Errorf("invalidValue", "attribute %q: integer out of range", attrPath(urn, parent, a.Name))
			}
			return nil, Errorf("invalidValue", "attribute %q: expected an integer", attrPath(urn, parent, a.Name))
		}
	case float64:
		f = x
	default:
		return nil, wrongType(a, v, urn, parent)
	}
	if f != math.Trunc(f) { // also true for NaN
		return nil, Errorf("invalidValue", "attribute %q: expected an integer, got a fraction", attrPath(urn, parent, a.Name))
	}
	// -2^63 is exact as a float64; 2^63 is the first value out of range.
	if f < -9223372036854775808 || f >= 9223372036854775808 {
		return nil, Errorf("invalidValue", "attribute %q: integer out of range", attrPath(urn, parent, a.Name))
	}
	return int64(f), nil
}

func coerceDecimal(a *Attribute, v any, urn, parent string) (any, error) {
	var f float64
	switch x := v.(type) {
	case float64:
		if !math.IsInf(x, 0) && !math.IsNaN(x) {
			return v, nil
		}
		f = x
	case int64:
		return float64(x), nil
	case int:
		return float64(x), nil
	case json.Number:
		var err error
		if f, err = strconv.ParseFloat(string(x), 64); err != nil {
			return nil, Errorf("invalidValue", "attribute %q: expected a finite decimal number", attrPath(urn, parent, a.Name))
		}
	default:
		return nil, wrongType(a, v, urn, parent)
	}
	if math.IsInf(f, 0) || math.IsNaN(f) {
		return nil, Errorf("invalidValue", "attribute %q: expected a finite decimal number", attrPath(urn, parent, a.Name))
	}
	return f, nil
}

// coerceComplex canonicalises the sub-attributes of one complex value. It
// returns nil when nothing is left.
func coerceComplex(a *Attribute, m map[string]any, urn string) (any, error) {
	var out map[string]any
	for k, x := range m {
		if x == nil {
			continue
		}
		s := a.SubAttribute(k)
		if s == nil {
			continue
		}
		val, err := coerce(s, x, urn, a.Name)
		if err != nil {
			return nil, err
		}
		if val == nil {
			continue
		}
		if out == nil {
			out = make(map[string]any, len(m))
		} else if _, dup := out[s.Name]; dup {
			return nil, Errorf("invalidValue", "attribute %q appears more than once", attrPath(urn, a.Name, s.Name))
		}
		out[s.Name] = val
	}
	if out == nil {
		return nil, nil
	}
	return out, nil
}

// ParseDateTime parses a dateTime attribute value (RFC 7643 §2.3.5): an
// RFC 3339 date-time with a time zone, with or without fractional seconds.
func ParseDateTime(s string) (time.Time, error) {
	return time.Parse(time.RFC3339, s)
}

// attrPath is the canonical path of an attribute for error details.
func attrPath(urn, parent, name string) string {
	p := name
	if parent != "" {
		p = parent + "." + name
	}
	if urn != "" {
		p = urn + ":" + p
	}
	return p
}

// wrongType reports v as a value of the wrong type for a. It names the JSON
// type of v, never the value itself, which may be a password.
func wrongType(a *Attribute, v any, urn, parent string) *Error {
	want := "a string"
	switch a.Type {
	case Boolean:
		want = "a boolean"
	case Integer:
		want = "an integer"
	case Decimal:
		want = "a number"
	case DateTime:
		want = "a date-time string"
	case Complex:
		want = "a JSON object"
	}
	return Errorf("invalidValue", "attribute %q: expected %s, got %s", attrPath(urn, parent, a.Name), want, kind(v))
}

// kind describes the JSON type of a decoded value.
func kind(v any) string {
	switch v.(type) {
	case nil:
		return "null"
	case string:
		return "a string"
	case bool:
		return "a boolean"
	case json.Number, float64, float32, int, int64, int32:
		return "a number"
	case map[string]any:
		return "an object"
	case []any:
		return "an array"
	}
	return fmt.Sprintf("a value of Go type %T", v)
}

// DropReadOnly removes the readOnly attributes and sub-attributes from doc
// (generic form) in place, as a server does with client input on create and
// replace (RFC 7644 §3.3, §3.5.1). Complex values and elements left with
// no sub-attribute are removed too, and so are extension maps left empty,
// so doc stays in generic form.
func (rt *ResourceType) DropReadOnly(doc map[string]any) {
	for _, a := range rt.Schema.Attributes {
		dropReadOnly(doc, a)
	}
	for _, a := range common {
		dropReadOnly(doc, a)
	}
	for _, e := range rt.Extensions {
		m, ok := doc[e.Schema.ID].(map[string]any)
		if !ok {
			continue
		}
		for _, a := range e.Schema.Attributes {
			dropReadOnly(m, a)
		}
		if len(m) == 0 {
			delete(doc, e.Schema.ID)
		}
	}
}

func dropReadOnly(m map[string]any, a *Attribute) {
	v, ok := m[a.Name]
	if !ok {
		return
	}
	if a.Mutability == ReadOnly {
		delete(m, a.Name)
		return
	}
	if a.Type != Complex || !hasReadOnlySub(a) {
		return
	}
	switch x := v.(type) {
	case map[string]any:
		dropReadOnlySubs(x, a)
		if len(x) == 0 {
			delete(m, a.Name)
		}
	case []any:
		kept := x[:0]
		for _, e := range x {
			if em, ok := e.(map[string]any); ok {
				dropReadOnlySubs(em, a)
				if len(em) == 0 {
					continue
				}
			}
			kept = append(kept, e)
		}
		clear(x[len(kept):])
		if len(kept) == 0 {
			delete(m, a.Name)
		} else {
			m[a.Name] = kept
		}
	}
}

func hasReadOnlySub(a *Attribute) bool {
	for _, s := range a.SubAttributes {
		if s.Mutability == ReadOnly {
			return true
		}
	}
	return false
}

func dropReadOnlySubs(m map[string]any, a *Attribute) {
	for _, s := range a.SubAttributes {
		if s.Mutability == ReadOnly {
			delete(m, s.Name)
		}
	}
}

// CheckRequired returns an *Error with ScimType "invalidValue" naming the
// first required attribute (or required sub-attribute of a present complex
// value) that doc lacks, ignoring readOnly attributes, which the server
// assigns. A string "" counts as missing. A required [Extension] must be
// present; the required attributes of an absent optional extension are not
// checked. Attributes are checked in definition order, so the error is
// deterministic.
func (rt *ResourceType) CheckRequired(doc map[string]any) error {
	for _, a := range rt.Schema.Attributes {
		if err := checkRequired(doc, a, ""); err != nil {
			return err
		}
	}
	for _, e := range rt.Extensions {
		m, ok := doc[e.Schema.ID].(map[string]any)
		if !ok {
			if e.Required {
				return Errorf("invalidValue", "required extension %s is missing", e.Schema.ID)
			}
			continue
		}
		for _, a := range e.Schema.Attributes {
			if err := checkRequired(m, a, e.Schema.ID); err != nil {
				return err
			}
		}
	}
	return nil
}

// unassigned reports whether v counts as no value for a required
// attribute: absent, null, "" or an empty array.
func unassigned(v any) bool {
	switch x := v.(type) {
	case nil:
		return true
	case string:
		return x == ""
	case []any:
		return len(x) == 0
	}
	return false
}

func checkRequired(m map[string]any, a *Attribute, urn string) error {
	if a.Mutability == ReadOnly {
		return nil
	}
	v := m[a.Name]
	if unassigned(v) {
		if a.Required {
			return Errorf("invalidValue", "required attribute %q is missing", attrPath(urn, "", a.Name))
		}
		return nil
	}
	if a.Type != Complex {
		return nil
	}
	check := func(e any) error {
		em, ok := e.(map[string]any)
		if !ok {
			return nil
		}
		for _, s := range a.SubAttributes {
			if s.Required && s.Mutability != ReadOnly && unassigned(em[s.Name]) {
				return Errorf("invalidValue", "required attribute %q is missing", attrPath(urn, a.Name, s.Name))
			}
		}
		return nil
	}
	if arr, ok := v.([]any); ok {
		for _, e := range arr {
			if err := check(e); err != nil {
				return err
			}
		}
		return nil
	}
	return check(v)
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
// Extension maps left empty are removed, and so are complex values and
// elements left with no sub-attribute. Keys that name no attribute or
// extension (for example "schemas") are dropped: the handler adds "schemas"
// afterwards. References in attrs and excluded come from
// [ResourceType.Lookup] or [ResourceType.ParsePath]; one naming a whole
// extension (Attr nil) keeps (in attrs) or removes (in excluded) all of
// that extension. A reference to a sub-attribute in attrs keeps only the
// named sub-attributes (and "always" ones) of that attribute.
//
// doc is not modified. The result is a new map, as are the extension maps
// and the complex values it trims; values kept whole are shared with doc.
func (rt *ResourceType) Project(doc map[string]any, attrs, excluded []AttrRef) map[string]any {
	p := projection{core: rt.Schema.ID, attrs: attrs, excluded: excluded}
	out := make(map[string]any, len(doc))
	for k, v := range doc {
		if a := rt.top(k); a != nil {
			if pv, ok := p.attr("", a, v); ok {
				out[a.Name] = pv
			}
			continue
		}
		ext := rt.Extension(k)
		if ext == nil {
			continue
		}
		m, ok := v.(map[string]any)
		if !ok {
			continue
		}
		var em map[string]any
		for ek, ev := range m {
			a := ext.Attribute(ek)
			if a == nil {
				continue
			}
			pv, ok := p.attr(ext.ID, a, ev)
			if !ok {
				continue
			}
			if em == nil {
				em = make(map[string]any, len(m))
			}
			em[a.Name] = pv
		}
		if em != nil {
			out[ext.ID] = em
		}
	}
	return out
}

// projection applies the attributes and excludedAttributes parameters.
type projection struct {
	core            string // URN of the core schema
	attrs, excluded []AttrRef
}

// What to keep of a complex value.
const (
	keepAll        = iota // every sub-attribute that is returned by default
	keepNamed             // the sub-attributes named in attrs
	keepUnexcluded        // every default one not named in excluded
)

// attr returns what the response keeps of v, the value of attribute a of the
// schema urn ("" for core and common attributes), and whether it keeps it.
func (p *projection) attr(urn string, a *Attribute, v any) (any, bool) {
	switch a.Returned {
	case Never:
		return nil, false
	case Always:
		return p.complex(urn, a, v, keepAll)
	}
	if len(p.attrs) > 0 {
		whole, part := p.match(p.attrs, urn, a)
		switch {
		case whole:
			return p.complex(urn, a, v, keepAll)
		case part:
			return p.complex(urn, a, v, keepNamed)
		}
		return nil, false
	}
	if a.Returned == Request {
		return nil, false
	}
	whole, part := p.match(p.excluded, urn, a)
	switch {
	case whole:
		return nil, false
	case part:
		return p.complex(urn, a, v, keepUnexcluded)
	}
	return p.complex(urn, a, v, keepAll)
}

// sameAttr reports whether r refers to attribute a of schema urn or to one
// of its sub-attributes.
func (p *projection) sameAttr(r AttrRef, urn string, a *Attribute) bool {
	if r.Attr == nil {
		return false
	}
	if r.Attr != a && !strings.EqualFold(r.Attr.Name, a.Name) {
		return false
	}
	ru := r.URN
	if strings.EqualFold(ru, p.core) {
		ru = ""
	}
	return strings.EqualFold(ru, urn)
}

// match reports whether refs names a (or its whole extension) and whether
// it names sub-attributes of a.
func (p *projection) match(refs []AttrRef, urn string, a *Attribute) (whole, part bool) {
	for _, r := range refs {
		if r.Attr == nil {
			if urn != "" && strings.EqualFold(r.URN, urn) {
				whole = true
			}
			continue
		}
		if p.sameAttr(r, urn, a) {
			if r.Sub == nil {
				whole = true
			} else {
				part = true
			}
		}
	}
	return whole, part
}

func (p *projection) subNamed(refs []AttrRef, urn string, a, s *Attribute) bool {
	for _, r := range refs {
		if r.Sub != nil && (r.Sub == s || strings.EqualFold(r.Sub.Name, s.Name)) && p.sameAttr(r, urn, a) {
			return true
		}
	}
	return false
}

func (p *projection) keepSub(urn string, a, s *Attribute, mode int) bool {
	switch s.Returned {
	case Never:
		return false
	case Always:
		return true
	}
	switch mode {
	case keepNamed:
		return p.subNamed(p.attrs, urn, a, s)
	case keepUnexcluded:
		return s.Returned != Request && !p.subNamed(p.excluded, urn, a, s)
	}
	return s.Returned != Request || p.subNamed(p.attrs, urn, a, s)
}

// complex returns v reduced to the sub-attributes mode keeps. Values it does
// not change are returned as they are; values it changes are copies.
func (p *projection) complex(urn string, a *Attribute, v any, mode int) (any, bool) {
	if a.Type != Complex {
		return v, true
	}
	var buf [16]bool
	keep := buf[:0]
	trim := false
	for _, s := range a.SubAttributes {
		k := p.keepSub(urn, a, s, mode)
		keep = append(keep, k)
		trim = trim || !k
	}
	if !trim {
		return v, true
	}
	switch x := v.(type) {
	case map[string]any:
		if m := trimSubs(a, x, keep); m != nil {
			return m, true
		}
		return nil, false
	case []any:
		out := make([]any, 0, len(x))
		for _, e := range x {
			em, ok := e.(map[string]any)
			if !ok {
				continue
			}
			if m := trimSubs(a, em, keep); m != nil {
				out = append(out, m)
			}
		}
		if len(out) == 0 {
			return nil, false
		}
		return out, true
	}
	return nil, false
}

// trimSubs returns a copy of m with the sub-attributes whose keep entry is
// true, or nil when none is left.
func trimSubs(a *Attribute, m map[string]any, keep []bool) map[string]any {
	var out map[string]any
	for k, v := range m {
		for i, s := range a.SubAttributes {
			if keep[i] && (s.Name == k || strings.EqualFold(s.Name, k)) {
				if out == nil {
					out = make(map[string]any, len(m))
				}
				out[s.Name] = v
				break
			}
		}
	}
	return out
}
