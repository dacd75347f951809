package api_test

import (
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/gongzhi/gongzhi/internal/db/dbtest"
)

func TestAPIKeys(t *testing.T) {
	for _, engine := range dbtest.Engines() {
		t.Run(engine, func(t *testing.T) {
			srv := newServer(t, engine)
			_, _, am := post(t, srv, "/api/v1/auth/token", "", "", map[string]string{"username": "admin", "password": "lantern-river-42"})
			admin := am["token"].(string)
			dispatcher := login(t, srv, "demo-dispatcher")
			users := get(t, srv, "/api/v1/users", admin)
			var deptHandler string
			for _, u := range users["items"].([]any) {
				if m := u.(map[string]any); m["username"] == "demo-handler-dept" {
					deptHandler = m["id"].(string)
				}
			}
			if code, _ := send(t, srv, "POST", "/api/v1/apikeys", dispatcher, map[string]any{"name": "x", "user_id": deptHandler}); code != 403 {
				t.Fatalf("dispatcher makes a key: %d", code)
			}
			if code, m := send(t, srv, "POST", "/api/v1/apikeys", admin, map[string]any{"name": "x"}); code != 400 {
				t.Fatalf("a key for nobody: %d %v", code, m)
			}
			code, made := send(t, srv, "POST", "/api/v1/apikeys", admin, map[string]any{"name": "第三方 App", "user_id": deptHandler})
			key, _ := made["key"].(string)
			if code != 201 || !strings.HasPrefix(key, "gzk_") {
				t.Fatalf("create: %d %v", code, made)
			}
			open311 := func() int {
				resp, err := http.PostForm(srv.URL+"/open311/v2/requests.json", url.Values{"api_key": {key}, "service_code": {"0101"},
					"address_string": {"金谷东园北门"}, "description": {"路边垃圾"}})
				if err != nil {
					t.Fatal(err)
				}
				io.Copy(io.Discard, resp.Body)
				resp.Body.Close()
				return resp.StatusCode
			}
			if code := open311(); code != 201 {
				t.Fatalf("Open311 with the new key: %d", code)
			}
			code, list := send(t, srv, "GET", "/api/v1/apikeys", admin, nil)
			items := list["items"].([]any)
			if code != 200 || len(items) != 1 || items[0].(map[string]any)["use_count"] != float64(1) {
				t.Fatalf("list with use count: %d %v", code, list)
			}
			id := items[0].(map[string]any)["id"].(string)
			if code, _ := send(t, srv, "DELETE", "/api/v1/apikeys/"+id, admin, nil); code != 204 {
				t.Fatalf("revoke: %d", code)
			}
			if code := open311(); code != 403 {
				t.Fatalf("Open311 with a revoked key: %d", code)
			}
		})
	}
}
