package filter

import (
	"fmt"
	"strings"
)

// diagnose explains why the parser rejected text (the output of rewrite).
// The parser's own errors name grammar rules, so a small recogniser for
// the same grammar walks the text again and reports the first problem in
// words a person can act on.
func diagnose(text string, slots []slot) error {
	r := recognizer{lx: lexer{s: text}, slots: slots}
	r.advance()
	if r.or() && r.tok.kind != tEOF {
		r.failf("expected \"and\", \"or\" or the end of the filter after %s, found %s", r.show(r.prev), r.show(r.tok))
	}
	if r.msg == "" {
		r.msg = "malformed filter"
		if len(text) <= 200 {
			r.msg += " " + plainQuote(r.display(text))
		}
	}
	return errFilter("%s", r.msg)
}

type tokKind int

const (
	tEOF tokKind = iota
	tLParen
	tRParen
	tString
	tWord
	tSlot // a value path cut out by rewrite, with its " pr"
)

type token struct {
	kind   tokKind
	text   string
	spaced bool // white space before it
}

type lexer struct {
	s string
	i int
}

func (l *lexer) next() token {
	start := l.i
	for l.i < len(l.s) && l.s[l.i] == ' ' {
		l.i++
	}
	spaced := l.i > start
	if l.i >= len(l.s) {
		return token{kind: tEOF, spaced: spaced}
	}
	i := l.i
	switch c := l.s[i]; c {
	case '(':
		l.i++
		return token{kind: tLParen, text: "(", spaced: spaced}
	case ')':
		l.i++
		return token{kind: tRParen, text: ")", spaced: spaced}
	case '"':
		j := endOfString(l.s, i)
		if j < 0 {
			j = len(l.s)
		}
		l.i = j
		return token{kind: tString, text: l.s[i:j], spaced: spaced}
	}
	j := i
	for j < len(l.s) && !strings.ContainsRune(" ()\"", rune(l.s[j])) {
		j++
	}
	l.i = j
	if _, ok := slotIndex(l.s[i:j]); ok && strings.HasPrefix(l.s[j:], " pr") {
		l.i = j + len(" pr")
		return token{kind: tSlot, text: l.s[i:l.i], spaced: spaced}
	}
	return token{kind: tWord, text: l.s[i:j], spaced: spaced}
}

type recognizer struct {
	lx    lexer
	slots []slot
	tok   token
	prev  token
	msg   string
}

func (r *recognizer) advance() {
	r.prev = r.tok
	r.tok = r.lx.next()
}

func (r *recognizer) failf(format string, args ...any) bool {
	if r.msg == "" {
		r.msg = fmt.Sprintf(format, args...)
	}
	return false
}

func (r *recognizer) keyword(k string) bool {
	return r.tok.kind == tWord && strings.EqualFold(r.tok.text, k)
}

func (r *recognizer) or() bool {
	if !r.and() {
		return false
	}
	for r.keyword("or") {
		if !r.tok.spaced {
			return r.failf("expected a space before \"or\" after %s", r.show(r.prev))
		}
		r.advance()
		if !r.and() {
			return false
		}
	}
	return true
}

func (r *recognizer) and() bool {
	if !r.unary() {
		return false
	}
	for r.keyword("and") {
		if !r.tok.spaced {
			return r.failf("expected a space before \"and\" after %s", r.show(r.prev))
		}
		r.advance()
		if !r.unary() {
			return false
		}
	}
	return true
}

func (r *recognizer) unary() bool {
	switch {
	case r.tok.kind == tLParen:
		r.advance()
		return r.group("(")
	case r.keyword("not"):
		r.advance()
		if r.tok.kind != tLParen {
			return r.failf("expected \"(\" after \"not\", found %s", r.found())
		}
		r.advance()
		return r.group("not (")
	case r.tok.kind == tSlot:
		r.advance()
		return true
	case r.tok.kind == tWord:
		return r.attrExp()
	case r.tok.kind == tEOF:
		if r.prev.kind == tEOF {
			return r.failf("empty filter")
		}
		return r.failf("expected an attribute name, \"not\" or \"(\" after %s, found the end of the filter", r.show(r.prev))
	}
	if r.prev.kind == tEOF {
		return r.failf("expected an attribute name, \"not\" or \"(\" at the start of the filter, found %s", r.show(r.tok))
	}
	return r.failf("expected an attribute name, \"not\" or \"(\" after %s, found %s", r.show(r.prev), r.show(r.tok))
}

func (r *recognizer) group(open string) bool {
	if r.tok.kind == tRParen {
		return r.failf("empty %q)", open)
	}
	if !r.or() {
		return false
	}
	if r.tok.kind != tRParen {
		return r.failf("expected \")\" or \"and\" or \"or\" after %s, found %s", r.show(r.prev), r.found())
	}
	r.advance()
	return true
}

