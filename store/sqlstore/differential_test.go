package sqlstore

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/scimstack/scimstack/filter"
	"github.com/scimstack/scimstack/schema"
	"github.com/scimstack/scimstack/store"
	"github.com/scimstack/scimstack/store/storetest"
)

// The differential test compares List with filter.Match and filter.Cmp
// (the semantics of memstore) on a seeded random population and a few
// thousand generated filters (300 with -short or -race). SCIM_TEST_DIFF_FILTERS
// overrides the number of filters, SCIM_TEST_DIFF_SEED the seed.

// words are the building blocks of the population's strings: case
// variants, Unicode with tricky case folding (ß, İ, ı, final sigma, the
// Kelvin sign), LIKE and GLOB wildcards, the escape characters and quotes.
var words = []string{
	"alice", "Alice", "ALICE", "bob", "Bob", "carol", "dave", "Eve",
	"straße", "STRASSE", "İstanbul", "istanbul", "ıi", "ΣΊΣΥΦΟΣ", "σίσυφος", "ς",
	"\u212Aelvin", "kelvin", "Ǆemal", "ǅemal", "ǆemal", "café", "CAFÉ", "cafe\u0301",
	"日本語", "😀smile", "ǰ", "ﬀ", "ß",
	"100%", "50%off", "a_b", "a%b", "x\\y", "back\\\\slash", "bang!", "!!", "a*b", "q?", "[ab]", "]x[",
	"o'brien", "say \"hi\"", "semi;colon", "--dash", "tab\there", "new\nline", " spaced ", "", "  ",
	"work", "Work", "WORK", "home", "other",
}

var domains = []string{"example.com", "Example.COM", "ex_ample.org", "ex%ample.net", "corp.example.com"}

func pick[T any](r *rand.Rand, l []T) T { return l[r.IntN(len(l))] }

func word(r *rand.Rand) string {
	w := pick(r, words)
	if r.IntN(4) == 0 {
		w += " " + pick(r, words)
	}
	return w
}

func maybe(r *rand.Rand, pct int, s func() string) string {
	if r.IntN(100) < pct {
		return s()
	}
	return ""
}

func randMulti(r *rand.Rand, n int, value func() string) []store.MultiValue {
	var l []store.MultiValue
	for range r.IntN(n + 1) {
		l = append(l, store.MultiValue{
			Value:   maybe(r, 90, value),
			Display: maybe(r, 30, func() string { return word(r) }),
			Type:    maybe(r, 70, func() string { return pick(r, []string{"work", "home", "Work", "other", "mobile", ""}) }),
			Primary: r.IntN(4) == 0,
		})
	}
	return l
}

