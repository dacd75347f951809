package web_test

import (
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/gongzhi/gongzhi/internal/app"
)

var newKeyRE = regexp.MustCompile(`<code id="new-key" class="mono">(gzk_[A-Za-z0-9_-]+)</code>`)

// TestAdminAPIKeys: the administrator makes a key for a handler account and
// sees it once; the list shows its prefix, account and use count but never
// the key; Open311 takes it until it is revoked. Others may not, and the
// forms need their CSRF token.
func TestAdminAPIKeys(t *testing.T) {
	a := newApp(t)
	srv := httptest.NewServer(a.Handler)
	defer srv.Close()
	admin := staffLogin(t, srv, "admin", "lantern-river-42")
	_, page := admin.get("/staff")
	mustContain(t, page, `href="/staff/apikeys"`)
	_, page = admin.get("/staff/apikeys")
	mustContain(t, page, "API 密钥", "还没有 API 密钥", "demo-handler-dept", "新建密钥")
	if strings.Contains(page, `value="`+mustUserID(t, a, "admin")+`"`) {
		t.Error("the admin account is offered as a key's account")
	}
	tok := csrf(t, page)
	dept := mustUserID(t, a, "demo-handler-dept")

	// Refused: no account, no CSRF token.
	if status, body := admin.post("/staff/apikeys", url.Values{"csrf": {tok}, "name": {"第三方 App"}}); status != 400 || !strings.Contains(body, "第三方 App") {
		t.Fatalf("no account: %d", status)
	}
	if status, _ := admin.post("/staff/apikeys", url.Values{"name": {"x"}, "user_id": {dept}}); status != 403 {
		t.Fatalf("no csrf: %d, want 403", status)
	}

	status, body := admin.post("/staff/apikeys", url.Values{"csrf": {tok}, "name": {"第三方 App"}, "user_id": {dept}})
	m := newKeyRE.FindStringSubmatch(body)
	if status != 200 || m == nil {
		t.Fatalf("create: %d\n%s", status, body)
	}
	key := m[1]
	mustContain(t, body, "只显示这一次", "第三方 App", key[:8]+"…")
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

	// The list afterwards: prefix, account, one use; the key itself never.
	_, page = admin.get("/staff/apikeys")
	if strings.Contains(page, key) || strings.Contains(page, "只显示这一次") {
		t.Fatal("the key is shown again on the list")
	}
	mustContain(t, page, "第三方 App", key[:8]+"…", "demo-handler-dept", "<td>1</td>", "有效")
	id := regexp.MustCompile(`action="/staff/apikeys/([^/"]+)/revoke"`).FindStringSubmatch(page)
	if id == nil {
		t.Fatalf("no revoke form:\n%s", page)
	}
	if status, _ := admin.post("/staff/apikeys/"+id[1]+"/revoke", url.Values{"csrf": {"wrong"}}); status != 403 {
		t.Fatalf("revoke with a wrong token: %d, want 403", status)
	}
	if code := open311(); code != 201 {
		t.Fatalf("Open311 after a refused revoke: %d", code)
	}
	status, page = admin.post("/staff/apikeys/"+id[1]+"/revoke", url.Values{"csrf": {tok}})
	if status != 200 {
		t.Fatalf("revoke: %d", status)
	}
	mustContain(t, page, "密钥已吊销", "已吊销")
	if strings.Contains(page, `action="/staff/apikeys/`+id[1]+`/revoke"`) {
		t.Error("a revoked key still has its revoke button")
	}
	if code := open311(); code != 403 {
		t.Fatalf("Open311 with the revoked key: %d, want 403", code)
	}

	// English.
	admin.get("/lang?to=en")
	_, page = admin.get("/staff/apikeys")
	mustContain(t, page, "API keys", "Revoked", "New key")

	// Not for a dispatcher.
	dispatcher := staffLogin(t, srv, "demo-dispatcher", "gongzhi-demo")
	if status, _ := dispatcher.get("/staff/apikeys"); status != 403 {
		t.Errorf("dispatcher on /staff/apikeys: %d, want 403", status)
	}
	_, page = dispatcher.get("/staff")
	if strings.Contains(page, `href="/staff/apikeys"`) {
		t.Error("the dispatcher's header links the API keys")
	}
	if status, _ := dispatcher.post("/staff/apikeys", url.Values{"csrf": {csrf(t, page)}, "name": {"x"}, "user_id": {dept}}); status != 403 {
		t.Errorf("dispatcher makes a key: %d, want 403", status)
	}
	if status, _ := dispatcher.post("/staff/apikeys/"+id[1]+"/revoke", url.Values{"csrf": {csrf(t, page)}}); status != 403 {
		t.Errorf("dispatcher revokes a key: %d, want 403", status)
	}
}

func mustUserID(t *testing.T, a *app.App, username string) string {
	t.Helper()
	u, err := a.Auth.UserByUsername(t.Context(), username)
	if err != nil {
		t.Fatal(err)
	}
	return u.ID
}
