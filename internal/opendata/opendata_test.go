package opendata_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/gongzhi/gongzhi/internal/auth"
	"github.com/gongzhi/gongzhi/internal/clock"
	"github.com/gongzhi/gongzhi/internal/db"
	"github.com/gongzhi/gongzhi/internal/db/dbtest"
	"github.com/gongzhi/gongzhi/internal/errs"
	"github.com/gongzhi/gongzhi/internal/evaluation"
	"github.com/gongzhi/gongzhi/internal/gov"
	"github.com/gongzhi/gongzhi/internal/opendata"
	"github.com/gongzhi/gongzhi/internal/proposal"
	"github.com/gongzhi/gongzhi/internal/service"
	"github.com/gongzhi/gongzhi/internal/ticket"
)

const (
	district  = "110117"
	street    = "110117001"
	community = "110117001001"
	street2   = "110117002"
)

var now = time.Date(2026, 12, 3, 10, 0, 0, 0, clock.BusinessZone())

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

// The residents' data the tickets carry, none of which may be published.
var secrets = []string{"13812345678", "13987654321", "张三丰", "李秀英", "承平里3号楼", "2单元501", "幸福家园7号", "40.123456", "117.654321", "40.98765", "116.12345"}

type fixture struct {
	s       *opendata.Service
	d       *db.DB
	clock   *clock.Fixed
	tickets *ticket.Service
}

func setup(t *testing.T, d *db.DB) *fixture {
	ctx := context.Background()
	c := clock.NewFixed(now)
	g := gov.NewService(d, c)
	for _, a := range []gov.Area{
		{Code: district, Name: "平谷区", Level: gov.LevelDistrict},
		{Code: street, ParentCode: district, Name: "滨河街道", Level: gov.LevelStreet},
		{Code: community, ParentCode: street, Name: "承平里社区", Level: gov.LevelCommunity},
		{Code: street2, ParentCode: district, Name: "兴谷街道", Level: gov.LevelStreet},
	} {
		must(t, g.UpsertArea(ctx, a))
	}
	for _, o := range []gov.Org{
		{Code: "S1", Name: "滨河街道办事处", Kind: gov.KindStreetOffice, AreaCode: street},
		{Code: "SP1", Name: "滨河养老驿站", Kind: gov.KindServiceProvider, AreaCode: community},
	} {
		must(t, g.UpsertOrg(ctx, o))
	}
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	ts := ticket.NewService(d, c, g, log)
	for _, cat := range []ticket.Category{{Code: "01", Name: "市容环境", Active: true}, {Code: "0101", ParentCode: "01", Name: "垃圾清运", Active: true}, {Code: "02", Name: "供暖", Active: true}} {
		must(t, ts.UpsertCategory(ctx, cat))
	}
	s := opendata.NewService(d, c, g)
	s.SetSources(evaluation.NewService(d, c, g, log), proposal.NewService(d, c, g), service.NewService(d, c, g))
	return &fixture{s: s, d: d, clock: c, tickets: ts}
}

// closed is a ticket of a resident, with her name, phone, home address and
// exact place, closed and rated.
func closed(at time.Time, area, cat, name, phone, addr string, lat, lng float64, satisfied bool) ticket.ImportTicket {
	done := at.Add(5 * time.Hour)
	due := at.Add(48 * time.Hour)
	sat := ticket.Unsatisfied
	if satisfied {
		sat = ticket.Satisfied
	}
	return ticket.ImportTicket{
		Ticket: ticket.Ticket{Kind: ticket.KindComplaint, Status: ticket.StatusClosed, CategoryCode: cat, AreaCode: area,
			Description: name + "反映：" + addr + "门口垃圾没人清运，电话" + phone, Address: addr, Lat: &lat, Lng: &lng,
			ReporterName: name, ReporterPhone: phone, Channel: ticket.ChannelHotline, AssignedOrgCode: "S1",
			CreatedAt: at, UpdatedAt: done, DispatchedAt: &at, RepliedAt: &done, ClosedAt: &done, DueCompleteAt: &due,
			ReplyText: "已联系" + name + "，" + addr + "已清运", Version: 2,
			Rating: &ticket.Rating{Resolved: true, Satisfaction: sat, RatedAt: done}},
		Events: []ticket.ImportEvent{
			{Event: ticket.Event{Seq: 1, At: at, Actor: "import", ActorRole: "system", Action: ticket.ActionImport, ToStatus: ticket.StatusDispatched, OrgCode: "S1"}},
			{Event: ticket.Event{Seq: 2, At: done, Actor: "import", ActorRole: "system", Action: ticket.ActionClose,
				FromStatus: ticket.StatusDispatched, ToStatus: ticket.StatusClosed, OrgCode: "S1"}},
		},
	}
}

