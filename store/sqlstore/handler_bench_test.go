package sqlstore

import (
	"bytes"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/scimstack/scimstack/schema"
	"github.com/scimstack/scimstack/scim"
	"github.com/scimstack/scimstack/store/storetest"
)

// The handler benchmarks send the store benchmarks' scenarios as HTTP
// requests to scim.NewHandler over the same populations (scim imports no
// adapter, so this test may import scim).

const benchToken = "bench-token"

// sink is a ResponseWriter that keeps only the status, so that the
// response's size does not decide the cost of recording it.
type sink struct {
	h    http.Header
	code int
}

func (s *sink) Header() http.Header { return s.h }
func (s *sink) Write(b []byte) (int, error) {
	if s.code == 0 {
		s.code = http.StatusOK
	}
	return len(b), nil
}
func (s *sink) WriteHeader(code int) { s.code = code }

func benchHandler(b *testing.B, env *benchEnv) http.Handler {
	h, err := scim.NewHandler(env.st, &scim.Options{
		BaseURL:    "https://idp.example.com/scim/v2",
		Tokens:     []string{benchToken},
		Logger:     slog.New(slog.NewTextHandler(io.Discard, nil)),
		Extensions: []schema.Extension{{Schema: storetest.AcmeSchema()}},
	})
	require.NoError(b, err)
	mux := http.NewServeMux()
	mux.Handle("/scim/v2/", http.StripPrefix("/scim/v2", h))
	return mux
}

// serve runs b.Loop over requests made by next, checking the status.
func serve(b *testing.B, h http.Handler, status int, next func(i int) *http.Request) {
	w := &sink{h: http.Header{}}
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		req := next(i)
		req.Header.Set("Authorization", "Bearer "+benchToken)
		clear(w.h)
		w.code = 0
		h.ServeHTTP(w, req)
		if w.code != status {
			b.Fatalf("%s %s: status %d", req.Method, req.URL, w.code)
		}
	}
	reportPeakRSS(b)
}

// listRequests returns GET /Users requests with the filters of f, made
// before timing.
func listRequests(query func(r *rand.Rand) string) []*http.Request {
	r := rand.New(rand.NewPCG(1, 2))
	reqs := make([]*http.Request, 256)
	for i := range reqs {
		reqs[i] = httptest.NewRequest("GET", "/scim/v2/Users?"+query(r), nil)
	}
	return reqs
}

func BenchmarkHandler(b *testing.B) {
	forEachTarget(b, func(b *testing.B, env *benchEnv) {
		h := benchHandler(b, env)
		n := env.n
		filterReq := func(f func(r *rand.Rand) string, count int) []*http.Request {
			return listRequests(func(r *rand.Rand) string {
				return "filter=" + url.QueryEscape(f(r)) + fmt.Sprintf("&count=%d", count)
			})
		}
		lists := []struct {
			name string
			reqs []*http.Request
		}{
			{"UserNameEq", filterReq(func(r *rand.Rand) string { return fmt.Sprintf(`userName eq "USER%07d@example.com"`, r.IntN(n)) }, 10)},
			{"ExternalIDEq", filterReq(func(r *rand.Rand) string { return fmt.Sprintf(`externalId eq "ext-%07d"`, r.IntN(n)) }, 10)},
			{"CoCount10", filterReq(func(r *rand.Rand) string { return `displayName co "number 1"` }, 10)},
			{"DeepPage", listRequests(func(r *rand.Rand) string { return fmt.Sprintf("startIndex=%d&count=100", n-99) })},
		}
		for _, l := range lists {
			b.Run(l.name, func(b *testing.B) {
				serve(b, h, http.StatusOK, func(i int) *http.Request { return l.reqs[i%len(l.reqs)] })
			})
		}
		b.Run("GetByID", func(b *testing.B) {
			serve(b, h, http.StatusOK, func(i int) *http.Request {
				return httptest.NewRequest("GET", "/scim/v2/Users/"+env.ids[(i*31)%len(env.ids)], nil)
			})
		})
		b.Run("Create", func(b *testing.B) {
			serve(b, h, http.StatusCreated, func(i int) *http.Request {
				body := fmt.Sprintf(`{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"new-h%d-%d@example.com",`+
					`"name":{"givenName":"Barbara","familyName":"Jensen"},"active":true,`+
					`"emails":[{"value":"bjensen@example.com","type":"work","primary":true}]}`, n, i)
				return httptest.NewRequest("POST", "/scim/v2/Users", strings.NewReader(body))
			})
			b.StopTimer()
			require.NoError(b, deleteNewUsers(b.Context(), env.st))
		})
		b.Run("Patch", func(b *testing.B) {
			serve(b, h, http.StatusOK, func(i int) *http.Request {
				body := fmt.Sprintf(`{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],`+
					`"Operations":[{"op":"replace","path":"title","value":"Title %d"}]}`, i)
				return httptest.NewRequest("PATCH", "/scim/v2/Users/"+env.ids[(i*31)%len(env.ids)], bytes.NewReader([]byte(body)))
			})
		})
	})
}
