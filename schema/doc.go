// Package schema defines SCIM attribute definitions and brings resources
// into a canonical generic form (RFC 7643).
//
// A [ResourceType] joins a core [Schema], its extensions and the common
// attributes id, externalId and meta. It resolves attribute paths for
// filters, PATCH, sorting and projection, and it converts the JSON a client
// sends into the generic form every other package works on: canonical
// attribute names, values of the attribute's type, nothing unassigned.
//
// # Usage
//
//	rt, err := schema.UserResourceType() // User + enterprise extension
//	if err != nil { ... }
//
//	var doc map[string]any
//	dec := json.NewDecoder(r.Body)
//	dec.UseNumber()
//	if err := dec.Decode(&doc); err != nil { ... }
//
//	user, err := rt.Normalize(doc) // names canonical, "True" -> true
//	if err != nil { ... }           // *schema.Error, scimType invalidValue
//	rt.DropReadOnly(user)           // the client can't set id, meta, groups
//	if err := rt.CheckRequired(user); err != nil { ... }
//
//	// ... store it, read it back as a map ...
//	attrs := []schema.AttrRef{}     // from ?attributes=, via rt.ParsePath
//	body := rt.Project(stored, attrs, nil) // password never leaves
//
// # Definitions
//
// [UserSchema], [EnterpriseUserSchema] and [GroupSchema] return the schemas
// of RFC 7643 §4 with the characteristics of §8.7.1, and
// [CommonAttributes] those of §3.1. Each call returns fresh values, so a
// server may adapt them before passing them to [NewResourceType]; once a
// resource type holds them they must not change. A ResourceType is then
// safe for concurrent use.
//
// # Attribute paths
//
// [ResourceType.ParsePath] and [ResourceType.Lookup] match names and URNs
// without regard to case (RFC 7643 §2.1) and return an [AttrRef] carrying
// the definitions, so callers need no schema of their own.
//
// # Errors
//
// Client mistakes are reported as [*Error] with the scimType of
// RFC 7644 §3.12: "invalidPath" for paths, "invalidValue" for values. The
// detail names the attribute and never echoes the value. Bad definitions
// passed to [NewResourceType] give an ordinary error.
package schema
