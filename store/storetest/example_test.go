package storetest_test

import (
	"context"
	"fmt"

	"github.com/scimstack/scimstack/filter"
	"github.com/scimstack/scimstack/store"
	"github.com/scimstack/scimstack/store/memstore"
	"github.com/scimstack/scimstack/store/storetest"
)

// The kit's fixtures serve an adapter's own tests too.
func Example() {
	ctx := context.Background()
	users := memstore.New()
	if _, err := users.Create(ctx, storetest.FullUser()); err != nil {
		panic(err)
	}

	f, err := filter.Parse(storetest.AcmeURN+`:remote eq true`, storetest.ResourceType(), filter.Limits{})
	if err != nil {
		panic(err)
	}
	res, err := users.List(ctx, store.ListQuery{Filter: f, Count: -1})
	if err != nil {
		panic(err)
	}
	u := res.Users[0]
	fmt.Println(res.TotalResults, u.UserName, u.Extensions[storetest.AcmeURN]["badge"])
	// Output:
	// 1 bjensen@example.com B-17
}
