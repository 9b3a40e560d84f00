package sqlstore

import (
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/scimstack/scimstack/filter"
	"github.com/scimstack/scimstack/store"
	"github.com/scimstack/scimstack/store/storetest"
)

// Benchmarks run on SQLite with 10,000 users; set SCIM_BENCH_LARGE=1 to
// add 100,000.

var benchDir string

func TestMain(m *testing.M) {
	code := m.Run()
	if benchDir != "" {
		os.RemoveAll(benchDir)
	}
	os.Exit(code)
}

var (
	benchMu     sync.Mutex
	benchStores = map[int]*Store{}
)

// benchUser returns user i of a benchmark population.
func benchUser(i int) *store.User {
	active := i%3 != 0
	return &store.User{
		UserName:    fmt.Sprintf("user%06d@example.com", i),
		ExternalID:  fmt.Sprintf("ext-%06d", i),
		DisplayName: fmt.Sprintf("User Number %d", i),
		Name:        &store.Name{GivenName: "Given" + strconv.Itoa(i%97), FamilyName: "Family" + strconv.Itoa(i%89)},
		Active:      &active,
		Emails: []store.MultiValue{
			{Value: fmt.Sprintf("user%06d@example.com", i), Type: "work", Primary: true},
			{Value: fmt.Sprintf("u%d@home.example.org", i), Type: "home"},
		},
		PhoneNumbers: []store.MultiValue{{Value: "+1 555 " + strconv.Itoa(1000000+i), Type: "work"}},
		Extensions:   map[string]map[string]any{storetest.AcmeURN: {"badge": "B-" + strconv.Itoa(i)}},
	}
}

// benchStore returns a SQLite store with n users, made once per n and
// shared by the benchmarks.
func benchStore(b *testing.B, n int) *Store {
	benchMu.Lock()
	defer benchMu.Unlock()
	if s := benchStores[n]; s != nil {
		return s
	}
	if benchDir == "" {
		d, err := os.MkdirTemp("", "sqlstore-bench")
		require.NoError(b, err)
		benchDir = d
	}
	ctx := context.Background()
	s, err := Open(ctx, SQLite, filepath.Join(benchDir, fmt.Sprintf("bench%d.db", n)),
		&Options{ResourceType: storetest.ResourceType()})
	require.NoError(b, err)
	require.NoError(b, s.Migrate(ctx))
	// Seed in large transactions: Create's one transaction per user is
	// what BenchmarkCreate measures.
	for lo := 0; lo < n; lo += 1000 {
		tx, err := s.db.BeginTx(ctx, nil)
		require.NoError(b, err)
		for i := lo; i < min(lo+1000, n); i++ {
			r, err := s.buildRow(benchUser(i))
			require.NoError(b, err)
			ts := formatTime(now())
			_, err = tx.ExecContext(ctx, s.q.insertUser, newID(), r.userName, r.norm, r.sort, r.externalID, r.active, ts, ts, int64(1), r.doc, r.sdoc)
			require.NoError(b, err)
		}
		require.NoError(b, tx.Commit())
	}
	// Values in a second pass, by id.
	rows, err := s.db.QueryContext(ctx, "SELECT id, doc FROM "+s.q.users)
	require.NoError(b, err)
	type idRow struct {
		id string
		r  *userRow
	}
	var all []idRow
	for rows.Next() {
		var id string
		var doc []byte
		require.NoError(b, rows.Scan(&id, &doc))
		m, err := s.decodeDoc(doc)
		require.NoError(b, err)
		u, err := store.UserFromMap(m)
		require.NoError(b, err)
		r, err := s.buildRow(u)
		require.NoError(b, err)
		all = append(all, idRow{id, r})
	}
	require.NoError(b, rows.Err())
	rows.Close()
	for lo := 0; lo < len(all); lo += 1000 {
		tx, err := s.db.BeginTx(ctx, nil)
		require.NoError(b, err)
		for _, x := range all[lo:min(lo+1000, len(all))] {
			require.NoError(b, s.insertValues(ctx, tx, x.id, x.r.values))
		}
		require.NoError(b, tx.Commit())
	}
	_, err = s.db.ExecContext(ctx, "ANALYZE")
	require.NoError(b, err)
	benchStores[n] = s
	return s
}

