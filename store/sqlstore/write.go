package sqlstore

import (
	"bytes"
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/go-sql-driver/mysql"
	"github.com/jackc/pgx/v5/pgconn"
	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"

	"github.com/scimstack/scimstack/schema"
	"github.com/scimstack/scimstack/store"
)

// Limits of the indexed columns. Longer values are refused with an
// "invalidValue" *schema.Error rather than failing inside the database.
const (
	MaxUserNameBytes   = 1024
	MaxExternalIDBytes = 1024
	maxIDBytes         = 64
	maxAttrKeyBytes    = 255
	valuesPerInsert    = 200
)

// userRow is a user as written to the tables.
type userRow struct {
	m          map[string]any // generic form without id and meta
	userName   string
	norm       string // fold(userName): unique
	sort       string // orderFold(userName): sort key
	externalID sql.NullString
	active     sql.NullBool
	doc        string
	sdoc       string
	values     []valueRow
}

// valueRow is one value of a multi-valued attribute in <prefix>user_values.
type valueRow struct {
	attr    string
	pos     int
	value   sql.NullString
	display sql.NullString
	typ     sql.NullString
	primary sql.NullBool
	sdoc    string
}

func invalidValue(format string, args ...any) error {
	return fmt.Errorf("sqlstore: %w", schema.Errorf("invalidValue", format, args...))
}

// buildRow turns u into what the tables hold.
func (s *Store) buildRow(u *store.User) (*userRow, error) {
	if u == nil {
		return nil, errors.New("sqlstore: nil user")
	}
	m := u.Map()
	delete(m, "id")
	delete(m, "meta")
	if _, ok := checkStrings(m); !ok {
		return nil, invalidValue("strings must be valid UTF-8 without NUL characters")
	}
	r := &userRow{m: m, userName: u.UserName, norm: fold(u.UserName), sort: orderFold(u.UserName)}
	if u.UserName == "" {
		return nil, invalidValue("userName is required")
	}
	if len(u.UserName) > MaxUserNameBytes || len(r.norm) > MaxUserNameBytes {
		return nil, invalidValue("userName is longer than %d bytes", MaxUserNameBytes)
	}
	if u.ExternalID != "" {
		if len(u.ExternalID) > MaxExternalIDBytes {
			return nil, invalidValue("externalId is longer than %d bytes", MaxExternalIDBytes)
		}
		r.externalID = sql.NullString{String: u.ExternalID, Valid: true}
	}
	if u.Active != nil {
		r.active = sql.NullBool{Bool: *u.Active, Valid: true}
	}

	sdoc := make(map[string]any, len(m))
	for key, v := range m {
		if ext := s.rt.Extension(key); ext != nil {
			em, ok := v.(map[string]any)
			if !ok || ext.ID != key || !safeKey(key) {
				continue
			}
			sm := make(map[string]any, len(em))
			for name, ev := range em {
				a := ext.Attribute(name)
				if a == nil || a.Name != name || !safeKey(name) || a.Returned == schema.Never {
					continue
				}
				if a.MultiValued {
					r.addValues(key+":"+name, a, ev)
				} else if sv, ok := searchValue(a, ev); ok {
					sm[name] = sv
				}
			}
			if len(sm) > 0 {
				sdoc[key] = sm
			}
			continue
		}
		ref, err := s.rt.Lookup("", key, "")
		if err != nil || ref.Attr == nil || ref.Attr.Name != key || !safeKey(key) || ref.Attr.Returned == schema.Never {
			continue
		}
		if ref.Attr.MultiValued {
			r.addValues(key, ref.Attr, v)
		} else if sv, ok := searchValue(ref.Attr, v); ok {
			sdoc[key] = sv
		}
	}
	var err error
	if r.doc, err = marshal(m); err != nil {
		return nil, fmt.Errorf("sqlstore: encode user: %w", err)
	}
	if r.sdoc, err = marshal(sdoc); err != nil {
		return nil, fmt.Errorf("sqlstore: encode user: %w", err)
	}
	return r, nil
}

