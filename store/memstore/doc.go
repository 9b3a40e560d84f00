// Package memstore is an in-memory [store.UserStore]: the reference
// adapter, used by tests, examples and small deployments that can lose
// their users on restart.
//
// # Usage
//
//	users := memstore.New()
//	h, err := scim.NewHandler(users, &scim.Options{BaseURL: base})
//
// A [Store] is safe for concurrent use: reads share a lock, writes take it
// alone, so a conditional write (ifVersion) is atomic. It copies users on
// the way in and on the way out and never aliases its state.
//
// # Identity and versions
//
// IDs are random version 4 UUIDs from crypto/rand. Meta.Version is a
// decimal counter shared by the store, so every write yields a version no
// user has had. Meta.LastModified never repeats for a user, even with a
// coarse clock ([WithClock]).
//
// # Lookups and listing
//
// Get is a map lookup. userName is indexed by a case-folding key equal for
// two names exactly when strings.EqualFold says so, which enforces
// uniqueness without regard to case (RFC 7643 §4.1.1). externalId is
// indexed exactly, and is not unique.
//
// List serves a filter that pins id, userName or externalId with eq, alone
// or as a conjunct of a top-level and, from those indexes and checks the
// whole filter on the candidates. Any other filter is evaluated with
// filter.Match over every user, in creation order, against a generic form
// computed when the user was written. sortBy uses filter.Cmp and keeps
// creation order among equal values. List never returns
// errors.ErrUnsupported.
//
// Filters never see the password: it is returned "never" and must not be
// probed with password eq "...".
package memstore