// population returns n users made from seed.
func population(r *rand.Rand, n int) []*store.User {
	users := make([]*store.User, 0, n)
	for i := range n {
		u := &store.User{
			UserName:    word(r) + "-" + strconv.Itoa(i),
			ExternalID:  maybe(r, 70, func() string { return pick(r, []string{"E1", "e1", "E2", word(r), strconv.Itoa(r.IntN(20))}) }),
			DisplayName: maybe(r, 70, func() string { return word(r) }),
			NickName:    maybe(r, 30, func() string { return word(r) }),
			Title:       maybe(r, 40, func() string { return pick(r, []string{"Admin", "admin", "Engineer", "Tour Guide", word(r)}) }),
			UserType:    maybe(r, 30, func() string { return pick(r, []string{"Employee", "Contractor", "employee"}) }),
			Locale:      maybe(r, 30, func() string { return pick(r, []string{"en-US", "de-DE", "tr-TR", "EN-us"}) }),
		}
		switch r.IntN(3) {
		case 0:
			b := r.IntN(2) == 0
			u.Active = &b
		}
		if r.IntN(3) > 0 {
			u.Name = &store.Name{
				GivenName:  maybe(r, 80, func() string { return word(r) }),
				FamilyName: maybe(r, 80, func() string { return word(r) }),
			}
		}
		u.Emails = randMulti(r, 3, func() string { return word(r) + "@" + pick(r, domains) })
		u.PhoneNumbers = randMulti(r, 2, func() string { return "+1-555-" + strconv.Itoa(1000+r.IntN(9000)) })
		u.Roles = randMulti(r, 2, func() string { return pick(r, []string{"admin", "Admin", "guide", "viewer", word(r)}) })
		u.Entitlements = randMulti(r, 1, func() string { return word(r) })
		for range r.IntN(3) {
			u.Addresses = append(u.Addresses, store.Address{
				Locality: maybe(r, 70, func() string { return pick(r, []string{"Hollywood", "hollywood", "İzmir", "izmir", "Köln", word(r)}) }),
				Country:  maybe(r, 70, func() string { return pick(r, []string{"USA", "usa", "DE", "TR"}) }),
				Type:     maybe(r, 70, func() string { return pick(r, []string{"work", "home"}) }),
				Primary:  r.IntN(3) == 0,
			})
		}
		if r.IntN(2) == 0 {
			u.Enterprise = &store.EnterpriseUser{
				Department:     maybe(r, 70, func() string { return pick(r, []string{"Sales", "sales", "R&D", "100%", word(r)}) }),
				CostCenter:     maybe(r, 50, func() string { return strconv.Itoa(r.IntN(5)) }),
				EmployeeNumber: maybe(r, 50, func() string { return strconv.Itoa(r.IntN(1000)) }),
			}
			if r.IntN(2) == 0 {
				u.Enterprise.Manager = &store.Manager{
					Value:       maybe(r, 80, func() string { return pick(r, []string{"m1", "M1", "m2", word(r)}) }),
					DisplayName: maybe(r, 50, func() string { return word(r) }),
				}
			}
		}
		switch r.IntN(4) {
		case 0:
			u.Extensions = map[string]map[string]any{storetest.AcmeURN: {"badge": pick(r, []string{"", "B-1", "b-1", word(r)})}}
		case 1:
			u.Extensions = map[string]map[string]any{storetest.AcmeURN: {"remote": r.IntN(2) == 0}}
		case 2:
			u.Extensions = map[string]map[string]any{storetest.AcmeURN: {"badge": word(r), "remote": true}}
		}
		users = append(users, u)
	}
	return users
}

// attribute paths the filters use, by type.
var (
	stringPaths = []string{
		"userName", "displayName", "nickName", "title", "userType", "locale", "externalId", "id",
		"name.givenName", "name.familyName", "emails", "emails.value", "emails.type", "emails.display",
		"phoneNumbers.value", "roles.value", "roles", "entitlements.value", "addresses.locality",
		"addresses.country", "addresses.type",
		schema.EnterpriseUserURN + ":department", schema.EnterpriseUserURN + ":costCenter",
		schema.EnterpriseUserURN + ":manager.value", schema.EnterpriseUserURN + ":manager.displayName",
		storetest.AcmeURN + ":badge", "meta.version", "password", "meta.resourceType",
	}
	boolPaths    = []string{"active", "emails.primary", "addresses.primary", storetest.AcmeURN + ":remote"}
	timePaths    = []string{"meta.created", "meta.lastModified"}
	complexPaths = []string{"name", "emails", "addresses", "meta", schema.EnterpriseUserURN + ":manager"}
	valuePaths   = map[string][]string{
		"emails":       {"value", "type", "display", "primary"},
		"addresses":    {"locality", "country", "type", "primary", "formatted"},
		"phoneNumbers": {"value", "type", "primary"},
		"roles":        {"value", "display", "primary"},
		"name":         {"givenName", "familyName"},
	}
	stringOps = []string{"eq", "ne", "co", "sw", "ew", "gt", "ge", "lt", "le"}
)

func quote(s string) string {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	enc.Encode(s)
	return strings.TrimSuffix(b.String(), "\n")
}

