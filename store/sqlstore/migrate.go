package sqlstore

import (
	"context"
	"database/sql"
	"embed"
	"fmt"
	"hash/fnv"
	"io/fs"
	"path"
	"slices"
	"strconv"
	"strings"
	"time"
)

//go:embed migrations
var migrationFS embed.FS

// migration is one numbered step of the schema, for one dialect.
type migration struct {
	version    int
	name       string
	statements []string
}

// migrations returns the dialect's migrations in order, with the table
// prefix put in.
func migrations(d Dialect, prefix string) ([]migration, error) {
	dir := path.Join("migrations", string(d))
	entries, err := fs.ReadDir(migrationFS, dir)
	if err != nil {
		return nil, err
	}
	var ms []migration
	for _, e := range entries {
		name := e.Name()
		num, _, ok := strings.Cut(name, "_")
		if !ok || !strings.HasSuffix(name, ".sql") {
			continue
		}
		v, err := strconv.Atoi(num)
		if err != nil || v <= 0 {
			return nil, fmt.Errorf("sqlstore: bad migration name %s", name)
		}
		b, err := migrationFS.ReadFile(path.Join(dir, name))
		if err != nil {
			return nil, err
		}
		text := strings.ReplaceAll(string(b), "{{prefix}}", prefix)
		ms = append(ms, migration{version: v, name: name, statements: splitStatements(text)})
	}
	slices.SortFunc(ms, func(a, b migration) int { return a.version - b.version })
	for i := range ms {
		if ms[i].version != i+1 {
			return nil, fmt.Errorf("sqlstore: migrations of %s are not numbered from 1 without gaps", d)
		}
	}
	return ms, nil
}

// splitStatements splits a migration file at semicolons that end a line.
// Lines starting with "--" are comments. The files are ours: no semicolon
// ends a line inside a literal.
func splitStatements(text string) []string {
	var out []string
	var cur strings.Builder
	for line := range strings.Lines(text) {
		trimmed := strings.TrimSpace(line)
		if strings.HasPrefix(trimmed, "--") {
			continue
		}
		if stmt, ok := strings.CutSuffix(trimmed, ";"); ok {
			cur.WriteString(stmt)
			if s := strings.TrimSpace(cur.String()); s != "" {
				out = append(out, s)
			}
			cur.Reset()
			continue
		}
		cur.WriteString(line)
	}
	if s := strings.TrimSpace(cur.String()); s != "" {
		out = append(out, s)
	}
	return out
}

// SchemaVersion is the version of the tables this package's [Store.Migrate]
// creates.
const SchemaVersion = 1

// Migrate creates or upgrades the store's tables. It is idempotent, and
// safe to call from several processes at once: migrations are numbered,
// the applied ones are recorded in the table <prefix>schema_migrations, and
// a database lock (a transaction on SQLite and PostgreSQL, GET_LOCK on
// MySQL) keeps two callers from applying the same one. It returns an error
// when the database holds a newer schema than this package knows.
//
// On PostgreSQL and SQLite each migration is applied in a transaction; on
// MySQL DDL statements commit on their own, so a migration interrupted
// half-way must be finished by hand.
func (s *Store) Migrate(ctx context.Context) error {
	ms, err := migrations(s.d, s.prefix)
	if err != nil {
		return err
	}
	table := s.prefix + "schema_migrations"
	create := "CREATE TABLE IF NOT EXISTS " + table +
		" (version INTEGER NOT NULL PRIMARY KEY, applied_at VARCHAR(40) NOT NULL)"
	if _, err := s.db.ExecContext(ctx, create); err != nil {
		return fmt.Errorf("sqlstore: migrate: %w", err)
	}
	if s.d == MySQL {
		return s.migrateMySQL(ctx, ms, table)
	}
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("sqlstore: migrate: %w", err)
	}
	defer tx.Rollback()
	if s.d == Postgres {
		h := fnv.New64a()
		h.Write([]byte("scimstack/sqlstore/" + s.prefix))
		if _, err := tx.ExecContext(ctx, "SELECT pg_advisory_xact_lock($1)", int64(h.Sum64())); err != nil {
			return fmt.Errorf("sqlstore: migrate: lock: %w", err)
		}
	} else {
		// Under _txlock=immediate this transaction already holds the
		// write lock; otherwise this write takes it before we read.
		if _, err := tx.ExecContext(ctx, "DELETE FROM "+table+" WHERE version < 0"); err != nil {
			return fmt.Errorf("sqlstore: migrate: lock: %w", err)
		}
	}
	current, err := schemaVersion(ctx, tx, table)
	if err != nil {
		return err
	}
	if current > len(ms) {
		return fmt.Errorf("sqlstore: database schema version %d is newer than this package's %d", current, len(ms))
	}
	for _, m := range ms[current:] {
		for _, stmt := range m.statements {
			if _, err := tx.ExecContext(ctx, stmt); err != nil {
				return fmt.Errorf("sqlstore: migration %s: %w", m.name, err)
			}
		}
		if err := s.recordMigration(ctx, tx, table, m.version); err != nil {
			return err
		}
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("sqlstore: migrate: %w", err)
	}
	return nil
}

type execQueryer interface {
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

func schemaVersion(ctx context.Context, q execQueryer, table string) (int, error) {
	var v sql.NullInt64
	if err := q.QueryRowContext(ctx, "SELECT MAX(version) FROM "+table).Scan(&v); err != nil {
		return 0, fmt.Errorf("sqlstore: migrate: %w", err)
	}
	return int(v.Int64), nil
}

func (s *Store) recordMigration(ctx context.Context, q execQueryer, table string, version int) error {
	stmt := "INSERT INTO " + table + " (version, applied_at) VALUES (" +
		s.q.ph(1) + ", " + s.q.ph(2) + ")"
	now := time.Now().UTC().Format(time.RFC3339Nano)
	if _, err := q.ExecContext(ctx, stmt, version, now); err != nil {
		return fmt.Errorf("sqlstore: migrate: record version %d: %w", version, err)
	}
	return nil
}

func (s *Store) migrateMySQL(ctx context.Context, ms []migration, table string) (err error) {
	conn, err := s.db.Conn(ctx)
	if err != nil {
		return fmt.Errorf("sqlstore: migrate: %w", err)
	}
	defer conn.Close()
	lock := "scimstack_sqlstore_" + s.prefix
	var got sql.NullInt64
	if err := conn.QueryRowContext(ctx, "SELECT GET_LOCK(?, 60)", lock).Scan(&got); err != nil {
		return fmt.Errorf("sqlstore: migrate: lock: %w", err)
	}
	if got.Int64 != 1 {
		return fmt.Errorf("sqlstore: migrate: timed out waiting for lock %s", lock)
	}
	defer func() {
		// A fresh context: release the lock even when ctx is done.
		if _, rerr := conn.ExecContext(context.Background(), "DO RELEASE_LOCK(?)", lock); rerr != nil && err == nil {
			err = fmt.Errorf("sqlstore: migrate: unlock: %w", rerr)
		}
	}()
	current, err := schemaVersion(ctx, conn, table)
	if err != nil {
		return err
	}
	if current > len(ms) {
		return fmt.Errorf("sqlstore: database schema version %d is newer than this package's %d", current, len(ms))
	}
	for _, m := range ms[current:] {
		for _, stmt := range m.statements {
			if _, err := conn.ExecContext(ctx, stmt); err != nil {
				return fmt.Errorf("sqlstore: migration %s: %w", m.name, err)
			}
		}
		if err := s.recordMigration(ctx, conn, table, m.version); err != nil {
			return err
		}
	}
	return nil
}
