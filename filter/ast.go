package filter

import (
	"github.com/scimstack/scimstack/schema"
)

// Expr is a node of a filter: [*And], [*Or], [*Not], [*Compare] or
// [*ValuePath]. Nodes are resolved against a [schema.ResourceType]: every
// attribute reference carries its definition, so evaluators and SQL
// translators need no schema of their own. Expressions are immutable once
// built and safe to share.
type Expr interface {
	// String returns the expression in SCIM filter syntax, with canonical
	// attribute names, suitable for Parse.
	String() string
	expr()
}

// And is true when both sides are.
type And struct{ Left, Right Expr }

// Or is true when either side is.
type Or struct{ Left, Right Expr }

// Not negates X.
type Not struct{ X Expr }

// Op is a comparison operator (RFC 7644 §3.4.2.2), always lower case.
type Op string

// The comparison operators.
const (
	Eq Op = "eq"
	Ne Op = "ne"
	Co Op = "co"
	Sw Op = "sw"
	Ew Op = "ew"
	Gt Op = "gt"
	Ge Op = "ge"
	Lt Op = "lt"
	Le Op = "le"
	Pr Op = "pr"
)

// Compare is an attribute expression: Attr Op Value.
//
// Inside a [ValuePath], Attr is relative: Attr.Attr is the multi-valued
// complex attribute of the value path and Attr.Sub the sub-attribute being
// compared. At the top level, a Compare on a complex attribute with no
// sub-attribute (`emails co "x"`) has Sub set to its "value" sub-attribute
// by Parse.
//
// Value is nil for Pr and for the JSON literal null; otherwise it is a
// string, a bool, an int64 or a float64 (integers beyond the range of int64
// are float64). Parse checks that the value suits the attribute's type:
// dateTime values are strings that parse as RFC 3339.
type Compare struct {
	Attr  schema.AttrRef
	Op    Op
	Value any
}

// ValuePath is attr[filter]: true when some value of the multi-valued
// complex attribute Attr matches Filter, whose Compare nodes refer to
// sub-attributes of Attr.
type ValuePath struct {
	Attr   schema.AttrRef
	Filter Expr
}

func (*And) expr()       {}
func (*Or) expr()        {}
func (*Not) expr()       {}
func (*Compare) expr()   {}
func (*ValuePath) expr() {}

func (e *And) String() string       { return format(e) }
func (e *Or) String() string        { return format(e) }
func (e *Not) String() string       { return format(e) }
func (e *Compare) String() string   { return format(e) }
func (e *ValuePath) String() string { return format(e) }

// Limits bound what Parse accepts. Zero fields take the defaults.
type Limits struct {
	MaxLength int // bytes of filter text; default 4096
	MaxDepth  int // nesting of parentheses, not and value paths; default 32
}

// Parse parses a SCIM filter (RFC 7644 §3.4.2.2) and resolves its attribute
// paths against rt. Surrounding white space is ignored; operator and
// attribute names match without regard to case; string escapes are decoded;
// integers keep their precision. Microsoft Entra ID's
// `emails[type eq "work"].value eq "x"` is read as
// `emails[type eq "work" and value eq "x"]`.
//
// Errors are *schema.Error with ScimType "invalidFilter" and a detail a
// person can act on; a filter over the limits is also "invalidFilter".
func Parse(src string, rt *schema.ResourceType, lim Limits) (Expr, error) {
	return parse(src, rt, lim)
}

// Path is a PATCH operation path (RFC 7644 §3.5.2): an attribute, an
// optional value filter when the attribute is multi-valued complex, and an
// optional sub-attribute after the filter.
//
//	name.givenName                  Attr{name, givenName}
//	emails[type eq "work"].value    Attr{emails}, Filter, Sub value
//	urn:...:enterprise:2.0:User:manager.value
type Path struct {
	Attr   schema.AttrRef    // Attr.Sub set for a plain a.b path
	Filter Expr              // nil without [...]
	Sub    *schema.Attribute // after the filter: emails[...].value
}

// ParsePath parses and resolves a PATCH path. Errors are *schema.Error with
// ScimType "invalidPath" (or "invalidFilter" for a bad value filter).
func ParsePath(src string, rt *schema.ResourceType, lim Limits) (Path, error) {
	return parsePath(src, rt, lim)
}

// Match reports whether doc, a resource in the generic form described at
// [schema.ResourceType], matches e. It honours caseExact, compares dateTime
// values as instants, treats a multi-valued attribute as matching when any
// value does, and makes pr false for unassigned, null, "" and empty arrays.
func Match(e Expr, doc map[string]any) bool {
	return match(e, doc)
}

// MatchValue reports whether one element of a multi-valued complex
// attribute (a map of its sub-attributes) matches e, whose Compare nodes
// refer to sub-attributes. PATCH uses it for value filters.
func MatchValue(e Expr, elem map[string]any) bool {
	return matchValue(e, elem)
}

// Cmp orders two resources in generic form by the attribute ref for sortBy
// (RFC 7644 §3.4.2.3): values compare by type (strings honour caseExact,
// dateTime as instants); a multi-valued attribute sorts by its primary
// value, else its first. With descending the order of values is reversed.
// Resources without a value sort last in both orders. It returns -1, 0 or
// +1.
func Cmp(a, b map[string]any, by schema.AttrRef, descending bool) int {
	return cmpDocs(a, b, by, descending)
}
