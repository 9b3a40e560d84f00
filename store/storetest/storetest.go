package storetest

import (
	"errors"
	"fmt"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/scimstack/scimstack/filter"
	"github.com/scimstack/scimstack/schema"
	"github.com/scimstack/scimstack/store"
)

// AcmeURN is the URN of the custom extension of [ResourceType].
const AcmeURN = "urn:ietf:params:scim:schemas:extension:acme:2.0:User"

// AcmeSchema returns the custom extension schema used by the kit: a string
// "badge" (not caseExact) and a boolean "remote". Each call returns a new
// value.
func AcmeSchema() *schema.Schema {
	return &schema.Schema{
		ID:          AcmeURN,
		Name:        "AcmeUser",
		Description: "Test extension of the storetest kit.",
		Attributes: []*schema.Attribute{
			{
				Name: "badge", Type: schema.String, Description: "Badge number.",
				Mutability: schema.ReadWrite, Returned: schema.Default, Uniqueness: schema.None,
			},
			{
				Name: "remote", Type: schema.Boolean, Description: "Works remotely.",
				Mutability: schema.ReadWrite, Returned: schema.Default, Uniqueness: schema.None,
			},
		},
	}
}

var resourceType = sync.OnceValues(func() (*schema.ResourceType, error) {
	return schema.UserResourceType(schema.Extension{Schema: AcmeSchema()})
})

// ResourceType returns the User resource type the kit builds its filters
// and sort keys with: the core User schema, the enterprise extension and
// [AcmeSchema]. An adapter that needs schemas (to map attributes to
// columns, say) should use it. It is shared and must not be modified.
//
// It panics if the schema package rejects the definitions, which is a bug.
func ResourceType() *schema.ResourceType {
	rt, err := resourceType()
	if err != nil {
		panic("storetest: building the User resource type: " + err.Error())
	}
	return rt
}

// FullUser returns a new User with every attribute of the core schema, the
// enterprise extension and [AcmeSchema] assigned, and no ID or Meta.
func FullUser() *store.User {
	active := true
	return &store.User{
		ExternalID: "701984",
		UserName:   "bjensen@example.com",
		Name: &store.Name{
			Formatted:       "Ms. Barbara J Jensen, III",
			FamilyName:      "Jensen",
			GivenName:       "Barbara",
			MiddleName:      "Jane",
			HonorificPrefix: "Ms.",
			HonorificSuffix: "III",
		},
		DisplayName:       "Babs Jensen",
		NickName:          "Babs",
		ProfileURL:        "https://login.example.com/bjensen",
		Title:             "Tour Guide",
		UserType:          "Employee",
		PreferredLanguage: "en-US",
		Locale:            "en-US",
		Timezone:          "America/Los_Angeles",
		Active:            &active,
		Password:          "t1meMa$heen",
		Emails: []store.MultiValue{
			{Value: "bjensen@example.com", Type: "work", Primary: true},
			{Value: "babs@jensen.org", Type: "home", Display: "Babs"},
		},
		PhoneNumbers: []store.MultiValue{
			{Value: "555-555-5555", Type: "work"},
			{Value: "555-555-4444", Type: "mobile", Primary: true},
		},
		IMs:    []store.MultiValue{{Value: "someaimhandle", Type: "aim"}},
		Photos: []store.MultiValue{{Value: "https://photos.example.com/profilephoto/72930000000Ccne/F", Type: "photo"}},
		Addresses: []store.Address{
			{
				Formatted:     "100 Universal City Plaza\nHollywood, CA 91608 USA",
				StreetAddress: "100 Universal City Plaza",
				Locality:      "Hollywood",
				Region:        "CA",
				PostalCode:    "91608",
				Country:       "USA",
				Type:          "work",
				Primary:       true,
			},
			{StreetAddress: "456 Hollywood Blvd", Locality: "Hollywood", Type: "home"},
		},
		Groups: []store.GroupRef{{
			Value:   "e9e30dba-f08f-4109-8486-d5c6a331660a",
			Ref:     "https://example.com/v2/Groups/e9e30dba-f08f-4109-8486-d5c6a331660a",
			Display: "Tour Guides",
			Type:    "direct",
		}},
		Entitlements:     []store.MultiValue{{Value: "admin", Display: "Administrator", Type: "app"}},
		Roles:            []store.MultiValue{{Value: "guide", Display: "Guide", Primary: true}},
		X509Certificates: []store.MultiValue{{Value: "MIIDQzCCAqygAwIBAgICEAAwDQYJKoZIhvcNAQEFBQAwTjELMAkGA1UEBhMCVVMx"}},
		Enterprise: &store.EnterpriseUser{
			EmployeeNumber: "701984",
			CostCenter:     "4130",
			Organization:   "Universal Studios",
			Division:       "Theme Park",
			Department:     "Tour Operations",
			Manager: &store.Manager{
				Value:       "26118915-6090-4610-87e4-49d8ca9f808d",
				Ref:         "../Users/26118915-6090-4610-87e4-49d8ca9f808d",
				DisplayName: "John Smith",
			},
		},
		Extensions: map[string]map[string]any{
			AcmeURN: {"badge": "B-17", "remote": true},
		},
	}
}

// Run checks that the stores made by newStore keep the store.UserStore
// contract, one subtest per rule. newStore is called once per subtest and
// must return an empty store; it may register cleanups with t.
//
// Filter and sort subtests are skipped when List answers them with an
// error wrapping errors.ErrUnsupported, as the contract allows.
func Run(t *testing.T, newStore func(t *testing.T) store.UserStore) {
	t.Helper()
	ResourceType() // fail early on a schema bug
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			tc.run(t, newStore(t))
		})
	}
}

type test struct {
	name string
	run  func(t *testing.T, s store.UserStore)
}

