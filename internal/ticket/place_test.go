package ticket_test

import (
	"context"
	"testing"

	"github.com/gongzhi/gongzhi/internal/auth"
	"github.com/gongzhi/gongzhi/internal/db"
	"github.com/gongzhi/gongzhi/internal/db/dbtest"
	"github.com/gongzhi/gongzhi/internal/errs"
	"github.com/gongzhi/gongzhi/internal/ticket"
)

func fp(v float64) *float64 { return &v }

// Staff whose scope does not cover unplaced requests register requests only
// in their own area: a location alone cannot place a request, since areas
// carry no boundaries, so they name the area and the location marks the
// spot within it.
func TestStaffFileInTheirOwnArea(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		f := setup(t, d)
		at := func(area string, lat, lng *float64, address string) ticket.NewTicket {
			return ticket.NewTicket{CategoryCode: "0101", Description: "井盖缺失", AreaCode: area, Lat: lat, Lng: lng,
				Address: address, ReporterPhone: "13612345678"}
		}
		tk, err := f.tickets.Create(ctx, &f.grid, at("110117001001", fp(40.14), fp(117.12), ""))
		if err != nil || tk.AreaCode != "110117001001" || tk.Lat == nil {
			t.Fatalf("grid worker in her community with a location: %v %+v", err, tk)
		}
		for _, c := range []struct {
			name string
			u    auth.User
			in   ticket.NewTicket
		}{
			{"grid worker, a location far away and no area", f.grid, at("", fp(39.90), fp(116.40), "")},
			{"grid worker, an address and no area", f.grid, at("", nil, nil, "东城区某路1号")},
			{"grid worker, another street's community", f.grid, at("110117002001", fp(40.14), fp(117.12), "")},
			{"street handler, a location and no area", f.handler, at("", fp(39.90), fp(116.40), "")},
		} {
			_, err := f.tickets.Create(ctx, &c.u, c.in)
			if !errs.Is(err, errs.Forbidden) {
				t.Fatalf("%s: %v, want forbidden", c.name, err)
			}
			if e, ok := err.(*errs.Error); !ok || e.Msg == "" || e.MsgEn == "" {
				t.Fatalf("%s: want a message in both languages, got %#v", c.name, err)
			}
			if err := f.tickets.CheckNew(ctx, &c.u, c.in); !errs.Is(err, errs.Forbidden) {
				t.Fatalf("%s, checked before filing: %v", c.name, err)
			}
		}
		// District staff see the unplaced queue and may file there.
		tk, err = f.tickets.Create(ctx, &f.agent, at("", fp(39.90), fp(116.40), ""))
		if err != nil || tk.AreaCode != "" {
			t.Fatalf("district agent, unplaced: %v %+v", err, tk)
		}
	})
}
