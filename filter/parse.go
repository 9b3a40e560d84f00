package filter

import (
	"encoding/json"
	"errors"
	"math"
	"strconv"
	"strings"
	"time"
	"unicode/utf16"
	"unicode/utf8"

	fp "github.com/scim2/filter-parser/v2"

	"github.com/scimstack/scimstack/schema"
)

// Default limits; see [Limits].
const (
	DefaultMaxLength = 4096
	DefaultMaxDepth  = 32
)

func (l Limits) orDefaults() Limits {
	if l.MaxLength <= 0 {
		l.MaxLength = DefaultMaxLength
	}
	if l.MaxDepth <= 0 {
		l.MaxDepth = DefaultMaxDepth
	}
	return l
}

func errFilter(format string, args ...any) error {
	return schema.Errorf("invalidFilter", format, args...)
}

func errPath(format string, args ...any) error {
	return schema.Errorf("invalidPath", format, args...)
}

// trimSpace removes the white space a filter may be surrounded by.
func trimSpace(s string) string {
	return strings.Trim(s, " \t\r\n")
}

func parse(src string, rt *schema.ResourceType, lim Limits) (Expr, error) {
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
	return parseExpr(s, rt, nil)
}

// checkText does what the parser does not: it checks that s is UTF-8,
// that strings end, that brackets balance, that value filters do not nest,
// and that ( and [ nest no deeper than maxDepth. It runs before the
// parser, whose recursion is unbounded.
func checkText(s string, maxDepth int) error {
	if !utf8.ValidString(s) {
		return errFilter("filter is not valid UTF-8")
	}
	var stack []byte // open brackets; bounded by maxDepth
	var at []int     // their positions
	for i := 0; i < len(s); i++ {
		switch c := s[i]; c {
		case '"':
			j := endOfString(s, i)
			if j < 0 {
				return errFilter("string starting at position %d has no closing quote", pos(s, i))
			}
			i = j - 1
		case '(', '[':
			if c == '[' && len(stack) > 0 && contains(stack, '[') {
				return errFilter("value filters cannot be nested (\"[\" at position %d)", pos(s, i))
			}
			if len(stack) >= maxDepth {
				return errFilter("filter nests deeper than %d levels", maxDepth)
			}
			stack = append(stack, c)
			at = append(at, i)
		case ')', ']':
			open := byte('(')
			if c == ']' {
				open = '['
			}
			if len(stack) == 0 || stack[len(stack)-1] != open {
				return errFilter("unexpected %q at position %d", string(c), pos(s, i))
			}
			stack = stack[:len(stack)-1]
			at = at[:len(at)-1]
		}
	}
	if n := len(stack); n > 0 {
		closer := ")"
		if stack[n-1] == '[' {
			closer = "]"
		}
		return errFilter("missing %q for %q at position %d", closer, string(stack[n-1]), pos(s, at[n-1]))
	}
	return nil
}

func contains(b []byte, c byte) bool {
	for _, x := range b {
		if x == c {
			return true
		}
	}
	return false
}

// pos returns the 1-based character position of byte offset i in s.
func pos(s string, i int) int {
	return utf8.RuneCountInString(s[:i]) + 1
}

// endOfString returns the offset just past the string literal starting
// at s[i] == '"', or -1 if it does not end.
func endOfString(s string, i int) int {
	for j := i + 1; j < len(s); j++ {
		switch s[j] {
		case '\\':
			j++
		case '"':
			return j + 1
		}
	}
	return -1
}

// closingBracket returns the offset of the "]" that closes the "[" at
// s[i], skipping string literals; -1 if there is none, -2 if another "["
// comes first.
func closingBracket(s string, i int) int {
	for j := i + 1; j < len(s); j++ {
		switch s[j] {
		case '"':
			k := endOfString(s, j)
			if k < 0 {
				return -1
			}
			j = k - 1
		case '[':
			return -2
		case ']':
			return j
		}
	}
	return -1
}

// A slot is a value path cut out of the filter text before it goes to the
// parser, whose grammar for value filters is narrower than RFC 7644's (two
// terms at most, no parentheses) and which does not accept Microsoft Entra
// ID's attr[filter].sub form. The value path is replaced by a placeholder
// attribute "$vpN" (followed by " pr" unless a ".sub" follows), and its
// filter is parsed on its own.
type slot struct {
	path  string // the attribute path before "["
	inner string // the value filter between the brackets
	src   string // path[inner], for messages
}

const slotPrefix = "$vp"

func isPathByte(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' ||
		c == '-' || c == '_' || c == '.' || c == ':' || c == '$'
}

