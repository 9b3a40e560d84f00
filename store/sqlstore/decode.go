package sqlstore

import (
	"fmt"
	"strconv"
	"strings"
	"unicode/utf16"
	"unicode/utf8"

	"github.com/scimstack/scimstack/schema"
)

// decodeDoc reads a stored document back into generic form. JSON numbers
// become int64 for integer attributes and float64 for decimal ones; where
// no definition is known (an extension the resource type lacks), integral
// literals become int64 and others float64.
//
// It is a JSON parser of its own because every Get and every listed user
// goes through it: strings without escapes are slices of doc rather than
// copies, and an attribute's definition is looked up only for the rare
// number, where encoding/json needs a second pass over the whole value.
func (s *Store) decodeDoc(doc string) (map[string]any, error) {
	p := docParser{rt: s.rt, src: doc}
	p.space()
	if p.i >= len(p.src) || p.src[p.i] != '{' {
		return nil, p.fail("expected an object")
	}
	v, err := p.value(0)
	if err != nil {
		return nil, err
	}
	p.space()
	if p.i != len(p.src) {
		return nil, p.fail("data after the object")
	}
	return v.(map[string]any), nil
}

// maxDocDepth bounds the nesting decodeDoc follows; a user is a few levels
// deep.
const maxDocDepth = 64

// docParser is the state of decodeDoc.
type docParser struct {
	rt    *schema.ResourceType
	src   string
	i     int
	path  []string // the member names from the top to the current value
	stack []any    // elements of the arrays being read
}

func (p *docParser) fail(what string) error {
	return fmt.Errorf("decode user: %s at offset %d", what, p.i)
}

func (p *docParser) space() {
	for p.i < len(p.src) {
		switch p.src[p.i] {
		case ' ', '\t', '\n', '\r':
			p.i++
		default:
			return
		}
	}
}

func (p *docParser) value(depth int) (any, error) {
	if depth > maxDocDepth {
		return nil, p.fail("nesting too deep")
	}
	p.space()
	if p.i >= len(p.src) {
		return nil, p.fail("unexpected end")
	}
	switch c := p.src[p.i]; {
	case c == '{':
		return p.object(depth)
	case c == '[':
		return p.array(depth)
	case c == '"':
		return p.string()
	case c == '-' || '0' <= c && c <= '9':
		return p.number()
	case strings.HasPrefix(p.src[p.i:], "true"):
		p.i += 4
		return true, nil
	case strings.HasPrefix(p.src[p.i:], "false"):
		p.i += 5
		return false, nil
	case strings.HasPrefix(p.src[p.i:], "null"):
		p.i += 4
		return nil, nil
	}
	return nil, p.fail("unexpected character")
}

func (p *docParser) object(depth int) (any, error) {
	p.i++ // {
	size := 0
	if depth == 0 {
		size = 16 // a user's top level
	}
	m := make(map[string]any, size)
	p.space()
	if p.i < len(p.src) && p.src[p.i] == '}' {
		p.i++
		return m, nil
	}
	for {
		p.space()
		if p.i >= len(p.src) || p.src[p.i] != '"' {
			return nil, p.fail("expected a member name")
		}
		key, err := p.string()
		if err != nil {
			return nil, err
		}
		p.space()
		if p.i >= len(p.src) || p.src[p.i] != ':' {
			return nil, p.fail("expected ':'")
		}
		p.i++
		p.path = append(p.path, key)
		v, err := p.value(depth + 1)
		p.path = p.path[:len(p.path)-1]
		if err != nil {
			return nil, err
		}
		m[key] = v
		p.space()
		if p.i >= len(p.src) {
			return nil, p.fail("unexpected end")
		}
		switch p.src[p.i] {
		case ',':
			p.i++
		case '}':
			p.i++
			return m, nil
		default:
			return nil, p.fail("expected ',' or '}'")
		}
	}
}

func (p *docParser) array(depth int) (any, error) {
	p.i++ // [
	p.space()
	if p.i < len(p.src) && p.src[p.i] == ']' {
		p.i++
		return []any{}, nil
	}
	base := len(p.stack)
	for {
		v, err := p.value(depth + 1)
		if err != nil {
			return nil, err
		}
		p.stack = append(p.stack, v)
		p.space()
		if p.i >= len(p.src) {
			return nil, p.fail("unexpected end")
		}
		switch p.src[p.i] {
		case ',':
			p.i++
			continue
		case ']':
			p.i++
		default:
			return nil, p.fail("expected ',' or ']'")
		}
		break
	}
	out := make([]any, len(p.stack)-base)
	copy(out, p.stack[base:])
	clear(p.stack[base:])
	p.stack = p.stack[:base]
	return out, nil
}

