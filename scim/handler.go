package scim

import (
	"bytes"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/json"
	"errors"
	"log/slog"
	"net/http"
	"strings"
	"sync"

	"github.com/scimstack/scimstack/filter"
	"github.com/scimstack/scimstack/patch"
	"github.com/scimstack/scimstack/schema"
	"github.com/scimstack/scimstack/store"
)

const contentType = "application/scim+json"

// Handler serves the SCIM 2.0 protocol (RFC 7644) for Users over a
// [store.UserStore]. Make one with [NewHandler] and mount it with
// http.StripPrefix. It is safe for concurrent use.
type Handler struct {
	users  store.UserStore
	opts   Options
	log    *slog.Logger
	rt     *schema.ResourceType
	mux    *http.ServeMux
	tokens [][sha256.Size]byte

	flim     filter.Limits
	plim     patch.Limits
	inactive filter.Expr // "active eq false", for HideInactive
	// fastDefault: a User's MarshalJSON is its default projection (no
	// returned "never" or "request" attribute besides password).
	fastDefault bool
}

var _ http.Handler = (*Handler)(nil)

// NewHandler returns a handler serving users. opts may be nil; see
// [Options] for what is required.
func NewHandler(users store.UserStore, opts *Options) (*Handler, error) {
	if users == nil {
		return nil, errors.New("scim: nil store")
	}
	o, err := opts.withDefaults()
	if err != nil {
		return nil, err
	}
	rt, err := schema.UserResourceType(o.Extensions...)
	if err != nil {
		return nil, err
	}
	h := &Handler{
		users: users,
		opts:  o,
		log:   o.Logger,
		rt:    rt,
		flim:  filter.Limits{MaxLength: o.MaxFilterLength, MaxDepth: o.MaxFilterDepth},
	}
	h.plim = patch.Limits{MaxOperations: o.MaxPatchOperations, Filter: h.flim}
	for _, t := range o.Tokens {
		h.tokens = append(h.tokens, sha256.Sum256([]byte(t)))
	}
	h.inactive, err = filter.Parse(`active eq false`, rt, filter.Limits{})
	if err != nil {
		return nil, err
	}
	h.fastDefault = true
	for _, s := range rt.Schemas() {
		for _, a := range s.Attributes {
			if (a.Returned == schema.Never || a.Returned == schema.Request) && !(s.ID == schema.UserURN && a.Name == "password") {
				h.fastDefault = false
			}
		}
	}
	h.routes()
	return h, nil
}

func (h *Handler) routes() {
	m := http.NewServeMux()
	auth, disc := h.authenticated, h.authenticated
	if h.opts.PublicDiscovery {
		disc = func(f http.HandlerFunc) http.HandlerFunc { return f }
	}
	m.HandleFunc("GET /Users", auth(h.listUsers))
	m.HandleFunc("POST /Users", auth(h.createUser))
	m.HandleFunc("POST /Users/.search", auth(h.searchUsers))
	m.HandleFunc("GET /Users/{id}", auth(h.getUser))
	m.HandleFunc("PUT /Users/{id}", auth(h.replaceUser))
	m.HandleFunc("PATCH /Users/{id}", auth(h.patchUser))
	m.HandleFunc("DELETE /Users/{id}", auth(h.deleteUser))
	m.HandleFunc("GET /ServiceProviderConfig", disc(h.serviceProviderConfig))
	m.HandleFunc("GET /ResourceTypes", disc(h.resourceTypes))
	m.HandleFunc("GET /ResourceTypes/{name}", disc(h.resourceType))
	m.HandleFunc("GET /Schemas", disc(h.schemas))
	m.HandleFunc("GET /Schemas/{id}", disc(h.schema))

	// Method-less fallbacks: a known path with another method is a 405
	// with Allow, anything else a SCIM 404.
	for path, allow := range map[string]string{
		"/Users": "GET, HEAD, POST",
		// Go's mux cannot hold a method-less "/Users/.search" beside
		// "GET /Users/{id}", so its other methods are listed one by one.
		"GET /Users/.search":     "POST",
		"PUT /Users/.search":     "POST",
		"PATCH /Users/.search":   "POST",
		"DELETE /Users/.search":  "POST",
		"/Users/{id}":            "GET, HEAD, PUT, PATCH, DELETE",
		"/ServiceProviderConfig": "GET, HEAD",
		"/ResourceTypes":         "GET, HEAD",
		"/ResourceTypes/{name}":  "GET, HEAD",
		"/Schemas":               "GET, HEAD",
		"/Schemas/{id}":          "GET, HEAD",
	} {
		m.HandleFunc(path, func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Allow", allow)
			h.fail(w, r, errorf(http.StatusMethodNotAllowed, "", "method "+r.Method+" is not allowed here; allowed: "+allow))
		})
	}
	m.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		h.fail(w, r, errorf(http.StatusNotFound, "", "no such endpoint: "+r.URL.Path))
	})
	h.mux = m
}

