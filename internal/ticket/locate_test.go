package ticket_test

import (
	"context"
	"os"
	"strconv"
	"strings"
	"testing"

	"github.com/gongzhi/gongzhi/internal/db"
	"github.com/gongzhi/gongzhi/internal/db/dbtest"
	"github.com/gongzhi/gongzhi/internal/errs"
	"github.com/gongzhi/gongzhi/internal/gov"
	"github.com/gongzhi/gongzhi/internal/ticket"
)

// sharedBeijing reads Beijing's district boundaries beside the repository
// or from /work/shared/data, or skips the test.
func sharedBeijing(t *testing.T) []byte {
	t.Helper()
	if raw, err := os.ReadFile("/work/shared/data/geo/beijing_districts_datav.json"); err == nil {
		return raw
	}
	return beijingBoundaries(t)
}

// A square of the given size in degrees around a point, as a feature.
func square(code string, lat, lng, half float64) string {
	f := strconvF
	ring := "[" + strings.Join([]string{
		"[" + f(lng-half) + "," + f(lat-half) + "]", "[" + f(lng+half) + "," + f(lat-half) + "]",
		"[" + f(lng+half) + "," + f(lat+half) + "]", "[" + f(lng-half) + "," + f(lat+half) + "]",
		"[" + f(lng-half) + "," + f(lat-half) + "]"}, ",") + "]"
	return `{"type":"Feature","properties":{"adcode":"` + code + `"},"geometry":{"type":"Polygon","coordinates":[` + ring + `]}}`
}

// A pin is named by the boundaries on record, most specific first; where
// they stop at the district, by the nearest earlier request; and a
// resident's submission with a pin but no area takes that area.
func TestResolvePlace(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		f := setup(t, d)
		g := gov.NewService(d, f.clock)
		// 兴谷街道 and its 兴谷社区 as squares well away from Pinggu's centre.
		fc := `{"type":"FeatureCollection","features":[` + square("110117002", 40.2, 117.3, 0.02) + "," + square("110117002001", 40.2, 117.3, 0.005) + `]}`
		_, err := g.ImportBoundaries(ctx, strings.NewReader(fc), "test")
		must(t, err)
		p, err := f.tickets.ResolvePlace(ctx, 40.201, 117.301)
		must(t, err)
		if p.By != "boundary" || p.Street == nil || p.Street.Name != "兴谷街道" || p.Community == nil || p.Community.Name != "兴谷社区" {
			t.Fatalf("in the community's square: %+v", p)
		}
		p, err = f.tickets.ResolvePlace(ctx, 40.215, 117.3)
		must(t, err)
		if p.By != "boundary" || p.Street == nil || p.Community != nil || p.Area() != "110117002" {
			t.Fatalf("in the street's square only: %+v", p)
		}
		if _, err := f.tickets.ResolvePlace(ctx, 95, 117); !errs.Is(err, errs.Invalid) {
			t.Fatalf("out of range: %v", err)
		}

		// Nothing on record near a point: no area, and the ticket waits for a dispatcher.
		lat, lng := 40.1441, 117.1107
		p, err = f.tickets.ResolvePlace(ctx, lat, lng)
		must(t, err)
		if p.Area() != "" || p.By != "" {
			t.Fatalf("nothing known: %+v", p)
		}
		_, err = f.tickets.Create(ctx, &f.resident, ticket.NewTicket{CategoryCode: "0102", Description: "井盖松动", AreaCode: "110117001001", Lat: &lat, Lng: &lng})
		must(t, err)
		lat2 := lat + 0.002 // about 220 m north
		p, err = f.tickets.ResolvePlace(ctx, lat2, lng)
		must(t, err)
		if p.By != "nearest" || p.Community == nil || p.Community.Code != "110117001001" || p.Street == nil || p.Street.Code != "110117001" {
			t.Fatalf("by the nearest request: %+v", p)
		}
		tk, err := f.tickets.Create(ctx, &f.resident, ticket.NewTicket{CategoryCode: "0102", Description: "路灯不亮", Lat: &lat2, Lng: &lng})
		must(t, err)
		if tk.AreaCode != "110117001001" {
			t.Fatalf("a pinned ticket with no area: area %q", tk.AreaCode)
		}
		chosen, err := f.tickets.Create(ctx, &f.resident, ticket.NewTicket{CategoryCode: "0102", Description: "路灯不亮", AreaCode: "110117002", Lat: &lat2, Lng: &lng})
		must(t, err)
		if chosen.AreaCode != "110117002" {
			t.Fatalf("the resident's choice was overridden: %q", chosen.AreaCode)
		}
		pts, err := f.tickets.KnownPoints(ctx, "110117")
		must(t, err)
		if len(pts) != 2 || pts[0].Code != "110117001001" || pts[0].Count != 2 {
			t.Fatalf("known points: %+v", pts)
		}
	})
}

// With Beijing's real district boundaries imported, a point in 平谷区 is
// placed in it and one in 东城区 (not on record here) in none.
func TestResolvePlaceInPinggu(t *testing.T) {
	raw := sharedBeijing(t)
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		f := setup(t, d)
		st, err := gov.NewService(d, f.clock).ImportBoundaries(ctx, strings.NewReader(string(raw)), "beijing_districts_datav.json")
		if err != nil || st.Added != 1 {
			t.Fatalf("import: %+v %v", st, err)
		}
		p, err := f.tickets.ResolvePlace(ctx, 40.1448, 117.1123)
		must(t, err)
		if p.District == nil || p.District.Name != "平谷区" || p.Street != nil {
			t.Fatalf("Pinggu's centre: %+v", p)
		}
		p, err = f.tickets.ResolvePlace(ctx, 39.9289, 116.4164)
		must(t, err)
		if p.District != nil {
			t.Fatalf("Dongcheng: %+v", p)
		}
	})
}

func strconvF(x float64) string { return strconv.FormatFloat(x, 'f', 6, 64) }
