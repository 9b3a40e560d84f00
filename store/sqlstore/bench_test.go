package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io"
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

// The benchmarks run each scenario on every database with 10,000 users
// (PostgreSQL and MySQL when their DSNs are set, see helpers_test.go).
// SCIM_BENCH_LARGE=1 adds 100,000 users on every database and
// SCIM_BENCH_HUGE=1 adds 1,000,000 on SQLite. Populations are made by
// bulkLoad and kept between runs: SQLite files in
// $TMPDIR/scimstack-sqlstore-bench (each run works on a copy), server
// tables under the prefix bench<N>v<loaderVersion>_. See
// BENCHMARKS-sql.md for figures and commands.

// loaderVersion names the data bulkLoad writes. Change it with benchUser
// or the tables, so that kept populations are made again.
const loaderVersion = 1

// benchDir holds this run's copies of the SQLite populations.
var benchDir string

func TestMain(m *testing.M) {
	code := m.Run()
	if benchDir != "" {
		os.RemoveAll(benchDir)
	}
	os.Exit(code)
}

// benchUser returns user i of a benchmark population.
func benchUser(i int) *store.User {
	active := i%3 != 0
	return &store.User{
		UserName:    fmt.Sprintf("user%07d@example.com", i),
		ExternalID:  fmt.Sprintf("ext-%07d", i),
		DisplayName: fmt.Sprintf("User Number %d", i),
		Name:        &store.Name{GivenName: "Given" + strconv.Itoa(i%97), FamilyName: "Family" + strconv.Itoa(i%89)},
		Active:      &active,
		Emails: []store.MultiValue{
			{Value: fmt.Sprintf("user%07d@example.com", i), Type: "work", Primary: true},
			{Value: fmt.Sprintf("u%d@home.example.org", i), Type: "home"},
		},
		PhoneNumbers: []store.MultiValue{{Value: "+1 555 " + strconv.Itoa(1000000+i), Type: "work"}},
		Extensions:   map[string]map[string]any{storetest.AcmeURN: {"badge": "B-" + strconv.Itoa(i)}},
	}
}

// bulkRows is the number of rows per INSERT of bulkLoad: 500 users are
// 5,500 parameters, under every database's limit.
const bulkRows = 500

// bulkLoad adds users 0 to n-1 to an empty store in one transaction, with
// multi-row INSERTs: the rows Create would write, much faster.
func bulkLoad(ctx context.Context, s *Store, n int) error {
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	const userCols, valueCols = 11, 8
	insert := func(head string, cols, rows int, args []any) error {
		var b strings.Builder
		b.WriteString(head)
		for r := range rows {
			if r > 0 {
				b.WriteString(", ")
			}
			b.WriteByte('(')
			for c := range cols {
				if c > 0 {
					b.WriteString(", ")
				}
				if c == cols-1 { // sdoc
					b.WriteString(s.q.jsonPH(r*cols + c + 1))
				} else {
					b.WriteString(s.q.ph(r*cols + c + 1))
				}
			}
			b.WriteByte(')')
		}
		_, err := tx.ExecContext(ctx, b.String(), args...)
		return err
	}
	usersHead := "INSERT INTO " + s.q.users +
		" (id, user_name, user_name_norm, user_name_sort, external_id, active, created, last_modified, version, doc, sdoc) VALUES "
	var users, values []any
	flushValues := func(all bool) error {
		for len(values) >= bulkRows*valueCols || all && len(values) > 0 {
			k := min(len(values), bulkRows*valueCols)
			if err := insert(s.q.insertValuesHead, valueCols, k/valueCols, values[:k]); err != nil {
				return fmt.Errorf("values: %w", err)
			}
			values = append(values[:0], values[k:]...)
		}
		return nil
	}
	for i := range n {
		r, err := s.buildRow(benchUser(i))
		if err != nil {
			return err
		}
		id := newID()
		ts := formatTime(now())
		users = append(users, id, r.userName, r.norm, r.sort, r.externalID, r.active, ts, ts, int64(1), r.doc, r.sdoc)
		for _, v := range r.values {
			values = append(values, id, v.attr, v.pos, v.value, v.display, v.typ, v.primary, v.sdoc)
		}
		if len(users) == bulkRows*userCols || i == n-1 {
			// Users first: the values refer to them.
			if err := insert(usersHead, userCols, len(users)/userCols, users); err != nil {
				return fmt.Errorf("users: %w", err)
			}
			users = users[:0]
			if err := flushValues(i == n-1); err != nil {
				return err
			}
		}
	}
	if err := tx.Commit(); err != nil {
		return err
	}
	_, err = s.db.ExecContext(ctx, "ANALYZE "+map[Dialect]string{SQLite: "", Postgres: s.q.users, MySQL: "TABLE " + s.q.users}[s.d])
	return err
}

