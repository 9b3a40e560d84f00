package filter

import (
	"strings"
	"unicode/utf8"

	"github.com/scimstack/scimstack/schema"
)

// parsePath implements ParsePath.
func parsePath(src string, rt *schema.ResourceType, lim Limits) (Path, error) {
	return parsePathWith(src, rt, lim, func(src string, start, end int, ref schema.AttrRef, lim Limits) (Expr, error) {
		return parseValueFilter(src, start, end, rt, ref, lim.MaxDepth)
	})
}

// valueFilterFunc parses the value filter of a path, src[start:end], whose
// attribute is ref.
type valueFilterFunc func(src string, start, end int, ref schema.AttrRef, lim Limits) (Expr, error)

// parsePathWith is parsePath with the value filter's parser as a
// parameter, so that the tests' oracle shares everything else.
func parsePathWith(src string, rt *schema.ResourceType, lim Limits, valueFilter valueFilterFunc) (Path, error) {
	lim = lim.orDefaults()
	if len(src) > lim.MaxLength {
		return Path{}, errPath("path is %d bytes long; the limit is %d", len(src), lim.MaxLength)
	}
	if rt == nil {
		return Path{}, errPath("no resource type to resolve the path against")
	}
	s := trimSpace(src)
	base := len(src) - len(strings.TrimLeft(src, " \t\r\n")) // offset of s in src
	if s == "" {
		return Path{}, errPath("empty path")
	}
	if !utf8.ValidString(s) {
		return Path{}, errPath("path is not valid UTF-8")
	}
	open := strings.IndexByte(s, '[')
	if open < 0 {
		if strings.ContainsAny(s, "]\"() \t") {
			return Path{}, errPath("malformed path %q", s)
		}
		ref, err := rt.ParsePath(s)
		if err != nil {
			return Path{}, errPath("%s", detail(err))
		}
		if ref.Attr == nil {
			return Path{}, errPath("path %q names a schema, not an attribute", s)
		}
		return Path{Attr: ref}, nil
	}
	closer := closingBracket(s, open)
	if closer == -2 {
		return Path{}, errFilter("value filters cannot be nested: %q", s)
	}
	if closer < 0 {
		return Path{}, errPath("missing \"]\" in path %q", s)
	}
	attrText, rest := s[:open], s[closer+1:]
	if strings.ContainsAny(attrText, "]\"() \t") {
		return Path{}, errPath("malformed path %q", s)
	}
	ref, err := rt.ParsePath(attrText)
	if err != nil {
		return Path{}, errPath("%s", detail(err))
	}
	if ref.Attr == nil || ref.Sub != nil || ref.Attr.Type != schema.Complex || !ref.Attr.MultiValued {
		return Path{}, errPath("a value filter needs a multi-valued complex attribute, and %q is not one", attrText)
	}
	inner := trimSpace(s[open+1 : closer])
	if inner == "" {
		return Path{}, errFilter("empty value filter in path %q", s)
	}
	f, err := valueFilter(src, base+open+1, base+closer, ref, lim)
	if err != nil {
		return Path{}, err
	}
	p := Path{Attr: ref, Filter: f}
	if rest != "" {
		if rest[0] != '.' || len(rest) == 1 {
			return Path{}, errPath("unexpected %q after \"]\" in path %q", rest, s)
		}
		p.Sub = ref.Attr.SubAttribute(rest[1:])
		if p.Sub == nil {
			return Path{}, errPath("attribute %q has no sub-attribute %q", ref.String(), rest[1:])
		}
	}
	return p, nil
}

// String returns the path in canonical form, suitable for ParsePath.
func (p Path) String() string {
	var b strings.Builder
	b.WriteString(p.Attr.String())
	if p.Filter != nil {
		b.WriteByte('[')
		writeExpr(&b, p.Filter, true)
		b.WriteByte(']')
	}
	if p.Sub != nil {
		b.WriteByte('.')
		b.WriteString(p.Sub.Name)
	}
	return b.String()
}
