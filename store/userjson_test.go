package store

import (
	"encoding/json"
	"math"
	"math/rand/v2"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/scimstack/scimstack/schema"
)

// checkAgainstRef holds MarshalJSON and AppendJSON to marshalJSONRef.
func checkAgainstRef(t *testing.T, u *User) {
	t.Helper()
	want, wantErr := marshalJSONRef(u)
	got, err := u.MarshalJSON()
	appended := u.AppendJSON([]byte("prefix"))
	require.True(t, strings.HasPrefix(string(appended), "prefix"), "AppendJSON keeps dst")
	appended = appended[len("prefix"):]
	if wantErr != nil {
		require.Error(t, err, "reference failed with %v", wantErr)
		assert.Equal(t, wantErr.Error(), err.Error())
		assert.Nil(t, got)
		assert.True(t, json.Valid(appended), "AppendJSON writes null for what it cannot encode: %q", appended)
		return
	}
	require.NoError(t, err)
	require.Equal(t, string(want), string(got), "MarshalJSON differs from the reference")
	require.Equal(t, string(want), string(appended), "AppendJSON differs from MarshalJSON")
}

// pieces are the building blocks of generated strings: plain text and
// everything encoding/json escapes or replaces.
var pieces = []string{
	"a", "Z", "0", " ", "bjensen", "@example.com", "/", "$", "~", "\x7f",
	`"`, `\`, "<", ">", "&", "<script>", "'",
	"\x00", "\x01", "\b", "\f", "\n", "\r", "\t", "\x1b", "\x1f",
	"é", "ß", "日本", "😀", "\u00a0", "\ufeff", "\ufffd", "\u2027", "\u2028", "\u2029", "\u202a",
	"\xff", "\xc3", "\xe2\x80", "\xed\xa0\x80", "\xf4\x90\x80\x80", "\x80",
}

type gen struct{ r *rand.Rand }

// str returns "" a third of the time, otherwise a mix of pieces.
func (g gen) str() string {
	if g.r.IntN(3) == 0 {
		return ""
	}
	var b strings.Builder
	for range 1 + g.r.IntN(6) {
		b.WriteString(pieces[g.r.IntN(len(pieces))])
	}
	return b.String()
}

func (g gen) multiValues() []MultiValue {
	switch g.r.IntN(4) {
	case 0:
		return nil
	case 1:
		return []MultiValue{}
	}
	l := make([]MultiValue, 1+g.r.IntN(3))
	for i := range l {
		l[i] = MultiValue{Value: g.str(), Display: g.str(), Type: g.str(), Primary: g.r.IntN(2) == 0}
	}
	return l
}

var floats = []float64{
	0, math.Copysign(0, -1), 1, -1, 0.5, 1.0 / 3, 123456789, 1e20, 1e21, 1.5e21, -1e21,
	1e-6, 9.99e-7, 1e-7, 1.23e-10, 5e-324, math.MaxFloat64, -math.MaxFloat64, 1e100, 2.5e-300,
	float64(1 << 53), 100, 1e6,
}

var numbers = []json.Number{"0", "-0", "12", "-3.25", "1e5", "1E+5", "2.5e-3", "", "123456789012345678901234567890"}

// value returns a value in generic form, nesting at most depth levels.
func (g gen) value(depth int) any {
	n := 8
	if depth > 0 {
		n = 12
	}
	switch g.r.IntN(n) {
	case 0:
		return nil
	case 1:
		return g.str()
	case 2:
		return g.r.IntN(2) == 0
	case 3:
		return g.r.Int64() - math.MaxInt64/2
	case 4:
		f := floats[g.r.IntN(len(floats))]
		if g.r.IntN(2) == 0 {
			f = g.r.NormFloat64() * math.Pow(10, float64(g.r.IntN(60)-30))
		}
		return f
	case 5:
		return numbers[g.r.IntN(len(numbers))]
	case 6:
		return int(g.r.Int32())
	case 7:
		return []string{g.str()} // not generic form: left to encoding/json
	case 8, 9:
		return g.object(depth - 1)
	default:
		switch g.r.IntN(4) {
		case 0:
			return []any(nil)
		case 1:
			return []any{}
		}
		l := make([]any, 1+g.r.IntN(3))
		for i := range l {
			l[i] = g.value(depth - 1)
		}
		return l
	}
}

func (g gen) object(depth int) map[string]any {
	switch g.r.IntN(6) {
	case 0:
		return nil
	case 1:
		return map[string]any{}
	}
	m := make(map[string]any)
	for range 1 + g.r.IntN(5) {
		m[g.str()] = g.value(depth)
	}
	return m
}

var extURNs = []string{
	"urn:example:aaa", "urn:ietf:params:scim:schemas:extension:acme:2.0:User", "urn:zzz",
	schema.EnterpriseUserURN, schema.UserURN, "urn:<html>&\u2028", "",
}

func (g gen) time() time.Time {
	switch g.r.IntN(4) {
	case 0:
		return time.Time{}
	case 1:
		return time.Date(2024, 2, 29, 23, 59, 59, 0, time.UTC)
	case 2:
		return time.Unix(g.r.Int64N(4e9), g.r.Int64N(1e9)).In(time.FixedZone("X", 3600*g.r.IntN(24)-12*3600))
	default:
		return time.Unix(g.r.Int64N(4e9), g.r.Int64N(1000)*1e6)
	}
}

func (g gen) user() *User {
	u := &User{
		ID: g.str(), ExternalID: g.str(), UserName: g.str(), DisplayName: g.str(),
		NickName: g.str(), ProfileURL: g.str(), Title: g.str(), UserType: g.str(),
		PreferredLanguage: g.str(), Locale: g.str(), Timezone: g.str(), Password: g.str(),
		Emails: g.multiValues(), PhoneNumbers: g.multiValues(), IMs: g.multiValues(),
		Photos: g.multiValues(), Entitlements: g.multiValues(), Roles: g.multiValues(),
		X509Certificates: g.multiValues(),
		Meta: Meta{
			ResourceType: g.str(), Created: g.time(), LastModified: g.time(),
			Location: g.str(), Version: g.str(),
		},
	}
	if g.r.IntN(2) == 0 {
		u.Name = &Name{g.str(), g.str(), g.str(), g.str(), g.str(), g.str()}
	}
	if g.r.IntN(2) == 0 {
		a := g.r.IntN(2) == 0
		u.Active = &a
	}
	for range g.r.IntN(3) {
		u.Addresses = append(u.Addresses, Address{
			g.str(), g.str(), g.str(), g.str(), g.str(), g.str(), g.str(), g.r.IntN(2) == 0,
		})
	}
	for range g.r.IntN(3) {
		u.Groups = append(u.Groups, GroupRef{g.str(), g.str(), g.str(), g.str()})
	}
	if g.r.IntN(2) == 0 {
		u.Enterprise = &EnterpriseUser{g.str(), g.str(), g.str(), g.str(), g.str(), nil}
		if g.r.IntN(2) == 0 {
			u.Enterprise.Manager = &Manager{g.str(), g.str(), g.str()}
		}
	}
	if g.r.IntN(3) > 0 {
		u.Extensions = make(map[string]map[string]any)
		for range g.r.IntN(4) {
			u.Extensions[extURNs[g.r.IntN(len(extURNs))]] = g.object(3)
		}
	}
	return u
}

func TestAppendJSONMatchesReference(t *testing.T) {
	g := gen{rand.New(rand.NewPCG(1, 2))}
	for range 5000 {
		checkAgainstRef(t, g.user())
	}
	checkAgainstRef(t, nil)
	checkAgainstRef(t, &User{})
	checkAgainstRef(t, &User{Name: &Name{}, Enterprise: &EnterpriseUser{Manager: &Manager{}}})
	checkAgainstRef(t, &User{Enterprise: &EnterpriseUser{Manager: &Manager{Ref: "x"}}})
	checkAgainstRef(t, &User{Emails: []MultiValue{{}}, Addresses: []Address{{}}, Groups: []GroupRef{{}}})
}

func TestAppendJSONUnencodable(t *testing.T) {
	for _, v := range []any{
		math.NaN(), math.Inf(1), math.Inf(-1), json.Number("1x"), json.Number("01"),
		make(chan int), []any{1.0, math.NaN()}, map[string]any{"a": map[string]any{"b": math.Inf(1)}},
	} {
		u := &User{UserName: "a", Extensions: map[string]map[string]any{"urn:x": {"v": v, "w": "ok"}}}
		checkAgainstRef(t, u)
		assert.Contains(t, string(u.AppendJSON(nil)), `"w":"ok"`, "the rest is still written")
	}
}

func TestAppendJSONDeepAndCyclic(t *testing.T) {
	deep := map[string]any{"leaf": 1.5}
	for range 3 * maxDepth {
		deep = map[string]any{"k": []any{deep, "x"}}
	}
	checkAgainstRef(t, &User{Extensions: map[string]map[string]any{"urn:x": deep}})

	cyclic := map[string]any{}
	cyclic["self"] = cyclic
	u := &User{Extensions: map[string]map[string]any{"urn:x": cyclic}}
	_, err := u.MarshalJSON()
	assert.Error(t, err)
	assert.True(t, json.Valid(u.AppendJSON(nil)))
}

func TestAppendJSONAllocs(t *testing.T) {
	u := &User{
		ID:          "0b1e7c5a-3f2d-4c8e-9a61-5d7f0e2b4c93",
		UserName:    "user0004217@example.com",
		ExternalID:  "ext-0004217",
		DisplayName: "User 4217",
		Name:        &Name{GivenName: "Given", FamilyName: "Family4217"},
		Active:      new(true),
		Emails:      []MultiValue{{Value: "user0004217@example.com", Type: "work", Primary: true}},
		Enterprise:  &EnterpriseUser{EmployeeNumber: "4217", Department: "Sales"},
		Extensions:  map[string]map[string]any{"urn:x": {"a": 1.5, "b": []any{"c", true}}},
		Meta:        Meta{ResourceType: "User", Created: time.Now(), LastModified: time.Now(), Version: "3"},
	}
	buf := u.AppendJSON(nil)
	allocs := testing.AllocsPerRun(100, func() { buf = u.AppendJSON(buf[:0]) })
	assert.Zero(t, allocs, "AppendJSON into a buffer with room")
	allocs = testing.AllocsPerRun(100, func() { _, _ = u.MarshalJSON() })
	assert.LessOrEqual(t, allocs, 1.0, "MarshalJSON sizes its buffer once")
}

func FuzzAppendJSON(f *testing.F) {
	f.Add("bjensen@example.com", "Babs <Jensen> & \"co\"", "urn:example:aaa", "key", 1.5, int64(7), true)
	f.Add("\x00\x1f\u2028\u2029", "\xff\xfe", "urn:\xc3", "\ufffd", 1e21, int64(-1), false)
	f.Add("", "", "", "", 1e-7, int64(0), true)
	f.Fuzz(func(t *testing.T, s1, s2, urn, key string, x float64, n int64, b bool) {
		u := &User{
			UserName:    s1,
			DisplayName: s2,
			Name:        &Name{GivenName: s2, FamilyName: key},
			Active:      &b,
			Emails:      []MultiValue{{Value: s1, Type: s2, Primary: b}},
			Enterprise:  &EnterpriseUser{Department: key, Manager: &Manager{DisplayName: s2}},
			Extensions: map[string]map[string]any{
				urn: {key: x, s1: []any{n, s2, map[string]any{s2: json.Number(s1)}}, s2: b},
			},
			Meta: Meta{Version: s1, Created: time.Unix(n%(1<<40), n%1e9)},
		}
		got := u.AppendJSON(nil)
		require.True(t, json.Valid(got), "%q", got)
		checkAgainstRef(t, u)
	})
}