// benchEnv is a populated store shared by the benchmarks of one database
// and size.
type benchEnv struct {
	b   backend
	n   int
	st  *Store
	ids []string // 1,024 ids spread over the population
}

var (
	benchMu   sync.Mutex
	benchEnvs = map[string]*benchEnv{}
)

// benchTargets returns the databases and sizes to run on.
func benchTargets() []struct {
	b backend
	n int
} {
	var out []struct {
		b backend
		n int
	}
	for _, b := range allBackends {
		if b.env != "" && os.Getenv(b.env) == "" {
			continue
		}
		sizes := []int{10_000}
		if os.Getenv("SCIM_BENCH_LARGE") != "" {
			sizes = append(sizes, 100_000)
		}
		if os.Getenv("SCIM_BENCH_HUGE") != "" && b.d == SQLite {
			sizes = append(sizes, 1_000_000)
		}
		for _, n := range sizes {
			out = append(out, struct {
				b backend
				n int
			}{b, n})
		}
	}
	return out
}

// forEachTarget runs f in a sub-benchmark "<database>/users=<n>" per
// target.
func forEachTarget(b *testing.B, f func(b *testing.B, env *benchEnv)) {
	for _, tg := range benchTargets() {
		b.Run(fmt.Sprintf("%s/users=%d", tg.b.name, tg.n), func(b *testing.B) {
			f(b, getBenchEnv(b, tg.b, tg.n))
		})
	}
}

func getBenchEnv(tb testing.TB, b backend, n int) *benchEnv {
	benchMu.Lock()
	defer benchMu.Unlock()
	key := b.name + "/" + strconv.Itoa(n)
	if env := benchEnvs[key]; env != nil {
		return env
	}
	ctx := context.Background()
	opts := &Options{ResourceType: storetest.ResourceType(), TablePrefix: fmt.Sprintf("bench%dv%d_", n, loaderVersion)}
	var st *Store
	if b.d == SQLite {
		path, err := sqliteBenchFile(ctx, n)
		require.NoError(tb, err)
		// SCIM_BENCH_SQLITE_PARAMS adds DSN parameters, to compare
		// pragmas: "?_pragma=mmap_size(268435456)".
		st, err = Open(ctx, SQLite, path+os.Getenv("SCIM_BENCH_SQLITE_PARAMS"), opts)
		require.NoError(tb, err)
	} else {
		var err error
		st, err = Open(ctx, b.d, os.Getenv(b.env), opts)
		require.NoError(tb, err)
		require.NoError(tb, serverPopulation(ctx, st, n))
	}
	env := &benchEnv{b: b, n: n, st: st}
	// Seqs count from 1 in load order; pick 1,024 of them.
	var in []string
	var args []any
	for i := range 1024 {
		in = append(in, st.q.ph(i+1))
		args = append(args, int64(1+(i*7919)%n))
	}
	rows, err := st.db.QueryContext(ctx, "SELECT id FROM "+st.q.users+" WHERE seq IN ("+strings.Join(in, ", ")+")", args...)
	require.NoError(tb, err)
	for rows.Next() {
		var id string
		require.NoError(tb, rows.Scan(&id))
		env.ids = append(env.ids, id)
	}
	require.NoError(tb, rows.Err())
	rows.Close()
	require.NotEmpty(tb, env.ids)
	benchEnvs[key] = env
	return env
}

// sqliteBenchFile returns a copy, for this run, of the kept SQLite file
// with n users, made first if need be.
func sqliteBenchFile(ctx context.Context, n int) (string, error) {
	dir := filepath.Join(os.TempDir(), "scimstack-sqlstore-bench")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return "", err
	}
	kept := filepath.Join(dir, fmt.Sprintf("users%d-v%d-s%d.db", n, loaderVersion, SchemaVersion))
	if _, err := os.Stat(kept); errors.Is(err, os.ErrNotExist) {
		tmp := kept + ".tmp"
		os.Remove(tmp)
		st, err := Open(ctx, SQLite, tmp+"?_pragma=journal_mode(OFF)&_pragma=synchronous(OFF)&_pragma=cache_size(-262144)",
			&Options{ResourceType: storetest.ResourceType(), TablePrefix: fmt.Sprintf("bench%dv%d_", n, loaderVersion)})
		if err != nil {
			return "", err
		}
		err = st.Migrate(ctx)
		if err == nil {
			err = bulkLoad(ctx, st, n)
		}
		if err == nil {
			_, err = st.db.ExecContext(ctx, "PRAGMA journal_mode=WAL")
		}
		if cerr := st.Close(); err == nil {
			err = cerr
		}
		if err != nil {
			return "", fmt.Errorf("populate %s: %w", tmp, err)
		}
		if err := os.Rename(tmp, kept); err != nil {
			return "", err
		}
	} else if err != nil {
		return "", err
	}
	if benchDir == "" {
		d, err := os.MkdirTemp("", "sqlstore-bench")
		if err != nil {
			return "", err
		}
		benchDir = d
	}
	path := filepath.Join(benchDir, filepath.Base(kept))
	return path, copyFile(kept, path)
}

