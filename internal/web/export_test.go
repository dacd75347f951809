package web_test

import (
	"bytes"
	"encoding/csv"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"github.com/gongzhi/gongzhi/internal/auth"
	"github.com/gongzhi/gongzhi/internal/ticket"
	"github.com/gongzhi/gongzhi/internal/web"
)

// download GETs path and returns the status, the headers and the body.
func (c *client) download(path string) (int, http.Header, []byte) {
	c.t.Helper()
	resp, err := c.hc.Get(c.srv.URL + path)
	if err != nil {
		c.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, resp.Header, b
}

// countList is how many tickets u's list holds with the filter.
func countList(t *testing.T, tickets *ticket.Service, u auth.User, f ticket.Filter) int {
	t.Helper()
	n := 0
	f.Limit = ticket.MaxLimit
	for {
		page, err := tickets.List(t.Context(), u, f)
		if err != nil {
			t.Fatal(err)
		}
		n += len(page.Items)
		if page.NextCursor == "" {
			return n
		}
		f.Cursor = page.NextCursor
	}
}

// TestStaffExport: the workbench links export its list, with its filters, as
// the same file the JSON API gives: XLSX with a Chinese header and masked
// reporters, or CSV with a byte order mark; only the tickets the staff
// member may see.
func TestStaffExport(t *testing.T) {
	a := newApp(t)
	srv := httptest.NewServer(a.Handler)
	defer srv.Close()
	ctx := t.Context()
	// One for 滨河街道's unit (the catalogue dispatches it), one for the
	// power company's.
	mine, err := a.Tickets.Create(ctx, nil, ticket.NewTicket{Kind: ticket.KindComplaint, CategoryCode: "0101", AreaCode: "110117001001",
		Description: "楼下垃圾堆放，气味很大", ReporterName: "王小明", ReporterPhone: "13912345678"})
	if err != nil {
		t.Fatal(err)
	}
	power, err := a.Tickets.Create(ctx, nil, ticket.NewTicket{Kind: ticket.KindHelp, CategoryCode: "0405", AreaCode: "110117001001",
		Description: "小区停电", ReporterPhone: "13912341111"})
	if err != nil {
		t.Fatal(err)
	}

	// The dispatcher's workbench links carry its filters.
	dispatcher := staffLogin(t, srv, "demo-dispatcher", "gongzhi-demo")
	_, page := dispatcher.get("/staff?status=&light=red")
	mustContain(t, page, "导出 Excel", "导出 CSV", `href="/staff/export?format=xlsx&amp;light=red&amp;status="`, `href="/staff/export?format=csv&amp;light=red&amp;status="`)
	_, page = dispatcher.get("/staff") // her queue: registered
	mustContain(t, page, `href="/staff/export?format=xlsx&amp;status=registered"`)

	du, err := a.Auth.UserByUsername(ctx, "demo-dispatcher")
	if err != nil {
		t.Fatal(err)
	}
	code, h, body := dispatcher.download("/staff/export?format=xlsx&status=")
	if code != 200 || !strings.HasPrefix(h.Get("Content-Type"), "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet") {
		t.Fatalf("xlsx: %d %v %.300s", code, h, body)
	}
	if cd := h.Get("Content-Disposition"); !strings.Contains(cd, "filename*=UTF-8''%E5%B7%A5%E5%8D%95_") || !strings.HasSuffix(cd, ".xlsx") {
		t.Fatalf("content disposition %q", cd)
	}
	x, err := excelize.OpenReader(bytes.NewReader(body))
	if err != nil {
		t.Fatalf("parse xlsx: %v", err)
	}
	rows, err := x.GetRows(x.GetSheetName(0))
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) < 3 || rows[0][0] != "工单编号" || rows[0][9] != "诉求人" || rows[0][10] != "联系电话" {
		t.Fatalf("xlsx header: %v", rows[:min(len(rows), 2)])
	}
	if want := countList(t, a.Tickets, du, ticket.Filter{}); len(rows)-1 != want {
		t.Fatalf("dispatcher xlsx has %d tickets, her list %d", len(rows)-1, want)
	}
	var found bool
	for _, r := range rows[1:] {
		line := strings.Join(r, "|")
		if strings.Contains(line, "13912345678") || strings.Contains(line, "王小明") {
			t.Fatalf("reporter not masked: %s", line)
		}
		if r[0] == mine.Number {
			found = true
			if !strings.HasPrefix(r[9], "王*") || r[10] != "139****5678" {
				t.Fatalf("masked reporter: %v", r)
			}
		}
	}
	if !found {
		t.Fatalf("ticket %s not in the dispatcher's export", mine.Number)
	}
	// Filters narrow it as they narrow the list.
	_, _, body = dispatcher.download("/staff/export?format=csv&status=registered")
	recs, err := csv.NewReader(bytes.NewReader(bytes.TrimPrefix(body, []byte("\uFEFF")))).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if want := countList(t, a.Tickets, du, ticket.Filter{Status: ticket.StatusRegistered}); len(recs)-1 != want {
		t.Fatalf("registered only: %d rows, want %d", len(recs)-1, want)
	}
	for _, r := range recs[1:] {
		if r[2] != "已受理" {
			t.Fatalf("not registered: %v", r)
		}
	}

	// The street handler gets only her unit's tickets, as CSV.
	handler := staffLogin(t, srv, "demo-handler", "gongzhi-demo")
	_, page = handler.get("/staff?status=dispatched&part=helper")
	mustContain(t, page, `href="/staff/export?format=csv&amp;part=helper&amp;status=dispatched"`)
	code, h, body = handler.download("/staff/export?format=csv&status=")
	if code != 200 || !strings.HasPrefix(h.Get("Content-Type"), "text/csv") || !strings.HasSuffix(h.Get("Content-Disposition"), ".csv") {
		t.Fatalf("csv: %d %v %.300s", code, h, body)
	}
	if !bytes.HasPrefix(body, []byte("\uFEFF")) {
		t.Fatal("csv has no byte order mark")
	}
	recs, err = csv.NewReader(bytes.NewReader(bytes.TrimPrefix(body, []byte("\uFEFF")))).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if len(recs) < 2 || recs[0][0] != "工单编号" {
		t.Fatalf("handler csv: %v", recs)
	}
	found = false
	for _, r := range recs[1:] {
		if !strings.HasPrefix(r[8], "110117001-SO") {
			t.Fatalf("a ticket of another unit: %v", r)
		}
		if r[0] == power.Number {
			t.Fatalf("the power company's ticket: %v", r)
		}
		found = found || r[0] == mine.Number && r[10] == "139****5678"
	}
	if !found {
		t.Fatalf("ticket %s missing or unmasked in the handler's export: %v", mine.Number, recs)
	}

	// Bad formats and filters are refused; residents and strangers are not let in.
	for _, q := range []string{"format=pdf", "format=csv&status=lost", "format=csv&overdue=maybe"} {
		if code, _, _ := dispatcher.download("/staff/export?" + q); code != 400 {
			t.Errorf("%s: %d, want 400", q, code)
		}
	}
	old := web.ExportCap
	web.ExportCap = 1
	code, _, body = dispatcher.download("/staff/export?format=xlsx&status=")
	web.ExportCap = old
	if code != 400 || !strings.Contains(string(body), "导出结果超过 1 条") {
		t.Errorf("past the cap: %d %.300s", code, body)
	}
	resident := residentLogin(t, srv, "13800138000")
	if code, _, _ := resident.download("/staff/export?format=csv"); code != 403 {
		t.Errorf("resident: %d, want 403", code)
	}
	stranger := newClient(t, srv)
	stranger.hc.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	resp, err := stranger.hc.Get(srv.URL + "/staff/export?format=csv")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusSeeOther || !strings.HasPrefix(resp.Header.Get("Location"), "/staff/login?next=") {
		t.Errorf("anonymous: %d %q", resp.StatusCode, resp.Header.Get("Location"))
	}
}
