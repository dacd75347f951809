package ticket_test

import (
	"context"
	"strings"
	"testing"

	"github.com/gongzhi/gongzhi/internal/db"
	"github.com/gongzhi/gongzhi/internal/db/dbtest"
	"github.com/gongzhi/gongzhi/internal/ticket"
)

// TestPublicViewMasks: the public view (PublicGet, PublicList, PublicEvents)
// masks personal numbers in every text and rounds the location to the
// public precision; staff read the ticket as it is; precision 0 shows the
// location exactly.
func TestPublicViewMasks(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		f := setup(t, d)
		lat, lng := 40.1409734, 117.1212345
		tk, err := f.tickets.Create(ctx, &f.agent, ticket.NewTicket{CategoryCode: "0102", AreaCode: "110117001001", Lat: &lat, Lng: &lng,
			Description: "电话 138-1234-5678", Address: "承平里3号楼2单元501室", ReporterPhone: "13912345678"})
		must(t, err)
		_, err = f.tickets.Act(ctx, f.handler, tk.Number, ticket.ActionSign, ticket.ActionInput{Note: "回电 (010)62345678"})
		must(t, err)
		pub, err := f.tickets.PublicGet(ctx, tk.Number)
		must(t, err)
		if pub.Description != "电话 138-****-5678" || pub.Address != "承平里3号楼2单元***室" {
			t.Errorf("public text %q %q", pub.Description, pub.Address)
		}
		if *pub.Lat == lat || *pub.Lng == lng {
			t.Errorf("public location exact: %v %v", *pub.Lat, *pub.Lng)
		}
		list, err := f.tickets.PublicList(ctx, ticket.PublicQuery{Limit: 10})
		must(t, err)
		if len(list) != 1 || list[0].Description != pub.Description || *list[0].Lat != *pub.Lat {
			t.Errorf("public list %+v", list)
		}
		evs, err := f.tickets.PublicEvents(ctx, tk.Number)
		must(t, err)
		for _, e := range evs {
			if strings.Contains(e.Note, "62345678") {
				t.Errorf("public note %q", e.Note)
			}
		}
		staff, err := f.tickets.Get(ctx, f.dispatcher, tk.Number)
		must(t, err)
		if staff.Description != "电话 138-1234-5678" || *staff.Lat != lat {
			t.Errorf("staff view %q %v", staff.Description, *staff.Lat)
		}
		f.tickets.SetPublicPrecision(0)
		pub, err = f.tickets.PublicGet(ctx, tk.Number)
		must(t, err)
		if *pub.Lat != lat || *pub.Lng != lng {
			t.Errorf("precision 0: %v %v", *pub.Lat, *pub.Lng)
		}
	})
}
