package web_test

import (
	"context"
	"encoding/json"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"regexp"
	"strings"
	"testing"

	"github.com/gongzhi/gongzhi/internal/app"
	"github.com/gongzhi/gongzhi/internal/auth"
	"github.com/gongzhi/gongzhi/internal/config"
	"github.com/gongzhi/gongzhi/internal/ticket"
)

// The place of the first demo community's requests in these tests.
const placeLat, placeLng = 40.14412, 117.11073

// placeApp is the demo app with Beijing's district boundaries imported when
// the shared data is present, and one public request with a place, filed by
// a resident whose name and phone no public page may show.
func placeApp(t *testing.T, engine string) (*app.App, *httptest.Server, ticket.Ticket) {
	t.Helper()
	a := newAppOn(t, engine)
	ctx := context.Background()
	if raw, err := os.ReadFile("/work/shared/data/geo/beijing_districts_datav.json"); err == nil {
		if _, err := a.Gov.ImportBoundaries(ctx, strings.NewReader(string(raw)), "beijing_districts_datav.json"); err != nil {
			t.Fatal(err)
		}
	}
	lat, lng := placeLat, placeLng
	res := auth.User{Role: auth.RoleResident, Phone: "13800138000"}
	tk, err := a.Tickets.Create(ctx, &res, ticket.NewTicket{CategoryCode: "0101", Description: "承平里北口路灯不亮，晚上很黑",
		AreaCode: "110117001001", Lat: &lat, Lng: &lng, ReporterName: "王秀英", Address: "承平里5号楼"})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(a.Handler)
	t.Cleanup(srv.Close)
	return a, srv, tk
}

// A pin is named by the nearest request's community; the map is an SVG of
// the district's own data; bad points are refused with a clear message.
func TestPlaceResolveAndMap(t *testing.T) {
	_, srv, _ := placeApp(t, "sqlite")
	c := newClient(t, srv)
	status, body := c.get("/place/resolve?lat=40.1451&lng=117.1107")
	var ans struct{ Street, Community, Names, By string }
	if err := json.Unmarshal([]byte(body), &ans); status != 200 || err != nil {
		t.Fatalf("resolve: %d %s", status, body)
	}
	if ans.Community != "110117001001" || ans.Street != "110117001" || ans.By != "nearest" || !strings.Contains(ans.Names, "滨河街道") {
		t.Fatalf("resolve: %+v", ans)
	}
	for _, q := range []string{"", "?lat=91&lng=117", "?lat=x&lng=117", "?lat=40"} {
		if status, body := c.get("/place/resolve" + q); status != 400 || !strings.Contains(body, "经纬度") && !strings.Contains(body, "lat") {
			t.Errorf("resolve%s: %d %s", q, status, body)
		}
	}
	req, _ := http.NewRequest("GET", srv.URL+"/place/map.svg", nil)
	resp, err := c.hc.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 200 || resp.Header.Get("Content-Type") != "image/svg+xml" || !strings.Contains(resp.Header.Get("Cache-Control"), "max-age") {
		t.Fatalf("map: %d %v", resp.StatusCode, resp.Header)
	}
	_, svg := c.get("/place/map.svg?near=1&lat=40.1451&lng=117.1107")
	if !strings.HasPrefix(svg, "<svg") || !strings.Contains(svg, `class="place-pin"`) || !strings.Contains(svg, `class="place-dot"`) {
		t.Fatalf("map near a pin: %.300s", svg)
	}
	if strings.Contains(svg, "13800138000") || strings.Contains(svg, "王秀英") {
		t.Fatal("the map shows the reporter")
	}
	// A script is stopped: every look-up counts.
	limited := false
	for i := 0; i < 130 && !limited; i++ {
		status, _ := c.get("/place/resolve?lat=40.1&lng=117.1")
		limited = status == http.StatusTooManyRequests
	}
	if !limited {
		t.Error("130 look-ups from one address were all answered")
	}
}

