package memstore

import (
	"cmp"
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"sync"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/scimstack/scimstack/filter"
	"github.com/scimstack/scimstack/store"
)

var _ store.UserStore = (*Store)(nil)

var errNilUser = errors.New("memstore: nil user")

// Store is an in-memory store.UserStore. Create it with [New]. It is safe
// for concurrent use; the zero value is not usable.
type Store struct {
	now func() time.Time

	mu      sync.RWMutex
	byID    map[string]*entry
	byName  map[string]*entry              // by foldKey(userName)
	byExtID map[string]map[*entry]struct{} // by externalId, exact
	order   []*entry                       // creation order, with deleted entries until compaction
	dead    int                            // deleted entries in order
	seq     uint64                         // last creation sequence number
	version uint64                         // last version number
}

// entry is one stored user. Entries are changed only under Store.mu held
// for writing.
type entry struct {
	seq uint64 // creation order
	// user is owned by the store and never handed out. The User it points
	// to is never changed once stored: a write stores a new one. So a
	// reader may copy it after releasing Store.mu.
	user    *store.User
	doc     map[string]any // user in generic form, without password
	nameKey string         // foldKey(user.UserName)
	deleted bool
}

// Option configures a [Store].
type Option func(*Store)

// WithClock makes the store read the time from now instead of time.Now,
// for Meta.Created and Meta.LastModified. Tests use it for fixed times.
func WithClock(now func() time.Time) Option {
	return func(s *Store) {
		if now != nil {
			s.now = now
		}
	}
}

// New returns an empty store.
func New(opts ...Option) *Store {
	s := &Store{
		now:     time.Now,
		byID:    make(map[string]*entry),
		byName:  make(map[string]*entry),
		byExtID: make(map[string]map[*entry]struct{}),
	}
	for _, o := range opts {
		o(s)
	}
	return s
}

// Len returns the number of users in the store.
func (s *Store) Len() int {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return len(s.byID)
}

// Create stores a copy of u with a new random ID (RFC 7643 §3.1), the
// current time as Meta.Created and Meta.LastModified and a new
// Meta.Version, and returns a copy of it. It returns store.ErrConflict when
// another user has the userName without regard to case.
func (s *Store) Create(ctx context.Context, u *store.User) (*store.User, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if u == nil {
		return nil, errNilUser
	}
	nu := u.Clone()
	nu.Meta = store.Meta{}
	key := foldKey(nu.UserName)
	now := s.now().UTC().Round(0)

	s.mu.Lock()
	defer s.mu.Unlock()
	if _, taken := s.byName[key]; taken {
		return nil, fmt.Errorf("create %q: %w", nu.UserName, store.ErrConflict)
	}
	id, err := s.newID()
	if err != nil {
		return nil, err
	}
	nu.ID = id
	nu.Meta.Created = now
	nu.Meta.LastModified = now
	nu.Meta.Version = s.nextVersion()

	s.seq++
	e := &entry{seq: s.seq, user: nu, doc: docOf(nu), nameKey: key}
	s.byID[id] = e
	s.byName[key] = e
	s.addExtID(e)
	s.order = append(s.order, e)
	return nu.Clone(), nil
}

// Get returns a copy of the user with the id, or store.ErrNotFound.
func (s *Store) Get(ctx context.Context, id string) (*store.User, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	s.mu.RLock()
	var u *store.User
	if e, ok := s.byID[id]; ok {
		u = e.user
	}
	s.mu.RUnlock()
	if u == nil {
		return nil, fmt.Errorf("get %q: %w", id, store.ErrNotFound)
	}
	return u.Clone(), nil // outside the lock: stored users are immutable
}

