package filter

// The oracle: Parse and ParsePath as they were when they were built on
// github.com/scim2/filter-parser/v2, with the pre-scan that cut value
// paths out of the text and the conversion of its tree into ours. The
// resolution and type checks are shared with the hand-written parser, so
// a difference between the two is a difference of syntax. Slow (its cost
// grows faster than the length of the filter) and kept for tests only.

import (
	"encoding/json"
	"errors"
	"strconv"
	"strings"

	fp "github.com/scim2/filter-parser/v2"

	"github.com/scimstack/scimstack/schema"
)

// oldParse is Parse as it was before the hand-written parser.
func oldParse(src string, rt *schema.ResourceType, lim Limits) (Expr, error) {
	lim = lim.orDefaults()
	if len(src) > lim.MaxLength {
		return nil, errFilter("filter is %d bytes long; the limit is %d", len(src), lim.MaxLength)
	}
	if rt == nil {
		return nil, errFilter("no resource type to resolve the filter against")
	}
	s := trimSpace(src)
	if s == "" {
		return nil, errFilter("empty filter")
	}
	if err := checkText(s, lim.MaxDepth); err != nil {
		return nil, err
	}
	return oldParseExpr(s, rt, nil)
}

// A slot is a value path cut out of the filter text before it goes to the
// parser, whose grammar for value filters is narrower than RFC 7644's (two
// terms at most, no parentheses) and which does not accept Microsoft Entra
// ID's attr[filter].sub form. The value path is replaced by a placeholder
// attribute "$vpN" (followed by " pr" unless a ".sub" follows), and its
// filter is parsed on its own.
type oldSlot struct {
	path  string // the attribute path before "["
	inner string // the value filter between the brackets
	src   string // path[inner], for messages
}

const slotPrefix = "$vp"

func oldIsPathByte(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' ||
		c == '-' || c == '_' || c == '.' || c == ':' || c == '$'
}

// oldRewrite prepares s (checked by checkText) for the parser: value paths
// become slots, tabs and newlines outside strings become spaces, and the
// hex digits of \u escapes are made upper case, the only case the parser
// accepts.
func oldRewrite(s string) (string, []oldSlot, error) {
	buf := make([]byte, 0, len(s)+8)
	var slots []oldSlot
	for i := 0; i < len(s); {
		c := s[i]
		switch {
		case c == '"':
			j := endOfString(s, i)
			if j < 0 {
				return "", nil, errFilter("string starting at position %d has no closing quote", pos(s, i))
			}
			buf = oldAppendLiteral(buf, s[i:j])
			i = j
		case c == '\t' || c == '\n' || c == '\r':
			buf = append(buf, ' ')
			i++
		case c == '$':
			// RFC 7643 names sub-attributes "$ref"; nothing else may use "$".
			if !oldRefAt(s, i) {
				return "", nil, errFilter("unexpected \"$\" at position %d", pos(s, i))
			}
			buf = append(buf, c)
			i++
		case c == '[':
			end := len(buf)
			for end > 0 && buf[end-1] == ' ' {
				end--
			}
			start := end
			for start > 0 && oldIsPathByte(buf[start-1]) {
				start--
			}
			if start == end {
				return "", nil, errFilter("expected an attribute name before \"[\" at position %d", pos(s, i))
			}
			closer := closingBracket(s, i)
			if closer < 0 {
				return "", nil, errFilter("missing \"]\" for \"[\" at position %d", pos(s, i))
			}
			sl := oldSlot{path: string(buf[start:end]), inner: s[i+1 : closer]}
			sl.src = sl.path + s[i:closer+1]
			buf = append(buf[:start], slotPrefix...)
			buf = strconv.AppendInt(buf, int64(len(slots)), 10)
			slots = append(slots, sl)
			i = closer + 1
			if i >= len(s) || s[i] != '.' {
				buf = append(buf, " pr"...)
			}
		default:
			buf = append(buf, c)
			i++
		}
	}
	return string(buf), slots, nil
}

func oldRefAt(s string, i int) bool {
	if len(s) < i+4 || !strings.EqualFold(s[i+1:i+4], "ref") {
		return false
	}
	return len(s) == i+4 || !oldIsPathByte(s[i+4]) || s[i+4] == '.' || s[i+4] == ':'
}

// oldAppendLiteral appends the string literal lit, upper-casing the hex
// digits of \u escapes.
func oldAppendLiteral(buf []byte, lit string) []byte {
	for i := 0; i < len(lit); i++ {
		c := lit[i]
		buf = append(buf, c)
		if c != '\\' || i+1 >= len(lit) {
			continue
		}
		i++
		buf = append(buf, lit[i])
		if lit[i] != 'u' {
			continue
		}
		for k := 0; k < 4 && i+1 < len(lit); k++ {
			i++
			h := lit[i]
			if h >= 'a' && h <= 'f' {
				h -= 'a' - 'A'
			}
			buf = append(buf, h)
		}
	}
	return buf
}

func oldSlotIndex(name string) (int, bool) {
	if !strings.HasPrefix(name, slotPrefix) {
		return 0, false
	}
	n, err := strconv.Atoi(name[len(slotPrefix):])
	return n, err == nil && n >= 0
}

