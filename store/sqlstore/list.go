package sqlstore

import (
	"context"
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/scimstack/scimstack/filter"
	"github.com/scimstack/scimstack/schema"
	"github.com/scimstack/scimstack/store"
)

// unsupported returns an error wrapping errors.ErrUnsupported: the caller
// (the scim handler) then evaluates the query in memory.
func unsupported(format string, args ...any) error {
	return fmt.Errorf("sqlstore: %s: %w", fmt.Sprintf(format, args...), errors.ErrUnsupported)
}

// List returns one page of the users that match q (store.UserStore). The
// filter becomes a WHERE clause with bound parameters, evaluated with the
// semantics of filter.Match; q.SortBy follows filter.Cmp, with ties (and no
// SortBy) in creation order.
//
// The page and the total are read by one statement, so they agree without
// a transaction: each row carries the count as an uncorrelated scalar
// subquery, which the databases evaluate once. Only a page past the end
// needs a second statement, the count alone.
//
// Filters it cannot translate (on attributes the store's
// resource type does not define, co/sw/ew on dateTime values, ordering
// against values with NUL characters) return an error wrapping errors.ErrUnsupported, and so
// does a sortBy it cannot serve. q.Attributes is ignored: users are
// returned whole.
func (s *Store) List(ctx context.Context, q store.ListQuery) (*store.ListResult, error) {
	lq, err := s.listQuery(q)
	if err != nil {
		return nil, err
	}
	res := &store.ListResult{Users: []*store.User{}}
	if q.Count == 0 {
		return res, s.count(ctx, lq, res)
	}
	rows, err := s.query(ctx, nil, lq.page, lq.pageArgs...)
	if err != nil {
		return nil, fmt.Errorf("sqlstore: list: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		u, err := s.scanUser(rows, &res.TotalResults)
		if err != nil {
			return nil, fmt.Errorf("sqlstore: list: %w", err)
		}
		res.Users = append(res.Users, u)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("sqlstore: list: %w", err)
	}
	if len(res.Users) == 0 && q.StartIndex > 1 {
		return res, s.count(ctx, lq, res)
	}
	return res, nil
}

// count sets res.TotalResults alone.
func (s *Store) count(ctx context.Context, lq listSQL, res *store.ListResult) error {
	if err := s.queryRow(ctx, nil, lq.count, lq.args[:lq.nWhere]...).Scan(&res.TotalResults); err != nil {
		return fmt.Errorf("sqlstore: list: count: %w", err)
	}
	return nil
}

// listSQL is the SQL of a listing: count takes args[:nWhere], page takes
// pageArgs.
type listSQL struct {
	count, page string
	args        []any
	nWhere      int
	pageArgs    []any
}

func (s *Store) listQuery(q store.ListQuery) (listSQL, error) {
	t := &translator{s: s}
	where := ""
	if q.Filter != nil {
		w, err := t.expr(q.Filter)
		if err != nil {
			return listSQL{}, err
		}
		where = " WHERE " + w
	}
	nWhere := len(t.args)
	order, err := t.orderBy(q.SortBy, q.SortOrder == store.Descending)
	if err != nil {
		return listSQL{}, err
	}
	from := " FROM " + s.q.users + " u" + where
	count := "SELECT COUNT(*)" + from
	limit := s.limit(q.Count, max(q.StartIndex, 1)-1)
	// The count subquery's alias u hides the outer one: it is not
	// correlated.
	page := "SELECT " + userColumns + ", (" + count + ")" + from + " ORDER BY " + order + limit
	lq := listSQL{count: count, page: page, args: t.args, nWhere: nWhere, pageArgs: t.args}
	if s.d == MySQL {
		// A deferred join: the page's seqs first, from the indexes
		// alone where they can, then the 100 rows. Otherwise
		// MySQL and MariaDB sort every row, documents included, to skip
		// the OFFSET (seconds for a page deep in 100,000 users).
		lq.page = "SELECT " + userColumns + ", (" + count + ") FROM (SELECT u.seq" + from + " ORDER BY " + order + limit +
			") p JOIN " + s.q.users + " u ON u.seq = p.seq ORDER BY " + order
	}
	if s.d != Postgres {
		// "?" placeholders are positional: the count's WHERE first,
		// then the page's WHERE and ORDER BY, and with the deferred
		// join the ORDER BY again.
		lq.pageArgs = make([]any, 0, 2*len(t.args))
		lq.pageArgs = append(append(lq.pageArgs, t.args[:nWhere]...), t.args...)
		if s.d == MySQL {
			lq.pageArgs = append(lq.pageArgs, t.args[nWhere:]...)
		}
	}
	return lq, nil
}

// limit returns the LIMIT and OFFSET clause for count (negative: all) and
// a 0-based start. Both are integers of ours, not input text.
func (s *Store) limit(count, start int) string {
	off := " OFFSET " + strconv.Itoa(start)
	if count > 0 {
		return " LIMIT " + strconv.Itoa(count) + off
	}
	switch s.d {
	case SQLite:
		return " LIMIT -1" + off
	case MySQL:
		return " LIMIT 18446744073709551615" + off
	}
	return off
}

// translator turns a filter and a sortBy into SQL with bound parameters.
// Attribute names and URNs are written into the SQL (as JSON paths and
// attribute keys) only after safeKey accepts them; every value is bound.
//
// Every boolean expression it produces is true or false, never NULL, so
// that NOT means what filter.Match means by it.
type translator struct {
	s    *Store
	args []any
}

func (t *translator) arg(v any) string {
	t.args = append(t.args, v)
	return t.s.q.ph(len(t.args))
}

// eqArg is arg for the right side of "=". On SQLite it is "+?": the same
// value, which the planner does not look at. With ANALYZE statistics
// (sqlite_stat4), a parameter compared with an indexed column is
// otherwise one the plan may depend on, and binding a new value makes
// SQLite prepare the statement again on every lookup. An equality on an
// index needs no statistics to be served by it.
func (t *translator) eqArg(v any) string {
	if t.s.d == SQLite {
		return "+" + t.arg(v)
	}
	return t.arg(v)
}

const (
	sqlTrue  = "(1=1)"
	sqlFalse = "(1=0)"
)

func (t *translator) expr(e filter.Expr) (string, error) {
	switch e := e.(type) {
	case *filter.And:
		return t.binary(e.Left, e.Right, " AND ")
	case *filter.Or:
		return t.binary(e.Left, e.Right, " OR ")
	case *filter.Not:
		x, err := t.expr(e.X)
		if err != nil {
			return "", err
		}
		return "(NOT " + x + ")", nil
	case *filter.Compare:
		return t.compare(e)
	case *filter.ValuePath:
		return t.valuePath(e)
	}
	return "", unsupported("filter node %T", e)
}

func (t *translator) binary(l, r filter.Expr, op string) (string, error) {
	a, err := t.expr(l)
	if err != nil {
		return "", err
	}
	b, err := t.expr(r)
	if err != nil {
		return "", err
	}
	return "(" + a + op + b + ")", nil
}

// resolve looks ref up again in the store's resource type, so that the
// definitions used to query are those used to write.
func (t *translator) resolve(ref schema.AttrRef) (schema.AttrRef, error) {
	if ref.Attr == nil {
		return ref, unsupported("filter on a whole extension")
	}
	sub := ""
	if ref.Sub != nil {
		sub = ref.Sub.Name
	}
	r, err := t.s.rt.Lookup(ref.URN, ref.Attr.Name, sub)
	if err != nil || r.Attr == nil || (sub != "" && r.Sub == nil) {
		return ref, unsupported("attribute %s is not in the store's resource type", ref)
	}
	if r.URN != "" {
		ext := t.s.rt.Extension(r.URN)
		if ext == nil || !safeKey(ext.ID) {
			return ref, unsupported("attribute %s", ref)
		}
		r.URN = ext.ID
	}
	if !safeKey(r.Attr.Name) || (r.Sub != nil && !safeKey(r.Sub.Name)) {
		return ref, unsupported("attribute %s", ref)
	}
	if r.Sub != nil && r.Sub.MultiValued {
		return ref, unsupported("multi-valued sub-attribute %s", ref)
	}
	if r.Attr.MultiValued && len(attrKey(r)) > maxAttrKeyBytes {
		return ref, unsupported("attribute name %s too long", ref)
	}
	return r, nil
}

// attrKey is the key of a multi-valued attribute in <prefix>user_values.
func attrKey(ref schema.AttrRef) string {
	if ref.URN != "" {
		return ref.URN + ":" + ref.Attr.Name
	}
	return ref.Attr.Name
}

// operand is a stored value in SQL: NULL when the user has none.
type operand struct {
	sql     string
	k       kind
	exact   bool   // caseExact, for strings
	missing bool   // never stored: always NULL
	order   string // for caseExact=false strings: a column holding orderFold, if any
	notNull bool   // a column that always has a non-empty value
}

func (t *translator) compare(c *filter.Compare) (string, error) {
	if c.Attr.URN == "" && c.Attr.Attr != nil && c.Attr.Attr.Name == "schemas" && c.Attr.Sub == nil {
		return t.schemas(c), nil
	}
	ref, err := t.resolve(c.Attr)
	if err != nil {
		return "", err
	}
	a := ref.Attr
	if a.MultiValued {
		return t.multiCompare(ref, c)
	}
	if a.Type == schema.Complex && ref.Sub == nil {
		p, err := t.complexPresent(a, func(sub *schema.Attribute) (operand, error) {
			return t.singular(schema.AttrRef{URN: ref.URN, Attr: a, Sub: sub})
		})
		if err != nil {
			return "", err
		}
		return presenceOrConst(c, p), nil
	}
	x, err := t.singular(ref)
	if err != nil {
		return "", err
	}
	return t.atom(x, c)
}

// schemas answers a filter on "schemas", whose values are the core schema
// URN and the URN of every extension the user has attributes of
// (filter.Match's rule). The URNs a user can have are the store's, so c is
// decided in Go for each of them, with filter.Match itself, and only the
// presence of the matching extensions is left to SQL.
func (t *translator) schemas(c *filter.Compare) string {
	if filter.Match(c, map[string]any{}) {
		return sqlTrue // the core URN, which every user has, matches
	}
	var or []string
	for _, ext := range t.s.rt.Extensions {
		urn := ext.Schema.ID
		if !safeKey(urn) || !filter.Match(c, map[string]any{urn: map[string]any{"_": true}}) {
			continue
		}
		var has string
		switch t.s.d {
		case Postgres:
			has = "((u.doc::jsonb -> '" + urn + "') IS NOT NULL)"
		case MySQL:
			has = "(JSON_EXTRACT(u.doc, '$.\"" + urn + "\"') IS NOT NULL)"
		default:
			has = "(json_type(u.doc, '$.\"" + urn + "\"') IS NOT NULL)"
		}
		or = append(or, has)
	}
	if len(or) == 0 {
		return sqlFalse
	}
	return "(" + strings.Join(or, " OR ") + ")"
}

// presenceOrConst answers c, on a value that is a complex value (or array
// of them) whose presence is p: pr, eq null and ne null look at presence;
// any other comparison with a complex value is false, except ne.
func presenceOrConst(c *filter.Compare, p string) string {
	if c.Op == filter.Pr || c.Value == nil {
		return presence(c.Op, p)
	}
	if c.Op == filter.Ne {
		return sqlTrue
	}
	return sqlFalse
}

// presence answers pr, eq null and ne null given p, whether a value is
// present (as filter.Match's presence does).
func presence(op filter.Op, p string) string {
	switch op {
	case filter.Pr, filter.Ne:
		return p
	case filter.Eq:
		return "(NOT " + p + ")"
	}
	return sqlFalse
}

// complexPresent is true when some sub-attribute of complex attribute a
// has a value, operands giving the sub-attributes' operands.
func (t *translator) complexPresent(a *schema.Attribute, sub func(*schema.Attribute) (operand, error)) (string, error) {
	var parts []string
	for _, s := range a.SubAttributes {
		if s.MultiValued || !safeKey(s.Name) {
			continue
		}
		x, err := sub(s)
		if err != nil {
			return "", err
		}
		parts = append(parts, present(x))
	}
	if len(parts) == 0 {
		return sqlFalse, nil
	}
	return "(" + strings.Join(parts, " OR ") + ")", nil
}

// present is true when x has a value: not NULL, and not "" for strings.
func present(x operand) string {
	switch {
	case x.missing:
		return sqlFalse
	case x.k.textual():
		return "(" + x.sql + " IS NOT NULL AND " + x.sql + " <> '')"
	}
	return "(" + x.sql + " IS NOT NULL)"
}

// atom is c applied to one stored value x, as filter.Match's leaf: NULL
// (missing) matches only ne and eq null.
func (t *translator) atom(x operand, c *filter.Compare) (string, error) {
	if c.Op == filter.Pr || c.Value == nil {
		return presence(c.Op, present(x)), nil
	}
	if x.missing {
		return boolSQL(c.Op == filter.Ne), nil
	}
	if x.k == kComplex {
		return boolSQL(c.Op == filter.Ne), nil
	}
	if v, isStr := c.Value.(string); isStr && utf8.ValidString(v) && strings.IndexByte(v, 0) >= 0 {
		// Writes refuse NUL, so no stored string holds one: eq, co, sw
		// and ew are false and ne is true without asking the database
		// (which could not bind the value), instead of sending the
		// handler to its in-memory fallback over every user.
		switch c.Op {
		case filter.Eq, filter.Co, filter.Sw, filter.Ew:
			return sqlFalse, nil
		case filter.Ne:
			return sqlTrue, nil
		}
	}
	p, ok, err := t.param(x, c)
	if err != nil {
		return "", err
	}
	if !ok { // a value of another type: only ne is true
		return boolSQL(c.Op == filter.Ne), nil
	}
	switch c.Op {
	case filter.Eq:
		return "(" + x.sql + " IS NOT NULL AND " + x.sql + " = " + t.eqArg(p) + ")", nil
	case filter.Ne:
		return "(" + x.sql + " IS NULL OR " + x.sql + " <> " + t.arg(p) + ")", nil
	case filter.Co, filter.Sw, filter.Ew:
		if x.k != kString {
			return sqlFalse, nil
		}
		return t.match(x, c.Op, p.(string)), nil
	case filter.Gt, filter.Ge, filter.Lt, filter.Le:
		if x.k == kBool {
			return sqlFalse, nil
		}
		op := map[filter.Op]string{filter.Gt: " > ", filter.Ge: " >= ", filter.Lt: " < ", filter.Le: " <= "}[c.Op]
		lhs := x.sql
		if x.k == kString && !x.exact {
			lhs = x.order
			if lhs == "" {
				lhs = t.orderForm(x.sql)
			}
			p = orderFold(c.Value.(string))
		}
		return "(" + x.sql + " IS NOT NULL AND " + lhs + op + t.arg(p) + ")", nil
	}
	return "", unsupported("operator %q", c.Op)
}

func boolSQL(b bool) string {
	if b {
		return sqlTrue
	}
	return sqlFalse
}

// orderForm is the SQL of orderFold applied to a folded value.
func (t *translator) orderForm(x string) string {
	return "REPLACE(REPLACE(" + x + ", '\u0130', 'i'), '\u0131', 'i')"
}

// param returns c.Value as stored values of x's kind are compared with it.
// ok is false when the value is of another type (filter.Match then answers
// only ne); err wraps ErrUnsupported for values SQL cannot compare the way
// filter.Match does.
func (t *translator) param(x operand, c *filter.Compare) (v any, ok bool, err error) {
	switch x.k {
	case kString, kDateTime:
		s, ok := c.Value.(string)
		if !ok {
			return nil, false, nil
		}
		if !cleanString(s) {
			return nil, false, unsupported("string value with NUL or invalid UTF-8")
		}
		if x.k == kDateTime {
			if c.Op == filter.Co || c.Op == filter.Sw || c.Op == filter.Ew {
				return nil, false, unsupported("%s on a dateTime", c.Op)
			}
			n, ok := normTime(s)
			if !ok {
				return nil, false, unsupported("dateTime value %q", s)
			}
			return n, true, nil
		}
		if !x.exact {
			s = fold(s)
		}
		return s, true, nil
	case kBool:
		b, ok := c.Value.(bool)
		if !ok {
			return nil, false, nil
		}
		if t.s.d == Postgres {
			return b, true, nil
		}
		if b {
			return 1, true, nil
		}
		return 0, true, nil
	case kInt, kDecimal:
		switch n := c.Value.(type) {
		case int64:
			if t.s.d == MySQL && x.k == kDecimal && (n > 1<<53 || n < -(1<<53)) {
				return nil, false, unsupported("integer beyond 2^53 against a decimal on MySQL")
			}
			return n, true, nil
		case float64:
			if math.IsNaN(n) || math.IsInf(n, 0) {
				return nil, false, unsupported("non-finite number")
			}
			if t.s.d == MySQL && x.k == kInt {
				if n != math.Trunc(n) || n > 1<<53 || n < -(1<<53) {
					return nil, false, unsupported("non-integral number against an integer on MySQL")
				}
				return int64(n), true, nil
			}
			return n, true, nil
		}
		return nil, false, nil
	}
	return nil, false, nil
}

// match is co, sw or ew on a string. SQLite's LIKE ignores ASCII case and
// its LIKE and GLOB patterns are limited to 50000 bytes, so SQLite uses
// instr and substr (on valid UTF-8 without NUL, character and byte
// prefixes agree). PostgreSQL and MySQL use LIKE with '!' as the escape
// character.
func (t *translator) match(x operand, op filter.Op, v string) string {
	if v == "" { // every string contains, starts and ends with ""
		return "(" + x.sql + " IS NOT NULL)"
	}
	if t.s.d == SQLite {
		var cond string
		switch op {
		case filter.Co:
			cond = "instr(" + x.sql + ", " + t.arg(v) + ") > 0"
		case filter.Sw:
			cond = "substr(" + x.sql + ", 1, length(" + t.arg(v) + ")) = " + t.arg(v)
		case filter.Ew:
			cond = "substr(" + x.sql + ", -length(" + t.arg(v) + ")) = " + t.arg(v)
		}
		return "(" + x.sql + " IS NOT NULL AND " + cond + ")"
	}
	e := likeEscape(v)
	var pat string
	switch op {
	case filter.Co:
		pat = "%" + e + "%"
	case filter.Sw:
		pat = e + "%"
	case filter.Ew:
		pat = "%" + e
	}
	return "(" + x.sql + " IS NOT NULL AND " + x.sql + " LIKE " + t.arg(pat) + " ESCAPE '!')"
}

// likeEscape escapes the LIKE wildcards and the escape character '!'.
func likeEscape(s string) string {
	return strings.NewReplacer("!", "!!", "%", "!%", "_", "!_").Replace(s)
}

// singular returns the operand of a singular attribute (or a sub-attribute
// of a singular complex one).
func (t *translator) singular(ref schema.AttrRef) (operand, error) {
	a, def := ref.Attr, ref.Def()
	k, ok := kindOf(def)
	if !ok {
		return operand{}, unsupported("type %q of %s", def.Type, ref)
	}
	x := operand{k: k, exact: def.CaseExact}
	if ref.URN == "" {
		col := ""
		switch a.Name {
		case "id":
			if !def.CaseExact {
				return x, unsupported("id that is not caseExact")
			}
			col, x.notNull = "u.id", true
		case "userName":
			col, x.order, x.notNull = "u.user_name_norm", "u.user_name_sort", true
			if def.CaseExact {
				col = "u.user_name"
			}
		case "externalId":
			if def.CaseExact {
				col = "u.external_id"
			}
		case "active":
			if k == kBool {
				col = "u.active"
			}
		case "meta":
			if ref.Sub == nil {
				x.sql = t.json("u.sdoc", []string{"meta"}, kComplex)
				x.missing = true // only through its sub-attributes
				return x, nil
			}
			switch ref.Sub.Name {
			case "created":
				col, x.notNull = "u.created", true
			case "lastModified":
				col, x.notNull = "u.last_modified", true
			case "version":
				col, x.notNull = t.versionText(), true
			default: // resourceType, location: not stored
				x.missing = true
				return x, nil
			}
		}
		if col != "" {
			x.sql = col
			return x, nil
		}
	}
	var path []string
	if ref.URN != "" {
		path = append(path, ref.URN)
	}
	path = append(path, a.Name)
	if ref.Sub != nil {
		path = append(path, ref.Sub.Name)
	}
	x.sql = t.json("u.sdoc", path, k)
	return x, nil
}

func (t *translator) versionText() string {
	switch t.s.d {
	case Postgres:
		return `(u.version::text COLLATE "C")`
	case MySQL:
		return "CAST(CAST(u.version AS CHAR) AS BINARY)"
	}
	return "CAST(u.version AS TEXT)"
}

// element returns the operand of sub-attribute sub (nil for a simple
// multi-valued attribute: the value itself) in the row alias c of
// <prefix>user_values.
func (t *translator) element(a, sub *schema.Attribute) (operand, error) {
	def, name := a, "value"
	if sub != nil {
		def, name = sub, sub.Name
	}
	k, ok := kindOf(def)
	if !ok || k == kComplex {
		return operand{}, unsupported("type %q of %s", def.Type, name)
	}
	x := operand{k: k, exact: def.CaseExact}
	switch {
	case k.textual() && (name == "value" || name == "display" || name == "type"):
		x.sql = "c." + name
	case k == kBool && name == "primary" && sub != nil:
		x.sql = "c.is_primary"
	default:
		x.sql = t.json("c.sdoc", []string{name}, k)
	}
	return x, nil
}

// json returns the SQL that extracts the value at path from a JSON column,
// as a value of kind k. The path's names passed safeKey.
func (t *translator) json(col string, path []string, k kind) string {
	switch t.s.d {
	case Postgres:
		p := `'{"` + strings.Join(path, `","`) + `"}'`
		switch k {
		case kString, kDateTime:
			return "(" + col + " #>> " + p + `) COLLATE "C"`
		case kBool:
			return "(" + col + " #> " + p + ")::boolean"
		case kInt, kDecimal:
			return "(" + col + " #>> " + p + ")::numeric"
		}
		return "(" + col + " #> " + p + ")"
	case MySQL:
		p := `'$."` + strings.Join(path, `"."`) + `"'`
		ext := "JSON_EXTRACT(" + col + ", " + p + ")"
		text := "JSON_UNQUOTE(" + ext + ")"
		switch k {
		case kString, kDateTime:
			return "CAST(" + text + " AS BINARY)"
		case kBool:
			return "(CASE " + text + " WHEN 'true' THEN 1 WHEN 'false' THEN 0 END)"
		case kInt:
			return "CAST(" + text + " AS SIGNED)"
		case kDecimal:
			return "CAST(" + text + " AS DOUBLE)"
		}
		return ext
	}
	return "json_extract(" + col + `, '$."` + strings.Join(path, `"."`) + `"')`
}

// some is true when some row (alias c) of multi-valued attribute ref in
// <prefix>user_values meets cond ("" for any row). It is an uncorrelated
// IN, which every database evaluates once per query rather than once per
// user. user_id is never NULL, so NOT some(...) is two-valued.
func (t *translator) some(ref schema.AttrRef, cond string) string {
	q := "(u.id IN (SELECT c.user_id FROM " + t.s.q.values + " c WHERE c.attr = '" + attrKey(ref) + "'"
	if cond != "" {
		q += " AND " + cond
	}
	return q + "))"
}

// multiCompare is c on a multi-valued attribute: true when some value
// matches, as filter.Match has it (ne is also true without values).
func (t *translator) multiCompare(ref schema.AttrRef, c *filter.Compare) (string, error) {
	a := ref.Attr
	if a.Type == schema.Complex && ref.Sub == nil {
		p, err := t.complexPresent(a, func(sub *schema.Attribute) (operand, error) { return t.element(a, sub) })
		if err != nil {
			return "", err
		}
		return presenceOrConst(c, t.some(ref, p)), nil
	}
	x, err := t.element(a, ref.Sub)
	if err != nil {
		return "", err
	}
	if c.Op == filter.Pr || c.Value == nil {
		return presence(c.Op, t.some(ref, present(x))), nil
	}
	if c.Op == filter.Ne {
		none := "(NOT " + t.some(ref, "") + ")"
		cond, err := t.atom(x, c)
		if err != nil {
			return "", err
		}
		return "(" + none + " OR " + t.some(ref, cond) + ")", nil
	}
	cond, err := t.atom(x, c)
	if err != nil {
		return "", err
	}
	return t.some(ref, cond), nil
}

// valuePath is attr[filter]: some value of a multi-valued complex
// attribute (or the value of a singular one) matches the filter.
func (t *translator) valuePath(v *filter.ValuePath) (string, error) {
	ref, err := t.resolve(v.Attr)
	if err != nil {
		return "", err
	}
	a := ref.Attr
	if a.Type != schema.Complex || ref.Sub != nil {
		return "", unsupported("value path on %s", ref)
	}
	if !a.MultiValued {
		cond, err := t.elementExpr(v.Filter, a, func(sub *schema.Attribute) (operand, error) {
			return t.singular(schema.AttrRef{URN: ref.URN, Attr: a, Sub: sub})
		})
		if err != nil {
			return "", err
		}
		obj := t.json("u.sdoc", append(urnPath(ref.URN), a.Name), kComplex)
		return "(" + obj + " IS NOT NULL AND " + cond + ")", nil
	}
	cond, err := t.elementExpr(v.Filter, a, func(sub *schema.Attribute) (operand, error) { return t.element(a, sub) })
	if err != nil {
		return "", err
	}
	return t.some(ref, cond), nil
}

func urnPath(urn string) []string {
	if urn == "" {
		return nil
	}
	return []string{urn}
}

// elementExpr translates the filter of a value path, whose comparisons
// name sub-attributes of a, with operands from sub.
func (t *translator) elementExpr(e filter.Expr, a *schema.Attribute, sub func(*schema.Attribute) (operand, error)) (string, error) {
	switch e := e.(type) {
	case *filter.And, *filter.Or:
		var l, r filter.Expr
		op := " AND "
		if x, ok := e.(*filter.And); ok {
			l, r = x.Left, x.Right
		} else {
			x := e.(*filter.Or)
			l, r, op = x.Left, x.Right, " OR "
		}
		ls, err := t.elementExpr(l, a, sub)
		if err != nil {
			return "", err
		}
		rs, err := t.elementExpr(r, a, sub)
		if err != nil {
			return "", err
		}
		return "(" + ls + op + rs + ")", nil
	case *filter.Not:
		x, err := t.elementExpr(e.X, a, sub)
		if err != nil {
			return "", err
		}
		return "(NOT " + x + ")", nil
	case *filter.Compare:
		if e.Attr.Sub == nil {
			return sqlFalse, nil
		}
		s := a.SubAttribute(e.Attr.Sub.Name)
		if s == nil || s.Name != e.Attr.Sub.Name || !safeKey(s.Name) || s.MultiValued {
			return "", unsupported("sub-attribute %s", e.Attr)
		}
		x, err := sub(s)
		if err != nil {
			return "", err
		}
		return t.atom(x, e)
	}
	return "", unsupported("%T inside a value path", e)
}

// orderBy returns the ORDER BY list for sortBy (filter.Cmp's order, users
// without a value last) with creation order breaking ties.
func (t *translator) orderBy(by schema.AttrRef, desc bool) (string, error) {
	if by.Attr == nil {
		return "u.seq", nil
	}
	ref, err := t.resolve(by)
	if err != nil {
		return "", err
	}
	key, notNull, err := t.sortKey(ref)
	if err != nil {
		return "", err
	}
	dir := " ASC"
	if desc {
		dir = " DESC"
	}
	if notNull { // an indexed column can give the order
		return key + dir + ", u.seq", nil
	}
	k2, _, err := t.sortKey(ref) // again: its parameters, if any, are bound twice
	if err != nil {
		return "", err
	}
	return "CASE WHEN " + key + " IS NULL THEN 1 ELSE 0 END, " + k2 + dir + ", u.seq", nil
}

// sortKey returns the SQL of the value a user sorts by (filter.Cmp's
// sortKey), NULL when it has none; notNull when it is never NULL.
func (t *translator) sortKey(ref schema.AttrRef) (key string, notNull bool, err error) {
	a := ref.Attr
	sub := ref.Sub
	if sub == nil && a.Type == schema.Complex {
		sub = a.SubAttribute("value")
	}
	var x operand
	if a.MultiValued && a.Type == schema.Complex && sub == nil {
		// No "value": users sort by whether their picked value has any
		// sub-attribute, as filter.Cmp finds complex values equal.
		p, err := t.complexPresent(a, func(s *schema.Attribute) (operand, error) { return t.element(a, s) })
		if err != nil {
			return "", false, err
		}
		return t.pickFirst(ref, "CASE WHEN "+p+" THEN 0 END"), false, nil
	}
	if a.MultiValued {
		x, err = t.element(a, sub)
	} else if a.Type == schema.Complex && sub == nil {
		p, err := t.complexPresent(a, func(s *schema.Attribute) (operand, error) {
			return t.singular(schema.AttrRef{URN: ref.URN, Attr: a, Sub: s})
		})
		if err != nil {
			return "", false, err
		}
		return "(CASE WHEN " + p + " THEN 0 END)", false, nil
	} else {
		x, err = t.singular(schema.AttrRef{URN: ref.URN, Attr: a, Sub: sub})
	}
	if err != nil {
		return "", false, err
	}
	if x.missing {
		return "(CASE WHEN 1=0 THEN 0 END)", false, nil
	}
	key = x.sql
	switch {
	case x.notNull && x.k == kString && !x.exact && x.order != "":
		return x.order, true, nil
	case x.notNull && (x.exact || x.k != kString):
		return key, true, nil
	case x.k.textual():
		key = "NULLIF(" + key + ", '')"
		if x.k == kString && !x.exact {
			key = t.orderForm(key)
		}
	}
	if !a.MultiValued {
		return key, false, nil
	}
	return t.pickFirst(ref, key), false, nil
}

// pickFirst returns expr evaluated on the value filter.Cmp sorts a user
// by: the first value marked primary, else the first value.
func (t *translator) pickFirst(ref schema.AttrRef, expr string) string {
	return "(SELECT " + expr + " FROM " + t.s.q.values + " c WHERE c.user_id = u.id AND c.attr = '" + attrKey(ref) +
		"' ORDER BY CASE WHEN c.is_primary THEN 0 ELSE 1 END, c.pos LIMIT 1)"
}
