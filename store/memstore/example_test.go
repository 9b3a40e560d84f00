package memstore_test

import (
	"context"
	"errors"
	"fmt"

	"github.com/scimstack/scimstack/filter"
	"github.com/scimstack/scimstack/schema"
	"github.com/scimstack/scimstack/store"
	"github.com/scimstack/scimstack/store/memstore"
)

func Example() {
	ctx := context.Background()
	users := memstore.New()

	for _, name := range []string{"bjensen", "jsmith", "mary"} {
		if _, err := users.Create(ctx, &store.User{UserName: name, ExternalID: "hr-" + name}); err != nil {
			panic(err)
		}
	}

	// userName is unique without regard to case.
	_, err := users.Create(ctx, &store.User{UserName: "BJensen"})
	fmt.Println(errors.Is(err, store.ErrConflict))

	rt, err := schema.UserResourceType()
	if err != nil {
		panic(err)
	}
	f, err := filter.Parse(`userName eq "JSMITH" or externalId eq "hr-mary"`, rt, filter.Limits{})
	if err != nil {
		panic(err)
	}
	res, err := users.List(ctx, store.ListQuery{Filter: f, StartIndex: 1, Count: 10})
	if err != nil {
		panic(err)
	}
	fmt.Println(res.TotalResults)
	for _, u := range res.Users {
		fmt.Println(u.UserName)
	}
	// Output:
	// true
	// 2
	// jsmith
	// mary
}
