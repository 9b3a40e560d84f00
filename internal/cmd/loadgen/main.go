// Command loadgen measures the SCIM handler's throughput over real HTTP on
// loopback against a baseline handler that routes the same requests and
// writes the same response bytes, prepared in advance, with no SCIM logic.
// The ratio of the two is the handler's cost as a user of it would see it.
//
//	go run ./internal/cmd/loadgen -users 10000 -duration 5s -conns 16 -scenarios get,filter,mix
//
// Scenarios:
//
//	get     GET /Users/{id}
//	filter  GET /Users?filter=userName eq "..."
//	mix     an IdP-like mix: 50% filter lookups, 20% GETs by id, 25% PATCHes, 5% creates
//
// Both servers and the client share this process and the machine's cores;
// each scenario runs baseline and scim alternately, -rounds times, and the
// best round of each is reported. Every request is bounded by -duration; the
// command stops by itself and sends traffic only to 127.0.0.1.
package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"net"
	"net/http"
	"net/url"
	"os"
	"runtime"
	"runtime/pprof"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/scimstack/scimstack/scim"
	"github.com/scimstack/scimstack/store"
	"github.com/scimstack/scimstack/store/memstore"
)

const token = "loadgen-token"

func main() {
	users := flag.Int("users", 10000, "users to preload")
	duration := flag.Duration("duration", 5*time.Second, "length of one measured round")
	conns := flag.Int("conns", 16, "concurrent client connections")
	scenarios := flag.String("scenarios", "get,filter,mix", "comma-separated scenarios")
	rounds := flag.Int("rounds", 2, "rounds per side and scenario; the best is reported")
	cpuprofile := flag.String("cpuprofile", "", "write a CPU profile of the measured rounds to this file")
	flag.Parse()
	if *cpuprofile != "" {
		f, err := os.Create(*cpuprofile)
		if err != nil {
			fmt.Fprintln(os.Stderr, "loadgen:", err)
			os.Exit(1)
		}
		defer f.Close()
		profileTo = f
	}
	if err := run(*users, *duration, *conns, *rounds, strings.Split(*scenarios, ",")); err != nil {
		fmt.Fprintln(os.Stderr, "loadgen:", err)
		os.Exit(1)
	}
}

// profileTo, when set, receives a CPU profile of the measured rounds.
var profileTo io.Writer

type target struct {
	name string
	base string // http://127.0.0.1:PORT/scim/v2
}

type population struct {
	ids, names []string
}

func run(n int, d time.Duration, conns, rounds int, scenarios []string) error {
	start := time.Now()
	scimURL, baseURL, pop, stop, err := startServers(n)
	if err != nil {
		return err
	}
	defer stop()
	fmt.Printf("preloaded %d users in %s; %d connections, %s rounds\n", n, time.Since(start).Round(time.Millisecond), conns, d)
	runtime.GC() // the preload's garbage is not the handler's
	if profileTo != nil {
		if err := pprof.StartCPUProfile(profileTo); err != nil {
			return err
		}
		defer pprof.StopCPUProfile()
	}
	client := &http.Client{Transport: &http.Transport{
		MaxIdleConns:        conns * 2,
		MaxIdleConnsPerHost: conns * 2,
		DisableCompression:  true,
	}, Timeout: 10 * time.Second}
	for _, sc := range scenarios {
		sc = strings.TrimSpace(sc)
		gen, ok := generators[sc]
		if !ok {
			return fmt.Errorf("unknown scenario %q", sc)
		}
		best := map[string]float64{}
		for range rounds {
			for _, t := range []target{{"baseline", baseURL}, {"scim", scimURL}} {
				// Both servers share this process's heap: collect before
				// each round so that a collection started by one side's
				// garbage does not land in the other's round.
				runtime.GC()
				rps, err := measure(client, t, gen, pop, d, conns)
				if err != nil {
					return fmt.Errorf("%s/%s: %w", sc, t.name, err)
				}
				best[t.name] = max(best[t.name], rps)
			}
		}
		fmt.Printf("%-7s users=%-8d baseline %9.0f req/s   scim %9.0f req/s   ratio %.2f\n",
			sc, n, best["baseline"], best["scim"], best["scim"]/best["baseline"])
	}
	return nil
}

// A generator builds one request of a scenario.
type generator func(r *rand.Rand, base string, pop *population, seq int64) (*http.Request, int)

var generators = map[string]generator{
	"get": func(r *rand.Rand, base string, pop *population, _ int64) (*http.Request, int) {
		return get(base + "/Users/" + pop.ids[r.IntN(len(pop.ids))]), http.StatusOK
	},
	"filter": func(r *rand.Rand, base string, pop *population, _ int64) (*http.Request, int) {
		return lookup(base, pop.names[r.IntN(len(pop.names))]), http.StatusOK
	},
	"mix": func(r *rand.Rand, base string, pop *population, seq int64) (*http.Request, int) {
		switch p := r.IntN(100); {
		case p < 50:
			return lookup(base, pop.names[r.IntN(len(pop.names))]), http.StatusOK
		case p < 70:
			return get(base + "/Users/" + pop.ids[r.IntN(len(pop.ids))]), http.StatusOK
		case p < 95:
			body := fmt.Sprintf(`{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[`+
				`{"op":"Replace","path":"title","value":"Title %d"},`+
				`{"op":"Replace","path":"emails[type eq \"work\"].value","value":"%s"}]}`, seq, pop.names[r.IntN(len(pop.names))])
			req := send("PATCH", base+"/Users/"+pop.ids[r.IntN(len(pop.ids))], body)
			return req, http.StatusOK
		default:
			return send("POST", base+"/Users", string(userJSON(fmt.Sprintf("new-%d-%d@example.com", seq, r.Uint64())))), http.StatusCreated
		}
	},
}

