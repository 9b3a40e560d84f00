package sqlstore

import "strconv"

// queries holds the fixed statements of a store, built once.
type queries struct {
	d      Dialect
	users  string // table names
	values string

	insertUser       string
	insertValuesHead string
	getUser          string
	updateUser       string
	updateUserIf     string
	createdVersion   string
	versionOf        string
	deleteUser       string
	deleteUserIf     string
	deleteValues     string

	// returning: updateUser and updateUserIf end with RETURNING
	// created, version (SQLite 3.35, PostgreSQL). MySQL has no RETURNING
	// and MariaDB has it for INSERT and DELETE only: there the UPDATE is
	// followed by createdVersion.
	returning bool
}

// userColumns are the columns scanUser reads, from alias u.
const userColumns = "u.id, u.created, u.last_modified, u.version, u.doc"

func newQueries(d Dialect, prefix string) queries {
	q := queries{d: d, users: prefix + "users", values: prefix + "user_values"}
	q.insertUser = "INSERT INTO " + q.users +
		" (id, user_name, user_name_norm, user_name_sort, external_id, active, created, last_modified, version, doc, sdoc) VALUES (" +
		q.phs(1, 10) + ", " + q.jsonPH(11) + ")"
	q.insertValuesHead = "INSERT INTO " + q.values +
		" (user_id, attr, pos, value, display, type, is_primary, sdoc) VALUES "
	q.getUser = "SELECT " + userColumns + " FROM " + q.users + " u WHERE u.id = " + q.ph(1)
	set := " SET user_name = " + q.ph(1) + ", user_name_norm = " + q.ph(2) + ", user_name_sort = " + q.ph(3) +
		", external_id = " + q.ph(4) + ", active = " + q.ph(5) + ", last_modified = " + q.ph(6) +
		", version = version + 1, doc = " + q.ph(7) + ", sdoc = " + q.jsonPH(8)
	q.returning = d != MySQL
	ret := ""
	if q.returning {
		ret = " RETURNING created, version"
	}
	q.updateUser = "UPDATE " + q.users + set + " WHERE id = " + q.ph(9) + ret
	q.updateUserIf = "UPDATE " + q.users + set + " WHERE id = " + q.ph(9) + " AND version = " + q.ph(10) + ret
	q.createdVersion = "SELECT created, version FROM " + q.users + " WHERE id = " + q.ph(1)
	q.versionOf = "SELECT version FROM " + q.users + " WHERE id = " + q.ph(1)
	q.deleteUser = "DELETE FROM " + q.users + " WHERE id = " + q.ph(1)
	q.deleteUserIf = q.deleteUser + " AND version = " + q.ph(2)
	q.deleteValues = "DELETE FROM " + q.values + " WHERE user_id = " + q.ph(1)
	return q
}

// ph returns the n-th (1-based) parameter placeholder.
func (q queries) ph(n int) string {
	if q.d == Postgres {
		return "$" + strconv.Itoa(n)
	}
	return "?"
}

// jsonPH is the placeholder of a search document: SQLite stores it as
// JSONB, which json_extract reads without parsing text.
func (q queries) jsonPH(n int) string {
	if q.d == SQLite {
		return "jsonb(" + q.ph(n) + ")"
	}
	return q.ph(n)
}

// phs returns placeholders from to to, comma-separated.
func (q queries) phs(from, to int) string {
	s := ""
	for i := from; i <= to; i++ {
		if i > from {
			s += ", "
		}
		s += q.ph(i)
	}
	return s
}
