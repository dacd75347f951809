package web_test

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/gongzhi/gongzhi/internal/db/dbtest"
)

// everyKind is every kind of timeline line a ticket can have, with a note
// in the shape each kind writes; each note carries "mk-<kind>" so a page
// shows whether it kept the note.
var everyKind = [][2]string{
	{"dispatch", "请尽快核实供电情况 mk-dispatch"},
	{"sign", "mk-sign"},
	{"contact", "电话联系 mk-contact"},
	{"yellow_light", "mk-yellow_light"},
	{"overdue", "mk-overdue"},
	{"unsigned_escalated", "mk-unsigned_escalated"},
	{"remind", "mk-remind"},
	{"whistle", "110117001 4h mk-whistle"},
	{"escalate", "110117001 4h mk-escalate"},
	{"report", "mk-report"},
	{"summons_missed", "mk-summons_missed"},
	{"add_helper", "mk-add_helper"},
	{"helper_sign", "mk-helper_sign"},
	{"helper_reply", "mk-helper_reply"},
	{"request_extension", "延期至 2026-12-30 12:00：mk-request_extension"},
	{"reject_extension", "mk-reject_extension"},
	{"approve_extension", "mk-approve_extension"},
	{"return", "wrong_unit mk-return"},
	{"reject_return", "mk-reject_return"},
	{"approve_return", "mk-approve_return"},
	{"redispatch", "mk-redispatch"},
	{"external_update", "mk-external_update"},
	{"attach", "after mk-attach"},
	{"reply", "已清理，可拨13812345678 mk-reply"},
	{"request_check", "mk-request_check"},
	{"check", "核查通过 mk-check"},
	{"rate", "by_phone unsatisfied: 不满意 mk-rate"},
	{"redo", "mk-redo"},
	{"answer", "mk-answer"},
	{"self_resolve", "mk-self_resolve"},
	{"merge", "→ 20260101-0001 mk-merge"},
	{"parent_reply", "20260101-0001：答复 mk-parent_reply"},
	{"parent_closed", "20260101-0001：办结 mk-parent_closed"},
	{"invalidate", "duplicate mk-invalidate"},
	{"close", "mk-close"},
}

var (
	eventLI = regexp.MustCompile(`(?s)<li data-event="([a-z_]+)">(.*?)</li>`)
	marker  = regexp.MustCompile(`mk-[a-z_]+`)
)

// line is one timeline line as a surface shows it: its kind, and the
// marker of its note if the note is shown.
type line struct{ kind, mark string }

func webLines(t *testing.T, page string) []line {
	t.Helper()
	var out []line
	for _, m := range eventLI.FindAllStringSubmatch(page, -1) {
		out = append(out, line{m[1], marker.FindString(m[2])})
	}
	if len(out) == 0 {
		t.Fatalf("no timeline on the page:\n%s", page)
	}
	return out
}

func getJSON(t *testing.T, srv *httptest.Server, path, token string, into any) {
	t.Helper()
	req, _ := http.NewRequest("GET", srv.URL+path, nil)
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != 200 {
		t.Fatalf("GET %s: %d", path, resp.StatusCode)
	}
	if err := json.NewDecoder(resp.Body).Decode(into); err != nil {
		t.Fatal(err)
	}
}

func postJSON(t *testing.T, srv *httptest.Server, path, token string, body any) map[string]any {
	t.Helper()
	j, _ := json.Marshal(body)
	req, _ := http.NewRequest("POST", srv.URL+path, bytes.NewReader(j))
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var m map[string]any
	json.NewDecoder(resp.Body).Decode(&m)
	if resp.StatusCode >= 300 {
		t.Fatalf("POST %s: %d %v", path, resp.StatusCode, m)
	}
	return m
}

type apiEvent struct {
	Action  string `json:"action"`
	Actor   string `json:"actor"`
	Note    string `json:"note"`
	ByPhone bool   `json:"by_phone"`
}

