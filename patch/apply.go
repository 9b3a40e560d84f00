package patch

import (
	"errors"
	"slices"
	"strings"

	"github.com/scimstack/scimstack/filter"
	"github.com/scimstack/scimstack/schema"
)

// The scimType values of RFC 7644 §3.12 that Apply returns.
const (
	scimInvalidSyntax = "invalidSyntax"
	scimInvalidPath   = "invalidPath"
	scimInvalidValue  = "invalidValue"
	scimNoTarget      = "noTarget"
	scimMutability    = "mutability"
	scimTooMany       = "tooMany"
)

// The operation names of RFC 7644 §3.5.2, lower case.
const (
	opAdd     = "add"
	opReplace = "replace"
	opRemove  = "remove"
)

// applier carries the resource being built. doc is owned by the applier at
// the top level only: nested maps and slices may be shared with the input
// and are never modified in place, but replaced by modified copies.
type applier struct {
	rt  *schema.ResourceType
	lim filter.Limits
	doc map[string]any
}

// target is a resolved PATCH path.
type target struct {
	path   string            // as written, for messages
	urn    string            // extension URN, or "" for core and common attributes
	attr   *schema.Attribute // nil: the whole extension urn
	sub    *schema.Attribute // name.givenName or emails[...].value
	filter filter.Expr       // emails[type eq "work"]
	// explicit is true for an operation's "path" and false for a key of a
	// path-less value, where readOnly attributes that keep their value are
	// tolerated (Okta sends the id back).
	explicit bool
}

func (a *applier) apply(op *Operation) error {
	kind := strings.ToLower(strings.TrimSpace(op.Op))
	switch kind {
	case opAdd, opReplace, opRemove:
	case "":
		return schema.Errorf(scimInvalidSyntax, `"op" is required`)
	default:
		return schema.Errorf(scimInvalidSyntax, "unknown op %q: want add, replace or remove", op.Op)
	}
	path := strings.TrimSpace(op.Path)
	if path == "" {
		switch {
		case kind == opRemove:
			return schema.Errorf(scimNoTarget, `remove requires a "path"`)
		case op.Value == nil:
			return schema.Errorf(scimInvalidSyntax, "%s requires a value", kind)
		}
		obj, ok := op.Value.(map[string]any)
		if !ok {
			return schema.Errorf(scimInvalidSyntax, "without a path, the value of %s must be an object of attributes", kind)
		}
		return a.applyObject(kind, obj, "")
	}
	if kind == opAdd && op.Value == nil {
		return schema.Errorf(scimInvalidSyntax, "add requires a value")
	}
	t, err := a.resolve(path)
	if err != nil {
		return err
	}
	t.explicit = true
	if kind == opRemove {
		return a.remove(t, op.Value, true)
	}
	return a.write(kind, t, op.Value)
}

// resolve parses an operation's path.
func (a *applier) resolve(path string) (target, error) {
	if ext := a.rt.Extension(path); ext != nil {
		return target{path: path, urn: ext.ID}, nil
	}
	if !strings.ContainsRune(path, '[') {
		// No value filter: the attribute path grammar is all there is, and
		// schema resolves it without the cost of the filter parser.
		ref, err := a.rt.ParsePath(path)
		if err != nil {
			return target{}, asSchemaError(err, scimInvalidPath)
		}
		t := target{path: path, urn: ref.URN, attr: ref.Attr, sub: ref.Sub}
		return t, t.check()
	}
	p, err := filter.ParsePath(path, a.rt, a.lim)
	if err != nil {
		return target{}, asSchemaError(err, scimInvalidPath)
	}
	t := target{path: path, urn: p.Attr.URN, attr: p.Attr.Attr, sub: p.Attr.Sub, filter: p.Filter}
	if p.Filter != nil {
		t.sub = p.Sub
	}
	return t, t.check()
}