// load writes six tickets of one street and category in November, and two
// of another street, and a public proposal and a residents' one, and a
// service point.
func (f *fixture) load(t *testing.T) {
	ctx := context.Background()
	nov := time.Date(2026, 11, 10, 9, 0, 0, 0, clock.BusinessZone())
	var batch []ticket.ImportTicket
	for i := range 6 {
		batch = append(batch, closed(nov.Add(time.Duration(i)*time.Hour), community, "0101", "张三丰", "13812345678", "承平里3号楼2单元501室", 40.123456, 117.654321, i < 3))
	}
	batch = append(batch, closed(nov, street2, "02", "李秀英", "13987654321", "幸福家园7号楼", 40.98765, 116.12345, true),
		closed(nov.AddDate(0, 0, 1), street2, "02", "李秀英", "13987654321", "幸福家园7号楼", 40.98765, 116.12345, true))
	_, err := f.tickets.ImportBatch(ctx, auth.System(), batch)
	must(t, err)
	ms := db.Millis(nov)
	_, err = f.d.W.ExecContext(ctx, `INSERT INTO users (id, phone, name, role, created_at) VALUES ('u1', '13812345678', '张三丰', 'resident', $1)`, ms)
	must(t, err)
	for _, p := range []struct{ number, vis, body string }{
		{"TA20261110000001", "public", "小区路灯坏了，请联系13812345678张三丰"},
		{"TA20261110000002", "residents", "只给本社区居民看的提议"},
	} {
		_, err := f.d.W.ExecContext(ctx, `INSERT INTO proposals (number, level, area_code, origin_area_code, title, body, proposer_phone, status, population, threshold, collect_until, created_at, updated_at, visibility, answer_text, org_code)
VALUES ($1, 'community', $2, $2, '修路灯', $3, '13812345678', 'adopted', 1000, 10, $4, $4, $4, $5, '已安排维修，联系电话13987654321', 'S1')`, p.number, community, p.body, ms, p.vis)
		must(t, err)
	}
	_, err = f.d.W.ExecContext(ctx, `INSERT INTO service_providers (org_code, provides, hours, lat, lng, created_by, created_at, updated_at) VALUES ('SP1', '助餐', '8:00-18:00', 40.2, 117.2, 'admin', $1, $1)`, ms)
	must(t, err)
	_, err = f.d.W.ExecContext(ctx, `INSERT INTO services (id, org_code, category, name, created_by, created_at, updated_at) VALUES ('SV1', 'SP1', 'meals', '老年餐桌', 'admin', $1, $1)`, ms)
	must(t, err)
}

// outputs renders every dataset in every format, and the catalogue, as the
// public reads them.
func (f *fixture) outputs(t *testing.T) map[string]string {
	ctx := context.Background()
	out := map[string]string{}
	ds, err := f.s.Catalogue(ctx, auth.User{})
	must(t, err)
	b, err := json.Marshal(opendata.Catalog("http://x", "平谷区", ds))
	must(t, err)
	out["catalog.json"] = string(b)
	var buf bytes.Buffer
	must(t, opendata.WriteCatalogCSV(&buf, "http://x", ds))
	out["catalog.csv"] = buf.String()
	for _, d := range ds {
		tb, err := f.s.Table(ctx, auth.User{}, d.ID)
		must(t, err)
		for _, w := range []struct {
			ext   string
			write func(io.Writer, opendata.Table) error
		}{{"csv", opendata.WriteCSV}, {"json", opendata.WriteJSON}, {"xlsx", opendata.WriteXLSX}} {
			var buf bytes.Buffer
			must(t, w.write(&buf, tb))
			s := buf.String()
			if w.ext == "xlsx" {
				s = xlsxText(t, buf.Bytes())
			}
			out[d.ID+"."+w.ext] = s
		}
		pg, err := f.s.PageOf(ctx, auth.User{}, d.ID, 1, opendata.MaxPerPage)
		must(t, err)
		b, err := json.Marshal(pg)
		must(t, err)
		out[d.ID+".api"] = string(b)
	}
	return out
}

