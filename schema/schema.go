package schema

import (
	"strings"
)

// URNs of the schemas and messages defined by RFC 7643 and RFC 7644.
const (
	UserURN                  = "urn:ietf:params:scim:schemas:core:2.0:User"
	GroupURN                 = "urn:ietf:params:scim:schemas:core:2.0:Group"
	EnterpriseUserURN        = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"
	ServiceProviderConfigURN = "urn:ietf:params:scim:schemas:core:2.0:ServiceProviderConfig"
	ResourceTypeURN          = "urn:ietf:params:scim:schemas:core:2.0:ResourceType"
	SchemaURN                = "urn:ietf:params:scim:schemas:core:2.0:Schema"
	ListResponseURN          = "urn:ietf:params:scim:api:messages:2.0:ListResponse"
	SearchRequestURN         = "urn:ietf:params:scim:api:messages:2.0:SearchRequest"
	PatchOpURN               = "urn:ietf:params:scim:api:messages:2.0:PatchOp"
	ErrorURN                 = "urn:ietf:params:scim:api:messages:2.0:Error"
)

// Type is an attribute's data type (RFC 7643 §2.3).
type Type string

// The data types of RFC 7643 §2.3.
const (
	String    Type = "string"
	Boolean   Type = "boolean"
	Decimal   Type = "decimal"
	Integer   Type = "integer"
	DateTime  Type = "dateTime"
	Binary    Type = "binary"
	Reference Type = "reference"
	Complex   Type = "complex"
)

// Mutability says whether and how an attribute may be written (RFC 7643 §7).
type Mutability string

// The mutability values of RFC 7643 §7.
const (
	ReadOnly  Mutability = "readOnly"
	ReadWrite Mutability = "readWrite"
	Immutable Mutability = "immutable"
	WriteOnly Mutability = "writeOnly"
)

// Returned says when an attribute appears in a response (RFC 7643 §7).
type Returned string

// The returned values of RFC 7643 §7.
const (
	Always  Returned = "always"
	Never   Returned = "never"
	Default Returned = "default"
	Request Returned = "request"
)

// Uniqueness says how an attribute's values must be unique (RFC 7643 §7).
type Uniqueness string

// The uniqueness values of RFC 7643 §7.
const (
	None   Uniqueness = "none"
	Server Uniqueness = "server"
	Global Uniqueness = "global"
)

// Attribute is an attribute definition with its characteristics
// (RFC 7643 §2.2, §7). Its JSON form is the one served by /Schemas.
//
// Definitions are shared and must not be modified once a [ResourceType]
// holds them.
type Attribute struct {
	Name            string       `json:"name"`
	Type            Type         `json:"type"`
	SubAttributes   []*Attribute `json:"subAttributes,omitempty"`
	MultiValued     bool         `json:"multiValued"`
	Description     string       `json:"description,omitempty"`
	Required        bool         `json:"required"`
	CanonicalValues []string     `json:"canonicalValues,omitempty"`
	CaseExact       bool         `json:"caseExact"`
	Mutability      Mutability   `json:"mutability"`
	Returned        Returned     `json:"returned"`
	Uniqueness      Uniqueness   `json:"uniqueness"`
	ReferenceTypes  []string     `json:"referenceTypes,omitempty"`
}

// SubAttribute returns the sub-attribute called name, compared without
// regard to case (RFC 7643 §2.1), or nil.
func (a *Attribute) SubAttribute(name string) *Attribute {
	return find(a.SubAttributes, name)
}

// Schema is a schema definition (RFC 7643 §7). Its JSON form, with the
// "schemas" and "meta" members added by the handler, is served by /Schemas.
type Schema struct {
	ID          string       `json:"id"`
	Name        string       `json:"name,omitempty"`
	Description string       `json:"description,omitempty"`
	Attributes  []*Attribute `json:"attributes"`
}

// Attribute returns the attribute called name, compared without regard to
// case, or nil.
func (s *Schema) Attribute(name string) *Attribute {
	return find(s.Attributes, name)
}

func find(attrs []*Attribute, name string) *Attribute {
	for _, a := range attrs {
		if strings.EqualFold(a.Name, name) {
			return a
		}
	}
	return nil
}