// check rejects resolved paths that the operations below cannot handle,
// whatever the path parser accepted.
func (t target) check() error {
	if t.attr == nil {
		if t.sub != nil || t.filter != nil || t.urn == "" {
			return schema.Errorf(scimInvalidPath, "%q names no attribute", t.path)
		}
		return nil
	}
	if t.filter != nil && (!t.attr.MultiValued || t.attr.Type != schema.Complex) {
		return schema.Errorf(scimInvalidPath, "%q: a value filter needs a multi-valued complex attribute", t.path)
	}
	if t.sub != nil && t.attr.Type != schema.Complex {
		return schema.Errorf(scimInvalidPath, "%q: %s has no sub-attributes", t.path, t.attr.Name)
	}
	return nil
}

// resolveKey resolves a key of a path-less value (or of a value whose path
// is an extension URN). ok is false for keys that name no attribute: they
// are ignored, as Normalize ignores unknown attributes.
func (a *applier) resolveKey(key, urn string) (t target, ok bool, err error) {
	full := key
	if urn != "" {
		full = urn + ":" + key
	}
	if strings.ContainsRune(full, '[') {
		t, err := a.resolve(full)
		return t, err == nil, err
	}
	ref, err := a.rt.ParsePath(full)
	if err != nil || ref.Attr == nil {
		return target{}, false, nil
	}
	t = target{path: key, urn: ref.URN, attr: ref.Attr, sub: ref.Sub}
	return t, t.check() == nil, nil
}

// applyObject applies a path-less add or replace: each key of obj is an
// attribute name or path, applied as an operation of its own. With urn set,
// obj holds the attributes of that extension.
func (a *applier) applyObject(kind string, obj map[string]any, urn string) error {
	keys := make([]string, 0, len(obj))
	for k := range obj {
		keys = append(keys, k)
	}
	// Sorted, so that "name" applies before "name.givenName" and the result
	// never depends on map order.
	slices.Sort(keys)
	for _, k := range keys {
		v := obj[k]
		if urn == "" {
			if strings.EqualFold(k, "schemas") {
				continue
			}
			if ext := a.rt.Extension(k); ext != nil {
				if err := a.write(kind, target{path: k, urn: ext.ID}, v); err != nil {
					return err
				}
				continue
			}
		}
		t, ok, err := a.resolveKey(k, urn)
		if err != nil {
			return err
		}
		if !ok {
			continue
		}
		if err := a.write(kind, t, v); err != nil {
			return err
		}
	}
	return nil
}

// write applies add or replace of raw at t.
func (a *applier) write(kind string, t target, raw any) error {
	if raw == nil || isEmptyArray(raw) {
		// Null and [] are unassigned (RFC 7643 §2.5): replacing with them
		// removes; adding them adds nothing.
		if kind == opReplace {
			return a.remove(t, nil, false)
		}
		if raw == nil && t.explicit {
			return schema.Errorf(scimInvalidSyntax, "add requires a value")
		}
		return nil
	}
	if t.attr == nil {
		obj, ok := raw.(map[string]any)
		if !ok {
			return schema.Errorf(scimInvalidValue, "the value for extension %s must be an object", t.urn)
		}
		return a.applyObject(kind, obj, t.urn)
	}
	if readOnly(t) {
		if !t.explicit && a.sameAsCurrent(t, raw) {
			return nil
		}
		return schema.Errorf(scimMutability, "%s is readOnly", t.path)
	}
	cur := a.get(t.urn, t.attr.Name)
	var (
		next    any
		touched []int
		err     error
	)
	switch {
	case t.filter != nil:
		next, touched, err = a.writeFiltered(t, cur, raw)
	case t.sub != nil:
		next, touched, err = writeSub(t, cur, raw)
	default:
		next, touched, err = writeAttr(kind, t.attr, cur, raw)
	}
	if err != nil {
		return err
	}
	if list, ok := next.([]any); ok && t.attr.Type == schema.Complex {
		if next, err = fixPrimary(t.attr, list, touched); err != nil {
			return err
		}
	}
	return a.commit(t, cur, next)
}

// commit stores next as the value of t's attribute after checking that an
// immutable attribute keeps its value.
func (a *applier) commit(t target, cur, next any) error {
	if t.attr.Mutability == schema.Immutable && cur != nil && !equalValue(cur, next) {
		return schema.Errorf(scimMutability, "%s is immutable and already has a value", t.attr.Name)
	}
	a.set(t.urn, t.attr.Name, next)
	return nil
}