// xlsxText is every cell of every sheet of a workbook, as text.
func xlsxText(t *testing.T, b []byte) string {
	x, err := excelize.OpenReader(bytes.NewReader(b))
	must(t, err)
	defer x.Close()
	var sb strings.Builder
	for _, sh := range x.GetSheetList() {
		rows, err := x.GetRows(sh)
		must(t, err)
		for _, r := range rows {
			sb.WriteString(strings.Join(r, "\t") + "\n")
		}
	}
	return sb.String()
}

func TestNoPersonalData(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		f := setup(t, d)
		f.load(t)
		out := f.outputs(t)
		if len(out) != 2+4*4 {
			t.Fatalf("outputs: %d", len(out))
		}
		for name, s := range out {
			for _, secret := range secrets {
				if strings.Contains(s, secret) {
					t.Errorf("%s holds %q", name, secret)
				}
			}
		}
		// What is published is there: the cells, the service, the public
		// proposal with its numbers masked; not the residents' proposal.
		for name, want := range map[string][]string{
			"ticket-stats.csv":   {"2026-11,110117001,滨河街道,01,市容环境,false,6,6,5,5,1,1,0.5", "2026-11,110117002,兴谷街道,02,供暖,true,,,,,,,"},
			"service-points.csv": {"SV1,老年餐桌,meals,助餐,SP1,滨河养老驿站,110117001001,承平里社区"},
			"proposals.json":     {"138****5678", "TA20261110000001", "已安排维修"},
			"ticket-stats.xlsx":  {"市容环境", "suppressed"},
			"catalog.json":       {`"@type":"dcat:Catalog"`, `"downloadURL":"http://x/opendata/ticket-stats.csv"`, `"mediaType":"text/csv"`},
			"catalog.csv":        {"http://x/opendata/proposals.xlsx"},
			"ticket-stats.api":   {`"suppressed":true`, `"tickets":null`, `"tickets":6`},
		} {
			for _, w := range want {
				if !strings.Contains(out[name], w) {
					t.Errorf("%s lacks %q:\n%s", name, w, out[name])
				}
			}
		}
		if strings.Contains(out["evaluation.csv"], "street_office") {
			t.Error("the ranking is published though the public page hides it")
		}
		if strings.Contains(out["proposals.csv"], "TA20261110000002") {
			t.Error("a residents' proposal is published")
		}
		if !strings.HasPrefix(out["ticket-stats.csv"], "\ufeffmonth,area_code") {
			t.Errorf("csv head: %q", out["ticket-stats.csv"][:40])
		}
	})
}

func TestSuppressionThreshold(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		f := setup(t, d)
		f.load(t)
		f.s.SetMinCell(7)
		tb, err := f.s.Table(context.Background(), auth.User{}, opendata.TicketStats)
		must(t, err)
		if len(tb.Records) != 2 {
			t.Fatalf("cells: %v", tb.Records)
		}
		for _, r := range tb.Records {
			if r[5] != true || r[6] != nil || r[7] != nil || r[12] != nil {
				t.Errorf("a cell under 7 is shown: %v", r)
			}
		}
		f.s.SetMinCell(1) // out of range: the default
		if f.s.MinCell() != opendata.DefaultMinCell {
			t.Fatalf("min cell %d", f.s.MinCell())
		}
	})
}

