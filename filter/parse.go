package filter

import (
	"strings"

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

// The parser reads a filter in one pass, by recursive descent over the
// grammar of RFC 7644 §3.4.2.2 (Figure 1):
//
//	filter    = and *("or" and)
//	and       = unary *("and" unary)
//	unary     = "not" "(" filter ")" / "(" filter ")" / attrExp / valuePath
//	attrExp   = attrPath "pr" / attrPath compareOp compValue
//	valuePath = attrPath "[" filter "]" ["." ATTRNAME ("pr" / compareOp compValue)]
//
// and, or and the comparison operators need white space before them,
// compValue after its operator; elsewhere white space is optional. It
// resolves attribute paths and checks values as it goes, so a tree is
// built only once and nothing is copied but escaped strings. Recursion
// happens only at "(" and "[", whose nesting is bounded by
// [Limits.MaxDepth], and and/or chains are loops, so the time is linear
// in the length of the text and the stack stays shallow.
//
// A syntax error stops the parser. A resolution or type error (an unknown
// attribute, a number where a string belongs) is kept and parsing goes
// on, so that a syntax error later in the text is reported first, as the
// more basic problem.
type parser struct {
	src      string
	i, end   int // scan offset, and the end of the region being parsed
	tok      token
	prev     token
	rt       *schema.ResourceType
	depth    int
	maxDepth int

	inVP    bool           // inside the brackets of a value path
	parent  schema.AttrRef // that value path's attribute; Attr nil if it did not resolve
	vpStart int            // where that value path starts, for messages
	vpOpen  int            // and its "["
	path    bool           // parsing the value filter of a PATCH path

	err    error // the syntax error
	semErr error // the first resolution or type error
}

func parse(src string, rt *schema.ResourceType, lim Limits) (Expr, error) {
	lim = lim.orDefaults()
	if len(src) > lim.MaxLength {
		return nil, errFilter("filter is %d bytes long; the limit is %d", len(src), lim.MaxLength)
	}
	if rt == nil {
		return nil, errFilter("no resource type to resolve the filter against")
	}
	p := parser{src: src, end: len(src), rt: rt, maxDepth: lim.MaxDepth}
	p.next()
	if p.tok.kind == tEOF {
		return nil, errFilter("empty filter")
	}
	e := p.or()
	if p.err == nil && p.tok.kind != tEOF {
		p.failf(`expected "and", "or" or the end of the filter after %s, found %s at offset %d`, p.show(p.prev), p.found(), p.tok.start)
	}
	if err := p.result(0, lim.MaxDepth); err != nil {
		return nil, err
	}
	return e, nil
}

// parseValueFilter parses src[start:end], the value filter of a PATCH
// path whose attribute is parent.
func parseValueFilter(src string, start, end int, rt *schema.ResourceType, parent schema.AttrRef, maxDepth int) (Expr, error) {
	p := parser{src: src, i: start, end: end, rt: rt, maxDepth: maxDepth, depth: 1,
		inVP: true, parent: parent, path: true}
	p.next()
	e := p.or()
	if p.err == nil && p.tok.kind != tEOF {
		p.failf(`expected "and", "or" or "]" after %s, found %s at offset %d`, p.show(p.prev), p.found(), p.tok.start)
	}
	if err := p.result(start, maxDepth-1); err != nil {
		return nil, err
	}
	return e, nil
}

// result returns the error to report, if any. After a syntax error,
// checkText looks over the region from start for a structural problem
// that explains it better.
func (p *parser) result(start, maxDepth int) error {
	if p.err != nil {
		if err := checkText(p.src[start:p.end], maxDepth); err != nil {
			return err
		}
		return p.err
	}
	return p.semErr
}

// failf records a syntax error; the parser then unwinds.
func (p *parser) failf(format string, args ...any) {
	if p.err == nil {
		p.err = errFilter(format, args...)
	}
}

// semantic records a resolution or type error unless one came earlier.
// An error in the value filter of a value path names the value path.
func (p *parser) semantic(err error) {
	if p.semErr != nil {
		return
	}
	if p.inVP && !p.path {
		err = errFilter("in %s: %s", p.vpText(), detail(err))
	}
	p.semErr = err
}

// building reports whether the tree is still being built: there has been
// no error of either kind.
func (p *parser) building() bool { return p.err == nil && p.semErr == nil }

// enter enters a "(" or "[", checking the depth.
func (p *parser) enter() bool {
	p.depth++
	if p.depth > p.maxDepth {
		p.failf("filter nests deeper than %d levels", p.maxDepth)
		return false
	}
	return true
}

func (p *parser) or() Expr {
	x := p.and()
	for p.err == nil && p.keyword("or") {
		if !p.tok.spaced {
			p.failf(`expected a space before "or" after %s at offset %d`, p.show(p.prev), p.tok.start)
			return nil
		}
		p.next()
		y := p.and()
		if p.building() {
			x = &Or{Left: x, Right: y}
		}
	}
	return x
}

func (p *parser) and() Expr {
	x := p.unary()
	for p.err == nil && p.keyword("and") {
		if !p.tok.spaced {
			p.failf(`expected a space before "and" after %s at offset %d`, p.show(p.prev), p.tok.start)
			return nil
		}
		p.next()
		y := p.unary()
		if p.building() {
			x = &And{Left: x, Right: y}
		}
	}
	return x
}

func (p *parser) unary() Expr {
	switch p.tok.kind {
	case tLParen:
		return p.group(`"("`)
	case tWord:
		if !p.keyword("not") {
			return p.attrExp()
		}
		p.next()
		if p.tok.kind != tLParen {
			p.failf(`expected "(" after "not", found %s at offset %d`, p.found(), p.tok.start)
			return nil
		}
		x := p.group(`"not ("`)
		if !p.building() {
			return nil
		}
		return &Not{X: x}
	case tLBrack:
		p.failf(`expected an attribute name before "[" at offset %d`, p.tok.start)
		return nil
	}
	if p.prev.kind == tNone {
		p.failf(`expected an attribute name, "not" or "(" at the start of the filter, found %s at offset %d`, p.found(), p.tok.start)
	} else {
		p.failf(`expected an attribute name, "not" or "(" after %s, found %s at offset %d`, p.show(p.prev), p.found(), p.tok.start)
	}
	return nil
}

// group parses "(" filter ")"; the current token is the "(". opening
// names what opened the group, for messages.
func (p *parser) group(opening string) Expr {
	open := p.tok.start
	if !p.enter() {
		return nil
	}
	p.next()
	if p.tok.kind == tRParen {
		p.failf("empty %s) at offset %d", opening, open)
		return nil
	}
	x := p.or()
	if p.err != nil {
		return nil
	}
	switch p.tok.kind {
	case tRParen:
	case tEOF:
		p.failf(`missing ")" for "(" at position %d`, pos(p.src, open))
		return nil
	default:
		p.failf(`expected ")" or "and" or "or" after %s, found %s at offset %d`, p.show(p.prev), p.found(), p.tok.start)
		return nil
	}
	p.depth--
	p.next()
	return x
}

// attrExp parses an attribute expression or a value path; the current
// token is the attribute path.
func (p *parser) attrExp() Expr {
	at := p.tok
	text := p.text(at)
	uri, name, sub, ok := splitPath(text)
	if !ok {
		if k := badDollar(text); k >= 0 {
			p.failf(`unexpected "$" at offset %d: only the sub-attribute "$ref" starts with "$"`, at.start+k)
		} else {
			p.failf("invalid attribute name %s at offset %d", plainQuote(text), at.start)
		}
		return nil
	}
	p.next()
	if p.tok.kind == tLBrack {
		return p.valuePath(at)
	}
	var ref schema.AttrRef
	if p.semErr == nil {
		var parent *schema.AttrRef
		if p.inVP {
			parent = &p.parent
		}
		var err error
		if ref, err = resolveAttr(p.rt, parent, uri, name, sub, text); err != nil {
			p.semantic(err)
		}
	}
	op, v := p.opValue(at.start, at.end)
	if !p.building() {
		return nil
	}
	c, err := newCompare(ref, op, v)
	if err != nil {
		p.semantic(err)
		return nil
	}
	return c
}

// opValue parses what follows the attribute path src[start:end] of an
// attribute expression: "pr", or an operator and a value.
func (p *parser) opValue(start, end int) (Op, any) {
	attr := p.src[start:end]
	if p.tok.kind != tWord {
		p.failf(`expected a comparison operator after %s at offset %d, found %s`, plainQuote(attr), p.tok.start, p.found())
		return "", nil
	}
	op, ok := compareOp(p.text(p.tok))
	if !ok {
		p.failf(`unknown comparison operator %q after %s: use eq, ne, co, sw, ew, gt, ge, lt, le or pr`, p.text(p.tok), plainQuote(attr))
		return "", nil
	}
	p.next()
	if op == Pr {
		return op, nil
	}
	t := p.tok
	where := func() string { return plainQuote(attr + " " + string(op)) }
	var v any
	switch {
	case t.kind == tEOF:
		p.failf("expected a value after %s at offset %d, found the end of the filter", where(), t.start)
		return "", nil
	case !t.spaced:
		p.failf("expected a space after %s at offset %d", where(), t.start)
		return "", nil
	case t.kind == tString && t.flags&strOpen != 0:
		p.failf("string starting at offset %d has no closing quote", t.start)
		return "", nil
	case t.kind == tString && t.flags&strBad != 0:
		p.failf("%s in the value after %s at offset %d", badString(p.src[t.start+1:t.end-1]), where(), t.start)
		return "", nil
	case t.kind == tString:
		s := p.src[t.start+1 : t.end-1]
		if t.flags&strEsc != 0 {
			// scanString has checked the escapes.
			s, _ = decodeString(s)
		}
		v = s
	case t.kind == tWord:
		x, ok, err := parseLiteral(p.text(t))
		if !ok {
			why := "strings must be in double quotes"
			if c := p.src[t.start]; c == '-' || isDigit(c) {
				why = "not a JSON number"
			}
			p.failf("invalid value %q after %s: %s (offset %d)", p.text(t), where(), why, t.start)
			return "", nil
		}
		if err != nil {
			p.semantic(err)
		}
		v = x
	default:
		p.failf("expected a value after %s at offset %d, found %q", where(), t.start, p.text(t))
		return "", nil
	}
	p.next()
	return op, v
}

// valuePath parses a value path, attr[filter], and Microsoft Entra ID's
// attr[filter].sub op value, read as attr[filter and sub op value]. The
// current token is the "[" and at the attribute path.
func (p *parser) valuePath(at token) Expr {
	open := p.tok.start
	if p.inVP {
		p.failf(`value filters cannot be nested ("[" at position %d)`, pos(p.src, open))
		return nil
	}
	if !p.enter() {
		return nil
	}
	path := p.text(at)
	var ref schema.AttrRef
	if p.semErr == nil {
		var err error
		ref, err = resolveValuePath(p.rt, path)
		if err == errNotComplex {
			p.vpStart, p.vpOpen = at.start, open
			err = errFilter("%s: a value filter needs a complex attribute, and %q is not one", p.vpText(), path)
		}
		if err != nil {
			p.semantic(err)
		}
	}
	p.next()
	if p.tok.kind == tRBrack {
		p.failf("empty value filter in %s at offset %d", p.src[at.start:p.tok.end], open)
		return nil
	}
	p.inVP, p.parent, p.vpStart, p.vpOpen = true, ref, at.start, open
	f := p.or()
	if p.err != nil {
		p.err = errFilter("in %s: %s", p.vpText(), detail(p.err))
		return nil
	}
	p.inVP, p.parent = false, schema.AttrRef{}
	switch p.tok.kind {
	case tRBrack:
	case tEOF:
		p.failf(`missing "]" for "[" at position %d`, pos(p.src, open))
		return nil
	default:
		p.failf(`expected "]" or "and" or "or" after %s, found %s at offset %d`, p.show(p.prev), p.found(), p.tok.start)
		return nil
	}
	p.depth--
	p.next()
	if p.tok.kind != tWord || p.tok.spaced || p.src[p.tok.start] != '.' {
		p.prev.start = at.start // messages show the whole value path
		if !p.building() {
			return nil
		}
		return &ValuePath{Attr: ref, Filter: f}
	}

	// emails[type eq "work"].value eq "x"
	st := p.tok
	name := p.src[st.start+1 : st.end]
	if !validName(name) {
		p.failf("invalid sub-attribute name %s at offset %d", plainQuote(p.text(st)), st.start)
		return nil
	}
	p.next()
	op, v := p.opValue(at.start, st.end)
	if !p.building() {
		return nil
	}
	sref, err := resolveSub(ref, name)
	if err != nil {
		p.semantic(err)
		return nil
	}
	c, err := newCompare(sref, op, v)
	if err != nil {
		p.semantic(err)
		return nil
	}
	return &ValuePath{Attr: ref, Filter: &And{Left: f, Right: c}}
}

// vpText returns the text of the value path being parsed, for messages.
func (p *parser) vpText() string {
	if c := closingBracket(p.src[:p.end], p.vpOpen); c >= 0 {
		return p.src[p.vpStart : c+1]
	}
	return p.src[p.vpStart:p.end]
}

// show returns the text of t quoted for a message; a string literal is
// shown as it is.
func (p *parser) show(t token) string {
	if t.kind == tString {
		return p.text(t)
	}
	return plainQuote(p.text(t))
}

// found describes the current token for a message.
func (p *parser) found() string {
	if p.tok.kind == tEOF {
		return "the end of the filter"
	}
	return p.show(p.tok)
}
