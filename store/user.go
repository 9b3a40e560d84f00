package store

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/scimstack/scimstack/schema"
)

// User is a SCIM User resource (RFC 7643 §4.1) with the enterprise
// extension (§4.3) and any registered custom extensions.
//
// A string field that is "" is unassigned. Its JSON form (MarshalJSON) is
// the SCIM representation: "schemas" is derived from the attributes
// present, Password is never written, and the extensions appear under their
// URNs. There is no UnmarshalJSON: decode a request body into a map,
// bring it to generic form with schema.ResourceType.Normalize and convert
// it with UserFromMap, which is what the handler does.
type User struct {
	ID                string       `json:"id,omitempty"`
	ExternalID        string       `json:"externalId,omitempty"`
	UserName          string       `json:"userName"`
	Name              *Name        `json:"name,omitempty"`
	DisplayName       string       `json:"displayName,omitempty"`
	NickName          string       `json:"nickName,omitempty"`
	ProfileURL        string       `json:"profileUrl,omitempty"`
	Title             string       `json:"title,omitempty"`
	UserType          string       `json:"userType,omitempty"`
	PreferredLanguage string       `json:"preferredLanguage,omitempty"`
	Locale            string       `json:"locale,omitempty"`
	Timezone          string       `json:"timezone,omitempty"`
	Active            *bool        `json:"active,omitempty"`
	Password          string       `json:"-"`
	Emails            []MultiValue `json:"emails,omitempty"`
	PhoneNumbers      []MultiValue `json:"phoneNumbers,omitempty"`
	IMs               []MultiValue `json:"ims,omitempty"`
	Photos            []MultiValue `json:"photos,omitempty"`
	Addresses         []Address    `json:"addresses,omitempty"`
	Groups            []GroupRef   `json:"groups,omitempty"`
	Entitlements      []MultiValue `json:"entitlements,omitempty"`
	Roles             []MultiValue `json:"roles,omitempty"`
	X509Certificates  []MultiValue `json:"x509Certificates,omitempty"`

	// Enterprise holds the enterprise extension
	// (urn:ietf:params:scim:schemas:extension:enterprise:2.0:User), or nil.
	Enterprise *EnterpriseUser `json:"-"`

	// Extensions holds the attributes of other registered extensions, by
	// canonical extension URN, in generic form (see schema.ResourceType).
	Extensions map[string]map[string]any `json:"-"`

	Meta Meta `json:"-"`
}

// Name is the components of a user's name (RFC 7643 §4.1.1).
type Name struct {
	Formatted       string `json:"formatted,omitempty"`
	FamilyName      string `json:"familyName,omitempty"`
	GivenName       string `json:"givenName,omitempty"`
	MiddleName      string `json:"middleName,omitempty"`
	HonorificPrefix string `json:"honorificPrefix,omitempty"`
	HonorificSuffix string `json:"honorificSuffix,omitempty"`
}

// MultiValue is one value of emails, phoneNumbers, ims, photos,
// entitlements, roles or x509Certificates (RFC 7643 §2.4, §4.1.2).
type MultiValue struct {
	Value   string `json:"value,omitempty"`
	Display string `json:"display,omitempty"`
	Type    string `json:"type,omitempty"`
	Primary bool   `json:"primary,omitempty"`
}

// Address is one value of addresses (RFC 7643 §4.1.2).
type Address struct {
	Formatted     string `json:"formatted,omitempty"`
	StreetAddress string `json:"streetAddress,omitempty"`
	Locality      string `json:"locality,omitempty"`
	Region        string `json:"region,omitempty"`
	PostalCode    string `json:"postalCode,omitempty"`
	Country       string `json:"country,omitempty"`
	Type          string `json:"type,omitempty"`
	Primary       bool   `json:"primary,omitempty"`
}

// GroupRef is one value of the readOnly groups attribute (RFC 7643 §4.1.2).
type GroupRef struct {
	Value   string `json:"value,omitempty"`
	Ref     string `json:"$ref,omitempty"`
	Display string `json:"display,omitempty"`
	Type    string `json:"type,omitempty"`
}

