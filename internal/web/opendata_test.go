package web_test

import (
	"context"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/gongzhi/gongzhi/internal/app"
	"github.com/gongzhi/gongzhi/internal/auth"
	"github.com/gongzhi/gongzhi/internal/clock"
	"github.com/gongzhi/gongzhi/internal/ticket"
)

// TestOpenDataPages reads the open-data page, its catalogue and every file
// of the demo without an account, finds in none of them a reporter's
// phone, name or address, and has the administrator withdraw a dataset
// (others may not), which then leaves the page and its files.
func TestOpenDataPages(t *testing.T) {
	a := newApp(t)
	srv := httptest.NewServer(a.Handler)
	defer srv.Close()
	guest := newClient(t, srv)
	status, page := guest.get("/opendata")
	if status != 200 {
		t.Fatalf("page: %d\n%s", status, page)
	}
	mustContain(t, page, "数据开放", `href="/opendata/catalog.json"`, `href="/opendata/ticket-stats.csv"`, `href="/opendata/proposals.xlsx"`,
		"<code>satisfied_rate</code>", "居民提议及答复", "少于5件", "CC BY 4.0")
	status, cat := guest.get("/opendata/catalog.json")
	if status != 200 || !strings.Contains(cat, `"@type": "dcat:Catalog"`) && !strings.Contains(cat, `"@type":"dcat:Catalog"`) {
		t.Fatalf("catalogue: %d\n%.400s", status, cat)
	}
	mustContain(t, cat, "/opendata/ticket-stats.csv", `"mediaType":"text/csv"`, "dcat:Dataset", "dct:accrualPeriodicity")
	// Six tickets of last month with their reporters' phone, name, home
	// and exact place: counted in the statistics, none of it in any file.
	importReported(t, a)
	secrets := []string{"13912345678", "欧阳娜娜", "金谷东园9号楼", "3单元602", "40.123457", "117.123457"}
	_, page = guest.get("/opendata")
	mustContain(t, page, "ticket-stats.csv")
	files := map[string]string{}
	for _, f := range []string{"catalog.json", "catalog.csv", "ticket-stats.csv", "ticket-stats.json", "evaluation.csv", "service-points.csv", "proposals.csv", "proposals.json"} {
		status, body := guest.get("/opendata/" + f)
		if status != 200 {
			t.Fatalf("%s: %d", f, status)
		}
		files[f] = body
	}
	if !strings.Contains(files["ticket-stats.csv"], ",110117001,滨河街道,") || !strings.Contains(files["ticket-stats.csv"], ",false,6,6,") {
		t.Errorf("the six tickets are not counted:\n%s", files["ticket-stats.csv"])
	}
	if !strings.HasPrefix(files["ticket-stats.csv"], "\ufeffmonth,") {
		t.Errorf("csv: %.60q", files["ticket-stats.csv"])
	}
	for f, body := range files {
		for _, s := range secrets {
			if strings.Contains(body, s) {
				t.Errorf("%s holds a reporter's %q", f, s)
			}
		}
	}
	if status, body := guest.get("/opendata/ticket-stats.xlsx"); status != 200 || !strings.HasPrefix(body, "PK") {
		t.Errorf("xlsx: %d", status)
	}
	for _, bad := range []string{"/opendata/nothing.csv", "/opendata/ticket-stats.pdf", "/opendata/ticket-stats"} {
		if status, _ := guest.get(bad); status != 404 {
			t.Errorf("%s: %d", bad, status)
		}
	}

	handler := staffLogin(t, srv, "demo-handler", "gongzhi-demo")
	if status, _ := handler.get("/staff/opendata"); status != 403 {
		t.Errorf("a handler's switches: %d", status)
	}
	_, hp := handler.get("/staff")
	if status, _ := handler.post("/staff/opendata/proposals", url.Values{"csrf": {csrf(t, hp)}, "published": {"0"}}); status != 403 {
		t.Errorf("a handler withdraws: %d", status)
	}
	admin := staffLogin(t, srv, "admin", "lantern-river-42")
	status, page = admin.get("/staff/opendata")
	if status != 200 {
		t.Fatalf("switches: %d\n%s", status, page)
	}
	mustContain(t, page, `id="od-form-proposals"`, "已开放", `href="/staff/opendata"`)
	tok := csrf(t, page)
	if status, _ := admin.post("/staff/opendata/proposals", url.Values{"csrf": {tok}, "published": {"maybe"}}); status != 400 {
		t.Errorf("neither: %d", status)
	}
	status, page = admin.post("/staff/opendata/proposals", url.Values{"csrf": {tok}, "published": {"0"}})
	if status != 200 || !strings.Contains(page, "已关闭该数据集") || !strings.Contains(page, "未开放") {
		t.Fatalf("withdraw: %d\n%s", status, page)
	}
	if status, _ := guest.get("/opendata/proposals.csv"); status != 404 {
		t.Errorf("a withdrawn file: %d", status)
	}
	if _, page = guest.get("/opendata"); strings.Contains(page, "proposals.csv") {
		t.Error("a withdrawn dataset is listed")
	}
	if status, _ := admin.get("/opendata/proposals.csv"); status != 200 {
		t.Errorf("the administrator's preview: %d", status)
	}
	_, page = admin.get("/staff/audit?action=opendata_publication")
	mustContain(t, page, "opendata:proposals")
}

// importReported imports six closed tickets of last month in 金谷东园社区,
// each with the reporter's phone, name, home address and exact place, and
// drops the open data computed so far.
func importReported(t *testing.T, a *app.App) {
	t.Helper()
	ctx := context.Background()
	var cat string
	if err := a.DB.R.QueryRowContext(ctx, `SELECT code FROM categories WHERE parent_code = '' AND code <> '' ORDER BY code LIMIT 1`).Scan(&cat); err != nil {
		t.Fatal(err)
	}
	now := time.Now().In(clock.BusinessZone())
	at := time.Date(now.Year(), now.Month(), 1, 9, 0, 0, 0, clock.BusinessZone()).AddDate(0, -1, 3)
	var batch []ticket.ImportTicket
	for i := range 6 {
		created := at.Add(time.Duration(i) * time.Hour)
		done := created.Add(3 * time.Hour)
		lat, lng := 40.123457, 117.123457
		batch = append(batch, ticket.ImportTicket{
			Ticket: ticket.Ticket{Kind: ticket.KindComplaint, Status: ticket.StatusClosed, CategoryCode: cat, AreaCode: "110117001001",
				Description: "欧阳娜娜：金谷东园9号楼3单元602楼道灯坏了", Address: "金谷东园9号楼3单元602", Lat: &lat, Lng: &lng,
				ReporterName: "欧阳娜娜", ReporterPhone: "13912345678", Channel: ticket.ChannelHotline,
				CreatedAt: created, UpdatedAt: done, RepliedAt: &done, ClosedAt: &done, ReplyText: "已修好", Version: 2},
			Events: []ticket.ImportEvent{
				{Event: ticket.Event{Seq: 1, At: created, Actor: "import", ActorRole: "system", Action: ticket.ActionImport, ToStatus: ticket.StatusDispatched}},
				{Event: ticket.Event{Seq: 2, At: done, Actor: "import", ActorRole: "system", Action: ticket.ActionClose, FromStatus: ticket.StatusDispatched, ToStatus: ticket.StatusClosed}},
			},
		})
	}
	if _, err := a.Tickets.ImportBatch(ctx, auth.System(), batch); err != nil {
		t.Fatal(err)
	}
	a.OpenData.Forget()
}
