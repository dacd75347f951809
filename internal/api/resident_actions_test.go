package api_test

import (
	"testing"

	"github.com/gongzhi/gongzhi/internal/db/dbtest"
)

// TestResidentActions: the reporter withdraws, urges and supplements through
// the same action endpoint as the staff; a second urge the same day is 429.
func TestResidentActions(t *testing.T) {
	for _, engine := range dbtest.Engines() {
		t.Run(engine, func(t *testing.T) {
			srv := newServer(t, engine)
			tok := residentToken(t, srv, "13700000042")
			handler := login(t, srv, "demo-handler")
			submit := func(category string) (string, string) {
				code, _, m := post(t, srv, "/api/v1/tickets", tok, "", map[string]any{"category_code": category, "description": "路灯不亮", "area_code": "110117001001"})
				if code != 201 {
					t.Fatalf("submit: %d %v", code, m)
				}
				return m["number"].(string), m["status"].(string)
			}
			// 供电 (0405) has no rule: the request waits for the dispatchers.
			waiting, st := submit("0405")
			if st != "registered" {
				t.Fatalf("0405 is %s", st)
			}
			if code, _, m := post(t, srv, "/api/v1/tickets/"+waiting+"/actions/withdraw", tok, "", map[string]any{"note": "已修好"}); code != 200 || m["status"] != "withdrawn" {
				t.Fatalf("withdraw: %d %v", code, m)
			}
			// 街巷环境卫生 (0101) goes to the street office at once.
			number, st := submit("0101")
			if st != "dispatched" {
				t.Fatalf("0101 is %s", st)
			}
			if code, _, m := post(t, srv, "/api/v1/tickets/"+number+"/actions/withdraw", tok, "", nil); code != 409 {
				t.Fatalf("withdraw after dispatch: %d %v", code, m)
			}
			if code, _, m := post(t, srv, "/api/v1/tickets/"+number+"/actions/urge", tok, "", nil); code != 200 || m["urge_count"] != float64(1) {
				t.Fatalf("urge: %d %v", code, m)
			}
			code, h, m := post(t, srv, "/api/v1/tickets/"+number+"/actions/urge", tok, "", nil)
			if e, _ := m["error"].(map[string]any); code != 429 || h.Get("Retry-After") == "" || e["message"] == "" || e["message_en"] == "" {
				t.Fatalf("second urge today: %d %v %v", code, h, m)
			}
			if code, _, m := post(t, srv, "/api/v1/tickets/"+number+"/actions/supplement", tok, "", map[string]any{"note": "灯杆编号 PG-0231"}); code != 200 {
				t.Fatalf("supplement: %d %v", code, m)
			}
			if code, _, _ := post(t, srv, "/api/v1/tickets/"+number+"/actions/supplement", handler, "", map[string]any{"note": "x"}); code != 403 {
				t.Fatalf("the unit supplemented the reporter's request: %d", code)
			}
			got := get(t, srv, "/api/v1/tickets/"+number, handler)
			if got["urge_count"] != float64(1) {
				t.Fatalf("the unit sees urge_count %v", got["urge_count"])
			}
		})
	}
}
