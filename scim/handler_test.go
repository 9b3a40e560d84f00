package scim_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/scimstack/scimstack/schema"
	"github.com/scimstack/scimstack/scim"
	"github.com/scimstack/scimstack/store"
	"github.com/scimstack/scimstack/store/memstore"
)

const (
	token   = "test-token"
	base    = "https://app.example.com/scim/v2"
	userURN = "urn:ietf:params:scim:schemas:core:2.0:User"
	entURN  = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"
	acmeURN = "urn:ietf:params:scim:schemas:extension:acme:2.0:User"
)

// acme is a custom extension such as an IdP's custom attributes.
func acme() schema.Extension {
	return schema.Extension{Schema: &schema.Schema{
		ID:   acmeURN,
		Name: "AcmeUser",
		Attributes: []*schema.Attribute{
			{Name: "badge", Type: schema.String, Mutability: schema.ReadWrite, Returned: schema.Default, Uniqueness: schema.None},
			{Name: "clearance", Type: schema.Integer, Mutability: schema.ReadWrite, Returned: schema.Default, Uniqueness: schema.None},
		},
	}}
}

type client struct {
	t *testing.T
	h http.Handler
}

func newClient(t *testing.T, opts *scim.Options) *client {
	t.Helper()
	return newClientWith(t, memstore.New(), opts)
}

func newClientWith(t *testing.T, users store.UserStore, opts *scim.Options) *client {
	t.Helper()
	if opts == nil {
		opts = &scim.Options{}
	}
	if opts.Tokens == nil && opts.Authenticate == nil {
		opts.Tokens = []string{token}
	}
	if opts.BaseURL == "" {
		opts.BaseURL = base
	}
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	if opts.Extensions == nil {
		opts.Extensions = []schema.Extension{acme()}
	}
	h, err := scim.NewHandler(users, opts)
	require.NoError(t, err)
	mux := http.NewServeMux()
	mux.Handle("/scim/v2/", http.StripPrefix("/scim/v2", h))
	return &client{t: t, h: mux}
}

type response struct {
	*httptest.ResponseRecorder
	t *testing.T
}

// json decodes the body.
func (r response) json() map[string]any {
	r.t.Helper()
	var m map[string]any
	require.NoError(r.t, json.Unmarshal(r.Body.Bytes(), &m), "body: %s", r.Body.String())
	return m
}

func (c *client) do(method, path string, body any, hdr ...string) response {
	c.t.Helper()
	var rd io.Reader
	switch b := body.(type) {
	case nil:
	case string:
		rd = strings.NewReader(b)
	default:
		j, err := json.Marshal(b)
		require.NoError(c.t, err)
		rd = bytes.NewReader(j)
	}
	req := httptest.NewRequest(method, "http://app.example.com/scim/v2"+path, rd)
	req.Header.Set("Authorization", "Bearer "+token)
	if rd != nil {
		req.Header.Set("Content-Type", "application/scim+json")
	}
	for i := 0; i+1 < len(hdr); i += 2 {
		if hdr[i+1] == "" {
			req.Header.Del(hdr[i])
		} else {
			req.Header.Set(hdr[i], hdr[i+1])
		}
	}
	rec := httptest.NewRecorder()
	c.h.ServeHTTP(rec, req)
	return response{rec, c.t}
}

func userBody(userName string, extra ...any) map[string]any {
	m := map[string]any{
		"schemas":  []any{userURN},
		"userName": userName,
		"name":     map[string]any{"givenName": "Barbara", "familyName": "Jensen"},
		"emails":   []any{map[string]any{"value": userName, "type": "work", "primary": true}},
		"active":   true,
	}
	for i := 0; i+1 < len(extra); i += 2 {
		m[extra[i].(string)] = extra[i+1]
	}
	return m
}

func (c *client) create(userName string, extra ...any) map[string]any {
	c.t.Helper()
	res := c.do("POST", "/Users", userBody(userName, extra...))
	require.Equal(c.t, http.StatusCreated, res.Code, res.Body.String())
	return res.json()
}

// assertSCIMError checks an RFC 7644 §3.12 error response.
func assertSCIMError(t *testing.T, res response, status int, scimType string) {
	t.Helper()
	require.Equal(t, status, res.Code, res.Body.String())
	assert.Equal(t, "application/scim+json", res.Header().Get("Content-Type"))
	m := res.json()
	assert.Equal(t, []any{"urn:ietf:params:scim:api:messages:2.0:Error"}, m["schemas"])
	assert.Equal(t, fmt.Sprint(status), m["status"], "RFC 7644 §3.12: status is a string")
	if scimType != "" {
		assert.Equal(t, scimType, m["scimType"])
	} else {
		assert.Nil(t, m["scimType"])
	}
	assert.NotEmpty(t, m["detail"])
}

