package store

import (
	"encoding/json"
	"fmt"
	"math"
	"slices"
	"strconv"
	"time"
	"unicode/utf8"

	"github.com/scimstack/scimstack/schema"
)

// MarshalJSON writes u as a SCIM User: schemas first, then the core
// attributes, the extensions under their URNs and meta; password omitted.
//
// "schemas" lists the core User URN, the enterprise URN when Enterprise
// has an assigned attribute, and the URNs of the non-empty Extensions in
// sorted order; the extensions follow the core attributes in that order.
// Meta times are written in UTC with time.RFC3339Nano; zero times and
// empty Meta fields are left out, and meta with them.
//
// The output is what encoding/json would write for these fields, HTML
// characters escaped. It fails only on an extension value that
// encoding/json cannot encode, such as a NaN. See also [User.AppendJSON].
func (u *User) MarshalJSON() ([]byte, error) {
	b, err := u.appendJSON(make([]byte, 0, u.jsonSizeHint()))
	if err != nil {
		return nil, err
	}
	return b, nil
}

// AppendJSON appends to dst the bytes that MarshalJSON returns and
// returns the extended buffer. When dst has room it allocates nothing for
// a typical user, extensions in generic form included, so a caller that
// reuses its buffer encodes without garbage.
//
// Where MarshalJSON fails, on an extension value that encoding/json
// cannot encode, AppendJSON writes null in that value's place.
func (u *User) AppendJSON(dst []byte) []byte {
	dst, _ = u.appendJSON(dst)
	return dst
}

