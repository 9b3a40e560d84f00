// Package sqlstore is a [store.UserStore] over database/sql, for SQLite,
// PostgreSQL and MySQL/MariaDB. One code path serves the three; the
// dialects differ in a few expressions (JSON extraction, parameter
// placeholders, binary comparison) and in their migrations.
//
// # Usage
//
//	st, err := sqlstore.Open(ctx, sqlstore.SQLite, "/var/lib/app/scim.db", &sqlstore.Options{
//		ResourceType: rt, // the handler's; nil: schema.UserResourceType()
//	})
//	if err != nil { ... }
//	defer st.Close()
//	if err := st.Migrate(ctx); err != nil { ... }
//	h, err := scim.NewHandler(st, &scim.Options{...})
//
// [Open] registers and uses modernc.org/sqlite (driver "sqlite", pure Go),
// github.com/jackc/pgx/v5/stdlib ("pgx") and github.com/go-sql-driver/mysql
// ("mysql"). [New] wraps a *sql.DB you opened yourself. [Store.Migrate]
// creates or upgrades the tables; it is explicit, idempotent and safe to
// run from several processes. [Options.TablePrefix] lets several stores
// share a database.
//
// # Tables
//
// With the default prefix "scim_":
//
//	scim_users
//	  seq              creation order (sort tie-break, default order)
//	  id               primary key (PostgreSQL, MySQL) or unique: a random UUID
//	  user_name        userName as given
//	  user_name_norm   userName case-folded; UNIQUE: the database enforces
//	                   uniqueness without regard to case (RFC 7643 §4.1.1)
//	  external_id      externalId (indexed; caseExact)
//	  active           boolean (indexed)
//	  created, last_modified   UTC, fixed-width RFC 3339 text with nanoseconds,
//	                   so that text order is time order (indexed)
//	  version          counter, +1 on every write: Meta.Version
//	  doc              the user in generic form as JSON (store.User.Map
//	                   without id and meta): what Get and List return
//	  sdoc             the singular attributes as searched: caseExact=false
//	                   strings case-folded, dateTimes normalised to UTC
//	                   (JSONB on PostgreSQL, JSON text elsewhere)
//	scim_user_values   one row per value of a multi-valued attribute
//	  user_id, attr, pos   the user, the attribute ("emails",
//	                   "urn:...:User:tags") and the index of the value
//	  value, display, type, is_primary   the common sub-attributes, as
//	                   searched (value indexed with attr)
//	  sdoc             every sub-attribute as searched (JSON)
//	scim_schema_migrations   the applied migration versions
//
// Attributes of extensions need no migration: they live in doc and sdoc.
// Attributes with returned "never" (password) are kept in doc only and so
// never match a filter, as in memstore.
//
// # Filters and sorting
//
// [Store.List] translates the whole filter language to one WHERE clause
// with bound parameters, with the semantics of filter.Match: eq, ne, co,
// sw, ew, gt, ge, lt, le and pr on strings, booleans, numbers and
// dateTimes (compared as instants), and, or, not, value paths
// (emails[type eq "work" and value co "@x"]), multi-valued attributes
// matching when any value does. Case folding is done in Go, on write and on
// each comparison value, so every database compares the same bytes and
// Unicode case-insensitivity is exactly strings.EqualFold's, whatever the
// collation; text is compared as bytes (COLLATE "C", binary on MySQL).
// Filters on a multi-valued attribute become
// "u.id IN (SELECT user_id FROM scim_user_values WHERE ...)". co, sw and ew
// use LIKE with escaped wildcards on PostgreSQL and MySQL, instr and
// substr on SQLite (whose LIKE ignores ASCII case). sortBy follows
// filter.Cmp: missing values last in both orders, a multi-valued attribute
// by its primary (else first) value, ties in creation order.
//
// A filter the store cannot translate returns an error wrapping
// errors.ErrUnsupported, and the handler evaluates it in memory: a filter
// on an attribute missing from [Options.ResourceType], co/sw/ew on a
// dateTime, gt/ge/lt/le with a value containing NUL (eq, ne, co, sw and ew
// with one are answered in SQL: no stored string holds NUL). Filters on
// "schemas" are decided in Go for each URN the store knows, leaving only
// the presence of extensions to SQL.
//
// # Performance
//
// The store prepares each statement once per shape and keeps it
// (database/sql prepares it again on each connection that runs it): the
// fixed statements of Get, Create, Replace and Delete, and up to a bound
// the listings, whose filter values are bound parameters. [Store.List] reads
// the page and the total in one statement, the count being an
// uncorrelated subquery, so a lookup such as userName eq is one indexed
// query and no transaction. On MySQL the page's seqs are found first and
// the rows joined to them, so that a deep page does not sort every
// document. Replace reads back created and version with
// UPDATE ... RETURNING where the database has it (SQLite, PostgreSQL).
// Stored documents are decoded by a JSON reader of the package's own that
// shares the document's memory. BENCHMARKS.md has the figures.
//
// # Limits
//
// userName and externalId are indexed and limited to [MaxUserNameBytes]
// and [MaxExternalIDBytes]. Strings must be valid UTF-8 without NUL
// (PostgreSQL text cannot hold NUL). Writes that break these rules fail
// with an error wrapping a *schema.Error of type "invalidValue".
//
// # Errors
//
// Create and Replace return an error wrapping [store.ErrConflict] when the
// userName's unique index rejects the write (SQLite constraint code,
// PostgreSQL 23505, MySQL 1062). Replace and Delete with an ifVersion are
// one conditional statement (WHERE id = ? AND version = ?); when it
// touches no row they tell [store.ErrNotFound] from
// [store.ErrVersionMismatch].
package sqlstore
