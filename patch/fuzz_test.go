package patch_test

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"

	"github.com/scimstack/scimstack/patch"
	"github.com/scimstack/scimstack/schema"
)

// FuzzApply checks that Apply answers any operations on any valid user with
// a result or a *schema.Error, never a panic, never a change to its input,
// and that a result is a valid resource.
func FuzzApply(f *testing.F) {
	for _, tc := range applyCases {
		f.Add(docs[tc.doc], tc.ops)
	}
	rt := userType(f)
	f.Fuzz(func(t *testing.T, docJSON, opsJSON string) {
		dec := json.NewDecoder(strings.NewReader(docJSON))
		dec.UseNumber()
		var raw map[string]any
		if dec.Decode(&raw) != nil {
			return
		}
		doc, err := rt.Normalize(raw)
		if err != nil {
			return
		}
		ops, err := decodeOps(opsJSON)
		if err != nil {
			return
		}
		before, err := json.Marshal(doc)
		if err != nil {
			t.Fatal(err)
		}
		out, changed, err := patch.Apply(doc, ops, rt, patch.Limits{MaxOperations: 50})
		after, _ := json.Marshal(doc)
		if string(before) != string(after) {
			t.Fatalf("Apply modified its input:\n%s\n%s", before, after)
		}
		if err != nil {
			var se *schema.Error
			if !errors.As(err, &se) || se.ScimType == "" {
				t.Fatalf("error %v (%T) is not a *schema.Error with a scimType", err, err)
			}
			if out != nil || changed {
				t.Fatalf("error %v with a result", err)
			}
			return
		}
		if _, err := rt.Normalize(out); err != nil {
			t.Fatalf("result does not normalise: %v\nops: %s", err, opsJSON)
		}
		if _, err := json.Marshal(out); err != nil {
			t.Fatalf("result does not encode: %v", err)
		}
	})
}
