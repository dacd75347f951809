package api_test

import (
	"testing"

	"github.com/gongzhi/gongzhi/internal/db/dbtest"
)

func TestConsole(t *testing.T) {
	for _, engine := range dbtest.Engines() {
		t.Run(engine, func(t *testing.T) {
			srv := newServer(t, engine)
			agent := login(t, srv, "demo-agent")
			handler := login(t, srv, "demo-handler")

			code, m := send(t, srv, "GET", "/api/v1/categories/search?q=jxhj", "", nil)
			items, _ := m["items"].([]any)
			if code != 200 || len(items) == 0 || items[0].(map[string]any)["code"] != "0101" {
				t.Fatalf("pinyin initials: %d %v", code, m)
			}
			code, m = send(t, srv, "GET", "/api/v1/categories/search?q=供暖", "", nil)
			if items, _ := m["items"].([]any); code != 200 || len(items) == 0 || items[0].(map[string]any)["path"] != "公共服务（水电气热） › 供暖" {
				t.Fatalf("words: %d %v", code, m)
			}

			// The caller's earlier tickets, and a likely duplicate before saving.
			first := map[string]any{"kind": "complaint", "category_code": "0101", "description": "金谷东园3号楼门口垃圾堆积无人清运",
				"area_code": "110117001001", "reporter_phone": "13912340000"}
			if code, _, m := post(t, srv, "/api/v1/tickets", agent, "", first); code != 201 {
				t.Fatalf("submit: %d %v", code, m)
			}
			code, m = send(t, srv, "GET", "/api/v1/callers/13912340000/tickets", agent, nil)
			if items, _ := m["items"].([]any); code != 200 || len(items) != 1 {
				t.Fatalf("caller history: %d %v", code, m)
			}
			if code, _ := send(t, srv, "GET", "/api/v1/callers/13912340000/tickets", handler, nil); code != 403 {
				t.Fatalf("handler reads caller history: %d", code)
			}
			if code, _ := send(t, srv, "GET", "/api/v1/callers/12345/tickets", agent, nil); code != 400 {
				t.Fatalf("bad phone: %d", code)
			}
			dup := map[string]any{"category_code": "0101", "description": "3号楼门口的垃圾好几天没人清运了", "area_code": "110117001001"}
			code, m = send(t, srv, "POST", "/api/v1/duplicates", agent, dup)
			items, _ = m["items"].([]any)
			if code != 200 || len(items) != 1 {
				t.Fatalf("duplicates: %d %v", code, m)
			}
			if tk := items[0].(map[string]any)["ticket"].(map[string]any); tk["reporter_phone"] != "139****0000" {
				t.Fatalf("duplicate not masked: %v", tk["reporter_phone"])
			}
			other := map[string]any{"category_code": "0403", "description": "暖气不热", "area_code": "110117002001"}
			if code, m := send(t, srv, "POST", "/api/v1/duplicates", agent, other); code != 200 || len(m["items"].([]any)) != 0 {
				t.Fatalf("no duplicate elsewhere: %d %v", code, m)
			}

			// The knowledge base: found by words and pinyin, edited by the admin.
			for _, q := range []string{"社保卡", "sbk", "暖气"} {
				code, m := send(t, srv, "GET", "/api/v1/kb?q="+q, agent, nil)
				if items, _ := m["items"].([]any); code != 200 || len(items) == 0 {
					t.Fatalf("kb %q: %d %v", q, code, m)
				}
			}
			article := map[string]any{"category_code": "0602", "title": "医保报销比例", "body": "在职职工门诊报销比例因医院等级而异（示例）。", "keywords": "医保 报销", "active": true}
			if code, _ := send(t, srv, "POST", "/api/v1/kb", agent, article); code != 403 {
				t.Fatalf("agent edits the knowledge base: %d", code)
			}
			code, _, am := post(t, srv, "/api/v1/auth/token", "", "", map[string]string{"username": "admin", "password": "lantern-river-42"})
			admin := am["token"].(string)
			code, m = send(t, srv, "POST", "/api/v1/kb", admin, article)
			if code != 201 || m["id"] == "" {
				t.Fatalf("admin adds an article: %d %v", code, m)
			}
			id := m["id"].(string)
			if code, _ := send(t, srv, "POST", "/api/v1/kb", admin, with(article, "title", "")); code != 400 {
				t.Fatalf("empty title: %d", code)
			}
			if code, m := send(t, srv, "GET", "/api/v1/kb?q=ybbx", agent, nil); code != 200 || len(m["items"].([]any)) != 1 {
				t.Fatalf("new article by initials: %d %v", code, m)
			}
			if code, _ := send(t, srv, "DELETE", "/api/v1/kb/"+id, admin, nil); code != 204 {
				t.Fatalf("delete: %d", code)
			}
			if code, _ := send(t, srv, "GET", "/api/v1/kb/"+id, agent, nil); code != 404 {
				t.Fatalf("deleted article: %d", code)
			}
		})
	}
}
