package store

import (
	"bytes"
	"encoding/json"
	"fmt"
	"slices"

	"github.com/scimstack/scimstack/schema"
)

// userCore is User without its methods, so that encoding/json writes its
// tagged fields (Password, Enterprise, Extensions and Meta are tagged "-").
type userCore User

// userJSON puts "schemas" before the core attributes.
type userJSON struct {
	Schemas []string `json:"schemas"`
	*userCore
}

type metaJSON struct {
	ResourceType string `json:"resourceType,omitempty"`
	Created      string `json:"created,omitempty"`
	LastModified string `json:"lastModified,omitempty"`
	Location     string `json:"location,omitempty"`
	Version      string `json:"version,omitempty"`
}

// marshalJSONRef is MarshalJSON as it was before AppendJSON: built on
// encoding/json and generic maps. The differential tests hold AppendJSON
// to its output byte for byte.
func marshalJSONRef(u *User) ([]byte, error) {
	if u == nil {
		return []byte("null"), nil
	}
	var ent map[string]any
	var entOut *EnterpriseUser
	if u.Enterprise != nil {
		ent = enterpriseMap(u.Enterprise)
		entOut = u.Enterprise
		if _, ok := ent["manager"]; !ok && entOut.Manager != nil {
			e := *entOut
			e.Manager = nil
			entOut = &e
		}
	}
	urns := make([]string, 0, len(u.Extensions))
	for urn, attrs := range u.Extensions {
		if len(attrs) > 0 && urn != schema.EnterpriseUserURN && urn != schema.UserURN {
			urns = append(urns, urn)
		}
	}
	slices.Sort(urns)

	schemas := make([]string, 0, 2+len(urns))
	schemas = append(schemas, schema.UserURN)
	if len(ent) > 0 {
		schemas = append(schemas, schema.EnterpriseUserURN)
	}
	schemas = append(schemas, urns...)

	core, err := json.Marshal(userJSON{Schemas: schemas, userCore: (*userCore)(u)})
	if err != nil {
		return nil, err
	}
	var buf bytes.Buffer
	buf.Grow(len(core) + 256)
	buf.Write(core[:len(core)-1]) // without the closing brace
	member := func(key string, v any) error {
		b, err := json.Marshal(v)
		if err != nil {
			return err
		}
		k, _ := json.Marshal(key) // a string always marshals
		buf.WriteByte(',')
		buf.Write(k)
		buf.WriteByte(':')
		buf.Write(b)
		return nil
	}
	if len(ent) > 0 {
		if err := member(schema.EnterpriseUserURN, entOut); err != nil {
			return nil, err
		}
	}
	for _, urn := range urns {
		if err := member(urn, u.Extensions[urn]); err != nil {
			return nil, fmt.Errorf("store: extension %s: %w", urn, err)
		}
	}
	mt := metaJSON{
		ResourceType: u.Meta.ResourceType,
		Location:     u.Meta.Location,
		Version:      u.Meta.Version,
	}
	if !u.Meta.Created.IsZero() {
		mt.Created = formatTime(u.Meta.Created)
	}
	if !u.Meta.LastModified.IsZero() {
		mt.LastModified = formatTime(u.Meta.LastModified)
	}
	if mt != (metaJSON{}) {
		if err := member("meta", mt); err != nil {
			return nil, err
		}
	}
	buf.WriteByte('}')
	return buf.Bytes(), nil
}
