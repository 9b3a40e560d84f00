package sqlstore

import (
	"math"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/scimstack/scimstack/schema"
)

// fold is the case folding of caseExact=false strings: values are stored
// folded and filter operands are folded the same way in Go, so that every
// database compares the same bytes, whatever its collation or the reach of
// its LOWER.
//
// Each rune becomes unicode.ToLower(unicode.ToUpper(r)), except U+0130 (İ)
// and U+0131 (ı), which stay as they are. Two strings then fold to the same
// bytes exactly when strings.EqualFold reports them equal (each simple
// case-folding orbit has one image; the exception keeps the two Turkish
// letters, which are orbits of their own, apart from "i"), so eq, ne, co,
// sw and ew compare folded bytes. filter orders caseExact=false strings by
// unicode.ToLower(unicode.ToUpper(r)) without the exception; SQL gets that
// order by replacing İ and ı with "i" in the folded form (see orderFold).
func fold(s string) string {
	upper := false
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c >= utf8.RuneSelf {
			return foldSlow(s)
		}
		upper = upper || 'A' <= c && c <= 'Z'
	}
	if upper {
		return strings.ToLower(s) // ASCII only
	}
	return s
}

func foldSlow(s string) string {
	b := make([]byte, 0, len(s))
	for _, r := range s {
		b = utf8.AppendRune(b, foldRune(r))
	}
	return string(b)
}

func foldRune(r rune) rune {
	if r < utf8.RuneSelf {
		if 'A' <= r && r <= 'Z' {
			r += 'a' - 'A'
		}
		return r
	}
	if r == 0x130 || r == 0x131 {
		return r
	}
	return unicode.ToLower(unicode.ToUpper(r))
}

// orderFold is fold with İ and ı turned into "i": the order filter.Cmp and
// filter.Match give caseExact=false strings is the byte order of orderFold.
func orderFold(s string) string {
	return strings.NewReplacer("\u0130", "i", "\u0131", "i").Replace(fold(s))
}

// timeLayout is the form of every dateTime the store compares: UTC with
// nanoseconds, fixed width, so that text order is time order.
const timeLayout = "2006-01-02T15:04:05.000000000Z"

func formatTime(t time.Time) string { return t.UTC().Format(timeLayout) }

// normTime returns an RFC 3339 dateTime in the stored form.
func normTime(s string) (string, bool) {
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		return "", false
	}
	t = t.UTC()
	if t.Year() < 0 || t.Year() > 9999 {
		return "", false
	}
	return formatTime(t), true
}

// kind is how a value is compared in SQL.
type kind int

const (
	kString   kind = iota // string, reference, binary
	kDateTime             // stored as timeLayout text
	kBool
	kInt
	kDecimal
	kComplex
)

func kindOf(a *schema.Attribute) (kind, bool) {
	switch a.Type {
	case schema.String, schema.Reference, schema.Binary:
		return kString, true
	case schema.DateTime:
		return kDateTime, true
	case schema.Boolean:
		return kBool, true
	case schema.Integer:
		return kInt, true
	case schema.Decimal:
		return kDecimal, true
	case schema.Complex:
		return kComplex, true
	}
	return 0, false
}

// textual reports whether values of k are stored as text.
func (k kind) textual() bool { return k == kString || k == kDateTime }

// searchValue returns v, a singular value of attribute a in generic form,
// as stored for searching: caseExact=false strings folded, dateTimes in
// timeLayout, numbers and booleans as they are. ok is false for a value of
// the wrong Go type, which is kept in the document but not searchable.
func searchValue(a *schema.Attribute, v any) (any, bool) {
	k, ok := kindOf(a)
	if !ok {
		return nil, false
	}
	switch k {
	case kString:
		s, ok := v.(string)
		if !ok {
			return nil, false
		}
		if !a.CaseExact {
			s = fold(s)
		}
		return s, true
	case kDateTime:
		s, ok := v.(string)
		if !ok {
			return nil, false
		}
		return normTime(s)
	case kBool:
		b, ok := v.(bool)
		return b, ok
	case kInt:
		switch n := v.(type) {
		case int64:
			return n, true
		case int:
			return int64(n), true
		}
		return nil, false
	case kDecimal:
		var f float64
		switch n := v.(type) {
		case float64:
			f = n
		case int64:
			f = float64(n)
		case int:
			f = float64(n)
		default:
			return nil, false
		}
		if math.IsNaN(f) || math.IsInf(f, 0) {
			return nil, false
		}
		return f, true
	case kComplex:
		m, ok := v.(map[string]any)
		if !ok {
			return nil, false
		}
		out := make(map[string]any, len(m))
		for name, sv := range m {
			sub := a.SubAttribute(name)
			if sub == nil || sub.MultiValued || sub.Name != name || !safeKey(name) {
				continue
			}
			if x, ok := searchValue(sub, sv); ok {
				out[name] = x
			}
		}
		return out, true
	}
	return nil, false
}

// safeKey reports whether an attribute name or URN can be written inside a
// JSON path literal of every dialect without quoting: ASCII letters,
// digits and ":._$/+-".
func safeKey(s string) bool {
	if s == "" || len(s) > 200 {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case 'a' <= c && c <= 'z', 'A' <= c && c <= 'Z', '0' <= c && c <= '9':
		case strings.IndexByte(":._$/+-", c) >= 0:
		default:
			return false
		}
	}
	return true
}

// cleanString reports whether s can be stored and compared by every
// dialect: valid UTF-8 without NUL (PostgreSQL text can hold neither).
func cleanString(s string) bool {
	return utf8.ValidString(s) && strings.IndexByte(s, 0) < 0
}

// checkStrings returns the first key or string in v that is not clean.
func checkStrings(v any) (string, bool) {
	switch x := v.(type) {
	case string:
		if !cleanString(x) {
			return x, false
		}
	case map[string]any:
		for k, e := range x {
			if !cleanString(k) {
				return k, false
			}
			if s, ok := checkStrings(e); !ok {
				return s, false
			}
		}
	case []any:
		for _, e := range x {
			if s, ok := checkStrings(e); !ok {
				return s, false
			}
		}
	}
	return "", true
}
