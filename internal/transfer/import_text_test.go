package transfer_test

import (
	"strings"
	"testing"

	"github.com/gongzhi/gongzhi/internal/db"
	"github.com/gongzhi/gongzhi/internal/db/dbtest"
)

// TestImportCleansText: text from another system is stored without control
// and invisible format characters, as text entered in gongzhi is; a NUL no
// longer fails the batch on PostgreSQL.
func TestImportCleansText(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		tickets := withDemo(t, d)
		mapping := writeFile(t, "c.json", `{"source": "old-hotline", "channel": "hotline", "default_area_code": "110117",
			"categories": {"噪声": "0901"}, "statuses": {"已办结": "closed", "处理中": "open"},
			"columns": {"id": "编号", "created": "受理时间", "closed": "办结时间", "type": "类别", "status": "状态", "description": "内容", "address": ["地址"]}}`)
		file := writeFile(t, "old.csv", "编号,受理时间,办结时间,类别,状态,内容,地址\n"+
			"B1,2025-12-01 09:00:00,,噪声,处理中,夜间\u202e施工\u200b扰民\x00,滨河路\ufeff1号\u2066\n")
		st := importFile(t, d, tickets, file, "csv", mapping, false)
		if st.Imported != 1 {
			t.Fatalf("import: %+v", st)
		}
		var desc, addr string
		d.R.QueryRow(`SELECT t.description, t.address FROM tickets t JOIN ticket_sources s ON s.ticket_number = t.number
			WHERE s.external_id = 'B1'`).Scan(&desc, &addr)
		if desc != "噪声\n夜间施工扰民" || addr != "滨河路1号" {
			t.Errorf("stored %q %q", desc, addr)
		}
		if strings.ContainsAny(desc+addr, "\u202e\u200b\x00\ufeff\u2066") {
			t.Errorf("hidden characters kept: %q %q", desc, addr)
		}
	})
}