var tests = []test{
	{"Create/AssignsIDVersionTimes", testCreateAssigns},
	{"Create/IgnoresCallerIDAndMeta", testCreateIgnoresID},
	{"Create/RoundTrip", testRoundTrip},
	{"Create/MinimalUser", testMinimalUser},
	{"Create/UserNameUnique", testCreateConflict},
	{"Create/ExternalIDNotUnique", testExternalIDNotUnique},
	{"Get/NotFound", testGetNotFound},
	{"Replace/RoundTrip", testReplaceRoundTrip},
	{"Replace/KeepsCreated", testReplaceKeepsCreated},
	{"Replace/UserNameUnique", testReplaceConflict},
	{"Replace/OwnUserNameOtherCase", testReplaceOwnName},
	{"Replace/NotFound", testReplaceNotFound},
	{"Replace/VersionMismatch", testReplaceVersionMismatch},
	{"Write/VersionChangesEveryTime", testVersionChanges},
	{"Delete/ThenGet", testDelete},
	{"Delete/NotFound", testDeleteNotFound},
	{"Delete/VersionMismatch", testDeleteVersionMismatch},
	{"NoAliasing", testNoAliasing},
	{"List/Empty", testListEmpty},
	{"List/TotalAndPaging", testListPaging},
	{"List/StableOrder", testListStable},
	{"List/Filter", testListFilter},
	{"List/FilterPaging", testListFilterPaging},
	{"List/FilterLastModified", testListFilterLastModified},
	{"List/SortBy", testListSort},
	{"Concurrent/Mixed", testConcurrentMixed},
	{"Concurrent/IfVersion", testConcurrentIfVersion},
	{"Concurrent/SameUserName", testConcurrentSameName},
}

// user returns a small user with the userName.
func user(userName string) *store.User {
	return &store.User{UserName: userName, DisplayName: "User " + userName}
}

func mustCreate(t *testing.T, s store.UserStore, u *store.User) *store.User {
	t.Helper()
	got, err := s.Create(t.Context(), u)
	require.NoError(t, err, "RFC 7644 §3.3: Create %q", u.UserName)
	require.NotNil(t, got, "RFC 7644 §3.3: Create returned nil")
	return got
}

func mustGet(t *testing.T, s store.UserStore, id string) *store.User {
	t.Helper()
	got, err := s.Get(t.Context(), id)
	require.NoError(t, err, "RFC 7644 §3.4.1: Get %q", id)
	require.NotNil(t, got, "RFC 7644 §3.4.1: Get returned nil")
	return got
}

func mustReplace(t *testing.T, s store.UserStore, u *store.User, ifVersion string) *store.User {
	t.Helper()
	got, err := s.Replace(t.Context(), u, ifVersion)
	require.NoError(t, err, "RFC 7644 §3.5.1: Replace %q", u.ID)
	require.NotNil(t, got, "RFC 7644 §3.5.1: Replace returned nil")
	return got
}

// closeTimes reports whether a and b are within a millisecond, the
// precision the kit asks of stores.
func closeTimes(a, b time.Time) bool {
	d := a.Sub(b)
	return -time.Millisecond < d && d < time.Millisecond
}

// withoutMeta returns u's generic form without meta, for comparisons.
func withoutMeta(u *store.User) map[string]any {
	m := u.Map()
	delete(m, "meta")
	return m
}

func testCreateAssigns(t *testing.T, s store.UserStore) {
	before := time.Now()
	got := mustCreate(t, s, user("bjensen"))
	after := time.Now()

	assert.NotEmpty(t, got.ID, "RFC 7643 §3.1: the service provider assigns id")
	assert.NotEmpty(t, got.Meta.Version, "RFC 7644 §3.14: a created resource has a version")
	assert.False(t, got.Meta.Created.IsZero(), "RFC 7643 §3.1: meta.created is set")
	assert.False(t, got.Meta.LastModified.IsZero(), "RFC 7643 §3.1: meta.lastModified is set")
	assert.True(t, closeTimes(got.Meta.Created, got.Meta.LastModified),
		"RFC 7643 §3.1: a new resource's lastModified (%v) equals created (%v)", got.Meta.LastModified, got.Meta.Created)
	slack := time.Second // clocks of remote databases drift a little
	assert.True(t, !got.Meta.Created.Before(before.Add(-slack)) && !got.Meta.Created.After(after.Add(slack)),
		"RFC 7643 §3.1: meta.created %v is not the time of creation (%v..%v)", got.Meta.Created, before, after)
	assert.Equal(t, "bjensen", got.UserName)

	other := mustCreate(t, s, user("jsmith"))
	assert.NotEqual(t, got.ID, other.ID, "RFC 7643 §3.1: id is unique")
}

func testCreateIgnoresID(t *testing.T, s store.UserStore) {
	u := user("bjensen")
	u.ID = "chosen-by-client"
	u.Meta = store.Meta{
		Created:      time.Date(1999, 1, 1, 0, 0, 0, 0, time.UTC),
		LastModified: time.Date(1999, 1, 1, 0, 0, 0, 0, time.UTC),
		Version:      "client-version",
	}
	got := mustCreate(t, s, u)
	assert.NotEqual(t, "chosen-by-client", got.ID,
		"RFC 7643 §3.1: id is assigned by the service provider, not taken from the client")
	assert.NotEqual(t, "client-version", got.Meta.Version, "RFC 7643 §3.1: meta is assigned by the service provider")
	assert.True(t, got.Meta.Created.Year() > 2000, "RFC 7643 §3.1: meta.created is assigned by the service provider")
	_, err := s.Get(t.Context(), "chosen-by-client")
	assert.ErrorIs(t, err, store.ErrNotFound, "RFC 7643 §3.1: the client's id must not become the user's id")
	assert.Equal(t, "chosen-by-client", u.ID, "UserStore: Create must not modify its argument")
}

