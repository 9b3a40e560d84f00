package memstore_test

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/scimstack/scimstack/filter"
	"github.com/scimstack/scimstack/store"
	"github.com/scimstack/scimstack/store/memstore"
	"github.com/scimstack/scimstack/store/storetest"
)

func TestConformance(t *testing.T) {
	storetest.Run(t, func(t *testing.T) store.UserStore { return memstore.New() })
}

func parse(t testing.TB, src string) filter.Expr {
	t.Helper()
	f, err := filter.Parse(src, storetest.ResourceType(), filter.Limits{})
	require.NoError(t, err, src)
	return f
}

func names(us []*store.User) []string {
	l := make([]string, len(us))
	for i, u := range us {
		l[i] = u.UserName
	}
	return l
}

func TestUserNameFold(t *testing.T) {
	s := memstore.New()
	ctx := t.Context()
	// U+017F LATIN SMALL LETTER LONG S folds to s, U+212A KELVIN SIGN to k:
	// strings.EqualFold treats them as equal and so must uniqueness.
	_, err := s.Create(ctx, &store.User{UserName: "sky"})
	require.NoError(t, err)
	for _, n := range []string{"\u017fky", "s\u212Ay", "SKY"} {
		_, err = s.Create(ctx, &store.User{UserName: n})
		assert.ErrorIs(t, err, store.ErrConflict, n)
	}
	_, err = s.Create(ctx, &store.User{UserName: "ÉCOLE"})
	require.NoError(t, err)
	_, err = s.Create(ctx, &store.User{UserName: "école"})
	assert.ErrorIs(t, err, store.ErrConflict)

	res, err := s.List(ctx, store.ListQuery{Filter: parse(t, `userName eq "S\u212AY"`), Count: -1})
	require.NoError(t, err)
	assert.Equal(t, []string{"sky"}, names(res.Users))
	res, err = s.List(ctx, store.ListQuery{Filter: parse(t, `userName eq "École"`), Count: -1})
	require.NoError(t, err)
	assert.Equal(t, []string{"ÉCOLE"}, names(res.Users))
}

// The indexed path must give what a scan gives.
func TestIndexMatchesScan(t *testing.T) {
	s := memstore.New()
	ctx := t.Context()
	for i := range 50 {
		_, err := s.Create(ctx, &store.User{
			UserName:   fmt.Sprintf("User%02d", i),
			ExternalID: fmt.Sprintf("x%d", i%5),
			Title:      []string{"a", "b", ""}[i%3],
		})
		require.NoError(t, err)
	}
	for _, c := range []struct{ indexed, scan string }{
		{`externalId eq "x3"`, `externalId sw "x3"`},
		{`externalId eq "x3" and title eq "a"`, `externalId sw "x3" and title eq "a"`},
		{`title eq "b" and (externalId eq "x1" and userName eq "user31")`, `title eq "b" and externalId sw "x1" and userName sw "user31"`},
		{`userName eq "USER07"`, `userName sw "user07"`},
		{`externalId eq "X3"`, `externalId sw "X3"`},
	} {
		for _, sortBy := range []string{"", "title"} {
			q := store.ListQuery{Count: -1}
			if sortBy != "" {
				var err error
				q.SortBy, err = storetest.ResourceType().ParsePath(sortBy)
				require.NoError(t, err)
			}
			q.Filter = parse(t, c.indexed)
			a, err := s.List(ctx, q)
			require.NoError(t, err)
			q.Filter = parse(t, c.scan)
			b, err := s.List(ctx, q)
			require.NoError(t, err)
			assert.Equal(t, names(b.Users), names(a.Users), c.indexed)
			assert.Equal(t, b.TotalResults, a.TotalResults, c.indexed)
		}
	}
}

// Many deletions compact the creation order without disturbing it, and
// the externalId index follows replaces and deletes.
func TestDeleteManyKeepsOrder(t *testing.T) {
	s := memstore.New()
	ctx := t.Context()
	var want []string
	var ids []string
	for i := range 500 {
		u, err := s.Create(ctx, &store.User{UserName: fmt.Sprintf("u%03d", i), ExternalID: "all"})
		require.NoError(t, err)
		ids = append(ids, u.ID)
	}
	for i, id := range ids {
		if i%7 != 0 {
			require.NoError(t, s.Delete(ctx, id, ""))
		} else {
			want = append(want, fmt.Sprintf("u%03d", i))
		}
	}
	res, err := s.List(ctx, store.ListQuery{Count: -1})
	require.NoError(t, err)
	assert.Equal(t, want, names(res.Users))
	assert.Equal(t, len(want), s.Len())

	res, err = s.List(ctx, store.ListQuery{Filter: parse(t, `externalId eq "all"`), Count: -1})
	require.NoError(t, err)
	assert.Equal(t, want, names(res.Users))

	u, err := s.Get(ctx, ids[0])
	require.NoError(t, err)
	u.ExternalID = "moved"
	_, err = s.Replace(ctx, u, "")
	require.NoError(t, err)
	res, err = s.List(ctx, store.ListQuery{Filter: parse(t, `externalId eq "all"`), Count: 0})
	require.NoError(t, err)
	assert.Equal(t, len(want)-1, res.TotalResults)
	res, err = s.List(ctx, store.ListQuery{Filter: parse(t, `externalId eq "moved"`), Count: -1})
	require.NoError(t, err)
	assert.Equal(t, []string{"u000"}, names(res.Users))
}

