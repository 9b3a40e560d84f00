package scim

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"strings"

	"github.com/scimstack/scimstack/schema"
)

// OnDuplicate says what POST /Users does when the userName is taken.
type OnDuplicate int

const (
	// DuplicateConflict answers 409 with scimType "uniqueness"
	// (RFC 7644 §3.3). The default.
	DuplicateConflict OnDuplicate = iota
	// DuplicateReturnExisting answers 200 with the user who holds the
	// userName, as some provisioning APIs did before SCIM.
	DuplicateReturnExisting
)

// DeleteMode says what DELETE /Users/{id} does.
type DeleteMode int

const (
	// DeleteRemoves removes the user; a later GET answers 404
	// (RFC 7644 §3.6). The default.
	DeleteRemoves DeleteMode = iota
	// DeleteDeactivates keeps the user with active set to false.
	DeleteDeactivates
)

// Authenticator checks a request's credentials. It returns the context to
// serve the request with (for example carrying the caller's identity) or
// an error, which the handler answers with 401. It must be safe for
// concurrent use.
type Authenticator func(r *http.Request) (context.Context, error)

// Options configure a [Handler]. The zero value of every field is its
// default; a nil *Options is all defaults, which still requires
// credentials: set Tokens or Authenticate.
type Options struct {
	// BaseURL is the public URL the handler is mounted at, such as
	// "https://app.example.com/scim/v2", used for meta.location and the
	// Location header. Empty: derived from each request's Host and path.
	BaseURL string

	// Logger receives one record per failed request: 5xx at Error, 4xx at
	// Debug. Nil: slog.Default().
	Logger *slog.Logger

	// Tokens are the accepted static Bearer tokens, compared in constant
	// time. Ignored when Authenticate is set.
	Tokens []string
	// Authenticate replaces the Bearer token check.
	Authenticate Authenticator
	// PublicDiscovery serves /ServiceProviderConfig, /ResourceTypes and
	// /Schemas without credentials (RFC 7644 §4 allows it).
	PublicDiscovery bool

	// Extensions are further User schema extensions (for example an IdP's
	// custom attributes under
	// "urn:ietf:params:scim:schemas:extension:acme:2.0:User"). Their
	// attributes are validated, stored, filtered and patched like the
	// core ones and listed under /Schemas.
	Extensions []schema.Extension

	// OnDuplicate chooses the answer to a create with a taken userName.
	OnDuplicate OnDuplicate
	// Delete chooses what DELETE does.
	Delete DeleteMode
	// HideInactive leaves users with active=false out of listings and
	// searches. GET by id still finds them.
	HideInactive bool
	// PatchNoContent answers a successful PATCH with 204 and no body
	// instead of 200 with the resource (RFC 7644 §3.5.2 allows both).
	PatchNoContent bool

	// MaxBodyBytes bounds request bodies; larger ones get 413. Default
	// 1 MiB.
	MaxBodyBytes int64
	// MaxFilterLength bounds a filter's length in bytes. Default 4096.
	MaxFilterLength int
	// MaxFilterDepth bounds the nesting of parentheses, not and value
	// paths in a filter. Default 32.
	MaxFilterDepth int
	// MaxPatchOperations bounds the operations of one PATCH. Default 1000.
	MaxPatchOperations int
	// MaxPageSize bounds count; a larger count is lowered to it
	// (RFC 7644 §3.4.2.4). Default 1000.
	MaxPageSize int
	// DefaultPageSize is the count used when a request gives none.
	// Default 100.
	DefaultPageSize int
	// MaxFallbackUsers bounds the directory size up to which the handler
	// evaluates a filter or sort itself when the store answers it with
	// errors.ErrUnsupported; that needs every user in memory. Past it
	// such a request gets 400 invalidFilter. Default 100000.
	MaxFallbackUsers int
	// PatchRetries bounds how often a PATCH without If-Match is retried
	// when another write changed the user between its read and its write.
	// Default 10.
	PatchRetries int
}

func (o *Options) withDefaults() (Options, error) {
	var c Options
	if o != nil {
		c = *o
		c.Tokens = append([]string(nil), o.Tokens...)
		c.Extensions = append([]schema.Extension(nil), o.Extensions...)
	}
	if c.Logger == nil {
		c.Logger = slog.Default()
	}
	if c.Authenticate == nil && len(c.Tokens) == 0 {
		return c, errors.New("scim: Options.Tokens or Options.Authenticate is required")
	}
	for _, t := range c.Tokens {
		if t == "" {
			return c, errors.New("scim: empty token in Options.Tokens")
		}
	}
	c.BaseURL = strings.TrimRight(c.BaseURL, "/")
	if c.BaseURL != "" && !strings.Contains(c.BaseURL, "://") {
		return c, fmt.Errorf("scim: Options.BaseURL %q is not an absolute URL", c.BaseURL)
	}
	for _, f := range []struct {
		name string
		v    *int
		def  int
	}{
		{"MaxFilterLength", &c.MaxFilterLength, 4096},
		{"MaxFilterDepth", &c.MaxFilterDepth, 32},
		{"MaxPatchOperations", &c.MaxPatchOperations, 1000},
		{"MaxPageSize", &c.MaxPageSize, 1000},
		{"DefaultPageSize", &c.DefaultPageSize, 100},
		{"PatchRetries", &c.PatchRetries, 10},
		{"MaxFallbackUsers", &c.MaxFallbackUsers, 100_000},
	} {
		if *f.v < 0 {
			return c, fmt.Errorf("scim: Options.%s is negative", f.name)
		}
		if *f.v == 0 {
			*f.v = f.def
		}
	}
	if c.MaxBodyBytes < 0 {
		return c, errors.New("scim: Options.MaxBodyBytes is negative")
	}
	if c.MaxBodyBytes == 0 {
		c.MaxBodyBytes = 1 << 20
	}
	if c.DefaultPageSize > c.MaxPageSize {
		c.DefaultPageSize = c.MaxPageSize
	}
	return c, nil
}