func testRoundTrip(t *testing.T, s store.UserStore) {
	in := FullUser()
	created := mustCreate(t, s, in)
	assert.Equal(t, withoutMeta(FullUser()), withoutMeta(withID(created, "")),
		"RFC 7644 §3.3: Create must return every attribute as stored")

	got := mustGet(t, s, created.ID)
	want := FullUser()
	want.ID = created.ID
	assert.Equal(t, withoutMeta(want), withoutMeta(got),
		"RFC 7644 §3.4.1: Get must return every attribute written by Create, including the enterprise (RFC 7643 §4.3) and custom extensions (RFC 7643 §3.3) and the password")
	assertSameMeta(t, created.Meta, got.Meta, "RFC 7644 §3.4.1: Get")
}

func withID(u *store.User, id string) *store.User {
	c := u.Clone()
	c.ID = id
	return c
}

func assertSameMeta(t *testing.T, want, got store.Meta, what string) {
	t.Helper()
	assert.Equal(t, want.Version, got.Version, "%s: meta.version differs from the one returned by the write", what)
	assert.True(t, closeTimes(want.Created, got.Created), "%s: meta.created %v, want %v (to the millisecond)", what, got.Created, want.Created)
	assert.True(t, closeTimes(want.LastModified, got.LastModified), "%s: meta.lastModified %v, want %v (to the millisecond)", what, got.LastModified, want.LastModified)
}

func testMinimalUser(t *testing.T, s store.UserStore) {
	created := mustCreate(t, s, &store.User{UserName: "min"})
	got := mustGet(t, s, created.ID)
	assert.Equal(t, map[string]any{"id": created.ID, "userName": "min"}, withoutMeta(got),
		"RFC 7643 §2.5: unassigned attributes must stay unassigned")
	assert.Nil(t, got.Active, "RFC 7643 §2.5: an unassigned active is not false")
}

func testCreateConflict(t *testing.T, s store.UserStore) {
	mustCreate(t, s, user("bjensen"))
	for _, name := range []string{"bjensen", "BJensen", "BJENSEN"} {
		_, err := s.Create(t.Context(), user(name))
		assert.ErrorIs(t, err, store.ErrConflict,
			"RFC 7643 §4.1.1: userName is unique without regard to case; creating %q after \"bjensen\"", name)
	}
	res, err := s.List(t.Context(), store.ListQuery{Count: -1})
	require.NoError(t, err, "RFC 7644 §3.4.2: List")
	assert.Equal(t, 1, res.TotalResults, "RFC 7644 §3.3: a conflicting Create must store nothing")
}

func testExternalIDNotUnique(t *testing.T, s store.UserStore) {
	a := user("a")
	a.ExternalID = "same"
	b := user("b")
	b.ExternalID = "same"
	mustCreate(t, s, a)
	_, err := s.Create(t.Context(), b)
	assert.NoError(t, err, "RFC 7643 §3.1: externalId is not unique (uniqueness none)")
}

func testGetNotFound(t *testing.T, s store.UserStore) {
	_, err := s.Get(t.Context(), "2819c223-7f76-453a-919d-413861904646")
	assert.ErrorIs(t, err, store.ErrNotFound, "RFC 7644 §3.4.1: Get of an unknown id")
	_, err = s.Get(t.Context(), "")
	assert.ErrorIs(t, err, store.ErrNotFound, "RFC 7644 §3.4.1: Get of the empty id")
}

func testReplaceRoundTrip(t *testing.T, s store.UserStore) {
	created := mustCreate(t, s, user("bjensen"))
	in := FullUser()
	in.ID = created.ID
	replaced := mustReplace(t, s, in, "")
	assert.Equal(t, withoutMeta(in), withoutMeta(replaced), "RFC 7644 §3.5.1: Replace must return every attribute as stored")
	got := mustGet(t, s, created.ID)
	assert.Equal(t, withoutMeta(in), withoutMeta(got), "RFC 7644 §3.5.1: Get after Replace must return every attribute written")
	assertSameMeta(t, replaced.Meta, got.Meta, "RFC 7644 §3.5.1: Get after Replace")

	// Replace removes what the new user does not have.
	small := user("bjensen")
	small.ID = created.ID
	mustReplace(t, s, small, "")
	got = mustGet(t, s, created.ID)
	assert.Equal(t, withoutMeta(small), withoutMeta(got),
		"RFC 7644 §3.5.1: Replace replaces all attributes; ones left out are removed")
}

func testReplaceKeepsCreated(t *testing.T, s store.UserStore) {
	created := mustCreate(t, s, user("bjensen"))
	time.Sleep(5 * time.Millisecond)
	u := created.Clone()
	u.DisplayName = "Babs"
	u.Meta.Created = time.Date(1999, 1, 1, 0, 0, 0, 0, time.UTC)
	replaced := mustReplace(t, s, u, "")
	assert.True(t, closeTimes(created.Meta.Created, replaced.Meta.Created),
		"RFC 7643 §3.1: meta.created is kept by Replace: got %v, want %v", replaced.Meta.Created, created.Meta.Created)
	assert.False(t, replaced.Meta.LastModified.Before(created.Meta.LastModified),
		"RFC 7643 §3.1: meta.lastModified went back in time on Replace")
	got := mustGet(t, s, created.ID)
	assert.True(t, closeTimes(created.Meta.Created, got.Meta.Created), "RFC 7643 §3.1: meta.created is kept by Replace")
	assert.Equal(t, "Babs", got.DisplayName)
}

func testReplaceConflict(t *testing.T, s store.UserStore) {
	mustCreate(t, s, user("bjensen"))
	b := mustCreate(t, s, user("jsmith"))
	u := b.Clone()
	u.UserName = "BJensen"
	_, err := s.Replace(t.Context(), u, "")
	assert.ErrorIs(t, err, store.ErrConflict,
		"RFC 7643 §4.1.1: Replace must not give a user the userName of another, compared without regard to case")
	got := mustGet(t, s, b.ID)
	assert.Equal(t, "jsmith", got.UserName, "RFC 7644 §3.5.1: a failed Replace must change nothing")
	assert.Equal(t, b.Meta.Version, got.Meta.Version, "RFC 7644 §3.5.1: a failed Replace must not change the version")
}

