package scim

import (
	"encoding/json"
	"errors"
	"math"
	"net/http"
	"slices"
	"strconv"
	"strings"

	"github.com/scimstack/scimstack/filter"
	"github.com/scimstack/scimstack/schema"
	"github.com/scimstack/scimstack/store"
)

func itoa(i int) string { return strconv.Itoa(i) }

// listRequest is a query from GET parameters or a SearchRequest body
// (RFC 7644 §3.4.2, §3.4.3).
type listRequest struct {
	filter     string
	sortBy     string
	sortOrder  string
	startIndex string
	count      string
	attrs      []string
	excluded   []string
}

func (h *Handler) listUsers(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	h.serveList(w, r, listRequest{
		filter:     q.Get("filter"),
		sortBy:     q.Get("sortBy"),
		sortOrder:  q.Get("sortOrder"),
		startIndex: q.Get("startIndex"),
		count:      q.Get("count"),
		attrs:      q["attributes"],
		excluded:   q["excludedAttributes"],
	})
}

func (h *Handler) searchUsers(w http.ResponseWriter, r *http.Request) {
	m, err := h.readJSON(w, r)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	var lr listRequest
	str := func(name string, dst *string) error {
		v, ok := member(m, name)
		if !ok || v == nil {
			return nil
		}
		switch v := v.(type) {
		case string:
			*dst = v
		case json.Number:
			*dst = v.String()
		default:
			return errorf(http.StatusBadRequest, "invalidValue", `SearchRequest "`+name+`" has the wrong type`)
		}
		return nil
	}
	list := func(name string, dst *[]string) error {
		v, ok := member(m, name)
		if !ok || v == nil {
			return nil
		}
		switch v := v.(type) {
		case string:
			*dst = []string{v}
		case []any:
			for _, e := range v {
				s, ok := e.(string)
				if !ok {
					return errorf(http.StatusBadRequest, "invalidValue", `SearchRequest "`+name+`" must hold strings`)
				}
				*dst = append(*dst, s)
			}
		default:
			return errorf(http.StatusBadRequest, "invalidValue", `SearchRequest "`+name+`" must be an array of strings`)
		}
		return nil
	}
	for _, err := range []error{
		str("filter", &lr.filter), str("sortBy", &lr.sortBy), str("sortOrder", &lr.sortOrder),
		str("startIndex", &lr.startIndex), str("count", &lr.count),
		list("attributes", &lr.attrs), list("excludedAttributes", &lr.excluded),
	} {
		if err != nil {
			h.fail(w, r, err)
			return
		}
	}
	h.serveList(w, r, lr)
}

// parseIndex reads startIndex or count. An integer too large for any
// directory is an integer all the same: it is brought within 2^31-1
// rather than refused.
func parseIndex(s string) (int, error) {
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil && !errors.Is(err, strconv.ErrRange) {
		return 0, err
	}
	return int(min(max(n, math.MinInt32), math.MaxInt32)), nil
}

// buildQuery turns a request into a store query, applying the defaults and
// bounds of RFC 7644 §3.4.2.
func (h *Handler) buildQuery(lr listRequest) (store.ListQuery, projection, error) {
	q := store.ListQuery{StartIndex: 1, Count: h.opts.DefaultPageSize}
	p := projection{attrs: h.parseAttrList(lr.attrs), excluded: h.parseAttrList(lr.excluded)}
	if strings.TrimSpace(lr.filter) != "" {
		f, err := filter.Parse(lr.filter, h.rt, h.flim)
		if err != nil {
			return q, p, err
		}
		if a := neverReturned(f); a != nil {
			// Matching on a secret would let a client guess it one
			// request at a time.
			return q, p, errorf(http.StatusBadRequest, "invalidFilter", "attribute "+strconv.Quote(a.Name)+" cannot be used in a filter")
		}
		q.Filter = f
	}
	if h.opts.HideInactive {
		hide := &filter.Not{X: h.inactive}
		if q.Filter == nil {
			q.Filter = hide
		} else {
			q.Filter = &filter.And{Left: q.Filter, Right: hide}
		}
	}
	if lr.sortBy != "" {
		ref, err := h.rt.ParsePath(lr.sortBy)
		if err != nil || ref.Attr == nil {
			return q, p, errorf(http.StatusBadRequest, "invalidValue", "sortBy names no attribute: "+strconv.Quote(lr.sortBy))
		}
		if ref.Sub == nil && ref.Attr.Type == schema.Complex && !ref.Attr.MultiValued {
			return q, p, errorf(http.StatusBadRequest, "invalidValue", "sortBy must name a simple attribute, not "+strconv.Quote(lr.sortBy))
		}
		if ref.Def().Returned == schema.Never {
			return q, p, errorf(http.StatusBadRequest, "invalidValue", "cannot sort by "+strconv.Quote(lr.sortBy))
		}
		q.SortBy = ref
	}
	switch strings.ToLower(lr.sortOrder) {
	case "", "ascending":
	case "descending":
		q.SortOrder = store.Descending
	default:
		return q, p, errorf(http.StatusBadRequest, "invalidValue", `sortOrder must be "ascending" or "descending"`)
	}
	if lr.startIndex != "" {
		n, err := parseIndex(lr.startIndex)
		if err != nil {
			return q, p, errorf(http.StatusBadRequest, "invalidValue", "startIndex must be an integer")
		}
		q.StartIndex = max(n, 1) // RFC 7644 §3.4.2.4: less than 1 means 1
	}
	if lr.count != "" {
		n, err := parseIndex(lr.count)
		if err != nil {
			return q, p, errorf(http.StatusBadRequest, "invalidValue", "count must be an integer")
		}
		q.Count = min(max(n, 0), h.opts.MaxPageSize) // negative means 0
	}
	if len(p.attrs) > 0 {
		q.Attributes = p.attrs
	}
	return q, p, nil
}

