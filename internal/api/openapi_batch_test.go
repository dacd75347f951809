package api_test

import (
	"encoding/json"
	"strconv"
	"testing"
)

// oaBatch dispatches and reminds tickets in one request each, the answers
// checked against the document: each ticket gets its own result, a ticket
// the action does not fit is refused with its reason while the others are
// done, a retry under the same key repeats nothing, and a malformed batch is
// 400 with nothing done.
func oaBatch(t *testing.T, c *oaClient, agent, dispatcher, handler string) {
	t.Helper()
	var numbers []string
	for i := range 3 {
		r := c.want(c.do(oaReq{method: "POST", path: "/api/v1/tickets", token: agent, body: map[string]any{"category_code": "1101",
			"description": "居住证办理进度咨询", "area_code": "110117001001", "reporter_phone": "1391113000" + strconv.Itoa(i)}}), 201, "a ticket for the batch")
		numbers = append(numbers, r.str("number"))
	}
	const path = "/api/v1/tickets/batch"
	type answer struct {
		Results []struct {
			Number string `json:"number"`
			OK     bool   `json:"ok"`
			Status string `json:"status"`
			Error  *struct {
				Code    string `json:"code"`
				Message string `json:"message"`
			} `json:"error"`
		} `json:"results"`
		Done, Refused int
	}
	read := func(r oaResp) answer {
		var a answer
		if err := json.Unmarshal(r.raw, &a); err != nil {
			t.Fatalf("batch answer: %v: %s", err, r.raw)
		}
		return a
	}
	body := map[string]any{"action": "dispatch", "numbers": numbers[:2], "input": map[string]any{"org_code": "110117-D15", "note": "批量派单"}}
	key := map[string]string{"Idempotency-Key": "batch-dispatch-1"}
	a := read(c.want(c.do(oaReq{method: "POST", path: path, token: dispatcher, body: body, header: key}), 200, "batch dispatch"))
	if a.Done != 2 || a.Refused != 0 || a.Results[0].Status != "dispatched" || a.Results[1].Number != numbers[1] {
		t.Fatalf("batch dispatch: %+v", a)
	}
	a = read(c.want(c.do(oaReq{method: "POST", path: path, token: dispatcher, body: body, header: key}), 200, "batch dispatch replayed"))
	if a.Done != 2 {
		t.Fatalf("batch dispatch replayed: %+v", a)
	}
	body["numbers"] = numbers
	a = read(c.want(c.do(oaReq{method: "POST", path: path, token: dispatcher, body: body}), 200, "batch dispatch again"))
	if a.Done != 1 || a.Refused != 2 || a.Results[0].OK || a.Results[0].Error.Code != "conflict" || !a.Results[2].OK {
		t.Fatalf("batch dispatch of two dispatched and one new: %+v", a)
	}
	a = read(c.want(c.do(oaReq{method: "POST", path: path, token: handler, body: map[string]any{"action": "remind", "numbers": numbers}}), 200, "a handler's remind"))
	if a.Done != 0 || a.Refused != 3 {
		t.Fatalf("a handler reminded: %+v", a)
	}
	for _, bad := range []map[string]any{
		{"action": "close", "numbers": numbers},
		{"action": "remind", "numbers": []string{}},
		{"action": "remind", "numbers": []string{numbers[0], numbers[0]}},
		{"action": "dispatch", "numbers": numbers[:1]},
	} {
		c.want(c.do(oaReq{method: "POST", path: path, token: dispatcher, body: bad}), 400, "a malformed batch")
	}
	c.want(c.do(oaReq{method: "POST", path: path, body: body}), 401, "an anonymous batch")
}
