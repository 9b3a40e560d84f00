package scim

import (
	"encoding/json"
	"errors"
	"net/http"
	"net/url"
	"reflect"
	"strings"

	"github.com/scimstack/scimstack/filter"
	"github.com/scimstack/scimstack/patch"
	"github.com/scimstack/scimstack/schema"
	"github.com/scimstack/scimstack/store"
)

// projection is the attributes and excludedAttributes of a request
// (RFC 7644 §3.4.2.5).
type projection struct {
	attrs, excluded []schema.AttrRef
}

func (p projection) isDefault() bool { return len(p.attrs) == 0 && len(p.excluded) == 0 }

// parseAttrList reads a list of attribute paths. Paths that name no
// attribute are skipped: asking for an attribute the server does not have
// is not an error, it is simply never returned.
func (h *Handler) parseAttrList(items []string) []schema.AttrRef {
	var refs []schema.AttrRef
	for _, item := range items {
		for _, p := range strings.Split(item, ",") {
			p = strings.TrimSpace(p)
			if p == "" {
				continue
			}
			if ref, err := h.rt.ParsePath(p); err == nil {
				refs = append(refs, ref)
			}
		}
	}
	return refs
}

func (h *Handler) queryProjection(r *http.Request) projection {
	if r.URL.RawQuery == "" {
		return projection{}
	}
	q := r.URL.Query()
	return projection{
		attrs:    h.parseAttrList(q["attributes"]),
		excluded: h.parseAttrList(q["excludedAttributes"]),
	}
}

func etag(version string) string { return `W/"` + version + `"` }

// etagMatches reports whether an If-Match or If-None-Match header value
// names the version. SCIM ETags are weak (RFC 7644 §3.14), so the W/
// prefix is ignored on both sides.
func etagMatches(header, version string) bool {
	for _, t := range strings.Split(header, ",") {
		t = strings.TrimSpace(t)
		if t == "*" {
			return true
		}
		t = strings.TrimPrefix(t, "W/")
		t = strings.TrimPrefix(strings.TrimSuffix(t, `"`), `"`)
		if t == version && version != "" {
			return true
		}
	}
	return false
}

// precondition checks If-Match against the current user. It returns the
// version the write must be conditional on ("" for none) or a 412.
func precondition(r *http.Request, cur *store.User) (string, error) {
	im := r.Header.Get("If-Match")
	if im == "" {
		return "", nil
	}
	if !etagMatches(im, cur.Meta.Version) {
		return "", &Error{Status: http.StatusPreconditionFailed, Detail: "resource has changed: If-Match does not name its current version", Err: store.ErrVersionMismatch}
	}
	return cur.Meta.Version, nil
}

// appendUser appends the JSON of u as a response resource to dst.
func (h *Handler) appendUser(dst []byte, r *http.Request, u *store.User, p projection) ([]byte, error) {
	u.Meta.ResourceType = "User"
	u.Meta.Location = h.baseURL(r) + "/Users/" + url.PathEscape(u.ID)
	if p.isDefault() && h.fastDefault {
		return u.AppendJSON(dst), nil
	}
	doc := h.rt.Project(u.Map(), p.attrs, p.excluded)
	schemas := []string{h.rt.Schema.ID}
	for _, ext := range h.rt.Extensions {
		if _, ok := doc[ext.Schema.ID]; ok {
			schemas = append(schemas, ext.Schema.ID)
		}
	}
	doc["schemas"] = schemas
	b, err := json.Marshal(doc)
	return append(dst, b...), err
}

func (h *Handler) writeUser(w http.ResponseWriter, r *http.Request, status int, u *store.User, p projection) {
	buf := getBuffer()
	defer putBuffer(buf)
	body, err := h.appendUser((*buf)[:0], r, u, p)
	*buf = body
	if err != nil {
		h.fail(w, r, err)
		return
	}
	if u.Meta.Version != "" {
		w.Header().Set("ETag", etag(u.Meta.Version))
	}
	if status == http.StatusCreated {
		w.Header().Set("Location", u.Meta.Location)
	}
	h.writeJSON(w, status, body)
}