// filterGen makes random filter text from values found in the population.
type filterGen struct {
	r      *rand.Rand
	values []string // strings that occur in the population
	times  []time.Time
}

func (g *filterGen) str() string {
	r := g.r
	s := pick(r, g.values)
	switch r.IntN(8) {
	case 0:
		s = strings.ToUpper(s)
	case 1:
		s = strings.ToLower(s)
	case 2: // a piece of it
		rs := []rune(s)
		if len(rs) > 1 {
			i := r.IntN(len(rs))
			j := i + 1 + r.IntN(len(rs)-i)
			s = string(rs[i:j])
		}
	case 3:
		s = word(r)
	case 4:
		s = pick(r, []string{"%", "_", "\\", "!", "*", "?", "[", "%%", "a_", "_b", "\\%", "İ", "ı", "i", "I", "ß", "ss", "σ", "ς", "Σ", "k", "\u212A", ""})
	}
	return s
}

func (g *filterGen) timeValue() string {
	r := g.r
	t := pick(r, g.times).Add(time.Duration(r.IntN(5)-2) * time.Microsecond)
	if r.IntN(2) == 0 {
		t = t.In(time.FixedZone("", (r.IntN(27)-12)*3600+r.IntN(2)*1800))
	}
	layout := pick(r, []string{time.RFC3339Nano, time.RFC3339, "2006-01-02T15:04:05.000000000Z07:00"})
	return t.Format(layout)
}

func (g *filterGen) atom() string {
	r := g.r
	switch n := r.IntN(20); {
	case n < 11:
		path := pick(r, stringPaths)
		if r.IntN(12) == 0 {
			return path + " pr"
		}
		if r.IntN(40) == 0 {
			return path + " " + pick(r, []string{"eq", "ne"}) + " null"
		}
		return path + " " + pick(r, stringOps) + " " + quote(g.str())
	case n < 13:
		path := pick(r, boolPaths)
		if r.IntN(6) == 0 {
			return path + " pr"
		}
		return path + " " + pick(r, []string{"eq", "ne"}) + " " + pick(r, []string{"true", "false"})
	case n < 15:
		path := pick(r, timePaths)
		return path + " " + pick(r, []string{"eq", "ne", "gt", "ge", "lt", "le"}) + " " + quote(g.timeValue())
	case n < 16:
		return pick(r, complexPaths) + " pr"
	default:
		attr := pick(r, []string{"emails", "addresses", "phoneNumbers", "roles", "name"})
		return attr + "[" + g.sub(attr, 2) + "]"
	}
}

func (g *filterGen) sub(attr string, depth int) string {
	r := g.r
	if depth > 0 && r.IntN(3) == 0 {
		op := pick(r, []string{" and ", " or "})
		return g.sub(attr, depth-1) + op + g.sub(attr, depth-1)
	}
	if depth > 0 && r.IntN(8) == 0 {
		return "not (" + g.sub(attr, depth-1) + ")"
	}
	s := pick(r, valuePaths[attr])
	if s == "primary" {
		return s + " " + pick(r, []string{"eq true", "eq false", "ne true", "pr"})
	}
	if r.IntN(8) == 0 {
		return s + " pr"
	}
	return s + " " + pick(r, stringOps) + " " + quote(g.str())
}

func (g *filterGen) expr(depth int) string {
	r := g.r
	if depth == 0 {
		return g.atom()
	}
	switch r.IntN(6) {
	case 0:
		return g.expr(depth-1) + " and " + g.expr(depth-1)
	case 1:
		return g.expr(depth-1) + " or " + g.expr(depth-1)
	case 2:
		return "not (" + g.expr(depth-1) + ")"
	case 3:
		return "(" + g.expr(depth-1) + " or " + g.expr(depth-1) + ") and " + g.expr(depth-1)
	}
	return g.atom()
}

