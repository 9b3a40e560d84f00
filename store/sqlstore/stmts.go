package sqlstore

import (
	"context"
	"database/sql"
	"sync"
)

// maxStmts bounds the prepared statements a store keeps. The fixed
// statements take about twenty; the rest go to the shapes of the filters
// clients send (values are bound, so "userName eq X" is one shape
// whatever X). Past the bound, new shapes run unprepared.
const maxStmts = 256

// stmtCache holds a store's prepared statements by SQL text. A statement,
// once cached, stays until the store is closed, so that a caller never
// holds one that another goroutine closed; database/sql prepares it again
// on each connection that runs it.
type stmtCache struct {
	mu     sync.RWMutex
	m      map[string]*sql.Stmt
	closed bool
}

// stmt returns the prepared statement for query, preparing it on first
// use, or nil when the cache is full or closed: the caller then runs query
// unprepared.
func (s *Store) stmt(ctx context.Context, query string) (*sql.Stmt, error) {
	c := &s.stmts
	c.mu.RLock()
	st, ok := c.m[query]
	full := c.closed || len(c.m) >= maxStmts
	c.mu.RUnlock()
	if ok {
		return st, nil
	}
	if full {
		return nil, nil
	}
	st, err := s.db.PrepareContext(ctx, query)
	if err != nil {
		return nil, err
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if old, ok := c.m[query]; ok { // another goroutine won
		st.Close()
		return old, nil
	}
	if c.closed || len(c.m) >= maxStmts {
		st.Close()
		return nil, nil
	}
	if c.m == nil {
		c.m = make(map[string]*sql.Stmt)
	}
	c.m[query] = st
	return st, nil
}

// close closes the cached statements; later calls to stmt return nil.
func (c *stmtCache) close() {
	c.mu.Lock()
	defer c.mu.Unlock()
	for _, st := range c.m {
		st.Close()
	}
	c.m = nil
	c.closed = true
}

// query runs a query through the cache, on tx when it is not nil.
func (s *Store) query(ctx context.Context, tx *sql.Tx, query string, args ...any) (*sql.Rows, error) {
	st, err := s.stmt(ctx, query)
	if err != nil {
		return nil, err
	}
	switch {
	case st == nil && tx == nil:
		return s.db.QueryContext(ctx, query, args...)
	case st == nil:
		return tx.QueryContext(ctx, query, args...)
	case tx != nil:
		st = tx.StmtContext(ctx, st)
	}
	return st.QueryContext(ctx, args...)
}

// queryRow is query for at most one row.
func (s *Store) queryRow(ctx context.Context, tx *sql.Tx, query string, args ...any) *sql.Row {
	st, err := s.stmt(ctx, query)
	switch {
	case (err != nil || st == nil) && tx == nil:
		// A failed prepare fails again here, with its error in the Row.
		return s.db.QueryRowContext(ctx, query, args...)
	case err != nil || st == nil:
		return tx.QueryRowContext(ctx, query, args...)
	case tx != nil:
		st = tx.StmtContext(ctx, st)
	}
	return st.QueryRowContext(ctx, args...)
}

// exec is query for statements that return no rows.
func (s *Store) exec(ctx context.Context, tx *sql.Tx, query string, args ...any) (sql.Result, error) {
	st, err := s.stmt(ctx, query)
	if err != nil {
		return nil, err
	}
	switch {
	case st == nil && tx == nil:
		return s.db.ExecContext(ctx, query, args...)
	case st == nil:
		return tx.ExecContext(ctx, query, args...)
	case tx != nil:
		st = tx.StmtContext(ctx, st)
	}
	return st.ExecContext(ctx, args...)
}