func copyFile(from, to string) error {
	src, err := os.Open(from)
	if err != nil {
		return err
	}
	defer src.Close()
	dst, err := os.Create(to)
	if err != nil {
		return err
	}
	if _, err := io.Copy(dst, src); err != nil {
		dst.Close()
		return err
	}
	return dst.Close()
}

// serverPopulation makes sure the store's tables hold the n users of
// bulkLoad, loading them if not.
func serverPopulation(ctx context.Context, st *Store, n int) error {
	if err := st.Migrate(ctx); err != nil {
		return err
	}
	if err := deleteNewUsers(ctx, st); err != nil {
		return err
	}
	var have int
	if err := st.db.QueryRowContext(ctx, "SELECT COUNT(*) FROM "+st.q.users).Scan(&have); err != nil {
		return err
	}
	if have == n {
		return nil
	}
	for _, table := range []string{st.q.values, st.q.users, st.prefix + "schema_migrations"} {
		if _, err := st.db.ExecContext(ctx, "DROP TABLE IF EXISTS "+table); err != nil {
			return err
		}
	}
	if err := st.Migrate(ctx); err != nil {
		return err
	}
	return bulkLoad(ctx, st, n)
}

// deleteNewUsers removes the users the Create benchmarks added.
func deleteNewUsers(ctx context.Context, st *Store) error {
	_, err := st.db.ExecContext(ctx, "DELETE FROM "+st.q.values+" WHERE user_id IN (SELECT id FROM "+st.q.users+" WHERE user_name LIKE 'new-%')")
	if err != nil {
		return err
	}
	_, err = st.db.ExecContext(ctx, "DELETE FROM "+st.q.users+" WHERE user_name LIKE 'new-%'")
	return err
}

// reportPeakRSS reports the process's peak resident set size so far
// (VmHWM), in MiB.
func reportPeakRSS(b *testing.B) {
	data, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return
	}
	for line := range strings.Lines(string(data)) {
		if rest, ok := strings.CutPrefix(line, "VmHWM:"); ok {
			f := strings.Fields(rest)
			if kb, err := strconv.Atoi(f[0]); err == nil {
				b.ReportMetric(float64(kb)/1024, "peak-MiB")
			}
		}
	}
}

func mustParse(tb testing.TB, text string) filter.Expr {
	f, err := filter.Parse(text, storetest.ResourceType(), filter.Limits{})
	require.NoError(tb, err)
	return f
}

// listScenarios are the listings measured, by name: the query for a
// random draw and a check of the result.
var listScenarios = []struct {
	name  string
	query func(tb testing.TB, r *rand.Rand, n int) store.ListQuery
	want  func(n int, res *store.ListResult) bool
}{
	{"UserNameEq", func(tb testing.TB, r *rand.Rand, n int) store.ListQuery {
		return store.ListQuery{Filter: mustParse(tb, fmt.Sprintf(`userName eq "USER%07d@example.com"`, r.IntN(n))), Count: 10}
	}, one},
	{"ExternalIDEq", func(tb testing.TB, r *rand.Rand, n int) store.ListQuery {
		return store.ListQuery{Filter: mustParse(tb, fmt.Sprintf(`externalId eq "ext-%07d"`, r.IntN(n))), Count: 10}
	}, one},
	{"EmailValueEq", func(tb testing.TB, r *rand.Rand, n int) store.ListQuery {
		return store.ListQuery{Filter: mustParse(tb, fmt.Sprintf(`emails[value eq "u%d@home.example.org"]`, r.IntN(n))), Count: 10}
	}, one},
	{"CoCount10", func(tb testing.TB, r *rand.Rand, n int) store.ListQuery {
		return store.ListQuery{Filter: mustParse(tb, `displayName co "number 1"`), Count: 10}
	}, func(n int, res *store.ListResult) bool { return res.TotalResults > 10 && len(res.Users) == 10 }},
	{"DeepPage", func(tb testing.TB, r *rand.Rand, n int) store.ListQuery {
		return store.ListQuery{StartIndex: n - 99, Count: 100}
	}, func(n int, res *store.ListResult) bool { return res.TotalResults >= n && len(res.Users) == 100 }},
	{"SortByUserNamePage", func(tb testing.TB, r *rand.Rand, n int) store.ListQuery {
		sortBy, err := storetest.ResourceType().ParsePath("userName")
		require.NoError(tb, err)
		return store.ListQuery{SortBy: sortBy, StartIndex: n / 2, Count: 50}
	}, func(n int, res *store.ListResult) bool { return len(res.Users) == 50 }},
}