func TestNewHandlerValidatesOptions(t *testing.T) {
	_, err := scim.NewHandler(memstore.New(), nil)
	assert.Error(t, err, "no credentials configured")
	_, err = scim.NewHandler(nil, &scim.Options{Tokens: []string{"x"}})
	assert.Error(t, err)
	_, err = scim.NewHandler(memstore.New(), &scim.Options{Tokens: []string{"x"}, MaxPageSize: -1})
	assert.Error(t, err)
	_, err = scim.NewHandler(memstore.New(), &scim.Options{Tokens: []string{"x"}, BaseURL: "example.com/scim"})
	assert.Error(t, err)
	opts := &scim.Options{Tokens: []string{"x"}}
	_, err = scim.NewHandler(memstore.New(), opts)
	require.NoError(t, err)
	assert.Zero(t, opts.MaxPageSize, "NewHandler must not write defaults into the caller's Options")
}

func TestAuth(t *testing.T) {
	c := newClient(t, nil)
	res := c.do("GET", "/Users", nil, "Authorization", "")
	assertSCIMError(t, res, http.StatusUnauthorized, "")
	assert.Contains(t, res.Header().Get("WWW-Authenticate"), "Bearer")

	assertSCIMError(t, c.do("GET", "/Users", nil, "Authorization", "Bearer wrong"), http.StatusUnauthorized, "")
	assertSCIMError(t, c.do("GET", "/Users", nil, "Authorization", "Basic "+token), http.StatusUnauthorized, "")
	assertSCIMError(t, c.do("GET", "/Users", nil, "Authorization", "Bearer "), http.StatusUnauthorized, "")
	assert.Equal(t, http.StatusOK, c.do("GET", "/Users", nil, "Authorization", "bearer "+token).Code, "the scheme is case-insensitive")
	assert.Equal(t, http.StatusOK, c.do("GET", "/Users", nil, "Authorization", "BEARER "+token).Code)
	// Discovery needs credentials unless PublicDiscovery is set.
	assertSCIMError(t, c.do("GET", "/ServiceProviderConfig", nil, "Authorization", ""), http.StatusUnauthorized, "")
	pub := newClient(t, &scim.Options{PublicDiscovery: true})
	assert.Equal(t, http.StatusOK, pub.do("GET", "/ServiceProviderConfig", nil, "Authorization", "").Code)
	assert.Equal(t, http.StatusOK, pub.do("GET", "/Schemas", nil, "Authorization", "").Code)
	assertSCIMError(t, pub.do("GET", "/Users", nil, "Authorization", ""), http.StatusUnauthorized, "")
}

// ctxStore records a context value seen by List.
type ctxStore struct {
	store.UserStore
	key  any
	seen *any
}

func (s ctxStore) List(ctx context.Context, q store.ListQuery) (*store.ListResult, error) {
	*s.seen = ctx.Value(s.key)
	return s.UserStore.List(ctx, q)
}

func TestAuthenticator(t *testing.T) {
	type key struct{}
	var seen any
	users := ctxStore{memstore.New(), key{}, &seen}
	c := newClientWith(t, users, &scim.Options{Authenticate: func(r *http.Request) (context.Context, error) {
		if r.Header.Get("X-Key") != "k" {
			return nil, errors.New("bad key")
		}
		return context.WithValue(r.Context(), key{}, "tenant-1"), nil
	}})
	assertSCIMError(t, c.do("GET", "/Users", nil), http.StatusUnauthorized, "")
	assert.Nil(t, seen, "a refused request never reaches the store")
	assert.Equal(t, http.StatusOK, c.do("GET", "/Users", nil, "X-Key", "k").Code)
	assert.Equal(t, "tenant-1", seen, "the store sees the context the Authenticator returned")
}

