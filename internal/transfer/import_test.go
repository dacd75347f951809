package transfer_test

import (
	"context"
	"encoding/csv"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/gongzhi/gongzhi/internal/db"
	"github.com/gongzhi/gongzhi/internal/db/dbtest"
	"github.com/gongzhi/gongzhi/internal/demo"
	"github.com/gongzhi/gongzhi/internal/seed"
	"github.com/gongzhi/gongzhi/internal/ticket"
	"github.com/gongzhi/gongzhi/internal/transfer"
)

// samples is the shared folder of real 311 data; it is not in the repository.
const samples = "../../../shared/data/311"

func withDemo(t testing.TB, d *db.DB) *ticket.Service {
	t.Helper()
	svc := seed.NewServices(d, slog.New(slog.DiscardHandler), 4)
	if _, err := demo.Load(context.Background(), d, svc.Gov, svc.Auth, svc.Tickets, slog.New(slog.DiscardHandler)); err != nil {
		t.Fatalf("load demo: %v", err)
	}
	return svc.Tickets
}

func sample(t *testing.T, name string) string {
	t.Helper()
	p := filepath.Join(samples, name)
	if _, err := os.Stat(p); err != nil {
		t.Skipf("the 311 samples are not here (%s): %v", p, err)
	}
	return p
}

func count(t *testing.T, d *db.DB, q string, args ...any) int {
	t.Helper()
	var n int
	if err := d.R.QueryRow(q, args...).Scan(&n); err != nil {
		t.Fatalf("%s: %v", q, err)
	}
	return n
}

func importFile(t *testing.T, d *db.DB, tickets *ticket.Service, file, format, mapping string, dry bool) transfer.ImportStats {
	t.Helper()
	m, err := transfer.LoadMapping(mapping, format)
	if err != nil {
		t.Fatal(err)
	}
	st, err := transfer.ImportTickets(context.Background(), d, tickets, transfer.ImportOptions{File: file, Format: format, Mapping: m,
		Rejects: filepath.Join(t.TempDir(), "rejects.csv"), DryRun: dry, BatchSize: 700})
	if err != nil {
		t.Fatalf("import %s: %v", file, err)
	}
	return st
}

