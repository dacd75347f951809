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