// addValues adds the rows of multi-valued attribute a, stored under key.
func (r *userRow) addValues(key string, a *schema.Attribute, v any) {
	list, ok := v.([]any)
	if !ok || len(key) > maxAttrKeyBytes {
		return
	}
	for pos, e := range list {
		sv, ok := searchValue(a, e)
		if !ok {
			continue
		}
		vr := valueRow{attr: key, pos: pos}
		sm, complex := sv.(map[string]any)
		if !complex {
			sm = map[string]any{"value": sv}
		}
		str := func(name string) sql.NullString {
			s, ok := sm[name].(string)
			return sql.NullString{String: s, Valid: ok}
		}
		vr.value = str("value")
		vr.display = str("display")
		vr.typ = str("type")
		if b, ok := sm["primary"].(bool); ok && complex {
			vr.primary = sql.NullBool{Bool: b, Valid: true}
		}
		doc, err := marshal(sm)
		if err != nil {
			continue
		}
		vr.sdoc = doc
		r.values = append(r.values, vr)
	}
}

func marshal(v any) (string, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return "", err
	}
	return strings.TrimSuffix(buf.String(), "\n"), nil
}

// newID returns a random UUID (version 4).
func newID() string {
	var b [16]byte
	rand.Read(b[:])
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	h := hex.EncodeToString(b[:])
	return h[0:8] + "-" + h[8:12] + "-" + h[12:16] + "-" + h[16:20] + "-" + h[20:]
}

// now returns the current time as stored: UTC, microseconds.
func now() time.Time { return time.Now().UTC().Truncate(time.Microsecond) }

// validID reports whether id could be a stored id; others are not looked
// up (and are not found).
func validID(id string) bool {
	return id != "" && len(id) <= maxIDBytes && cleanString(id)
}

// Create stores a new user (store.UserStore). It returns ErrConflict when
// the userName is taken (compared after case folding, by a unique index)
// and an error wrapping an "invalidValue" *schema.Error when the user
// cannot be stored: no userName, userName or externalId over their limits
// ([MaxUserNameBytes], [MaxExternalIDBytes]), or a string that is not
// valid UTF-8 or holds a NUL character.
func (s *Store) Create(ctx context.Context, u *store.User) (*store.User, error) {
	r, err := s.buildRow(u)
	if err != nil {
		return nil, err
	}
	id := newID()
	t := now()
	ts := formatTime(t)
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return nil, fmt.Errorf("sqlstore: create: %w", err)
	}
	defer tx.Rollback()
	if _, err := s.exec(ctx, tx, s.q.insertUser,
		id, r.userName, r.norm, r.sort, r.externalID, r.active, ts, ts, int64(1), r.doc, r.sdoc); err != nil {
		return nil, s.writeErr("create", err)
	}
	if err := s.insertValues(ctx, tx, id, r.values); err != nil {
		return nil, err
	}
	if err := tx.Commit(); err != nil {
		return nil, s.writeErr("create", err)
	}
	return stored(r, id, t, t, 1)
}

// stored returns the user as Get would read it back.
func stored(r *userRow, id string, created, modified time.Time, version int64) (*store.User, error) {
	u, err := store.UserFromMap(r.m)
	if err != nil {
		return nil, fmt.Errorf("sqlstore: %w", err)
	}
	u.ID = id
	u.Meta = store.Meta{Created: created, LastModified: modified, Version: strconv.FormatInt(version, 10)}
	return u, nil
}