func TestPublication(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		f := setup(t, d)
		admin := auth.User{ID: "adm", Username: "adm", Role: auth.RoleAdmin}
		for _, u := range []auth.User{{}, {ID: "r", Role: auth.RoleResident, Phone: "13800000000"}, {ID: "sup", Role: auth.RoleSupervisor, AreaCode: district}} {
			if _, err := f.s.SetPublished(ctx, u, opendata.Proposals, false); !errs.Is(err, errs.Forbidden) {
				t.Fatalf("%q switched: %v", u.ID, err)
			}
		}
		if _, err := f.s.SetPublished(ctx, admin, "nothing", false); !errs.Is(err, errs.NotFound) {
			t.Fatalf("unknown dataset: %v", err)
		}
		ds, err := f.s.Catalogue(ctx, auth.User{})
		must(t, err)
		if len(ds) != 4 || !ds[0].Published {
			t.Fatalf("catalogue by default: %+v", ds)
		}
		p, err := f.s.SetPublished(ctx, admin, opendata.Proposals, false)
		must(t, err)
		if p.Published || p.UpdatedBy != "adm" {
			t.Fatalf("switch: %+v", p)
		}
		_, err = f.s.SetPublished(ctx, admin, opendata.Proposals, false) // again: nothing written
		must(t, err)
		ds, err = f.s.Catalogue(ctx, auth.User{})
		must(t, err)
		if len(ds) != 3 {
			t.Fatalf("withdrawn still listed: %d", len(ds))
		}
		if _, err := f.s.Table(ctx, auth.User{}, opendata.Proposals); !errs.Is(err, errs.NotFound) {
			t.Fatalf("withdrawn read: %v", err)
		}
		if _, err := f.s.PageOf(ctx, auth.User{}, opendata.Proposals, 1, 10); !errs.Is(err, errs.NotFound) {
			t.Fatalf("withdrawn page: %v", err)
		}
		all, err := f.s.Catalogue(ctx, admin)
		must(t, err)
		if len(all) != 4 || all[3].Published {
			t.Fatalf("admin's catalogue: %+v", all)
		}
		evs, err := f.s.Events(ctx, admin, opendata.Proposals)
		must(t, err)
		if len(evs) != 1 || evs[0].Kind != "withdraw" || evs[0].Actor != "adm" {
			t.Fatalf("events: %+v", evs)
		}
		var n int
		must(t, d.R.QueryRowContext(ctx, `SELECT COUNT(*) FROM audit_log WHERE action = $1 AND object = $2`, auth.AuditOpenData, "opendata:proposals").Scan(&n))
		if n != 1 {
			t.Fatalf("audit entries: %d", n)
		}
		_, err = f.s.SetPublished(ctx, admin, opendata.Proposals, true)
		must(t, err)
		if _, err := f.s.Table(ctx, auth.User{}, opendata.Proposals); err != nil {
			t.Fatalf("published again: %v", err)
		}
	})
}

func TestPaging(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		f := setup(t, d)
		f.load(t)
		for _, bad := range [][2]int{{-1, 10}, {1, -1}, {1, opendata.MaxPerPage + 1}} {
			if _, err := f.s.PageOf(ctx, auth.User{}, opendata.TicketStats, bad[0], bad[1]); !errs.Is(err, errs.Invalid) {
				t.Errorf("page %v: %v", bad, err)
			}
		}
		p, err := f.s.PageOf(ctx, auth.User{}, opendata.TicketStats, 2, 1)
		must(t, err)
		if p.Total != 2 || p.Pages != 2 || len(p.Items) != 1 || p.Items[0]["area_code"] != street2 {
			t.Fatalf("page 2: %+v", p)
		}
		p, err = f.s.PageOf(ctx, auth.User{}, opendata.TicketStats, 5, 1)
		must(t, err)
		if len(p.Items) != 0 {
			t.Fatalf("past the end: %+v", p)
		}
		if _, err := f.s.PageOf(ctx, auth.User{}, "nothing", 1, 1); !errs.Is(err, errs.NotFound) {
			t.Fatalf("unknown: %v", err)
		}
	})
}