func one(n int, res *store.ListResult) bool { return res.TotalResults == 1 && len(res.Users) == 1 }

func BenchmarkList(b *testing.B) {
	forEachTarget(b, func(b *testing.B, env *benchEnv) {
		for _, sc := range listScenarios {
			b.Run(sc.name, func(b *testing.B) {
				ctx := context.Background()
				r := rand.New(rand.NewPCG(1, 2))
				// Parse before timing: the filter parser is not measured.
				qs := make([]store.ListQuery, 256)
				for i := range qs {
					qs[i] = sc.query(b, r, env.n)
				}
				b.ReportAllocs()
				i := 0
				for b.Loop() {
					res, err := env.st.List(ctx, qs[i%len(qs)])
					i++
					if err != nil || !sc.want(env.n, res) {
						b.Fatalf("list: %v %+v", err, res)
					}
				}
				reportPeakRSS(b)
			})
		}
	})
}

func BenchmarkWrite(b *testing.B) {
	forEachTarget(b, func(b *testing.B, env *benchEnv) {
		s := env.st
		ctx := context.Background()
		b.Run("Get", func(b *testing.B) {
			r := rand.New(rand.NewPCG(5, 6))
			b.ReportAllocs()
			for b.Loop() {
				if _, err := s.Get(ctx, env.ids[r.IntN(len(env.ids))]); err != nil {
					b.Fatal(err)
				}
			}
			reportPeakRSS(b)
		})
		b.Run("Create", func(b *testing.B) {
			b.ReportAllocs()
			i := 0
			for b.Loop() {
				u := benchUser(0)
				u.UserName = fmt.Sprintf("new-%d-%d@example.com", env.n, i)
				i++
				if _, err := s.Create(ctx, u); err != nil {
					b.Fatal(err)
				}
			}
			reportPeakRSS(b)
			// Keep the population as it was for the other benchmarks.
			b.StopTimer()
			require.NoError(b, deleteNewUsers(ctx, s))
		})
		// GetParallel is Get from 8 goroutines per core.
		b.Run("GetParallel", func(b *testing.B) {
			b.SetParallelism(8)
			b.ReportAllocs()
			b.RunParallel(func(pb *testing.PB) {
				r := rand.New(rand.NewPCG(rand.Uint64(), 6))
				for pb.Next() {
					if _, err := s.Get(ctx, env.ids[r.IntN(len(env.ids))]); err != nil {
						b.Error(err)
						return
					}
				}
			})
			reportPeakRSS(b)
		})
		// Replace writes back a changed copy of a user read before.
		b.Run("Replace", func(b *testing.B) {
			users := make([]*store.User, 0, 64)
			for _, id := range env.ids[:64] {
				u, err := s.Get(ctx, id)
				require.NoError(b, err)
				users = append(users, u)
			}
			r := rand.New(rand.NewPCG(3, 4))
			b.ReportAllocs()
			i := 0
			for b.Loop() {
				u := users[r.IntN(len(users))]
				u.Title = "Title " + strconv.Itoa(i)
				i++
				got, err := s.Replace(ctx, u, u.Meta.Version)
				if err != nil {
					b.Fatal(err)
				}
				*u = *got
			}
			reportPeakRSS(b)
		})
		// Patch is what the handler's PATCH does with the store: a Get,
		// a change, and a Replace conditional on the version read.
		b.Run("Patch", func(b *testing.B) {
			r := rand.New(rand.NewPCG(7, 8))
			b.ReportAllocs()
			i := 0
			for b.Loop() {
				u, err := s.Get(ctx, env.ids[r.IntN(len(env.ids))])
				if err != nil {
					b.Fatal(err)
				}
				u.Title = "Title " + strconv.Itoa(i)
				i++
				if _, err := s.Replace(ctx, u, u.Meta.Version); err != nil {
					b.Fatal(err)
				}
			}
			reportPeakRSS(b)
		})
	})
}

