package open311_test

import (
	"context"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/gongzhi/gongzhi/internal/db"
	"github.com/gongzhi/gongzhi/internal/db/dbtest"
	"github.com/gongzhi/gongzhi/internal/demo"
	"github.com/gongzhi/gongzhi/internal/ticket"
)

// TestBadRequests: every bad request gets the specified status and error
// body, in both formats.
func TestBadRequests(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		e := setup(t, d)
		post := func(change func(url.Values)) url.Values {
			f := url.Values{"api_key": {e.appKey}, "service_code": {"0304"}, "lat": {"40.14"}, "long": {"117.12"}, "attribute[problem]": {"out"}}
			change(f)
			return f
		}
		posts := []struct {
			name   string
			form   url.Values
			status int
			says   string
		}{
			{"missing api_key", post(func(f url.Values) { f.Del("api_key") }), 403, "api_key"},
			{"bad api_key", post(func(f url.Values) { f.Set("api_key", "gzk_not-a-key") }), 403, "invalid api_key"},
			{"missing service_code", post(func(f url.Values) { f.Del("service_code") }), 400, "service_code was not provided"},
			{"unknown service", post(func(f url.Values) { f.Set("service_code", "9999") }), 404, "service_code not found"},
			{"a class is not a service", post(func(f url.Values) { f.Set("service_code", "03") }), 404, "service_code not found"},
			{"wrong jurisdiction", post(func(f url.Values) { f.Set("jurisdiction_id", "elsewhere.gov") }), 404, "jurisdiction_id"},
			{"no location", post(func(f url.Values) { f.Del("lat"); f.Del("long") }), 400, "location"},
			{"lat without long", post(func(f url.Values) { f.Del("long") }), 400, "lat and long"},
			{"missing required attribute", post(func(f url.Values) { f.Del("attribute[problem]") }), 400, "required attribute problem"},
			{"value not in the list", post(func(f url.Values) { f.Set("attribute[problem]", "exploded") }), 400, "not in its list"},
			{"two values for a single list", post(func(f url.Values) { f["attribute[problem]"] = []string{"out", "day"} }), 400, "takes one value"},
			{"[] form for a single value", post(func(f url.Values) { f.Del("attribute[problem]"); f.Set("attribute[problem][]", "out") }), 400, "takes one value"},
			{"malformed attribute key", post(func(f url.Values) { f.Set("attribute[pole_number", "x") }), 400, "malformed attribute"},
			{"nested attribute key", post(func(f url.Values) { f.Set("attribute[a][b]", "x") }), 400, "malformed attribute"},
			{"unknown attribute", post(func(f url.Values) { f.Set("attribute[colour]", "red") }), 400, "no attribute colour"},
			{"bad datetime attribute", post(func(f url.Values) { f.Set("attribute[noticed_at]", "last tuesday") }), 400, "W3C datetime"},
			{"line break in a string", post(func(f url.Values) { f.Set("attribute[pole_number]", "a\nb") }), 400, "single line"},
			{"bad number attribute", post(func(f url.Values) {
				f.Set("service_code", "0301")
				f.Del("attribute[problem]")
				f.Set("attribute[damage][]", "crack")
				f.Set("attribute[size_m]", "big")
			}), 400, "must be a number"},
			{"unknown multi value", post(func(f url.Values) {
				f.Set("service_code", "0301")
				f.Del("attribute[problem]")
				f["attribute[damage][]"] = []string{"crack", "volcano"}
			}), 400, "not in its list"},
			{"bad media_url", post(func(f url.Values) { f.Set("media_url", "javascript:alert(1)") }), 400, "media_url"},
			{"bad phone", post(func(f url.Values) { f.Set("phone", "555-1234") }), 400, "phone"},
		}
		for _, format := range []string{"json", "xml"} {
			for _, c := range posts {
				t.Run(format+"/"+c.name, func(t *testing.T) {
					r := e.post("/open311/v2/requests."+format, c.form)
					wantError(t, r, format, c.status)
					if !strings.Contains(string(r.body), c.says) {
						t.Errorf("error does not say %q: %s", c.says, r.body)
					}
				})
			}
		}

		now := e.clock.Now()
		w3 := func(t time.Time) string { return url.QueryEscape(t.Format(time.RFC3339)) }
		gets := []struct {
			path   string
			status int
			says   string
		}{
			{"requests.%s?start_date=yesterday", 400, "W3C datetime"},
			{"requests.%s?end_date=2026-13-45", 400, "W3C datetime"},
			{"requests.%s?start_date=" + w3(now.AddDate(0, 0, -91)) + "&end_date=" + w3(now), 400, "90 days"},
			{"requests.%s?start_date=" + w3(now) + "&end_date=" + w3(now.AddDate(0, 0, -1)), 400, "before the start"},
			{"requests.%s?updated_after=" + w3(now.AddDate(0, 0, -100)) + "&updated_before=" + w3(now), 400, "90 days"},
			{"requests.%s?page_size=0", 400, "page_size"},
			{"requests.%s?page_size=10000", 400, "page_size"},
			{"requests.%s?page_size=ten", 400, "page_size"},
			{"requests.%s?page=0", 400, "page"},
			{"requests.%s?status=pending", 400, "open or closed"},
			{"requests.%s?bbox=1,2,3", 400, "bbox"},
			{"requests.%s?bbox=118,40,117,41", 400, "bbox"},
			{"requests.%s?lat=40&long=117", 400, "radius"},
			{"requests.%s?lat=40&long=117&radius=0", 400, "radius"},
			{"requests.%s?lat=40&long=117&radius=100000", 400, "radius"},
			{"requests.%s?jurisdiction_id=elsewhere.gov", 404, "jurisdiction_id"},
			{"services.%s?jurisdiction_id=elsewhere.gov", 404, "jurisdiction_id"},
			{"services/9999.%s", 404, "service_code not found"},
			{"requests/20990101000001.%s", 404, "not found"},
			{"requests/not-a-number.%s", 404, "not found"},
			{"nothing.%s", 404, "no such resource"},
		}
		for _, format := range []string{"json", "xml"} {
			for _, c := range gets {
				path := "/open311/v2/" + strings.Replace(c.path, "%s", format, 1)
				t.Run(format+path, func(t *testing.T) {
					r := e.get(path)
					wantError(t, r, format, c.status)
					if !strings.Contains(string(r.body), c.says) {
						t.Errorf("error does not say %q: %s", c.says, r.body)
					}
				})
			}
		}
		// Several problems come back together.
		r := e.get("/open311/v2/requests.json?page_size=0&status=pending")
		if errs := r.list(t); len(errs) != 2 {
			t.Errorf("want two errors, got %s", r.body)
		}
		// A path without a format is not a resource.
		wantError(t, e.get("/open311/v2/services"), "xml", 404)
	})
}

