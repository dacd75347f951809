package open311_test

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/gongzhi/gongzhi/internal/db"
	"github.com/gongzhi/gongzhi/internal/db/dbtest"
)

// FuzzPostRequest sends arbitrary form bodies to POST requests.json: the
// answer is always one of the specified statuses, never a 5xx or a panic.
func FuzzPostRequest(f *testing.F) {
	d := dbtest.Open(f, db.SQLite)
	e := setup(f, d)
	f.Add("service_code=0101&lat=40.14&long=117.12&description=%E8%B7%AF%E7%81%AF&attribute%5Bdamage%5D%5B%5D=a")
	f.Add("service_code=0101&address_string=x&attribute[")
	f.Add("service_code=&lat=abc&long=")
	f.Add("service_code=0101&lat=1e400&long=-1e400&address_id=110117001001&media_url=javascript:alert(1)")
	f.Add("%zz=%zz&&&=")
	f.Fuzz(func(t *testing.T, body string) {
		if !strings.Contains(body, "api_key=") {
			body += "&api_key=" + e.appKey
		}
		req := httptest.NewRequest("POST", "/open311/v2/requests.json", strings.NewReader(body))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		w := httptest.NewRecorder()
		e.srv.Config.Handler.ServeHTTP(w, req)
		switch w.Code {
		case http.StatusOK, http.StatusCreated, http.StatusBadRequest, http.StatusForbidden, http.StatusNotFound:
		default:
			t.Fatalf("status %d for %q: %s", w.Code, body, w.Body)
		}
	})
}

// FuzzListRequests sends arbitrary query strings to GET requests.json and
// requests.xml: the answer is a 200 with a list that the format decodes, or
// a 400 with the error list, never a 5xx or a panic.
func FuzzListRequests(f *testing.F) {
	d := dbtest.Open(f, db.SQLite)
	e := setup(f, d)
	// A request to find, so that filters have something to match.
	form := e.newRequestForm(e.appKey)
	req := httptest.NewRequest("POST", "/open311/v2/requests.json", strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	w := httptest.NewRecorder()
	e.srv.Config.Handler.ServeHTTP(w, req)
	if w.Code != http.StatusCreated {
		f.Fatalf("seed request: %d %s", w.Code, w.Body)
	}
	for _, q := range []string{
		"",
		"service_code=0304&status=open&extensions=true",
		"start_date=2026-02-01T00:00:00+08:00&end_date=2026-03-03T00:00:00Z",
		"start_date=2020-01-01T00:00:00Z&end_date=2026-01-01T00:00:00Z",
		"updated_after=2026-03-01T00:00:00+08:00&updated_before=2026-03-02",
		"bbox=117.0,40.0,117.3,40.3&page=1&page_size=10",
		"bbox=200,100,-200,-100",
		"lat=40.14&long=117.12&radius=500",
		"lat=40.14&long=117.12&radius=1e9",
		"lat=NaN&long=Inf&radius=-1",
		"page=0&page_size=10000",
		"page=99999999999999999999&page_size=1",
		"service_request_id=20260302000001,abc,,",
		"jurisdiction_id=other.gov&status=closed,open",
		"%zz=1&&&=",
	} {
		f.Add(q)
	}
	f.Fuzz(func(t *testing.T, query string) {
		for _, format := range []string{"json", "xml"} {
			req := httptest.NewRequest("GET", "/open311/v2/requests."+format, nil)
			req.URL.RawQuery = query
			w := httptest.NewRecorder()
			e.srv.Config.Handler.ServeHTTP(w, req)
			r := response{status: w.Code, ctype: w.Header().Get("Content-Type"), body: w.Body.Bytes()}
			switch w.Code {
			case http.StatusOK:
				if format == "json" {
					r.list(t)
				} else if r.xml(t).XMLName.Local != "service_requests" {
					t.Fatalf("%s?%s: 200 with %s", format, query, r.body)
				}
			case http.StatusBadRequest, http.StatusNotFound:
				wantError(t, r, format, w.Code)
			default:
				t.Fatalf("status %d for %s?%s: %s", w.Code, format, query, r.body)
			}
		}
	})
}