// writeAttr adds or replaces a whole attribute. Complex values merge into
// the current one (RFC 7644 §3.5.2.1, §3.5.2.3: sub-attributes not given are
// left unchanged); add appends to a multi-valued attribute and replace
// replaces all its values.
func writeAttr(kind string, def *schema.Attribute, cur, raw any) (any, []int, error) {
	switch {
	case def.MultiValued:
		vals, err := coerceList(def, raw)
		if err != nil {
			return nil, nil, err
		}
		if kind == opReplace {
			return vals, indexes(len(vals)), nil
		}
		old := asList(cur)
		next := slices.Clone(old)
		var touched []int
		for _, v := range vals {
			if slices.ContainsFunc(next, func(e any) bool { return equalValue(e, v) }) {
				continue // RFC 7644 §3.5.2.1: already there, no change
			}
			touched = append(touched, len(next))
			next = append(next, v)
		}
		return next, touched, nil
	case def.Type == schema.Complex:
		v, nulls, err := coerceElem(def, raw)
		if err != nil {
			return nil, nil, err
		}
		base, _ := cur.(map[string]any)
		next, err := merge(def, base, v, nulls)
		return next, nil, err
	default:
		v, err := def.Coerce(raw)
		if err != nil {
			return nil, nil, err
		}
		return v, nil, nil
	}
}

// writeSub sets a sub-attribute: name.givenName, or emails.value for every
// value of emails (a value is added when there is none).
func writeSub(t target, cur, raw any) (any, []int, error) {
	v, err := t.sub.Coerce(raw)
	if err != nil {
		return nil, nil, err
	}
	if !t.attr.MultiValued {
		base, _ := cur.(map[string]any)
		next, err := setSub(t.sub, base, v)
		return next, nil, err
	}
	old := asList(cur)
	if len(old) == 0 {
		return []any{map[string]any{t.sub.Name: v}}, []int{0}, nil
	}
	next := make([]any, len(old))
	for i, e := range old {
		m, _ := e.(map[string]any)
		if next[i], err = setSub(t.sub, m, v); err != nil {
			return nil, nil, err
		}
	}
	return next, indexes(len(next)), nil
}

// writeFiltered adds or replaces through a value filter: the matching
// values (or their sub-attribute) are updated. When nothing matches, a value
// is created from the filter's eq comparisons, as Microsoft Entra ID expects
// when it sets emails[type eq "work"].value on a user without a work email;
// a filter that cannot describe a value gives noTarget (RFC 7644 §3.5.2.3).
func (a *applier) writeFiltered(t target, cur, raw any) (any, []int, error) {
	var (
		update func(map[string]any) (map[string]any, error)
	)
	if t.sub != nil {
		v, err := t.sub.Coerce(raw)
		if err != nil {
			return nil, nil, err
		}
		update = func(m map[string]any) (map[string]any, error) { return setSub(t.sub, m, v) }
	} else {
		v, nulls, err := coerceElem(t.attr, raw)
		if err != nil {
			return nil, nil, err
		}
		update = func(m map[string]any) (map[string]any, error) { return merge(t.attr, m, v, nulls) }
	}
	old := asList(cur)
	next := slices.Clone(old)
	var touched []int
	for i, e := range old {
		m, ok := e.(map[string]any)
		if !ok || !filter.MatchValue(t.filter, m) {
			continue
		}
		nm, err := update(m)
		if err != nil {
			return nil, nil, err
		}
		next[i] = nm
		touched = append(touched, i)
	}
	if touched == nil {
		seed, ok := seedFromFilter(t.filter)
		if !ok {
			return nil, nil, schema.Errorf(scimNoTarget, "no value matches %s", t.path)
		}
		nm, err := update(seed)
		if err != nil {
			return nil, nil, err
		}
		touched = append(touched, len(next))
		next = append(next, nm)
	}
	next, touched = compact(next, touched)
	return next, touched, nil
}

