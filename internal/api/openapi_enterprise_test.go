package api_test

import (
	"strings"
	"testing"
	"time"

	"github.com/gongzhi/gongzhi/internal/clock"
)

// oaEnterprise files an enterprise's request with its credit code, is
// refused a wrong check character and a code on a resident's request,
// lists enterprises' tickets, and reads the figures split by requester.
func oaEnterprise(t *testing.T, c *oaClient, supervisor, handler, resident string) {
	t.Helper()
	const code = "91350100M000100Y43"
	in := map[string]any{"category_code": "0101", "description": "企业门前道路破损影响货车通行", "area_code": "110117001001",
		"requester_kind": "enterprise", "credit_code": " " + strings.ToLower(code) + " "}
	r := c.want(c.do(oaReq{method: "POST", path: "/api/v1/tickets", token: resident, body: in,
		header: map[string]string{"Idempotency-Key": "enterprise-1"}}), 201, "an enterprise's request")
	if r.str("requester_kind") != "enterprise" || r.str("credit_code") != code {
		t.Fatalf("enterprise ticket: %s", r.raw)
	}
	number := r.str("number")
	bad := c.want(c.do(oaReq{method: "POST", path: "/api/v1/tickets", token: resident, body: oaWith(in, "credit_code", "91350100M000100Y44")}), 400, "a wrong check character")
	if !strings.Contains(string(bad.raw), "校验位") || !strings.Contains(string(bad.raw), "check character") {
		t.Fatalf("wrong check: %s", bad.raw)
	}
	c.want(c.do(oaReq{method: "POST", path: "/api/v1/tickets", token: resident, body: oaWith(in, "requester_kind", "resident")}), 400, "a credit code for a resident")
	c.want(c.do(oaReq{method: "POST", path: "/api/v1/tickets", token: resident, body: oaWith(in, "credit_code", "")}), 400, "an enterprise with no code")

	r = c.want(c.do(oaReq{method: "GET", path: "/api/v1/tickets", token: supervisor, query: "requester_kind=enterprise"}), 200, "enterprises' tickets")
	items := r.items()
	if len(items) != 1 || items[0].(map[string]any)["number"] != number || items[0].(map[string]any)["credit_code"] != code {
		t.Fatalf("enterprises: %s", r.raw)
	}
	r = c.want(c.do(oaReq{method: "GET", path: "/api/v1/tickets", token: supervisor, query: "requester_kind=resident&limit=100"}), 200, "residents' tickets")
	for _, it := range r.items() {
		if it.(map[string]any)["requester_kind"] != "resident" {
			t.Fatalf("residents: %v", it)
		}
	}
	c.want(c.do(oaReq{method: "GET", path: "/api/v1/tickets", token: supervisor, query: "requester_kind=company", offDoc: true}), 400, "an unknown requester kind")

	fig := "/api/v1/evaluation/requesters"
	month := time.Now().In(clock.BusinessZone()).Format("2006-01")
	r = c.want(c.do(oaReq{method: "GET", path: fig, token: supervisor, query: "month=" + month}), 200, "the figures by requester")
	rows, _ := r.m["rows"].([]any)
	if len(rows) != 2 || rows[0].(map[string]any)["requester_kind"] != "resident" || rows[1].(map[string]any)["requester_kind"] != "enterprise" {
		t.Fatalf("figures: %s", r.raw)
	}
	c.want(c.do(oaReq{method: "GET", path: fig, token: supervisor}), 200, "the last complete month")
	c.want(c.do(oaReq{method: "GET", path: fig, token: supervisor, query: "month=2026-13"}), 400, "a bad month")
	c.want(c.do(oaReq{method: "GET", path: fig, token: handler}), 403, "a handler's figures by requester")
	c.want(c.do(oaReq{method: "GET", path: fig, token: resident}), 403, "a resident's figures by requester")
	c.want(c.do(oaReq{method: "GET", path: fig}), 401, "anonymous figures by requester")
}