func testReplaceOwnName(t *testing.T, s store.UserStore) {
	a := mustCreate(t, s, user("bjensen"))
	u := a.Clone()
	u.UserName = "BJensen"
	got, err := s.Replace(t.Context(), u, "")
	require.NoError(t, err, "RFC 7643 §4.1.1: a user may change the case of its own userName")
	assert.Equal(t, "BJensen", got.UserName)
	assert.Equal(t, "BJensen", mustGet(t, s, a.ID).UserName, "RFC 7644 §3.5.1: the new case is stored")

	// And it still conflicts with itself for others.
	_, err = s.Create(t.Context(), user("bjensen"))
	assert.ErrorIs(t, err, store.ErrConflict, "RFC 7643 §4.1.1: userName stays unique after a change of case")
}

func testReplaceNotFound(t *testing.T, s store.UserStore) {
	u := user("bjensen")
	u.ID = "2819c223-7f76-453a-919d-413861904646"
	_, err := s.Replace(t.Context(), u, "")
	assert.ErrorIs(t, err, store.ErrNotFound, "RFC 7644 §3.5.1: Replace of an unknown id")
	_, err = s.Replace(t.Context(), u, "1")
	assert.ErrorIs(t, err, store.ErrNotFound, "RFC 7644 §3.5.1: Replace of an unknown id with ifVersion")
	res, err := s.List(t.Context(), store.ListQuery{Count: -1})
	require.NoError(t, err)
	assert.Zero(t, res.TotalResults, "RFC 7644 §3.5.1: Replace must not create a user")
}

func testReplaceVersionMismatch(t *testing.T, s store.UserStore) {
	created := mustCreate(t, s, user("bjensen"))
	u := created.Clone()
	u.DisplayName = "second"
	second := mustReplace(t, s, u, created.Meta.Version)

	stale := created.Clone()
	stale.DisplayName = "lost update"
	_, err := s.Replace(t.Context(), stale, created.Meta.Version)
	assert.ErrorIs(t, err, store.ErrVersionMismatch, "RFC 7644 §3.14: Replace with a stale version must fail")
	_, err = s.Replace(t.Context(), stale, "no-such-version")
	assert.ErrorIs(t, err, store.ErrVersionMismatch, "RFC 7644 §3.14: Replace with an unknown version must fail")

	got := mustGet(t, s, created.ID)
	assert.Equal(t, "second", got.DisplayName, "RFC 7644 §3.14: a version mismatch must change nothing")
	assert.Equal(t, second.Meta.Version, got.Meta.Version, "RFC 7644 §3.14: a version mismatch must not change the version")

	u = got.Clone()
	u.DisplayName = "third"
	mustReplace(t, s, u, second.Meta.Version)
}

func testVersionChanges(t *testing.T, s store.UserStore) {
	created := mustCreate(t, s, user("bjensen"))
	seen := map[string]bool{created.Meta.Version: true}
	last := created
	for i := range 3 {
		// The same content every time: the version must change anyway.
		u := last.Clone()
		next := mustReplace(t, s, u, "")
		assert.False(t, seen[next.Meta.Version],
			"RFC 7644 §3.14: every write must change the version; replace #%d returned %q again", i+1, next.Meta.Version)
		seen[next.Meta.Version] = true
		assert.False(t, next.Meta.LastModified.Before(last.Meta.LastModified), "RFC 7643 §3.1: meta.lastModified went back in time")
		got := mustGet(t, s, created.ID)
		assert.Equal(t, next.Meta.Version, got.Meta.Version, "RFC 7644 §3.14: Get must return the version of the last write")
		last = next
	}
	other := mustCreate(t, s, user("jsmith"))
	assert.NotEmpty(t, other.Meta.Version)
}

func testDelete(t *testing.T, s store.UserStore) {
	a := mustCreate(t, s, user("bjensen"))
	b := mustCreate(t, s, user("jsmith"))
	require.NoError(t, s.Delete(t.Context(), a.ID, ""), "RFC 7644 §3.6: Delete")
	_, err := s.Get(t.Context(), a.ID)
	assert.ErrorIs(t, err, store.ErrNotFound, "RFC 7644 §3.6: a deleted user must not be returned by Get")
	err = s.Delete(t.Context(), a.ID, "")
	assert.ErrorIs(t, err, store.ErrNotFound, "RFC 7644 §3.6: Delete of a deleted user")

	res, err := s.List(t.Context(), store.ListQuery{Count: -1})
	require.NoError(t, err, "RFC 7644 §3.4.2: List")
	assert.Equal(t, []string{b.ID}, ids(res.Users), "RFC 7644 §3.6: a deleted user must not be listed")
	assert.Equal(t, 1, res.TotalResults)

	again, err := s.Create(t.Context(), user("BJENSEN"))
	require.NoError(t, err, "RFC 7643 §4.1.1: the userName of a deleted user is free again")
	assert.NotEqual(t, a.ID, again.ID, "RFC 7643 §3.1: ids are not reused")
	mustGet(t, s, b.ID)
}

func testDeleteNotFound(t *testing.T, s store.UserStore) {
	err := s.Delete(t.Context(), "2819c223-7f76-453a-919d-413861904646", "")
	assert.ErrorIs(t, err, store.ErrNotFound, "RFC 7644 §3.6: Delete of an unknown id")
	err = s.Delete(t.Context(), "2819c223-7f76-453a-919d-413861904646", "1")
	assert.ErrorIs(t, err, store.ErrNotFound, "RFC 7644 §3.6: Delete of an unknown id with ifVersion")
}