// TestFilters checks the standard filters and the extensions' on tickets
// made at different times and places.
func TestFilters(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		e := setup(t, d)
		ctx := context.Background()
		agent := login(t, e.auth, "demo-agent")
		place := func(lat, lng float64) (*float64, *float64) { return &lat, &lng }
		mk := func(cat string, lat, lng float64, confidential bool) string {
			la, lo := place(lat, lng)
			tk, err := e.tickets.Create(ctx, &agent, ticket.NewTicket{CategoryCode: cat, Description: "测试 " + cat, Lat: la, Lng: lo,
				AreaCode: demo.DistrictCode, ReporterPhone: "13900000001", ReporterName: "李四", Confidential: confidential})
			must(t, err)
			return tk.Number
		}
		// 100 days ago, outside the default window
		e.clock.Set(e.clock.Now().AddDate(0, 0, -100))
		old := mk("0101", 40.14, 117.12, false)
		e.clock.Advance(100 * 24 * time.Hour)
		a := mk("0101", 40.1400, 117.1200, false) // centre of 平谷
		e.clock.Advance(time.Hour)
		b := mk("0304", 40.1450, 117.1200, false) // about 556 m north
		e.clock.Advance(time.Hour)
		c := mk("0901", 40.3000, 117.4000, false) // far away
		e.clock.Advance(time.Hour)
		secret := mk("0101", 40.1400, 117.1200, true)
		e.clock.Advance(time.Hour)

		ids := func(path string) string {
			t.Helper()
			r := e.get(path)
			if r.status != 200 {
				t.Fatalf("%s: %d %s", path, r.status, r.body)
			}
			var out []string
			for _, q := range r.list(t) {
				out = append(out, q["service_request_id"].(string))
			}
			return strings.Join(out, ",")
		}
		want := func(path string, numbers ...string) {
			t.Helper()
			if got := ids(path); got != strings.Join(numbers, ",") {
				t.Errorf("%s: got %s, want %s", path, got, strings.Join(numbers, ","))
			}
		}
		base := "/open311/v2/requests.json"
		want(base, c, b, a) // newest first, 90-day window, no confidential ticket
		want(base+"?service_request_id="+old+","+a+","+secret, a, old)
		want(base+"?service_code=0101,0304", b, a)
		want(base+"?status=open", c, b, a)
		want(base + "?status=closed")
		start := e.clock.Now().AddDate(0, 0, -120)
		want(base+"?start_date="+url.QueryEscape(start.Format(time.RFC3339)), old)
		want(base+"?end_date="+url.QueryEscape(e.clock.Now().Format(time.RFC3339)), c, b, a)
		// Update times bound the answer instead of the default window: the
		// old ticket (updated 100 days ago) is outside both.
		mid := url.QueryEscape(e.clock.Now().Add(-210 * time.Minute).Format(time.RFC3339))
		want(base+"?updated_after="+mid, c, b)
		want(base+"?updated_before="+mid, a)
		want(base+"?bbox=117.1,40.1,117.2,40.2", b, a)
		want(base+"?lat=40.14&long=117.12&radius=300", a)
		want(base+"?lat=40.14&long=117.12&radius=700", b, a)
		want(base+"?page_size=2", c, b)
		want(base+"?page_size=2&page=2", a)
		want(base+"?page_size=1&page=2&lat=40.14&long=117.12&radius=700", a)
		want(base + "?page_size=2&page=3")
		// A confidential ticket is not there at all.
		wantError(t, e.get("/open311/v2/requests/"+secret+".json"), "json", 404)
		if strings.Contains(string(e.get(base+"?extensions=true").body), "李四") {
			t.Error("reporter name leaked")
		}
	})
}