func TestImportSamples(t *testing.T) {
	la := sample(t, "MyLA311_2017_subset.csv")
	nyc := sample(t, "nyc311_2023_test_sample3.csv")
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		tickets := withDemo(t, d)
		cases := []struct {
			file, format                        string
			read, imported, rejected, published int
		}{
			{la, "la311", 9999, 9987, 12, 0},
			{nyc, "nyc311", 4999, 4997, 2, 0},
		}
		total := 0
		for _, c := range cases {
			mapping := filepath.Join("mappings", c.format+".json")
			// A dry run counts and writes nothing.
			st := importFile(t, d, tickets, c.file, c.format, mapping, true)
			if st.Read != c.read || st.Imported != c.imported || st.Rejected != c.rejected {
				t.Fatalf("%s dry run: %+v", c.format, st)
			}
			if n := count(t, d, `SELECT COUNT(*) FROM tickets`); n != total {
				t.Fatalf("a dry run wrote %d tickets", n-total)
			}
			st = importFile(t, d, tickets, c.file, c.format, mapping, false)
			if st.Read != c.read || st.Imported != c.imported || st.Rejected != c.rejected || st.AlreadyImported != 0 ||
				st.Reasons["closed before created"] != c.rejected {
				t.Fatalf("%s: %+v", c.format, st)
			}
			total += c.imported
			rej, err := os.Open(st.RejectsFile)
			if err != nil {
				t.Fatal(err)
			}
			recs, err := csv.NewReader(rej).ReadAll()
			rej.Close()
			if err != nil || len(recs) != c.rejected+1 || recs[0][0] != "\uFEFFrow" || recs[1][0] == "" || !strings.Contains(recs[1][3], "before the created date") {
				t.Fatalf("rejects file: %v %v", err, recs)
			}
			if n := count(t, d, `SELECT COUNT(*) FROM tickets WHERE channel = 'open311'`); n != total {
				t.Fatalf("%d tickets after %s, want %d", n, c.format, total)
			}
			if n := count(t, d, `SELECT COUNT(*) FROM ticket_sources WHERE source = $1`, c.format); n != c.imported {
				t.Fatalf("%d sources of %s", n, c.format)
			}
			// Re-import adds nothing.
			st = importFile(t, d, tickets, c.file, c.format, mapping, false)
			if st.Imported != 0 || st.AlreadyImported != c.imported || st.Rejected != c.rejected {
				t.Fatalf("%s again: %+v", c.format, st)
			}
			if n := count(t, d, `SELECT COUNT(*) FROM tickets`); n != total {
				t.Fatalf("re-import changed the count: %d, want %d", n, total)
			}
		}
		// Every ticket's timeline starts with the import, naming the source.
		if n := count(t, d, `SELECT COUNT(*) FROM ticket_events WHERE seq = 1 AND action = 'import'`); n != total {
			t.Fatalf("%d import events for %d tickets", n, total)
		}
		// Its version is its number of events, so the next action's event
		// follows the last.
		if n := count(t, d, `SELECT COUNT(*) FROM tickets t WHERE version <> (SELECT COUNT(*) FROM ticket_events e WHERE e.ticket_number = t.number)`); n != 0 {
			t.Fatalf("%d imported tickets whose version is not their number of events", n)
		}
		var number, note string
		d.R.QueryRow(`SELECT ticket_number FROM ticket_sources WHERE source = 'la311' AND external_id = '1-870704831'`).Scan(&number)
		d.R.QueryRow(`SELECT note FROM ticket_events WHERE ticket_number = $1 AND seq = 1`, number).Scan(&note)
		if !strings.Contains(note, "la311") || !strings.Contains(note, "1-870704831") {
			t.Fatalf("import note %q", note)
		}
		// Original times kept: created 12/31/2017 11:59:58 PM in Los Angeles,
		// closed 04/09/2018 09:18:35 AM; the number is the Beijing day.
		var created, closed int64
		var status, org, address string
		d.R.QueryRow(`SELECT created_at, closed_at, status, assigned_org_code, address FROM tickets WHERE number = $1`, number).Scan(&created, &closed, &status, &org, &address)
		if created != 1514793598000 || closed != 1523290715000 || status != "closed" || org != "110117-D01" ||
			address != "2111 W BELLEVUE AVE, 90026" || !strings.HasPrefix(number, "20180101") {
			t.Fatalf("ticket %s: created %d closed %d %s %s %q", number, created, closed, status, org, address)
		}
		// No reporter is invented; open tickets are registered or dispatched.
		if n := count(t, d, `SELECT COUNT(*) FROM tickets WHERE channel = 'open311' AND (reporter_name <> '' OR reporter_phone <> '')`); n != 0 {
			t.Fatalf("%d imported tickets with a reporter", n)
		}
		if n := count(t, d, `SELECT COUNT(*) FROM tickets WHERE channel = 'open311' AND status NOT IN ('registered', 'dispatched', 'closed', 'invalid')`); n != 0 {
			t.Fatalf("%d imported tickets in another status", n)
		}
		if n := count(t, d, `SELECT COUNT(*) FROM tickets WHERE status = 'closed' AND channel = 'open311' AND closed_at IS NULL`); n != 0 {
			t.Fatal("closed tickets without closed_at")
		}
		// Numbers come from the day counters, so live numbering continues past them.
		rows, err := d.R.Query(`SELECT SUBSTR(number, 1, 8), MAX(number) FROM tickets GROUP BY SUBSTR(number, 1, 8)`)
		if err != nil {
			t.Fatal(err)
		}
		defer rows.Close()
		for rows.Next() {
			var day, maxNumber string
			rows.Scan(&day, &maxNumber)
			var counter string
			d.R.QueryRow(`SELECT CAST(value AS TEXT) FROM counters WHERE name = $1`, "ticket:"+day).Scan(&counter)
			if len(counter) == 0 || day+strings.Repeat("0", 6-len(counter))+counter < maxNumber {
				t.Fatalf("counter of %s is %q, below %s", day, counter, maxNumber)
			}
		}
	})
}