// ServeHTTP implements http.Handler.
// A trailing slash ("/Users/") is ignored, as some clients add one.
func (h *Handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if p := r.URL.Path; len(p) > 1 && p[len(p)-1] == '/' {
		r2 := new(http.Request)
		*r2 = *r
		u := *r.URL
		u.Path = strings.TrimRight(p, "/")
		u.RawPath = ""
		r2.URL = &u
		r = r2
	}
	h.mux.ServeHTTP(w, r)
}

func (h *Handler) authenticated(next http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if h.opts.Authenticate != nil {
			ctx, err := h.opts.Authenticate(r)
			if err != nil {
				h.fail(w, r, &Error{Status: http.StatusUnauthorized, Detail: "authentication failed", Err: err})
				return
			}
			if ctx != nil {
				r = r.WithContext(ctx)
			}
			next(w, r)
			return
		}
		if !h.tokenOK(r.Header.Get("Authorization")) {
			h.fail(w, r, errorf(http.StatusUnauthorized, "", "missing or invalid Bearer token"))
			return
		}
		next(w, r)
	}
}

// tokenOK checks "Bearer <token>" (scheme in any case, RFC 6750 §2.1)
// against every configured token in constant time: hashing first makes
// the comparison independent of the tokens' lengths, and the loop does not
// stop at a match.
func (h *Handler) tokenOK(header string) bool {
	scheme, tok, ok := strings.Cut(strings.TrimSpace(header), " ")
	if !ok || !strings.EqualFold(scheme, "Bearer") {
		return false
	}
	tok = strings.TrimSpace(tok)
	if tok == "" {
		return false
	}
	sum := sha256.Sum256([]byte(tok))
	found := 0
	for i := range h.tokens {
		found |= subtle.ConstantTimeCompare(sum[:], h.tokens[i][:])
	}
	return found == 1
}

// baseURL returns the public URL of the handler's root, without a trailing
// slash. Without Options.BaseURL it is rebuilt from the request: the part
// of RequestURI that http.StripPrefix removed from URL.Path is the mount
// point.
func (h *Handler) baseURL(r *http.Request) string {
	if h.opts.BaseURL != "" {
		return h.opts.BaseURL
	}
	scheme := "http"
	if r.TLS != nil {
		scheme = "https"
	}
	path := r.RequestURI
	if i := strings.IndexAny(path, "?#"); i >= 0 {
		path = path[:i]
	}
	if strings.HasPrefix(path, "http://") || strings.HasPrefix(path, "https://") {
		// Absolute-form request target (proxies).
		if i := strings.Index(path[len("https://"):], "/"); i >= 0 {
			path = path[len("https://")+i:]
		}
	}
	path = strings.TrimRight(path, "/") // ServeHTTP trimmed URL.Path alike
	prefix := strings.TrimSuffix(path, r.URL.Path)
	if len(prefix) == len(path) {
		// The path was escaped differently; fall back to RawPath logic.
		prefix = strings.TrimSuffix(path, r.URL.EscapedPath())
		if len(prefix) == len(path) {
			prefix = ""
		}
	}
	return scheme + "://" + r.Host + strings.TrimRight(prefix, "/")
}

// readJSON decodes the body, bounded by MaxBodyBytes, into a generic map
// with numbers as json.Number. Malformed JSON is invalidSyntax.
func (h *Handler) readJSON(w http.ResponseWriter, r *http.Request) (map[string]any, error) {
	body := http.MaxBytesReader(w, r.Body, h.opts.MaxBodyBytes)
	var buf bytes.Buffer
	if _, err := buf.ReadFrom(body); err != nil {
		return nil, err
	}
	dec := json.NewDecoder(&buf)
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return nil, errorf(http.StatusBadRequest, "invalidSyntax", "request body is not valid JSON: "+err.Error())
	}
	if dec.More() {
		return nil, errorf(http.StatusBadRequest, "invalidSyntax", "request body holds more than one JSON value")
	}
	m, ok := v.(map[string]any)
	if !ok {
		return nil, errorf(http.StatusBadRequest, "invalidSyntax", "request body must be a JSON object")
	}
	return m, nil
}

// Response bodies are built in pooled buffers: the ResponseWriter copies
// what it is given, so a buffer is free again once Write returns.
var buffers = sync.Pool{New: func() any { b := make([]byte, 0, 2048); return &b }}

func getBuffer() *[]byte { return buffers.Get().(*[]byte) }

func putBuffer(b *[]byte) {
	if cap(*b) <= 64<<10 { // let the rare huge one go
		buffers.Put(b)
	}
}

func (h *Handler) writeJSON(w http.ResponseWriter, status int, body []byte) {
	w.Header().Set("Content-Type", contentType)
	w.WriteHeader(status)
	_, _ = w.Write(body)
}

// member returns the value of the key in m matching name without regard to
// case (RFC 7644 attribute names are case-insensitive).
func member(m map[string]any, name string) (any, bool) {
	if v, ok := m[name]; ok {
		return v, true
	}
	for k, v := range m {
		if strings.EqualFold(k, name) {
			return v, true
		}
	}
	return nil, false
}
