package scim

import (
	"encoding/json"
	"net/http"
	"strings"

	"github.com/scimstack/scimstack/schema"
)

type discoveryMeta struct {
	ResourceType string `json:"resourceType"`
	Location     string `json:"location"`
}

type supported struct {
	Supported bool `json:"supported"`
}

// serviceProviderConfig describes what this handler really does
// (RFC 7643 §5).
func (h *Handler) serviceProviderConfig(w http.ResponseWriter, r *http.Request) {
	base := h.baseURL(r)
	doc := struct {
		Schemas          []string  `json:"schemas"`
		DocumentationURI string    `json:"documentationUri,omitempty"`
		Patch            supported `json:"patch"`
		Bulk             struct {
			Supported      bool `json:"supported"`
			MaxOperations  int  `json:"maxOperations"`
			MaxPayloadSize int  `json:"maxPayloadSize"`
		} `json:"bulk"`
		Filter struct {
			Supported  bool `json:"supported"`
			MaxResults int  `json:"maxResults"`
		} `json:"filter"`
		ChangePassword        supported        `json:"changePassword"`
		Sort                  supported        `json:"sort"`
		ETag                  supported        `json:"etag"`
		AuthenticationSchemes []map[string]any `json:"authenticationSchemes"`
		Meta                  discoveryMeta    `json:"meta"`
	}{
		Schemas:        []string{schema.ServiceProviderConfigURN},
		Patch:          supported{true},
		ChangePassword: supported{true},
		Sort:           supported{true},
		ETag:           supported{true},
		AuthenticationSchemes: []map[string]any{{
			"type":        "oauthbearertoken",
			"name":        "OAuth Bearer Token",
			"description": "Authentication with a Bearer token in the Authorization header (RFC 6750)",
			"primary":     true,
		}},
		Meta: discoveryMeta{"ServiceProviderConfig", base + "/ServiceProviderConfig"},
	}
	doc.Filter.Supported = true
	doc.Filter.MaxResults = h.opts.MaxPageSize
	h.writeDoc(w, r, doc)
}

type resourceTypeDoc struct {
	Schemas          []string         `json:"schemas"`
	ID               string           `json:"id"`
	Name             string           `json:"name"`
	Endpoint         string           `json:"endpoint"`
	Description      string           `json:"description,omitempty"`
	Schema           string           `json:"schema"`
	SchemaExtensions []map[string]any `json:"schemaExtensions,omitempty"`
	Meta             discoveryMeta    `json:"meta"`
}

func (h *Handler) resourceTypeDocs(r *http.Request) []resourceTypeDoc {
	rt := h.rt
	d := resourceTypeDoc{
		Schemas:     []string{schema.ResourceTypeURN},
		ID:          rt.ID,
		Name:        rt.Name,
		Endpoint:    rt.Endpoint,
		Description: rt.Description,
		Schema:      rt.Schema.ID,
		Meta:        discoveryMeta{"ResourceType", h.baseURL(r) + "/ResourceTypes/" + rt.ID},
	}
	for _, e := range rt.Extensions {
		d.SchemaExtensions = append(d.SchemaExtensions, map[string]any{"schema": e.Schema.ID, "required": e.Required})
	}
	return []resourceTypeDoc{d}
}

func (h *Handler) resourceTypes(w http.ResponseWriter, r *http.Request) {
	h.writeDoc(w, r, listOf(h.resourceTypeDocs(r)))
}

func (h *Handler) resourceType(w http.ResponseWriter, r *http.Request) {
	writeOne(h, w, r, h.resourceTypeDocs(r), func(d resourceTypeDoc) string { return d.ID }, "resource type", r.PathValue("name"))
}

type schemaDoc struct {
	Schemas []string `json:"schemas"`
	*schema.Schema
	Meta discoveryMeta `json:"meta"`
}

func (h *Handler) schemaDocs(r *http.Request) []schemaDoc {
	base := h.baseURL(r)
	var docs []schemaDoc
	for _, s := range h.rt.Schemas() {
		docs = append(docs, schemaDoc{[]string{schema.SchemaURN}, s, discoveryMeta{"Schema", base + "/Schemas/" + s.ID}})
	}
	return docs
}

func (h *Handler) schemas(w http.ResponseWriter, r *http.Request) {
	h.writeDoc(w, r, listOf(h.schemaDocs(r)))
}

func (h *Handler) schema(w http.ResponseWriter, r *http.Request) {
	writeOne(h, w, r, h.schemaDocs(r), func(d schemaDoc) string { return d.ID }, "schema", r.PathValue("id"))
}

// writeOne writes the document whose id matches want without regard to
// case, or a 404.
func writeOne[T any](h *Handler, w http.ResponseWriter, r *http.Request, docs []T, id func(T) string, kind, want string) {
	for _, d := range docs {
		if strings.EqualFold(id(d), want) {
			h.writeDoc(w, r, d)
			return
		}
	}
	h.fail(w, r, errorf(http.StatusNotFound, "", "no "+kind+" "+want))
}

// listOf wraps discovery documents in a ListResponse (RFC 7644 §4).
func listOf[T any](items []T) any {
	return struct {
		Schemas      []string `json:"schemas"`
		TotalResults int      `json:"totalResults"`
		StartIndex   int      `json:"startIndex"`
		ItemsPerPage int      `json:"itemsPerPage"`
		Resources    []T      `json:"Resources"`
	}{[]string{schema.ListResponseURN}, len(items), 1, len(items), items}
}

func (h *Handler) writeDoc(w http.ResponseWriter, r *http.Request, doc any) {
	body, err := json.Marshal(doc)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	h.writeJSON(w, http.StatusOK, body)
}