// appendJSON is AppendJSON reporting the first extension value written as
// null because encoding/json rejects it.
func (u *User) appendJSON(dst []byte) ([]byte, error) {
	if u == nil {
		return append(dst, "null"...), nil
	}
	withEnt := u.Enterprise != nil && u.Enterprise.assigned()

	// Extensions other than the enterprise one, in sorted order. Most
	// users have none or a few; the array keeps those off the heap.
	var urnArr [4]string
	urns := urnArr[:0]
	for urn, attrs := range u.Extensions {
		if len(attrs) > 0 && urn != schema.EnterpriseUserURN && urn != schema.UserURN {
			urns = append(urns, urn)
		}
	}
	slices.Sort(urns)

	dst = append(dst, `{"schemas":[`...)
	dst = appendString(dst, schema.UserURN)
	if withEnt {
		dst = append(dst, ',')
		dst = appendString(dst, schema.EnterpriseUserURN)
	}
	for _, urn := range urns {
		dst = append(dst, ',')
		dst = appendString(dst, urn)
	}
	dst = append(dst, ']')

	// Every member below starts with its comma: "schemas" came first.
	dst = appendOptString(dst, `,"id":`, u.ID)
	dst = appendOptString(dst, `,"externalId":`, u.ExternalID)
	dst = append(dst, `,"userName":`...) // not omitempty
	dst = appendString(dst, u.UserName)
	if n := u.Name; n != nil {
		dst = append(dst, `,"name":`...)
		start := len(dst)
		dst = appendOptString(dst, `,"formatted":`, n.Formatted)
		dst = appendOptString(dst, `,"familyName":`, n.FamilyName)
		dst = appendOptString(dst, `,"givenName":`, n.GivenName)
		dst = appendOptString(dst, `,"middleName":`, n.MiddleName)
		dst = appendOptString(dst, `,"honorificPrefix":`, n.HonorificPrefix)
		dst = appendOptString(dst, `,"honorificSuffix":`, n.HonorificSuffix)
		dst = closeObject(dst, start)
	}
	dst = appendOptString(dst, `,"displayName":`, u.DisplayName)
	dst = appendOptString(dst, `,"nickName":`, u.NickName)
	dst = appendOptString(dst, `,"profileUrl":`, u.ProfileURL)
	dst = appendOptString(dst, `,"title":`, u.Title)
	dst = appendOptString(dst, `,"userType":`, u.UserType)
	dst = appendOptString(dst, `,"preferredLanguage":`, u.PreferredLanguage)
	dst = appendOptString(dst, `,"locale":`, u.Locale)
	dst = appendOptString(dst, `,"timezone":`, u.Timezone)
	if u.Active != nil {
		dst = append(dst, `,"active":`...)
		dst = strconv.AppendBool(dst, *u.Active)
	}
	dst = appendMultiValues(dst, `,"emails":[`, u.Emails)
	dst = appendMultiValues(dst, `,"phoneNumbers":[`, u.PhoneNumbers)
	dst = appendMultiValues(dst, `,"ims":[`, u.IMs)
	dst = appendMultiValues(dst, `,"photos":[`, u.Photos)
	if len(u.Addresses) > 0 {
		dst = append(dst, `,"addresses":[`...)
		for i := range u.Addresses {
			a := &u.Addresses[i]
			if i > 0 {
				dst = append(dst, ',')
			}
			start := len(dst)
			dst = appendOptString(dst, `,"formatted":`, a.Formatted)
			dst = appendOptString(dst, `,"streetAddress":`, a.StreetAddress)
			dst = appendOptString(dst, `,"locality":`, a.Locality)
			dst = appendOptString(dst, `,"region":`, a.Region)
			dst = appendOptString(dst, `,"postalCode":`, a.PostalCode)
			dst = appendOptString(dst, `,"country":`, a.Country)
			dst = appendOptString(dst, `,"type":`, a.Type)
			if a.Primary {
				dst = append(dst, `,"primary":true`...)
			}
			dst = closeObject(dst, start)
		}
		dst = append(dst, ']')
	}
	if len(u.Groups) > 0 {
		dst = append(dst, `,"groups":[`...)
		for i := range u.Groups {
			g := &u.Groups[i]
			if i > 0 {
				dst = append(dst, ',')
			}
			start := len(dst)
			dst = appendOptString(dst, `,"value":`, g.Value)
			dst = appendOptString(dst, `,"$ref":`, g.Ref)
			dst = appendOptString(dst, `,"display":`, g.Display)
			dst = appendOptString(dst, `,"type":`, g.Type)
			dst = closeObject(dst, start)
		}
		dst = append(dst, ']')
	}
	dst = appendMultiValues(dst, `,"entitlements":[`, u.Entitlements)
	dst = appendMultiValues(dst, `,"roles":[`, u.Roles)
	dst = appendMultiValues(dst, `,"x509Certificates":[`, u.X509Certificates)

	if withEnt {
		e := u.Enterprise
		dst = append(dst, `,"`+schema.EnterpriseUserURN+`":`...)
		start := len(dst)
		dst = appendOptString(dst, `,"employeeNumber":`, e.EmployeeNumber)
		dst = appendOptString(dst, `,"costCenter":`, e.CostCenter)
		dst = appendOptString(dst, `,"organization":`, e.Organization)
		dst = appendOptString(dst, `,"division":`, e.Division)
		dst = appendOptString(dst, `,"department":`, e.Department)
		if m := e.Manager; m.assigned() {
			dst = append(dst, `,"manager":`...)
			mstart := len(dst)
			dst = appendOptString(dst, `,"value":`, m.Value)
			dst = appendOptString(dst, `,"$ref":`, m.Ref)
			dst = appendOptString(dst, `,"displayName":`, m.DisplayName)
			dst = closeObject(dst, mstart)
		}
		dst = closeObject(dst, start)
	}

	var first error
	for _, urn := range urns {
		dst = append(dst, ',')
		dst = appendString(dst, urn)
		dst = append(dst, ':')
		var err error
		dst, err = appendObject(dst, u.Extensions[urn], 0)
		if err != nil && first == nil {
			first = fmt.Errorf("store: extension %s: %w", urn, err)
		}
	}

	if mt := &u.Meta; mt.ResourceType != "" || !mt.Created.IsZero() || !mt.LastModified.IsZero() ||
		mt.Location != "" || mt.Version != "" {
		dst = append(dst, `,"meta":`...)
		start := len(dst)
		dst = appendOptString(dst, `,"resourceType":`, mt.ResourceType)
		dst = appendOptTime(dst, `,"created":`, mt.Created)
		dst = appendOptTime(dst, `,"lastModified":`, mt.LastModified)
		dst = appendOptString(dst, `,"location":`, mt.Location)
		dst = appendOptString(dst, `,"version":`, mt.Version)
		dst = closeObject(dst, start)
	}
	return append(dst, '}'), first
}