// Replace replaces the user with u.ID by a copy of u, keeping
// Meta.Created, and returns a copy of the result. See
// store.UserStore.Replace for ifVersion and the errors.
func (s *Store) Replace(ctx context.Context, u *store.User, ifVersion string) (*store.User, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if u == nil {
		return nil, errNilUser
	}
	nu := u.Clone()
	key := foldKey(nu.UserName)
	now := s.now().UTC().Round(0)

	s.mu.Lock()
	defer s.mu.Unlock()
	e, ok := s.byID[nu.ID]
	if !ok {
		return nil, fmt.Errorf("replace %q: %w", nu.ID, store.ErrNotFound)
	}
	if ifVersion != "" && ifVersion != e.user.Meta.Version {
		return nil, fmt.Errorf("replace %q: %w", nu.ID, store.ErrVersionMismatch)
	}
	if other, taken := s.byName[key]; taken && other != e {
		return nil, fmt.Errorf("replace %q: userName %q: %w", nu.ID, nu.UserName, store.ErrConflict)
	}
	old := e.user
	if !now.After(old.Meta.LastModified) {
		// A coarse clock must not give two versions the same time.
		now = old.Meta.LastModified.Add(time.Nanosecond)
	}
	nu.Meta = store.Meta{
		Created:      old.Meta.Created,
		LastModified: now,
		Version:      s.nextVersion(),
	}

	if key != e.nameKey {
		delete(s.byName, e.nameKey)
		s.byName[key] = e
		e.nameKey = key
	}
	if old.ExternalID != nu.ExternalID {
		s.removeExtID(e) // reads e.user, still old
		e.user = nu
		s.addExtID(e)
	}
	e.user = nu
	e.doc = docOf(nu)
	return nu.Clone(), nil
}

// Delete removes the user with the id. See store.UserStore.Delete.
func (s *Store) Delete(ctx context.Context, id, ifVersion string) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	e, ok := s.byID[id]
	if !ok {
		return fmt.Errorf("delete %q: %w", id, store.ErrNotFound)
	}
	if ifVersion != "" && ifVersion != e.user.Meta.Version {
		return fmt.Errorf("delete %q: %w", id, store.ErrVersionMismatch)
	}
	delete(s.byID, id)
	delete(s.byName, e.nameKey)
	s.removeExtID(e)
	e.deleted = true
	s.dead++
	// Compact when at least half of order is dead: linear work paid for
	// by as many deletions, so each costs O(1) amortised.
	if s.dead > 64 && s.dead*2 >= len(s.order) {
		live := s.order[:0]
		for _, x := range s.order {
			if !x.deleted {
				live = append(live, x)
			}
		}
		clear(s.order[len(live):])
		s.order = live
		s.dead = 0
	}
	return nil
}

// List returns the page of users that match q. A filter that pins id,
// userName or externalId with eq, alone or in a top-level and, is served
// from an index; other filters are evaluated with filter.Match over all
// users. Without q.SortBy, users come in creation order.
func (s *Store) List(ctx context.Context, q store.ListQuery) (*store.ListResult, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	res, err := s.list(ctx, q)
	if err != nil {
		return nil, err
	}
	// Copy outside the lock, which list has released: stored users are
	// immutable.
	for i, u := range res.Users {
		res.Users[i] = u.Clone()
	}
	return res, nil
}

// list is List returning the stored users themselves, which the caller
// must copy before handing them out.
func (s *Store) list(ctx context.Context, q store.ListQuery) (*store.ListResult, error) {
	s.mu.RLock()
	defer s.mu.RUnlock()

	var matches []*entry
	if cands, ok := s.candidates(q.Filter); ok {
		matches = cands[:0]
		for _, e := range cands {
			if q.Filter == nil || filter.Match(q.Filter, e.doc) {
				matches = append(matches, e)
			}
		}
	} else {
		for i, e := range s.order {
			if i%4096 == 4095 {
				if err := ctx.Err(); err != nil {
					return nil, err
				}
			}
			if e.deleted || (q.Filter != nil && !filter.Match(q.Filter, e.doc)) {
				continue
			}
			matches = append(matches, e)
		}
	}

	res := &store.ListResult{TotalResults: len(matches)}
	start := max(q.StartIndex, 1) - 1
	if q.Count == 0 || start >= len(matches) {
		res.Users = []*store.User{}
		return res, nil
	}
	if q.SortBy.Attr != nil && len(matches) > 1 {
		desc := q.SortOrder == store.Descending
		slices.SortStableFunc(matches, func(a, b *entry) int {
			return filter.Cmp(a.doc, b.doc, q.SortBy, desc)
		})
	}
	end := len(matches)
	if q.Count > 0 && start+q.Count < end {
		end = start + q.Count
	}
	res.Users = make([]*store.User, 0, end-start)
	for _, e := range matches[start:end] {
		res.Users = append(res.Users, e.user)
	}
	return res, nil
}