func testDeleteVersionMismatch(t *testing.T, s store.UserStore) {
	created := mustCreate(t, s, user("bjensen"))
	u := created.Clone()
	u.DisplayName = "second"
	second := mustReplace(t, s, u, "")
	err := s.Delete(t.Context(), created.ID, created.Meta.Version)
	assert.ErrorIs(t, err, store.ErrVersionMismatch, "RFC 7644 §3.14: Delete with a stale version must fail")
	got := mustGet(t, s, created.ID)
	assert.Equal(t, second.Meta.Version, got.Meta.Version, "RFC 7644 §3.14: a failed Delete must change nothing")
	require.NoError(t, s.Delete(t.Context(), created.ID, second.Meta.Version),
		"RFC 7644 §3.14: Delete with the current version must succeed")
	_, err = s.Get(t.Context(), created.ID)
	assert.ErrorIs(t, err, store.ErrNotFound, "RFC 7644 §3.6")
}

// scribble modifies every reachable part of u.
func scribble(u *store.User) {
	u.UserName = "scribbled"
	u.Name.GivenName = "scribbled"
	*u.Active = false
	u.Emails[0].Value = "scribbled"
	u.Emails = append(u.Emails, store.MultiValue{Value: "more"})
	u.Addresses[0].Locality = "scribbled"
	u.Groups[0].Display = "scribbled"
	u.Roles[0].Value = "scribbled"
	u.Enterprise.Department = "scribbled"
	u.Enterprise.Manager.DisplayName = "scribbled"
	u.Extensions[AcmeURN]["badge"] = "scribbled"
	u.Extensions["urn:example:scribbled"] = map[string]any{"x": "y"}
	u.Meta.Version = "scribbled"
}

func testNoAliasing(t *testing.T, s store.UserStore) {
	const msg = "UserStore: %s shares memory with the store's state"
	in := FullUser()
	created := mustCreate(t, s, in)
	want := withoutMeta(withID(FullUser(), created.ID))

	scribble(in)
	assert.Equal(t, want, withoutMeta(mustGet(t, s, created.ID)), msg, "the argument of Create")

	scribble(created)
	assert.Equal(t, want, withoutMeta(mustGet(t, s, created.ID)), msg, "the result of Create")

	got := mustGet(t, s, created.ID)
	scribble(got)
	got = mustGet(t, s, created.ID)
	assert.Equal(t, want, withoutMeta(got), msg, "the result of Get")

	repl := got.Clone()
	replaced := mustReplace(t, s, repl, "")
	scribble(repl)
	assert.Equal(t, want, withoutMeta(mustGet(t, s, created.ID)), msg, "the argument of Replace")
	scribble(replaced)
	assert.Equal(t, want, withoutMeta(mustGet(t, s, created.ID)), msg, "the result of Replace")

	res, err := s.List(t.Context(), store.ListQuery{Count: -1})
	require.NoError(t, err)
	require.Len(t, res.Users, 1)
	scribble(res.Users[0])
	assert.Equal(t, want, withoutMeta(mustGet(t, s, created.ID)), msg, "the result of List")
}

func ids(us []*store.User) []string {
	l := make([]string, len(us))
	for i, u := range us {
		l[i] = u.ID
	}
	return l
}

func userNames(us []*store.User) []string {
	l := make([]string, len(us))
	for i, u := range us {
		l[i] = u.UserName
	}
	return l
}

func list(t *testing.T, s store.UserStore, q store.ListQuery) *store.ListResult {
	t.Helper()
	res, err := s.List(t.Context(), q)
	require.NoError(t, err, "RFC 7644 §3.4.2: List")
	require.NotNil(t, res, "RFC 7644 §3.4.2: List returned nil")
	return res
}

func testListEmpty(t *testing.T, s store.UserStore) {
	res := list(t, s, store.ListQuery{Count: -1})
	assert.Zero(t, res.TotalResults, "RFC 7644 §3.4.2: totalResults of an empty store")
	assert.Empty(t, res.Users)
}

func testListPaging(t *testing.T, s store.UserStore) {
	for i := range 5 {
		mustCreate(t, s, user(fmt.Sprintf("user%d", i)))
	}
	all := list(t, s, store.ListQuery{Count: -1})
	require.Equal(t, 5, all.TotalResults, "RFC 7644 §3.4.2: totalResults is the number of matches")
	require.Len(t, all.Users, 5, "RFC 7644 §3.4.2.4: a negative count means no limit")
	order := userNames(all.Users)

	cases := []struct {
		start, count int
		want         []string
		why          string
	}{
		{1, 2, order[0:2], "startIndex 1 is the first result"},
		{2, 2, order[1:3], "startIndex is 1-based"},
		{4, 10, order[3:5], "a count beyond the end returns the rest"},
		{0, 2, order[0:2], "startIndex below 1 is taken as 1"},
		{-3, 1, order[0:1], "startIndex below 1 is taken as 1"},
		{5, 1, order[4:5], "the last page"},
		{6, 10, nil, "startIndex beyond the end returns no users"},
		{100, 1, nil, "startIndex far beyond the end returns no users"},
		{1, 0, nil, "count 0 returns no users, only totalResults"},
		{3, -1, order[2:], "a negative count means no limit"},
	}
	for _, c := range cases {
		res := list(t, s, store.ListQuery{StartIndex: c.start, Count: c.count})
		assert.Equal(t, 5, res.TotalResults,
			"RFC 7644 §3.4.2.4: totalResults is exact on every page (startIndex %d, count %d)", c.start, c.count)
		if c.want == nil {
			assert.Empty(t, res.Users, "RFC 7644 §3.4.2.4: %s (startIndex %d, count %d)", c.why, c.start, c.count)
		} else {
			assert.Equal(t, c.want, userNames(res.Users), "RFC 7644 §3.4.2.4: %s (startIndex %d, count %d)", c.why, c.start, c.count)
		}
	}

	// Walking the pages visits every user once.
	var walked []string
	for start := 1; start <= 5; start += 2 {
		walked = append(walked, userNames(list(t, s, store.ListQuery{StartIndex: start, Count: 2}).Users)...)
	}
	assert.Equal(t, order, walked, "RFC 7644 §3.4.2.4: consecutive pages must cover every user once")
}