// remove removes the value at t. strict is set for a remove operation, where
// a value filter that matches nothing is noTarget (RFC 7644 §3.12); a
// replace with null is not strict. raw is the optional value of a remove
// whose path names a multi-valued attribute: only the values listed are
// removed (Microsoft Entra ID removes group members this way).
func (a *applier) remove(t target, raw any, strict bool) error {
	if t.attr == nil {
		return a.removeExtension(t)
	}
	if readOnly(t) {
		return schema.Errorf(scimMutability, "%s is readOnly", t.path)
	}
	cur := a.get(t.urn, t.attr.Name)
	var next any
	switch {
	case t.filter != nil:
		old := asList(cur)
		next2 := make([]any, 0, len(old))
		matched := false
		for _, e := range old {
			m, ok := e.(map[string]any)
			if !ok || !filter.MatchValue(t.filter, m) {
				next2 = append(next2, e)
				continue
			}
			matched = true
			if t.sub == nil {
				continue
			}
			nm, err := deleteSub(t.sub, m)
			if err != nil {
				return err
			}
			if len(nm) > 0 {
				next2 = append(next2, nm)
			}
		}
		if !matched {
			if strict {
				return schema.Errorf(scimNoTarget, "no value matches %s", t.path)
			}
			return nil
		}
		next = next2
	case t.sub != nil && t.attr.MultiValued:
		old := asList(cur)
		next2 := make([]any, 0, len(old))
		for _, e := range old {
			m, _ := e.(map[string]any)
			nm, err := deleteSub(t.sub, m)
			if err != nil {
				return err
			}
			if len(nm) > 0 {
				next2 = append(next2, nm)
			}
		}
		next = next2
	case t.sub != nil:
		m, _ := cur.(map[string]any)
		nm, err := deleteSub(t.sub, m)
		if err != nil {
			return err
		}
		next = nm
	case raw != nil && t.attr.MultiValued:
		drop, err := coerceList(t.attr, raw)
		if err != nil {
			return err
		}
		next = slices.DeleteFunc(slices.Clone(asList(cur)), func(e any) bool {
			return slices.ContainsFunc(drop, func(d any) bool { return selects(d, e) })
		})
	default:
		next = nil
	}
	if cur == nil && isUnassigned(next) {
		return nil
	}
	return a.commit(t, cur, next)
}

// removeExtension removes all the attributes of an extension.
func (a *applier) removeExtension(t target) error {
	ext, _ := a.doc[t.urn].(map[string]any)
	if len(ext) == 0 {
		delete(a.doc, t.urn)
		return nil
	}
	if s := a.rt.Extension(t.urn); s != nil {
		for _, def := range s.Attributes {
			if _, ok := ext[def.Name]; ok && (def.Mutability == schema.ReadOnly || def.Mutability == schema.Immutable) {
				return schema.Errorf(scimMutability, "%s:%s is %s", t.urn, def.Name, def.Mutability)
			}
		}
	}
	delete(a.doc, t.urn)
	return nil
}

// sameAsCurrent reports whether writing raw at t would leave the value as
// it is. It serves the readOnly attributes of path-less values.
func (a *applier) sameAsCurrent(t target, raw any) bool {
	if t.filter != nil {
		return false
	}
	cur := a.get(t.urn, t.attr.Name)
	def := t.attr
	if t.sub != nil {
		m, _ := cur.(map[string]any)
		cur, def = m[t.sub.Name], t.sub
	}
	v, err := def.Coerce(raw)
	return err == nil && equalValue(cur, v)
}

// checkRequired rejects a result that lost a required attribute the input
// had (RFC 7643 §2.2: required attributes cannot be removed).
func (a *applier) checkRequired(orig map[string]any) error {
	for i, s := range a.rt.Schemas() {
		urn := ""
		if i > 0 {
			urn = s.ID
		}
		for _, def := range s.Attributes {
			if !def.Required || def.Mutability == schema.ReadOnly {
				continue
			}
			if valueIn(orig, urn, def.Name) != nil && a.get(urn, def.Name) == nil {
				return schema.Errorf(scimInvalidValue, "%s is required and cannot be removed", def.Name)
			}
		}
	}
	return nil
}

// get returns the value of an attribute, or nil.
func (a *applier) get(urn, name string) any {
	return valueIn(a.doc, urn, name)
}

func valueIn(doc map[string]any, urn, name string) any {
	if urn != "" {
		ext, _ := doc[urn].(map[string]any)
		return ext[name]
	}
	return doc[name]
}