// rewrite prepares s (checked by checkText) for the parser: value paths
// become slots, tabs and newlines outside strings become spaces, and the
// hex digits of \u escapes are made upper case, the only case the parser
// accepts.
func rewrite(s string) (string, []slot, error) {
	buf := make([]byte, 0, len(s)+8)
	var slots []slot
	for i := 0; i < len(s); {
		c := s[i]
		switch {
		case c == '"':
			j := endOfString(s, i)
			if j < 0 {
				return "", nil, errFilter("string starting at position %d has no closing quote", pos(s, i))
			}
			buf = appendLiteral(buf, s[i:j])
			i = j
		case c == '\t' || c == '\n' || c == '\r':
			buf = append(buf, ' ')
			i++
		case c == '$':
			// RFC 7643 names sub-attributes "$ref"; nothing else may use "$".
			if !refAt(s, i) {
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
			for start > 0 && isPathByte(buf[start-1]) {
				start--
			}
			if start == end {
				return "", nil, errFilter("expected an attribute name before \"[\" at position %d", pos(s, i))
			}
			closer := closingBracket(s, i)
			if closer < 0 {
				return "", nil, errFilter("missing \"]\" for \"[\" at position %d", pos(s, i))
			}
			sl := slot{path: string(buf[start:end]), inner: s[i+1 : closer]}
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

func refAt(s string, i int) bool {
	if len(s) < i+4 || !strings.EqualFold(s[i+1:i+4], "ref") {
		return false
	}
	return len(s) == i+4 || !isPathByte(s[i+4]) || s[i+4] == '.' || s[i+4] == ':'
}

// appendLiteral appends the string literal lit, upper-casing the hex
// digits of \u escapes.
func appendLiteral(buf []byte, lit string) []byte {
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

func slotIndex(name string) (int, bool) {
	if !strings.HasPrefix(name, slotPrefix) {
		return 0, false
	}
	n, err := strconv.Atoi(name[len(slotPrefix):])
	return n, err == nil && n >= 0
}

// parseExpr parses s (already checked) in the context of parent: nil at
// the top level, else the attribute of the enclosing value path.
func parseExpr(s string, rt *schema.ResourceType, parent *schema.AttrRef) (Expr, error) {
	text, slots, err := rewrite(s)
	if err != nil {
		return nil, err
	}
	if parent != nil && len(slots) > 0 {
		return nil, errFilter("value filters cannot be nested: %s", slots[0].src)
	}
	tree, err := callParser(text)
	if err != nil {
		return nil, diagnose(text, slots)
	}
	c := converter{rt: rt, parent: parent, slots: slots}
	return c.expr(tree)
}

// callParser runs the third-party parser, turning a panic into an error:
// hostile input must not take the server down.
func callParser(text string) (e fp.Expression, err error) {
	defer func() {
		if r := recover(); r != nil {
			e, err = nil, errors.New("parser panicked")
		}
	}()
	return fp.ParseFilterNumber([]byte(text))
}

type converter struct {
	rt     *schema.ResourceType
	parent *schema.AttrRef
	slots  []slot
}

func (c *converter) expr(e fp.Expression) (Expr, error) {
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

func (c *converter) attrExp(e *fp.AttributeExpression) (Expr, error) {
	p := e.AttributePath
	op := Op(strings.ToLower(string(e.Operator)))
	if i, ok := slotIndex(p.AttributeName); ok && p.URIPrefix == nil {
		if i >= len(c.slots) {
			return nil, errFilter("malformed filter")
		}
		return c.valuePath(c.slots[i], p.SubAttribute, op, e.CompareValue)
	}
	ref, err := c.resolve(p)
	if err != nil {
		return nil, err
	}
	return c.compare(ref, op, e.CompareValue)
}

// resolve resolves the attribute path of a comparison.
func (c *converter) resolve(p fp.AttributePath) (schema.AttrRef, error) {
	if c.parent != nil {
		if p.URIPrefix != nil || p.SubAttribute != nil {
			return schema.AttrRef{}, errFilter("%q in the value filter of %s must be a sub-attribute name", p.String(), c.parent.String())
		}
		sub := c.parent.Attr.SubAttribute(p.AttributeName)
		if sub == nil {
			return schema.AttrRef{}, errFilter("attribute %q has no sub-attribute %q", c.parent.String(), p.AttributeName)
		}
		return schema.AttrRef{URN: c.parent.URN, Attr: c.parent.Attr, Sub: sub}, nil
	}
	ref, err := c.rt.Lookup(p.URI(), p.AttributeName, p.SubAttributeName())
	if err != nil {
		if p.URIPrefix == nil && p.SubAttribute == nil && strings.EqualFold(p.AttributeName, "schemas") {
			return schemasRef(c.rt), nil
		}
		return schema.AttrRef{}, errFilter("%s", detail(err))
	}
	if ref.Attr == nil {
		return schema.AttrRef{}, errFilter("%q names a schema, not an attribute", p.String())
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

func (c *converter) valuePath(sl slot, sub *string, op Op, raw any) (Expr, error) {
	if c.parent != nil {
		return nil, errFilter("value filters cannot be nested: %s", sl.src)
	}
	ref, err := c.rt.ParsePath(sl.path)
	if err != nil {
		return nil, errFilter("%s", detail(err))
	}
	if ref.Attr == nil || ref.Sub != nil || ref.Attr.Type != schema.Complex {
		return nil, errFilter("%s: a value filter needs a complex attribute, and %q is not one", sl.src, sl.path)
	}
	inner := trimSpace(sl.inner)
	if inner == "" {
		return nil, errFilter("empty value filter in %s", sl.src)
	}
	f, err := parseExpr(inner, c.rt, &ref)
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
	s := ref.Attr.SubAttribute(*sub)
	if s == nil {
		return nil, errFilter("attribute %q has no sub-attribute %q", ref.String(), *sub)
	}
	cmp, err := c.compare(schema.AttrRef{URN: ref.URN, Attr: ref.Attr, Sub: s}, op, raw)
	if err != nil {
		return nil, err
	}
	return &ValuePath{Attr: ref, Filter: &And{Left: f, Right: cmp}}, nil
}

func (c *converter) compare(ref schema.AttrRef, op Op, raw any) (Expr, error) {
	v, err := convertValue(raw)
	if err != nil {
		return nil, err
	}
	if ref.Sub == nil && ref.Attr.Type == schema.Complex &&
		op != Pr && (v != nil || op != Eq && op != Ne) {
		val := ref.Attr.SubAttribute("value")
		if val == nil {
			return nil, errFilter("attribute %q is complex: compare one of its sub-attributes, as in %s.%s", ref.String(), ref.String(), firstSub(ref.Attr))
		}
		ref.Sub = val
	}
	v, err = checkValue(ref, op, v)
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

// convertValue turns a compare value from the parser into ours.
func convertValue(raw any) (any, error) {
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
// (RFC 8259 §7), which the parser accepts but leaves encoded.
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
	name := ref.String()
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
			return nil, errFilter("%s %s null: only eq and ne compare with null", name, op)
		}
		return nil, nil
	}
	notFor := func(kind string) error {
		return errFilter("operator %q is not defined for %s attribute %s (RFC 7644 §3.4.2.2)", string(op), kind, name)
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
			return nil, errFilter("%s is boolean: compare it with true or false, not %s", name, literal(v))
		}
	case schema.Integer:
		if substring {
			return nil, notFor("integer")
		}
		switch n := v.(type) {
		case int64:
		case float64:
			if n != math.Trunc(n) || n < -(1<<63) || n >= 1<<63 {
				return nil, errFilter("%s is an integer: %s is not one", name, literal(v))
			}
			v = int64(n)
		default:
			return nil, errFilter("%s is an integer: compare it with a number, not %s", name, literal(v))
		}
	case schema.Decimal:
		if substring {
			return nil, notFor("decimal")
		}
		switch v.(type) {
		case int64, float64:
		default:
			return nil, errFilter("%s is a decimal: compare it with a number, not %s", name, literal(v))
		}
	case schema.DateTime:
		s, ok := v.(string)
		if !ok {
			return nil, errFilter("%s is a dateTime: compare it with a quoted date-time, not %s", name, literal(v))
		}
		if !substring {
			if _, err := time.Parse(time.RFC3339, s); err != nil {
				return nil, errFilter("%s is a dateTime: %q is not an RFC 3339 date-time such as \"2011-05-13T04:42:34Z\"", name, s)
			}
		}
	case schema.Binary:
		if ordering {
			return nil, notFor("binary")
		}
		if _, ok := v.(string); !ok {
			return nil, errFilter("%s is binary: compare it with a quoted string, not %s", name, literal(v))
		}
	case schema.Complex:
		return nil, errFilter("attribute %q is complex: compare one of its sub-attributes", name)
	default: // string, reference
		if _, ok := v.(string); !ok {
			return nil, errFilter("%s is a string: compare it with a quoted string, not %s", name, literal(v))
		}
	}
	return v, nil
}

func literal(v any) string {
	var b strings.Builder
	writeValue(&b, v)
	return b.String()
}

// parsePath implements ParsePath.
func parsePath(src string, rt *schema.ResourceType, lim Limits) (Path, error) {
	lim = lim.orDefaults()
	if len(src) > lim.MaxLength {
		return Path{}, errPath("path is %d bytes long; the limit is %d", len(src), lim.MaxLength)
	}
	if rt == nil {
		return Path{}, errPath("no resource type to resolve the path against")
	}
	s := trimSpace(src)
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
	if err := checkText(inner, lim.MaxDepth-1); err != nil {
		return Path{}, err
	}
	f, err := parseExpr(inner, rt, &ref)
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
