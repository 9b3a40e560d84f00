package scim_test

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"

	"github.com/scimstack/scimstack/scim"
	"github.com/scimstack/scimstack/store/memstore"
)

func ExampleNewHandler() {
	h, err := scim.NewHandler(memstore.New(), &scim.Options{
		BaseURL: "https://app.example.com/scim/v2",
		Tokens:  []string{"s3cret"},
	})
	if err != nil {
		panic(err)
	}
	mux := http.NewServeMux()
	mux.Handle("/scim/v2/", http.StripPrefix("/scim/v2", h))

	req := httptest.NewRequest("POST", "/scim/v2/Users", strings.NewReader(
		`{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"bjensen"}`))
	req.Header.Set("Authorization", "Bearer s3cret")
	rec := httptest.NewRecorder()
	mux.ServeHTTP(rec, req)
	fmt.Println(rec.Code, rec.Header().Get("Content-Type"))
	fmt.Println(strings.HasPrefix(rec.Header().Get("Location"), "https://app.example.com/scim/v2/Users/"))
	// Output:
	// 201 application/scim+json
	// true
}