func testListStable(t *testing.T, s store.UserStore) {
	for _, n := range []string{"m", "c", "x", "a", "k", "b"} {
		mustCreate(t, s, user(n))
	}
	first := userNames(list(t, s, store.ListQuery{Count: -1}).Users)
	for range 3 {
		again := userNames(list(t, s, store.ListQuery{Count: -1}).Users)
		assert.Equal(t, first, again, "RFC 7644 §3.4.2.4: without sortBy the order must be stable across calls, or paging breaks")
	}
	// Deleting a user leaves the others in the same relative order.
	byName := map[string]string{}
	for _, u := range list(t, s, store.ListQuery{Count: -1}).Users {
		byName[u.UserName] = u.ID
	}
	require.NoError(t, s.Delete(t.Context(), byName[first[2]], ""))
	after := userNames(list(t, s, store.ListQuery{Count: -1}).Users)
	assert.Equal(t, slices.Delete(slices.Clone(first), 2, 3), after,
		"RFC 7644 §3.4.2.4: deleting a user must not reorder the others")
}

// population creates the users the filter and sort tests query.
func population(t *testing.T, s store.UserStore) map[string]*store.User {
	t.Helper()
	yes, no := true, false
	users := []*store.User{
		{
			UserName: "bjensen", ExternalID: "E1", Title: "Guide", Active: &yes,
			Emails:     []store.MultiValue{{Value: "bjensen@example.com", Type: "work", Primary: true}},
			Enterprise: &store.EnterpriseUser{Department: "Sales", Manager: &store.Manager{Value: "m1"}},
			Extensions: map[string]map[string]any{AcmeURN: {"badge": "B-1", "remote": true}},
		},
		{
			UserName: "jsmith", ExternalID: "e1", Active: &yes,
			Emails: []store.MultiValue{
				{Value: "jsmith@example.org", Type: "home"},
				{Value: "js@corp.example.com", Type: "work"},
			},
			Enterprise: &store.EnterpriseUser{Department: "Engineering"},
			Extensions: map[string]map[string]any{AcmeURN: {"badge": "B-2", "remote": false}},
		},
		{
			UserName: "mary", ExternalID: "E1", Title: "Admin",
			Emails: []store.MultiValue{
				{Value: "mary@corp.example.com", Type: "home"},
				{Value: "mary@example.com", Type: "work"},
			},
		},
		{UserName: "Zed", Active: &no},
	}
	m := make(map[string]*store.User, len(users))
	for _, u := range users {
		m[u.UserName] = mustCreate(t, s, u)
	}
	return m
}

func parse(t *testing.T, src string) filter.Expr {
	t.Helper()
	f, err := filter.Parse(src, ResourceType(), filter.Limits{})
	require.NoError(t, err, "storetest: bad filter %q", src)
	return f
}

// listOrSkip lists, skipping the test when the store does not support q.
func listOrSkip(t *testing.T, s store.UserStore, q store.ListQuery, what string) *store.ListResult {
	t.Helper()
	res, err := s.List(t.Context(), q)
	if errors.Is(err, errors.ErrUnsupported) {
		t.Skipf("store does not support %s: %v", what, err)
	}
	require.NoError(t, err, "RFC 7644 §3.4.2: List with %s", what)
	require.NotNil(t, res, "RFC 7644 §3.4.2: List returned nil")
	return res
}

func testListFilter(t *testing.T, s store.UserStore) {
	pop := population(t, s)
	cases := []struct {
		filter string
		want   []string
		rfc    string
	}{
		{`userName eq "bjensen"`, []string{"bjensen"}, "RFC 7644 §3.4.2.2"},
		{`userName eq "BJENSEN"`, []string{"bjensen"}, "RFC 7643 §4.1.1 (userName is not caseExact)"},
		{`userName eq "nobody"`, nil, "RFC 7644 §3.4.2.2"},
		{`userName ne "bjensen"`, []string{"jsmith", "mary", "Zed"}, "RFC 7644 §3.4.2.2"},
		{`userName sw "J"`, []string{"jsmith"}, "RFC 7644 §3.4.2.2"},
		{`externalId eq "E1"`, []string{"bjensen", "mary"}, "RFC 7643 §3.1 (externalId is caseExact)"},
		{`id eq "` + pop["mary"].ID + `"`, []string{"mary"}, "RFC 7644 §3.4.2.2"},
		{`emails co "example.org"`, []string{"jsmith"}, "RFC 7644 §3.4.2.2 (a complex attribute compares its value)"},
		{`emails.value ew "@corp.example.com"`, []string{"jsmith", "mary"}, "RFC 7644 §3.4.2.2 (any value of a multi-valued attribute)"},
		{`emails[type eq "work" and value co "corp"]`, []string{"jsmith"}, "RFC 7644 §3.4.2.2 (a value path matches within one value)"},
		{`userName eq "bjensen" or userName eq "mary"`, []string{"bjensen", "mary"}, "RFC 7644 §3.4.2.2 (or)"},
		{`externalId eq "E1" and emails co "corp"`, []string{"mary"}, "RFC 7644 §3.4.2.2 (and)"},
		{`userName eq "BJensen" and title pr`, []string{"bjensen"}, "RFC 7644 §3.4.2.2 (and)"},
		{`userName eq "bjensen" and title eq "Admin"`, nil, "RFC 7644 §3.4.2.2 (and)"},
		{`not (externalId pr)`, []string{"Zed"}, "RFC 7644 §3.4.2.2 (not)"},
		{`title pr`, []string{"bjensen", "mary"}, "RFC 7644 §3.4.2.2 (pr)"},
		{`active eq false`, []string{"Zed"}, "RFC 7644 §3.4.2.2 (boolean)"},
		{`urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:department eq "Sales"`, []string{"bjensen"}, "RFC 7643 §4.3 (enterprise extension)"},
		{`urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager.value eq "m1"`, []string{"bjensen"}, "RFC 7643 §4.3 (enterprise extension)"},
		{AcmeURN + `:badge eq "b-2"`, []string{"jsmith"}, "RFC 7643 §3.3 (custom extension, not caseExact)"},
		{AcmeURN + `:remote eq true`, []string{"bjensen"}, "RFC 7643 §3.3 (custom extension boolean)"},
		{`meta.created gt "2000-01-01T00:00:00Z"`, []string{"bjensen", "jsmith", "mary", "Zed"}, "RFC 7644 §3.4.2.2 (dateTime)"},
		{`meta.lastModified lt "2000-01-01T00:00:00Z"`, nil, "RFC 7644 §3.4.2.2 (dateTime)"},
	}
	for _, c := range cases {
		t.Run(c.filter, func(t *testing.T) {
			q := store.ListQuery{Filter: parse(t, c.filter), Count: -1}
			res := listOrSkip(t, s, q, "filter "+c.filter)
			assert.ElementsMatch(t, c.want, userNames(res.Users), "%s: filter %s", c.rfc, c.filter)
			assert.Equal(t, len(c.want), res.TotalResults, "RFC 7644 §3.4.2: totalResults for filter %s", c.filter)
		})
	}
}