// jsonSizeHint estimates the length of u's JSON from above, so that
// MarshalJSON allocates its buffer once for most users.
func (u *User) jsonSizeHint() int {
	if u == nil {
		return 4
	}
	// The schemas, the braces and the meta times.
	n := 200 + hintLen(u.ID) + hintLen(u.ExternalID) + hintLen(u.UserName) +
		hintLen(u.DisplayName) + hintLen(u.NickName) + hintLen(u.ProfileURL) +
		hintLen(u.Title) + hintLen(u.UserType) + hintLen(u.PreferredLanguage) +
		hintLen(u.Locale) + hintLen(u.Timezone) + hintLen(u.Meta.ResourceType) +
		hintLen(u.Meta.Location) + hintLen(u.Meta.Version)
	if nm := u.Name; nm != nil {
		n += 10 + hintLen(nm.Formatted) + hintLen(nm.FamilyName) + hintLen(nm.GivenName) +
			hintLen(nm.MiddleName) + hintLen(nm.HonorificPrefix) + hintLen(nm.HonorificSuffix)
	}
	for _, l := range [...][]MultiValue{u.Emails, u.PhoneNumbers, u.IMs, u.Photos, u.Entitlements, u.Roles, u.X509Certificates} {
		for i := range l {
			n += 40 + hintLen(l[i].Value) + hintLen(l[i].Display) + hintLen(l[i].Type)
		}
	}
	for i := range u.Addresses {
		a := &u.Addresses[i]
		n += 40 + hintLen(a.Formatted) + hintLen(a.StreetAddress) + hintLen(a.Locality) +
			hintLen(a.Region) + hintLen(a.PostalCode) + hintLen(a.Country) + hintLen(a.Type)
	}
	for i := range u.Groups {
		g := &u.Groups[i]
		n += 20 + hintLen(g.Value) + hintLen(g.Ref) + hintLen(g.Display) + hintLen(g.Type)
	}
	if e := u.Enterprise; e != nil {
		n += 80 + hintLen(e.EmployeeNumber) + hintLen(e.CostCenter) + hintLen(e.Organization) +
			hintLen(e.Division) + hintLen(e.Department)
		if m := e.Manager; m != nil {
			n += 20 + hintLen(m.Value) + hintLen(m.Ref) + hintLen(m.DisplayName)
		}
	}
	n += 128 * len(u.Extensions)
	return n + n/16 // some escapes
}

// hintLen is the room for an optional string member: the value, its
// quotes and a key.
func hintLen(s string) int {
	if s == "" {
		return 0
	}
	return len(s) + 20
}

// assigned reports whether e has an assigned attribute, that is, whether
// MarshalJSON writes it.
func (e *EnterpriseUser) assigned() bool {
	return e.EmployeeNumber != "" || e.CostCenter != "" || e.Organization != "" ||
		e.Division != "" || e.Department != "" || e.Manager.assigned()
}

func (m *Manager) assigned() bool {
	return m != nil && (m.Value != "" || m.Ref != "" || m.DisplayName != "")
}

// appendOptString appends member, a comma, a quoted key and a colon, and
// then v, unless v is "" (omitempty).
func appendOptString(dst []byte, member, v string) []byte {
	if v == "" {
		return dst
	}
	dst = append(dst, member...)
	return appendString(dst, v)
}