func TestCreateGet(t *testing.T) {
	c := newClient(t, nil)
	res := c.do("POST", "/Users", userBody("bjensen@example.com", "password", "s3cret", "externalId", "ext-1"))
	require.Equal(t, http.StatusCreated, res.Code, res.Body.String())
	assert.Equal(t, "application/scim+json", res.Header().Get("Content-Type"))
	u := res.json()
	id, _ := u["id"].(string)
	require.NotEmpty(t, id)
	assert.Equal(t, base+"/Users/"+id, res.Header().Get("Location"), "RFC 7644 §3.3: Location of the new resource")
	assert.NotEmpty(t, res.Header().Get("ETag"))
	assert.Equal(t, []any{userURN}, u["schemas"])
	assert.Equal(t, "bjensen@example.com", u["userName"])
	assert.Equal(t, "ext-1", u["externalId"])
	assert.NotContains(t, u, "password", "RFC 7643 §4.1.1: password is never returned")
	meta := u["meta"].(map[string]any)
	assert.Equal(t, "User", meta["resourceType"])
	assert.Equal(t, base+"/Users/"+id, meta["location"])
	assert.NotEmpty(t, meta["created"])
	assert.NotEmpty(t, meta["version"])
	assert.Equal(t, res.Header().Get("ETag"), `W/"`+meta["version"].(string)+`"`)

	get := c.do("GET", "/Users/"+id, nil)
	require.Equal(t, http.StatusOK, get.Code)
	assert.Equal(t, u, get.json())
	assert.Equal(t, res.Header().Get("ETag"), get.Header().Get("ETag"))
	assert.Empty(t, get.Header().Get("Location"))

	nm := c.do("GET", "/Users/"+id, nil, "If-None-Match", get.Header().Get("ETag"))
	assert.Equal(t, http.StatusNotModified, nm.Code)
	assert.Empty(t, nm.Body.String())
	assert.Equal(t, http.StatusOK, c.do("GET", "/Users/"+id, nil, "If-None-Match", `W/"other"`).Code)

	assertSCIMError(t, c.do("GET", "/Users/nope", nil), http.StatusNotFound, "")
}

func TestCreateInput(t *testing.T) {
	c := newClient(t, nil)
	// Attribute names are case-insensitive, readOnly attributes ignored,
	// application/json accepted, unknown attributes dropped.
	res := c.do("POST", "/Users", `{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],
		"USERNAME":"Mixed@Example.com","id":"chosen-by-client","meta":{"version":"x"},
		"groups":[{"value":"g1"}],"Active":"True","favouriteColour":"blue",
		"urn:ietf:params:scim:schemas:extension:enterprise:2.0:User":{"employeeNumber":"42"},
		"urn:ietf:params:scim:schemas:extension:acme:2.0:User":{"Badge":"B-7","clearance":3}}`,
		"Content-Type", "application/json")
	require.Equal(t, http.StatusCreated, res.Code, res.Body.String())
	u := res.json()
	assert.Equal(t, "Mixed@Example.com", u["userName"])
	assert.NotEqual(t, "chosen-by-client", u["id"], "RFC 7643 §3.1: id is assigned by the service provider")
	assert.NotContains(t, u, "groups", "groups is readOnly")
	assert.NotContains(t, u, "favouriteColour")
	assert.Equal(t, true, u["active"])
	assert.Equal(t, map[string]any{"employeeNumber": "42"}, u[entURN])
	assert.Equal(t, map[string]any{"badge": "B-7", "clearance": float64(3)}, u[acmeURN])
	assert.ElementsMatch(t, []any{userURN, entURN, acmeURN}, u["schemas"])

	for name, tc := range map[string]struct {
		body     string
		status   int
		scimType string
	}{
		"missing userName": {`{"schemas":["` + userURN + `"],"displayName":"x"}`, 400, "invalidValue"},
		"wrong type":       {`{"schemas":["` + userURN + `"],"userName":"a","active":"maybe"}`, 400, "invalidValue"},
		"wrong schemas":    {`{"schemas":["urn:ietf:params:scim:schemas:core:2.0:Group"],"userName":"a"}`, 400, "invalidValue"},
		"not JSON":         {`{"userName":`, 400, "invalidSyntax"},
		"not an object":    {`["userName"]`, 400, "invalidSyntax"},
		"two values":       {`{"userName":"a"} {}`, 400, "invalidSyntax"},
	} {
		t.Run(name, func(t *testing.T) {
			assertSCIMError(t, c.do("POST", "/Users", tc.body), tc.status, tc.scimType)
		})
	}
	list := c.do("GET", "/Users", nil).json()
	assert.Equal(t, float64(1), list["totalResults"], "failed creates change nothing")
}

func TestBodyLimit(t *testing.T) {
	c := newClient(t, &scim.Options{MaxBodyBytes: 512})
	big := userBody("big@example.com", "displayName", strings.Repeat("x", 1000))
	assertSCIMError(t, c.do("POST", "/Users", big), http.StatusRequestEntityTooLarge, "")
}

func TestDuplicate(t *testing.T) {
	c := newClient(t, nil)
	c.create("dup@example.com")
	assertSCIMError(t, c.do("POST", "/Users", userBody("DUP@example.com")), http.StatusConflict, "uniqueness")

	ret := newClient(t, &scim.Options{OnDuplicate: scim.DuplicateReturnExisting})
	first := ret.create("dup@example.com")
	res := ret.do("POST", "/Users", userBody("Dup@Example.com"))
	require.Equal(t, http.StatusOK, res.Code, res.Body.String())
	assert.Equal(t, first["id"], res.json()["id"])
}

