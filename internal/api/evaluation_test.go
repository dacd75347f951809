package api_test

import (
	"testing"
	"time"

	"github.com/gongzhi/gongzhi/internal/db/dbtest"
)

func rowOf(rows []any, key, code string) map[string]any {
	for _, r := range rows {
		if m := r.(map[string]any); m[key] == code {
			return m
		}
	}
	return nil
}

func listedIn(list any, code string) bool {
	l, _ := list.([]any)
	return rowOf(l, "code", code) != nil
}

func TestEvaluationAPI(t *testing.T) {
	for _, engine := range dbtest.Engines() {
		t.Run(engine, func(t *testing.T) {
			srv := newServer(t, engine)
			code, _, m := post(t, srv, "/api/v1/auth/token", "", "", map[string]string{"username": "admin", "password": "lantern-river-42"})
			if code != 200 {
				t.Fatalf("admin login: %d", code)
			}
			admin := m["token"].(string)
			supervisor := login(t, srv, "demo-supervisor")
			dispatcher := login(t, srv, "demo-dispatcher")
			handler := login(t, srv, "demo-handler")
			deptHandler := login(t, srv, "demo-handler-dept")
			_, _, hm := post(t, srv, "/api/v1/auth/token", "", "", map[string]string{"username": "demo-handler", "password": "gongzhi-demo"})
			org := hm["user"].(map[string]any)["org_code"].(string)

			// One ticket through the whole loop, closed now: it counts this month.
			code, _, tk := post(t, srv, "/api/v1/tickets", "", "", map[string]any{"kind": "complaint", "category_code": "0101", "description": "楼道堆物",
				"area_code": "110117001001", "reporter_phone": "13922223333"})
			if code != 201 || tk["assigned_org_code"] != org {
				t.Fatalf("submit: %d %v", code, tk)
			}
			n := tk["number"].(string)
			for _, step := range []struct {
				action, token string
				body          map[string]any
			}{
				{"sign", handler, nil},
				{"contact", handler, map[string]any{"note": "已电话联系"}},
				{"reply", handler, map[string]any{"reply_text": "已清理", "resolved": true}},
				{"rate", dispatcher, map[string]any{"resolved": true, "satisfaction": "basic"}},
			} {
				if code, m := send(t, srv, "POST", "/api/v1/tickets/"+n+"/actions/"+step.action, step.token, step.body); code != 200 {
					t.Fatalf("%s: %d %v", step.action, code, m)
				}
			}
			today := time.Now().In(time.FixedZone("CST", 8*3600)).Format("2006-01-02")
			first := today[:8] + "01"
			q := "/api/v1/evaluation?from=" + first + "&to=" + today + "&group=org&area_code=110117"

			code, m = send(t, srv, "GET", q, supervisor, nil)
			if code != 200 || m["k"] != 0.6 || m["weights"].(map[string]any)["resolution"] != 0.45 {
				t.Fatalf("supervisor: %d %v", code, m)
			}
			rows := m["rows"].([]any)
			mine := rowOf(rows, "org_code", org)
			if mine == nil || mine["tickets"] != 1.0 || mine["rated"] != 1.0 || mine["resolution_rate"] != 1.0 || mine["satisfaction_rate"] != 0.6 ||
				mine["response_rate"] != 1.0 || mine["score"] != 82.0 || mine["return_rate"] != 0.0 {
				t.Fatalf("the unit's row: %v", mine)
			}
			// One rated ticket is below the minimum sample (10): scored, not ranked, no class.
			if mine["rank"] != nil || mine["class"] != nil || mine["sample_too_small"] != true {
				t.Fatalf("a unit with one rated ticket: rank %v class %v sample_too_small %v", mine["rank"], mine["class"], mine["sample_too_small"])
			}
			for _, k := range []string{"org_code", "name", "tickets", "rated", "response_rate", "resolution_rate", "satisfaction_rate", "score",
				"on_time_rate", "return_rate", "extension_rate", "redo_rate", "overdue", "rank", "class", "sample_too_small"} {
				if _, ok := mine[k]; !ok {
					t.Errorf("row lacks %s", k)
				}
			}
			for _, r := range rows {
				if r.(map[string]any)["hidden"] == true {
					t.Fatalf("supervisor sees a hidden row: %v", r)
				}
			}
			// A department's handler sees its own row and, of the others, the ranking.
			code, m = send(t, srv, "GET", q, deptHandler, nil)
			if code != 200 {
				t.Fatalf("handler: %d %v", code, m)
			}
			other := rowOf(m["rows"].([]any), "org_code", org)
			if other == nil || other["hidden"] != true || other["score"] != 82.0 || other["rank"] != nil || other["sample_too_small"] != true || other["tickets"] != nil {
				t.Fatalf("another unit seen by a handler: %v", other)
			}
			// Areas.
			code, m = send(t, srv, "GET", "/api/v1/evaluation?from="+first+"&to="+today+"&group=area&area_code=110117", supervisor, nil)
			if code != 200 || rowOf(m["rows"].([]any), "area_code", "110117001")["tickets"] != 1.0 {
				t.Fatalf("areas: %d %v", code, m)
			}
			if code, _ := send(t, srv, "GET", "/api/v1/evaluation?from=2026-13-01&to=2026-01-01", supervisor, nil); code != 400 {
				t.Fatalf("bad date: %d", code)
			}

			// The tickets behind a figure: the unit's own, not another's.
			fq := "/api/v1/evaluation/tickets?figure=basic&from=" + first + "&to=" + today + "&org_code=" + org
			code, m = send(t, srv, "GET", fq, handler, nil)
			if code != 200 || len(m["items"].([]any)) != 1 || m["items"].([]any)[0].(map[string]any)["number"] != n {
				t.Fatalf("figure tickets: %d %v", code, m)
			}
			if code, _ := send(t, srv, "GET", fq, deptHandler, nil); code != 403 {
				t.Fatalf("another unit's figure: %d", code)
			}

			// Settings: the admin's.
			if code, _ := send(t, srv, "GET", "/api/v1/evaluation/settings", supervisor, nil); code != 403 {
				t.Fatalf("supervisor reads settings: %d", code)
			}
			code, st := send(t, srv, "GET", "/api/v1/evaluation/settings", admin, nil)
			if code != 200 || st["month_start_day"] != 1.0 {
				t.Fatalf("settings: %d %v", code, st)
			}
			if code, _ := send(t, srv, "PUT", "/api/v1/evaluation/settings", admin, map[string]any{"k": 2}); code != 400 {
				t.Fatalf("k = 2: %d", code)
			}
			if code, m := send(t, srv, "PUT", "/api/v1/evaluation/settings", admin, map[string]any{"k": 0.5}); code != 200 || m["k"] != 0.5 {
				t.Fatalf("k = 0.5: %d %v", code, m)
			}
			if _, m := send(t, srv, "GET", q, supervisor, nil); rowOf(m["rows"].([]any), "org_code", org)["satisfaction_rate"] != 0.5 {
				t.Fatalf("k not applied: %v", m)
			}

			// Rankings with the lists.
			code, m = send(t, srv, "GET", "/api/v1/evaluation/rankings?month="+today[:7]+"&area_code=110117", handler, nil)
			if code != 200 || m["red"] == nil || m["black"] == nil || rowOf(m["rows"].([]any), "org_code", org)["rank"] != nil {
				t.Fatalf("rankings: %d %v", code, m)
			}
			if row := rowOf(m["rows"].([]any), "org_code", org); row["class"] != nil || row["sample_too_small"] != true || listedIn(m["red"], org) || listedIn(m["black"], org) {
				t.Fatalf("rankings: a unit with one rated ticket is classed or listed: %v red %v black %v", row, m["red"], m["black"])
			}

			// A rectification task from creation to review.
			deadline := time.Now().AddDate(0, 0, 10).Format("2006-01-02")
			task := map[string]any{"org_code": org, "title": "回访满意度整改", "reason": "基本满意偏多", "deadline": deadline}
			if code, _ := send(t, srv, "POST", "/api/v1/rectifications", handler, task); code != 403 {
				t.Fatalf("handler creates: %d", code)
			}
			code, rt := send(t, srv, "POST", "/api/v1/rectifications", supervisor, task)
			if code != 201 || rt["status"] != "open" {
				t.Fatalf("create: %d %v", code, rt)
			}
			id := rt["id"].(string)
			if code, m := send(t, srv, "GET", "/api/v1/rectifications", handler, nil); code != 200 || len(m["items"].([]any)) != 1 {
				t.Fatalf("handler's list: %d %v", code, m)
			}
			if code, m := send(t, srv, "GET", "/api/v1/rectifications", deptHandler, nil); code != 200 || len(m["items"].([]any)) != 0 {
				t.Fatalf("another unit's list: %d %v", code, m)
			}
			if code, _ := send(t, srv, "POST", "/api/v1/rectifications/"+id+"/submit", deptHandler, map[string]any{"measures": "x"}); code != 404 {
				t.Fatalf("another unit submits: %d", code)
			}
			if code, m := send(t, srv, "POST", "/api/v1/rectifications/"+id+"/submit", handler, map[string]any{"measures": "逐件回访", "evidence": "回访记录"}); code != 200 || m["status"] != "submitted" {
				t.Fatalf("submit: %d %v", code, m)
			}
			if code, _ := send(t, srv, "POST", "/api/v1/rectifications/"+id+"/review", handler, map[string]any{"accept": true}); code != 403 {
				t.Fatalf("handler reviews: %d", code)
			}
			if code, m := send(t, srv, "POST", "/api/v1/rectifications/"+id+"/review", supervisor, map[string]any{"accept": true, "note": "通过"}); code != 200 || m["status"] != "accepted" {
				t.Fatalf("review: %d %v", code, m)
			}

			// The platform's own health.
			if code, m := send(t, srv, "GET", "/api/v1/health/online", supervisor, nil); code != 200 || m["minutes"] == nil {
				t.Fatalf("health: %d %v", code, m)
			}
			// Residents see none of it.
			code, _, cm := post(t, srv, "/api/v1/auth/code", "", "", map[string]string{"phone": "13800138000"})
			_, _, rm := post(t, srv, "/api/v1/auth/token", "", "", map[string]string{"phone": "13800138000", "code": cm["dev_code"].(string)})
			if code, _ := send(t, srv, "GET", q, rm["token"].(string), nil); code != 403 {
				t.Fatalf("resident: %d", code)
			}
		})
	}
}