func writeFile(t *testing.T, name, body string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(p, []byte(body), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestImportOpen311AndCSV(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		tickets := withDemo(t, d)
		mapping := writeFile(t, "m.json", `{"default_area_code": "110117001", "categories": {"pothole": "0301", "Streetlight out": "0304"},
			"agencies": {"Roads": "110117-D03"}, "statuses": {"open": "open", "closed": "closed"}}`)
		reqs := writeFile(t, "requests.json", `[
 {"service_request_id": 638344, "status": "closed", "status_notes": "Filled", "service_name": "Pothole", "service_code": "pothole",
  "description": "Large hole", "agency_responsible": "Roads", "requested_datetime": "2024-04-14T06:37:38-08:00",
  "updated_datetime": "2024-04-15T06:37:38-08:00", "address": "8TH AVE and JUDAH ST", "zipcode": 94122, "lat": 37.762221815, "long": -122.4651145},
 {"service_request_id": "638349", "status": "open", "service_name": "Streetlight out", "service_code": "SL1",
  "requested_datetime": "2024-04-19T06:37:38-08:00", "lat": "37.7", "long": "-122.4"},
 {"service_request_id": "638350", "status": "open", "service_name": "Abandoned bicycle", "service_code": "bike",
  "requested_datetime": "2024-04-19T06:37:38-08:00"},
 {"service_request_id": "638351", "status": "closed", "service_code": "pothole", "requested_datetime": "yesterday"}
]`)
		st := importFile(t, d, tickets, reqs, "open311", mapping, false)
		if st.Read != 4 || st.Imported != 2 || st.Rejected != 2 || st.Statuses["closed"] != 1 || st.Statuses["dispatched"] != 1 {
			t.Fatalf("open311: %+v", st)
		}
		var status, org, reply, area string
		var lat float64
		d.R.QueryRow(`SELECT t.status, t.assigned_org_code, t.reply_text, t.area_code, t.lat FROM tickets t JOIN ticket_sources s ON s.ticket_number = t.number
			WHERE s.source = 'open311' AND s.external_id = '638344'`).Scan(&status, &org, &reply, &area, &lat)
		if status != "closed" || org != "110117-D03" || reply != "Filled" || area != "110117001" || lat != 37.762221815 {
			t.Fatalf("pothole: %s %s %q %s %v", status, org, reply, area, lat)
		}
		// The streetlight went to the catalogue's unit for 0304.
		d.R.QueryRow(`SELECT t.status, t.assigned_org_code FROM tickets t JOIN ticket_sources s ON s.ticket_number = t.number
			WHERE s.external_id = '638349'`).Scan(&status, &org)
		if status != "dispatched" || org != demo.OrgUrbanMgmt {
			t.Fatalf("streetlight: %s %s", status, org)
		}

		// A CSV export of another system, its columns named by the mapping.
		csvMapping := writeFile(t, "c.json", `{"source": "old-hotline", "channel": "hotline", "default_area_code": "110117",
			"categories": {"噪声": "0901", "供暖": "0403"}, "statuses": {"已办结": "closed", "处理中": "open", "作废": "invalid"},
			"columns": {"id": "编号", "created": "受理时间", "closed": "办结时间", "type": "类别", "status": "状态", "description": "内容", "address": ["地址"]}}`)
		file := writeFile(t, "old.csv", "\uFEFF编号,受理时间,办结时间,类别,状态,内容,地址\n"+
			"A1,2025-12-01 09:00:00,2025-12-02 10:00:00,噪声,已办结,夜间施工,滨河路1号\n"+
			"A2,2025-12-01 09:30:00,,供暖,处理中,暖气不热,\n"+
			"A3,2025-12-01 10:00:00,,供暖,作废,重复来电,\n"+
			"A4,2025-12-01 10:00:00,,供暖,已办结,没有办结时间,\n"+
			"A5,2025-12-01 10:00:00,,供暖,挂起,未知状态,\n"+
			"A6,2025-12-01,,供暖,处理中,坏时间,\n"+
			"A2,2025-12-01 09:30:00,,供暖,处理中,同一编号又一行,\n"+
			"A7,short\n")
		st = importFile(t, d, tickets, file, "csv", csvMapping, false)
		if st.Read != 8 || st.Imported != 2 || st.AlreadyImported != 1 || st.Rejected != 5 {
			t.Fatalf("csv: %+v", st)
		}
		for _, reason := range []string{"closed without a closed date", "status not in the mapping: 挂起", "bad created date", "unreadable row", "closed without a closed date"} {
			if st.Reasons[reason] == 0 {
				t.Errorf("no rejection for %q: %v", reason, st.Reasons)
			}
		}
		var channel, desc string
		var created int64
		d.R.QueryRow(`SELECT t.channel, t.description, t.created_at FROM tickets t JOIN ticket_sources s ON s.ticket_number = t.number
			WHERE s.source = 'old-hotline' AND s.external_id = 'A1'`).Scan(&channel, &desc, &created)
		if channel != "hotline" || desc != "噪声\n夜间施工" || created != 1764550800000 {
			t.Fatalf("A1: %s %q %d", channel, desc, created)
		}
	})
}