// TestControlCharactersRefused: a NUL or another control character in a
// query or form value is a 400 that says so in both languages, on both
// engines (service_code=01%0001 was a 400 "internal" on PostgreSQL).
func TestControlCharactersRefused(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		e := setup(t, d)
		check := func(what string, r response, format string) {
			t.Helper()
			wantError(t, r, format, 400)
			if !strings.Contains(string(r.body), "控制字符") || !strings.Contains(string(r.body), "control character") {
				t.Errorf("%s: %s", what, r.body)
			}
		}
		check("service_code", e.get("/open311/v2/requests.json?service_code=01%0001"), "json")
		check("service_request_id", e.get("/open311/v2/requests.xml?service_request_id=2026%00"), "xml")
		check("path", e.get("/open311/v2/services/01%0001.json"), "json")
		check("description", e.post("/open311/v2/requests.json", url.Values{"api_key": {e.appKey}, "service_code": {"0304"},
			"lat": {"40.14"}, "long": {"117.12"}, "description": {"路灯\x00坏了"}}), "json")
		check("update", e.post("/open311/v2/servicerequestupdates.json", url.Values{"api_key": {e.deptKey},
			"service_request_id": {"20260302000001"}, "status": {"open"}, "description": {"\x1b[2J"}}), "json")
	})
}