// string reads a JSON string. Without escapes and with valid UTF-8, the
// result shares memory with the document.
func (p *docParser) string() (string, error) {
	p.i++ // "
	start := p.i
	ascii := true
	for p.i < len(p.src) {
		c := p.src[p.i]
		switch {
		case c == '"':
			s := p.src[start:p.i]
			p.i++
			if !ascii && !utf8.ValidString(s) {
				return validUTF8(s), nil
			}
			return s, nil
		case c == '\\':
			return p.escaped(start)
		case c < 0x20:
			return "", p.fail("control character in string")
		case c >= utf8.RuneSelf:
			ascii = false
		}
		p.i++
	}
	return "", p.fail("unterminated string")
}

// escaped reads the rest of a string that has escapes, from start.
func (p *docParser) escaped(start int) (string, error) {
	var b strings.Builder
	b.Grow(p.i - start + 16)
	b.WriteString(p.src[start:p.i])
	for p.i < len(p.src) {
		c := p.src[p.i]
		switch {
		case c == '"':
			p.i++
			return validUTF8(b.String()), nil
		case c < 0x20:
			return "", p.fail("control character in string")
		case c != '\\':
			b.WriteByte(c)
			p.i++
			continue
		}
		if p.i+1 >= len(p.src) {
			break
		}
		e := p.src[p.i+1]
		p.i += 2
		switch e {
		case '"', '\\', '/':
			b.WriteByte(e)
		case 'b':
			b.WriteByte('\b')
		case 'f':
			b.WriteByte('\f')
		case 'n':
			b.WriteByte('\n')
		case 'r':
			b.WriteByte('\r')
		case 't':
			b.WriteByte('\t')
		case 'u':
			r, ok := p.hex4()
			if !ok {
				return "", p.fail("bad \\u escape")
			}
			if utf16.IsSurrogate(r) {
				r2 := rune(-1)
				if strings.HasPrefix(p.src[p.i:], `\u`) {
					save := p.i
					p.i += 2
					if r2, ok = p.hex4(); !ok {
						return "", p.fail("bad \\u escape")
					}
					if d := utf16.DecodeRune(r, r2); d != utf8.RuneError {
						b.WriteRune(d)
						continue
					}
					p.i = save // not a pair: the second escape stands alone
				}
				r = utf8.RuneError
			}
			b.WriteRune(r)
		default:
			return "", p.fail("bad escape")
		}
	}
	return "", p.fail("unterminated string")
}

// validUTF8 replaces each byte of s that is not part of valid UTF-8 with
// U+FFFD, as encoding/json does.
func validUTF8(s string) string {
	if utf8.ValidString(s) {
		return s
	}
	b := make([]byte, 0, len(s)+8)
	for _, r := range s {
		b = utf8.AppendRune(b, r) // range yields RuneError per bad byte
	}
	return string(b)
}

func (p *docParser) hex4() (rune, bool) {
	if p.i+4 > len(p.src) {
		return 0, false
	}
	n, err := strconv.ParseUint(p.src[p.i:p.i+4], 16, 32)
	if err != nil {
		return 0, false
	}
	p.i += 4
	return rune(n), true
}

func (p *docParser) number() (any, error) {
	start := p.i
	if p.src[p.i] == '-' {
		p.i++
	}
	for p.i < len(p.src) {
		c := p.src[p.i]
		if '0' <= c && c <= '9' || c == '.' || c == 'e' || c == 'E' || c == '+' || c == '-' {
			p.i++
			continue
		}
		break
	}
	lit := p.src[start:p.i]
	if !validNumber(lit) {
		p.i = start
		return nil, p.fail("bad number")
	}
	return number(p.def(), lit), nil
}

// validNumber reports whether s is a JSON number.
func validNumber(s string) bool {
	i := 0
	if i < len(s) && s[i] == '-' {
		i++
	}
	digits := func() int {
		n := 0
		for i < len(s) && '0' <= s[i] && s[i] <= '9' {
			i++
			n++
		}
		return n
	}
	switch {
	case i < len(s) && s[i] == '0':
		i++
	case digits() == 0:
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

// def returns the definition of the attribute at p.path, or nil: the
// top-level member names a core attribute or an extension, whose members
// name its attributes; further names are sub-attributes.
func (p *docParser) def() *schema.Attribute {
	if len(p.path) == 0 {
		return nil
	}
	var a *schema.Attribute
	rest := p.path[1:]
	if ext := p.rt.Extension(p.path[0]); ext != nil {
		if len(rest) == 0 {
			return nil
		}
		a, rest = ext.Attribute(rest[0]), rest[1:]
	} else if ref, err := p.rt.Lookup("", p.path[0], ""); err == nil {
		a = ref.Attr
	}
	for _, name := range rest {
		if a == nil {
			return nil
		}
		a = a.SubAttribute(name)
	}
	return a
}

// number converts a JSON number literal, of attribute a (nil if unknown).
func number(a *schema.Attribute, n string) any {
	integral := !strings.ContainsAny(n, ".eE")
	if a != nil && a.Type == schema.Decimal {
		integral = false
	}
	if integral {
		if i, err := strconv.ParseInt(n, 10, 64); err == nil {
			return i
		}
	}
	if f, err := strconv.ParseFloat(n, 64); err == nil {
		return f
	}
	return n
}
