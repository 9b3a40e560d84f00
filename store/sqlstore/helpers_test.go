package sqlstore

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/scimstack/scimstack/store/storetest"
)

// Environment variables with the DSNs of the server databases.
const (
	envPostgres = "SCIM_TEST_POSTGRES_DSN" // postgres://postgres@127.0.0.1:5432/test?sslmode=disable
	envMySQL    = "SCIM_TEST_MYSQL_DSN"    // root@tcp(127.0.0.1:3306)/test
)

// backend is a database the tests run on.
type backend struct {
	name string
	d    Dialect
	env  string // "" for SQLite
}

var allBackends = []backend{
	{"SQLite", SQLite, ""},
	{"Postgres", Postgres, envPostgres},
	{"MySQL", MySQL, envMySQL},
}

// forEachBackend runs f in a parallel subtest per backend. Server
// databases are skipped when their DSN is unset, except under CI=true,
// where that fails.
func forEachBackend(t *testing.T, f func(t *testing.T, b backend)) {
	for _, b := range allBackends {
		t.Run(b.name, func(t *testing.T) {
			b.dsn(t)
			t.Parallel()
			f(t, b)
		})
	}
}

// dsn returns the backend's DSN, or skips (fails under CI=true) when it is
// not configured. SQLite gets a file in a fresh temporary directory.
func (b backend) dsn(t *testing.T) string {
	t.Helper()
	if b.env == "" {
		return filepath.Join(t.TempDir(), "scim.db")
	}
	dsn := os.Getenv(b.env)
	if dsn == "" {
		if os.Getenv("CI") == "true" {
			t.Fatalf("%s is not set: CI=true requires the %s tests to run", b.env, b.name)
		}
		t.Skipf("%s is not set: skipping the %s tests (set it to a DSN of an empty test database)", b.env, b.name)
	}
	return dsn
}

// uniquePrefix returns a table prefix no other test uses, so that tests and
// packages can share a database in parallel.
func uniquePrefix() string {
	var b [5]byte
	rand.Read(b[:])
	return "t" + hex.EncodeToString(b[:]) + "_"
}

// open returns a migrated store with its own tables (and, for SQLite, its
// own file), dropped when the test ends.
func (b backend) open(t testing.TB, opts *Options) *Store {
	t.Helper()
	var dsn string
	if tt, ok := t.(*testing.T); ok {
		dsn = b.dsn(tt)
	} else if b.env == "" {
		dsn = filepath.Join(t.TempDir(), "scim.db")
	} else {
		dsn = os.Getenv(b.env)
		if dsn == "" {
			t.Skipf("%s is not set", b.env)
		}
	}
	o := Options{ResourceType: storetest.ResourceType()}
	if opts != nil {
		o = *opts
	}
	if o.TablePrefix == "" {
		o.TablePrefix = uniquePrefix()
	}
	ctx := context.Background()
	s, err := Open(ctx, b.d, dsn, &o)
	require.NoError(t, err)
	t.Cleanup(func() {
		if b.d != SQLite {
			for _, table := range []string{"user_values", "users", "schema_migrations"} {
				_, err := s.db.ExecContext(context.Background(), "DROP TABLE IF EXISTS "+o.TablePrefix+table)
				if err != nil {
					t.Errorf("drop %s%s: %v", o.TablePrefix, table, err)
				}
			}
		}
		s.Close()
	})
	require.NoError(t, s.Migrate(ctx))
	return s
}