func appendOptTime(dst []byte, member string, t time.Time) []byte {
	if t.IsZero() {
		return dst
	}
	dst = append(dst, member...)
	dst = append(dst, '"')
	dst = t.UTC().AppendFormat(dst, time.RFC3339Nano) // no byte to escape
	return append(dst, '"')
}

// closeObject ends an object whose members, each written with a leading
// comma, start at dst[start:]: the first comma becomes the opening brace.
func closeObject(dst []byte, start int) []byte {
	if len(dst) == start {
		return append(dst, '{', '}')
	}
	dst[start] = '{'
	return append(dst, '}')
}

// appendMultiValues appends open (a comma, the key, a colon and a bracket)
// and the values, unless there are none (omitempty).
func appendMultiValues(dst []byte, open string, vs []MultiValue) []byte {
	if len(vs) == 0 {
		return dst
	}
	dst = append(dst, open...)
	for i := range vs {
		v := &vs[i]
		if i > 0 {
			dst = append(dst, ',')
		}
		start := len(dst)
		dst = appendOptString(dst, `,"value":`, v.Value)
		dst = appendOptString(dst, `,"display":`, v.Display)
		dst = appendOptString(dst, `,"type":`, v.Type)
		if v.Primary {
			dst = append(dst, `,"primary":true`...)
		}
		dst = closeObject(dst, start)
	}
	return append(dst, ']')
}

// maxDepth bounds the nesting appendValue follows itself; deeper values,
// and cycles, are left to encoding/json, which reports a cycle as an
// error.
const maxDepth = 64

// appendValue appends v, a value in generic form, as encoding/json writes
// it. Values of other types are handed to encoding/json. A value that
// encoding/json rejects is written as null and its error returned, after
// the rest of the value has been written.
func appendValue(dst []byte, v any, depth int) ([]byte, error) {
	switch v := v.(type) {
	case nil:
		return append(dst, "null"...), nil
	case string:
		return appendString(dst, v), nil
	case bool:
		return strconv.AppendBool(dst, v), nil
	case int64:
		return strconv.AppendInt(dst, v, 10), nil
	case int:
		return strconv.AppendInt(dst, int64(v), 10), nil
	case float64:
		if math.IsNaN(v) || math.IsInf(v, 0) {
			break
		}
		return appendFloat(dst, v), nil
	case json.Number:
		s := string(v)
		if s == "" {
			s = "0" // as encoding/json writes the zero Number
		}
		if !validNumber(s) {
			break
		}
		return append(dst, s...), nil
	case map[string]any:
		if v == nil {
			return append(dst, "null"...), nil
		}
		if depth >= maxDepth {
			break
		}
		return appendObject(dst, v, depth+1)
	case []any:
		if v == nil {
			return append(dst, "null"...), nil
		}
		if depth >= maxDepth {
			break
		}
		dst = append(dst, '[')
		var first error
		for i, e := range v {
			if i > 0 {
				dst = append(dst, ',')
			}
			var err error
			dst, err = appendValue(dst, e, depth+1)
			if err != nil && first == nil {
				first = err
			}
		}
		return append(dst, ']'), first
	}
	b, err := json.Marshal(v)
	if err != nil {
		return append(dst, "null"...), err
	}
	return append(dst, b...), nil
}

// appendObject appends m with its keys in sorted order, like encoding/json.
// m must not be nil.
func appendObject(dst []byte, m map[string]any, depth int) ([]byte, error) {
	var keyArr [16]string
	keys := keyArr[:0]
	if len(m) > len(keyArr) {
		keys = make([]string, 0, len(m))
	}
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	dst = append(dst, '{')
	var first error
	for i, k := range keys {
		if i > 0 {
			dst = append(dst, ',')
		}
		dst = appendString(dst, k)
		dst = append(dst, ':')
		var err error
		dst, err = appendValue(dst, m[k], depth)
		if err != nil && first == nil {
			first = err
		}
	}
	return append(dst, '}'), first
}

