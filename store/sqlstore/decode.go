package sqlstore

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"

	"github.com/scimstack/scimstack/schema"
)

// decodeDoc reads a stored document back into generic form. JSON numbers
// become int64 for integer attributes and float64 for decimal ones; where
// no definition is known (an extension the resource type lacks), integral
// literals become int64 and others float64.
func (s *Store) decodeDoc(doc []byte) (map[string]any, error) {
	dec := json.NewDecoder(bytes.NewReader(doc))
	dec.UseNumber()
	var m map[string]any
	if err := dec.Decode(&m); err != nil {
		return nil, fmt.Errorf("decode user: %w", err)
	}
	for key, v := range m {
		if ext := s.rt.Extension(key); ext != nil {
			if em, ok := v.(map[string]any); ok {
				for name, ev := range em {
					em[name] = restore(ext.Attribute(name), ev)
				}
			}
			continue
		}
		var def *schema.Attribute
		if ref, err := s.rt.Lookup("", key, ""); err == nil {
			def = ref.Attr
		}
		m[key] = restore(def, v)
	}
	return m, nil
}

// restore replaces the json.Numbers in v, a value of attribute a (nil if
// unknown).
func restore(a *schema.Attribute, v any) any {
	switch x := v.(type) {
	case json.Number:
		return number(a, x)
	case []any:
		for i, e := range x {
			x[i] = restore(a, e)
		}
	case map[string]any:
		for name, e := range x {
			var sub *schema.Attribute
			if a != nil {
				sub = a.SubAttribute(name)
			}
			x[name] = restore(sub, e)
		}
	}
	return v
}

func number(a *schema.Attribute, n json.Number) any {
	integral := !strings.ContainsAny(string(n), ".eE")
	if a != nil && a.Type == schema.Decimal {
		integral = false
	}
	if integral {
		if i, err := strconv.ParseInt(string(n), 10, 64); err == nil {
			return i
		}
	}
	if f, err := strconv.ParseFloat(string(n), 64); err == nil {
		return f
	}
	return string(n)
}