// matchDoc is the document filter.Match sees in memstore: the generic form
// without the password.
func matchDoc(u *store.User) map[string]any {
	m := u.Map()
	delete(m, "password")
	return m
}

func envInt(name string, def int) int {
	if v, err := strconv.Atoi(os.Getenv(name)); err == nil && v > 0 {
		return v
	}
	return def
}

// seedStore fills s with the population, replacing some users so that
// lastModified and version differ from created, and returns the stored
// users in creation order.
func seedStore(t *testing.T, s *Store, r *rand.Rand, n int) []*store.User {
	ctx := context.Background()
	var out []*store.User
	for _, u := range population(r, n) {
		got, err := s.Create(ctx, u)
		require.NoError(t, err, "create %q", u.UserName)
		out = append(out, got)
	}
	for i := 0; i < len(out); i += 7 {
		u := out[i].Clone()
		u.DisplayName = word(r)
		got, err := s.Replace(ctx, u, "")
		require.NoError(t, err)
		out[i] = got
	}
	return out
}

func TestDifferential(t *testing.T) {
	seed := uint64(envInt("SCIM_TEST_DIFF_SEED", 20240611))
	nFilters := envInt("SCIM_TEST_DIFF_FILTERS", 2000)
	if testing.Short() || raceEnabled {
		nFilters = envInt("SCIM_TEST_DIFF_FILTERS", 300)
	}
	forEachBackend(t, func(t *testing.T, b backend) {
		s := b.open(t, nil)
		r := rand.New(rand.NewPCG(seed, 1))
		users := seedStore(t, s, r, 300)
		rt := storetest.ResourceType()
		ctx := context.Background()

		g := &filterGen{r: r}
		for _, u := range users {
			g.values = append(g.values, collectStrings(u.Map())...)
			g.times = append(g.times, u.Meta.Created, u.Meta.LastModified)
		}

		docs := make([]map[string]any, len(users))
		for i, u := range users {
			docs[i] = matchDoc(u)
		}
		var parsed, unsupportedN, mismatches int
		nonEmpty := 0
		var slowest time.Duration
		slowText := ""
		for i := 0; i < nFilters && mismatches < 20; i++ {
			text := g.expr(r.IntN(3))
			f, err := filter.Parse(text, rt, filter.Limits{})
			if err != nil {
				continue
			}
			parsed++
			want := map[string]bool{}
			for i, u := range users {
				if filter.Match(f, docs[i]) {
					want[u.ID] = true
				}
			}
			began := time.Now()
			res, err := s.List(ctx, store.ListQuery{Filter: f, Count: -1})
			if d := time.Since(began); d > slowest {
				slowest, slowText = d, text
			}
			if errors.Is(err, errors.ErrUnsupported) {
				unsupportedN++
				continue
			}
			if !assertNoError(t, err, text) {
				mismatches++
				continue
			}
			got := map[string]bool{}
			for _, u := range res.Users {
				got[u.ID] = true
			}
			if len(want) > 0 {
				nonEmpty++
			}
			if res.TotalResults != len(res.Users) || !sameSet(want, got) {
				mismatches++
				t.Errorf("filter %s (parsed %s): total %d, want %d matches\n  missing: %s\n  extra: %s",
					text, f, res.TotalResults, len(want), names(users, minus(want, got)), names(users, minus(got, want)))
			}
		}
		t.Logf("%s: %d filters parsed, %d with matches, %d unsupported, %d mismatches; slowest %v: %s",
			b.name, parsed, nonEmpty, unsupportedN, mismatches, slowest, slowText)
		require.Greater(t, parsed, nFilters/2, "too few generated filters parse")
		require.Less(t, unsupportedN, parsed/10, "too many filters unsupported")

		t.Run("Sort", func(t *testing.T) { testSortDifferential(t, s, users, r) })
	})
}

func assertNoError(t *testing.T, err error, text string) bool {
	t.Helper()
	if err != nil {
		t.Errorf("filter %s: %v", text, err)
		return false
	}
	return true
}

