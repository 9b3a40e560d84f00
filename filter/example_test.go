package filter_test

import (
	"fmt"

	"github.com/scimstack/scimstack/filter"
	"github.com/scimstack/scimstack/schema"
)

func Example() {
	rt, err := schema.UserResourceType()
	if err != nil {
		panic(err)
	}
	// The form Microsoft Entra ID sends, with an upper-case operator.
	e, err := filter.Parse(`emails[type eq "work"].value EQ "BJensen@example.com"`, rt, filter.Limits{})
	if err != nil {
		panic(err)
	}
	fmt.Println(e)

	user := map[string]any{
		"userName": "bjensen",
		"emails": []any{
			map[string]any{"value": "bjensen@example.com", "type": "work"},
		},
	}
	fmt.Println(filter.Match(e, user))

	_, err = filter.Parse(`userName bjensen`, rt, filter.Limits{})
	fmt.Println(err)
	// Output:
	// emails[type eq "work" and value eq "BJensen@example.com"]
	// true
	// invalidFilter: unknown comparison operator "bjensen" after "userName": use eq, ne, co, sw, ew, gt, ge, lt, le or pr
}

func ExampleParsePath() {
	rt, err := schema.UserResourceType()
	if err != nil {
		panic(err)
	}
	p, err := filter.ParsePath(`emails[type eq "work"].value`, rt, filter.Limits{})
	if err != nil {
		panic(err)
	}
	fmt.Println(p.Attr, p.Sub.Name)
	fmt.Println(filter.MatchValue(p.Filter, map[string]any{"type": "Work", "value": "a@example.com"}))
	// Output:
	// emails value
	// true
}
