package api_test

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/gongzhi/gongzhi/internal/app"
)

// oaSurveys runs a survey of 金谷东园社区 through its endpoints: the grid
// worker makes a draft with one question of each kind, opens it; a resident
// of the community answers, the grid worker records a neighbour's paper
// answer; the results (JSON and XLSX) and the responses' XLSX; the close,
// after which the residents read the choices and never the free text.
func oaSurveys(t *testing.T, c *oaClient, a *app.App, admin string) {
	t.Helper()
	key := func(k string) map[string]string { return map[string]string{"Idempotency-Key": k} }
	grid := c.want(c.do(oaReq{method: "POST", path: "/api/v1/auth/token", body: map[string]string{"username": "demo-grid", "password": "gongzhi-demo"}}), 200, "login grid").str("token")
	const community = "110117001001"
	phones := []string{"13600136000", "13600136001"}
	for _, p := range phones {
		c.want(c.do(oaReq{method: "POST", path: "/api/v1/areas/{code}/residents", args: []string{community}, token: grid, body: map[string]any{"phone": p},
			header: key("sv-res-" + p)}), 201, "verify resident "+p)
	}
	resident := oaResidentToken(t, a, phones[0])
	outsider := oaResidentToken(t, a, "13500135000")

	list, one := "/api/v1/surveys", "/api/v1/surveys/{id}"
	create := map[string]any{"area_code": community, "title": "社区停车管理满意度调查", "intro": "请花两分钟告诉我们您的看法。",
		"closes_at": time.Now().Add(48 * time.Hour).Format(time.RFC3339), "anonymous": false, "live_results": false}
	c.want(c.do(oaReq{method: "POST", path: list, body: create}), 401, "anonymous creates")
	c.want(c.do(oaReq{method: "POST", path: list, token: resident, body: create}), 403, "a resident creates")
	c.want(c.do(oaReq{method: "POST", path: list, token: grid, body: oaWith(create, "area_code", "110117002")}), 403, "outside the scope")
	c.want(c.do(oaReq{method: "POST", path: list, token: grid, body: oaWith(create, "closes_at", "2020-01-01T00:00:00Z")}), 400, "closed already")
	c.want(c.do(oaReq{method: "POST", path: list, token: grid, body: oaWith(create, "target", "ticket:1")}), 400, "bad target")
	r := c.want(c.do(oaReq{method: "POST", path: list, token: grid, body: create, header: key("sv-1")}), 201, "create")
	id := r.str("id")
	if r.str("status") != "draft" || r.str("level") != "residents" {
		t.Fatalf("created: %s", r.raw)
	}
	c.want(c.do(oaReq{method: "POST", path: list, token: grid, body: create, header: key("sv-1")}), 201, "create replayed")

	qs := one + "/questions"
	for i, q := range []map[string]any{
		{"kind": "single", "prompt": "您是否有私家车？", "required": true, "options": []string{"有", "没有"}},
		{"kind": "multiple", "prompt": "您希望增加哪些设施？", "options": []string{"充电桩", "非机动车棚", "访客车位"}, "max_picks": 2},
		{"kind": "scale", "prompt": "您对停车秩序满意吗？", "scale_max": 5, "low_label": "很不满意", "high_label": "很满意"},
		{"kind": "text", "prompt": "其他意见和建议"},
		{"kind": "text", "prompt": "多余的一题"},
	} {
		c.want(c.do(oaReq{method: "POST", path: qs, args: []string{id}, token: grid, body: q, header: key("sv-q-" + string(rune('a'+i)))}), 201, "add a question")
	}
	c.want(c.do(oaReq{method: "POST", path: qs, args: []string{id}, token: grid, body: map[string]any{"kind": "scale", "prompt": "打分", "scale_max": 7}}), 400, "a scale of 7")
	c.want(c.do(oaReq{method: "POST", path: qs, args: []string{id}, token: grid, body: map[string]any{"kind": "single", "prompt": "选", "options": []string{"是"}}}), 400, "one option")
	c.want(c.do(oaReq{method: "POST", path: qs, args: []string{"WJ209901010001"}, token: grid, body: map[string]any{"kind": "text", "prompt": "意见"}}), 404, "no such survey")
	c.want(c.do(oaReq{method: "POST", path: qs, args: []string{id}, token: resident, body: map[string]any{"kind": "text", "prompt": "意见"}}), 404, "a resident edits a draft")
	c.want(c.do(oaReq{method: "POST", path: qs, args: []string{id}, body: map[string]any{"kind": "text", "prompt": "意见"}}), 401, "anonymous edits")
	dq := qs + "/{question_id}"
	c.want(c.do(oaReq{method: "DELETE", path: dq, args: []string{id, "5"}, token: grid}), 200, "delete a question")
	c.want(c.do(oaReq{method: "DELETE", path: dq, args: []string{id, "5"}, token: grid}), 404, "delete it again")
	c.want(c.do(oaReq{method: "DELETE", path: dq, args: []string{id, "1"}, token: resident}), 404, "a resident deletes from a draft")
	c.want(c.do(oaReq{method: "DELETE", path: dq, args: []string{id, "1"}}), 401, "anonymous deletes")
	c.want(c.do(oaReq{method: "GET", path: one, args: []string{id}, token: resident}), 404, "a resident reads a draft")

	open := one + "/open"
	c.want(c.do(oaReq{method: "POST", path: open, args: []string{id}, token: resident, body: map[string]any{}}), 404, "a resident opens a draft")
	c.want(c.do(oaReq{method: "POST", path: open, args: []string{id}, body: map[string]any{}}), 401, "anonymous opens")
	c.want(c.do(oaReq{method: "POST", path: open, args: []string{id}, token: grid, body: map[string]any{"closes_at": "2020-01-01T00:00:00Z"}}), 400, "open closing in the past")
	r = c.want(c.do(oaReq{method: "POST", path: open, args: []string{id}, token: grid, body: map[string]any{}, header: key("sv-open")}), 200, "open")
	if r.str("status") != "open" {
		t.Fatalf("opened: %s", r.raw)
	}
	c.want(c.do(oaReq{method: "POST", path: open, args: []string{id}, token: grid, body: map[string]any{}}), 409, "open twice")
	c.want(c.do(oaReq{method: "DELETE", path: dq, args: []string{id, "1"}, token: grid}), 409, "delete from an open survey")

	resp := one + "/responses"
	answers := []map[string]any{{"question_id": 1, "options": []int{1}}, {"question_id": 2, "options": []int{1, 3}},
		{"question_id": 3, "value": 4}, {"question_id": 4, "text": "晚上车位不够，希望错峰共享"}}
	c.want(c.do(oaReq{method: "POST", path: resp, args: []string{id}, token: resident, body: map[string]any{"answers": []map[string]any{{"question_id": 3, "value": 9}}}}), 400, "a value out of the scale")
	c.want(c.do(oaReq{method: "POST", path: resp, args: []string{id}, token: outsider, body: map[string]any{"answers": answers}}), 404, "an outsider answers")
	c.want(c.do(oaReq{method: "POST", path: resp, args: []string{id}, body: map[string]any{"answers": answers}}), 401, "anonymous answers")
	c.want(c.do(oaReq{method: "POST", path: resp, args: []string{id}, token: grid, body: map[string]any{"answers": answers}}), 403, "staff answer themselves")
	r = c.want(c.do(oaReq{method: "POST", path: resp, args: []string{id}, token: resident, body: map[string]any{"answers": answers}, header: key("sv-ans")}), 201, "answer")
	var got struct {
		Answered  bool `json:"answered"`
		CanAnswer bool `json:"can_answer"`
		Responses int  `json:"responses"`
	}
	json.Unmarshal(r.raw, &got)
	if !got.Answered || got.CanAnswer || got.Responses != 1 {
		t.Fatalf("answered: %s", r.raw)
	}
	c.want(c.do(oaReq{method: "POST", path: resp, args: []string{id}, token: resident, body: map[string]any{"answers": answers}}), 409, "answer twice")
	paper := map[string]any{"answers": []map[string]any{{"question_id": 1, "options": []int{2}}, {"question_id": 3, "value": 2}}, "phone": phones[1], "channel": "paper"}
	c.want(c.do(oaReq{method: "POST", path: resp, args: []string{id}, token: grid, body: oaWith(paper, "phone", "13500135000")}), 403, "record for one living elsewhere")
	c.want(c.do(oaReq{method: "POST", path: resp, args: []string{id}, token: grid, body: paper, header: key("sv-paper")}), 201, "record a paper answer")

	res := one + "/results"
	c.want(c.do(oaReq{method: "GET", path: res, args: []string{id}, token: resident}), 403, "a resident's results while open")
	c.want(c.do(oaReq{method: "GET", path: res, args: []string{id}, token: outsider}), 404, "an outsider's results")
	c.want(c.do(oaReq{method: "GET", path: res, args: []string{id}}), 401, "anonymous results")
	r = c.want(c.do(oaReq{method: "GET", path: res, args: []string{id}, token: grid}), 200, "results")
	if !strings.Contains(string(r.raw), `"label":"有","count":1,"share":50`) || !strings.Contains(string(r.raw), "错峰共享") || !strings.Contains(string(r.raw), `"mean":3`) {
		t.Errorf("results: %s", r.raw)
	}
	xl := res + ".xlsx"
	r = c.want(c.do(oaReq{method: "GET", path: xl, args: []string{id}, token: grid}), 200, "results.xlsx")
	if cells := oaSheet(t, r.raw, "结果"); !strings.Contains(cells, "有|1|50") || !strings.Contains(cells, "答卷数 / Responses|2") {
		t.Errorf("results.xlsx:\n%s", cells)
	}
	c.want(c.do(oaReq{method: "GET", path: xl, args: []string{id}, token: resident}), 403, "a resident's results.xlsx while open")
	c.want(c.do(oaReq{method: "GET", path: xl, args: []string{"WJ209901010001"}, token: grid}), 404, "results.xlsx of nothing")
	c.want(c.do(oaReq{method: "GET", path: xl, args: []string{id}}), 401, "anonymous results.xlsx")
	rx := one + "/responses.xlsx"
	r = c.want(c.do(oaReq{method: "GET", path: rx, args: []string{id}, token: grid}), 200, "responses.xlsx")
	if cells := oaSheet(t, r.raw, "答卷"); !strings.Contains(cells, "工作人员代录（纸质问卷）") || strings.Contains(cells, phones[0]) {
		t.Errorf("responses.xlsx:\n%s", cells)
	}
	c.want(c.do(oaReq{method: "GET", path: rx, args: []string{id}, token: resident}), 403, "a resident's responses.xlsx")
	c.want(c.do(oaReq{method: "GET", path: rx, args: []string{id}, token: outsider}), 404, "an outsider's responses.xlsx")
	c.want(c.do(oaReq{method: "GET", path: rx, args: []string{id}}), 401, "anonymous responses.xlsx")

	r = c.want(c.do(oaReq{method: "GET", path: list, token: resident, query: "status=open&limit=10"}), 200, "a resident's list")
	if len(r.items()) != 1 {
		t.Errorf("a resident lists: %s", r.raw)
	}
	r = c.want(c.do(oaReq{method: "GET", path: list, token: outsider}), 200, "an outsider's list")
	if len(r.items()) != 0 {
		t.Errorf("an outsider lists: %s", r.raw)
	}
	c.want(c.do(oaReq{method: "GET", path: list, token: admin, query: "area_code=" + community + "&limit=1"}), 200, "admin's list")
	c.want(c.do(oaReq{method: "GET", path: list, token: grid, query: "cursor=nope"}), 400, "bad cursor")
	c.want(c.do(oaReq{method: "GET", path: list, token: grid, query: "status=bogus"}), 400, "bad status")
	c.want(c.do(oaReq{method: "GET", path: list}), 401, "anonymous list")
	c.want(c.do(oaReq{method: "GET", path: one, args: []string{id}, token: resident}), 200, "a resident reads")
	c.want(c.do(oaReq{method: "GET", path: one, args: []string{id}, token: outsider}), 404, "an outsider reads")
	c.want(c.do(oaReq{method: "GET", path: one, args: []string{id}}), 401, "anonymous reads")

	cl := one + "/close"
	c.want(c.do(oaReq{method: "POST", path: cl, args: []string{id}, token: resident, body: map[string]any{}}), 403, "a resident closes")
	c.want(c.do(oaReq{method: "POST", path: cl, args: []string{id}, body: map[string]any{}}), 401, "anonymous closes")
	c.want(c.do(oaReq{method: "POST", path: cl, args: []string{"WJ209901010001"}, token: grid, body: map[string]any{}}), 404, "close nothing")
	c.want(c.do(oaReq{method: "POST", path: cl, args: []string{id}, token: grid, body: map[string]any{}, header: key("sv-close")}), 200, "close")
	c.want(c.do(oaReq{method: "POST", path: cl, args: []string{id}, token: grid, body: map[string]any{}}), 409, "close twice")
	c.want(c.do(oaReq{method: "POST", path: resp, args: []string{id}, token: oaResidentToken(t, a, phones[1]), body: map[string]any{"answers": answers}}), 409, "answer a closed survey")
	r = c.want(c.do(oaReq{method: "GET", path: res, args: []string{id}, token: resident}), 200, "a resident's results once closed")
	if strings.Contains(string(r.raw), "错峰共享") || strings.Contains(string(r.raw), `"texts":true`) {
		t.Errorf("a resident reads free text: %s", r.raw)
	}
	r = c.want(c.do(oaReq{method: "GET", path: xl, args: []string{id}, token: resident}), 200, "a resident's results.xlsx once closed")
	if cells := oaSheet(t, r.raw, "结果"); oaSheet(t, r.raw, "文字回答") != "" || !strings.Contains(cells, "有|1|50") || strings.Contains(cells, "错峰共享") {
		t.Error("a resident's results.xlsx holds free text")
	}
}

// oaSheet is the text of a workbook's sheet, a line per row and cells
// joined by "|"; "" when there is no such sheet.
func oaSheet(t *testing.T, b []byte, sheet string) string {
	t.Helper()
	x, err := excelize.OpenReader(bytes.NewReader(b))
	if err != nil {
		t.Fatalf("not a workbook: %v", err)
	}
	defer x.Close()
	rows, err := x.GetRows(sheet)
	if err != nil {
		return ""
	}
	var out []string
	for _, r := range rows {
		out = append(out, strings.Join(r, "|"))
	}
	return strings.Join(out, "\n")
}
