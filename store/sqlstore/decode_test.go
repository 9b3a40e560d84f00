package sqlstore

import (
	"bytes"
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/scimstack/scimstack/schema"
	"github.com/scimstack/scimstack/store/storetest"
)

// referenceDecode is decodeDoc by encoding/json: numbers decoded as
// json.Number, then converted with the definition found for each value.
func referenceDecode(rt *schema.ResourceType, doc string) (map[string]any, error) {
	if !json.Valid([]byte(doc)) {
		return nil, assert.AnError
	}
	dec := json.NewDecoder(bytes.NewReader([]byte(doc)))
	dec.UseNumber()
	var m map[string]any
	if err := dec.Decode(&m); err != nil {
		return nil, err
	}
	var conv func(a *schema.Attribute, v any) any
	conv = func(a *schema.Attribute, v any) any {
		switch x := v.(type) {
		case json.Number:
			return number(a, string(x))
		case []any:
			for i, e := range x {
				x[i] = conv(a, e)
			}
		case map[string]any:
			for k, e := range x {
				var sub *schema.Attribute
				if a != nil {
					sub = a.SubAttribute(k)
				}
				x[k] = conv(sub, e)
			}
		}
		return v
	}
	for k, v := range m {
		if ext := rt.Extension(k); ext != nil {
			if em, ok := v.(map[string]any); ok {
				for name, ev := range em {
					em[name] = conv(ext.Attribute(name), ev)
				}
			} else {
				m[k] = conv(nil, v)
			}
			continue
		}
		var a *schema.Attribute
		if ref, err := rt.Lookup("", k, ""); err == nil {
			a = ref.Attr
		}
		m[k] = conv(a, v)
	}
	return m, nil
}

var decodeSeeds = []string{
	`{}`,
	`{"userName":"bjensen","active":true,"name":{"givenName":"Barbara"},"emails":[{"value":"b@x","primary":true},{"value":"c@y"}]}`,
	` { "userName" : "a\"b\\c\/d\b\f\n\r\t\u00e9\ud83d\ude00\ud800x\udc00" , "nickName":null } `,
	`{"urn:ietf:params:scim:schemas:extension:acme:2.0:User":{"badge":"B-1","remote":false,"n":12,"f":1.5}}`,
	`{"urn:ietf:params:scim:schemas:extension:enterprise:2.0:User":{"employeeNumber":"7","manager":{"value":"x"}}}`,
	`{"x":[1,-2,3.5,1e3,-0,0.0,12345678901234567890,[],{}],"y":[[[]]],"z":"\u0000"}`,
	"{\"title\":\"invalid \xff\xfe bytes\",\"displayName\":\"\xc3\xa9\\u00e9\\ud800\"}",
	`{"a":1}x`, `{"a":}`, `{"a" 1}`, `{"a":01}`, `{"a":1.}`, `{"a":-}`, `{"a":"\x"}`, `{"a":"\u12"}`, `[1]`, `{"a":tru}`, `{"a":"x`, `{"a":[1,]}`,
}

func TestDecodeDocMatchesEncodingJSON(t *testing.T) {
	s := &Store{rt: storetest.ResourceType()}
	for _, doc := range decodeSeeds {
		checkDecode(t, s, doc)
	}
}

func FuzzDecodeDoc(f *testing.F) {
	for _, doc := range decodeSeeds {
		f.Add(doc)
	}
	s := &Store{rt: storetest.ResourceType()}
	f.Fuzz(func(t *testing.T, doc string) { checkDecode(t, s, doc) })
}

func checkDecode(t *testing.T, s *Store, doc string) {
	t.Helper()
	want, werr := referenceDecode(s.rt, doc)
	got, gerr := s.decodeDoc(doc)
	if werr != nil {
		assert.Error(t, gerr, "%q: encoding/json fails (%v)", doc, werr)
		return
	}
	require.NoError(t, gerr, "%q", doc)
	assert.Equal(t, want, got, "%q", doc)
}
