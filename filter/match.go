package filter

import (
	"math"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/scimstack/scimstack/schema"
)

// The evaluator works on the generic form directly and allocates nothing:
// map lookups by canonical name, type switches, and string comparisons
// that fold case rune by rune instead of lowering copies.

func match(e Expr, doc map[string]any) bool {
	switch e := e.(type) {
	case *And:
		return e != nil && match(e.Left, doc) && match(e.Right, doc)
	case *Or:
		return e != nil && (match(e.Left, doc) || match(e.Right, doc))
	case *Not:
		return e != nil && !match(e.X, doc)
	case *Compare:
		return e != nil && matchTop(e, doc)
	case *ValuePath:
		return e != nil && matchPath(e, doc)
	}
	return false
}

func matchValue(e Expr, elem map[string]any) bool {
	switch e := e.(type) {
	case *And:
		return e != nil && matchValue(e.Left, elem) && matchValue(e.Right, elem)
	case *Or:
		return e != nil && (matchValue(e.Left, elem) || matchValue(e.Right, elem))
	case *Not:
		return e != nil && !matchValue(e.X, elem)
	case *Compare:
		if e == nil || e.Attr.Sub == nil {
			return false
		}
		x, ok := elem[e.Attr.Sub.Name]
		return leaf(e, x, ok)
	}
	return false
}

// container returns the map that holds the attributes of urn: the
// document itself for the core schema, else the extension's nested map.
func container(doc map[string]any, urn string) map[string]any {
	if urn == "" {
		return doc
	}
	m, _ := doc[urn].(map[string]any)
	return m
}

func matchPath(e *ValuePath, doc map[string]any) bool {
	if e.Attr.Attr == nil {
		return false
	}
	switch v := container(doc, e.Attr.URN)[e.Attr.Attr.Name].(type) {
	case []any:
		for _, x := range v {
			if m, ok := x.(map[string]any); ok && matchValue(e.Filter, m) {
				return true
			}
		}
	case map[string]any:
		return matchValue(e.Filter, v)
	}
	return false
}

func matchTop(c *Compare, doc map[string]any) bool {
	a := c.Attr.Attr
	if a == nil {
		return false
	}
	v, ok := container(doc, c.Attr.URN)[a.Name]
	if !ok && c.Attr.URN == "" && a.Name == "schemas" {
		return matchSchemas(c, doc)
	}
	if c.Attr.Sub == nil {
		return leaf(c, v, ok)
	}
	sub := c.Attr.Sub.Name
	switch t := v.(type) {
	case map[string]any:
		x, ok := t[sub]
		return leaf(c, x, ok)
	case []any:
		if c.Op == Pr || c.Value == nil {
			p := false
			for _, e := range t {
				m, _ := e.(map[string]any)
				if x, ok := m[sub]; ok && present(x) {
					p = true
					break
				}
			}
			return presence(c.Op, p)
		}
		if len(t) == 0 {
			return c.Op == Ne
		}
		for _, e := range t {
			m, _ := e.(map[string]any)
			x, ok := m[sub]
			if leaf(c, x, ok) {
				return true
			}
		}
		return false
	}
	return leaf(c, nil, false)
}

// presence answers pr, eq null and ne null given whether the attribute has
// a value.
func presence(op Op, present bool) bool {
	switch op {
	case Pr, Ne:
		return present
	case Eq:
		return !present
	}
	return false
}

// matchSchemas evaluates a filter on "schemas", which the generic form
// leaves out: its values are the core schema URN and the URN of each
// extension with attributes.
func matchSchemas(c *Compare, doc map[string]any) bool {
	if c.Op == Pr || c.Value == nil {
		return presence(c.Op, true)
	}
	for _, urn := range c.Attr.Attr.CanonicalValues {
		if scalar(c, urn) {
			return true
		}
	}
	for k, v := range doc {
		if len(k) > 4 && strings.EqualFold(k[:4], "urn:") && present(v) && scalar(c, k) {
			return true
		}
	}
	return false
}

// leaf evaluates c against x, the value (ok: present) of the attribute or
// sub-attribute c names in one container; x may be multi-valued.
func leaf(c *Compare, x any, ok bool) bool {
	if c.Op == Pr || c.Value == nil {
		return presence(c.Op, ok && present(x))
	}
	if !ok || x == nil {
		return c.Op == Ne
	}
	if arr, isArr := x.([]any); isArr {
		if len(arr) == 0 {
			return c.Op == Ne
		}
		for _, e := range arr {
			if scalar(c, e) {
				return true
			}
		}
		return false
	}
	return scalar(c, x)
}