func testListFilterPaging(t *testing.T, s store.UserStore) {
	population(t, s)
	f := parse(t, `externalId eq "E1"`)
	all := listOrSkip(t, s, store.ListQuery{Filter: f, Count: -1}, "filter externalId eq")
	require.Len(t, all.Users, 2)
	res := listOrSkip(t, s, store.ListQuery{Filter: f, Count: 1}, "filter externalId eq")
	assert.Equal(t, 2, res.TotalResults, "RFC 7644 §3.4.2.4: totalResults counts all matches, not the page")
	assert.Equal(t, ids(all.Users[:1]), ids(res.Users), "RFC 7644 §3.4.2.4: first page of a filtered listing")
	res = listOrSkip(t, s, store.ListQuery{Filter: f, StartIndex: 2, Count: 5}, "filter externalId eq")
	assert.Equal(t, 2, res.TotalResults, "RFC 7644 §3.4.2.4: totalResults counts all matches, not the page")
	assert.Equal(t, ids(all.Users[1:]), ids(res.Users), "RFC 7644 §3.4.2.4: second page of a filtered listing")
	res = listOrSkip(t, s, store.ListQuery{Filter: f, Count: 0}, "filter externalId eq")
	assert.Equal(t, 2, res.TotalResults, "RFC 7644 §3.4.2.4: count 0 still counts")
	assert.Empty(t, res.Users, "RFC 7644 §3.4.2.4: count 0 returns no users")
}

func testListFilterLastModified(t *testing.T, s store.UserStore) {
	a := mustCreate(t, s, user("first"))
	b := mustCreate(t, s, user("second"))
	// Rewrite b until its lastModified is after a's: stores may keep coarse
	// times.
	for deadline := time.Now().Add(3 * time.Second); !b.Meta.LastModified.After(a.Meta.LastModified); {
		if time.Now().After(deadline) {
			t.Skip("store's lastModified did not advance in 3s")
		}
		time.Sleep(10 * time.Millisecond)
		b = mustReplace(t, s, b, "")
	}
	at := a.Meta.LastModified.UTC().Format(time.RFC3339Nano)
	src := `meta.lastModified gt "` + at + `"`
	res := listOrSkip(t, s, store.ListQuery{Filter: parse(t, src), Count: -1}, "filter "+src)
	assert.Equal(t, []string{"second"}, userNames(res.Users),
		"RFC 7644 §3.4.2.2: dateTime values compare as instants (%s; first %v, second %v)", src, a.Meta.LastModified, b.Meta.LastModified)

	src = `meta.lastModified le "` + at + `"`
	res = listOrSkip(t, s, store.ListQuery{Filter: parse(t, src), Count: -1}, "filter "+src)
	assert.Equal(t, []string{"first"}, userNames(res.Users), "RFC 7644 §3.4.2.2: dateTime values compare as instants (%s)", src)
}

func testListSort(t *testing.T, s store.UserStore) {
	population(t, s)
	rt := ResourceType()
	by := func(path string) schema.AttrRef {
		r, err := rt.ParsePath(path)
		require.NoError(t, err, "storetest: bad path %q", path)
		return r
	}
	sorted := func(q store.ListQuery) []string {
		q.Count = -1
		return userNames(listOrSkip(t, s, q, "sortBy "+q.SortBy.String()).Users)
	}

	assert.Equal(t, []string{"bjensen", "jsmith", "mary", "Zed"}, sorted(store.ListQuery{SortBy: by("userName")}),
		"RFC 7644 §3.4.2.3: sortBy userName ascending, without regard to case (RFC 7643 §4.1.1)")
	assert.Equal(t, []string{"Zed", "mary", "jsmith", "bjensen"}, sorted(store.ListQuery{SortBy: by("userName"), SortOrder: store.Descending}),
		"RFC 7644 §3.4.2.3: sortBy userName descending")

	asc := sorted(store.ListQuery{SortBy: by("title")})
	require.Len(t, asc, 4)
	assert.Equal(t, []string{"mary", "bjensen"}, asc[:2], "RFC 7644 §3.4.2.3: sortBy title ascending")
	assert.ElementsMatch(t, []string{"jsmith", "Zed"}, asc[2:], "RFC 7644 §3.4.2.3: users without a value sort last")
	desc := sorted(store.ListQuery{SortBy: by("title"), SortOrder: store.Descending})
	require.Len(t, desc, 4)
	assert.Equal(t, []string{"bjensen", "mary"}, desc[:2], "RFC 7644 §3.4.2.3: sortBy title descending")
	assert.ElementsMatch(t, []string{"jsmith", "Zed"}, desc[2:], "RFC 7644 §3.4.2.3: users without a value sort last in descending order too")

	dept := sorted(store.ListQuery{SortBy: by("urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:department")})
	require.Len(t, dept, 4)
	assert.Equal(t, []string{"jsmith", "bjensen"}, dept[:2], "RFC 7644 §3.4.2.3: sortBy an extension attribute")

	page := listOrSkip(t, s, store.ListQuery{SortBy: by("userName"), StartIndex: 2, Count: 2}, "sortBy userName")
	assert.Equal(t, []string{"jsmith", "mary"}, userNames(page.Users), "RFC 7644 §3.4.2.4: paging applies after sorting")
	assert.Equal(t, 4, page.TotalResults)

	f := parse(t, `title pr`)
	filtered := listOrSkip(t, s, store.ListQuery{Filter: f, SortBy: by("userName"), SortOrder: store.Descending, Count: -1}, "filter with sortBy")
	assert.Equal(t, []string{"mary", "bjensen"}, userNames(filtered.Users), "RFC 7644 §3.4.2.3: sorting a filtered listing")
}