func (s *Store) insertValues(ctx context.Context, tx *sql.Tx, id string, values []valueRow) error {
	for len(values) > 0 {
		n := min(len(values), valuesPerInsert)
		var b strings.Builder
		b.WriteString(s.q.insertValuesHead)
		args := make([]any, 0, n*8)
		for i, v := range values[:n] {
			if i > 0 {
				b.WriteString(", ")
			}
			b.WriteByte('(')
			for j := range 8 {
				if j > 0 {
					b.WriteString(", ")
				}
				if j == 7 {
					b.WriteString(s.q.jsonPH(len(args) + j + 1))
				} else {
					b.WriteString(s.q.ph(len(args) + j + 1))
				}
			}
			b.WriteByte(')')
			args = append(args, id, v.attr, v.pos, v.value, v.display, v.typ, v.primary, v.sdoc)
		}
		if _, err := s.exec(ctx, tx, b.String(), args...); err != nil {
			return s.writeErr("write values", err)
		}
		values = values[n:]
	}
	return nil
}

// Get returns the user with the id, or ErrNotFound (store.UserStore).
func (s *Store) Get(ctx context.Context, id string) (*store.User, error) {
	if !validID(id) {
		return nil, fmt.Errorf("sqlstore: get: %w", store.ErrNotFound)
	}
	row := s.queryRow(ctx, nil, s.q.getUser, id)
	u, err := s.scanUser(row, nil)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, fmt.Errorf("sqlstore: get: %w", store.ErrNotFound)
	}
	if err != nil {
		return nil, fmt.Errorf("sqlstore: get: %w", err)
	}
	return u, nil
}

// Replace replaces the user with u.ID (store.UserStore). The version check
// and the write are one conditional UPDATE. It returns ErrNotFound,
// ErrVersionMismatch, ErrConflict, or the "invalidValue" errors of
// [Store.Create].
func (s *Store) Replace(ctx context.Context, u *store.User, ifVersion string) (*store.User, error) {
	r, err := s.buildRow(u)
	if err != nil {
		return nil, err
	}
	if !validID(u.ID) {
		return nil, fmt.Errorf("sqlstore: replace: %w", store.ErrNotFound)
	}
	t := now()
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return nil, fmt.Errorf("sqlstore: replace: %w", err)
	}
	defer tx.Rollback()
	args := []any{r.userName, r.norm, r.sort, r.externalID, r.active, formatTime(t), r.doc, r.sdoc, u.ID}
	stmt := s.q.updateUser
	if ifVersion != "" {
		v, err := strconv.ParseInt(ifVersion, 10, 64)
		if err != nil {
			return nil, s.missing(ctx, tx, "replace", u.ID)
		}
		stmt = s.q.updateUserIf
		args = append(args, v)
	}
	var created string
	var version int64
	if s.q.returning {
		// One statement updates and reads back created and version.
		err := s.queryRow(ctx, tx, stmt, args...).Scan(&created, &version)
		switch {
		case errors.Is(err, sql.ErrNoRows):
			return nil, s.missing(ctx, tx, "replace", u.ID)
		case err != nil:
			return nil, s.writeErr("replace", err)
		}
	} else {
		res, err := s.exec(ctx, tx, stmt, args...)
		if err != nil {
			return nil, s.writeErr("replace", err)
		}
		if n, err := res.RowsAffected(); err != nil {
			return nil, fmt.Errorf("sqlstore: replace: %w", err)
		} else if n == 0 {
			return nil, s.missing(ctx, tx, "replace", u.ID)
		}
		if err := s.queryRow(ctx, tx, s.q.createdVersion, u.ID).Scan(&created, &version); err != nil {
			return nil, fmt.Errorf("sqlstore: replace: %w", err)
		}
	}
	if _, err := s.exec(ctx, tx, s.q.deleteValues, u.ID); err != nil {
		return nil, fmt.Errorf("sqlstore: replace: %w", err)
	}
	if err := s.insertValues(ctx, tx, u.ID, r.values); err != nil {
		return nil, err
	}
	if err := tx.Commit(); err != nil {
		return nil, s.writeErr("replace", err)
	}
	ct, err := time.Parse(timeLayout, created)
	if err != nil {
		return nil, fmt.Errorf("sqlstore: replace: bad created time %q", created)
	}
	return stored(r, u.ID, ct, t, version)
}

