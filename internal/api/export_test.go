package api_test

import (
	"bytes"
	"encoding/csv"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"github.com/gongzhi/gongzhi/internal/api"
	"github.com/gongzhi/gongzhi/internal/db/dbtest"
)

func download(t *testing.T, srv *httptest.Server, path, token string) (int, http.Header, []byte) {
	t.Helper()
	req, _ := http.NewRequest("GET", srv.URL+path, nil)
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, resp.Header, b
}

func TestTicketListExport(t *testing.T) {
	for _, engine := range dbtest.Engines() {
		t.Run(engine, func(t *testing.T) {
			srv := newServer(t, engine)
			agent := login(t, srv, "demo-agent")
			dispatcher := login(t, srv, "demo-dispatcher")
			handler := login(t, srv, "demo-handler")
			// Two tickets for 滨河街道 (dispatched to demo-handler's unit), one
			// for the power company's queue (registered, no unit).
			for _, b := range []map[string]any{
				{"kind": "complaint", "category_code": "0101", "description": "楼下垃圾堆放，气味很大", "area_code": "110117001001", "reporter_name": "王小明", "reporter_phone": "13912345678"},
				{"kind": "complaint", "category_code": "0101", "description": "路面有积水, \"很深\"", "area_code": "110117001001", "reporter_phone": "13912340000"},
				{"kind": "help", "category_code": "0405", "description": "小区停电", "area_code": "110117001001", "reporter_phone": "13912341111"},
			} {
				if code, _, m := post(t, srv, "/api/v1/tickets", agent, "", b); code != 201 {
					t.Fatalf("submit: %d %v", code, m)
				}
			}

			// The dispatcher gets every ticket of the district as XLSX.
			code, h, body := download(t, srv, "/api/v1/tickets/export?format=xlsx", dispatcher)
			if code != 200 {
				t.Fatalf("xlsx: %d %s", code, body)
			}
			if !strings.HasPrefix(h.Get("Content-Type"), "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet") {
				t.Fatalf("content type %q", h.Get("Content-Type"))
			}
			cd := h.Get("Content-Disposition")
			if !strings.HasPrefix(cd, "attachment;") || !strings.Contains(cd, "filename*=UTF-8''%E5%B7%A5%E5%8D%95_") || !strings.Contains(cd, `filename="tickets_`) ||
				!strings.HasSuffix(cd, ".xlsx") {
				t.Fatalf("content disposition %q", cd)
			}
			x, err := excelize.OpenReader(bytes.NewReader(body))
			if err != nil {
				t.Fatalf("parse xlsx: %v", err)
			}
			sheet := x.GetSheetName(0)
			rows, err := x.GetRows(sheet)
			if err != nil {
				t.Fatal(err)
			}
			if len(rows) != 4 || rows[0][0] != "工单编号" || rows[0][2] != "状态" || rows[0][10] != "联系电话" {
				t.Fatalf("xlsx rows: %v", rows)
			}
			var seen string
			for _, r := range rows[1:] {
				seen += strings.Join(r, "|") + "\n"
			}
			for _, want := range []string{"139****5678", "王*", "0101 街巷环境卫生", "已派单", "已受理", "滨河街道办事处", "楼下垃圾堆放"} {
				if !strings.Contains(seen, want) {
					t.Errorf("xlsx lacks %q:\n%s", want, seen)
				}
			}
			if strings.Contains(seen, "13912345678") || strings.Contains(seen, "王小明") {
				t.Fatalf("reporter not masked:\n%s", seen)
			}

			// The street handler sees only her unit's tickets, here as CSV.
			code, h, body = download(t, srv, "/api/v1/tickets/export?format=csv&status=dispatched", handler)
			if code != 200 || !strings.HasPrefix(h.Get("Content-Type"), "text/csv") || !strings.HasSuffix(h.Get("Content-Disposition"), ".csv") {
				t.Fatalf("csv: %d %v %s", code, h, body)
			}
			if !bytes.HasPrefix(body, []byte("\uFEFF")) {
				t.Fatal("csv has no byte order mark")
			}
			recs, err := csv.NewReader(bytes.NewReader(bytes.TrimPrefix(body, []byte("\uFEFF")))).ReadAll()
			if err != nil {
				t.Fatal(err)
			}
			if len(recs) != 3 || recs[0][0] != "工单编号" {
				t.Fatalf("handler csv: %v", recs)
			}
			for _, r := range recs[1:] {
				if !strings.HasPrefix(r[8], "110117001-SO") {
					t.Fatalf("a ticket of another unit: %v", r)
				}
			}
			if !strings.Contains(string(body), `"路面有积水, ""很深"""`) {
				t.Fatalf("csv quoting: %s", body)
			}
			// Filters narrow it as they narrow the list.
			_, _, body = download(t, srv, "/api/v1/tickets/export?format=csv&status=registered", dispatcher)
			if recs, _ := csv.NewReader(bytes.NewReader(bytes.TrimPrefix(body, []byte("\uFEFF")))).ReadAll(); len(recs) != 2 {
				t.Fatalf("registered only: %v", recs)
			}

			// Who may not, and what is refused.
			if code, _, _ := download(t, srv, "/api/v1/tickets/export?format=csv", ""); code != 401 {
				t.Fatalf("anonymous: %d", code)
			}
			_, _, cm := post(t, srv, "/api/v1/auth/code", "", "", map[string]string{"phone": "13800138000"})
			_, _, tm := post(t, srv, "/api/v1/auth/token", "", "", map[string]string{"phone": "13800138000", "code": cm["dev_code"].(string)})
			if code, _, _ := download(t, srv, "/api/v1/tickets/export?format=csv", tm["token"].(string)); code != 403 {
				t.Fatalf("resident: %d", code)
			}
			if code, _, b := download(t, srv, "/api/v1/tickets/export?format=csv&org_code=110117-D01", handler); code != 403 {
				t.Fatalf("handler asking for another unit: %d %s", code, b)
			}
			for _, q := range []string{"format=pdf", "format=csv&status=lost", "format=csv&overdue=maybe", "format=csv&light=blue"} {
				if code, _, b := download(t, srv, "/api/v1/tickets/export?"+q, dispatcher); code != 400 {
					t.Fatalf("%s: %d %s", q, code, b)
				}
			}
			old := api.ExportCap
			api.ExportCap = 2
			defer func() { api.ExportCap = old }()
			code, _, body = download(t, srv, "/api/v1/tickets/export?format=xlsx", dispatcher)
			if code != 400 || !strings.Contains(string(body), "more than 2 tickets") {
				t.Fatalf("past the cap: %d %s", code, body)
			}
		})
	}
}