// present reports whether v counts as a value for pr (RFC 7644 §3.4.2.2):
// not null, not "", not an empty array, not a complex value without
// sub-attribute values.
func present(v any) bool {
	switch v := v.(type) {
	case nil:
		return false
	case string:
		return v != ""
	case []any:
		for _, e := range v {
			if present(e) {
				return true
			}
		}
		return false
	case map[string]any:
		for _, e := range v {
			if present(e) {
				return true
			}
		}
		return false
	}
	return true
}

// scalar compares one stored value with c's value.
func scalar(c *Compare, x any) bool {
	switch xv := x.(type) {
	case string:
		cv, ok := c.Value.(string)
		if !ok {
			return c.Op == Ne
		}
		return matchString(c, xv, cv)
	case bool:
		cv, ok := c.Value.(bool)
		if !ok {
			return c.Op == Ne
		}
		switch c.Op {
		case Eq:
			return xv == cv
		case Ne:
			return xv != cv
		}
		return false
	case int64, float64, int:
		r, ok := numCmp(x, c.Value)
		if !ok {
			return c.Op == Ne
		}
		return opResult(c.Op, r)
	}
	return c.Op == Ne
}

func opResult(op Op, r int) bool {
	switch op {
	case Eq:
		return r == 0
	case Ne:
		return r != 0
	case Gt:
		return r > 0
	case Ge:
		return r >= 0
	case Lt:
		return r < 0
	case Le:
		return r <= 0
	}
	return false
}

func matchString(c *Compare, x, v string) bool {
	def := c.Attr.Def()
	exact := def != nil && def.CaseExact
	switch c.Op {
	case Co:
		if exact {
			return strings.Contains(x, v)
		}
		return containsFold(x, v)
	case Sw:
		if exact {
			return strings.HasPrefix(x, v)
		}
		return hasPrefixFold(x, v)
	case Ew:
		if exact {
			return strings.HasSuffix(x, v)
		}
		return hasSuffixFold(x, v)
	}
	if def != nil && def.Type == schema.DateTime {
		if r, ok := cmpInstant(x, v); ok {
			return opResult(c.Op, r)
		}
	}
	if c.Op == Eq || c.Op == Ne {
		eq := x == v
		if !exact {
			eq = strings.EqualFold(x, v)
		}
		return eq == (c.Op == Eq)
	}
	if exact {
		return opResult(c.Op, strings.Compare(x, v))
	}
	return opResult(c.Op, compareFold(x, v))
}

// Numbers.

func toNum(v any) (i int64, f float64, isInt, ok bool) {
	switch n := v.(type) {
	case int64:
		return n, 0, true, true
	case int:
		return int64(n), 0, true, true
	case float64:
		if math.IsNaN(n) {
			return 0, 0, false, false
		}
		return 0, n, false, true
	}
	return 0, 0, false, false
}

// numCmp compares two numbers exactly, whether int64 or float64.
func numCmp(a, b any) (int, bool) {
	ai, af, aInt, ok := toNum(a)
	if !ok {
		return 0, false
	}
	bi, bf, bInt, ok := toNum(b)
	if !ok {
		return 0, false
	}
	switch {
	case aInt && bInt:
		return cmp3(ai < bi, ai > bi), true
	case aInt:
		return cmpIntFloat(ai, bf), true
	case bInt:
		return -cmpIntFloat(bi, af), true
	}
	return cmp3(af < bf, af > bf), true
}

func cmp3(less, greater bool) int {
	switch {
	case less:
		return -1
	case greater:
		return 1
	}
	return 0
}

// cmpIntFloat compares i with f without the rounding of float64(i).
func cmpIntFloat(i int64, f float64) int {
	if f >= 1<<63 {
		return -1
	}
	if f < -(1 << 63) {
		return 1
	}
	t := int64(f) // exact: |f| < 2^63
	if i != t {
		return cmp3(i < t, i > t)
	}
	frac := f - float64(t)
	return cmp3(frac > 0, frac < 0)
}

// Date-times.

