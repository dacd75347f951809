package web_test

import (
	"bytes"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/gongzhi/gongzhi/internal/db/dbtest"
)

// For every staff role, the pages offer and take the registration of a
// request on a resident's behalf exactly when the API takes it: the rule is
// the ticket service's, not the surface's.
func TestStaffRegistrationSameOnWebAndAPI(t *testing.T) {
	for _, engine := range dbtest.Engines() {
		t.Run(engine, func(t *testing.T) {
			a := newAppOn(t, engine)
			srv := httptest.NewServer(a.Handler)
			defer srv.Close()
			accounts := map[string]string{"admin": "lantern-river-42"}
			for _, name := range []string{"demo-supervisor", "demo-dispatcher", "demo-handler", "demo-handler-dept", "demo-agent", "demo-grid", "demo-auditor"} {
				accounts[name] = "gongzhi-demo"
			}
			// A community within every scope that has an area.
			const area = "110117001001"
			for name, password := range accounts {
				c := staffLogin(t, srv, name, password)
				status, page := c.get("/staff/new")
				shown := status == 200
				if !shown && status != 403 {
					t.Fatalf("%s: GET /staff/new %d", name, status)
				}
				_, home := c.get("/staff")
				if strings.Contains(home, `href="/staff/new"`) != shown {
					t.Fatalf("%s: the menu's link to the form (%t) and the form (%t) disagree", name, !shown, shown)
				}
				if !shown {
					_, page = c.get("/staff/account") // any page, for its CSRF token
				}
				status, body := c.post("/staff/new", url.Values{"csrf": {csrf(t, page)}, "kind": {"help"},
					"category_code": {"0101"}, "community": {area}, "description": {"代居民登记：楼道灯坏了"}, "reporter_phone": {"13912340000"}})
				webTakes := status == 200 && strings.Contains(body, "诉求已登记")
				if !webTakes && status != 403 {
					t.Fatalf("%s: POST /staff/new %d\n%s", name, status, body)
				}

				j, _ := json.Marshal(map[string]string{"kind": "help", "category_code": "0101", "area_code": area,
					"description": "代居民登记：楼道灯坏了", "reporter_phone": "13912340000"})
				req, _ := http.NewRequest("POST", srv.URL+"/api/v1/tickets", bytes.NewReader(j))
				req.Header.Set("Authorization", "Bearer "+apiToken(t, srv, name, password))
				resp, err := http.DefaultClient.Do(req)
				if err != nil {
					t.Fatal(err)
				}
				resp.Body.Close()
				apiTakes := resp.StatusCode == 201
				if !apiTakes && resp.StatusCode != 403 {
					t.Fatalf("%s: POST /api/v1/tickets %d", name, resp.StatusCode)
				}
				if shown != apiTakes || webTakes != apiTakes {
					t.Errorf("%s: the form is shown %t, the pages take it %t, the API %t", name, shown, webTakes, apiTakes)
				}
			}
		})
	}
}
