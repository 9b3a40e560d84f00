package filter

import (
	"errors"
	"math"
	"strconv"
	"strings"
	"time"
	"unicode/utf16"
	"unicode/utf8"

	"github.com/scimstack/scimstack/schema"
)

// Resolution and type checks: what a parsed attribute path refers to, and
// whether a compare value suits it. Nothing here depends on the syntax.

// resolveAttr resolves the attribute path of a comparison, given as its
// parts; text is the path as written, for messages. Inside a value
// filter, parent is the value path's attribute and the path must be one
// of its sub-attributes.
func resolveAttr(rt *schema.ResourceType, parent *schema.AttrRef, uri, name, sub, text string) (schema.AttrRef, error) {
	if parent != nil {
		if uri != "" || sub != "" {
			return schema.AttrRef{}, errFilter("%q in the value filter of %s must be a sub-attribute name", text, parent.String())
		}
		s := parent.Attr.SubAttribute(name)
		if s == nil {
			return schema.AttrRef{}, errFilter("attribute %q has no sub-attribute %q", parent.String(), name)
		}
		return schema.AttrRef{URN: parent.URN, Attr: parent.Attr, Sub: s}, nil
	}
	ref, err := rt.Lookup(uri, name, sub)
	if err != nil {
		if uri == "" && sub == "" && strings.EqualFold(name, "schemas") {
			return schemasRef(rt), nil
		}
		return schema.AttrRef{}, errFilter("%s", detail(err))
	}
	if ref.Attr == nil {
		return schema.AttrRef{}, errFilter("%q names a schema, not an attribute", text)
	}
	return ref, nil
}

// detail returns the detail of a *schema.Error, else the error's text.
func detail(err error) string {
	var se *schema.Error
	if errors.As(err, &se) {
		return se.Detail
	}
	return err.Error()
}

// schemasRef is the "schemas" attribute, which RFC 7644 §3.4.2.2 filters
// on ("schemas eq \"urn:...:enterprise:2.0:User\"") but which the generic
// form leaves out. Match derives its values from the document: the core
// schema (kept in CanonicalValues) and each extension present.
func schemasRef(rt *schema.ResourceType) schema.AttrRef {
	a := &schema.Attribute{
		Name:        "schemas",
		Type:        schema.Reference,
		MultiValued: true,
		Required:    true,
		Mutability:  schema.ReadOnly,
		Returned:    schema.Always,
		Uniqueness:  schema.None,
	}
	if rt.Schema != nil {
		a.CanonicalValues = []string{rt.Schema.ID}
	}
	return schema.AttrRef{Attr: a}
}

// errNotComplex is returned by resolveValuePath for an attribute that
// exists but cannot have a value filter; the caller says so in words.
var errNotComplex = errors.New("not a complex attribute")

// resolveValuePath resolves the attribute path of a value path, which must
// name a complex attribute without a sub-attribute.
func resolveValuePath(rt *schema.ResourceType, path string) (schema.AttrRef, error) {
	ref, err := rt.ParsePath(path)
	if err != nil {
		return schema.AttrRef{}, errFilter("%s", detail(err))
	}
	if ref.Attr == nil || ref.Sub != nil || ref.Attr.Type != schema.Complex {
		return schema.AttrRef{}, errNotComplex
	}
	return ref, nil
}

// resolveSub resolves the sub-attribute after a value path in Microsoft
// Entra ID's emails[type eq "work"].value form.
func resolveSub(ref schema.AttrRef, name string) (schema.AttrRef, error) {
	s := ref.Attr.SubAttribute(name)
	if s == nil {
		return schema.AttrRef{}, errFilter("attribute %q has no sub-attribute %q", ref.String(), name)
	}
	return schema.AttrRef{URN: ref.URN, Attr: ref.Attr, Sub: s}, nil
}

// newCompare checks the comparison ref op v and returns it. A comparison
// on a complex attribute without a sub-attribute compares its "value"
// sub-attribute, except for pr and for eq and ne with null.
func newCompare(ref schema.AttrRef, op Op, v any) (*Compare, error) {
	if ref.Sub == nil && ref.Attr.Type == schema.Complex &&
		op != Pr && (v != nil || op != Eq && op != Ne) {
		val := ref.Attr.SubAttribute("value")
		if val == nil {
			return nil, errFilter("attribute %q is complex: compare one of its sub-attributes, as in %s.%s", ref.String(), ref.String(), firstSub(ref.Attr))
		}
		ref.Sub = val
	}
	v, err := checkValue(ref, op, v)
	if err != nil {
		return nil, err
	}
	return &Compare{Attr: ref, Op: op, Value: v}, nil
}

func firstSub(a *schema.Attribute) string {
	if len(a.SubAttributes) > 0 {
		return a.SubAttributes[0].Name
	}
	return "name"
}

// convertNumber returns an int64 for an integer that fits, else a float64.
func convertNumber(s string) (any, error) {
	if !strings.ContainsAny(s, ".eE") {
		if n, err := strconv.ParseInt(s, 10, 64); err == nil {
			return n, nil
		}
	}
	f, err := strconv.ParseFloat(s, 64)
	if err != nil || math.IsInf(f, 0) || math.IsNaN(f) {
		return nil, errFilter("number %s is out of range", s)
	}
	return f, nil
}