// EnterpriseUser is the enterprise user extension (RFC 7643 §4.3).
type EnterpriseUser struct {
	EmployeeNumber string   `json:"employeeNumber,omitempty"`
	CostCenter     string   `json:"costCenter,omitempty"`
	Organization   string   `json:"organization,omitempty"`
	Division       string   `json:"division,omitempty"`
	Department     string   `json:"department,omitempty"`
	Manager        *Manager `json:"manager,omitempty"`
}

// Manager is the enterprise extension's manager (RFC 7643 §4.3).
type Manager struct {
	Value       string `json:"value,omitempty"`
	Ref         string `json:"$ref,omitempty"`
	DisplayName string `json:"displayName,omitempty"`
}

// Meta is a resource's metadata (RFC 7643 §3.1). Stores set Created,
// LastModified and Version; the handler sets ResourceType and Location when
// it writes a response.
type Meta struct {
	ResourceType string    `json:"resourceType,omitempty"`
	Created      time.Time `json:"created"`
	LastModified time.Time `json:"lastModified"`
	Location     string    `json:"location,omitempty"`
	// Version is opaque to the handler, which sends it as a weak ETag
	// (W/"<version>"). Every write must change it.
	Version string `json:"version,omitempty"`
}

// Clone returns a deep copy of u, sharing nothing with it. Clone of nil is
// nil.
func (u *User) Clone() *User {
	if u == nil {
		return nil
	}
	var c *User
	var b *userBlock
	if u.Name == nil && u.Active == nil && u.Enterprise == nil {
		c = new(User)
		*c = *u
	} else {
		b = &userBlock{user: *u}
		c = &b.user
		b.hold()
	}

	// The multi-valued attributes of one type share a backing array,
	// each capped at its length so that an append cannot reach the next.
	// A single value (often one email) fits in the block.
	if n := len(u.Emails) + len(u.PhoneNumbers) + len(u.IMs) + len(u.Photos) +
		len(u.Entitlements) + len(u.Roles) + len(u.X509Certificates); n > 0 {
		var pool []MultiValue
		if b != nil && n == 1 {
			pool = b.mv[:]
		} else {
			pool = make([]MultiValue, n)
		}
		c.Emails = carve(&pool, u.Emails)
		c.PhoneNumbers = carve(&pool, u.PhoneNumbers)
		c.IMs = carve(&pool, u.IMs)
		c.Photos = carve(&pool, u.Photos)
		c.Entitlements = carve(&pool, u.Entitlements)
		c.Roles = carve(&pool, u.Roles)
		c.X509Certificates = carve(&pool, u.X509Certificates)
	} else {
		c.Emails = u.Emails[:0:0] // nil stays nil, empty stays empty
		c.PhoneNumbers = u.PhoneNumbers[:0:0]
		c.IMs = u.IMs[:0:0]
		c.Photos = u.Photos[:0:0]
		c.Entitlements = u.Entitlements[:0:0]
		c.Roles = u.Roles[:0:0]
		c.X509Certificates = u.X509Certificates[:0:0]
	}
	c.Addresses = slices.Clone(u.Addresses)
	c.Groups = slices.Clone(u.Groups)
	if u.Extensions != nil {
		c.Extensions = make(map[string]map[string]any, len(u.Extensions))
		for urn, attrs := range u.Extensions {
			c.Extensions[urn] = copyObject(attrs)
		}
	}
	return c
}

// userBlock is a User allocated together with the values its pointer
// fields lead to and room for one multi-valued attribute value: one
// allocation instead of up to six for Clone and UserFromMap. At 832 bytes
// (an 896-byte size class) it is no bigger than those six together.
type userBlock struct {
	user   User
	name   Name
	ent    EnterpriseUser
	mgr    Manager
	mv     [1]MultiValue
	active bool
}

// hold points b.user's Name, Active and Enterprise (and its Manager) at
// copies of their values kept in b. Nil fields stay nil.
func (b *userBlock) hold() {
	u := &b.user
	if u.Name != nil {
		b.name = *u.Name
		u.Name = &b.name
	}
	if u.Active != nil {
		b.active = *u.Active
		u.Active = &b.active
	}
	if ent := u.Enterprise; ent != nil {
		b.ent = *ent
		if ent.Manager != nil {
			b.mgr = *ent.Manager
			b.ent.Manager = &b.mgr
		}
		u.Enterprise = &b.ent
	}
}