// The nearby page lists public requests without the reporter; a guest is
// sent to log in before 我也遇到; a resident joins once, pressing twice
// does no harm, no ticket is filed, and the staff page shows the count.
func TestNearbyAndMeToo(t *testing.T) {
	a, srv, tk := placeApp(t, "sqlite")
	guest := newClient(t, srv)
	at := "/nearby?lat=40.145100&lng=117.110700"
	status, body := guest.get(at)
	if status != 200 {
		t.Fatalf("nearby: %d", status)
	}
	mustContain(t, body, "承平里北口路灯不亮", "我也遇到", "约", "需先用手机验证码登录", `id="t-`+tk.Number+`"`)
	for _, leak := range []string{"13800138000", "王秀英", "138****8000"} {
		if strings.Contains(body, leak) {
			t.Fatalf("nearby shows %q", leak)
		}
	}
	_, js := guest.get("/nearby.json?lat=40.1451&lng=117.1107")
	if !strings.Contains(js, tk.Number) || strings.Contains(js, "13800138000") || strings.Contains(js, "王秀英") || strings.Contains(js, "5号楼") {
		t.Fatalf("nearby.json: %s", js)
	}
	_, body = guest.post("/tickets/"+tk.Number+"/metoo", url.Values{"csrf": {csrf(t, body)}, "back": {at}})
	mustContain(t, body, "获取验证码")

	// Without JavaScript, a click on the image map names a place.
	_, page := guest.get(at)
	v := regexp.MustCompile(`name="z" value="([\d.]+)"><input type="hidden" name="x0" value="([\d.]+)"><input type="hidden" name="y0" value="([\d.]+)"`).FindStringSubmatch(page)
	if v == nil {
		t.Fatal("the nearby page has no image map")
	}
	_, body = guest.get("/nearby?map.x=160&map.y=160&z=" + v[1] + "&x0=" + v[2] + "&y0=" + v[3])
	if !strings.Contains(body, "所选位置") || !strings.Contains(body, "承平里北口路灯不亮") {
		t.Fatal("a click on the image map did not choose a place")
	}

	var before int
	ctx := context.Background()
	admin, _ := a.Auth.UserByUsername(ctx, "admin")
	list, _ := a.Tickets.List(ctx, admin, ticket.Filter{Limit: 100})
	before = len(list.Items)
	me := residentLogin(t, srv, "13900139000")
	_, page = me.get(at)
	form := url.Values{"csrf": {csrf(t, page)}, "back": {at}}
	_, body = me.post("/tickets/"+tk.Number+"/metoo", form)
	mustContain(t, body, "已加入诉求 "+tk.Number, "您已在跟进这件诉求")
	_, body = me.post("/tickets/"+tk.Number+"/metoo", form)
	mustContain(t, body, "您已在跟进诉求 "+tk.Number)
	if list, _ := a.Tickets.List(ctx, admin, ticket.Filter{Limit: 100}); len(list.Items) != before {
		t.Fatalf("tickets %d, want %d", len(list.Items), before)
	}
	if nums, err := a.Tickets.CoReportedBy(ctx, "13900139000"); err != nil || len(nums) != 1 {
		t.Fatalf("co-reported: %v %v", nums, err)
	}
	staff := newClient(t, srv)
	loginPost(t, staff, "admin", "lantern-river-42")
	_, body = staff.get("/staff/tickets/" + tk.Number)
	mustContain(t, body, "另有1位居民也反映了此问题")
}

// A guest's submission with a pin and no community takes the community the
// pin lies in; one with a malformed pin is refused with the form kept.
func TestSubmitTakesThePlaceOfThePin(t *testing.T) {
	a, srv, _ := placeApp(t, "sqlite")
	guest := newClient(t, srv)
	_, page := guest.get("/submit")
	form := url.Values{"csrf": {csrf(t, page)}, "category_code": {"0101"}, "description": {"井盖松动"},
		"reporter_phone": {"13700137000"}, "lat": {"40.1450"}, "lng": {"117.1108"}}
	status, body := guest.postFiles("/submit", form)
	m := regexp.MustCompile(`/submitted/(\d+)|class="ticket-no"[^>]*>\s*(\d+)`).FindStringSubmatch(body)
	if status != 200 || m == nil {
		t.Fatalf("submit: %d %.500s", status, body)
	}
	number := m[1] + m[2]
	admin, _ := a.Auth.UserByUsername(context.Background(), "admin")
	tk, err := a.Tickets.Get(context.Background(), admin, number)
	if err != nil || tk.AreaCode != "110117001001" || tk.Lat == nil {
		t.Fatalf("ticket %s: area %q %v", number, tk.AreaCode, err)
	}
	form.Set("lat", "north")
	status, body = guest.postFiles("/submit", form)
	if status != 400 || !strings.Contains(body, "经纬度") || !strings.Contains(body, "井盖松动") {
		t.Fatalf("a malformed pin: %d", status)
	}
}

// With a district's own tile server set, the map draws its tiles beneath
// the boundaries and the pages let its images in; without, no outside
// address appears anywhere.
func TestTileServer(t *testing.T) {
	cfg := config.Config{Addr: "127.0.0.1:0", DataDir: t.TempDir(), Demo: true, BcryptCost: 4, AdminPassword: "lantern-river-42",
		TileURL: "https://tiles.example.gov.cn/{z}/{x}/{y}.png"}
	a, err := app.New(context.Background(), cfg, slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { a.Close() })
	srv := httptest.NewServer(a.Handler)
	defer srv.Close()
	c := newClient(t, srv)
	_, svg := c.get("/place/map.svg?near=1&lat=40.1441&lng=117.1107&w=400")
	if !regexp.MustCompile(`<image href="https://tiles\.example\.gov\.cn/1[0-9]/\d+/\d+\.png"`).MatchString(svg) {
		t.Fatalf("no tiles: %.400s", svg)
	}
	req, _ := http.NewRequest("GET", srv.URL+"/nearby", nil)
	resp, err := c.hc.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if h := resp.Header.Get("Content-Security-Policy"); !strings.Contains(h, "img-src 'self' data: https://tiles.example.gov.cn;") {
		t.Fatalf("CSP %q", h)
	}

	_, plain, _ := placeApp(t, "sqlite")
	_, svg = newClient(t, plain).get("/place/map.svg?near=1&lat=40.1441&lng=117.1107")
	if strings.Contains(svg, "<image") || strings.Count(svg, "http") != 1 { // the SVG namespace only
		t.Fatalf("a map without a tile server: %.400s", svg)
	}
}
