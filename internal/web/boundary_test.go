package web_test

import (
	"net/url"
	"strings"
	"testing"
)

// TestPatrolOutsideTheBoundary: with her district's boundary on record, a
// grid worker's report located in another district is refused beside the
// report form, with what she typed kept, so she can correct the location.
func TestPatrolOutsideTheBoundary(t *testing.T) {
	a, srv := photoServer(t)
	square := `{"type":"FeatureCollection","features":[{"type":"Feature","properties":{"adcode":110117,"name":"平谷区"},
		"geometry":{"type":"Polygon","coordinates":[[[117.0,40.0],[117.3,40.0],[117.3,40.3],[117.0,40.3],[117.0,40.0]]]}}]}`
	if _, err := a.Gov.ImportBoundaries(t.Context(), strings.NewReader(square), "square.json"); err != nil {
		t.Fatal(err)
	}
	grid := staffLogin(t, srv, "demo-grid", "gongzhi-demo")
	_, page := grid.get("/staff/patrol")
	form := url.Values{"csrf": {csrf(t, page)}, "category_code": {"0101"}, "kind": {"help"},
		"description": {"巡查发现路边井盖缺失"}, "community": {"110117001001"}, "lat": {"39.9289"}, "lng": {"116.4164"}}
	before := countTickets(t, a)
	status, body := grid.postFiles("/staff/patrol", form)
	if status != 403 {
		t.Fatalf("a report located in 东城区: %d\n%s", status, body)
	}
	alert := strings.Index(body, `role="alert"`)
	if alert < strings.Index(body, `id="report"`) || alert > strings.Index(body, `id="own"`) {
		t.Fatalf("the error is not shown at the report form:\n%s", body)
	}
	mustContain(t, body, "该位置不在平谷区的边界内", "巡查发现路边井盖缺失", `value="39.9289"`, `value="116.4164"`)
	if n := countTickets(t, a); n != before {
		t.Fatalf("%d tickets after a refused report, %d before", n, before)
	}
	form.Set("csrf", csrf(t, body))
	form.Set("lat", "40.140112")
	form.Set("lng", "117.112233")
	if status, body := grid.postFiles("/staff/patrol", form); status != 200 || !strings.Contains(body, "已上报。") {
		t.Fatalf("the corrected report: %d\n%s", status, body)
	}
}