// TestScalePlans shows, on the benchmark populations (so only with
// SCIM_BENCH_LARGE or SCIM_BENCH_HUGE set), that every database answers
// the identity providers' lookups from an index.
func TestScalePlans(t *testing.T) {
	if os.Getenv("SCIM_BENCH_LARGE") == "" && os.Getenv("SCIM_BENCH_HUGE") == "" {
		t.Skip("set SCIM_BENCH_LARGE=1 or SCIM_BENCH_HUGE=1 to check the plans on the benchmark populations")
	}
	for _, tg := range benchTargets() {
		if tg.n < 100_000 {
			continue
		}
		t.Run(fmt.Sprintf("%s/users=%d", tg.b.name, tg.n), func(t *testing.T) {
			env := getBenchEnv(t, tg.b, tg.n)
			s := env.st
			for _, c := range []struct{ filter, index string }{
				{fmt.Sprintf(`userName eq "USER%07d@example.com"`, tg.n-7), "users_user_name_norm"},
				{fmt.Sprintf(`externalId eq "ext-%07d"`, tg.n-7), "users_external_id"},
				{fmt.Sprintf(`emails[value eq "u%d@home.example.org"]`, tg.n-7), "user_values_value"},
			} {
				lq, err := s.listQuery(store.ListQuery{Filter: mustParse(t, c.filter), Count: 10})
				require.NoError(t, err)
				plan := explain(t, s, lq.page, lq.pageArgs)
				t.Logf("%s\n%s\n%s", c.filter, lq.page, plan)
				assert.Contains(t, plan, s.prefix+c.index, c.filter)
				switch s.d {
				case SQLite:
					assert.NotRegexp(t, `(?m)^SCAN u\b`, plan, c.filter)
					assert.NotContains(t, plan, "CORRELATED", c.filter)
				case Postgres:
					assert.NotContains(t, plan, "Seq Scan on "+s.q.users, c.filter)
				case MySQL:
					assert.NotRegexp(t, `(?m)\b`+s.q.users+`\b.*\bALL\b`, plan, c.filter)
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
		`userName eq "User0000007@example.com"`:  s.prefix + "users_user_name_norm",
		`externalId eq "ext-0000007"`:            s.prefix + "users_external_id",
		`emails[value eq "u7@home.example.org"]`: s.prefix + "user_values_value",
		`id eq "x"`:                              "sqlite_autoindex_" + s.prefix + "users_1",
	} {
		lq, err := s.listQuery(store.ListQuery{Filter: mustParse(t, text), Count: 10})
		require.NoError(t, err)
		for _, q := range []struct {
			sql  string
			args []any
		}{{lq.count, lq.args[:lq.nWhere]}, {lq.page, lq.pageArgs}} {
			plan := explain(t, s, q.sql, q.args)
			t.Logf("%s\n%s\n%s", text, q.sql, plan)
			assert.Contains(t, plan, "INDEX "+index, "%s: %s", text, q.sql)
			assert.NotRegexp(t, `(?m)^SCAN u\b`, plan, "%s must not scan users", text)
			assert.NotContains(t, plan, "CORRELATED SCALAR SUBQUERY", "%s: the count must be evaluated once", text)
		}
	}
	res, err := s.List(ctx, store.ListQuery{Filter: mustParse(t, `userName eq "USER0000007@EXAMPLE.COM"`)})
	require.NoError(t, err)
	assert.Equal(t, 1, res.TotalResults)
}

// explain returns the plan of q: EXPLAIN QUERY PLAN's details on SQLite,
// EXPLAIN's lines on PostgreSQL, EXPLAIN's rows (columns joined by " | ")
// on MySQL.
func explain(t *testing.T, s *Store, q string, args []any) string {
	prefix := "EXPLAIN "
	if s.d == SQLite {
		prefix = "EXPLAIN QUERY PLAN "
	}
	rows, err := s.db.QueryContext(context.Background(), prefix+q, args...)
	require.NoError(t, err)
	defer rows.Close()
	cols, err := rows.Columns()
	require.NoError(t, err)
	var lines []string
	for rows.Next() {
		vals := make([]sql.NullString, len(cols))
		ptrs := make([]any, len(cols))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		require.NoError(t, rows.Scan(ptrs...))
		switch s.d {
		case SQLite: // id, parent, notused, detail
			lines = append(lines, vals[len(vals)-1].String)
		default:
			var parts []string
			for i, v := range vals {
				if len(cols) > 1 {
					parts = append(parts, cols[i]+"="+v.String)
				} else {
					parts = append(parts, v.String)
				}
			}
			lines = append(lines, strings.Join(parts, " | "))
		}
	}
	require.NoError(t, rows.Err())
	return strings.Join(lines, "\n")
}