func (r *recognizer) attrExp() bool {
	attr := r.tok
	if !validPath(attr.text) {
		return r.failf("invalid attribute name %s", r.show(attr))
	}
	r.advance()
	if r.tok.kind != tWord {
		return r.failf("expected a comparison operator after %s, found %s", r.show(attr), r.found())
	}
	op := r.tok
	if !op.spaced {
		return r.failf("expected a space after %s", r.show(attr))
	}
	if strings.EqualFold(op.text, "pr") {
		r.advance()
		return true
	}
	switch Op(strings.ToLower(op.text)) {
	case Eq, Ne, Co, Sw, Ew, Gt, Ge, Lt, Le:
	default:
		return r.failf("unknown comparison operator %q after %s: use eq, ne, co, sw, ew, gt, ge, lt, le or pr", op.text, r.show(attr))
	}
	r.advance()
	v := r.tok
	where := plainQuote(r.display(attr.text) + " " + strings.ToLower(op.text))
	switch {
	case v.kind == tEOF:
		return r.failf("expected a value after %s", where)
	case !v.spaced:
		return r.failf("expected a space after %s", where)
	case v.kind == tString:
		if msg := badString(v.text); msg != "" {
			return r.failf("%s in the value after %s", msg, where)
		}
	case v.kind == tWord && validLiteral(v.text):
	case v.kind == tWord:
		return r.failf("invalid value %q after %s: strings must be in double quotes", v.text, where)
	default:
		return r.failf("expected a value after %s, found %q", where, v.text)
	}
	r.advance()
	return true
}

func (r *recognizer) found() string {
	if r.tok.kind == tEOF {
		return "the end of the filter"
	}
	return r.show(r.tok)
}

// show returns t quoted for a message; a string literal is shown as is.
func (r *recognizer) show(t token) string {
	if t.kind == tString {
		return t.text
	}
	return plainQuote(r.display(t.text))
}

// plainQuote quotes s for a message without escaping the quotes inside
// it, which would make a filter harder to read.
func plainQuote(s string) string {
	return `"` + s + `"`
}

// display puts the value paths cut out by rewrite back into s.
func (r *recognizer) display(s string) string {
	if !strings.Contains(s, slotPrefix) {
		return s
	}
	var b strings.Builder
	for {
		i := strings.Index(s, slotPrefix)
		if i < 0 {
			b.WriteString(s)
			return b.String()
		}
		b.WriteString(s[:i])
		s = s[i+len(slotPrefix):]
		j := 0
		for j < len(s) && s[j] >= '0' && s[j] <= '9' {
			j++
		}
		n, ok := slotIndex(slotPrefix + s[:j])
		if ok && n < len(r.slots) {
			b.WriteString(r.slots[n].src)
		} else {
			b.WriteString(slotPrefix + s[:j])
		}
		s = s[j:]
		s = strings.TrimPrefix(s, " pr")
	}
}

// validPath reports whether s has the form [URI ":"] ATTRNAME ["." ATTRNAME].
func validPath(s string) bool {
	if i := strings.LastIndexByte(s, ':'); i >= 0 {
		if i == 0 {
			return false
		}
		s = s[i+1:]
	}
	name, sub, dotted := strings.Cut(s, ".")
	return validName(name) && (!dotted || validName(sub))
}

func validName(s string) bool {
	s = strings.TrimPrefix(s, "$")
	if s == "" || !isAlpha(s[0]) {
		return false
	}
	for i := 1; i < len(s); i++ {
		c := s[i]
		if !isAlpha(c) && !(c >= '0' && c <= '9') && c != '-' && c != '_' {
			return false
		}
	}
	return true
}

func isAlpha(c byte) bool { return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' }

// validLiteral reports whether s is true, false, null or a JSON number.
func validLiteral(s string) bool {
	switch strings.ToLower(s) {
	case "true", "false", "null":
		return true
	}
	i := 0
	if i < len(s) && s[i] == '-' {
		i++
	}
	digits := func() int {
		n := 0
		for i < len(s) && s[i] >= '0' && s[i] <= '9' {
			i++
			n++
		}
		return n
	}
	start := i
	n := digits()
	if n == 0 || n > 1 && s[start] == '0' {
		return false
	}
	if i < len(s) && s[i] == '.' {
		i++
		if digits() == 0 {
			return false
		}
	}
	if i < len(s) && (s[i] == 'e' || s[i] == 'E') {
		i++
		if i < len(s) && (s[i] == '+' || s[i] == '-') {
			i++
		}
		if digits() == 0 {
			return false
		}
	}
	return i == len(s)
}

// badString describes what is wrong with a string literal, or returns "".
func badString(lit string) string {
	if len(lit) < 2 || lit[len(lit)-1] != '"' {
		return "unterminated string"
	}
	body := lit[1 : len(lit)-1]
	for i := 0; i < len(body); i++ {
		c := body[i]
		if c < 0x20 {
			return "control character in a string (escape it)"
		}
		if c != '\\' {
			continue
		}
		i++
		if i >= len(body) {
			return "lone backslash"
		}
		switch body[i] {
		case '"', '\\', '/', 'b', 'f', 'n', 'r', 't':
		case 'u':
			if _, ok := hex4(body[i+1:]); !ok {
				return "invalid \\u escape"
			}
			i += 4
		default:
			return "invalid escape \\" + string(body[i])
		}
	}
	return ""
}
