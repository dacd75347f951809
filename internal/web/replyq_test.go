package web_test

import (
	"encoding/json"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
)

// The advice on a draft reply: the handler who may reply gets the scores
// and advice as JSON; a reply over the limit, another unit and a missing
// CSRF token are refused. Once sent, the supervisor and the replying unit
// see the advice beside the reply in the timeline; the dispatcher and the
// resident do not.
func TestReplyQualityDraftAndTimeline(t *testing.T) {
	a := newApp(t)
	srv := httptest.NewServer(a.Handler)
	defer srv.Close()
	n := replyingTicket(t, a, "13900007778")
	h := staffLogin(t, srv, "demo-handler", "gongzhi-demo")
	_, page := h.get("/staff/tickets/" + n)
	mustContain(t, page, `data-rq-for="reply_text"`, "答复质量建议")
	tok := csrf(t, page)
	ask := func(c *client, tok, text string) (int, map[string]any) {
		t.Helper()
		status, body := c.post("/staff/reply-quality", url.Values{"csrf": {tok}, "number": {n}, "reply_text": {text}})
		var out map[string]any
		json.Unmarshal([]byte(body), &out)
		return status, out
	}
	status, poor := ask(h, tok, "已处理。")
	if status != 200 || !strings.Contains(strings.Join(anyStrings(poor["advice"]), " "), "没有告诉居民下一步可以做什么") {
		t.Fatalf("%d %v", status, poor)
	}
	_, good := ask(h, tok, "金谷东园北门的垃圾，滨河街道工作人员今天上午到现场查看，已组织保洁人员清运完毕。如仍有问题，请拨打街道电话010-69961234。")
	if good["overall"].(float64) <= poor["overall"].(float64) || len(anyStrings(good["advice"])) != 0 {
		t.Errorf("good %v, poor %v", good, poor)
	}
	if status, out := ask(h, tok, strings.Repeat("字", 4001)); status != 400 || !strings.Contains(out["message"].(string), "4000") {
		t.Errorf("an over-long draft: %d %v", status, out)
	}
	if status, _ := ask(h, "", "已处理。"); status != 403 {
		t.Errorf("without the CSRF token: %d", status)
	}
	other := staffLogin(t, srv, "demo-handler-dept", "gongzhi-demo")
	_, op := other.get("/staff")
	if status, _ := ask(other, csrf(t, op), "已处理。"); status != 404 && status != 403 {
		t.Errorf("another unit drafts: %d", status)
	}

	status, page = h.post("/staff/tickets/"+n+"/reply", url.Values{"csrf": {tok}, "reply_text": {"已处理。"}, "resolved": {"yes"}})
	if status != 200 {
		t.Fatalf("reply: %d", status)
	}
	for who, sees := range map[string]bool{"demo-supervisor": true, "demo-handler": true, "demo-dispatcher": false} {
		c := staffLogin(t, srv, who, "gongzhi-demo")
		_, page := c.get("/staff/tickets/" + n)
		if got := strings.Contains(page, "答复质量建议（仅供参考，不计入考核）"); got != sees {
			t.Errorf("%s sees the advice on the reply: %v", who, got)
		}
	}
}

func anyStrings(v any) []string {
	var out []string
	xs, _ := v.([]any)
	for _, x := range xs {
		s, _ := x.(string)
		out = append(out, s)
	}
	return out
}