func TestProjection(t *testing.T) {
	c := newClient(t, nil)
	u := c.create("proj@example.com", "password", "pw", "displayName", "Proj")
	id := u["id"].(string)

	got := c.do("GET", "/Users/"+id+"?attributes=userName", nil).json()
	assert.Equal(t, id, got["id"], "RFC 7643 §7: id is returned always")
	assert.Equal(t, "proj@example.com", got["userName"])
	assert.NotContains(t, got, "displayName")
	assert.NotContains(t, got, "emails")
	assert.Equal(t, []any{userURN}, got["schemas"])

	got = c.do("GET", "/Users/"+id+"?attributes=name.givenName,password", nil).json()
	assert.Equal(t, map[string]any{"givenName": "Barbara"}, got["name"])
	assert.NotContains(t, got, "password", "never returned, even when asked")

	got = c.do("GET", "/Users/"+id+"?excludedAttributes=emails,displayName", nil).json()
	assert.NotContains(t, got, "emails")
	assert.NotContains(t, got, "displayName")
	assert.Equal(t, "proj@example.com", got["userName"])

	list := c.do("GET", "/Users?attributes=userName&filter="+url.QueryEscape(`userName eq "proj@example.com"`), nil).json()
	res := list["Resources"].([]any)
	require.Len(t, res, 1)
	assert.NotContains(t, res[0], "emails")
}

func TestReplace(t *testing.T) {
	c := newClient(t, nil)
	u := c.create("put@example.com", "displayName", "Before", "nickName", "nick", "password", "pw")
	id := u["id"].(string)
	etag := c.do("GET", "/Users/"+id, nil).Header().Get("ETag")

	body := map[string]any{
		"schemas":  []any{userURN},
		"id":       "something-else",
		"userName": "put@example.com",
		"title":    "Boss",
	}
	res := c.do("PUT", "/Users/"+id, body)
	require.Equal(t, http.StatusOK, res.Code, res.Body.String())
	got := res.json()
	assert.Equal(t, id, got["id"], "id is immutable")
	assert.Equal(t, "Boss", got["title"])
	assert.NotContains(t, got, "displayName", "RFC 7644 §3.5.1: omitted attributes are cleared")
	assert.NotContains(t, got, "emails")
	assert.NotEqual(t, etag, res.Header().Get("ETag"))
	assert.Equal(t, u["meta"].(map[string]any)["created"], got["meta"].(map[string]any)["created"])

	assertSCIMError(t, c.do("PUT", "/Users/"+id, body, "If-Match", etag), http.StatusPreconditionFailed, "")
	assert.Equal(t, http.StatusOK, c.do("PUT", "/Users/"+id, body, "If-Match", res.Header().Get("ETag")).Code)
	assertSCIMError(t, c.do("PUT", "/Users/missing", body), http.StatusNotFound, "")
	c.create("other@example.com")
	body["userName"] = "OTHER@example.com"
	assertSCIMError(t, c.do("PUT", "/Users/"+id, body), http.StatusConflict, "uniqueness")
	delete(body, "userName")
	assertSCIMError(t, c.do("PUT", "/Users/"+id, body), http.StatusBadRequest, "invalidValue")
}

