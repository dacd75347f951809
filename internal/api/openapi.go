package api

import (
	_ "embed"
	"net/http"
)

// openAPIDoc is the OpenAPI 3.1 description of every /api/v1 endpoint.
// openapi_test.go checks it against the routes and the real answers.
//
//go:embed openapi.json
var openAPIDoc []byte

// openAPI serves the OpenAPI document (GET /api/v1/openapi.json).
func (a *API) openAPI(w http.ResponseWriter, r *http.Request) {
	h := w.Header()
	h.Set("Content-Type", "application/json")
	h.Set("Cache-Control", "no-cache")
	w.Write(openAPIDoc)
}
