package sqlstore

import (
	"context"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/scimstack/scimstack/store"
	"github.com/scimstack/scimstack/store/storetest"
)

func TestConformance(t *testing.T) {
	forEachBackend(t, func(t *testing.T, b backend) {
		storetest.Run(t, func(t *testing.T) store.UserStore { return b.open(t, nil) })
	})
}

func TestMigrateIdempotent(t *testing.T) {
	forEachBackend(t, func(t *testing.T, b backend) {
		s := b.open(t, nil)
		ctx := context.Background()
		require.NoError(t, s.Migrate(ctx))
		require.NoError(t, s.Migrate(ctx))
		var n, v int
		row := s.db.QueryRowContext(ctx, "SELECT COUNT(*), MAX(version) FROM "+s.prefix+"schema_migrations")
		require.NoError(t, row.Scan(&n, &v))
		assert.Equal(t, SchemaVersion, n)
		assert.Equal(t, SchemaVersion, v)
		ms, err := migrations(b.d, s.prefix)
		require.NoError(t, err)
		assert.Len(t, ms, SchemaVersion, "SchemaVersion must match the embedded migrations")
	})
}

func TestMigrateRefusesNewerSchema(t *testing.T) {
	s := allBackends[0].open(t, nil)
	ctx := context.Background()
	_, err := s.db.ExecContext(ctx, "INSERT INTO "+s.prefix+"schema_migrations (version, applied_at) VALUES (99, 'x')")
	require.NoError(t, err)
	err = s.Migrate(ctx)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "newer")
}

func TestOptions(t *testing.T) {
	db := allBackends[0].open(t, nil).db
	for _, p := range []string{"1abc", "a-b", "a b", "x;drop", "abcdefghijabcdefghijabcdefghijabc"} {
		_, err := New(db, SQLite, &Options{TablePrefix: p})
		assert.Error(t, err, "prefix %q", p)
	}
	_, err := New(db, "oracle", nil)
	assert.Error(t, err)
	_, err = New(nil, SQLite, nil)
	assert.Error(t, err)
	s, err := New(db, SQLite, nil)
	require.NoError(t, err)
	assert.Equal(t, DefaultTablePrefix, s.prefix)
	require.NoError(t, s.Close(), "Close of a store made by New leaves the DB open")
	require.NoError(t, db.Ping())
}