// userFromBody validates a User in a POST or PUT body: known attributes in
// canonical form, readOnly ones dropped, required ones present.
func (h *Handler) userFromBody(m map[string]any) (*store.User, map[string]any, error) {
	if v, ok := member(m, "schemas"); ok {
		list, _ := v.([]any)
		found := false
		for _, s := range list {
			if str, ok := s.(string); ok && strings.EqualFold(str, h.rt.Schema.ID) {
				found = true
			}
		}
		if !found {
			return nil, nil, errorf(http.StatusBadRequest, "invalidValue", `"schemas" must contain "`+h.rt.Schema.ID+`"`)
		}
	}
	doc, err := h.rt.Normalize(m)
	if err != nil {
		return nil, nil, err
	}
	h.rt.DropReadOnly(doc)
	if err := h.rt.CheckRequired(doc); err != nil {
		return nil, nil, err
	}
	u, err := store.UserFromMap(doc)
	if err != nil {
		return nil, nil, errorf(http.StatusBadRequest, "invalidValue", err.Error())
	}
	return u, doc, nil
}

func (h *Handler) getUser(w http.ResponseWriter, r *http.Request) {
	u, err := h.users.Get(r.Context(), r.PathValue("id"))
	if err != nil {
		h.fail(w, r, err)
		return
	}
	if inm := r.Header.Get("If-None-Match"); inm != "" && etagMatches(inm, u.Meta.Version) {
		w.Header().Set("ETag", etag(u.Meta.Version))
		w.WriteHeader(http.StatusNotModified)
		return
	}
	h.writeUser(w, r, http.StatusOK, u, h.queryProjection(r))
}

func (h *Handler) createUser(w http.ResponseWriter, r *http.Request) {
	m, err := h.readJSON(w, r)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	u, _, err := h.userFromBody(m)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	created, err := h.users.Create(r.Context(), u)
	if errors.Is(err, store.ErrConflict) && h.opts.OnDuplicate == DuplicateReturnExisting {
		if existing, ferr := h.findByUserName(r, u.UserName); ferr == nil {
			h.writeUser(w, r, http.StatusOK, existing, h.queryProjection(r))
			return
		}
	}
	if err != nil {
		h.fail(w, r, err)
		return
	}
	h.writeUser(w, r, http.StatusCreated, created, h.queryProjection(r))
}

func (h *Handler) findByUserName(r *http.Request, userName string) (*store.User, error) {
	ref, err := h.rt.Lookup("", "userName", "")
	if err != nil {
		return nil, err
	}
	res, err := h.list(r, store.ListQuery{
		Filter:     &filter.Compare{Attr: ref, Op: filter.Eq, Value: userName},
		StartIndex: 1,
		Count:      1,
	})
	if err != nil {
		return nil, err
	}
	if len(res.Users) == 0 {
		return nil, store.ErrNotFound
	}
	return res.Users[0], nil
}

func (h *Handler) replaceUser(w http.ResponseWriter, r *http.Request) {
	m, err := h.readJSON(w, r)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	u, doc, err := h.userFromBody(m)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	id := r.PathValue("id")
	cur, err := h.users.Get(r.Context(), id)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	ifVersion, err := precondition(r, cur)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	if err := h.checkImmutable(cur.Map(), doc); err != nil {
		h.fail(w, r, err)
		return
	}
	u.ID = id
	u.Groups = cur.Groups // readOnly: managed by the server
	if u.Password == "" {
		// writeOnly: a client cannot read it back, so leaving it out of a
		// PUT keeps it rather than clearing it.
		u.Password = cur.Password
	}
	saved, err := h.users.Replace(r.Context(), u, ifVersion)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	h.writeUser(w, r, http.StatusOK, saved, h.queryProjection(r))
}

// checkImmutable rejects a PUT that changes an immutable attribute that
// already has a value (RFC 7643 §7).
func (h *Handler) checkImmutable(cur, next map[string]any) error {
	check := func(attrs []*schema.Attribute, cur, next map[string]any) error {
		for _, a := range attrs {
			if a.Mutability != schema.Immutable {
				continue
			}
			old, had := cur[a.Name]
			if had && !reflect.DeepEqual(old, next[a.Name]) {
				return schema.Errorf("mutability", "attribute %q is immutable", a.Name)
			}
		}
		return nil
	}
	if err := check(h.rt.Schema.Attributes, cur, next); err != nil {
		return err
	}
	for _, ext := range h.rt.Extensions {
		c, _ := cur[ext.Schema.ID].(map[string]any)
		n, _ := next[ext.Schema.ID].(map[string]any)
		if err := check(ext.Schema.Attributes, c, n); err != nil {
			return err
		}
	}
	return nil
}