func TestPatch(t *testing.T) {
	c := newClient(t, nil)
	u := c.create("patch@example.com")
	id := u["id"].(string)
	op := func(ops ...map[string]any) map[string]any {
		list := make([]any, len(ops))
		for i := range ops {
			list[i] = ops[i]
		}
		return map[string]any{"schemas": []any{"urn:ietf:params:scim:api:messages:2.0:PatchOp"}, "Operations": list}
	}
	res := c.do("PATCH", "/Users/"+id, op(
		map[string]any{"op": "Replace", "path": "active", "value": "False"},
		map[string]any{"op": "add", "path": "title", "value": "Engineer"},
	))
	require.Equal(t, http.StatusOK, res.Code, res.Body.String())
	got := res.json()
	assert.Equal(t, false, got["active"])
	assert.Equal(t, "Engineer", got["title"])
	etag := res.Header().Get("ETag")
	assert.NotEmpty(t, etag)

	// No change: no new version.
	res = c.do("PATCH", "/Users/"+id, op(map[string]any{"op": "replace", "path": "title", "value": "Engineer"}))
	require.Equal(t, http.StatusOK, res.Code)
	assert.Equal(t, etag, res.Header().Get("ETag"))

	assertSCIMError(t, c.do("PATCH", "/Users/"+id, op(map[string]any{"op": "replace", "path": "title", "value": "X"}), "If-Match", `W/"stale"`), http.StatusPreconditionFailed, "")
	assert.Equal(t, http.StatusOK, c.do("PATCH", "/Users/"+id, op(map[string]any{"op": "replace", "path": "title", "value": "X"}), "If-Match", etag).Code)

	assertSCIMError(t, c.do("PATCH", "/Users/"+id, op(map[string]any{"op": "jump", "path": "title", "value": "X"})), 400, "invalidSyntax")
	assertSCIMError(t, c.do("PATCH", "/Users/"+id, op(map[string]any{"op": "replace", "path": "id", "value": "X"})), 400, "mutability")
	assertSCIMError(t, c.do("PATCH", "/Users/"+id, op(map[string]any{"op": "replace", "path": "nosuch", "value": "X"})), 400, "invalidPath")
	assertSCIMError(t, c.do("PATCH", "/Users/"+id, op(map[string]any{"op": "remove", "path": "userName"})), 400, "invalidValue")
	assertSCIMError(t, c.do("PATCH", "/Users/"+id, `{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"]}`), 400, "invalidSyntax")
	assertSCIMError(t, c.do("PATCH", "/Users/missing", op(map[string]any{"op": "replace", "path": "title", "value": "X"})), 404, "")

	// Atomic: the first op is valid, the second is not; nothing changes.
	before := c.do("GET", "/Users/"+id, nil).json()
	assertSCIMError(t, c.do("PATCH", "/Users/"+id, op(
		map[string]any{"op": "replace", "path": "title", "value": "Half"},
		map[string]any{"op": "replace", "path": "active", "value": "perhaps"},
	)), 400, "invalidValue")
	assert.Equal(t, before, c.do("GET", "/Users/"+id, nil).json())

	many := make([]map[string]any, 5)
	for i := range many {
		many[i] = map[string]any{"op": "replace", "path": "title", "value": "t"}
	}
	lim := newClient(t, &scim.Options{MaxPatchOperations: 4})
	id2 := lim.create("lim@example.com")["id"].(string)
	assertSCIMError(t, lim.do("PATCH", "/Users/"+id2, op(many...)), 400, "tooMany")

	nc := newClient(t, &scim.Options{PatchNoContent: true})
	id3 := nc.create("nc@example.com")["id"].(string)
	res = nc.do("PATCH", "/Users/"+id3, op(map[string]any{"op": "replace", "path": "title", "value": "T"}))
	assert.Equal(t, http.StatusNoContent, res.Code)
	assert.Empty(t, res.Body.String())
}

// TestConcurrentPatch: PATCHes without If-Match never lose an update; with
// a stale If-Match they get 412 (RFC 7644 §3.14).
func TestConcurrentPatch(t *testing.T) {
	c := newClient(t, &scim.Options{PatchRetries: 1000})
	id := c.create("race@example.com")["id"].(string)
	const n = 20
	var wg sync.WaitGroup
	codes := make([]int, n)
	for i := range n {
		wg.Go(func() {
			body := map[string]any{"Operations": []any{map[string]any{
				"op": "add", "path": "emails", "value": []any{map[string]any{"value": fmt.Sprintf("e%d@example.com", i), "type": "other"}},
			}}}
			codes[i] = c.do("PATCH", "/Users/"+id, body).Code
		})
	}
	wg.Wait()
	for i, code := range codes {
		assert.Equal(t, http.StatusOK, code, "patch %d", i)
	}
	got := c.do("GET", "/Users/"+id, nil).json()
	assert.Len(t, got["emails"], n+1, "every concurrent PATCH is present")
}

func TestDelete(t *testing.T) {
	c := newClient(t, nil)
	id := c.create("del@example.com")["id"].(string)
	etag := c.do("GET", "/Users/"+id, nil).Header().Get("ETag")
	assertSCIMError(t, c.do("DELETE", "/Users/"+id, nil, "If-Match", `W/"nope"`), http.StatusPreconditionFailed, "")
	res := c.do("DELETE", "/Users/"+id, nil, "If-Match", etag)
	assert.Equal(t, http.StatusNoContent, res.Code)
	assert.Empty(t, res.Body.String())
	assertSCIMError(t, c.do("GET", "/Users/"+id, nil), http.StatusNotFound, "")
	assertSCIMError(t, c.do("DELETE", "/Users/"+id, nil), http.StatusNotFound, "")
	// The userName is free again.
	c.create("del@example.com")

	d := newClient(t, &scim.Options{Delete: scim.DeleteDeactivates, HideInactive: true})
	id = d.create("soft@example.com")["id"].(string)
	d.create("visible@example.com")
	assert.Equal(t, http.StatusNoContent, d.do("DELETE", "/Users/"+id, nil).Code)
	got := d.do("GET", "/Users/"+id, nil)
	require.Equal(t, http.StatusOK, got.Code)
	assert.Equal(t, false, got.json()["active"])
	list := d.do("GET", "/Users", nil).json()
	assert.Equal(t, float64(1), list["totalResults"], "HideInactive leaves deactivated users out")
	assert.Equal(t, http.StatusNoContent, d.do("DELETE", "/Users/"+id, nil).Code, "deactivating twice is fine")
}