// missing explains why a conditional write touched no row: the user is
// gone (ErrNotFound) or has another version (ErrVersionMismatch).
func (s *Store) missing(ctx context.Context, tx *sql.Tx, op, id string) error {
	var v int64
	err := s.queryRow(ctx, tx, s.q.versionOf, id).Scan(&v)
	switch {
	case errors.Is(err, sql.ErrNoRows):
		return fmt.Errorf("sqlstore: %s: %w", op, store.ErrNotFound)
	case err != nil:
		return fmt.Errorf("sqlstore: %s: %w", op, err)
	}
	return fmt.Errorf("sqlstore: %s: %w", op, store.ErrVersionMismatch)
}

// Delete removes the user with the id (store.UserStore), and its rows in
// <prefix>user_values. It returns ErrNotFound or ErrVersionMismatch.
func (s *Store) Delete(ctx context.Context, id, ifVersion string) error {
	if !validID(id) {
		return fmt.Errorf("sqlstore: delete: %w", store.ErrNotFound)
	}
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("sqlstore: delete: %w", err)
	}
	defer tx.Rollback()
	// Children first: this also works where foreign keys are off.
	if _, err := s.exec(ctx, tx, s.q.deleteValues, id); err != nil {
		return fmt.Errorf("sqlstore: delete: %w", err)
	}
	stmt, args := s.q.deleteUser, []any{id}
	if ifVersion != "" {
		v, err := strconv.ParseInt(ifVersion, 10, 64)
		if err != nil {
			return s.missing(ctx, tx, "delete", id)
		}
		stmt, args = s.q.deleteUserIf, append(args, v)
	}
	res, err := s.exec(ctx, tx, stmt, args...)
	if err != nil {
		return fmt.Errorf("sqlstore: delete: %w", err)
	}
	if n, err := res.RowsAffected(); err != nil {
		return fmt.Errorf("sqlstore: delete: %w", err)
	} else if n == 0 {
		return s.missing(ctx, tx, "delete", id)
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("sqlstore: delete: %w", err)
	}
	return nil
}

// writeErr wraps a database error of a write, as ErrConflict when it is a
// unique violation (the only unique index besides the id is on the folded
// userName).
func (s *Store) writeErr(op string, err error) error {
	if uniqueViolation(err) {
		return fmt.Errorf("sqlstore: %s: %w", op, store.ErrConflict)
	}
	return fmt.Errorf("sqlstore: %s: %w", op, err)
}

func uniqueViolation(err error) bool {
	var se *sqlite.Error
	if errors.As(err, &se) {
		return se.Code() == sqlite3.SQLITE_CONSTRAINT_UNIQUE || se.Code() == sqlite3.SQLITE_CONSTRAINT_PRIMARYKEY
	}
	var pe *pgconn.PgError
	if errors.As(err, &pe) {
		return pe.Code == "23505"
	}
	var me *mysql.MySQLError
	if errors.As(err, &me) {
		return me.Number == 1062
	}
	return false
}

type rowScanner interface{ Scan(dest ...any) error }

// scanUser reads the columns of userColumns, followed by a count into
// total when it is not nil.
func (s *Store) scanUser(row rowScanner, total *int) (*store.User, error) {
	var id, created, modified string
	var version int64
	var doc string
	var err error
	if total != nil {
		err = row.Scan(&id, &created, &modified, &version, &doc, total)
	} else {
		err = row.Scan(&id, &created, &modified, &version, &doc)
	}
	if err != nil {
		return nil, err
	}
	m, err := s.decodeDoc(doc)
	if err != nil {
		return nil, err
	}
	u, err := store.UserFromMap(m)
	if err != nil {
		return nil, err
	}
	u.ID = id
	u.Meta.Version = strconv.FormatInt(version, 10)
	if u.Meta.Created, err = time.Parse(timeLayout, created); err != nil {
		return nil, fmt.Errorf("bad created time %q", created)
	}
	if u.Meta.LastModified, err = time.Parse(timeLayout, modified); err != nil {
		return nil, fmt.Errorf("bad lastModified time %q", modified)
	}
	return u, nil
}