// parseInstant parses an xsd:dateTime / RFC 3339 date-time
// (2011-05-13T04:42:34.5+02:00; without a zone, UTC) into Unix seconds and
// nanoseconds without allocating.
func parseInstant(s string) (sec int64, nsec int, ok bool) {
	if len(s) < 19 || s[4] != '-' || s[7] != '-' || s[10] != 'T' && s[10] != 't' ||
		s[13] != ':' || s[16] != ':' {
		return 0, 0, false
	}
	year, ok1 := atoiN(s[0:4])
	month, ok2 := atoiN(s[5:7])
	day, ok3 := atoiN(s[8:10])
	hour, ok4 := atoiN(s[11:13])
	minute, ok5 := atoiN(s[14:16])
	second, ok6 := atoiN(s[17:19])
	if !(ok1 && ok2 && ok3 && ok4 && ok5 && ok6) || month < 1 || month > 12 || day < 1 || day > 31 ||
		hour > 23 || minute > 59 || second > 60 {
		return 0, 0, false
	}
	i := 19
	if i < len(s) && (s[i] == '.' || s[i] == ',') {
		i++
		start := i
		scale := 100000000
		for i < len(s) && s[i] >= '0' && s[i] <= '9' {
			nsec += int(s[i]-'0') * scale
			scale /= 10
			i++
		}
		if i == start {
			return 0, 0, false
		}
	}
	offset := 0
	switch {
	case i == len(s):
	case s[i] == 'Z' || s[i] == 'z':
		i++
	case s[i] == '+' || s[i] == '-':
		if len(s) < i+6 || s[i+3] != ':' {
			return 0, 0, false
		}
		oh, ok1 := atoiN(s[i+1 : i+3])
		om, ok2 := atoiN(s[i+4 : i+6])
		if !ok1 || !ok2 || oh > 23 || om > 59 {
			return 0, 0, false
		}
		offset = oh*3600 + om*60
		if s[i] == '-' {
			offset = -offset
		}
		i += 6
	}
	if i != len(s) {
		return 0, 0, false
	}
	t := time.Date(year, time.Month(month), day, hour, minute, second, 0, time.UTC)
	return t.Unix() - int64(offset), nsec, true
}

func atoiN(s string) (int, bool) {
	n := 0
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c < '0' || c > '9' {
			return 0, false
		}
		n = n*10 + int(c-'0')
	}
	return n, true
}

// cmpInstant compares two date-times as instants.
func cmpInstant(a, b string) (int, bool) {
	as, an, ok := parseInstant(a)
	if !ok {
		return 0, false
	}
	bs, bn, ok := parseInstant(b)
	if !ok {
		return 0, false
	}
	if as != bs {
		return cmp3(as < bs, as > bs), true
	}
	return cmp3(an < bn, an > bn), true
}

// Case folding without allocation.

func foldRune(r rune) rune {
	if r < utf8.RuneSelf {
		if 'A' <= r && r <= 'Z' {
			r += 'a' - 'A'
		}
		return r
	}
	return unicode.ToLower(unicode.ToUpper(r))
}

// equalFoldRune reports whether r and s are equal under simple Unicode
// case folding, as strings.EqualFold compares them.
func equalFoldRune(r, s rune) bool {
	if r == s {
		return true
	}
	if r < utf8.RuneSelf && s < utf8.RuneSelf {
		return foldRune(r) == foldRune(s)
	}
	if s < r {
		r, s = s, r
	}
	x := unicode.SimpleFold(r)
	for x != r && x < s {
		x = unicode.SimpleFold(x)
	}
	return x == s
}

// hasPrefixFold is strings.HasPrefix under case folding.
func hasPrefixFold(s, prefix string) bool {
	for prefix != "" {
		if s == "" {
			return false
		}
		var r1, r2 rune
		if c := s[0]; c < utf8.RuneSelf {
			r1, s = rune(c), s[1:]
		} else {
			var n int
			r1, n = utf8.DecodeRuneInString(s)
			s = s[n:]
		}
		if c := prefix[0]; c < utf8.RuneSelf {
			r2, prefix = rune(c), prefix[1:]
		} else {
			var n int
			r2, n = utf8.DecodeRuneInString(prefix)
			prefix = prefix[n:]
		}
		if !equalFoldRune(r1, r2) {
			return false
		}
	}
	return true
}

