package web_test

import (
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/gongzhi/gongzhi/internal/app"
	"github.com/gongzhi/gongzhi/internal/clock"
	"github.com/gongzhi/gongzhi/internal/evaluation"
	"github.com/gongzhi/gongzhi/internal/limit"
	"github.com/gongzhi/gongzhi/internal/ticket"
	"github.com/gongzhi/gongzhi/internal/web"
)

var cst = time.FixedZone("CST", 8*3600)

// newEvalServerAt is newEvalServer with the evaluation's clock at now.
func newEvalServerAt(t *testing.T, now time.Time) (*app.App, *httptest.Server) {
	t.Helper()
	a := newApp(t)
	ev := evaluation.NewService(a.DB, clock.NewFixed(now), a.Gov, nil)
	w, err := web.New(web.Deps{Auth: a.Auth, Tickets: a.Tickets, Gov: a.Gov, KB: a.KB, Limits: limit.Defaults(), Evaluation: ev, Demo: true})
	if err != nil {
		t.Fatal(err)
	}
	mux := http.NewServeMux()
	w.Routes(mux)
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	return a, srv
}

// closedOn moves a closed ticket's times so that it was closed at day.
func closedOn(t *testing.T, a *app.App, number string, day time.Time) {
	t.Helper()
	var closed int64
	if err := a.DB.R.QueryRowContext(t.Context(), `SELECT closed_at FROM tickets WHERE number = $1`, number).Scan(&closed); err != nil {
		t.Fatal(err)
	}
	back := closed - day.UnixMilli()
	if _, err := a.DB.W.ExecContext(t.Context(), `UPDATE tickets SET created_at = created_at - $1, signed_at = signed_at - $1, contacted_at = contacted_at - $1,
replied_at = replied_at - $1, closed_at = closed_at - $1, rated_at = rated_at - $1, due_contact_at = due_contact_at - $1, due_complete_at = due_complete_at - $1
WHERE number = $2`, back, number); err != nil {
		t.Fatal(err)
	}
}

// On 2 December the dashboards and the public page open on November, the
// last complete month; December stays in the picker, marked partial, and
// shows as partial when chosen.
func TestDashboardOpensOnLastCompleteMonth(t *testing.T) {
	now := time.Date(2026, 12, 2, 10, 0, 0, 0, cst)
	a, srv := newEvalServerAt(t, now)
	for i, day := range []time.Time{time.Date(2026, 11, 10, 9, 0, 0, 0, cst), time.Date(2026, 11, 20, 9, 0, 0, 0, cst), time.Date(2026, 12, 1, 9, 0, 0, 0, cst)} {
		closedOn(t, a, closedTicket(t, a, "诉求"+string(rune('一'+i)), i != 2, ticket.Satisfied), day)
	}
	sup := staffLogin(t, srv, "demo-supervisor", "gongzhi-demo")
	status, body := sup.get("/staff/dashboard")
	if status != 200 {
		t.Fatalf("dashboard: %d\n%s", status, body)
	}
	mustContain(t, body, `<option value="2026-11" selected>2026-11</option>`, `<option value="2026-12">2026-12 （本月至今，未完结）</option>`,
		"2026-11-01 至 2026-11-30", `<nav class="toc"`, `href="#h-rank"`, `id="h-rank"`)
	if strings.Contains(body, `class="partial-note"`) {
		t.Error("the last complete month is marked partial")
	}
	// November's two tickets, both resolved; December's one (unresolved) is not in it.
	if !regexp.MustCompile(`诉求量</span>\s*<span class="kpi-value"><a [^>]*>2</a>`).MatchString(body) || !strings.Contains(body, "2 / 2") {
		t.Errorf("November's figures not shown:\n%s", body)
	}
	_, body = sup.get("/staff/dashboard?month=2026-12")
	mustContain(t, body, `<option value="2026-12" selected>2026-12 （本月至今，未完结）</option>`, `class="partial-note"`, "本月至今（未完结）", "0 / 1")
	for _, path := range []string{"/staff/unit", "/public"} {
		c := sup
		if path == "/public" {
			c = newClient(t, srv)
		}
		_, body = c.get(path)
		mustContain(t, body, `<option value="2026-11" selected>`, "（本月至今，未完结）")
	}
}

var pathD = regexp.MustCompile(`<path d="([^"]*)" fill="none"`)

// A month without a value is a gap in a line, never zero; with no value at
// all there is no chart, and the page says 暂无数据.
func TestChartGaps(t *testing.T) {
	v := func(x float64) *float64 { return &x }
	labels := []string{"1月", "2月", "3月", "4月", "5月"}
	h := string(web.LineChart("c", "t", "d", labels, []web.Series{{Name: "解决率", Color: "#000", Values: []*float64{v(50), nil, nil, v(40), v(60)}}}))
	m := pathD.FindAllStringSubmatch(h, -1)
	if len(m) != 2 { // drawn for screens and for phones
		t.Fatalf("paths: %v\n%s", m, h)
	}
	// Two pieces: the lone January point, then April to May.
	for _, x := range m {
		d := x[1]
		if strings.Count(d, "M") != 2 || strings.Count(d, "L") != 1 || strings.Index(d, "L") < strings.LastIndex(d, "M") {
			t.Errorf("path %q: want a gap over February and March", d)
		}
	}
	if strings.Count(h, `r="9" fill="transparent"`) != 2*3 {
		t.Errorf("missing months drawn as points:\n%s", h)
	}
	if h := web.LineChart("c", "t", "d", labels, []web.Series{{Name: "x", Values: make([]*float64, 5)}}); h != "" {
		t.Errorf("no value, yet a chart: %s", h)
	}
	if h := web.ColumnChart("c", "t", "d", []web.Bar{{Label: "1月"}, {Label: "2月"}}); h != "" {
		t.Errorf("no tickets, yet a column chart: %s", h)
	}
	if h := web.BarChart("c", "t", "d", nil); h != "" {
		t.Errorf("no bars, yet a chart: %s", h)
	}
	// A dashboard of a month long before any ticket.
	a, srv := newEvalServer(t)
	_ = a
	sup := staffLogin(t, srv, "demo-supervisor", "gongzhi-demo")
	_, body := sup.get("/staff/dashboard?month=" + time.Now().In(cst).AddDate(-1, 0, 0).Format("2006-01"))
	mustContain(t, body, `<p class="nodata">暂无数据</p>`)
	if pathD.MatchString(body) || strings.Contains(body, `id="chart-rates"`) || strings.Contains(body, `id="chart-volume"`) {
		t.Error("a chart drawn with no data")
	}
}