// carve copies src to the front of *pool, which it then advances, and
// returns the copy with its capacity capped. An empty src is returned as
// src[:0:0], so that nil stays nil.
func carve(pool *[]MultiValue, src []MultiValue) []MultiValue {
	if len(src) == 0 {
		return src[:0:0]
	}
	p := *pool
	n := copy(p, src)
	*pool = p[n:]
	return p[:n:n]
}

// copyValue deep-copies a value in generic form. Values of other types
// are scalars or unknown and are copied as they are.
func copyValue(v any) any {
	switch v := v.(type) {
	case map[string]any:
		return copyObject(v)
	case []any:
		if v == nil {
			return v
		}
		c := make([]any, len(v))
		for i, e := range v {
			c[i] = copyValue(e)
		}
		return c
	default:
		return v
	}
}

func copyObject(m map[string]any) map[string]any {
	if m == nil {
		return nil
	}
	c := make(map[string]any, len(m))
	for k, v := range m {
		c[k] = copyValue(v)
	}
	return c
}

// Map returns u in the generic form of schema.ResourceType, including id,
// externalId and meta (created and lastModified as RFC 3339 strings) and
// the password. The map shares nothing with u.
//
// Empty strings, nil pointers, empty slices and a false "primary" have no
// key; a Name, EnterpriseUser, Manager or extension with no assigned
// attribute has no key either. Times are written in UTC with
// time.RFC3339Nano. Map of nil is nil.
func (u *User) Map() map[string]any {
	if u == nil {
		return nil
	}
	m := make(map[string]any, u.mapSizeHint())
	// Extensions first, so that a stray non-URN key cannot shadow a core
	// attribute.
	for urn, attrs := range u.Extensions {
		if len(attrs) > 0 {
			m[urn] = copyObject(attrs)
		}
	}
	putString(m, "id", u.ID)
	putString(m, "externalId", u.ExternalID)
	putString(m, "userName", u.UserName)
	if u.Name != nil {
		if n := nameMap(u.Name); len(n) > 0 {
			m["name"] = n
		}
	}
	putString(m, "displayName", u.DisplayName)
	putString(m, "nickName", u.NickName)
	putString(m, "profileUrl", u.ProfileURL)
	putString(m, "title", u.Title)
	putString(m, "userType", u.UserType)
	putString(m, "preferredLanguage", u.PreferredLanguage)
	putString(m, "locale", u.Locale)
	putString(m, "timezone", u.Timezone)
	if u.Active != nil {
		m["active"] = *u.Active
	}
	putString(m, "password", u.Password)
	putMultiValues(m, "emails", u.Emails)
	putMultiValues(m, "phoneNumbers", u.PhoneNumbers)
	putMultiValues(m, "ims", u.IMs)
	putMultiValues(m, "photos", u.Photos)
	if len(u.Addresses) > 0 {
		l := make([]any, len(u.Addresses))
		for i := range u.Addresses {
			l[i] = addressMap(&u.Addresses[i])
		}
		m["addresses"] = l
	}
	if len(u.Groups) > 0 {
		l := make([]any, len(u.Groups))
		for i := range u.Groups {
			l[i] = groupMap(&u.Groups[i])
		}
		m["groups"] = l
	}
	putMultiValues(m, "entitlements", u.Entitlements)
	putMultiValues(m, "roles", u.Roles)
	putMultiValues(m, "x509Certificates", u.X509Certificates)
	if u.Enterprise != nil {
		if e := enterpriseMap(u.Enterprise); len(e) > 0 {
			m[schema.EnterpriseUserURN] = e
		}
	}
	if meta := metaMap(&u.Meta); len(meta) > 0 {
		m["meta"] = meta
	}
	return m
}

// mapSizeHint returns the number of keys of u.Map, or a little more, so
// that the map is made at its final size.
func (u *User) mapSizeHint() int {
	n := len(u.Extensions) + 2 // the extensions, name and meta
	for _, s := range [...]string{
		u.ID, u.ExternalID, u.UserName, u.DisplayName, u.NickName, u.ProfileURL, u.Title,
		u.UserType, u.PreferredLanguage, u.Locale, u.Timezone, u.Password,
	} {
		if s != "" {
			n++
		}
	}
	for _, l := range [...]int{
		len(u.Emails), len(u.PhoneNumbers), len(u.IMs), len(u.Photos), len(u.Addresses),
		len(u.Groups), len(u.Entitlements), len(u.Roles), len(u.X509Certificates),
	} {
		if l > 0 {
			n++
		}
	}
	if u.Active != nil {
		n++
	}
	if u.Enterprise != nil {
		n++
	}
	return n
}