func TestPasswordNotFilterable(t *testing.T) {
	s := memstore.New()
	_, err := s.Create(t.Context(), &store.User{UserName: "a", Password: "secret"})
	require.NoError(t, err)
	f, err := filter.Parse(`password eq "secret"`, storetest.ResourceType(), filter.Limits{})
	if err != nil {
		t.Skip("filter rejects password:", err)
	}
	res, err := s.List(t.Context(), store.ListQuery{Filter: f, Count: -1})
	require.NoError(t, err)
	assert.Zero(t, res.TotalResults, "a filter must not probe passwords (returned never, RFC 7643 §4.1.1)")
}

// TestReadsDuringWrites runs Get and List against Replace: readers copy
// users after releasing the lock, which -race checks.
func TestReadsDuringWrites(t *testing.T) {
	ctx := t.Context()
	s := memstore.New()
	u, err := s.Create(ctx, &store.User{
		UserName: "a", Name: &store.Name{GivenName: "A"},
		Emails:     []store.MultiValue{{Value: "a@example.com"}},
		Extensions: map[string]map[string]any{"urn:x": {"n": int64(0)}},
	})
	require.NoError(t, err)
	var wg sync.WaitGroup
	for range 2 {
		wg.Go(func() {
			for range 200 {
				got, err := s.Get(ctx, u.ID)
				if !assert.NoError(t, err) {
					return
				}
				got.Name.GivenName = "mine" // a copy: changes nothing stored
				got.Emails[0].Value = "mine"
				got.Extensions["urn:x"]["n"] = "mine"
				res, err := s.List(ctx, store.ListQuery{Count: 10})
				if !assert.NoError(t, err) {
					return
				}
				for _, l := range res.Users {
					l.Emails[0].Value = "mine"
				}
			}
		})
	}
	wg.Go(func() {
		cur := u.Clone()
		for i := range 200 {
			cur.Name.GivenName = fmt.Sprint(i)
			cur.Extensions["urn:x"]["n"] = int64(i)
			next, err := s.Replace(ctx, cur, "")
			if !assert.NoError(t, err) {
				return
			}
			cur = next
		}
	})
	wg.Wait()
	got, err := s.Get(ctx, u.ID)
	require.NoError(t, err)
	assert.Equal(t, "199", got.Name.GivenName)
	assert.Equal(t, "a@example.com", got.Emails[0].Value)
	assert.Equal(t, int64(199), got.Extensions["urn:x"]["n"])
}

func TestClock(t *testing.T) {
	at := time.Date(2024, 2, 29, 12, 0, 0, 0, time.FixedZone("X", 3600))
	s := memstore.New(memstore.WithClock(func() time.Time { return at }))
	u, err := s.Create(t.Context(), &store.User{UserName: "a"})
	require.NoError(t, err)
	assert.Equal(t, at.UTC(), u.Meta.Created)
	assert.Equal(t, time.UTC, u.Meta.Created.Location())
	r, err := s.Replace(t.Context(), u, "")
	require.NoError(t, err)
	assert.True(t, r.Meta.LastModified.After(u.Meta.LastModified), "lastModified advances even with a stopped clock")
	assert.Equal(t, at.UTC(), r.Meta.Created)
}

func TestIDs(t *testing.T) {
	s := memstore.New()
	seen := map[string]bool{}
	for i := range 100 {
		u, err := s.Create(t.Context(), &store.User{UserName: fmt.Sprint(i)})
		require.NoError(t, err)
		assert.Regexp(t, `^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$`, u.ID)
		assert.False(t, seen[u.ID])
		seen[u.ID] = true
	}
}

func TestCanceledContext(t *testing.T) {
	s := memstore.New()
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	_, err := s.Create(ctx, &store.User{UserName: "a"})
	assert.Error(t, err)
	_, err = s.List(ctx, store.ListQuery{})
	assert.Error(t, err)
}

// Benchmarks. Populations are built once per size and shared by the
// read-only benchmarks.

var sizes = []int{10_000, 100_000}

type population struct {
	s   *memstore.Store
	ids []string
}

var (
	popMu sync.Mutex
	pops  = map[int]*population{}
)

