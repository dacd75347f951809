package web_test

import (
	"context"
	"encoding/json"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/gongzhi/gongzhi/internal/app"
	"github.com/gongzhi/gongzhi/internal/ticket"
	"github.com/gongzhi/gongzhi/internal/web"
)

// pickTicket files a ticket the catalogue does not dispatch by itself (供电
// has no rule), then moves it to 街巷环境卫生, whose rule names 滨河街道办事处
// for 金谷东园: a registered ticket with a suggestion, as one a dispatcher
// classifies by hand.
func pickTicket(t *testing.T, a *app.App) string {
	t.Helper()
	tk, err := a.Tickets.Create(context.Background(), nil, ticket.NewTicket{CategoryCode: "0405", AreaCode: "110117001001",
		Description: "金谷东园5号楼门口垃圾堆放，无人清运", Address: "金谷东园5号楼", ReporterName: "王芳", ReporterPhone: "13900007777"})
	if err != nil {
		t.Fatal(err)
	}
	if tk.Status != ticket.StatusRegistered {
		t.Fatalf("the ticket is %s, not waiting for a dispatcher", tk.Status)
	}
	if _, err := a.DB.W.ExecContext(t.Context(), `UPDATE tickets SET category_code = '0101' WHERE number = $1`, tk.Number); err != nil {
		t.Fatal(err)
	}
	return tk.Number
}

func pickJSON(t *testing.T, c *client, q url.Values) (int, web.PickAnswer, string) {
	t.Helper()
	status, body := c.get("/staff/orgs?" + q.Encode())
	var ans web.PickAnswer
	if status == 200 {
		if err := json.Unmarshal([]byte(body), &ans); err != nil {
			t.Fatalf("%s: %v", body, err)
		}
	}
	return status, ans, body
}

// TestPickerJSON: the type-ahead finds units by pinyin initials, puts the
// catalogue's suggestion first, marks the unit that has the ticket, and
// answers only staff who may take the action on the ticket.
func TestPickerJSON(t *testing.T) {
	a := newApp(t)
	srv := httptest.NewServer(a.Handler)
	defer srv.Close()
	number := pickTicket(t, a)
	disp := staffLogin(t, srv, "demo-dispatcher", "gongzhi-demo")
	q := func(kv ...string) url.Values {
		v := url.Values{"ticket": {number}, "for": {"dispatch"}}
		for i := 0; i+1 < len(kv); i += 2 {
			v.Set(kv[i], kv[i+1])
		}
		return v
	}

	status, ans, body := pickJSON(t, disp, q("q", "bhj"))
	if status != 200 || len(ans.Items) == 0 || ans.Items[0].Name != "滨河街道办事处" || ans.Items[0].Group != "streets" || ans.Items[0].GroupLabel != "街道办事处/乡镇政府" {
		t.Fatalf("bhj: %d %s", status, body)
	}
	// With nothing typed: the suggestion, then the units by group, 20 of 362.
	_, ans, body = pickJSON(t, disp, q())
	if len(ans.Items) != 20 || !ans.More || !ans.Items[0].Suggested || ans.Items[0].Code != "110117001-SO" || ans.Items[1].Group != "departments" {
		t.Fatalf("empty query: %s", body)
	}
	for _, it := range ans.Items[1:] {
		if it.Suggested || it.Current {
			t.Errorf("%s suggested %v current %v", it.Code, it.Suggested, it.Current)
		}
	}
	_, ans, _ = pickJSON(t, disp, q("q", "村委会", "limit", "50"))
	if len(ans.Items) != 50 || !ans.More || ans.Items[0].Group != "communities" {
		t.Errorf("村委会: %d items, more %v", len(ans.Items), ans.More)
	}

	// Mistakes are the caller's, in her language.
	for _, c := range []struct {
		q      url.Values
		status int
		want   string
	}{
		{q("for", "sign"), 400, "未知的操作"},
		{q("limit", "x"), 400, "数量格式不正确"},
		{q("limit", "500"), 400, "最多返回"},
		{q("q", strings.Repeat("滨", 41)), 400, "搜索词不能超过"},
		{q("ticket", "20990101000001"), 404, ""},
		{q("for", "redispatch"), 403, "不能对此工单进行该操作"},
	} {
		if status, _, body := pickJSON(t, disp, c.q); status != c.status || !strings.Contains(body, c.want) || !strings.Contains(body, `"error"`) {
			t.Errorf("%v: %d %s", c.q, status, body)
		}
	}
	if status, body := newClient(t, srv).get("/staff/orgs?" + q().Encode()); status != 401 || !strings.Contains(body, "登录已失效") {
		t.Errorf("without a session: %d %s", status, body)
	}
	// A handler of another unit does not dispatch.
	h := staffLogin(t, srv, "demo-handler-dept", "gongzhi-demo")
	if status, _, body := pickJSON(t, h, q()); status != 403 && status != 404 {
		t.Errorf("a department's handler: %d %s", status, body)
	}

	// The workbench asks with no ticket: its unit filter (any staff member)
	// and its batch dispatch (whoever may dispatch in a batch).
	if status, ans, body := pickJSON(t, h, url.Values{"for": {"filter"}, "q": {"bhj"}}); status != 200 || len(ans.Items) == 0 || ans.Items[0].Name != "滨河街道办事处" {
		t.Errorf("the workbench's unit filter: %d %s", status, body)
	}
	if status, ans, body := pickJSON(t, disp, url.Values{"for": {"dispatch"}, "q": {"bhj"}}); status != 200 || len(ans.Items) == 0 {
		t.Errorf("a dispatcher's batch dispatch: %d %s", status, body)
	}
	if status, _, body := pickJSON(t, h, url.Values{"for": {"dispatch"}}); status != 403 {
		t.Errorf("a handler's batch dispatch: %d %s", status, body)
	}
	if status, _, body := pickJSON(t, disp, url.Values{"for": {"whistle"}}); status != 403 {
		t.Errorf("whistle with no ticket: %d %s", status, body)
	}

	// Once dispatched, a redispatch shows the unit that has it, not to be chosen.
	dispatchTo(t, a, number, "110117-D01")
	_, ans, body = pickJSON(t, disp, q("for", "redispatch", "q", "cs"))
	found := false
	for _, it := range ans.Items {
		if it.Code == "110117-D01" {
			found = it.Current
		}
	}
	if !found {
		t.Errorf("redispatch: the current unit is not marked: %s", body)
	}
}