func (h *Handler) serveList(w http.ResponseWriter, r *http.Request, lr listRequest) {
	q, p, err := h.buildQuery(lr)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	res, err := h.list(r, q)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	// The envelope is written by hand: encoding/json would re-scan every
	// embedded resource.
	buf := getBuffer()
	defer putBuffer(buf)
	body := append((*buf)[:0], `{"schemas":["`+schema.ListResponseURN+`"],"totalResults":`...)
	body = strconv.AppendInt(body, int64(res.TotalResults), 10)
	body = append(body, `,"startIndex":`...)
	body = strconv.AppendInt(body, int64(q.StartIndex), 10)
	body = append(body, `,"itemsPerPage":`...)
	body = strconv.AppendInt(body, int64(len(res.Users)), 10)
	body = append(body, `,"Resources":[`...)
	for i, u := range res.Users {
		if i > 0 {
			body = append(body, ',')
		}
		if body, err = h.appendUser(body, r, u, p); err != nil {
			h.fail(w, r, err)
			return
		}
	}
	body = append(body, "]}"...)
	*buf = body
	h.writeJSON(w, http.StatusOK, body)
}

// list runs q on the store; when the store cannot serve it
// (errors.ErrUnsupported), it lists everything and filters, sorts and
// pages here, so totalResults stays exact.
func (h *Handler) list(r *http.Request, q store.ListQuery) (*store.ListResult, error) {
	res, err := h.users.List(r.Context(), q)
	if err == nil || !errors.Is(err, errors.ErrUnsupported) {
		return res, err
	}
	// Loading a whole directory into memory for one request is a lever
	// for anyone with a token: refuse past MaxFallbackUsers.
	count, err := h.users.List(r.Context(), store.ListQuery{StartIndex: 1, Count: 0})
	if err != nil {
		return nil, err
	}
	if count.TotalResults > h.opts.MaxFallbackUsers {
		return nil, &Error{Status: http.StatusBadRequest, ScimType: "invalidFilter",
			Detail: "this filter or sortBy cannot be served by the store for a directory of this size"}
	}
	all, err := h.users.List(r.Context(), store.ListQuery{StartIndex: 1, Count: -1})
	if err != nil {
		return nil, err
	}
	type row struct {
		u   *store.User
		doc map[string]any
	}
	rows := make([]row, 0, len(all.Users))
	for _, u := range all.Users {
		doc := u.Map()
		if q.Filter == nil || filter.Match(q.Filter, doc) {
			rows = append(rows, row{u, doc})
		}
	}
	if q.SortBy.Attr != nil {
		desc := q.SortOrder == store.Descending
		slices.SortStableFunc(rows, func(a, b row) int { return filter.Cmp(a.doc, b.doc, q.SortBy, desc) })
	}
	out := &store.ListResult{TotalResults: len(rows)}
	start := max(q.StartIndex, 1) - 1
	if start < len(rows) {
		end := len(rows)
		if q.Count >= 0 {
			end = min(end, start+q.Count)
		}
		for _, row := range rows[start:end] {
			out.Users = append(out.Users, row.u)
		}
	}
	return out, nil
}

// neverReturned returns the first attribute in e whose returned
// characteristic is "never" (password), or nil.
func neverReturned(e filter.Expr) *schema.Attribute {
	never := func(r schema.AttrRef) *schema.Attribute {
		for _, a := range []*schema.Attribute{r.Attr, r.Sub} {
			if a != nil && a.Returned == schema.Never {
				return a
			}
		}
		return nil
	}
	switch e := e.(type) {
	case *filter.And:
		if a := neverReturned(e.Left); a != nil {
			return a
		}
		return neverReturned(e.Right)
	case *filter.Or:
		if a := neverReturned(e.Left); a != nil {
			return a
		}
		return neverReturned(e.Right)
	case *filter.Not:
		return neverReturned(e.X)
	case *filter.Compare:
		return never(e.Attr)
	case *filter.ValuePath:
		if a := never(e.Attr); a != nil {
			return a
		}
		return neverReturned(e.Filter)
	}
	return nil
}
