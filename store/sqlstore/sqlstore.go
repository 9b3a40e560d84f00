package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"runtime"
	"strings"

	"github.com/scimstack/scimstack/schema"
	"github.com/scimstack/scimstack/store"

	// The drivers Open uses; New works with any driver of a supported
	// dialect.
	_ "github.com/go-sql-driver/mysql"
	_ "github.com/jackc/pgx/v5/stdlib"
	_ "modernc.org/sqlite"
)

var (
	_ store.UserStore = (*Store)(nil)
	_ store.Pinger    = (*Store)(nil)
)

// Dialect names the SQL dialect of a database.
type Dialect string

// The supported dialects.
const (
	// SQLite is SQLite 3.38 or later; Open uses modernc.org/sqlite
	// (driver name "sqlite").
	SQLite Dialect = "sqlite"
	// Postgres is PostgreSQL 12 or later; Open uses
	// github.com/jackc/pgx/v5/stdlib (driver name "pgx").
	Postgres Dialect = "postgres"
	// MySQL is MySQL 8.0.17 or later and MariaDB 10.6 or later; Open uses
	// github.com/go-sql-driver/mysql (driver name "mysql").
	MySQL Dialect = "mysql"
)

func (d Dialect) driverName() string {
	switch d {
	case SQLite:
		return "sqlite"
	case Postgres:
		return "pgx"
	case MySQL:
		return "mysql"
	}
	return ""
}

// DefaultTablePrefix is the table prefix used when Options.TablePrefix is
// empty.
const DefaultTablePrefix = "scim_"

// Options configure a [Store]. The zero value (or nil) is valid.
type Options struct {
	// TablePrefix starts the name of every table and index the store
	// uses, so that several stores (or test runs) can share a database.
	// It is made of ASCII letters, digits and '_', starts with a letter or
	// '_', and has at most 32 bytes. Empty means [DefaultTablePrefix].
	TablePrefix string

	// ResourceType defines the attributes users have: which are
	// multi-valued, case-exact or dateTime decides how they are stored for
	// filtering. Use the one the handler uses. Attributes of extensions it
	// does not define are kept but cannot be filtered or sorted on. Nil
	// means schema.UserResourceType().
	ResourceType *schema.ResourceType
}

// Store is a [store.UserStore] over database/sql. It is safe for
// concurrent use. See the package documentation for the tables it uses.
type Store struct {
	db     *sql.DB
	d      Dialect
	rt     *schema.ResourceType
	prefix string
	owned  bool // Close closes db
	q      queries
	stmts  stmtCache
}

// Open opens the database with the dialect's driver and returns a store
// that owns it: [Store.Close] closes it. It checks the connection but does
// not create tables: call [Store.Migrate].
//
// For SQLite, dsn is a file name or a "file:" URI; unless dsn sets them,
// Open adds the parameters for a 5 s busy_timeout, WAL journalling, foreign
// keys and immediate write transactions. An in-memory database
// (":memory:", "mode=memory") gets a single connection, so that every
// query sees the same database. Other databases keep up to
// max(8, 2*GOMAXPROCS) idle connections (database/sql's default is 2),
// so that concurrent requests reuse connections and their prepared
// statements.
func Open(ctx context.Context, dialect Dialect, dsn string, opts *Options) (*Store, error) {
	name := dialect.driverName()
	if name == "" {
		return nil, fmt.Errorf("sqlstore: unknown dialect %q", dialect)
	}
	memory := false
	if dialect == SQLite {
		dsn, memory = sqliteDSN(dsn)
	}
	db, err := sql.Open(name, dsn)
	if err != nil {
		return nil, fmt.Errorf("sqlstore: open: %w", err)
	}
	if memory {
		db.SetMaxOpenConns(1)
		db.SetConnMaxIdleTime(0)
		db.SetConnMaxLifetime(0)
	} else {
		// database/sql keeps 2 idle connections by default: with more
		// concurrent requests, connections are closed and opened again,
		// and each new one prepares the store's statements anew.
		db.SetMaxIdleConns(max(8, 2*runtime.GOMAXPROCS(0)))
	}
	s, err := New(db, dialect, opts)
	if err != nil {
		db.Close()
		return nil, err
	}
	s.owned = true
	if err := s.Ping(ctx); err != nil {
		db.Close()
		return nil, err
	}
	return s, nil
}

// sqliteDSN adds the store's default connection parameters to a SQLite DSN
// and reports whether it names an in-memory database.
func sqliteDSN(dsn string) (string, bool) {
	memory := dsn == "" || strings.Contains(dsn, ":memory:") || strings.Contains(dsn, "mode=memory")
	add := func(key, param string) {
		if strings.Contains(dsn, key) {
			return
		}
		if strings.Contains(dsn, "?") {
			dsn += "&" + param
		} else {
			dsn += "?" + param
		}
	}
	add("busy_timeout", "_pragma=busy_timeout(5000)")
	add("foreign_keys", "_pragma=foreign_keys(1)")
	if !memory {
		add("journal_mode", "_pragma=journal_mode(WAL)")
		add("synchronous", "_pragma=synchronous(NORMAL)")
	}
	add("_txlock", "_txlock=immediate")
	return dsn, memory
}

// New returns a store over db, which must be a database of the dialect.
// The caller keeps ownership of db: [Store.Close] does not close it. With
// SQLite, configure busy_timeout and foreign keys in the DSN (see [Open]).
func New(db *sql.DB, dialect Dialect, opts *Options) (*Store, error) {
	if db == nil {
		return nil, errors.New("sqlstore: nil *sql.DB")
	}
	if dialect.driverName() == "" {
		return nil, fmt.Errorf("sqlstore: unknown dialect %q", dialect)
	}
	var o Options
	if opts != nil {
		o = *opts
	}
	if o.TablePrefix == "" {
		o.TablePrefix = DefaultTablePrefix
	}
	if !validPrefix(o.TablePrefix) {
		return nil, fmt.Errorf("sqlstore: invalid table prefix %q", o.TablePrefix)
	}
	if o.ResourceType == nil {
		rt, err := schema.UserResourceType()
		if err != nil {
			return nil, fmt.Errorf("sqlstore: %w", err)
		}
		o.ResourceType = rt
	}
	s := &Store{db: db, d: dialect, rt: o.ResourceType, prefix: o.TablePrefix}
	s.q = newQueries(dialect, o.TablePrefix)
	return s, nil
}

func validPrefix(p string) bool {
	if p == "" || len(p) > 32 {
		return false
	}
	for i := 0; i < len(p); i++ {
		c := p[i]
		switch {
		case 'a' <= c && c <= 'z', 'A' <= c && c <= 'Z', c == '_':
		case i > 0 && '0' <= c && c <= '9':
		default:
			return false
		}
	}
	return true
}

// DB returns the database the store uses.
func (s *Store) DB() *sql.DB { return s.db }

// Dialect returns the store's dialect.
func (s *Store) Dialect() Dialect { return s.d }

// Ping checks that the database answers (store.Pinger).
func (s *Store) Ping(ctx context.Context) error {
	if err := s.db.PingContext(ctx); err != nil {
		return fmt.Errorf("sqlstore: ping: %w", err)
	}
	return nil
}

// Close closes the store's prepared statements, and the database if the
// store opened it ([Open]); a store made with [New] leaves the database
// open.
func (s *Store) Close() error {
	s.stmts.close()
	if !s.owned {
		return nil
	}
	return s.db.Close()
}
