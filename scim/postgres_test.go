package scim_test

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"net/http"
	"os"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/scimstack/scimstack/schema"
	"github.com/scimstack/scimstack/scim"
	"github.com/scimstack/scimstack/store/sqlstore"
)

// postgresDSN returns $SCIM_TEST_POSTGRES_DSN, skipping the test when it is
// unset, except under CI=true, where that is a failure.
func postgresDSN(t *testing.T) string {
	t.Helper()
	dsn := os.Getenv("SCIM_TEST_POSTGRES_DSN")
	if dsn == "" {
		if os.Getenv("CI") == "true" {
			t.Fatal("SCIM_TEST_POSTGRES_DSN is not set: CI=true requires the PostgreSQL tests to run")
		}
		t.Skip("SCIM_TEST_POSTGRES_DSN is not set: skipping the PostgreSQL tests")
	}
	return dsn
}

// TestScaleOutPostgres runs several handler instances, each with its own
// connection pool, over one PostgreSQL database, as a service scaled out
// behind a load balancer would. Concurrent PATCHes to one user without
// If-Match must all land; with the same If-Match exactly one wins and the
// others get 412 (RFC 7644 §3.14).
func TestScaleOutPostgres(t *testing.T) {
	dsn := postgresDSN(t)
	ctx := context.Background()
	var b [5]byte
	_, _ = rand.Read(b[:])
	prefix := "h" + hex.EncodeToString(b[:]) + "_"

	const instances = 3
	clients := make([]*client, instances)
	for i := range clients {
		s, err := sqlstore.Open(ctx, sqlstore.Postgres, dsn, &sqlstore.Options{TablePrefix: prefix})
		require.NoError(t, err)
		require.NoError(t, s.Migrate(ctx), "migrations run concurrently from every instance must be safe")
		t.Cleanup(func() { s.Close() })
		clients[i] = newClientWith(t, s, &scim.Options{Extensions: []schema.Extension{}, PatchRetries: 1000})
	}
	t.Cleanup(func() {
		s, err := sqlstore.Open(ctx, sqlstore.Postgres, dsn, nil)
		if err != nil {
			return
		}
		defer s.Close()
		for _, table := range []string{"user_values", "users", "schema_migrations"} {
			_, _ = s.DB().ExecContext(ctx, "DROP TABLE IF EXISTS "+prefix+table)
		}
	})

	id := clients[0].create("scale@example.com")["id"].(string)
	const n = 24
	var wg sync.WaitGroup
	codes := make([]int, n)
	for i := range n {
		wg.Go(func() {
			body := map[string]any{"Operations": []any{map[string]any{
				"op": "add", "path": "emails", "value": []any{map[string]any{"value": fmt.Sprintf("e%d@example.com", i), "type": "other"}},
			}}}
			codes[i] = clients[i%instances].do("PATCH", "/Users/"+id, body).Code
		})
	}
	wg.Wait()
	for i, code := range codes {
		assert.Equal(t, http.StatusOK, code, "PATCH %d without If-Match", i)
	}
	got := clients[1].do("GET", "/Users/"+id, nil)
	require.Equal(t, http.StatusOK, got.Code)
	emails := got.json()["emails"].([]any)
	assert.Len(t, emails, n+1, "every PATCH without If-Match is present")

	etag := got.Header().Get("ETag")
	var wins, lost int
	var mu sync.Mutex
	for i := range n {
		wg.Go(func() {
			body := map[string]any{"Operations": []any{map[string]any{"op": "replace", "path": "title", "value": fmt.Sprintf("title %d", i)}}}
			code := clients[i%instances].do("PATCH", "/Users/"+id, body, "If-Match", etag).Code
			mu.Lock()
			defer mu.Unlock()
			switch code {
			case http.StatusOK:
				wins++
			case http.StatusPreconditionFailed:
				lost++
			default:
				t.Errorf("PATCH with If-Match: status %d", code)
			}
		})
	}
	wg.Wait()
	assert.Equal(t, 1, wins, "exactly one If-Match writer wins")
	assert.Equal(t, n-1, lost, "every other If-Match writer gets 412")
}
