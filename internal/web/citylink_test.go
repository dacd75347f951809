package web_test

import (
	"context"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/gongzhi/gongzhi/internal/auth"
	"github.com/gongzhi/gongzhi/internal/citylink"
)

// TestCitylinkPage: the administrator sees the linked platforms and the
// delivery log, its link in her menu, and never a platform's key; other
// staff are refused the page and not offered its link.
func TestCitylinkPage(t *testing.T) {
	a := newApp(t)
	srv := httptest.NewServer(a.Handler)
	defer srv.Close()
	_, err := a.Citylink.Register(context.Background(), auth.System(), citylink.NewPlatform{ID: "bj12345", Name: "北京市12345", Role: citylink.RoleUpper,
		BaseURL: "https://12345.beijing.example/open311", AreaCode: "110117", InboundKey: "key-of-the-city-at-pinggu-01", OutboundKey: "key-of-pinggu-at-the-city-01"})
	if err != nil {
		t.Fatal(err)
	}
	admin := staffLogin(t, srv, "admin", "lantern-river-42")
	status, page := admin.get("/staff/citylink")
	if status != 200 {
		t.Fatalf("page: %d\n%s", status, page)
	}
	mustContain(t, page, `id="cl-platforms"`, "北京市12345", "上级平台", `href="/staff/citylink"`, "还没有投递记录")
	if strings.Contains(page, "key-of-the-city-at-pinggu-01") || strings.Contains(page, "key-of-pinggu-at-the-city-01") {
		t.Fatal("a key is on the page")
	}
	if status, page = admin.get("/staff/citylink?platform=bj12345"); status != 200 || !strings.Contains(page, "bj12345 的投递记录") {
		t.Fatalf("one platform's log: %d\n%s", status, page)
	}
	disp := staffLogin(t, srv, "demo-dispatcher", "gongzhi-demo")
	if status, _ := disp.get("/staff/citylink"); status != 403 {
		t.Fatalf("a dispatcher: %d", status)
	}
	if _, page := disp.get("/staff/todo"); strings.Contains(page, `href="/staff/citylink"`) {
		t.Fatal("a dispatcher is offered the page")
	}
}
