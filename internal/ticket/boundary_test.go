package ticket_test

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/gongzhi/gongzhi/internal/auth"
	"github.com/gongzhi/gongzhi/internal/db"
	"github.com/gongzhi/gongzhi/internal/db/dbtest"
	"github.com/gongzhi/gongzhi/internal/errs"
	"github.com/gongzhi/gongzhi/internal/gov"
	"github.com/gongzhi/gongzhi/internal/ticket"
)

// beijingBoundaries opens the real district boundaries of Beijing, from the
// package dir ../../../shared/data/geo, or skips the test when they are
// absent (the file may not be copied into the repository).
func beijingBoundaries(t *testing.T) []byte {
	t.Helper()
	p, err := filepath.Abs(filepath.Join("..", "..", "..", "shared", "data", "geo", "beijing_districts_datav.json"))
	if err != nil {
		t.Fatal(err)
	}
	raw, err := os.ReadFile(p)
	if err != nil {
		t.Skip("Beijing's district boundaries are not present at " + p)
	}
	return raw
}

// Staff register requests only where their area is: with a boundary on
// record, the location they give must lie within it (the most specific
// boundary of the request's area and its ancestors, then of their own area
// and its ancestors), give or take the tolerance.
func TestStaffFileWithinTheBoundary(t *testing.T) {
	raw := beijingBoundaries(t)
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		f := setup(t, d)
		g := gov.NewService(d, f.clock)
		at := func(area string, lat, lng float64) ticket.NewTicket {
			return ticket.NewTicket{CategoryCode: "0101", Description: "井盖缺失", AreaCode: area, Lat: &lat, Lng: &lng,
				ReporterPhone: "13612345678"}
		}
		const pingguLat, pingguLng = 40.1448, 117.1123       // 平谷区's centre
		const dongchengLat, dongchengLng = 39.9289, 116.4164 // 东城区
		accepted := func(name string, u auth.User, in ticket.NewTicket) {
			t.Helper()
			if err := f.tickets.CheckNew(ctx, &u, in); err != nil {
				t.Fatalf("%s, checked: %v", name, err)
			}
			tk, err := f.tickets.Create(ctx, &u, in)
			if err != nil || tk.Lat == nil || *tk.Lat != *in.Lat {
				t.Fatalf("%s: %v %+v", name, err, tk)
			}
		}
		refused := func(name string, u auth.User, in ticket.NewTicket) {
			t.Helper()
			_, err := f.tickets.Create(ctx, &u, in)
			e, ok := err.(*errs.Error)
			if !ok || e.Code != errs.Forbidden || !strings.Contains(e.Msg, "边界") || !strings.Contains(e.MsgEn, "boundary") {
				t.Fatalf("%s: %#v, want forbidden with a message in both languages", name, err)
			}
			if err := f.tickets.CheckNew(ctx, &u, in); !errs.Is(err, errs.Forbidden) {
				t.Fatalf("%s, checked: %v", name, err)
			}
		}

		// No boundary on record: the location only marks the spot.
		accepted("no boundary, a point in 东城区", f.grid, at("110117001001", dongchengLat, dongchengLng))

		st, err := g.ImportBoundaries(ctx, bytes.NewReader(raw), "beijing_districts_datav.json")
		if err != nil || st.Added != 1 {
			t.Fatalf("import: %+v %v", st, err)
		}
		pinggu, err := g.Boundary(ctx, "110117")
		must(t, err)
		// A point about 425 m west of 平谷区's westernmost vertex, and one 2.5 km west.
		west := [2]float64{180, 0}
		for _, p := range pinggu.Polygons {
			for _, pt := range p[0] {
				if pt[0] < west[0] {
					west = pt
				}
			}
		}
		near := at("110117001001", west[1], west[0]-0.005)
		far := at("110117001001", west[1], west[0]-0.03)
		if pinggu.Contains(*near.Lat, *near.Lng) || pinggu.Distance(*near.Lat, *near.Lng) > 600 {
			t.Fatalf("the near point is %.0f m away", pinggu.Distance(*near.Lat, *near.Lng))
		}

		accepted("grid worker, her community, a point in 平谷区", f.grid, at("110117001001", pingguLat, pingguLng))
		refused("grid worker, her community, a point in 东城区", f.grid, at("110117001001", dongchengLat, dongchengLng))
		accepted("grid worker, a point just outside 平谷区, within the tolerance", f.grid, near)
		refused("grid worker, a point 2.5 km outside 平谷区", f.grid, far)
		refused("street handler, a point in 东城区", f.handler, at("110117001001", dongchengLat, dongchengLng))
		// District staff filing unplaced requests: their district's boundary.
		accepted("district agent, unplaced, a point in 平谷区", f.agent, at("", pingguLat, pingguLng))
		refused("district agent, unplaced, a point in 东城区", f.agent, at("", dongchengLat, dongchengLng))
		refused("district dispatcher, a street of hers, a point in 东城区", f.dispatcher, at("110117002", dongchengLat, dongchengLng))
		// Residents may report anything they see, wherever they live.
		resident := at("", dongchengLat, dongchengLng)
		resident.ReporterPhone = ""
		accepted("resident, a point in 东城区", f.resident, resident)

		// A photo she took in 东城区 does not place her report there; one
		// taken in 平谷区 does.
		noPlace := at("110117001001", 0, 0)
		noPlace.Lat, noPlace.Lng = nil, nil
		tk, err := f.tickets.Create(ctx, &f.grid, noPlace)
		must(t, err)
		lat, lng := dongchengLat, dongchengLng
		must(t, f.tickets.RecordAttachment(ctx, &f.grid, tk.Number, "report", "photo-1", &lat, &lng))
		if tk, err = f.tickets.Get(ctx, f.grid, tk.Number); err != nil || tk.Lat != nil {
			t.Fatalf("a photo from 东城区 placed her report: %v %v", err, tk.Lat)
		}
		lat, lng = pingguLat, pingguLng
		must(t, f.tickets.RecordAttachment(ctx, &f.grid, tk.Number, "report", "photo-2", &lat, &lng))
		if tk, err = f.tickets.Get(ctx, f.grid, tk.Number); err != nil || tk.Lat == nil || *tk.Lat != pingguLat {
			t.Fatalf("a photo from 平谷区: %v %v", err, tk.Lat)
		}

		// The tolerance is a setting.
		f.tickets.SetBoundaryTolerance(100)
		refused("grid worker, just outside 平谷区, 100 m allowed", f.grid, near)
		f.tickets.SetBoundaryTolerance(gov.DefaultBoundaryTolerance)

		// The most specific boundary on record wins: with her community's
		// outline, a point elsewhere in 平谷区 is out of her grid.
		square := `{"type":"FeatureCollection","features":[{"type":"Feature","properties":{"adcode":"110117001001","name":"承平里社区"},
			"geometry":{"type":"Polygon","coordinates":[[[117.10,40.13],[117.12,40.13],[117.12,40.15],[117.10,40.15],[117.10,40.13]]]}}]}`
		if _, err := g.ImportBoundaries(ctx, strings.NewReader(square), "community.json"); err != nil {
			t.Fatal(err)
		}
		accepted("grid worker, inside her community", f.grid, at("110117001001", 40.14, 117.11))
		refused("grid worker, elsewhere in 平谷区", f.grid, at("110117001001", 40.2, 117.2))
		// The other street's community has no outline: 平谷区's holds.
		accepted("street dispatcher, her community, elsewhere in 平谷区", f.streetDispatcher, at("110117002001", 40.2, 117.2))
	})
}