// oldParseExpr parses s (already checked) in the context of parent: nil at
// the top level, else the attribute of the enclosing value path.
func oldParseExpr(s string, rt *schema.ResourceType, parent *schema.AttrRef) (Expr, error) {
	text, slots, err := oldRewrite(s)
	if err != nil {
		return nil, err
	}
	if parent != nil && len(slots) > 0 {
		return nil, errFilter("value filters cannot be nested: %s", slots[0].src)
	}
	tree, err := oldCallParser(text)
	if err != nil {
		return nil, errFilter("malformed filter: %v", err)
	}
	c := oldConverter{rt: rt, parent: parent, slots: slots}
	return c.expr(tree)
}

// oldCallParser runs the third-party parser, turning a panic into an error:
// hostile input must not take the server down.
func oldCallParser(text string) (e fp.Expression, err error) {
	defer func() {
		if r := recover(); r != nil {
			e, err = nil, errors.New("parser panicked")
		}
	}()
	return fp.ParseFilterNumber([]byte(text))
}

type oldConverter struct {
	rt     *schema.ResourceType
	parent *schema.AttrRef
	slots  []oldSlot
}

func (c *oldConverter) expr(e fp.Expression) (Expr, error) {
	switch e := e.(type) {
	case *fp.LogicalExpression:
		if e == nil {
			break
		}
		l, err := c.expr(e.Left)
		if err != nil {
			return nil, err
		}
		r, err := c.expr(e.Right)
		if err != nil {
			return nil, err
		}
		switch e.Operator {
		case fp.AND:
			return &And{Left: l, Right: r}, nil
		case fp.OR:
			return &Or{Left: l, Right: r}, nil
		}
	case *fp.NotExpression:
		if e == nil {
			break
		}
		x, err := c.expr(e.Expression)
		if err != nil {
			return nil, err
		}
		return &Not{X: x}, nil
	case *fp.AttributeExpression:
		if e == nil {
			break
		}
		return c.attrExp(e)
	}
	return nil, errFilter("malformed filter")
}

func (c *oldConverter) attrExp(e *fp.AttributeExpression) (Expr, error) {
	p := e.AttributePath
	op := Op(strings.ToLower(string(e.Operator)))
	if i, ok := oldSlotIndex(p.AttributeName); ok && p.URIPrefix == nil {
		if i >= len(c.slots) {
			return nil, errFilter("malformed filter")
		}
		return c.valuePath(c.slots[i], p.SubAttribute, op, e.CompareValue)
	}
	ref, err := resolveAttr(c.rt, c.parent, p.URI(), p.AttributeName, p.SubAttributeName(), p.String())
	if err != nil {
		return nil, err
	}
	return c.compare(ref, op, e.CompareValue)
}

func (c *oldConverter) compare(ref schema.AttrRef, op Op, raw any) (Expr, error) {
	v, err := oldConvertValue(raw)
	if err != nil {
		return nil, err
	}
	cmp, err := newCompare(ref, op, v)
	if err != nil {
		return nil, err
	}
	return cmp, nil
}

func (c *oldConverter) valuePath(sl oldSlot, sub *string, op Op, raw any) (Expr, error) {
	if c.parent != nil {
		return nil, errFilter("value filters cannot be nested: %s", sl.src)
	}
	ref, err := resolveValuePath(c.rt, sl.path)
	if err == errNotComplex {
		return nil, errFilter("%s: a value filter needs a complex attribute, and %q is not one", sl.src, sl.path)
	}
	if err != nil {
		return nil, err
	}
	inner := trimSpace(sl.inner)
	if inner == "" {
		return nil, errFilter("empty value filter in %s", sl.src)
	}
	f, err := oldParseExpr(inner, c.rt, &ref)
	if err != nil {
		return nil, errFilter("in %s: %s", sl.src, detail(err))
	}
	if sub == nil {
		if op != Pr {
			return nil, errFilter("malformed filter after %s", sl.src)
		}
		return &ValuePath{Attr: ref, Filter: f}, nil
	}
	// Microsoft Entra ID: emails[type eq "work"].value eq "x".
	sref, err := resolveSub(ref, *sub)
	if err != nil {
		return nil, err
	}
	cmp, err := c.compare(sref, op, raw)
	if err != nil {
		return nil, err
	}
	return &ValuePath{Attr: ref, Filter: &And{Left: f, Right: cmp}}, nil
}

// oldConvertValue turns a compare value from the parser into ours.
func oldConvertValue(raw any) (any, error) {
	switch v := raw.(type) {
	case nil:
		return nil, nil
	case bool:
		return v, nil
	case string:
		return decodeString(v)
	case json.Number:
		return convertNumber(string(v))
	}
	return nil, errFilter("malformed compare value")
}

// oldParsePath is ParsePath as it was before the hand-written parser.
func oldParsePath(src string, rt *schema.ResourceType, lim Limits) (Path, error) {
	return parsePathWith(src, rt, lim, func(src string, start, end int, ref schema.AttrRef, lim Limits) (Expr, error) {
		inner := trimSpace(src[start:end])
		if err := checkText(inner, lim.MaxDepth-1); err != nil {
			return nil, err
		}
		return oldParseExpr(inner, rt, &ref)
	})
}