func putString(m map[string]any, key, v string) {
	if v != "" {
		m[key] = v
	}
}

func nameMap(n *Name) map[string]any {
	m := make(map[string]any, 6)
	putString(m, "formatted", n.Formatted)
	putString(m, "familyName", n.FamilyName)
	putString(m, "givenName", n.GivenName)
	putString(m, "middleName", n.MiddleName)
	putString(m, "honorificPrefix", n.HonorificPrefix)
	putString(m, "honorificSuffix", n.HonorificSuffix)
	return m
}

func putMultiValues(m map[string]any, key string, vs []MultiValue) {
	if len(vs) == 0 {
		return
	}
	l := make([]any, len(vs))
	for i := range vs {
		v := &vs[i]
		e := make(map[string]any, 4)
		putString(e, "value", v.Value)
		putString(e, "display", v.Display)
		putString(e, "type", v.Type)
		if v.Primary {
			e["primary"] = true
		}
		l[i] = e
	}
	m[key] = l
}

func addressMap(a *Address) map[string]any {
	m := make(map[string]any, 8)
	putString(m, "formatted", a.Formatted)
	putString(m, "streetAddress", a.StreetAddress)
	putString(m, "locality", a.Locality)
	putString(m, "region", a.Region)
	putString(m, "postalCode", a.PostalCode)
	putString(m, "country", a.Country)
	putString(m, "type", a.Type)
	if a.Primary {
		m["primary"] = true
	}
	return m
}

func groupMap(g *GroupRef) map[string]any {
	m := make(map[string]any, 4)
	putString(m, "value", g.Value)
	putString(m, "$ref", g.Ref)
	putString(m, "display", g.Display)
	putString(m, "type", g.Type)
	return m
}

func enterpriseMap(e *EnterpriseUser) map[string]any {
	m := make(map[string]any, 6)
	putString(m, "employeeNumber", e.EmployeeNumber)
	putString(m, "costCenter", e.CostCenter)
	putString(m, "organization", e.Organization)
	putString(m, "division", e.Division)
	putString(m, "department", e.Department)
	if e.Manager != nil {
		mg := make(map[string]any, 3)
		putString(mg, "value", e.Manager.Value)
		putString(mg, "$ref", e.Manager.Ref)
		putString(mg, "displayName", e.Manager.DisplayName)
		if len(mg) > 0 {
			m["manager"] = mg
		}
	}
	return m
}

func metaMap(mt *Meta) map[string]any {
	m := make(map[string]any, 5)
	putString(m, "resourceType", mt.ResourceType)
	if !mt.Created.IsZero() {
		m["created"] = formatTime(mt.Created)
	}
	if !mt.LastModified.IsZero() {
		m["lastModified"] = formatTime(mt.LastModified)
	}
	putString(m, "location", mt.Location)
	putString(m, "version", mt.Version)
	return m
}

func formatTime(t time.Time) string {
	return t.UTC().Format(time.RFC3339Nano)
}