// decodeString decodes the JSON escapes of the body of a string literal
// (RFC 8259 §7). A body without escapes is returned as it is. A lone
// surrogate becomes U+FFFD.
func decodeString(s string) (string, error) {
	i := strings.IndexByte(s, '\\')
	if i < 0 {
		return s, nil
	}
	b := make([]byte, 0, len(s))
	b = append(b, s[:i]...)
	for i < len(s) {
		c := s[i]
		if c != '\\' {
			b = append(b, c)
			i++
			continue
		}
		if i+1 >= len(s) {
			return "", errFilter("string ends in a lone backslash")
		}
		e := s[i+1]
		i += 2
		switch e {
		case '"', '\\', '/':
			b = append(b, e)
		case 'b':
			b = append(b, '\b')
		case 'f':
			b = append(b, '\f')
		case 'n':
			b = append(b, '\n')
		case 'r':
			b = append(b, '\r')
		case 't':
			b = append(b, '\t')
		case 'u':
			r, ok := hex4(s[i:])
			if !ok {
				return "", errFilter("invalid \\u escape in string %q", s)
			}
			i += 4
			if utf16.IsSurrogate(r) {
				r2 := rune(-1)
				if strings.HasPrefix(s[i:], `\u`) {
					if x, ok := hex4(s[i+2:]); ok {
						r2 = x
					}
				}
				if d := utf16.DecodeRune(r, r2); d != utf8.RuneError {
					r = d
					i += 6
				} else {
					r = utf8.RuneError
				}
			}
			b = utf8.AppendRune(b, r)
		default:
			return "", errFilter("invalid escape \\%c in string %q", e, s)
		}
	}
	return string(b), nil
}

func hex4(s string) (rune, bool) {
	if len(s) < 4 {
		return 0, false
	}
	var r rune
	for i := 0; i < 4; i++ {
		c := s[i]
		switch {
		case c >= '0' && c <= '9':
			c -= '0'
		case c >= 'a' && c <= 'f':
			c = c - 'a' + 10
		case c >= 'A' && c <= 'F':
			c = c - 'A' + 10
		default:
			return 0, false
		}
		r = r<<4 | rune(c)
	}
	return r, true
}

// checkValue checks that v suits the attribute and operator and returns it
// in the type Match expects.
func checkValue(ref schema.AttrRef, op Op, v any) (any, error) {
	def := ref.Def()
	var ordering, substring bool
	switch op {
	case Pr:
		return nil, nil
	case Eq, Ne:
	case Gt, Ge, Lt, Le:
		ordering = true
	case Co, Sw, Ew:
		substring = true
	default:
		return nil, errFilter("unknown comparison operator %q", string(op))
	}
	if v == nil {
		if ordering || substring {
			return nil, errFilter("%s %s null: only eq and ne compare with null", ref.String(), op)
		}
		return nil, nil
	}
	notFor := func(kind string) error {
		return errFilter("operator %q is not defined for %s attribute %s (RFC 7644 §3.4.2.2)", string(op), kind, ref.String())
	}
	switch def.Type {
	case schema.Boolean:
		if s, ok := v.(string); ok {
			switch {
			case strings.EqualFold(s, "true"):
				v = true
			case strings.EqualFold(s, "false"):
				v = false
			}
		}
		if ordering || substring {
			return nil, notFor("boolean")
		}
		if _, ok := v.(bool); !ok {
			return nil, errFilter("%s is boolean: compare it with true or false, not %s", ref.String(), literal(v))
		}
	case schema.Integer:
		if substring {
			return nil, notFor("integer")
		}
		switch n := v.(type) {
		case int64:
		case float64:
			if n != math.Trunc(n) || n < -(1<<63) || n >= 1<<63 {
				return nil, errFilter("%s is an integer: %s is not one", ref.String(), literal(v))
			}
			v = int64(n)
		default:
			return nil, errFilter("%s is an integer: compare it with a number, not %s", ref.String(), literal(v))
		}
	case schema.Decimal:
		if substring {
			return nil, notFor("decimal")
		}
		switch v.(type) {
		case int64, float64:
		default:
			return nil, errFilter("%s is a decimal: compare it with a number, not %s", ref.String(), literal(v))
		}
	case schema.DateTime:
		s, ok := v.(string)
		if !ok {
			return nil, errFilter("%s is a dateTime: compare it with a quoted date-time, not %s", ref.String(), literal(v))
		}
		if !substring {
			if _, err := time.Parse(time.RFC3339, s); err != nil {
				return nil, errFilter("%s is a dateTime: %q is not an RFC 3339 date-time such as \"2011-05-13T04:42:34Z\"", ref.String(), s)
			}
		}
	case schema.Binary:
		if ordering {
			return nil, notFor("binary")
		}
		if _, ok := v.(string); !ok {
			return nil, errFilter("%s is binary: compare it with a quoted string, not %s", ref.String(), literal(v))
		}
	case schema.Complex:
		return nil, errFilter("attribute %q is complex: compare one of its sub-attributes", ref.String())
	default: // string, reference
		if _, ok := v.(string); !ok {
			return nil, errFilter("%s is a string: compare it with a quoted string, not %s", ref.String(), literal(v))
		}
	}
	return v, nil
}

func literal(v any) string {
	var b strings.Builder
	writeValue(&b, v)
	return b.String()
}
