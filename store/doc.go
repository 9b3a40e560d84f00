// Package store defines how scimstack keeps users: the [UserStore]
// interface that adapters implement, the typed [User] they store, the
// [ListQuery] they answer and the errors they return.
//
// The package holds the contract only. Adapters live elsewhere: the
// in-memory reference adapter is store/memstore, a database/sql adapter is
// store/sqlstore, and store/storetest checks any adapter against the
// contract.
//
// # Writing a store
//
// Implement the five methods of [UserStore] and run the conformance kit
// from a test:
//
//	var _ store.UserStore = (*Store)(nil)
//
//	func TestConformance(t *testing.T) {
//		storetest.Run(t, func(t *testing.T) store.UserStore { return New(...) })
//	}
//
// A store must be safe for concurrent use, copy what it is given and hand
// out copies ([User.Clone] does both), assign ID and [Meta] on writes,
// change [Meta].Version on every write and apply ifVersion atomically
// (RFC 7644 §3.14). It reports failures by wrapping [ErrNotFound],
// [ErrConflict] and [ErrVersionMismatch] with %w; callers test them with
// errors.Is.
//
// # Filters and the generic form
//
// [ListQuery].Filter is a resolved filter.Expr. A store may translate it
// (to SQL, say) or evaluate it with filter.Match over [User.Map], the
// generic form of schema.ResourceType. A store that cannot serve a filter
// or a sort key returns an error wrapping errors.ErrUnsupported and the
// caller evaluates the query itself.
//
// # Users
//
// [User] is the SCIM User with the enterprise extension as a typed field
// and other extensions in generic form. [User.Map] and [UserFromMap]
// convert to and from the generic form without going through JSON;
// [User.MarshalJSON] writes the SCIM representation (RFC 7643 §4.1, §8.2)
// with "schemas" first and the password left out.
package store
