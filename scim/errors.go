package scim

import (
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"net/http"
	"strconv"

	"github.com/scimstack/scimstack/schema"
	"github.com/scimstack/scimstack/store"
)

// Error is a SCIM error response (RFC 7644 §3.12). Handlers answer it with
// Status and a JSON body carrying ScimType and Detail.
type Error struct {
	Status   int    // HTTP status code
	ScimType string // RFC 7644 §3.12 error type, or ""
	Detail   string // human-readable detail, sent to the client
	Err      error  // underlying cause, logged, never sent
}

func (e *Error) Error() string {
	s := "scim: " + strconv.Itoa(e.Status)
	if e.ScimType != "" {
		s += " " + e.ScimType
	}
	if e.Detail != "" {
		s += ": " + e.Detail
	}
	return s
}

// Unwrap returns the cause.
func (e *Error) Unwrap() error { return e.Err }

// MarshalJSON writes the RFC 7644 §3.12 representation, with status as a
// string.
func (e *Error) MarshalJSON() ([]byte, error) {
	return json.Marshal(struct {
		Schemas  []string `json:"schemas"`
		Status   string   `json:"status"`
		ScimType string   `json:"scimType,omitempty"`
		Detail   string   `json:"detail,omitempty"`
	}{[]string{schema.ErrorURN}, strconv.Itoa(e.Status), e.ScimType, e.Detail})
}

func errorf(status int, scimType, detail string) *Error {
	return &Error{Status: status, ScimType: scimType, Detail: detail}
}

// asError maps any error to the *Error sent to the client: SCIM errors as
// they are, the store's errors by the table of RFC 7644 §3.12, oversized
// bodies to 413 and everything else to a 500 whose cause is only logged.
func asError(err error) *Error {
	var se *Error
	if errors.As(err, &se) {
		return se
	}
	var ce *schema.Error
	if errors.As(err, &ce) {
		status := http.StatusBadRequest
		switch ce.ScimType {
		case "uniqueness":
			status = http.StatusConflict
		case "invalidVers":
			status = http.StatusPreconditionFailed
		}
		return &Error{Status: status, ScimType: ce.ScimType, Detail: ce.Detail, Err: err}
	}
	var mb *http.MaxBytesError
	switch {
	case errors.As(err, &mb):
		return &Error{Status: http.StatusRequestEntityTooLarge,
			Detail: "request body larger than " + strconv.FormatInt(mb.Limit, 10) + " bytes", Err: err}
	case errors.Is(err, store.ErrNotFound):
		return &Error{Status: http.StatusNotFound, Detail: "resource not found", Err: err}
	case errors.Is(err, store.ErrConflict):
		return &Error{Status: http.StatusConflict, ScimType: "uniqueness", Detail: "userName is already taken", Err: err}
	case errors.Is(err, store.ErrVersionMismatch):
		return &Error{Status: http.StatusPreconditionFailed, Detail: "resource has changed: its version does not match If-Match", Err: err}
	case errors.Is(err, context.Canceled), errors.Is(err, context.DeadlineExceeded):
		return &Error{Status: http.StatusServiceUnavailable, Detail: "request canceled or timed out", Err: err}
	}
	return &Error{Status: http.StatusInternalServerError, Detail: "internal server error", Err: err}
}

func (h *Handler) fail(w http.ResponseWriter, r *http.Request, err error) {
	e := asError(err)
	level := slog.LevelDebug
	if e.Status >= 500 {
		level = slog.LevelError
	}
	attrs := []slog.Attr{
		slog.String("method", r.Method),
		slog.String("path", r.URL.Path),
		slog.Int("status", e.Status),
	}
	if e.ScimType != "" {
		attrs = append(attrs, slog.String("scimType", e.ScimType))
	}
	if e.Err != nil {
		attrs = append(attrs, slog.String("error", e.Err.Error()))
	} else {
		attrs = append(attrs, slog.String("detail", e.Detail))
	}
	h.log.LogAttrs(r.Context(), level, "scim request failed", attrs...)
	if e.Status == http.StatusUnauthorized {
		w.Header().Set("WWW-Authenticate", `Bearer realm="SCIM"`)
	}
	body, _ := e.MarshalJSON()
	w.Header().Set("Content-Type", contentType)
	w.Header().Del("ETag")
	w.WriteHeader(e.Status)
	_, _ = w.Write(body)
}
