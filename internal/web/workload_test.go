package web_test

import (
	"context"
	"net/http/httptest"
	"net/url"
	"testing"
	"time"

	"github.com/gongzhi/gongzhi/internal/auth"
	"github.com/gongzhi/gongzhi/internal/clock"
	"github.com/gongzhi/gongzhi/internal/db/dbtest"
	"github.com/gongzhi/gongzhi/internal/evaluation"
)

// TestWorkloadPages lays out the month's workload and returns report, as
// the evaluation lets each reader see them, and writes a task's root-cause
// record on its page, refused to a handler and for a department that is
// none, shown then on the task's page.
func TestWorkloadPages(t *testing.T) {
	for _, engine := range dbtest.Engines() {
		t.Run(engine, func(t *testing.T) {
			a := newAppOn(t, engine)
			srv := httptest.NewServer(a.Handler)
			defer srv.Close()
			month := time.Now().In(clock.BusinessZone()).Format("2006-01")
			sup := staffLogin(t, srv, "demo-supervisor", "gongzhi-demo")
			status, body := sup.get("/staff/figures/workload?month=" + month)
			if status != 200 {
				t.Fatalf("workload: %d", status)
			}
			mustContain(t, body, "工作量与人力", "占用工时", "在岗人数", "响应率", `id="workload"`)
			handler := staffLogin(t, srv, "demo-handler", "gongzhi-demo")
			if status, _ := handler.get("/staff/figures/workload"); status != 200 {
				t.Errorf("a handler's workload: %d", status)
			}
			if status, _ := sup.get("/staff/figures/workload?month=2026-13"); status != 400 {
				t.Errorf("no month: %d", status)
			}
			status, body = sup.get("/staff/figures/returns?month=" + month)
			if status != 200 {
				t.Fatalf("returns: %d", status)
			}
			mustContain(t, body, "退单与改派分析", "派单目录建议", `id="passes"`)
			if status, _ := handler.get("/staff/figures/returns"); status != 403 {
				t.Errorf("a handler's returns: %d", status)
			}
			form := url.Values{"csrf": {csrf(t, body)}, "month": {month}, "category_code": {"0101"}, "area_code": {"110117001001"}}
			if status, body := sup.post("/staff/figures/returns/apply", form); status != 404 {
				t.Errorf("a proposal that is none: %d\n%.300s", status, body)
			}

			ctx := context.Background()
			admin := auth.User{ID: "admin-test", Username: "admin", Role: auth.RoleAdmin}
			task, err := a.Evaluation.CreateRectification(ctx, admin, evaluation.NewRectification{OrgCode: "110117001-SO", Title: "退单偏多",
				Deadline: time.Now().AddDate(0, 0, 10).Format("2006-01-02")})
			if err != nil {
				t.Fatal(err)
			}
			path := "/staff/root-cause/rectification/" + task.ID
			status, body = sup.get(path)
			if status != 200 {
				t.Fatalf("root cause: %d", status)
			}
			mustContain(t, body, "尚未填写根源分析", `name="root_cause"`)
			rc := url.Values{"csrf": {csrf(t, body)}, "root_cause": {"职责边界不清"}, "affected": {"临街商户"}, "obstacles": {"权属资料缺失"}, "departments": {"NOPE-9"}}
			status, body = sup.post(path, rc)
			if status != 400 {
				t.Fatalf("a department that is none: %d", status)
			}
			mustContain(t, body, "NOPE-9", "职责边界不清")
			rc.Set("departments", "110117001-SO")
			if status, body = sup.post(path, rc); status != 200 {
				t.Fatalf("save: %d\n%.300s", status, body)
			}
			mustContain(t, body, "根源分析已保存", "临街商户", "v1")
			_, page := handler.get("/staff/rectifications/" + task.ID)
			mustContain(t, page, "职责边界不清", "权属资料缺失", "/staff/root-cause/rectification/"+task.ID)
			_, page = handler.get(path)
			rc.Set("csrf", csrf(t, page))
			if status, _ := handler.post(path, rc); status != 403 {
				t.Errorf("a handler writes: %d", status)
			}
			if status, _ := sup.get("/staff/root-cause/parcel/" + task.ID); status != 404 {
				t.Errorf("no such kind: %d", status)
			}
		})
	}
}
