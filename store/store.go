package store

import (
	"context"
	"errors"

	"github.com/scimstack/scimstack/filter"
	"github.com/scimstack/scimstack/schema"
)

// Errors returned by stores. Adapters wrap them with %w; callers test with
// errors.Is.
var (
	// ErrNotFound: no user has the id.
	ErrNotFound = errors.New("store: user not found")
	// ErrConflict: the write would give two users the same userName
	// (compared without regard to case, RFC 7643 §4.1.1).
	ErrConflict = errors.New("store: userName already taken")
	// ErrVersionMismatch: the user's current version is not the expected
	// one (RFC 7644 §3.14).
	ErrVersionMismatch = errors.New("store: version mismatch")
)

// UserStore keeps users. Implementations must be safe for concurrent use,
// must not keep or modify the *User values passed in, and must return
// values the caller may modify (no aliasing with stored state). Every
// method takes the request's context and should stop when it is done.
//
// Run storetest.Run against an implementation to check this contract.
type UserStore interface {
	// Create stores a new user and returns it as stored. The store assigns
	// ID (a u.ID set by the caller is ignored), Meta.Created,
	// Meta.LastModified and Meta.Version; other Meta fields are ignored.
	// It returns ErrConflict when userName is taken.
	Create(ctx context.Context, u *User) (*User, error)

	// Get returns the user with the id, or ErrNotFound.
	Get(ctx context.Context, id string) (*User, error)

	// Replace replaces every attribute of the user with u.ID and returns
	// it as stored, with Meta.Created kept and a new Meta.LastModified and
	// Meta.Version. When ifVersion is not "", the write happens only if the
	// stored version equals it, else ErrVersionMismatch; the check and the
	// write are one atomic step. It returns ErrNotFound when no user has
	// the id and ErrConflict when the new userName is taken by another
	// user.
	Replace(ctx context.Context, u *User, ifVersion string) (*User, error)

	// Delete removes the user with the id, under the same ifVersion rule
	// as Replace. It returns ErrNotFound or ErrVersionMismatch.
	Delete(ctx context.Context, id, ifVersion string) error

	// List returns one page of the users that match q.Filter, in q's
	// order, with the exact number of matches.
	//
	// When the store cannot serve part of q (a filter it cannot translate,
	// an attribute it cannot sort by), it returns an error wrapping
	// errors.ErrUnsupported and the caller falls back to evaluating the
	// query itself over an unfiltered, unsorted listing (see ListQuery).
	List(ctx context.Context, q ListQuery) (*ListResult, error)
}

// SortOrder is ascending or descending (RFC 7644 §3.4.2.3).
type SortOrder int

// The sort orders.
const (
	Ascending SortOrder = iota
	Descending
)

// ListQuery is what List is asked for.
type ListQuery struct {
	// Filter selects users; nil selects all.
	Filter filter.Expr

	// SortBy is the attribute to order by; a zero AttrRef (Attr nil)
	// means an order of the store's choosing that is stable across calls
	// (for example by id or by creation). Users without a value sort last
	// (see filter.Cmp).
	SortBy    schema.AttrRef
	SortOrder SortOrder

	// StartIndex is the 1-based index of the first result (RFC 7644
	// §3.4.2.4); values below 1 mean 1.
	StartIndex int
	// Count is the maximum number of users to return; 0 returns none but
	// still counts them; a negative Count means no limit.
	Count int

	// Attributes lists the attributes the response will contain, as a
	// hint: a store may leave others out of the returned users. Nil means
	// all.
	Attributes []schema.AttrRef
}

// ListResult is one page of a listing.
type ListResult struct {
	// TotalResults is the number of users that match the filter, on all
	// pages.
	TotalResults int
	// Users is the page, in order.
	Users []*User
}

// Pinger is an optional interface for stores that can check their backend.
// The example server uses it at start-up; a store without it is assumed
// ready.
type Pinger interface {
	Ping(ctx context.Context) error
}