func TestList(t *testing.T) {
	c := newClient(t, nil)
	for i := range 25 {
		c.create(fmt.Sprintf("user%02d@example.com", i), "externalId", fmt.Sprintf("ext%02d", i%5),
			"title", fmt.Sprintf("t%02d", 24-i))
	}
	get := func(q string) map[string]any {
		t.Helper()
		res := c.do("GET", "/Users?"+q, nil)
		require.Equal(t, http.StatusOK, res.Code, res.Body.String())
		assert.Equal(t, "application/scim+json", res.Header().Get("Content-Type"))
		return res.json()
	}
	all := get("")
	assert.Equal(t, []any{"urn:ietf:params:scim:api:messages:2.0:ListResponse"}, all["schemas"])
	assert.Equal(t, float64(25), all["totalResults"])
	assert.Equal(t, float64(1), all["startIndex"])
	assert.Equal(t, float64(25), all["itemsPerPage"])

	page := get("startIndex=11&count=10")
	assert.Equal(t, float64(25), page["totalResults"])
	assert.Equal(t, float64(11), page["startIndex"])
	assert.Len(t, page["Resources"], 10)
	first := all["Resources"].([]any)[10].(map[string]any)["id"]
	assert.Equal(t, first, page["Resources"].([]any)[0].(map[string]any)["id"], "paging follows the listing order")

	zero := get("count=0")
	assert.Equal(t, float64(25), zero["totalResults"])
	assert.Equal(t, []any{}, zero["Resources"])
	assert.Equal(t, float64(0), zero["itemsPerPage"])

	assert.Equal(t, float64(1), get("startIndex=-4&count=1")["startIndex"], "RFC 7644 §3.4.2.4: below 1 means 1")
	assert.Len(t, get("count=-1")["Resources"], 0, "negative count means 0")
	assert.Len(t, get("count=99999999999999999999999")["Resources"], 25, "a huge count is capped, not refused")
	assert.Equal(t, []any{}, get("startIndex=99999999999999999999999")["Resources"])
	beyond := get("startIndex=100")
	assert.Equal(t, float64(25), beyond["totalResults"])
	assert.Equal(t, []any{}, beyond["Resources"])

	f := get("filter=" + url.QueryEscape(`userName eq "USER07@example.com"`))
	assert.Equal(t, float64(1), f["totalResults"])
	f = get("filter=" + url.QueryEscape(`externalId eq "ext01"`))
	assert.Equal(t, float64(5), f["totalResults"])
	f = get("filter=" + url.QueryEscape(`externalId eq "EXT01"`))
	assert.Equal(t, float64(0), f["totalResults"], "externalId is caseExact")
	f = get("filter=" + url.QueryEscape(`emails[type eq "work" and value sw "user1"]`) + "&count=3")
	assert.Equal(t, float64(10), f["totalResults"])
	assert.Len(t, f["Resources"], 3)

	sorted := get("sortBy=title&count=3")
	assert.Equal(t, "t00", sorted["Resources"].([]any)[0].(map[string]any)["title"])
	sorted = get("sortBy=title&sortOrder=descending&count=3")
	assert.Equal(t, "t24", sorted["Resources"].([]any)[0].(map[string]any)["title"])

	for _, q := range []string{
		"filter=" + url.QueryEscape(`userName eq`),
		"filter=" + url.QueryEscape(`userName xx "a"`),
		"filter=" + url.QueryEscape(`nosuch eq "a"`),
		"filter=" + url.QueryEscape(`password eq "s3cret"`),
		"filter=" + url.QueryEscape(`userName pr and not (password sw "a")`),
		"filter=" + url.QueryEscape(strings.Repeat("(", 100)+`userName eq "a"`+strings.Repeat(")", 100)),
	} {
		assertSCIMError(t, c.do("GET", "/Users?"+q, nil), http.StatusBadRequest, "invalidFilter")
	}
	assertSCIMError(t, c.do("GET", "/Users?startIndex=x", nil), http.StatusBadRequest, "invalidValue")
	assertSCIMError(t, c.do("GET", "/Users?sortOrder=sideways", nil), http.StatusBadRequest, "invalidValue")

	capped := newClient(t, &scim.Options{MaxPageSize: 2})
	for i := range 3 {
		capped.create(fmt.Sprintf("c%d@example.com", i))
	}
	res := capped.do("GET", "/Users?count=50", nil).json()
	assert.Len(t, res["Resources"], 2, "count is lowered to MaxPageSize")
	assert.Equal(t, float64(3), res["totalResults"])
}

