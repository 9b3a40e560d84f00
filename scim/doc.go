// Package scim serves the SCIM 2.0 protocol (RFC 7644) for Users over any
// [store.UserStore], as an http.Handler an application mounts in its own
// mux.
//
// # Mounting
//
//	users := memstore.New() // or a sqlstore, or your own store
//	h, err := scim.NewHandler(users, &scim.Options{
//		BaseURL: "https://app.example.com/scim/v2",
//		Tokens:  []string{os.Getenv("SCIM_TOKEN")},
//	})
//	if err != nil { ... }
//	mux.Handle("/scim/v2/", http.StripPrefix("/scim/v2", h))
//
// # Endpoints
//
//	GET    /Users              list: filter, startIndex, count, sortBy, sortOrder, attributes, excludedAttributes
//	POST   /Users/.search      the same, from a SearchRequest body
//	POST   /Users              create: 201 and Location
//	GET    /Users/{id}         read; If-None-Match gives 304
//	PUT    /Users/{id}         replace; If-Match gives 412 on a stale version
//	PATCH  /Users/{id}         PatchOp (RFC 7644 §3.5.2), atomic, retried on concurrent writes
//	DELETE /Users/{id}         remove (or deactivate, see Options.Delete)
//	GET    /ServiceProviderConfig, /ResourceTypes[/{name}], /Schemas[/{urn}]
//
// Every failure is an RFC 7644 §3.12 error body ([Error]) with
// Content-Type application/scim+json; a store error maps to 404, 409
// uniqueness or 412; anything unexpected is a 500 whose cause is logged
// and never sent.
//
// # Identity provider quirks
//
// Requests are read as RFC 7644 says, and also as Microsoft Entra ID and
// Okta send them: capitalised PATCH ops, "True"/"False" strings for
// booleans, dotted and URN-qualified keys in path-less PATCH values, add
// through a value filter that matches nothing, a manager given as a plain
// string, and `emails[type eq "work"].value eq "x"` filters. Responses stay
// strictly RFC-shaped.
//
// # Limits
//
// Request bodies, filter length and depth, PATCH operation counts and page
// sizes are bounded ([Options]); exceeding a bound is a 4xx SCIM error.
package scim
