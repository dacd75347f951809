package api_test

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"github.com/gongzhi/gongzhi/internal/db/dbtest"
)

// sendRaw sends a body as it is.
func sendRaw(t *testing.T, srvURL, method, path, token, body string) (int, map[string]any) {
	t.Helper()
	req, _ := http.NewRequest(method, srvURL+path, strings.NewReader(body))
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var m map[string]any
	decodeJSON(resp, &m)
	return resp.StatusCode, m
}

// TestControlCharactersRefused: a NUL or another control character in any
// text of a JSON body, or in a query value, is a clear 400 in both
// languages (PostgreSQL cannot store NUL, and answered 500), on both
// engines; TAB, LF and CR stay allowed.
func TestControlCharactersRefused(t *testing.T) {
	for _, engine := range dbtest.Engines() {
		t.Run(engine, func(t *testing.T) {
			srv := newServer(t, engine)
			agent := login(t, srv, "demo-agent")
			want400 := func(what string, code int, m map[string]any) {
				t.Helper()
				e, _ := m["error"].(map[string]any)
				msg, _ := e["message"].(string)
				en, _ := e["message_en"].(string)
				if code != 400 || !strings.Contains(msg, "控制字符") || !strings.Contains(en, "control character") {
					t.Errorf("%s: %d %v", what, code, m)
				}
			}
			code, m := sendRaw(t, srv.URL, "POST", "/api/v1/auth/token", "", `{"username":"demo-agent\u0000","password":"gongzhi-demo"}`)
			want400("login username", code, m)
			ticket := `{"category_code":"0101","description":"井盖\u0000丢了","area_code":"110117001001","reporter_phone":"13912345678"}`
			code, m = sendRaw(t, srv.URL, "POST", "/api/v1/tickets", agent, ticket)
			want400("ticket description", code, m)
			code, m = sendRaw(t, srv.URL, "POST", "/api/v1/tickets", agent, strings.Replace(ticket, `\u0000`, `\u001b[31m`, 1))
			want400("ticket description with ESC", code, m)
			code, m = sendRaw(t, srv.URL, "GET", "/api/v1/tickets?area_code=110117%00", agent, "")
			want400("query value", code, m)
			code, m = sendRaw(t, srv.URL, "GET", "/api/v1/kb?q=%E4%BA%95%00", agent, "")
			want400("search text", code, m)
			code, m = sendRaw(t, srv.URL, "GET", "/api/v1/kb/demo-kb-01%00", agent, "")
			want400("path value", code, m)

			code, m = sendRaw(t, srv.URL, "POST", "/api/v1/tickets", agent, strings.Replace(ticket, `\u0000`, `\t\n\r`, 1))
			if code != 201 {
				t.Fatalf("TAB, LF and CR refused: %d %v", code, m)
			}
			number := m["number"].(string)
			code, m = sendRaw(t, srv.URL, "POST", "/api/v1/tickets/"+number+"/actions/sign", login(t, srv, "demo-handler"), `{"note":"签收\u0000"}`)
			want400("action note", code, m)

			// Malformed JSON says so in both languages, without a format error.
			code, m = sendRaw(t, srv.URL, "POST", "/api/v1/tickets", agent, `{"description":`)
			e, _ := m["error"].(map[string]any)
			if msg, _ := e["message"].(string); code != 400 || strings.Contains(msg, "%!") || !strings.Contains(msg, "JSON") {
				t.Errorf("malformed JSON: %d %v", code, m)
			}
		})
	}
}

func decodeJSON(resp *http.Response, v any) { json.NewDecoder(resp.Body).Decode(v) }