func apiLines(t *testing.T, srv *httptest.Server, number, token string) ([]line, []apiEvent) {
	t.Helper()
	var l struct{ Items []apiEvent }
	getJSON(t, srv, "/api/v1/tickets/"+number+"/events", token, &l)
	var out []line
	for _, e := range l.Items {
		out = append(out, line{e.Action, marker.FindString(e.Note)})
	}
	return out, l.Items
}

func kinds(ls []line) []string {
	var out []string
	for _, l := range ls {
		out = append(out, l.kind)
	}
	return out
}

// marks lists the notes shown, leaving out the kinds in skip.
func marks(ls []line, skip ...string) []string {
	var out []string
	for _, l := range ls {
		if l.mark != "" && !slices.Contains(skip, l.kind) {
			out = append(out, l.mark)
		}
	}
	return out
}

// TestTimelineSameOnEverySurface: for one ticket with every kind of line,
// the reporter sees the same lines and notes on the lookup page and through
// the API, the public the same lines through Open311 (less her rating's
// note, and masked), and the staff every line on their page and through the
// API. Staff notes — a dispatcher's instruction, a contact or check record —
// reach neither the reporter nor the public; a rating taken on a follow-up
// call reads as such everywhere, its mark never shown.
func TestTimelineSameOnEverySurface(t *testing.T) {
	for _, engine := range dbtest.Engines() {
		t.Run(engine, func(t *testing.T) {
			a := newAppOn(t, engine)
			srv := httptest.NewServer(a.Handler)
			defer srv.Close()
			ctx := context.Background()
			const phone = "13800138000"
			code := postJSON(t, srv, "/api/v1/auth/code", "", map[string]string{"phone": phone})
			resident := postJSON(t, srv, "/api/v1/auth/token", "", map[string]string{"phone": phone, "code": code["dev_code"].(string)})["token"].(string)
			staffTok := postJSON(t, srv, "/api/v1/auth/token", "", map[string]string{"username": "demo-dispatcher", "password": "gongzhi-demo"})["token"].(string)
			number := postJSON(t, srv, "/api/v1/tickets", resident, map[string]any{"kind": "complaint", "category_code": "0101",
				"description": "金谷东园北门路灯不亮", "area_code": "110117001001"})["number"].(string)

			var seq int
			var status string
			if err := a.DB.R.QueryRowContext(ctx, `SELECT MAX(seq) FROM ticket_events WHERE ticket_number = $1`, number).Scan(&seq); err != nil {
				t.Fatal(err)
			}
			if err := a.DB.R.QueryRowContext(ctx, `SELECT status FROM tickets WHERE number = $1`, number).Scan(&status); err != nil {
				t.Fatal(err)
			}
			at := time.Now().UnixMilli()
			for i, k := range everyKind {
				actor, role := "demo-dispatcher", "dispatcher"
				if slices.Contains([]string{"yellow_light", "overdue", "unsigned_escalated", "summons_missed"}, k[0]) {
					actor, role = "system", "system"
				}
				if _, err := a.DB.W.ExecContext(ctx, `INSERT INTO ticket_events (ticket_number, seq, at, actor_id, actor_name, actor_role, action, from_status, to_status, org_code, note)
VALUES ($1, $2, $3, '', $4, $5, $6, $7, $7, '', $8)`, number, seq+1+i, at+int64(i), actor, role, k[0], status, k[1]); err != nil {
					t.Fatal(err)
				}
			}

			// The staff: every line with its note, on the page and through the API.
			staffAPI, _ := apiLines(t, srv, number, staffTok)
			for _, k := range everyKind {
				if !slices.Contains(marks(staffAPI), "mk-"+k[0]) {
					t.Errorf("staff API lacks %s and its note", k[0])
				}
			}
			staff := newClient(t, srv)
			_, page := staff.get("/staff/login")
			staff.post("/staff/login", url.Values{"csrf": {csrf(t, page)}, "username": {"demo-dispatcher"}, "password": {"gongzhi-demo"}})
			_, page = staff.get("/staff/tickets/" + number)
			if got, want := kinds(webLines(t, page)), kinds(staffAPI); !slices.Equal(got, want) {
				t.Errorf("staff page lines %v, API %v", got, want)
			}
			mustContain(t, page, "请尽快核实供电情况", "demo-dispatcher")

			// The reporter: the lookup page and the API agree.
			guest := newClient(t, srv)
			_, page = guest.get("/track")
			_, page = guest.post("/track", url.Values{"csrf": {csrf(t, page)}, "number": {number}, "phone": {phone}})
			web := webLines(t, page)
			api, raw := apiLines(t, srv, number, resident)
			if !slices.Equal(kinds(web), kinds(api)) {
				t.Errorf("reporter's lines: page %v, API %v", kinds(web), kinds(api))
			}
			// The page writes a photo's note into the line itself.
			if got, want := marks(web), marks(api, "attach"); !slices.Equal(got, want) {
				t.Errorf("reporter's notes: page %v, API %v", got, want)
			}
			mustContain(t, page, "电话回访", "13812345678")
			// Her own page, logged in, shows what the lookup page shows.
			// (The API's code was sent a moment ago; a second one would wait.)
			if _, err := a.DB.W.ExecContext(ctx, `DELETE FROM otp_codes WHERE phone = $1`, phone); err != nil {
				t.Fatal(err)
			}
			me := newClient(t, srv)
			_, login := me.get("/login")
			tok := csrf(t, login)
			_, body := me.post("/login/code", url.Values{"csrf": {tok}, "phone": {phone}})
			dev := regexp.MustCompile(`演示模式验证码：<strong>(\d+)</strong>`).FindStringSubmatch(body)
			if dev == nil {
				t.Fatalf("no demo code:\n%s", body)
			}
			me.post("/login", url.Values{"csrf": {tok}, "phone": {phone}, "code": {dev[1]}})
			if _, own := me.get("/tickets/" + number); !slices.Equal(webLines(t, own), web) {
				t.Errorf("her page %v, the lookup page %v", webLines(t, own), web)
			}
			for _, e := range raw {
				if e.Action == "rate" && !e.ByPhone {
					t.Errorf("API: the rating is not marked as taken by phone: %+v", e)
				}
				if e.Actor == "demo-dispatcher" {
					t.Errorf("API shows the reporter a staff account: %+v", e)
				}
			}

			// The public: the same lines through Open311, her rating's note
			// left out and numbers masked.
			var reqs []struct {
				Notes []struct{ Type, Description string }
			}
			getJSON(t, srv, "/open311/v2/requests/"+number+".json?extensions=true", "", &reqs)
			var public []line
			var publicText string
			for _, n := range reqs[0].Notes {
				public = append(public, line{n.Type, marker.FindString(n.Description)})
				publicText += n.Description + "\n"
			}
			if !slices.Equal(kinds(public), kinds(api)) {
				t.Errorf("public lines %v, reporter's %v", kinds(public), kinds(api))
			}
			if got, want := marks(public), marks(api, "rate"); !slices.Equal(got, want) {
				t.Errorf("public notes %v, reporter's less the rating %v", got, want)
			}
			if strings.Contains(publicText, "13812345678") {
				t.Error("Open311 shows a phone number unmasked")
			}

			// What neither sees.
			for _, k := range []string{"remind", "whistle", "escalate", "request_check", "yellow_light", "reject_return", "request_extension"} {
				if slices.Contains(kinds(api), k) {
					t.Errorf("the reporter sees %s", k)
				}
			}
			for _, m := range []string{"mk-dispatch", "mk-contact", "mk-sign", "mk-check", "mk-close", "mk-return"} {
				if slices.Contains(marks(api), m) || slices.Contains(marks(web), m) || slices.Contains(marks(public), m) {
					t.Errorf("a staff note (%s) is shown outside the staff", m)
				}
			}
			for _, s := range []string{"请尽快核实供电情况", "by_phone", "demo-dispatcher"} {
				if strings.Contains(page, s) || strings.Contains(publicText, s) {
					t.Errorf("%q is shown outside the staff", s)
				}
			}
		})
	}
}