func TestSearch(t *testing.T) {
	c := newClient(t, nil)
	for i := range 5 {
		c.create(fmt.Sprintf("s%d@example.com", i))
	}
	res := c.do("POST", "/Users/.search", map[string]any{
		"schemas":    []any{"urn:ietf:params:scim:api:messages:2.0:SearchRequest"},
		"filter":     `userName sw "s"`,
		"startIndex": 2,
		"count":      2,
		"attributes": []any{"userName"},
		"sortBy":     "userName",
		"sortOrder":  "descending",
	})
	require.Equal(t, http.StatusOK, res.Code, res.Body.String())
	got := res.json()
	assert.Equal(t, float64(5), got["totalResults"])
	items := got["Resources"].([]any)
	require.Len(t, items, 2)
	assert.Equal(t, "s3@example.com", items[0].(map[string]any)["userName"])
	assert.NotContains(t, items[0], "emails")
	assertSCIMError(t, c.do("POST", "/Users/.search", map[string]any{"filter": "userName eq"}), 400, "invalidFilter")
	assertSCIMError(t, c.do("POST", "/Users/.search", map[string]any{"count": "many"}), 400, "invalidValue")
}

func TestRouting(t *testing.T) {
	c := newClient(t, nil)
	id := c.create("route@example.com")["id"].(string)
	res := c.do("POST", "/Users/"+id, userBody("x"))
	assertSCIMError(t, res, http.StatusMethodNotAllowed, "")
	assert.Contains(t, res.Header().Get("Allow"), "PATCH")
	res = c.do("DELETE", "/Users", nil)
	assertSCIMError(t, res, http.StatusMethodNotAllowed, "")
	assert.Contains(t, res.Header().Get("Allow"), "POST")
	assertSCIMError(t, c.do("GET", "/Groups", nil), http.StatusNotFound, "")
	assert.Equal(t, http.StatusOK, c.do("GET", "/Users/", nil).Code, "a trailing slash is ignored")
	assert.Equal(t, http.StatusOK, c.do("GET", "/Users/"+id+"/", nil).Code)
	assertSCIMError(t, c.do("GET", "/Users/"+id+"/extra", nil), http.StatusNotFound, "")
	res = c.do("GET", "/Users/.search", nil)
	assertSCIMError(t, res, http.StatusMethodNotAllowed, "")
	assert.Equal(t, "POST", res.Header().Get("Allow"))
}

func TestDiscovery(t *testing.T) {
	c := newClient(t, nil)
	spc := c.do("GET", "/ServiceProviderConfig", nil)
	require.Equal(t, http.StatusOK, spc.Code)
	cfg := spc.json()
	assert.Equal(t, true, cfg["patch"].(map[string]any)["supported"])
	assert.Equal(t, false, cfg["bulk"].(map[string]any)["supported"])
	assert.Equal(t, true, cfg["filter"].(map[string]any)["supported"])
	assert.Equal(t, true, cfg["etag"].(map[string]any)["supported"])
	assert.Equal(t, true, cfg["sort"].(map[string]any)["supported"])
	assert.NotEmpty(t, cfg["authenticationSchemes"])

	rts := c.do("GET", "/ResourceTypes", nil).json()
	assert.Equal(t, float64(1), rts["totalResults"])
	rt := c.do("GET", "/ResourceTypes/User", nil).json()
	assert.Equal(t, "/Users", rt["endpoint"])
	assert.Equal(t, userURN, rt["schema"])
	assert.Len(t, rt["schemaExtensions"], 2)

	schemas := c.do("GET", "/Schemas", nil).json()
	assert.Equal(t, float64(3), schemas["totalResults"])
	us := c.do("GET", "/Schemas/"+userURN, nil)
	require.Equal(t, http.StatusOK, us.Code)
	doc := us.json()
	assert.Equal(t, userURN, doc["id"])
	var userName map[string]any
	for _, a := range doc["attributes"].([]any) {
		if a.(map[string]any)["name"] == "userName" {
			userName = a.(map[string]any)
		}
	}
	require.NotNil(t, userName)
	assert.Equal(t, true, userName["required"])
	assert.Equal(t, "server", userName["uniqueness"])
	assert.Equal(t, base+"/Schemas/"+userURN, doc["meta"].(map[string]any)["location"])
	assert.Equal(t, http.StatusOK, c.do("GET", "/Schemas/"+acmeURN, nil).Code)
	assertSCIMError(t, c.do("GET", "/Schemas/urn:nope", nil), 404, "")
	assertSCIMError(t, c.do("GET", "/ResourceTypes/Group", nil), 404, "")
}

