package api_test

import (
	"bytes"
	"encoding/csv"
	"strings"
	"testing"

	"github.com/gongzhi/gongzhi/internal/db/dbtest"
)

// The list export ends with the national-code columns, filled from the
// demo's mapping: 占道经营 is event class 05 (街面秩序), 路灯照明 component
// class 01 (公用设施), 劳动争议 neither; no demo area has a grid code.
func TestTicketExportNationalCodes(t *testing.T) {
	for _, engine := range dbtest.Engines() {
		t.Run(engine, func(t *testing.T) {
			srv := newServer(t, engine)
			agent := login(t, srv, "demo-agent")
			dispatcher := login(t, srv, "demo-dispatcher")
			var numbers []string
			for _, b := range []map[string]any{
				{"kind": "complaint", "category_code": "0104", "description": "路口有人占道摆摊", "area_code": "110117001001", "reporter_phone": "13912345678"},
				{"kind": "help", "category_code": "0304", "description": "楼前路灯不亮", "area_code": "110117001001", "reporter_phone": "13912340000"},
				{"kind": "help", "category_code": "0601", "description": "公司拖欠工资", "area_code": "110117001001", "reporter_phone": "13912341111"},
			} {
				code, _, m := post(t, srv, "/api/v1/tickets", agent, "", b)
				if code != 201 {
					t.Fatalf("submit: %d %v", code, m)
				}
				numbers = append(numbers, m["number"].(string))
			}
			// Open311 shows the event class among its extensions.
			code, _, body := download(t, srv, "/open311/v2/requests/"+numbers[0]+".json?extensions=true", "")
			if code != 200 || !strings.Contains(string(body), `"national_event_code":"05"`) || !strings.Contains(string(body), `"grid_code":""`) {
				t.Fatalf("open311: %d %s", code, body)
			}
			code, _, body = download(t, srv, "/api/v1/tickets/export?format=csv", dispatcher)
			if code != 200 {
				t.Fatalf("csv: %d %s", code, body)
			}
			recs, err := csv.NewReader(bytes.NewReader(bytes.TrimPrefix(body, []byte("\uFEFF")))).ReadAll()
			if err != nil {
				t.Fatal(err)
			}
			head := recs[0]
			if len(head) != 23 || head[0] != "工单编号" || head[19] != "满意度" || head[20] != "国标事件类代码" || head[21] != "国标部件类代码" || head[22] != "单元网格代码" {
				t.Fatalf("header: %v", head)
			}
			got := map[string][3]string{}
			for _, r := range recs[1:] {
				got[r[3][:4]] = [3]string{r[20], r[21], r[22]}
			}
			want := map[string][3]string{"0104": {"05", "", ""}, "0304": {"", "01", ""}, "0601": {"", "", ""}}
			for cat, w := range want {
				if got[cat] != w {
					t.Errorf("%s: national columns %q, want %q", cat, got[cat], w)
				}
			}
		})
	}
}
