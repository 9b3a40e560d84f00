package patch

import (
	"encoding/json"
	"reflect"

	"github.com/scimstack/scimstack/schema"
)

// coerceList returns raw, an array or a single value, as the values of the
// multi-valued attribute def in generic form.
func coerceList(def *schema.Attribute, raw any) ([]any, error) {
	if def.Type != schema.Complex {
		v, err := def.Coerce(raw)
		if err != nil {
			return nil, err
		}
		if list, ok := v.([]any); ok {
			return list, nil
		}
		return []any{v}, nil
	}
	in, ok := raw.([]any)
	if !ok {
		in = []any{raw}
	}
	out := make([]any, 0, len(in))
	for _, e := range in {
		if e == nil {
			continue
		}
		m, _, err := coerceElem(def, e)
		if err != nil {
			return nil, err
		}
		if len(m) > 0 {
			out = append(out, m)
		}
	}
	return out, nil
}

// coerceElem returns raw as one value of the complex attribute def: its
// sub-attributes coerced, readOnly ones dropped (the server assigns them,
// RFC 7644 §3.5.2), and the names of the sub-attributes given as null, which
// a merge removes. A scalar stands for {"value": scalar} when def has a
// value sub-attribute (Microsoft Entra ID sends the enterprise manager as a
// plain id); a one-element array stands for its element.
func coerceElem(def *schema.Attribute, raw any) (map[string]any, []string, error) {
	if list, ok := raw.([]any); ok && len(list) == 1 {
		raw = list[0]
	}
	switch raw.(type) {
	case string, bool, json.Number, float64, int64, int:
		if vs := def.SubAttribute("value"); vs != nil {
			raw = map[string]any{vs.Name: raw}
		}
	}
	var nulls []string
	if m, ok := raw.(map[string]any); ok {
		var clean map[string]any
		for k, x := range m {
			if x != nil {
				continue
			}
			if clean == nil {
				clean = cloneMap(m)
			}
			delete(clean, k)
			if s := def.SubAttribute(k); s != nil && s.Mutability != schema.ReadOnly {
				nulls = append(nulls, s.Name)
			}
		}
		if clean != nil {
			raw = clean
		}
	}
	if m, ok := raw.(map[string]any); ok && len(m) == 0 {
		return map[string]any{}, nulls, nil // all sub-attributes null
	}
	v, err := def.CoerceSingle(raw)
	if err != nil {
		return nil, nil, err
	}
	m, ok := v.(map[string]any)
	if !ok {
		return nil, nil, schema.Errorf(scimInvalidValue, "%s needs an object of sub-attributes", def.Name)
	}
	copied := false
	for _, s := range def.SubAttributes {
		if _, has := m[s.Name]; has && s.Mutability == schema.ReadOnly {
			if !copied {
				m, copied = cloneMap(m), true
			}
			delete(m, s.Name)
		}
	}
	return m, nulls, nil
}

// merge returns a copy of base with the sub-attributes of v set and those
// in nulls removed. An immutable sub-attribute may only be set when it has
// no value or keeps it.
func merge(def *schema.Attribute, base, v map[string]any, nulls []string) (map[string]any, error) {
	out := make(map[string]any, len(base)+len(v))
	for k, x := range base {
		out[k] = x
	}
	for k, x := range v {
		if err := checkSub(def.SubAttribute(k), base, x); err != nil {
			return nil, err
		}
		out[k] = x
	}
	for _, k := range nulls {
		if err := checkSub(def.SubAttribute(k), base, nil); err != nil {
			return nil, err
		}
		delete(out, k)
	}
	return out, nil
}

// setSub returns a copy of base with sub set to v.
func setSub(sub *schema.Attribute, base map[string]any, v any) (map[string]any, error) {
	if err := checkSub(sub, base, v); err != nil {
		return nil, err
	}
	out := make(map[string]any, len(base)+1)
	for k, x := range base {
		out[k] = x
	}
	if isUnassigned(v) {
		delete(out, sub.Name)
	} else {
		out[sub.Name] = v
	}
	return out, nil
}

// deleteSub returns base without sub (base itself when it has no value for
// it).
func deleteSub(sub *schema.Attribute, base map[string]any) (map[string]any, error) {
	if _, ok := base[sub.Name]; !ok {
		return base, nil
	}
	if sub.Mutability == schema.Immutable {
		return nil, schema.Errorf(scimMutability, "%s is immutable", sub.Name)
	}
	out := cloneMap(base)
	delete(out, sub.Name)
	return out, nil
}

func checkSub(sub *schema.Attribute, base map[string]any, v any) error {
	if sub == nil || sub.Mutability != schema.Immutable {
		return nil
	}
	if old, ok := base[sub.Name]; ok && old != nil && !equalValue(old, v) {
		return schema.Errorf(scimMutability, "%s is immutable and already has a value", sub.Name)
	}
	return nil
}

// selects reports whether the value d of a remove's value list names the
// current value e: simple values must be equal; a complex d selects the
// values whose sub-attributes include all of d's.
func selects(d, e any) bool {
	dm, ok := d.(map[string]any)
	if !ok {
		return equalValue(d, e)
	}
	em, ok := e.(map[string]any)
	if !ok || len(dm) == 0 {
		return false
	}
	for k, x := range dm {
		if !equalValue(em[k], x) {
			return false
		}
	}
	return true
}

func asList(v any) []any {
	switch x := v.(type) {
	case []any:
		return x
	case nil:
		return nil
	default:
		return []any{x}
	}
}

func isEmptyArray(v any) bool {
	list, ok := v.([]any)
	return ok && len(list) == 0
}

// isUnassigned reports whether v is null, an empty array or an empty
// complex value (RFC 7643 §2.5).
func isUnassigned(v any) bool {
	switch x := v.(type) {
	case nil:
		return true
	case []any:
		return len(x) == 0
	case map[string]any:
		return len(x) == 0
	}
	return false
}

func cloneMap(m map[string]any) map[string]any {
	out := make(map[string]any, len(m))
	for k, v := range m {
		out[k] = v
	}
	return out
}

// equalValue reports whether two values in generic form are equal. Strings
// compare exactly; an absent key equals nothing but an absent key.
func equalValue(a, b any) bool {
	switch x := a.(type) {
	case nil:
		return b == nil
	case string:
		y, ok := b.(string)
		return ok && x == y
	case bool:
		y, ok := b.(bool)
		return ok && x == y
	case int64:
		y, ok := b.(int64)
		return ok && x == y
	case float64:
		y, ok := b.(float64)
		return ok && x == y
	case map[string]any:
		y, ok := b.(map[string]any)
		if !ok || len(x) != len(y) {
			return false
		}
		for k, xv := range x {
			yv, ok := y[k]
			if !ok || !equalValue(xv, yv) {
				return false
			}
		}
		return true
	case []any:
		y, ok := b.([]any)
		if !ok || len(x) != len(y) {
			return false
		}
		for i := range x {
			if !equalValue(x[i], y[i]) {
				return false
			}
		}
		return true
	default:
		return reflect.DeepEqual(a, b)
	}
}