// hasSuffixFold is strings.HasSuffix under case folding.
func hasSuffixFold(s, suffix string) bool {
	for suffix != "" {
		if s == "" {
			return false
		}
		r1, n1 := utf8.DecodeLastRuneInString(s)
		r2, n2 := utf8.DecodeLastRuneInString(suffix)
		if !equalFoldRune(r1, r2) {
			return false
		}
		s, suffix = s[:len(s)-n1], suffix[:len(suffix)-n2]
	}
	return true
}

// containsFold is strings.Contains under case folding.
func containsFold(s, sub string) bool {
	if sub == "" {
		return true
	}
	// An ASCII byte can only start a match if it folds to the first byte
	// of sub (when that is ASCII too); other bytes need the full check,
	// since runes such as U+212A KELVIN SIGN fold to ASCII letters.
	first := -1
	if sub[0] < utf8.RuneSelf {
		first = int(foldRune(rune(sub[0])))
	}
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf && first >= 0 && int(foldRune(rune(c))) != first {
			i++
			continue
		}
		if hasPrefixFold(s[i:], sub) {
			return true
		}
		if c < utf8.RuneSelf {
			i++
		} else {
			_, n := utf8.DecodeRuneInString(s[i:])
			i += n
		}
	}
	return false
}

// compareFold orders strings by their case-folded runes.
func compareFold(a, b string) int {
	for a != "" && b != "" {
		r1, n1 := utf8.DecodeRuneInString(a)
		r2, n2 := utf8.DecodeRuneInString(b)
		a, b = a[n1:], b[n2:]
		r1, r2 = foldRune(r1), foldRune(r2)
		if r1 != r2 {
			return cmp3(r1 < r2, r1 > r2)
		}
	}
	return cmp3(a == "" && b != "", a != "" && b == "")
}

// Sorting.

func cmpDocs(a, b map[string]any, by schema.AttrRef, descending bool) int {
	va, oka := sortKey(a, by)
	vb, okb := sortKey(b, by)
	switch {
	case !oka && !okb:
		return 0
	case !oka:
		return 1
	case !okb:
		return -1
	}
	def := by.Def()
	if by.Sub == nil && def != nil && def.Type == schema.Complex {
		def = def.SubAttribute("value")
	}
	r := cmpValues(va, vb, def)
	if descending {
		r = -r
	}
	return r
}

// sortKey returns the value a resource sorts by: for a multi-valued
// attribute its primary value, else its first.
func sortKey(doc map[string]any, by schema.AttrRef) (any, bool) {
	if by.Attr == nil {
		return nil, false
	}
	v, ok := container(doc, by.URN)[by.Attr.Name]
	if !ok {
		return nil, false
	}
	sub := ""
	if by.Sub != nil {
		sub = by.Sub.Name
	} else if by.Attr.Type == schema.Complex {
		if s := by.Attr.SubAttribute("value"); s != nil {
			sub = s.Name
		}
	}
	if arr, isArr := v.([]any); isArr {
		v = pick(arr)
	}
	if sub != "" {
		m, _ := v.(map[string]any)
		v = m[sub]
	}
	if arr, isArr := v.([]any); isArr {
		v = pick(arr)
	}
	if !present(v) {
		return nil, false
	}
	return v, true
}

// pick returns the element of arr marked primary, else the first.
func pick(arr []any) any {
	for _, e := range arr {
		if m, ok := e.(map[string]any); ok {
			if p, _ := m["primary"].(bool); p {
				return e
			}
		}
	}
	if len(arr) == 0 {
		return nil
	}
	return arr[0]
}

func cmpValues(a, b any, def *schema.Attribute) int {
	switch x := a.(type) {
	case string:
		if y, ok := b.(string); ok {
			if def != nil && def.Type == schema.DateTime {
				if r, ok := cmpInstant(x, y); ok {
					return r
				}
			}
			if def != nil && def.CaseExact {
				return strings.Compare(x, y)
			}
			return compareFold(x, y)
		}
	case bool:
		if y, ok := b.(bool); ok {
			return cmp3(!x && y, x && !y)
		}
	default:
		if r, ok := numCmp(a, b); ok {
			return r
		}
	}
	ra, rb := rank(a), rank(b)
	return cmp3(ra < rb, ra > rb)
}

// rank orders values of different types, so that sorting stays a total
// order even on data of the wrong type.
func rank(v any) int {
	switch v.(type) {
	case bool:
		return 1
	case int64, int, float64:
		return 2
	case string:
		return 3
	}
	return 4
}