// UserFromMap builds a User from doc, a resource in generic form as
// returned by schema.ResourceType.Normalize (canonical names, coerced
// values). Attributes of extensions other than the enterprise one go to
// Extensions. meta is read when present. It never fails on a normalized
// document; an error reports a value of the wrong Go type.
//
// Keys that name no User attribute and no extension (a key starting with
// "urn:" whose value is an object) are ignored, as is "schemas". The
// returned User shares nothing with doc.
func UserFromMap(doc map[string]any) (*User, error) {
	b := &userBlock{}
	u := &b.user
	r := reader{spare: b.mv[:]}
	for k, v := range doc {
		switch k {
		case "id":
			u.ID = r.str(k, "", v)
		case "externalId":
			u.ExternalID = r.str(k, "", v)
		case "userName":
			u.UserName = r.str(k, "", v)
		case "name":
			if o := r.object(k, "", v); o != nil {
				b.name = Name{
					Formatted:       r.str("name", "formatted", o["formatted"]),
					FamilyName:      r.str("name", "familyName", o["familyName"]),
					GivenName:       r.str("name", "givenName", o["givenName"]),
					MiddleName:      r.str("name", "middleName", o["middleName"]),
					HonorificPrefix: r.str("name", "honorificPrefix", o["honorificPrefix"]),
					HonorificSuffix: r.str("name", "honorificSuffix", o["honorificSuffix"]),
				}
				u.Name = &b.name
			}
		case "displayName":
			u.DisplayName = r.str(k, "", v)
		case "nickName":
			u.NickName = r.str(k, "", v)
		case "profileUrl":
			u.ProfileURL = r.str(k, "", v)
		case "title":
			u.Title = r.str(k, "", v)
		case "userType":
			u.UserType = r.str(k, "", v)
		case "preferredLanguage":
			u.PreferredLanguage = r.str(k, "", v)
		case "locale":
			u.Locale = r.str(k, "", v)
		case "timezone":
			u.Timezone = r.str(k, "", v)
		case "active":
			if v != nil {
				b.active = r.boolean(k, "", v)
				u.Active = &b.active
			}
		case "password":
			u.Password = r.str(k, "", v)
		case "emails":
			u.Emails = r.multiValues(k, v)
		case "phoneNumbers":
			u.PhoneNumbers = r.multiValues(k, v)
		case "ims":
			u.IMs = r.multiValues(k, v)
		case "photos":
			u.Photos = r.multiValues(k, v)
		case "addresses":
			u.Addresses = r.addresses(k, v)
		case "groups":
			u.Groups = r.groups(k, v)
		case "entitlements":
			u.Entitlements = r.multiValues(k, v)
		case "roles":
			u.Roles = r.multiValues(k, v)
		case "x509Certificates":
			u.X509Certificates = r.multiValues(k, v)
		case "meta":
			if o := r.object(k, "", v); o != nil {
				u.Meta = r.meta(o)
			}
		case schema.EnterpriseUserURN:
			if o := r.object(k, "", v); o != nil {
				r.enterprise(o, b)
			}
		default:
			o, ok := v.(map[string]any)
			if !ok || !hasURNPrefix(k) || strings.EqualFold(k, schema.UserURN) {
				continue
			}
			if u.Extensions == nil {
				u.Extensions = make(map[string]map[string]any, 1)
			}
			u.Extensions[k] = copyObject(o)
		}
		if r.err != nil {
			return nil, r.err
		}
	}
	return u, nil
}

func hasURNPrefix(k string) bool {
	return len(k) > 4 && strings.EqualFold(k[:4], "urn:")
}

// reader converts generic values, keeping the first type error.
type reader struct {
	err error
	// spare, when not nil, is room for the first one-element
	// multi-valued attribute.
	spare []MultiValue
}

// fail records a type error at path.sub (or path when sub is ""). The
// path is joined only here, so that the success path does not allocate.
func (r *reader) fail(path, sub, want string, v any) {
	if r.err == nil {
		if sub != "" {
			path += "." + sub
		}
		r.err = fmt.Errorf("store: %s: want %s, got %T", path, want, v)
	}
}

func (r *reader) str(path, sub string, v any) string {
	switch v := v.(type) {
	case string:
		return v
	case nil:
		return ""
	default:
		r.fail(path, sub, "string", v)
		return ""
	}
}

func (r *reader) boolean(path, sub string, v any) bool {
	switch v := v.(type) {
	case bool:
		return v
	case nil:
		return false
	default:
		r.fail(path, sub, "bool", v)
		return false
	}
}

func (r *reader) object(path, sub string, v any) map[string]any {
	switch v := v.(type) {
	case map[string]any:
		return v
	case nil:
		return nil
	default:
		r.fail(path, sub, "object", v)
		return nil
	}
}

// objects checks the elements of a multi-valued complex attribute and
// returns how many there are. A single object is accepted as a
// one-element list. element then returns each.
func (r *reader) objects(path string, v any) int {
	switch v := v.(type) {
	case []any:
		for i, e := range v {
			if _, ok := e.(map[string]any); !ok {
				r.fail(fmt.Sprintf("%s[%d]", path, i), "", "object", e)
				return 0
			}
		}
		return len(v)
	case []map[string]any:
		return len(v)
	case map[string]any:
		return 1
	case nil:
		return 0
	default:
		r.fail(path, "", "array", v)
		return 0
	}
}

