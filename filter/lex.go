package filter

import (
	"strings"
	"unicode/utf8"
)

// The scanner reads tokens straight from the filter text: a token is a
// kind and a span of the text, so scanning allocates nothing and string
// values without escapes are substrings of the input.

type tokKind uint8

const (
	tNone   tokKind = iota // before the first token
	tEOF                   // end of the text (or of the region parsed)
	tLParen                // (
	tRParen                // )
	tLBrack                // [
	tRBrack                // ]
	tString                // "...", possibly malformed: see strBad
	tWord                  // a run of anything else: name, keyword, number
)

// String flags.
const (
	strEsc  uint8 = 1 << iota // has a backslash escape
	strBad                    // malformed: a bad escape, a control character or invalid UTF-8
	strOpen                   // no closing quote (strBad is set too)
)

type token struct {
	kind   tokKind
	flags  uint8 // for tString
	spaced bool  // white space comes before it
	start  int   // offsets of the token in the text
	end    int
}

// delim holds the bytes that end a word: white space, brackets and quote.
var delim = [256]bool{' ': true, '\t': true, '\n': true, '\r': true,
	'(': true, ')': true, '[': true, ']': true, '"': true}

func isSpace(c byte) bool { return c == ' ' || c == '\t' || c == '\n' || c == '\r' }

// next moves to the following token, keeping the current one as prev.
func (p *parser) next() {
	p.prev = p.tok
	i := p.i
	for i < p.end && isSpace(p.src[i]) {
		i++
	}
	t := token{start: i, spaced: i > p.i}
	switch {
	case i >= p.end:
		t.kind = tEOF
	case p.src[i] == '(':
		t.kind = tLParen
		i++
	case p.src[i] == ')':
		t.kind = tRParen
		i++
	case p.src[i] == '[':
		t.kind = tLBrack
		i++
	case p.src[i] == ']':
		t.kind = tRBrack
		i++
	case p.src[i] == '"':
		t.kind = tString
		i, t.flags = p.scanString(i)
	default:
		t.kind = tWord
		for i < p.end && !delim[p.src[i]] {
			i++
		}
	}
	t.end = i
	p.i = i
	p.tok = t
}

// scanString scans the JSON string (RFC 8259 §7) starting at the quote
// at offset i and returns the offset past its closing quote (the end of
// the region if there is none) and its flags.
func (p *parser) scanString(i int) (int, uint8) {
	var flags uint8
	high := false
	j := i + 1
	for j < p.end {
		c := p.src[j]
		switch {
		case c == '"':
			if high && !utf8.ValidString(p.src[i+1:j]) {
				flags |= strBad
			}
			return j + 1, flags
		case c == '\\':
			flags |= strEsc
			if j+1 >= p.end {
				j++
				break
			}
			switch p.src[j+1] {
			case '"', '\\', '/', 'b', 'f', 'n', 'r', 't':
				j += 2
			case 'u':
				if _, ok := hex4(p.src[j+2 : p.end]); ok {
					j += 6
				} else {
					flags |= strBad
					j += 2
				}
			default:
				flags |= strBad
				j += 2
			}
		case c < 0x20:
			flags |= strBad
			j++
		case c >= utf8.RuneSelf:
			high = true
			j++
		default:
			j++
		}
	}
	return p.end, flags | strBad | strOpen
}

// text returns the text of t.
func (p *parser) text(t token) string { return p.src[t.start:t.end] }

// keyword reports whether the current token is the word k, which is lower
// case, in any case.
func (p *parser) keyword(k string) bool {
	t := p.tok
	return t.kind == tWord && t.end-t.start == len(k) && strings.EqualFold(p.src[t.start:t.end], k)
}

