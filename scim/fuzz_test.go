package scim_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// FuzzHandler sends arbitrary bodies and filters to every endpoint that
// reads client input. Whatever arrives, the answer is a response below 500
// with a SCIM body, and a failed request changes nothing.
func FuzzHandler(f *testing.F) {
	for _, s := range []string{
		`{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"a"}`,
		`{"userName":"b","emails":[{"value":"x","primary":"True"}],"active":"False"}`,
		`{"Operations":[{"op":"Replace","path":"emails[type eq \"work\"].value","value":"v"}]}`,
		`{"Operations":[{"op":"add","value":{"name.givenName":"g","urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager":"m"}}]}`,
		`{"Operations":[{"op":"remove","path":"emails[value co \"\"]"}]}`,
		`{"filter":"userName sw \"a\"","startIndex":-1,"count":1e99}`,
		`userName eq "a" or not (emails[type eq "work" and value ew "\u0000"])`,
		`{"userName":` + strings.Repeat(`[`, 500),
		`{"Operations":null}`,
		``,
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, in string) {
		c := newClient(t, nil)
		id := c.create("fuzz@example.com")["id"].(string)
		before := c.do("GET", "/Users/"+id, nil).Body.String()
		check := func(res response) {
			t.Helper()
			require.Less(t, res.Code, 500, "input %q gave %d: %s", in, res.Code, res.Body.String())
			if res.Code >= 400 {
				assert.Equal(t, "application/scim+json", res.Header().Get("Content-Type"))
			}
		}
		check(c.do("POST", "/Users", in))
		check(c.do("POST", "/Users/.search", in))
		check(c.do("GET", "/Users?filter="+url.QueryEscape(in), nil))
		check(c.do("GET", "/Users?sortBy="+url.QueryEscape(in)+"&attributes="+url.QueryEscape(in), nil))
		res := c.do("PUT", "/Users/"+id, in)
		check(res)
		put := res.Code == http.StatusOK
		res = c.do("PATCH", "/Users/"+id, in)
		check(res)
		if !put && res.Code != http.StatusOK {
			assert.Equal(t, before, c.do("GET", "/Users/"+id, nil).Body.String(), "a failed write changes nothing")
		}
	})
}