// readPatch reads a PatchOp body (RFC 7644 §3.5.2). Member names match
// without regard to case.
func (h *Handler) readPatch(w http.ResponseWriter, r *http.Request) ([]patch.Operation, error) {
	m, err := h.readJSON(w, r)
	if err != nil {
		return nil, err
	}
	v, ok := member(m, "Operations")
	list, isList := v.([]any)
	if !ok || !isList {
		return nil, errorf(http.StatusBadRequest, "invalidSyntax", `PatchOp needs an "Operations" array`)
	}
	if len(list) > h.opts.MaxPatchOperations {
		return nil, errorf(http.StatusBadRequest, "tooMany", "PatchOp has more operations than the limit")
	}
	ops := make([]patch.Operation, 0, len(list))
	for i, item := range list {
		om, ok := item.(map[string]any)
		if !ok {
			return nil, errorf(http.StatusBadRequest, "invalidSyntax", "each operation must be a JSON object")
		}
		var op patch.Operation
		if v, ok := member(om, "op"); ok {
			op.Op, _ = v.(string)
		}
		if op.Op == "" {
			return nil, errorf(http.StatusBadRequest, "invalidSyntax", "operation "+itoa(i)+` needs an "op"`)
		}
		if v, ok := member(om, "path"); ok && v != nil {
			s, isStr := v.(string)
			if !isStr {
				return nil, errorf(http.StatusBadRequest, "invalidPath", "operation "+itoa(i)+`: "path" must be a string`)
			}
			op.Path = s
		}
		op.Value, _ = member(om, "value")
		ops = append(ops, op)
	}
	return ops, nil
}

func (h *Handler) patchUser(w http.ResponseWriter, r *http.Request) {
	ops, err := h.readPatch(w, r)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	id := r.PathValue("id")
	conditional := r.Header.Get("If-Match") != ""
	var result *store.User
	for attempt := 0; ; attempt++ {
		cur, err := h.users.Get(r.Context(), id)
		if err != nil {
			h.fail(w, r, err)
			return
		}
		if _, err := precondition(r, cur); err != nil {
			h.fail(w, r, err)
			return
		}
		out, changed, err := patch.Apply(cur.Map(), ops, h.rt, h.plim)
		if err != nil {
			h.fail(w, r, err)
			return
		}
		if !changed {
			result = cur
			break
		}
		if err := h.rt.CheckRequired(out); err != nil {
			h.fail(w, r, err)
			return
		}
		next, err := store.UserFromMap(out)
		if err != nil {
			h.fail(w, r, errorf(http.StatusBadRequest, "invalidValue", err.Error()))
			return
		}
		next.ID = id
		saved, err := h.users.Replace(r.Context(), next, cur.Meta.Version)
		if errors.Is(err, store.ErrVersionMismatch) && !conditional && attempt < h.opts.PatchRetries {
			continue // another write came between our read and write
		}
		if err != nil {
			h.fail(w, r, err)
			return
		}
		result = saved
		break
	}
	if h.opts.PatchNoContent {
		w.Header().Set("ETag", etag(result.Meta.Version))
		w.WriteHeader(http.StatusNoContent)
		return
	}
	h.writeUser(w, r, http.StatusOK, result, h.queryProjection(r))
}

func (h *Handler) deleteUser(w http.ResponseWriter, r *http.Request) {
	id := r.PathValue("id")
	conditional := r.Header.Get("If-Match") != ""
	for attempt := 0; ; attempt++ {
		ifVersion := ""
		var cur *store.User
		if conditional || h.opts.Delete == DeleteDeactivates {
			var err error
			if cur, err = h.users.Get(r.Context(), id); err != nil {
				h.fail(w, r, err)
				return
			}
			if ifVersion, err = precondition(r, cur); err != nil {
				h.fail(w, r, err)
				return
			}
		}
		var err error
		if h.opts.Delete == DeleteDeactivates {
			if cur.Active != nil && !*cur.Active {
				break
			}
			f := false
			cur.Active = &f
			_, err = h.users.Replace(r.Context(), cur, cur.Meta.Version)
		} else {
			err = h.users.Delete(r.Context(), id, ifVersion)
		}
		if errors.Is(err, store.ErrVersionMismatch) && !conditional && attempt < h.opts.PatchRetries {
			continue
		}
		if err != nil {
			h.fail(w, r, err)
			return
		}
		break
	}
	w.WriteHeader(http.StatusNoContent)
}
