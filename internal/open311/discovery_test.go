package open311_test

import (
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/gongzhi/gongzhi/internal/db"
	"github.com/gongzhi/gongzhi/internal/db/dbtest"
	"github.com/gongzhi/gongzhi/internal/open311"
)

// TestExactContentTypes: Open311 clients (the GeoReport validator among
// them) compare the type exactly, so answers are application/json and
// text/xml with no parameter, errors and stored replays included.
func TestExactContentTypes(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		e := setup(t, d)
		for path, want := range map[string]string{
			"/open311/v2/discovery.json": "application/json", "/open311/v2/discovery.xml": "text/xml",
			"/open311/v2/services.json": "application/json", "/open311/v2/services.xml": "text/xml",
			"/open311/v2/requests.json": "application/json", "/open311/v2/requests.xml": "text/xml",
			"/open311/v2/requests/nope.json": "application/json", "/open311/v2/requests/nope.xml": "text/xml",
		} {
			if r := e.get(path); r.ctype != want {
				t.Errorf("%s: Content-Type %q, want %q", path, r.ctype, want)
			}
		}
	})
}

// TestDiscoverySandbox: a configured sandbox is listed beside production,
// with type "test"; without one, production alone.
func TestDiscoverySandbox(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		e := setup(t, d)
		types := func(srv *httptest.Server) map[string]string {
			t.Helper()
			res, err := http.Get(srv.URL + "/open311/v2/discovery.json")
			must(t, err)
			var disc struct {
				Endpoints []struct{ URL, Type string } `json:"endpoints"`
			}
			mustJSON(t, read(t, res).body, &disc)
			out := map[string]string{}
			for _, ep := range disc.Endpoints {
				out[ep.Type] = ep.URL
			}
			return out
		}
		if got := types(e.srv); len(got) != 1 || got["production"] != "https://gongzhi.example.gov.cn/open311/v2" {
			t.Errorf("without a sandbox: %v", got)
		}
		o := open311.New(open311.Deps{Tickets: e.tickets, Auth: e.auth, Gov: e.o.Gov, BaseURL: "https://gongzhi.example.gov.cn",
			SandboxURL: "https://test.gongzhi.example.gov.cn/open311/v2/"})
		mux := http.NewServeMux()
		o.Routes(mux)
		srv := httptest.NewServer(mux)
		defer srv.Close()
		got := types(srv)
		if len(got) != 2 || got["production"] != "https://gongzhi.example.gov.cn/open311/v2" || got["test"] != "https://test.gongzhi.example.gov.cn/open311/v2" {
			t.Errorf("with a sandbox: %v", got)
		}
	})
}