// compareOp returns the comparison operator spelt s in any case.
func compareOp(s string) (Op, bool) {
	if len(s) != 2 {
		return "", false
	}
	// Setting bit 5 lowers ASCII letters and maps nothing else to one.
	switch uint16(s[0]|0x20)<<8 | uint16(s[1]|0x20) {
	case 'e'<<8 | 'q':
		return Eq, true
	case 'n'<<8 | 'e':
		return Ne, true
	case 'c'<<8 | 'o':
		return Co, true
	case 's'<<8 | 'w':
		return Sw, true
	case 'e'<<8 | 'w':
		return Ew, true
	case 'g'<<8 | 't':
		return Gt, true
	case 'g'<<8 | 'e':
		return Ge, true
	case 'l'<<8 | 't':
		return Lt, true
	case 'l'<<8 | 'e':
		return Le, true
	case 'p'<<8 | 'r':
		return Pr, true
	}
	return "", false
}

// splitPath splits an attribute path of RFC 7644 Figure 1,
// [URI ":"] ATTRNAME ["." ATTRNAME], into its parts; ok is false when s
// does not have that form. The URI is everything before the last colon.
func splitPath(s string) (uri, name, sub string, ok bool) {
	rest := s
	if i := strings.LastIndexByte(s, ':'); i >= 0 {
		uri, rest = s[:i], s[i+1:]
		if !validURI(uri) {
			return "", "", "", false
		}
	}
	name, sub, dotted := strings.Cut(rest, ".")
	if !validName(name) || dotted && !validName(sub) {
		return "", "", "", false
	}
	return uri, name, sub, true
}

// validURI reports whether s is a colon-separated list of non-empty
// segments of letters, digits, "-" and ".", the URNs of SCIM schemas.
func validURI(s string) bool {
	seg := 0
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == ':':
			if seg == 0 {
				return false
			}
			seg = 0
		case isAlpha(c) || isDigit(c) || c == '-' || c == '.':
			seg++
		default:
			return false
		}
	}
	return seg > 0
}

// validName reports whether s is an ATTRNAME (RFC 7643 §2.1), or "$ref",
// the one name RFC 7643 gives a leading "$".
func validName(s string) bool {
	if strings.HasPrefix(s, "$") {
		return strings.EqualFold(s, "$ref")
	}
	if s == "" || !isAlpha(s[0]) {
		return false
	}
	for i := 1; i < len(s); i++ {
		c := s[i]
		if !isAlpha(c) && !isDigit(c) && c != '-' && c != '_' {
			return false
		}
	}
	return true
}

// badDollar returns the offset in s of a "$" that does not start a "$ref"
// name, or -1.
func badDollar(s string) int {
	for i := 0; i < len(s); i++ {
		if s[i] != '$' {
			continue
		}
		if len(s) < i+4 || !strings.EqualFold(s[i+1:i+4], "ref") {
			return i
		}
		if len(s) > i+4 && s[i+4] != '.' && s[i+4] != ':' {
			return i
		}
	}
	return -1
}

func isAlpha(c byte) bool { return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' }
func isDigit(c byte) bool { return c >= '0' && c <= '9' }

// parseLiteral reads s as true, false or null in any case, or as a JSON
// number: an int64 when it is an integer that fits, else a float64. ok is
// false when s is none of these; err is set for a number out of range.
func parseLiteral(s string) (v any, ok bool, err error) {
	switch len(s) {
	case 4:
		if strings.EqualFold(s, "true") {
			return true, true, nil
		}
		if strings.EqualFold(s, "null") {
			return nil, true, nil
		}
	case 5:
		if strings.EqualFold(s, "false") {
			return false, true, nil
		}
	}
	if !validNumber(s) {
		return nil, false, nil
	}
	v, err = convertNumber(s)
	return v, true, err
}

// validNumber reports whether s is a JSON number (RFC 8259 §6).
func validNumber(s string) bool {
	i := 0
	if i < len(s) && s[i] == '-' {
		i++
	}
	digits := func() int {
		n := 0
		for i < len(s) && isDigit(s[i]) {
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

// badString describes what is wrong with the body of a string literal
// whose token has strBad set but not strOpen.
func badString(body string) string {
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
	if !utf8.ValidString(body) {
		return "invalid UTF-8 in a string"
	}
	return "malformed string"
}