// candidates returns, in creation order, a superset of the users that
// match f, taken from an index, when f is an eq on id, userName or
// externalId or an and with such a conjunct. ok is false when no index
// applies.
func (s *Store) candidates(f filter.Expr) (cands []*entry, ok bool) {
	best := -1
	var walk func(filter.Expr)
	walk = func(f filter.Expr) {
		switch f := f.(type) {
		case *filter.And:
			walk(f.Left)
			walk(f.Right)
		case *filter.Compare:
			c, ok := s.lookup(f)
			if ok && (best < 0 || len(c) < best) {
				cands, best = c, len(c)
			}
		}
	}
	if f == nil {
		return nil, false
	}
	walk(f)
	if best < 0 {
		return nil, false
	}
	if len(cands) > 1 {
		slices.SortFunc(cands, func(a, b *entry) int { return cmp.Compare(a.seq, b.seq) })
	}
	return cands, true
}

// lookup serves one eq comparison from an index. The result is a fresh
// slice.
func (s *Store) lookup(c *filter.Compare) ([]*entry, bool) {
	if c.Op != filter.Eq || c.Attr.URN != "" || c.Attr.Attr == nil || c.Attr.Sub != nil {
		return nil, false
	}
	v, isString := c.Value.(string)
	if !isString {
		return nil, false
	}
	switch c.Attr.Attr.Name {
	case "id":
		if e, ok := s.byID[v]; ok {
			return []*entry{e}, true
		}
		return []*entry{}, true
	case "userName":
		if e, ok := s.byName[foldKey(v)]; ok {
			return []*entry{e}, true
		}
		return []*entry{}, true
	case "externalId":
		set := s.byExtID[v]
		l := make([]*entry, 0, len(set))
		for e := range set {
			l = append(l, e)
		}
		return l, true
	}
	return nil, false
}

func (s *Store) addExtID(e *entry) {
	x := e.user.ExternalID
	if x == "" {
		return
	}
	set := s.byExtID[x]
	if set == nil {
		set = make(map[*entry]struct{}, 1)
		s.byExtID[x] = set
	}
	set[e] = struct{}{}
}

func (s *Store) removeExtID(e *entry) {
	x := e.user.ExternalID
	if set := s.byExtID[x]; set != nil {
		delete(set, e)
		if len(set) == 0 {
			delete(s.byExtID, x)
		}
	}
}

// nextVersion returns a version no user of the store has had. s.mu must be
// held for writing.
func (s *Store) nextVersion() string {
	s.version++
	return strconv.FormatUint(s.version, 10)
}

// newID returns a random version 4 UUID (RFC 9562 §5.4) not in use. s.mu
// must be held.
func (s *Store) newID() (string, error) {
	for {
		var b [16]byte
		if _, err := rand.Read(b[:]); err != nil {
			return "", fmt.Errorf("memstore: random id: %w", err)
		}
		b[6] = b[6]&0x0f | 0x40
		b[8] = b[8]&0x3f | 0x80
		var buf [36]byte
		hex.Encode(buf[0:8], b[0:4])
		buf[8] = '-'
		hex.Encode(buf[9:13], b[4:6])
		buf[13] = '-'
		hex.Encode(buf[14:18], b[6:8])
		buf[18] = '-'
		hex.Encode(buf[19:23], b[8:10])
		buf[23] = '-'
		hex.Encode(buf[24:], b[10:])
		id := string(buf[:])
		if _, taken := s.byID[id]; !taken {
			return id, nil
		}
	}
}

// docOf returns u in generic form for filtering and sorting. The password
// is left out so that no filter can probe it (it is returned "never",
// RFC 7643 §4.1.1).
func docOf(u *store.User) map[string]any {
	doc := u.Map()
	delete(doc, "password")
	return doc
}

// foldKey returns a key equal for two strings exactly when strings.EqualFold
// reports them equal: each rune is replaced by the smallest rune of its
// Unicode simple case folding orbit.
func foldKey(s string) string {
	ascii := true
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			ascii = false
			break
		}
	}
	if ascii {
		// The smallest rune of an ASCII letter's orbit is its upper case
		// (the orbits of k and s also hold U+212A and U+017F, both larger).
		hasLower := false
		for i := 0; i < len(s); i++ {
			if 'a' <= s[i] && s[i] <= 'z' {
				hasLower = true
				break
			}
		}
		if !hasLower {
			return s
		}
		b := []byte(s)
		for i, c := range b {
			if 'a' <= c && c <= 'z' {
				b[i] = c - 'a' + 'A'
			}
		}
		return string(b)
	}
	b := make([]byte, 0, len(s))
	for _, r := range s {
		m := r
		for f := unicode.SimpleFold(r); f != r; f = unicode.SimpleFold(f) {
			m = min(m, f)
		}
		b = utf8.AppendRune(b, m)
	}
	return string(b)
}
