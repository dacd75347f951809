package web_test

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/gongzhi/gongzhi/internal/db/dbtest"
)

// The console and the API suggest the same knowledge-base articles in the
// same order for the same words and category: the knowledge base ranks them.
func TestKBSameOrderOnConsoleAndAPI(t *testing.T) {
	for _, engine := range dbtest.Engines() {
		t.Run(engine, func(t *testing.T) {
			a := newAppOn(t, engine)
			srv := httptest.NewServer(a.Handler)
			defer srv.Close()
			agent := staffLogin(t, srv, "demo-agent", "gongzhi-demo")
			token := apiToken(t, srv, "demo-agent", "gongzhi-demo")
			for _, c := range []struct{ q, category string }{
				{"我想问一下居住证怎么办理，需要什么材料", "1101"},
				{"我想问一下居住证怎么办理，需要什么材料", ""},
				{"社保卡", ""},
				{"sbk", "1101"},
				{"暖气", ""},
				{"", "1101"},
				{"小区里暖气不热，社保卡也丢了，想问问怎么办", ""},
			} {
				v := url.Values{"q": {c.q}, "category_code": {c.category}}
				status, js := agent.get("/staff/console/kb?" + v.Encode())
				var console []struct{ ID string }
				if err := json.Unmarshal([]byte(js), &console); status != 200 || err != nil {
					t.Fatalf("console %v: %d %v %s", c, status, err, js)
				}
				v.Set("limit", "6")
				req, _ := http.NewRequest("GET", srv.URL+"/api/v1/kb?"+v.Encode(), nil)
				req.Header.Set("Authorization", "Bearer "+token)
				resp, err := http.DefaultClient.Do(req)
				if err != nil {
					t.Fatal(err)
				}
				var api struct{ Items []struct{ ID string } }
				err = jsonDecode(resp, &api)
				resp.Body.Close()
				if resp.StatusCode != 200 || err != nil {
					t.Fatalf("API %v: %d %v", c, resp.StatusCode, err)
				}
				var got, want []string
				for _, x := range console {
					got = append(got, x.ID)
				}
				for _, x := range api.Items {
					want = append(want, x.ID)
				}
				if len(want) == 0 || strings.Join(got, " ") != strings.Join(want, " ") {
					t.Errorf("%v: the console suggests %v, the API %v", c, got, want)
				}
			}
		})
	}
}