// testSortDifferential checks List's order against a stable sort by
// filter.Cmp of the users in creation order (memstore's order), with
// paging.
func testSortDifferential(t *testing.T, s *Store, users []*store.User, r *rand.Rand) {
	rt := storetest.ResourceType()
	ctx := context.Background()
	paths := append(slices.Clone(stringPaths), boolPaths...)
	paths = append(paths, timePaths...)
	paths = append(paths, "name", "addresses", "phoneNumbers", schema.EnterpriseUserURN+":manager")
	filters := []string{"", "emails pr", `displayName co "a"`, `not (userName sw "a")`}
	for _, p := range paths {
		ref, err := rt.ParsePath(p)
		require.NoError(t, err, p)
		for _, desc := range []bool{false, true} {
			ftext := pick(r, filters)
			var f filter.Expr
			if ftext != "" {
				f, err = filter.Parse(ftext, rt, filter.Limits{})
				require.NoError(t, err)
			}
			var want []*store.User
			for _, u := range users {
				if f == nil || filter.Match(f, matchDoc(u)) {
					want = append(want, u)
				}
			}
			slices.SortStableFunc(want, func(a, b *store.User) int { return filter.Cmp(matchDoc(a), matchDoc(b), ref, desc) })
			order := store.Ascending
			if desc {
				order = store.Descending
			}
			start, count := 1+r.IntN(20), -1
			if r.IntN(2) == 0 {
				count = 1 + r.IntN(50)
			}
			res, err := s.List(ctx, store.ListQuery{Filter: f, SortBy: ref, SortOrder: order, StartIndex: start, Count: count})
			if errors.Is(err, errors.ErrUnsupported) {
				t.Logf("sortBy %s: unsupported: %v", p, err)
				continue
			}
			require.NoError(t, err, "sortBy %s", p)
			require.Equal(t, len(want), res.TotalResults, "sortBy %s filter %q", p, ftext)
			page := want[min(start-1, len(want)):]
			if count >= 0 && count < len(page) {
				page = page[:count]
			}
			wantIDs, gotIDs := ids(page), ids(res.Users)
			if !slices.Equal(wantIDs, gotIDs) {
				t.Errorf("sortBy %s desc=%v filter %q start %d count %d: order differs\n  want %s\n  got  %s",
					p, desc, ftext, start, count, namesOf(page), namesOf(res.Users))
			}
		}
	}
}

func ids(us []*store.User) []string {
	out := make([]string, len(us))
	for i, u := range us {
		out[i] = u.ID
	}
	return out
}

func namesOf(us []*store.User) string {
	var b strings.Builder
	for i, u := range us {
		if i == 8 {
			b.WriteString(" ...")
			break
		}
		fmt.Fprintf(&b, " %q", u.UserName)
	}
	return b.String()
}

func collectStrings(v any) []string {
	var out []string
	switch x := v.(type) {
	case string:
		out = append(out, x)
	case map[string]any:
		for k, e := range x {
			if k != "meta" && k != "id" {
				out = append(out, collectStrings(e)...)
			}
		}
	case []any:
		for _, e := range x {
			out = append(out, collectStrings(e)...)
		}
	}
	return out
}

func sameSet(a, b map[string]bool) bool {
	if len(a) != len(b) {
		return false
	}
	for k := range a {
		if !b[k] {
			return false
		}
	}
	return true
}

func minus(a, b map[string]bool) map[string]bool {
	out := map[string]bool{}
	for k := range a {
		if !b[k] {
			out[k] = true
		}
	}
	return out
}

func names(users []*store.User, set map[string]bool) string {
	var l []string
	for _, u := range users {
		if set[u.ID] {
			l = append(l, strconv.Quote(u.UserName))
		}
	}
	if len(l) > 6 {
		l = append(l[:6], fmt.Sprintf("... (%d)", len(l)))
	}
	return strings.Join(l, " ")
}