// set stores v as the value of an attribute; an unassigned v removes it, and
// an extension left empty is removed too.
func (a *applier) set(urn, name string, v any) {
	if urn == "" {
		if isUnassigned(v) {
			delete(a.doc, name)
		} else {
			a.doc[name] = v
		}
		return
	}
	old, _ := a.doc[urn].(map[string]any)
	ext := make(map[string]any, len(old)+1)
	for k, x := range old {
		ext[k] = x
	}
	if isUnassigned(v) {
		delete(ext, name)
	} else {
		ext[name] = v
	}
	if len(ext) == 0 {
		delete(a.doc, urn)
	} else {
		a.doc[urn] = ext
	}
}

func readOnly(t target) bool {
	return t.attr.Mutability == schema.ReadOnly || (t.sub != nil && t.sub.Mutability == schema.ReadOnly)
}

// seedFromFilter returns the value described by a filter made of eq
// comparisons joined by and, or false.
func seedFromFilter(e filter.Expr) (map[string]any, bool) {
	m := map[string]any{}
	var walk func(filter.Expr) bool
	walk = func(e filter.Expr) bool {
		switch x := e.(type) {
		case *filter.And:
			return walk(x.Left) && walk(x.Right)
		case *filter.Compare:
			if x.Op != filter.Eq || x.Attr.Sub == nil || x.Value == nil {
				return false
			}
			if old, ok := m[x.Attr.Sub.Name]; ok && !equalValue(old, x.Value) {
				return false // type eq "a" and type eq "b"
			}
			m[x.Attr.Sub.Name] = x.Value
			return true
		default:
			return false
		}
	}
	if e == nil || !walk(e) {
		return nil, false
	}
	return m, true
}

// fixPrimary keeps at most one value with primary true (RFC 7643 §2.4):
// when the operation set primary on one of the touched values, it is
// cleared on the others. Two touched values with primary true are an
// error.
func fixPrimary(def *schema.Attribute, list []any, touched []int) (any, error) {
	p := def.SubAttribute("primary")
	if p == nil || p.Type != schema.Boolean {
		return list, nil
	}
	winner := -1
	for _, i := range touched {
		if isPrimary(list[i], p.Name) {
			if winner >= 0 {
				return nil, schema.Errorf(scimInvalidValue, "more than one value of %s has primary true", def.Name)
			}
			winner = i
		}
	}
	if winner < 0 {
		return list, nil
	}
	for i, e := range list {
		if i == winner || !isPrimary(e, p.Name) {
			continue
		}
		m := cloneMap(e.(map[string]any))
		delete(m, p.Name)
		list[i] = m
	}
	return list, nil
}

func isPrimary(e any, name string) bool {
	m, ok := e.(map[string]any)
	if !ok {
		return false
	}
	b, ok := m[name].(bool)
	return ok && b
}

// compact drops the values left empty and renumbers touched.
func compact(list []any, touched []int) ([]any, []int) {
	out := list[:0:0]
	idx := make([]int, len(list))
	for i, e := range list {
		if m, ok := e.(map[string]any); ok && len(m) == 0 {
			idx[i] = -1
			continue
		}
		idx[i] = len(out)
		out = append(out, e)
	}
	t := touched[:0:0]
	for _, i := range touched {
		if idx[i] >= 0 {
			t = append(t, idx[i])
		}
	}
	return out, t
}

func indexes(n int) []int {
	s := make([]int, n)
	for i := range s {
		s[i] = i
	}
	return s
}

// opError prefixes err with the operation's index.
func opError(i int, op *Operation, err error) error {
	se := asSchemaError(err, scimInvalidValue)
	where := strings.TrimSpace(op.Path)
	if where == "" {
		where = "(no path)"
	}
	return schema.Errorf(se.ScimType, "Operations[%d] %s %s: %s", i, op.Op, where, se.Detail)
}

// asSchemaError returns err as a *schema.Error, wrapping others with
// scimType.
func asSchemaError(err error, scimType string) *schema.Error {
	var se *schema.Error
	if errors.As(err, &se) && se != nil {
		return se
	}
	return schema.Errorf(scimType, "%v", err)
}
