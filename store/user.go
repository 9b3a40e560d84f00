package store

import (
	"time"
)

// User is a SCIM User resource (RFC 7643 §4.1) with the enterprise
// extension (§4.3) and any registered custom extensions.
//
// A string field that is "" is unassigned. Its JSON form (MarshalJSON,
// UnmarshalJSON) is the SCIM representation: "schemas" is derived from the
// attributes present, Password is never written, and the extensions appear
// under their URNs.
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

// Clone returns a deep copy of u, sharing nothing with it.
func (u *User) Clone() *User {
	panic("TODO")
}

// Map returns u in the generic form of schema.ResourceType, including id,
// externalId and meta (created and lastModified as RFC 3339 strings) and
// the password. The map shares nothing with u.
func (u *User) Map() map[string]any {
	panic("TODO")
}

// UserFromMap builds a User from doc, a resource in generic form as
// returned by schema.ResourceType.Normalize (canonical names, coerced
// values). Attributes of extensions other than the enterprise one go to
// Extensions. meta is read when present. It never fails on a normalized
// document; an error reports a value of the wrong Go type.
func UserFromMap(doc map[string]any) (*User, error) {
	panic("TODO")
}

// MarshalJSON writes u as a SCIM User: schemas first, then the core
// attributes, the extensions under their URNs and meta; password omitted.
func (u *User) MarshalJSON() ([]byte, error) {
	panic("TODO")
}
