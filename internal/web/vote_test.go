package web_test

import (
	"context"
	"image/color"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/gongzhi/gongzhi/internal/auth"
	"github.com/gongzhi/gongzhi/internal/vote"
)

// TestVotePages: who reaches the staff pages, CSRF on their forms, a
// secret vote's page without choices, and the owner's form refusing a unit
// that is not hers.
func TestVotePages(t *testing.T) {
	a := newApp(t)
	srv := httptest.NewServer(a.Handler)
	defer srv.Close()
	ctx := context.Background()
	v, err := a.Votes.Create(ctx, auth.System(), vote.New{AreaCode: "110117001001", Title: "公共收益分配方案", Matter: vote.MatterOrdinary,
		ClosesAt: time.Now().Add(24 * time.Hour), Secret: true})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := a.Votes.AddUnits(ctx, auth.System(), v.ID, []vote.UnitIn{{Unit: "5-1-101", AreaM2: "88", Owner: "13800138000"},
		{Unit: "5-1-102", AreaM2: "88", Owner: "13900000005"}}); err != nil {
		t.Fatal(err)
	}
	if status, _ := staffLogin(t, srv, "demo-handler", "gongzhi-demo").get("/staff/votes"); status != 403 {
		t.Errorf("a handler opens the votes: %d", status)
	}
	grid := staffLogin(t, srv, "demo-grid", "gongzhi-demo")
	status, page := grid.get("/staff/votes")
	if status != 200 {
		t.Fatalf("votes: %d\n%s", status, page)
	}
	mustContain(t, page, `href="/staff/votes"`, "公共收益分配方案", "不记名", `name="closes_at"`)
	form := url.Values{"title": {"更换单元门禁"}, "area_code": {"110117001001"}, "matter": {"major"}, "closes_at": {time.Now().Add(48 * time.Hour).Format("2006-01-02T15:04")}}
	if status, _ := grid.post("/staff/votes", form); status != 403 {
		t.Errorf("a form without its CSRF token: %d", status)
	}
	form.Set("csrf", csrf(t, page))
	form.Set("area_code", "110117001002")
	if status, page := grid.post("/staff/votes", form); status != 403 || !strings.Contains(page, "只能在本辖区发起业主表决") {
		t.Errorf("another community's vote: %d", status)
	}
	form.Set("area_code", "110117001001")
	if status, page := grid.post("/staff/votes", form); status != 200 || !strings.Contains(page, "已发起表决") || !strings.Contains(page, "重大事项") {
		t.Fatalf("open a vote: %d\n%s", status, page)
	}

	res := residentLogin(t, srv, "13800138000")
	_, mine := res.get("/votes")
	mustContain(t, mine, "公共收益分配方案", "5-1-101", `name="unit_0"`)
	if strings.Contains(mine, "5-1-102") {
		t.Error("the owner sees another owner's unit")
	}
	tok := csrf(t, mine)
	if status, page := res.post("/votes/"+v.ID+"/ballots", url.Values{"csrf": {tok}, "unit_0": {"5-1-102"}, "choice_0": {"agree"}}); status != 404 || !strings.Contains(page, "登记册中没有您的房屋") {
		t.Errorf("another owner's unit: %d", status)
	}
	if status, page := res.post("/votes/"+v.ID+"/ballots", url.Values{"csrf": {tok}, "unit_0": {"5-1-101"}, "choice_0": {"disagree"}}); status != 200 || !strings.Contains(page, "您的表决已提交") {
		t.Fatalf("vote: %d\n%s", status, page)
	}
	_, page = grid.get("/staff/votes/" + v.ID)
	mustContain(t, page, "1 / 2", "结束前不显示计票", "已投票")
	if strings.Contains(page, "反对</td>") || strings.Contains(page, "当前计票") {
		t.Error("the staff see a secret vote's choice or count")
	}
	_, other := residentLogin(t, srv, "13700000000").get("/votes")
	if !strings.Contains(other, "您没有需要参加的业主表决") || regexp.MustCompile(`公共收益`).MatchString(other) {
		t.Error("a resident who owns nothing sees the vote")
	}
}

// TestVotePaperScan: the grid worker records a paper ballot with its scan,
// and adds the scan of another after; the register links them and only the
// staff open them; a file that is no image records no ballot.
func TestVotePaperScan(t *testing.T) {
	a := newApp(t)
	srv := httptest.NewServer(a.Handler)
	defer srv.Close()
	ctx := context.Background()
	v, err := a.Votes.Create(ctx, auth.System(), vote.New{AreaCode: "110117001001", Title: "增设充电桩", Matter: vote.MatterOrdinary,
		ClosesAt: time.Now().Add(24 * time.Hour)})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := a.Votes.AddUnits(ctx, auth.System(), v.ID, []vote.UnitIn{{Unit: "5-1-101", AreaM2: "88", Owner: "13800138000"},
		{Unit: "5-1-102", AreaM2: "88", Owner: "13900000005"}}); err != nil {
		t.Fatal(err)
	}
	grid := staffLogin(t, srv, "demo-grid", "gongzhi-demo")
	_, page := grid.get("/staff/votes/" + v.ID)
	mustContain(t, page, `enctype="multipart/form-data"`, "纸质票扫描件（可选）")
	form := url.Values{"csrf": {csrf(t, page)}, "unit": {"5-1-101"}, "choice": {"agree"}, "paper_ref": {"0001"}}
	status, page := grid.postFiles("/staff/votes/"+v.ID+"/ballots", form, upload{"scan.jpg", []byte("not an image at all")})
	if status != 400 || strings.Contains(page, "1 / 2") {
		t.Fatalf("a file that is no image: %d\n%s", status, page)
	}
	status, page = grid.postFiles("/staff/votes/"+v.ID+"/ballots", form, upload{"scan.jpg", jpegBytes(t, color.RGBA{200, 200, 200, 255})})
	if status != 200 || !strings.Contains(page, "已录入纸质表决票") {
		t.Fatalf("a ballot with its scan: %d\n%s", status, page)
	}
	mustContain(t, page, "1 / 2", `href="/staff/votes/`+v.ID+`/scans/5-1-101"`)
	form = url.Values{"csrf": {csrf(t, page)}, "unit": {"5-1-102"}, "choice": {"disagree"}}
	if status, _ := grid.postFiles("/staff/votes/"+v.ID+"/ballots", form); status != 200 {
		t.Fatalf("a ballot without a scan: %d", status)
	}
	if status, _ := grid.postFiles("/staff/votes/"+v.ID+"/scan", url.Values{"csrf": {csrf(t, page)}, "unit": {"5-1-102"}}); status != 400 {
		t.Errorf("a scan with no file: %d", status)
	}
	status, page = grid.postFiles("/staff/votes/"+v.ID+"/scan", url.Values{"csrf": {csrf(t, page)}, "unit": {"5-1-102"}},
		upload{"later.jpg", jpegBytes(t, color.RGBA{100, 100, 100, 255})})
	if status != 200 || !strings.Contains(page, "已保存纸质票扫描件") || !strings.Contains(page, `/scans/5-1-102"`) {
		t.Fatalf("the scan after: %d\n%s", status, page)
	}
	if status, body := grid.get("/staff/votes/" + v.ID + "/scans/5-1-102"); status != 200 || !strings.HasPrefix(body, "\xff\xd8") {
		t.Errorf("open the scan: %d", status)
	}
	if status, _ := residentLogin(t, srv, "13800138000").get("/staff/votes/" + v.ID + "/scans/5-1-101"); status == 200 {
		t.Error("the owner opened the scan")
	}
}