func TestBaseURLFromRequest(t *testing.T) {
	h, err := scim.NewHandler(memstore.New(), &scim.Options{Tokens: []string{token}})
	require.NoError(t, err)
	mux := http.NewServeMux()
	mux.Handle("/api/scim/v2/", http.StripPrefix("/api/scim/v2", h))
	req := httptest.NewRequest("POST", "http://tenant.example.org/api/scim/v2/Users/", strings.NewReader(`{"userName":"loc"}`))
	req.Header.Set("Authorization", "Bearer "+token)
	rec := httptest.NewRecorder()
	mux.ServeHTTP(rec, req)
	require.Equal(t, http.StatusCreated, rec.Code, rec.Body.String())
	assert.True(t, strings.HasPrefix(rec.Header().Get("Location"), "http://tenant.example.org/api/scim/v2/Users/"), rec.Header().Get("Location"))
}

// unsupportedStore refuses every filter and sort, so the handler must
// evaluate them itself.
type unsupportedStore struct{ store.UserStore }

func (s unsupportedStore) List(ctx context.Context, q store.ListQuery) (*store.ListResult, error) {
	if q.Filter != nil || q.SortBy.Attr != nil {
		return nil, fmt.Errorf("no filters here: %w", errors.ErrUnsupported)
	}
	return s.UserStore.List(ctx, q)
}

func TestListFallback(t *testing.T) {
	c := newClientWith(t, unsupportedStore{memstore.New()}, nil)
	for i := range 12 {
		c.create(fmt.Sprintf("f%02d@example.com", i), "title", fmt.Sprintf("%02d", 11-i))
	}
	res := c.do("GET", "/Users?"+url.Values{
		"filter": {`userName co "f0"`}, "sortBy": {"title"}, "startIndex": {"2"}, "count": {"3"},
	}.Encode(), nil)
	require.Equal(t, http.StatusOK, res.Code, res.Body.String())
	got := res.json()
	assert.Equal(t, float64(10), got["totalResults"], "totalResults stays exact")
	items := got["Resources"].([]any)
	require.Len(t, items, 3)
	assert.Equal(t, "f08@example.com", items[0].(map[string]any)["userName"])

	small := newClientWith(t, unsupportedStore{memstore.New()}, &scim.Options{MaxFallbackUsers: 2})
	for i := range 3 {
		small.create(fmt.Sprintf("s%d@example.com", i))
	}
	assertSCIMError(t, small.do("GET", "/Users?filter="+url.QueryEscape(`userName pr`), nil), http.StatusBadRequest, "invalidFilter")
	assert.Equal(t, http.StatusOK, small.do("GET", "/Users", nil).Code, "queries the store serves are not limited")
}

// TestCustomExtension carries a registered extension's attributes through
// create, PATCH, PUT, GET and filters (RFC 7643 §3.3).
func TestCustomExtension(t *testing.T) {
	c := newClient(t, nil)
	u := c.create("ext@example.com", acmeURN, map[string]any{"badge": "B-1", "clearance": 2})
	id := u["id"].(string)
	assert.Equal(t, map[string]any{"badge": "B-1", "clearance": float64(2)}, u[acmeURN])

	res := c.do("PATCH", "/Users/"+id, `{"Operations":[
		{"op":"replace","path":"urn:ietf:params:scim:schemas:extension:acme:2.0:User:badge","value":"B-2"},
		{"op":"add","value":{"urn:ietf:params:scim:schemas:extension:acme:2.0:User:clearance":"3"}}]}`)
	require.Equal(t, http.StatusBadRequest, res.Code, "clearance is an integer: %s", res.Body.String())
	res = c.do("PATCH", "/Users/"+id, `{"Operations":[
		{"op":"replace","path":"urn:ietf:params:scim:schemas:extension:acme:2.0:User:badge","value":"B-2"},
		{"op":"add","value":{"urn:ietf:params:scim:schemas:extension:acme:2.0:User:clearance":3}}]}`)
	require.Equal(t, http.StatusOK, res.Code, res.Body.String())
	assert.Equal(t, map[string]any{"badge": "B-2", "clearance": float64(3)}, res.json()[acmeURN])

	list := c.do("GET", "/Users?filter="+url.QueryEscape(`urn:ietf:params:scim:schemas:extension:acme:2.0:User:clearance ge 3`), nil).json()
	assert.Equal(t, float64(1), list["totalResults"])
	list = c.do("GET", "/Users?filter="+url.QueryEscape(`urn:ietf:params:scim:schemas:extension:acme:2.0:User:badge eq "b-2"`), nil).json()
	assert.Equal(t, float64(1), list["totalResults"], "caseExact false by default")

	got := c.do("GET", "/Users/"+id+"?excludedAttributes="+url.QueryEscape(acmeURN), nil).json()
	assert.NotContains(t, got, acmeURN)
	assert.NotContains(t, got["schemas"], acmeURN)

	put := userBody("ext@example.com")
	res = c.do("PUT", "/Users/"+id, put)
	require.Equal(t, http.StatusOK, res.Code)
	assert.NotContains(t, res.json(), acmeURN, "PUT without the extension clears it")
}