// element returns element i of v, which objects has checked.
func element(v any, i int) map[string]any {
	switch v := v.(type) {
	case []any:
		return v[i].(map[string]any)
	case []map[string]any:
		return v[i]
	default:
		return v.(map[string]any)
	}
}

func (r *reader) multiValues(path string, v any) []MultiValue {
	n := r.objects(path, v)
	if n == 0 {
		return nil
	}
	var l []MultiValue
	if n == 1 && r.spare != nil {
		l, r.spare = r.spare[:1:1], nil
	} else {
		l = make([]MultiValue, n)
	}
	for i := range l {
		o := element(v, i)
		l[i] = MultiValue{
			Value:   r.str(path, "value", o["value"]),
			Display: r.str(path, "display", o["display"]),
			Type:    r.str(path, "type", o["type"]),
			Primary: r.boolean(path, "primary", o["primary"]),
		}
	}
	return l
}

func (r *reader) addresses(path string, v any) []Address {
	n := r.objects(path, v)
	if n == 0 {
		return nil
	}
	l := make([]Address, n)
	for i := range l {
		o := element(v, i)
		l[i] = Address{
			Formatted:     r.str(path, "formatted", o["formatted"]),
			StreetAddress: r.str(path, "streetAddress", o["streetAddress"]),
			Locality:      r.str(path, "locality", o["locality"]),
			Region:        r.str(path, "region", o["region"]),
			PostalCode:    r.str(path, "postalCode", o["postalCode"]),
			Country:       r.str(path, "country", o["country"]),
			Type:          r.str(path, "type", o["type"]),
			Primary:       r.boolean(path, "primary", o["primary"]),
		}
	}
	return l
}

func (r *reader) groups(path string, v any) []GroupRef {
	n := r.objects(path, v)
	if n == 0 {
		return nil
	}
	l := make([]GroupRef, n)
	for i := range l {
		o := element(v, i)
		l[i] = GroupRef{
			Value:   r.str(path, "value", o["value"]),
			Ref:     r.str(path, "$ref", o["$ref"]),
			Display: r.str(path, "display", o["display"]),
			Type:    r.str(path, "type", o["type"]),
		}
	}
	return l
}

// enterprise reads the enterprise extension into b.ent and b.mgr and
// points b.user at them.
func (r *reader) enterprise(o map[string]any, b *userBlock) {
	b.ent = EnterpriseUser{
		EmployeeNumber: r.str("enterprise", "employeeNumber", o["employeeNumber"]),
		CostCenter:     r.str("enterprise", "costCenter", o["costCenter"]),
		Organization:   r.str("enterprise", "organization", o["organization"]),
		Division:       r.str("enterprise", "division", o["division"]),
		Department:     r.str("enterprise", "department", o["department"]),
	}
	if m := r.object("enterprise", "manager", o["manager"]); m != nil {
		b.mgr = Manager{
			Value:       r.str("enterprise", "manager.value", m["value"]),
			Ref:         r.str("enterprise", "manager.$ref", m["$ref"]),
			DisplayName: r.str("enterprise", "manager.displayName", m["displayName"]),
		}
		b.ent.Manager = &b.mgr
	}
	b.user.Enterprise = &b.ent
}

func (r *reader) meta(o map[string]any) Meta {
	return Meta{
		ResourceType: r.str("meta", "resourceType", o["resourceType"]),
		Created:      r.time("meta", "created", o["created"]),
		LastModified: r.time("meta", "lastModified", o["lastModified"]),
		Location:     r.str("meta", "location", o["location"]),
		Version:      r.str("meta", "version", o["version"]),
	}
}

// time parses an RFC 3339 date-time, or one without a zone offset (which
// xsd:dateTime allows), taken as UTC.
func (r *reader) time(path, sub string, v any) time.Time {
	s := r.str(path, sub, v)
	if s == "" {
		return time.Time{}
	}
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		var err2 error
		t, err2 = time.Parse("2006-01-02T15:04:05.999999999", s)
		if err2 != nil {
			if r.err == nil {
				r.err = fmt.Errorf("store: %s.%s: %w", path, sub, err) // sub is never "" here
			}
			return time.Time{}
		}
	}
	return t.UTC()
}
