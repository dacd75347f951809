package web_test

import (
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/gongzhi/gongzhi/internal/db/dbtest"
	"github.com/gongzhi/gongzhi/internal/demo"
)

const (
	dispatchNote = "请尽快核实供电情况"
	toldNote     = "已与您电话联系，供电公司抢修队明早九点到场"
)

// notedTicket files a power cut as the demo resident, has the dispatcher
// dispatch it through the staff page with an internal note, and the
// street office sign it and record its contact, told to the resident
// (告知居民) when tell is set. It returns the ticket's number and the
// resident's API token.
func notedTicket(t *testing.T, srv *httptest.Server, tell bool) (number, resident string) {
	t.Helper()
	const phone = "13800138000"
	code := postJSON(t, srv, "/api/v1/auth/code", "", map[string]string{"phone": phone})
	resident = postJSON(t, srv, "/api/v1/auth/token", "", map[string]string{"phone": phone, "code": code["dev_code"].(string)})["token"].(string)
	number = postJSON(t, srv, "/api/v1/tickets", resident, map[string]any{"kind": "help", "category_code": "0405",
		"description": "金谷东园5号楼停电一整天", "area_code": demo.CommunityJinguDongyuan})["number"].(string)

	disp := staffLogin(t, srv, "demo-dispatcher", "gongzhi-demo")
	_, page := disp.get("/staff/tickets/" + number)
	// The dispatch note says it stays inside and offers 告知居民.
	mustContain(t, page, "默认仅内部可见", `name="notify_resident"`)
	if status, body := disp.post("/staff/tickets/"+number+"/dispatch", url.Values{"csrf": {csrf(t, page)},
		"org_code": {demo.StreetOfficeCode(demo.StreetBinhe)}, "note": {dispatchNote}}); status != 200 {
		t.Fatalf("dispatch: %d\n%s", status, body)
	}
	lead := staffLogin(t, srv, "demo-handler", "gongzhi-demo")
	_, page = lead.get("/staff/tickets/" + number)
	lead.post("/staff/tickets/"+number+"/sign", url.Values{"csrf": {csrf(t, page)}})
	form := url.Values{"csrf": {csrf(t, page)}, "note": {toldNote}}
	if tell {
		form.Set("notify_resident", "1")
	}
	if status, body := lead.post("/staff/tickets/"+number+"/contact", form); status != 200 {
		t.Fatalf("contact: %d\n%s", status, body)
	}
	_, page = disp.get("/staff/tickets/" + number)
	mustContain(t, page, dispatchNote, toldNote)
	if told := strings.Contains(page, "已告知居民"); told != tell {
		t.Errorf("the staff page marks the note told: %v, want %v", told, tell)
	}
	return number, resident
}

// TestDispatchNoteStaysInside: on both engines, a dispatcher's note reaches
// neither the resident's page, nor her API's events, nor Open311; a note
// told to the resident (告知居民) reaches all three, the public's masked.
func TestDispatchNoteStaysInside(t *testing.T) {
	for _, engine := range dbtest.Engines() {
		for _, tell := range []bool{false, true} {
			name := engine + "/internal"
			if tell {
				name = engine + "/told"
			}
			t.Run(name, func(t *testing.T) {
				a := newAppOn(t, engine)
				srv := httptest.NewServer(a.Handler)
				defer srv.Close()
				number, resident := notedTicket(t, srv, tell)

				guest := newClient(t, srv)
				_, page := guest.get("/track")
				_, page = guest.post("/track", url.Values{"csrf": {csrf(t, page)}, "number": {number}, "phone": {"13800138000"}})
				mustContain(t, page, number)
				_, events := apiLines(t, srv, number, resident)
				var api string
				for _, e := range events {
					api += e.Note + "\n"
				}
				var reqs []struct {
					StatusNotes string `json:"status_notes"`
					Notes       []struct{ Description string }
				}
				getJSON(t, srv, "/open311/v2/requests/"+number+".json?extensions=true", "", &reqs)
				public := reqs[0].StatusNotes + "\n"
				for _, n := range reqs[0].Notes {
					public += n.Description + "\n"
				}
				for surface, text := range map[string]string{"resident's page": page, "resident's API": api, "Open311": public} {
					if strings.Contains(text, dispatchNote) {
						t.Errorf("%s shows the dispatcher's note", surface)
					}
					if got := strings.Contains(text, toldNote); got != tell {
						t.Errorf("%s shows the contact note: %v, want %v", surface, got, tell)
					}
				}
			})
		}
	}
}
