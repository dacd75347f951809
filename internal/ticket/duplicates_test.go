package ticket_test

import (
	"context"
	"testing"
	"time"

	"github.com/gongzhi/gongzhi/internal/db"
	"github.com/gongzhi/gongzhi/internal/db/dbtest"
	"github.com/gongzhi/gongzhi/internal/errs"
	"github.com/gongzhi/gongzhi/internal/ticket"
)

// The dispatchers' list of flagged pairs: a second report of the same
// pothole an hour later is listed against the first, within the scope of
// whoever reads it, and leaves the list once merged by the existing merge.
func TestDuplicatePairs(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		f := setup(t, d)
		lat, lng := 40.1441, 117.1107
		first, err := f.tickets.Create(ctx, &f.agent, ticket.NewTicket{Kind: ticket.KindComplaint, CategoryCode: "0101",
			Description: "金海湖路口有个大坑，车开过去很危险", AreaCode: "110117001001", Lat: &lat, Lng: &lng,
			Address: "金海湖路12号", ReporterName: "张先生", ReporterPhone: "13900000001"})
		must(t, err)
		f.clock.Advance(time.Hour)
		lat2 := lat + 0.0002
		second, err := f.tickets.Create(ctx, &f.agent, ticket.NewTicket{Kind: ticket.KindComplaint, CategoryCode: "0101",
			Description: "金海湖路口路面有大坑，很危险", AreaCode: "110117001001", Lat: &lat2, Lng: &lng,
			Address: "金海湖路 12 号", ReporterName: "李女士", ReporterPhone: "13900000002"})
		must(t, err)
		_, err = f.tickets.Create(ctx, &f.agent, ticket.NewTicket{Kind: ticket.KindComplaint, CategoryCode: "0102",
			Description: "兴谷社区垃圾没人清运", AreaCode: "110117002001", ReporterName: "赵女士", ReporterPhone: "13900000003"})
		must(t, err)

		pairs, err := f.tickets.DuplicatePairs(ctx, f.dispatcher, 0)
		must(t, err)
		if len(pairs) != 1 || pairs[0].Ticket.Number != second.Number || pairs[0].DuplicateOf.Number != first.Number ||
			!pairs[0].CanMerge || pairs[0].DistanceM == nil || pairs[0].Score < 0.6 {
			t.Fatalf("pairs %+v", pairs)
		}
		if p := pairs[0]; p.Ticket.ReporterPhone == "13900000002" || !p.DuplicateOf.ReporterMasked {
			t.Errorf("reporters not masked: %+v", p)
		}
		// The supervisor sees the pair and may not merge; the other street's
		// dispatcher sees none; a handler may not look.
		if sp, err := f.tickets.DuplicatePairs(ctx, f.supervisor, 0); err != nil || len(sp) != 1 || sp[0].CanMerge {
			t.Errorf("supervisor: %+v %v", sp, err)
		}
		if op, err := f.tickets.DuplicatePairs(ctx, f.streetDispatcher, 0); err != nil || len(op) != 0 {
			t.Errorf("other street: %+v %v", op, err)
		}
		if _, err := f.tickets.DuplicatePairs(ctx, f.handler, 0); !errs.Is(err, errs.Forbidden) {
			t.Errorf("handler: %v", err)
		}
		if ticket.CanListDuplicates(f.agent) || !ticket.CanListDuplicates(f.dispatcher) {
			t.Error("CanListDuplicates")
		}

		// The console sees the same score; the same caller again scores higher.
		in := ticket.NewTicket{CategoryCode: "0101", Description: "金海湖路口有个大坑", AreaCode: "110117001001",
			Lat: &lat, Lng: &lng, ReporterPhone: "13900000003"}
		other, err := f.tickets.PossibleDuplicates(ctx, f.agent, in, 5)
		must(t, err)
		in.ReporterPhone = "13900000001"
		same, err := f.tickets.PossibleDuplicates(ctx, f.agent, in, 5)
		must(t, err)
		if len(other) != 2 || len(same) != 2 || same[0].Ticket.Number != first.Number || same[0].Score <= other[0].Score {
			t.Errorf("possible duplicates: %+v / %+v", other, same)
		}

		_, err = f.tickets.Act(ctx, f.dispatcher, pairs[0].Ticket.Number, ticket.ActionMerge, ticket.ActionInput{Into: first.Number})
		must(t, err)
		if pairs, err := f.tickets.DuplicatePairs(ctx, f.dispatcher, 0); err != nil || len(pairs) != 0 {
			t.Errorf("after the merge: %+v %v", pairs, err)
		}
	})
}
