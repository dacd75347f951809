package transfer_test

import (
	"context"
	"path/filepath"
	"strings"
	"testing"

	"github.com/gongzhi/gongzhi/internal/db"
	"github.com/gongzhi/gongzhi/internal/db/dbtest"
	"github.com/gongzhi/gongzhi/internal/ticket"
	"github.com/gongzhi/gongzhi/internal/transfer"
)

// The fuzzed formats: the rows of a CSV export of another hotline (after a
// good header and a good row), the rows of an LA 311 file (likewise), and a
// whole GeoReport v2 JSON answer.
const (
	fuzzCSVHeader = "\uFEFF编号,受理时间,办结时间,类别,状态,内容,地址\n" +
		"G1,2025-12-01 09:00:00,,噪声,处理中,夜间施工,滨河路1号\n"
	fuzzCSVMapping = `{"source": "old-hotline", "channel": "hotline", "default_area_code": "110117",
	"categories": {"噪声": "0901", "供暖": "0403"}, "statuses": {"已办结": "closed", "处理中": "open", "作废": "invalid"},
	"columns": {"id": "编号", "created": "受理时间", "closed": "办结时间", "type": "类别", "status": "状态", "description": "内容", "address": ["地址"]}}`
	fuzzLAHeader = "SRNumber,CreatedDate,UpdatedDate,RequestType,Status,Owner,ClosedDate,Address,Latitude,Longitude\n" +
		"G-1,12/31/2017 11:59:58 PM,,Bulky Items,Open,BOS,,1 MAIN ST,34.1,-118.2\n"
	fuzzOpen311Mapping = `{"default_area_code": "110117001", "categories": {"pothole": "0301", "Streetlight out": "0304"},
	"agencies": {"Roads": "110117-D03"}, "statuses": {"open": "open", "closed": "closed"}}`
)

// FuzzImportTickets feeds arbitrary rows to the ticket import, in each
// format. Whatever they hold, the import never panics; in the CSV formats a
// bad row is rejected, never fatal, and the good row before it is imported;
// every row read is counted as imported, already imported or rejected; the
// tickets written are as many as it says; and a second run of the same file
// adds nothing.
func FuzzImportTickets(f *testing.F) {
	seeds := []struct {
		format uint8
		rows   string
	}{
		{0, "A1,2025-12-01 09:00:00,2025-12-02 10:00:00,噪声,已办结,夜间施工,滨河路1号\n"},
		{0, "A2,2025-12-01 09:30:00,,供暖,处理中,暖气不热,\nA2,2025-12-01 09:30:00,,供暖,处理中,同一编号,\n"},
		{0, "A3,2025-12-01 10:00:00,,供暖,作废,重复来电,\nA4,2025-12-01 10:00:00,,供暖,已办结,没有办结时间,\n"},
		{0, "A5,2025-12-01,,供暖,挂起,坏时间,\nA7,short\n"},
		{0, "A8,2025-12-01 10:00:00,,供暖,处理中,\"未闭合引号,\n"},
		{0, "A9,2099-12-01 10:00:00,,供暖,处理中,将来的时间,\n"},
		{0, "A10,2025-12-01 10:00:00,,供暖,处理中," + strings.Repeat("长", 3000) + ",\n"},
		{0, ",2025-12-01 10:00:00,,供暖,处理中,没有编号,\n"},
		{0, "A11,2025-12-01 10:00:00,,供暖,处理中,\xff\xfe,\n"},
		{1, "1-2,01/02/2017 08:00:00 AM,,Graffiti Removal,Closed,BOS,01/03/2017 08:00:00 AM,2 MAIN ST,34.2,-118.3\n"},
		{1, "1-3,13/45/2017 08:00:00 AM,,Bulky Items,Open,BOS,,,999,-999\n"},
		{1, "1-4,01/02/2017 08:00:00 AM,,Unknown Type,Open,NOPE,,,,\n"},
		{2, `[{"service_request_id": "638344", "status": "closed", "service_code": "pothole", "agency_responsible": "Roads",
			"requested_datetime": "2024-04-14T06:37:38-08:00", "updated_datetime": "2024-04-15T06:37:38-08:00", "lat": 37.7, "long": -122.4}]`},
		{2, `[{"service_request_id": 638349, "status": "open", "service_name": "Streetlight out", "requested_datetime": "2024-04-19T06:37:38-08:00", "lat": "x"}]`},
		{2, `[{"service_request_id": "1", "status": "closed", "service_code": "pothole", "requested_datetime": "yesterday"}, {]`},
		{2, `[]`},
		{2, `{"not": "a list"}`},
		{2, `[{"service_request_id": null, "zipcode": 94122, "address": "8TH AVE"}]`},
	}
	for _, s := range seeds {
		f.Add(s.format, s.rows)
	}
	d := dbtest.Open(f, db.SQLite)
	tickets := withDemo(f, d)
	f.Fuzz(func(t *testing.T, format uint8, rows string) {
		checkImportTickets(t, d, tickets, format, rows)
	})
}

func checkImportTickets(t *testing.T, d *db.DB, tickets *ticket.Service, format uint8, rows string) {
	t.Helper()
	var name, file, mapping, goodSource, goodID string
	switch format % 3 {
	case 0:
		name, file, goodSource, goodID = "csv", fuzzCSVHeader+rows, "old-hotline", "G1"
		mapping = writeFile(t, "m.json", fuzzCSVMapping)
	case 1:
		name, file, goodSource, goodID = "la311", fuzzLAHeader+rows, "la311", "G-1"
		mapping = filepath.Join("mappings", "la311.json")
	default:
		name, file = "open311", rows
		mapping = writeFile(t, "m.json", fuzzOpen311Mapping)
	}
	m, err := transfer.LoadMapping(mapping, name)
	if err != nil {
		t.Fatal(err)
	}
	path := writeFile(t, "tickets."+name, file)
	run := func() (transfer.ImportStats, error) {
		return transfer.ImportTickets(context.Background(), d, tickets, transfer.ImportOptions{File: path, Format: name, Mapping: m,
			Rejects: filepath.Join(t.TempDir(), "rejects.csv"), BatchSize: 3})
	}
	before := count(t, d, `SELECT COUNT(*) FROM tickets`)
	st, err := run()
	if err != nil && name != "open311" {
		t.Fatalf("%s: a bad row failed the whole import: %v", name, err)
	}
	if err == nil && st.Read != st.Imported+st.AlreadyImported+st.Rejected {
		t.Fatalf("%s: %d read, but %d imported + %d already + %d rejected", name, st.Read, st.Imported, st.AlreadyImported, st.Rejected)
	}
	after := count(t, d, `SELECT COUNT(*) FROM tickets`)
	if err == nil && after-before != st.Imported {
		t.Fatalf("%s: %d tickets written, %d reported", name, after-before, st.Imported)
	}
	if goodID != "" && count(t, d, `SELECT COUNT(*) FROM ticket_sources WHERE source = $1 AND external_id = $2`, goodSource, goodID) != 1 {
		t.Fatalf("%s: the good row before the fuzzed ones was not imported", name)
	}
	again, err2 := run()
	if again.Imported != 0 || count(t, d, `SELECT COUNT(*) FROM tickets`) != after {
		t.Fatalf("%s: a second run imported %d more (first: %+v, %v; second: %v)", name, again.Imported, st, err, err2)
	}
	if (err == nil) != (err2 == nil) {
		t.Fatalf("%s: the first run gave %v, the second %v", name, err, err2)
	}
}
