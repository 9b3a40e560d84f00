// Package storetest is the conformance kit for [store.UserStore]
// adapters: the first test an adapter author runs.
//
// # Usage
//
//	func TestConformance(t *testing.T) {
//		storetest.Run(t, func(t *testing.T) store.UserStore {
//			return mystore.New(...) // empty, one per subtest
//		})
//	}
//
// [Run] runs one subtest per rule of the contract, each on a fresh store:
// what Create assigns, round trips of a fully populated user (enterprise
// and custom extension included), ErrNotFound, userName uniqueness without
// regard to case, versions and conditional writes, aliasing, 1-based
// paging with exact totalResults, filters, sorting and concurrent writes
// (run it with -race). Failure messages cite the RFC 7643 or RFC 7644
// section the rule comes from.
//
// # Optional capabilities
//
// A store may answer a filter or sort key it cannot serve with an error
// wrapping errors.ErrUnsupported; the kit then skips that subtest with the
// reason, as the handler falls back to evaluating the query itself.
//
// # Fixtures
//
// Filters and sort keys are resolved against [ResourceType]: the User
// resource type with the enterprise extension and [AcmeSchema] (URN
// [AcmeURN]). [FullUser] returns a user with every attribute assigned, for
// an adapter's own tests. Times must survive a round trip to the
// millisecond.
package storetest