func get(u string) *http.Request {
	req, _ := http.NewRequest("GET", u, nil)
	req.Header.Set("Authorization", "Bearer "+token)
	return req
}

func lookup(base, name string) *http.Request {
	return get(base + "/Users?filter=" + url.QueryEscape(`userName eq "`+name+`"`))
}

func send(method, u, body string) *http.Request {
	req, _ := http.NewRequest(method, u, strings.NewReader(body))
	req.Header.Set("Authorization", "Bearer "+token)
	req.Header.Set("Content-Type", "application/scim+json")
	return req
}

func measure(client *http.Client, t target, gen generator, pop *population, d time.Duration, conns int) (float64, error) {
	ctx, cancel := context.WithTimeout(context.Background(), d)
	defer cancel()
	var done atomic.Int64
	var seq atomic.Int64
	var firstErr error
	var once sync.Once
	var wg sync.WaitGroup
	begin := time.Now()
	for c := range conns {
		wg.Go(func() {
			r := rand.New(rand.NewPCG(uint64(c), uint64(begin.UnixNano())))
			for ctx.Err() == nil {
				req, want := gen(r, t.base, pop, seq.Add(1))
				res, err := client.Do(req.WithContext(ctx))
				if err != nil {
					if ctx.Err() == nil {
						once.Do(func() { firstErr = err })
					}
					return
				}
				_, _ = io.Copy(io.Discard, res.Body)
				res.Body.Close()
				if res.StatusCode != want {
					once.Do(func() {
						firstErr = fmt.Errorf("%s %s: status %d, want %d", req.Method, req.URL.Path, res.StatusCode, want)
					})
					return
				}
				done.Add(1)
			}
		})
	}
	wg.Wait()
	if firstErr != nil {
		return 0, firstErr
	}
	return float64(done.Load()) / time.Since(begin).Seconds(), nil
}

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

func userJSON(name string) []byte {
	b, _ := json.Marshal(map[string]any{
		"schemas":  []string{"urn:ietf:params:scim:schemas:core:2.0:User"},
		"userName": name,
		"name":     map[string]any{"givenName": "New", "familyName": "User"},
		"emails":   []any{map[string]any{"value": name, "type": "work", "primary": true}},
		"active":   true,
	})
	return b
}

func serve(h http.Handler) (string, func(), error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", nil, err
	}
	srv := &http.Server{Handler: h, ReadHeaderTimeout: 10 * time.Second}
	go func() { _ = srv.Serve(ln) }()
	return "http://" + ln.Addr().String() + "/scim/v2", func() { _ = srv.Close() }, nil
}

func startServers(n int) (scimURL, baseURL string, pop *population, stop func(), err error) {
	ctx := context.Background()
	users := memstore.New()
	pop = &population{}
	byID := make(map[string][]byte, n)
	byName := make(map[string][]byte, n)
	var created []byte

	// The scim server's URL must be known to render meta.location the
	// way the baseline's prepared bytes do, so listen first.
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", "", nil, nil, err
	}
	scimURL = "http://" + ln.Addr().String() + "/scim/v2"
	for i := range n {
		u, err := users.Create(ctx, benchUser(i))
		if err != nil {
			return "", "", nil, nil, err
		}
		pop.ids = append(pop.ids, u.ID)
		pop.names = append(pop.names, u.UserName)
		u.Meta.ResourceType = "User"
		u.Meta.Location = scimURL + "/Users/" + u.ID
		body, err := u.MarshalJSON()
		if err != nil {
			return "", "", nil, nil, err
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
	h, err := scim.NewHandler(users, &scim.Options{
		BaseURL: scimURL,
		Tokens:  []string{token},
		Logger:  slog.New(slog.NewTextHandler(io.Discard, nil)),
	})
	if err != nil {
		return "", "", nil, nil, err
	}
	mux := http.NewServeMux()
	mux.Handle("/scim/v2/", http.StripPrefix("/scim/v2", h))
	srv := &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second}
	go func() {
		if err := srv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
			fmt.Fprintln(os.Stderr, "loadgen: scim server:", err)
		}
	}()

	write := func(w http.ResponseWriter, status int, body []byte) {
		w.Header().Set("Content-Type", "application/scim+json")
		w.WriteHeader(status)
		_, _ = w.Write(body)
	}
	bm := http.NewServeMux()
	bm.HandleFunc("GET /scim/v2/Users/{id}", func(w http.ResponseWriter, r *http.Request) {
		write(w, http.StatusOK, byID[r.PathValue("id")])
	})
	bm.HandleFunc("GET /scim/v2/Users", func(w http.ResponseWriter, r *http.Request) {
		f := r.URL.Query().Get("filter")
		name := strings.TrimSuffix(strings.TrimPrefix(f, `userName eq "`), `"`)
		write(w, http.StatusOK, byName[name])
	})
	bm.HandleFunc("PATCH /scim/v2/Users/{id}", func(w http.ResponseWriter, r *http.Request) {
		var buf bytes.Buffer
		_, _ = buf.ReadFrom(r.Body)
		write(w, http.StatusOK, byID[r.PathValue("id")])
	})
	bm.HandleFunc("POST /scim/v2/Users", func(w http.ResponseWriter, r *http.Request) {
		var buf bytes.Buffer
		_, _ = buf.ReadFrom(r.Body)
		write(w, http.StatusCreated, created)
	})
	baseURL, stopBase, err := serve(bm)
	if err != nil {
		_ = srv.Close()
		return "", "", nil, nil, err
	}
	return scimURL, baseURL, pop, func() { _ = srv.Close(); stopBase() }, nil
}
