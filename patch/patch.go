package patch

import (
	"github.com/scimstack/scimstack/filter"
	"github.com/scimstack/scimstack/schema"
)

// Operation is one element of a PatchOp's "Operations" (RFC 7644 §3.5.2).
// Value holds the JSON value decoded with json.Decoder.UseNumber (strings,
// bools, json.Number, map[string]any, []any, nil).
type Operation struct {
	Op    string `json:"op"`
	Path  string `json:"path,omitempty"`
	Value any    `json:"value,omitempty"`
}

// Request is a PatchOp message body.
type Request struct {
	Schemas    []string    `json:"schemas"`
	Operations []Operation `json:"Operations"`
}

// Limits bound what Apply accepts. Zero fields take the defaults.
type Limits struct {
	MaxOperations int           // default 1000
	Filter        filter.Limits // for value filters in paths
}

// Apply applies ops, in order, to doc, a resource in the generic form of
// schema.ResourceType, and returns the result; doc itself is not modified.
// The operations apply atomically: on any error the result is discarded and
// the error returned. changed reports whether the result differs from doc.
//
// Errors are *schema.Error with the RFC 7644 §3.12 scimType: invalidSyntax
// (unknown op, missing value, value of the wrong shape), invalidPath,
// noTarget (remove with a filter that matches nothing, or a path required
// but absent), invalidValue, mutability (readOnly attributes; immutable ones
// once set), tooMany (more than MaxOperations).
func Apply(doc map[string]any, ops []Operation, rt *schema.ResourceType, lim Limits) (out map[string]any, changed bool, err error) {
	panic("TODO")
}