func dispatchTo(t *testing.T, a *app.App, number, org string) {
	t.Helper()
	ctx := context.Background()
	d, err := a.Auth.UserByUsername(ctx, "demo-dispatcher")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := a.Tickets.Act(ctx, d, number, ticket.ActionDispatch, ticket.ActionInput{OrgCode: org}); err != nil {
		t.Fatal(err)
	}
}

// TestPickerWithoutJS: the page the picker enhances works as it is: the
// dispatch select holds every unit with the suggestion chosen; 吹哨报到's
// checkboxes are folded away, and open again, ticked, when the form failed.
func TestPickerWithoutJS(t *testing.T) {
	a := newApp(t)
	srv := httptest.NewServer(a.Handler)
	defer srv.Close()
	number := pickTicket(t, a)
	disp := staffLogin(t, srv, "demo-dispatcher", "gongzhi-demo")
	_, page := disp.get("/staff/tickets/" + number)
	mustContain(t, page, `data-picker="/staff/orgs?for=dispatch&amp;ticket=`+number+`"`, `<option value="110117001-SO" selected`,
		`<details class="orgpick-all"><summary>从全部单位中勾选</summary>`, `<script src="/static/picker.js" defer></script>`)
	// The demo's 362 units, its service station and its mediation committee.
	if n := strings.Count(page, `name="org_codes"`); n != 364 {
		t.Errorf("%d boxes for 吹哨报到, want one for each of the 364 units", n)
	}
	status, page := disp.post("/staff/tickets/"+number+"/whistle", url.Values{"csrf": {csrf(t, page)},
		"org_codes": {"110117-D04"}, "within_hours": {"100000"}})
	if status != 400 {
		t.Fatalf("a whistle with a bad time limit: %d", status)
	}
	mustContain(t, page, `<details class="orgpick-all" open>`, `value="110117-D04" checked`)
	if status, body := disp.get("/static/picker.js"); status != 200 || !strings.Contains(body, `role: "combobox"`) {
		t.Errorf("picker.js: %d", status)
	}
}