func benchSizes() []int {
	if os.Getenv("SCIM_BENCH_LARGE") != "" {
		return []int{10_000, 100_000}
	}
	return []int{10_000}
}

func benchList(b *testing.B, name string, q func(r *rand.Rand, n int) store.ListQuery, want func(n int, res *store.ListResult) bool) {
	for _, n := range benchSizes() {
		b.Run(fmt.Sprintf("%s/users=%d", name, n), func(b *testing.B) {
			s := benchStore(b, n)
			ctx := context.Background()
			r := rand.New(rand.NewPCG(1, 2))
			// Parse before timing: the filter parser is not measured.
			qs := make([]store.ListQuery, 256)
			for i := range qs {
				qs[i] = q(r, n)
			}
			b.ReportAllocs()
			i := 0
			for b.Loop() {
				res, err := s.List(ctx, qs[i%len(qs)])
				i++
				if err != nil || !want(n, res) {
					b.Fatalf("list: %v %+v", err, res)
				}
			}
		})
	}
}

func mustParse(tb testing.TB, text string) filter.Expr {
	f, err := filter.Parse(text, storetest.ResourceType(), filter.Limits{})
	require.NoError(tb, err)
	return f
}

func BenchmarkList(b *testing.B) {
	one := func(n int, res *store.ListResult) bool { return res.TotalResults == 1 && len(res.Users) == 1 }
	benchList(b, "UserNameEq", func(r *rand.Rand, n int) store.ListQuery {
		return store.ListQuery{Filter: mustParse(b, fmt.Sprintf(`userName eq "USER%06d@example.com"`, r.IntN(n))), Count: 10}
	}, one)
	benchList(b, "ExternalIDEq", func(r *rand.Rand, n int) store.ListQuery {
		return store.ListQuery{Filter: mustParse(b, fmt.Sprintf(`externalId eq "ext-%06d"`, r.IntN(n))), Count: 10}
	}, one)
	benchList(b, "EmailValueEq", func(r *rand.Rand, n int) store.ListQuery {
		return store.ListQuery{Filter: mustParse(b, fmt.Sprintf(`emails[value eq "u%d@home.example.org"]`, r.IntN(n))), Count: 10}
	}, one)
	co := mustParse(b, `displayName co "number 1"`)
	benchList(b, "DisplayNameCoCount10", func(r *rand.Rand, n int) store.ListQuery {
		return store.ListQuery{Filter: co, Count: 10}
	}, func(n int, res *store.ListResult) bool { return res.TotalResults > 10 && len(res.Users) == 10 })
	benchList(b, "DeepPage", func(r *rand.Rand, n int) store.ListQuery {
		return store.ListQuery{StartIndex: n - 100, Count: 100}
	}, func(n int, res *store.ListResult) bool { return res.TotalResults >= n && len(res.Users) == 100 })
	sortBy, err := storetest.ResourceType().ParsePath("userName")
	require.NoError(b, err)
	benchList(b, "SortByUserNamePage", func(r *rand.Rand, n int) store.ListQuery {
		return store.ListQuery{SortBy: sortBy, StartIndex: n / 2, Count: 50}
	}, func(n int, res *store.ListResult) bool { return len(res.Users) == 50 })
}

