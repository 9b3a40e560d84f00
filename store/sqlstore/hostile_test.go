package sqlstore

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/scimstack/scimstack/filter"
	"github.com/scimstack/scimstack/schema"
	"github.com/scimstack/scimstack/store"
	"github.com/scimstack/scimstack/store/storetest"
)

// hostile are strings that have broken SQL stores: injections, quotes,
// escapes, wildcards, odd Unicode.
var hostile = []string{
	`' OR '1'='1`, `' OR 1=1 --`, `"; DROP TABLE users; --`, `'); DELETE FROM users; --`,
	`\' OR \'1\'=\'1`, `\\`, `\`, `%`, `_`, `%_%`, `!`, `*`, `?`, `[`, `]`, `[!a]`, `$1`, `?1`, `:name`, `@p1`,
	"\u202Eevil\u202C", "zero\u200Bwidth", "e\u0301\u0301\u0301", "\uFEFFbom", "\U0001F469\u200D\U0001F469\u200D\U0001F467",
	"\uFFFD", "\u0130\u0131", "tab\tnew\nline\rcr", `{"json":true}`, `$."a"`, `'{a,b}'`, "-- comment", "/* c */",
	"0x00", "%00", "\x7f", strings.Repeat("é", 2000),
}

func TestHostileInput(t *testing.T) {
	forEachBackend(t, func(t *testing.T, b backend) {
		s := b.open(t, nil)
		ctx := context.Background()
		rt := storetest.ResourceType()

		// Hostile strings as data: stored and read back exactly.
		var created []*store.User
		for i, h := range hostile {
			name := h
			if len(name) > 900 {
				name = name[:900]
			}
			u := &store.User{
				UserName:    name + "#" + string(rune('a'+i%26)) + strings.Repeat("x", i),
				ExternalID:  name,
				DisplayName: h,
				Emails:      []store.MultiValue{{Value: h, Type: h}},
				Extensions:  map[string]map[string]any{storetest.AcmeURN: {"badge": h}},
				Enterprise:  &store.EnterpriseUser{Department: h},
			}
			got, err := s.Create(ctx, u)
			require.NoError(t, err, "create with %q", h)
			back, err := s.Get(ctx, got.ID)
			require.NoError(t, err)
			assert.Equal(t, u.UserName, back.UserName)
			assert.Equal(t, h, back.DisplayName)
			assert.Equal(t, h, back.Emails[0].Value)
			assert.Equal(t, h, back.Extensions[storetest.AcmeURN]["badge"])
			created = append(created, back)
		}
		big := strings.Repeat("long value ", 20_000) // 220 kB
		u, err := s.Create(ctx, &store.User{UserName: "big", DisplayName: big, Emails: []store.MultiValue{{Value: big}}})
		require.NoError(t, err)
		back, err := s.Get(ctx, u.ID)
		require.NoError(t, err)
		assert.Equal(t, big, back.DisplayName)
		created = append(created, back)

		// Values no dialect can store: clean "invalidValue" errors.
		for name, bad := range map[string]*store.User{
			"NUL in userName":         {UserName: "a\x00b"},
			"NUL in displayName":      {UserName: "nul", DisplayName: "\x00"},
			"NUL in extension":        {UserName: "nul2", Extensions: map[string]map[string]any{storetest.AcmeURN: {"badge": "x\x00"}}},
			"invalid UTF-8":           {UserName: "bad\xff"},
			"invalid UTF-8 in email":  {UserName: "bad2", Emails: []store.MultiValue{{Value: "\xc3\x28"}}},
			"userName over the limit": {UserName: strings.Repeat("u", MaxUserNameBytes+1)},
			"externalId over limit":   {UserName: "ext", ExternalID: strings.Repeat("e", MaxExternalIDBytes+1)},
			"no userName":             {DisplayName: "nobody"},
		} {
			_, err := s.Create(ctx, bad)
			var se *schema.Error
			if assert.ErrorAs(t, err, &se, name) {
				assert.Equal(t, "invalidValue", se.ScimType, name)
			}
		}

		// Hostile ids: not found, never an SQL error.
		for _, h := range append(hostile, "\x00", "\xff", strings.Repeat("i", 10_000), "") {
			_, err := s.Get(ctx, h)
			assert.ErrorIs(t, err, store.ErrNotFound, "get %q", h)
			err = s.Delete(ctx, h, "")
			assert.ErrorIs(t, err, store.ErrNotFound, "delete %q", h)
			_, err = s.Replace(ctx, &store.User{ID: h, UserName: "r"}, "")
			assert.ErrorIs(t, err, store.ErrNotFound, "replace %q", h)
			_, err = s.Replace(ctx, &store.User{ID: created[0].ID, UserName: created[0].UserName}, h)
			if h != "" {
				assert.ErrorIs(t, err, store.ErrVersionMismatch, "ifVersion %q", h)
			}
		}
		created[0], err = s.Get(ctx, created[0].ID)
		require.NoError(t, err)

		// Hostile filter values: a result equal to filter.Match, or a clean
		// error (errors.ErrUnsupported for NUL, which SQL cannot compare).
		values := append(hostile, "\x00", "a\x00b", strings.Repeat("%", 10_000), strings.Repeat("é", 5_000))
		paths := []string{"userName", "displayName", "externalId", "emails.value", "emails.type",
			schema.EnterpriseUserURN + ":department", storetest.AcmeURN + ":badge", "id", "meta.version"}
		lim := filter.Limits{MaxLength: 1 << 20}
		for _, v := range values {
			for _, p := range paths {
				for _, op := range []string{"eq", "ne", "co", "sw", "ew", "gt", "le"} {
					if op == "ne" && p != "emails.type" { // matches nearly all: slow, little news
						continue
					}
					if (testing.Short() || raceEnabled) && op != "eq" && op != "co" && op != "gt" {
						continue
					}
					text := p + " " + op + " " + quote(v)
					f, err := filter.Parse(text, rt, lim)
					if err != nil {
						continue
					}
					res, err := s.List(ctx, store.ListQuery{Filter: f, Count: -1})
					if strings.ContainsRune(v, 0) && (op == "gt" || op == "le") {
						// Ordering against a NUL cannot be bound; eq,
						// ne, co, sw and ew are answered in SQL.
						assert.ErrorIs(t, err, errors.ErrUnsupported, text)
						continue
					}
					if !assert.NoError(t, err, text) {
						continue
					}
					want := map[string]bool{}
					for _, u := range created {
						if filter.Match(f, matchDoc(u)) {
							want[u.ID] = true
						}
					}
					got := map[string]bool{}
					for _, u := range res.Users {
						got[u.ID] = true
					}
					assert.True(t, sameSet(want, got), "%s: missing %s, extra %s", shorten(text),
						names(created, minus(want, got)), names(created, minus(got, want)))
				}
			}
		}

		// Nothing but the legitimate writes happened.
		all, err := s.List(ctx, store.ListQuery{Count: -1})
		require.NoError(t, err)
		require.Len(t, all.Users, len(created))
		for i, u := range all.Users {
			assert.Equal(t, created[i], u)
		}
		var n, emails int
		for _, u := range created {
			emails += len(u.Emails)
		}
		require.NoError(t, s.db.QueryRowContext(ctx, "SELECT COUNT(*) FROM "+s.q.values).Scan(&n))
		assert.Equal(t, emails, n, "a row per email")
	})
}

func shorten(s string) string {
	if len(s) > 120 {
		return s[:120] + "..."
	}
	return s
}

// TestNULFilterValues: a NUL in a filter value is answered in SQL (no
// stored string holds one), not with errors.ErrUnsupported, which would
// send the handler to load every user into memory.
func TestNULFilterValues(t *testing.T) {
	forEachBackend(t, func(t *testing.T, b backend) {
		s := b.open(t, nil)
		ctx := context.Background()
		rt := storetest.ResourceType()
		for _, name := range []string{"a@example.com", "b@example.com"} {
			_, err := s.Create(ctx, &store.User{UserName: name, Emails: []store.MultiValue{{Value: name}}})
			require.NoError(t, err)
		}
		for src, want := range map[string]int{
			`userName eq "a\u0000"`:       0,
			`userName co "\u0000"`:        0,
			`emails[value sw "a\u0000"]`:  0,
			`userName ne "a\u0000"`:       2,
			`not (userName ew "\u0000b")`: 2,
		} {
			f, err := filter.Parse(src, rt, filter.Limits{})
			require.NoError(t, err, src)
			res, err := s.List(ctx, store.ListQuery{Filter: f, Count: -1})
			require.NoError(t, err, src)
			assert.Equal(t, want, res.TotalResults, src)
		}
	})
}

// TestSchemasFilter: filters on "schemas" (RFC 7644 §3.4.2.2 has
// `schemas eq "urn:...:enterprise:2.0:User"`) are answered in SQL, with
// filter.Match's result.
func TestSchemasFilter(t *testing.T) {
	forEachBackend(t, func(t *testing.T, b backend) {
		s := b.open(t, nil)
		ctx := context.Background()
		rt := storetest.ResourceType()
		var created []*store.User
		for _, u := range []*store.User{
			{UserName: "core@example.com"},
			{UserName: "ent@example.com", Enterprise: &store.EnterpriseUser{Department: "D"}},
			{UserName: "acme@example.com", Extensions: map[string]map[string]any{storetest.AcmeURN: {"badge": "B"}}},
			{UserName: "both@example.com", Enterprise: &store.EnterpriseUser{EmployeeNumber: "1"},
				Extensions: map[string]map[string]any{storetest.AcmeURN: {"remote": true}}},
		} {
			c, err := s.Create(ctx, u)
			require.NoError(t, err)
			created = append(created, c)
		}
		for _, src := range []string{
			`schemas eq "` + schema.EnterpriseUserURN + `"`,
			`schemas eq "` + strings.ToUpper(schema.EnterpriseUserURN) + `"`,
			`schemas eq "` + schema.UserURN + `"`,
			`schemas eq "urn:nope"`,
			`schemas eq "` + schema.UserURN + `" and not (schemas co "enterprise")`,
			`schemas ne "` + schema.UserURN + `"`,
			`schemas co "extension"`,
			`schemas ew ":acme:2.0:User"`,
			`schemas sw "urn:ietf:params:scim:schemas:extension:"`,
			`schemas pr`,
			`not (schemas eq "` + storetest.AcmeURN + `") and userName sw "b"`,
		} {
			f, err := filter.Parse(src, rt, filter.Limits{})
			require.NoError(t, err, src)
			res, err := s.List(ctx, store.ListQuery{Filter: f, Count: -1})
			require.NoError(t, err, src)
			var want, got []string
			for _, u := range created {
				if filter.Match(f, matchDoc(u)) {
					want = append(want, u.UserName)
				}
			}
			for _, u := range res.Users {
				got = append(got, u.UserName)
			}
			assert.ElementsMatch(t, want, got, src)
		}
	})
}
