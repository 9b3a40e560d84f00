package sqlstore_test

import (
	"context"
	"fmt"
	"log"
	"os"
	"path/filepath"

	"github.com/scimstack/scimstack/filter"
	"github.com/scimstack/scimstack/schema"
	"github.com/scimstack/scimstack/store"
	"github.com/scimstack/scimstack/store/sqlstore"
)

func Example() {
	ctx := context.Background()
	dir, err := os.MkdirTemp("", "sqlstore-example")
	if err != nil {
		log.Fatal(err)
	}
	defer os.RemoveAll(dir)

	st, err := sqlstore.Open(ctx, sqlstore.SQLite, filepath.Join(dir, "scim.db"), nil)
	if err != nil {
		log.Fatal(err)
	}
	defer st.Close()
	if err := st.Migrate(ctx); err != nil {
		log.Fatal(err)
	}

	for _, name := range []string{"bjensen@example.com", "jsmith@example.com"} {
		if _, err := st.Create(ctx, &store.User{UserName: name, Emails: []store.MultiValue{{Value: name, Type: "work"}}}); err != nil {
			log.Fatal(err)
		}
	}
	_, err = st.Create(ctx, &store.User{UserName: "BJensen@Example.com"})
	fmt.Println("same userName, other case:", err)

	rt, err := schema.UserResourceType()
	if err != nil {
		log.Fatal(err)
	}
	f, err := filter.Parse(`emails[type eq "work" and value sw "BJ"]`, rt, filter.Limits{})
	if err != nil {
		log.Fatal(err)
	}
	res, err := st.List(ctx, store.ListQuery{Filter: f, Count: 10})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("totalResults:", res.TotalResults)
	for _, u := range res.Users {
		fmt.Println(u.UserName, "version", u.Meta.Version)
	}
	// Output:
	// same userName, other case: sqlstore: create: store: userName already taken
	// totalResults: 1
	// bjensen@example.com version 1
}