// appendFloat writes f as encoding/json does (ES6 number to string): the
// shortest decimal that reads back as f, in exponent form only below 1e-6
// or from 1e21 on, with no leading zero in a negative exponent.
func appendFloat(dst []byte, f float64) []byte {
	format := byte('f')
	if abs := math.Abs(f); abs != 0 && (abs < 1e-6 || abs >= 1e21) {
		format = 'e'
	}
	dst = strconv.AppendFloat(dst, f, format, -1, 64)
	if format == 'e' {
		// strconv writes e-07; encoding/json writes e-7.
		if n := len(dst); n >= 4 && dst[n-4] == 'e' && dst[n-3] == '-' && dst[n-2] == '0' {
			dst[n-2] = dst[n-1]
			dst = dst[:n-1]
		}
	}
	return dst
}

// validNumber reports whether s is a JSON number (RFC 8259 §6).
func validNumber(s string) bool {
	i := 0
	if i < len(s) && s[i] == '-' {
		i++
	}
	switch {
	case i < len(s) && s[i] == '0':
		i++
	case i < len(s) && '1' <= s[i] && s[i] <= '9':
		for i < len(s) && isDigit(s[i]) {
			i++
		}
	default:
		return false
	}
	if i < len(s) && s[i] == '.' {
		i++
		if i == len(s) || !isDigit(s[i]) {
			return false
		}
		for i < len(s) && isDigit(s[i]) {
			i++
		}
	}
	if i < len(s) && (s[i] == 'e' || s[i] == 'E') {
		i++
		if i < len(s) && (s[i] == '+' || s[i] == '-') {
			i++
		}
		if i == len(s) || !isDigit(s[i]) {
			return false
		}
		for i < len(s) && isDigit(s[i]) {
			i++
		}
	}
	return i == len(s)
}

func isDigit(c byte) bool { return '0' <= c && c <= '9' }

// plainByte marks the ASCII bytes that appendString copies as they are:
// all but control characters, the quote, the backslash and the HTML
// characters <, > and &, which encoding/json escapes by default.
var plainByte = func() (t [utf8.RuneSelf]bool) {
	for c := 0x20; c < utf8.RuneSelf; c++ {
		t[c] = true
	}
	for _, c := range `"\<>&` {
		t[c] = false
	}
	return t
}()

const hexDigits = "0123456789abcdef"

// appendString appends s as a JSON string, escaped as encoding/json
// escapes it: \" \\ \b \f \n \r \t, other control characters and <, >, &
// as \u00XX, U+2028 and U+2029 as \u2028 and \u2029, and each byte of
// invalid UTF-8 replaced by \ufffd.
func appendString(dst []byte, s string) []byte {
	dst = append(dst, '"')
	done := 0 // s[:done] is in dst
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			if plainByte[c] {
				i++
				continue
			}
			dst = append(dst, s[done:i]...)
			switch c {
			case '"', '\\':
				dst = append(dst, '\\', c)
			case '\b':
				dst = append(dst, '\\', 'b')
			case '\f':
				dst = append(dst, '\\', 'f')
			case '\n':
				dst = append(dst, '\\', 'n')
			case '\r':
				dst = append(dst, '\\', 'r')
			case '\t':
				dst = append(dst, '\\', 't')
			default:
				dst = append(dst, '\\', 'u', '0', '0', hexDigits[c>>4], hexDigits[c&0xf])
			}
			i++
			done = i
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && size == 1:
			dst = append(dst, s[done:i]...)
			dst = append(dst, `\ufffd`...)
		case r == '\u2028' || r == '\u2029':
			dst = append(dst, s[done:i]...)
			dst = append(dst, '\\', 'u', '2', '0', '2', hexDigits[r&0xf])
		default:
			i += size
			continue
		}
		i += size
		done = i
	}
	dst = append(dst, s[done:]...)
	return append(dst, '"')
}