func testConcurrentMixed(t *testing.T, s store.UserStore) {
	const workers, rounds = 8, 15
	ctx := t.Context()
	var wg sync.WaitGroup
	for w := range workers {
		wg.Go(func() {
			for i := range rounds {
				name := fmt.Sprintf("w%d-%d", w, i)
				u, err := s.Create(ctx, user(name))
				if !assert.NoError(t, err, "RFC 7644 §3.3: concurrent Create") {
					return
				}
				got, err := s.Get(ctx, u.ID)
				if !assert.NoError(t, err, "RFC 7644 §3.4.1: concurrent Get") {
					return
				}
				got.DisplayName = "changed"
				r, err := s.Replace(ctx, got, "")
				if !assert.NoError(t, err, "RFC 7644 §3.5.1: concurrent Replace") {
					return
				}
				r.Title = "again"
				_, err = s.Replace(ctx, r, r.Meta.Version)
				assert.NoError(t, err, "RFC 7644 §3.14: concurrent Replace with the current version (no one else writes this user)")
				_, err = s.List(ctx, store.ListQuery{StartIndex: 1, Count: 5})
				assert.NoError(t, err, "RFC 7644 §3.4.2: concurrent List")
				if i%3 == 0 {
					assert.NoError(t, s.Delete(ctx, u.ID, ""), "RFC 7644 §3.6: concurrent Delete")
				}
			}
		})
	}
	wg.Wait()

	res := list(t, s, store.ListQuery{Count: -1})
	want := workers * (rounds - (rounds+2)/3)
	assert.Equal(t, want, res.TotalResults, "UserStore: concurrent writes lost or duplicated users")
	for _, u := range res.Users {
		assert.Equal(t, "changed", u.DisplayName, "UserStore: a concurrent Replace was lost for %s", u.UserName)
		assert.Equal(t, "again", u.Title, "UserStore: a concurrent Replace was lost for %s", u.UserName)
	}
}

func testConcurrentIfVersion(t *testing.T, s store.UserStore) {
	ctx := t.Context()
	cur := mustCreate(t, s, user("bjensen"))
	for round := range 20 {
		version := cur.Meta.Version
		start := make(chan struct{})
		var wg sync.WaitGroup
		errs := make([]error, 2)
		for w := range 2 {
			wg.Go(func() {
				u := cur.Clone()
				u.DisplayName = fmt.Sprintf("round %d writer %d", round, w)
				<-start
				_, errs[w] = s.Replace(ctx, u, version)
			})
		}
		close(start)
		wg.Wait()

		wins := 0
		for _, err := range errs {
			if err == nil {
				wins++
			} else {
				assert.ErrorIs(t, err, store.ErrVersionMismatch, "RFC 7644 §3.14: the losing conditional write")
			}
		}
		require.Equal(t, 1, wins,
			"RFC 7644 §3.14: of two Replaces with the same ifVersion exactly one must win; the check and the write must be atomic (round %d)", round)
		cur = mustGet(t, s, cur.ID)
		assert.NotEqual(t, version, cur.Meta.Version)
	}

	// A conditional Delete racing a conditional Replace: one wins.
	version := cur.Meta.Version
	start := make(chan struct{})
	var wg sync.WaitGroup
	var replaceErr, deleteErr error
	wg.Go(func() {
		u := cur.Clone()
		<-start
		_, replaceErr = s.Replace(ctx, u, version)
	})
	wg.Go(func() {
		<-start
		deleteErr = s.Delete(ctx, cur.ID, version)
	})
	close(start)
	wg.Wait()
	if replaceErr == nil {
		assert.ErrorIs(t, deleteErr, store.ErrVersionMismatch, "RFC 7644 §3.14: Delete after a winning Replace with the same ifVersion")
	} else {
		assert.NoError(t, deleteErr, "RFC 7644 §3.14: one of a conditional Replace and Delete must win")
		assert.True(t, errors.Is(replaceErr, store.ErrNotFound) || errors.Is(replaceErr, store.ErrVersionMismatch),
			"RFC 7644 §3.14: Replace after a winning Delete: got %v", replaceErr)
	}
}

func testConcurrentSameName(t *testing.T, s store.UserStore) {
	ctx := t.Context()
	names := []string{"bjensen", "BJensen", "BJENSEN", "bJensen", "bjensen", "Bjensen"}
	start := make(chan struct{})
	errs := make([]error, len(names))
	var wg sync.WaitGroup
	for i, n := range names {
		wg.Go(func() {
			<-start
			_, errs[i] = s.Create(ctx, user(n))
		})
	}
	close(start)
	wg.Wait()
	wins := 0
	for _, err := range errs {
		if err == nil {
			wins++
		} else {
			assert.ErrorIs(t, err, store.ErrConflict, "RFC 7643 §4.1.1: the losing Creates")
		}
	}
	assert.Equal(t, 1, wins, "RFC 7643 §4.1.1: of concurrent Creates with the same userName (any case) exactly one must win")
	assert.Equal(t, 1, list(t, s, store.ListQuery{Count: -1}).TotalResults)
}
