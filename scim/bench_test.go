package scim_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"sync/atomic"
	"testing"

	"github.com/scimstack/scimstack/scim"
	"github.com/scimstack/scimstack/store"
	"github.com/scimstack/scimstack/store/memstore"
)

// The handler benchmarks run each scenario twice: through the real
// handler over memstore ("scim") and through a baseline handler that
// routes the same request and writes the same JSON bytes, prepared in
// advance, with no SCIM logic ("baseline"). The ratio of their ns/op is
// the handler's overhead. See BENCHMARKS.md for figures and commands.

// discard is a minimal ResponseWriter, so that neither side pays for
// httptest.ResponseRecorder's buffering.
type discard struct {
	h    http.Header
	code int
}

func (d *discard) Header() http.Header         { return d.h }
func (d *discard) Write(b []byte) (int, error) { return len(b), nil }
func (d *discard) WriteHeader(code int)        { d.code = code }

func (d *discard) reset() {
	clear(d.h)
	d.code = 0
}

type benchEnv struct {
	scim     http.Handler
	baseline http.Handler
	ids      []string
	names    []string
}

var benchEnvs = map[int]*benchEnv{}

func benchUser(i int) *store.User {
	t := true
	name := fmt.Sprintf("user%07d@example.com", i)
	return &store.User{
		UserName:    name,
		ExternalID:  fmt.Sprintf("ext-%07d", i),
		DisplayName: fmt.Sprintf("User %d", i),
		Name:        &store.Name{GivenName: "Given", FamilyName: fmt.Sprintf("Family%d", i)},
		Active:      &t,
		Emails:      []store.MultiValue{{Value: name, Type: "work", Primary: true}},
		Enterprise:  &store.EnterpriseUser{EmployeeNumber: fmt.Sprint(i), Department: "Sales"},
	}
}

func newBenchEnv(b *testing.B, n int) *benchEnv {
	if env, ok := benchEnvs[n]; ok {
		return env
	}
	ctx := context.Background()
	users := memstore.New()
	env := &benchEnv{}
	opts := &scim.Options{
		BaseURL: base,
		Tokens:  []string{token},
		Logger:  slog.New(slog.NewTextHandler(io.Discard, nil)),
	}
	h, err := scim.NewHandler(users, opts)
	if err != nil {
		b.Fatal(err)
	}
	mux := http.NewServeMux()
	mux.Handle("/scim/v2/", http.StripPrefix("/scim/v2", h))
	env.scim = mux

	// The baseline serves the bytes the real handler would send.
	byID := make(map[string][]byte, n)
	byName := make(map[string][]byte, n)
	var created []byte
	for i := range n {
		u, err := users.Create(ctx, benchUser(i))
		if err != nil {
			b.Fatal(err)
		}
		env.ids = append(env.ids, u.ID)
		env.names = append(env.names, u.UserName)
		u.Meta.ResourceType = "User"
		u.Meta.Location = base + "/Users/" + u.ID
		body, err := u.MarshalJSON()
		if err != nil {
			b.Fatal(err)
		}
		byID[u.ID] = body
		list, _ := json.Marshal(map[string]any{
			"schemas":      []string{"urn:ietf:params:scim:api:messages:2.0:ListResponse"},
			"totalResults": 1, "startIndex": 1, "itemsPerPage": 1,
			"Resources": []json.RawMessage{body},
		})
		byName[u.UserName] = list
		created = body
	}
	bm := http.NewServeMux()
	bm.HandleFunc("GET /scim/v2/Users/{id}", func(w http.ResponseWriter, r *http.Request) {
		body, ok := byID[r.PathValue("id")]
		if !ok {
			w.WriteHeader(http.StatusNotFound)
			return
		}
		w.Header().Set("Content-Type", "application/scim+json")
		_, _ = w.Write(body)
	})
	bm.HandleFunc("GET /scim/v2/Users", func(w http.ResponseWriter, r *http.Request) {
		// The same bytes a filter on userName answers with; the lookup
		// key is read from the query so that the baseline parses it too.
		q := r.URL.Query().Get("filter")
		name := q[len(`userName eq "`) : len(q)-1]
		w.Header().Set("Content-Type", "application/scim+json")
		_, _ = w.Write(byName[name])
	})
	bm.HandleFunc("POST /scim/v2/Users", func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.Copy(io.Discard, r.Body)
		w.Header().Set("Content-Type", "application/scim+json")
		w.WriteHeader(http.StatusCreated)
		_, _ = w.Write(created)
	})
	env.baseline = bm
	benchEnvs[n] = env
	return env
}

var benchSizes = []int{10_000, 100_000}

// createSeq numbers created users across benchmark runs (-count), which
// share their populations.
var createSeq atomic.Int64

func runBoth(b *testing.B, n int, serve func(b *testing.B, h http.Handler, env *benchEnv)) {
	env := newBenchEnv(b, n)
	b.Run("scim", func(b *testing.B) { serve(b, env.scim, env) })
	b.Run("baseline", func(b *testing.B) { serve(b, env.baseline, env) })
}

// benchGETs serves GET requests for 1,024 spread-out users, built by
// target from a user's index, in a loop.
func benchGETs(b *testing.B, target func(env *benchEnv, i int) string) {
	for _, n := range benchSizes {
		b.Run(fmt.Sprintf("users=%d", n), func(b *testing.B) {
			runBoth(b, n, func(b *testing.B, h http.Handler, env *benchEnv) {
				reqs := make([]*http.Request, 1024)
				for i := range reqs {
					reqs[i] = httptest.NewRequest("GET", "/scim/v2"+target(env, (i*7919)%len(env.ids)), nil)
					reqs[i].Header.Set("Authorization", "Bearer "+token)
				}
				w := &discard{h: http.Header{}}
				b.ReportAllocs()
				for i := 0; b.Loop(); i++ {
					w.reset()
					h.ServeHTTP(w, reqs[i%len(reqs)])
					if w.code != 0 && w.code != http.StatusOK {
						b.Fatalf("status %d", w.code)
					}
				}
			})
		})
	}
}

func BenchmarkHandlerGetByID(b *testing.B) {
	benchGETs(b, func(env *benchEnv, i int) string { return "/Users/" + env.ids[i] })
}

func BenchmarkHandlerFilterEq(b *testing.B) {
	benchGETs(b, func(env *benchEnv, i int) string {
		return "/Users?filter=" + url.QueryEscape(`userName eq "`+env.names[i]+`"`)
	})
}

func BenchmarkHandlerCreate(b *testing.B) {
	for _, n := range benchSizes {
		b.Run(fmt.Sprintf("users=%d", n), func(b *testing.B) {
			runBoth(b, n, func(b *testing.B, h http.Handler, env *benchEnv) {
				w := &discard{h: http.Header{}}
				b.ReportAllocs()
				for b.Loop() {
					body, _ := json.Marshal(userBody(fmt.Sprintf("new-%d@example.com", createSeq.Add(1))))
					req := httptest.NewRequest("POST", "/scim/v2/Users", bytes.NewReader(body))
					req.Header.Set("Authorization", "Bearer "+token)
					w.reset()
					h.ServeHTTP(w, req)
					if w.code != http.StatusCreated {
						b.Fatalf("status %d", w.code)
					}
				}
			})
		})
	}
}
