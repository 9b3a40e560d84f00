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

// DefaultMaxOperations is the number of operations Apply accepts when
// Limits.MaxOperations is zero.
const DefaultMaxOperations = 1000

// Limits bound what Apply accepts. Zero fields take the defaults.
type Limits struct {
	MaxOperations int           // default DefaultMaxOperations
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
//
// The result may share nested maps and slices that no operation touched
// with doc: treat both as read-only, or copy before modifying either.
// See the package documentation for how paths, values and the quirks of
// Microsoft Entra ID and Okta are handled.
func Apply(doc map[string]any, ops []Operation, rt *schema.ResourceType, lim Limits) (out map[string]any, changed bool, err error) {
	if rt == nil {
		return nil, false, schema.Errorf(scimInvalidValue, "no resource type")
	}
	maxOps := lim.MaxOperations
	if maxOps <= 0 {
		maxOps = DefaultMaxOperations
	}
	if len(ops) == 0 {
		return nil, false, schema.Errorf(scimInvalidSyntax, "Operations is required and must not be empty")
	}
	if len(ops) > maxOps {
		return nil, false, schema.Errorf(scimTooMany, "%d operations exceed the limit of %d", len(ops), maxOps)
	}
	a := &applier{rt: rt, lim: lim.Filter, doc: make(map[string]any, len(doc)+1)}
	for k, v := range doc {
		a.doc[k] = v
	}
	for i := range ops {
		if err := a.apply(&ops[i]); err != nil {
			return nil, false, opError(i, &ops[i], err)
		}
	}
	if err := a.checkRequired(doc); err != nil {
		return nil, false, err
	}
	return a.doc, !equalValue(doc, a.doc), nil
}