func newPopulation(b *testing.B, n int) *population {
	s := memstore.New()
	p := &population{s: s, ids: make([]string, 0, n)}
	ctx := b.Context()
	for i := range n {
		u := &store.User{
			UserName:    fmt.Sprintf("user%07d@example.com", i),
			ExternalID:  fmt.Sprintf("ext-%d", i/2), // two users each
			DisplayName: fmt.Sprintf("User %d", i),
			Emails:      []store.MultiValue{{Value: fmt.Sprintf("user%d@example.com", i), Type: "work", Primary: true}},
		}
		if i%100 == 0 {
			u.Emails = append(u.Emails, store.MultiValue{Value: fmt.Sprintf("u%d@corp.example.net", i), Type: "home"})
		}
		got, err := s.Create(ctx, u)
		if err != nil {
			b.Fatal(err)
		}
		p.ids = append(p.ids, got.ID)
	}
	return p
}

func sharedPopulation(b *testing.B, n int) *population {
	popMu.Lock()
	defer popMu.Unlock()
	p := pops[n]
	if p == nil {
		p = newPopulation(b, n)
		pops[n] = p
	}
	return p
}

func eachSize(b *testing.B, fn func(b *testing.B, n int)) {
	for _, n := range sizes {
		b.Run(fmt.Sprintf("users=%d", n), func(b *testing.B) {
			b.ReportAllocs()
			fn(b, n)
		})
	}
}

func BenchmarkGet(b *testing.B) {
	eachSize(b, func(b *testing.B, n int) {
		p := sharedPopulation(b, n)
		ctx := b.Context()
		i := 0
		for b.Loop() {
			if _, err := p.s.Get(ctx, p.ids[i%n]); err != nil {
				b.Fatal(err)
			}
			i += 7919
		}
	})
}

// filters pre-parses k filters made by src, as the handler parses once per
// request.
func filters(b *testing.B, k int, src func(i int) string) []filter.Expr {
	l := make([]filter.Expr, k)
	for i := range l {
		l[i] = parse(b, src(i))
	}
	return l
}

func BenchmarkListUserNameEq(b *testing.B) {
	eachSize(b, func(b *testing.B, n int) {
		p := sharedPopulation(b, n)
		fs := filters(b, 1000, func(i int) string {
			return fmt.Sprintf(`userName eq "USER%07d@EXAMPLE.COM"`, i*(n/1000))
		})
		ctx := b.Context()
		i := 0
		for b.Loop() {
			res, err := p.s.List(ctx, store.ListQuery{Filter: fs[i%len(fs)], Count: 100})
			if err != nil || res.TotalResults != 1 {
				b.Fatal(err, res.TotalResults)
			}
			i++
		}
	})
}

func BenchmarkListExternalIDEq(b *testing.B) {
	eachSize(b, func(b *testing.B, n int) {
		p := sharedPopulation(b, n)
		fs := filters(b, 1000, func(i int) string {
			return fmt.Sprintf(`externalId eq "ext-%d"`, i*(n/2000))
		})
		ctx := b.Context()
		i := 0
		for b.Loop() {
			res, err := p.s.List(ctx, store.ListQuery{Filter: fs[i%len(fs)], Count: 100})
			if err != nil || res.TotalResults != 2 {
				b.Fatal(err, res.TotalResults)
			}
			i++
		}
	})
}

func BenchmarkListContainsScan(b *testing.B) {
	eachSize(b, func(b *testing.B, n int) {
		p := sharedPopulation(b, n)
		f := parse(b, `emails co "corp"`)
		ctx := b.Context()
		for b.Loop() {
			res, err := p.s.List(ctx, store.ListQuery{Filter: f, Count: 10})
			if err != nil || res.TotalResults != n/100 || len(res.Users) != 10 {
				b.Fatal(err, res.TotalResults)
			}
		}
	})
}

func BenchmarkCreate(b *testing.B) {
	eachSize(b, func(b *testing.B, n int) {
		p := newPopulation(b, n) // its own: Create grows it
		ctx := b.Context()
		i := 0
		for b.Loop() {
			u := &store.User{
				UserName:   fmt.Sprintf("new%d@example.com", i),
				ExternalID: "new",
				Emails:     []store.MultiValue{{Value: "new@example.com", Type: "work"}},
			}
			if _, err := p.s.Create(ctx, u); err != nil {
				b.Fatal(err)
			}
			i++
		}
	})
}

func BenchmarkReplace(b *testing.B) {
	eachSize(b, func(b *testing.B, n int) {
		p := sharedPopulation(b, n)
		ctx := b.Context()
		users := make([]*store.User, 1000)
		for i := range users {
			u, err := p.s.Get(ctx, p.ids[i*(n/len(users))])
			if err != nil {
				b.Fatal(err)
			}
			users[i] = u
		}
		i := 0
		for b.Loop() {
			u := users[i%len(users)]
			u.Title = strings.Repeat("x", i%3)
			if _, err := p.s.Replace(ctx, u, ""); err != nil {
				b.Fatal(err)
			}
			i++
		}
	})
}
