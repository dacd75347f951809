package api_test

import (
	"strings"
	"testing"
)

// oaTrail reads the responsibility trail of the resident's ticket: the
// dispatcher with names, the reporter with the units only, the files, and
// another unit refused as it is refused the ticket.
func oaTrail(t *testing.T, c *oaClient, dispatcher, deptHandler, resident, number string) {
	t.Helper()
	path := "/api/v1/trail/{kind}/{number}"
	r := c.want(c.do(oaReq{method: "GET", path: path, args: []string{"ticket", number}, token: dispatcher}), 200, "the dispatcher's trail")
	if !strings.Contains(string(r.raw), `"stage":"dispatched"`) || !strings.Contains(string(r.raw), `"holder":"`) {
		t.Fatalf("trail: %s", r.raw)
	}
	r = c.want(c.do(oaReq{method: "GET", path: path, args: []string{"ticket", number + ".csv"}, token: dispatcher}), 200, "the trail as CSV")
	if !strings.HasPrefix(r.h.Get("Content-Type"), "text/csv") || !strings.Contains(string(r.raw), "承办单位") {
		t.Fatalf("csv: %s %.300s", r.h.Get("Content-Type"), r.raw)
	}
	r = c.want(c.do(oaReq{method: "GET", path: path, args: []string{"ticket", number + ".xlsx"}, token: dispatcher}), 200, "the trail as XLSX")
	if !strings.HasPrefix(string(r.raw), "PK") {
		t.Fatal("xlsx: not a workbook")
	}
	r = c.want(c.do(oaReq{method: "GET", path: path, args: []string{"ticket", number}, token: resident}), 200, "the reporter's trail")
	if strings.Contains(string(r.raw), `"person":"演示`) || strings.Contains(string(r.raw), `"end_by":"演示`) {
		t.Fatalf("the reporter reads staff names: %s", r.raw)
	}
	ticket := c.do(oaReq{method: "GET", path: "/api/v1/tickets/{number}", args: []string{number}, token: deptHandler})
	c.want(c.do(oaReq{method: "GET", path: path, args: []string{"ticket", number}, token: deptHandler}), ticket.code, "another unit's trail, as its ticket")
	if ticket.code != 403 {
		t.Fatalf("another unit reads the ticket: %d", ticket.code)
	}
	c.want(c.do(oaReq{method: "GET", path: path, args: []string{"proposal", "TA209901010001"}, token: dispatcher}), 404, "no such proposal")
	c.want(c.do(oaReq{method: "GET", path: path, args: []string{"parcel", number}, token: dispatcher, offDoc: true}), 404, "no such kind")
	c.want(c.do(oaReq{method: "GET", path: path, args: []string{"ticket", number}}), 401, "anonymous trail")
}