func BenchmarkWrite(b *testing.B) {
	for _, n := range benchSizes() {
		b.Run(fmt.Sprintf("Create/users=%d", n), func(b *testing.B) {
			s := benchStore(b, n)
			ctx := context.Background()
			b.ReportAllocs()
			i := 0
			for b.Loop() {
				u := benchUser(0)
				u.UserName = fmt.Sprintf("new-%d-%d@example.com", n, i)
				i++
				if _, err := s.Create(ctx, u); err != nil {
					b.Fatal(err)
				}
			}
			// Keep the population as it was for the other benchmarks.
			b.StopTimer()
			_, err := s.db.ExecContext(ctx, "DELETE FROM "+s.q.values+" WHERE user_id IN (SELECT id FROM "+s.q.users+" WHERE user_name LIKE 'new-%')")
			require.NoError(b, err)
			_, err = s.db.ExecContext(ctx, "DELETE FROM "+s.q.users+" WHERE user_name LIKE 'new-%'")
			require.NoError(b, err)
		})
		b.Run(fmt.Sprintf("Replace/users=%d", n), func(b *testing.B) {
			s := benchStore(b, n)
			ctx := context.Background()
			res, err := s.List(ctx, store.ListQuery{Count: 1000})
			require.NoError(b, err)
			r := rand.New(rand.NewPCG(3, 4))
			b.ReportAllocs()
			for b.Loop() {
				u := res.Users[r.IntN(len(res.Users))]
				got, err := s.Replace(ctx, u, u.Meta.Version)
				if err != nil {
					b.Fatal(err)
				}
				*u = *got
			}
		})
		b.Run(fmt.Sprintf("Get/users=%d", n), func(b *testing.B) {
			s := benchStore(b, n)
			ctx := context.Background()
			res, err := s.List(ctx, store.ListQuery{Count: 1000})
			require.NoError(b, err)
			r := rand.New(rand.NewPCG(5, 6))
			b.ReportAllocs()
			for b.Loop() {
				if _, err := s.Get(ctx, res.Users[r.IntN(len(res.Users))].ID); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// TestQueryPlan shows with EXPLAIN QUERY PLAN that SQLite answers the
// lookups identity providers make (userName eq, externalId eq, an email
// value) from an index, not a scan of the users.
func TestQueryPlan(t *testing.T) {
	s := allBackends[0].open(t, nil)
	ctx := context.Background()
	for i := range 50 {
		_, err := s.Create(ctx, benchUser(i))
		require.NoError(t, err)
	}
	for text, index := range map[string]string{
		`userName eq "User000007@example.com"`:   s.prefix + "users_user_name_norm",
		`externalId eq "ext-000007"`:             s.prefix + "users_external_id",
		`emails[value eq "u7@home.example.org"]`: s.prefix + "user_values_value",
		`id eq "x"`:                              "sqlite_autoindex_" + s.prefix + "users_1",
	} {
		lq, err := s.listQuery(store.ListQuery{Filter: mustParse(t, text), Count: 10})
		require.NoError(t, err)
		for _, q := range []struct {
			sql  string
			args []any
		}{{lq.count, lq.args[:lq.nWhere]}, {lq.page, lq.args}} {
			plan := explain(t, s, q.sql, q.args)
			t.Logf("%s\n%s\n%s", text, q.sql, plan)
			assert.Contains(t, plan, "INDEX "+index, "%s: %s", text, q.sql)
			assert.NotRegexp(t, `(?m)^SCAN u\b`, plan, "%s must not scan users", text)
		}
	}
	res, err := s.List(ctx, store.ListQuery{Filter: mustParse(t, `userName eq "USER000007@EXAMPLE.COM"`)})
	require.NoError(t, err)
	assert.Equal(t, 1, res.TotalResults)
}

func explain(t *testing.T, s *Store, q string, args []any) string {
	rows, err := s.db.QueryContext(context.Background(), "EXPLAIN QUERY PLAN "+q, args...)
	require.NoError(t, err)
	defer rows.Close()
	var lines []string
	for rows.Next() {
		var id, parent, notused int
		var detail string
		require.NoError(t, rows.Scan(&id, &parent, &notused, &detail))
		lines = append(lines, detail)
	}
	require.NoError(t, rows.Err())
	return strings.Join(lines, "\n")
}