func TestImportErrors(t *testing.T) {
	d := dbtest.Open(t, db.SQLite)
	tickets := withDemo(t, d)
	ctx := context.Background()
	good := filepath.Join("mappings", "la311.json")
	run := func(file, format, mapping string) error {
		m, err := transfer.LoadMapping(mapping, format)
		if err != nil {
			return err
		}
		_, err = transfer.ImportTickets(ctx, d, tickets, transfer.ImportOptions{File: file, Format: format, Mapping: m,
			Rejects: filepath.Join(t.TempDir(), "r.csv")})
		return err
	}
	laFile := writeFile(t, "la.csv", "SRNumber,CreatedDate,UpdatedDate,RequestType,Status,Owner,ClosedDate,Address,Latitude,Longitude\n"+
		"1-1,12/31/2017 11:59:58 PM,,Bulky Items,Open,BOS,,1 MAIN ST,34.1,-118.2\n")
	cases := []struct {
		name, file, format, mapping, want string
	}{
		{"unknown format", laFile, "xml", good, `unknown format "xml"`},
		{"missing mapping", laFile, "la311", "no-such-mapping.json", "no such file"},
		{"mapping not JSON", laFile, "la311", writeFile(t, "bad.json", "{categories"), "mapping"},
		{"unknown mapping field", laFile, "la311", writeFile(t, "f.json", `{"categoriez": {}}`), `unknown field "categoriez"`},
		{"bad status target", laFile, "la311", writeFile(t, "s.json", `{"default_area_code": "110117", "categories": {"x": "0101"}, "statuses": {"Open": "done"}}`),
			`statuses["Open"] = "done"`},
		{"no area", laFile, "la311", writeFile(t, "a.json", `{"categories": {"x": "0101"}, "statuses": {"Open": "open"}}`), "default_area_code is required"},
		{"unknown category", laFile, "la311", writeFile(t, "c.json", `{"default_area_code": "110117", "categories": {"x": "9999"}, "statuses": {"Open": "open"}}`),
			"category 9999"},
		{"unknown org", laFile, "la311", writeFile(t, "o.json", `{"default_area_code": "110117", "categories": {"x": "0101"}, "agencies": {"BOS": "NOPE"}, "statuses": {"Open": "open"}}`),
			"org NOPE"},
		{"wrong format for the file", laFile, "nyc311", filepath.Join("mappings", "nyc311.json"), `no column "Unique Key"`},
		{"not JSON for open311", laFile, "open311", good, "not a GeoReport v2 JSON"},
		{"empty file", writeFile(t, "empty.csv", ""), "la311", good, "empty"},
		{"no such file", filepath.Join(t.TempDir(), "none.csv"), "la311", good, "no such file"},
	}
	for _, c := range cases {
		err := run(c.file, c.format, c.mapping)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: %v, want an error with %q", c.name, err, c.want)
		}
	}
	if n := count(t, d, `SELECT COUNT(*) FROM tickets`); n != 0 {
		t.Fatalf("failed imports wrote %d tickets", n)
	}
	// The good mapping with the good file works.
	if err := run(laFile, "la311", good); err != nil {
		t.Fatal(err)
	}
}
