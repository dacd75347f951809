package evaluation_test

import (
	"context"
	"testing"
	"time"

	"github.com/gongzhi/gongzhi/internal/auth"
	"github.com/gongzhi/gongzhi/internal/clock"
	"github.com/gongzhi/gongzhi/internal/db"
	"github.com/gongzhi/gongzhi/internal/db/dbtest"
	"github.com/gongzhi/gongzhi/internal/errs"
	"github.com/gongzhi/gongzhi/internal/evaluation"
	"github.com/gongzhi/gongzhi/internal/ticket"
)

// Enterprises' requests are counted apart from residents'.
func TestRequesterFigures(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		seed(t, d)
		ctx := context.Background()
		if _, err := d.W.ExecContext(ctx, `UPDATE tickets SET requester_kind = 'enterprise', credit_code = '91350100M000100Y43' WHERE number IN ('T12', 'T13')`); err != nil {
			t.Fatal(err)
		}
		s := newService(d, clock.NewFixed(time.Date(2026, 4, 10, 9, 0, 0, 0, loc)))
		if _, err := s.Requesters(ctx, auth.User{Role: auth.RoleHandler, OrgCode: "S1"}, march(t, s)); !errs.Is(err, errs.Forbidden) {
			t.Fatalf("a handler: %v", err)
		}
		res, err := s.Requesters(ctx, auth.User{Role: auth.RoleAdmin}, march(t, s))
		if err != nil {
			t.Fatal(err)
		}
		if len(res.Rows) != 2 || res.Rows[0].RequesterKind != ticket.RequesterResident || res.Rows[1].RequesterKind != ticket.RequesterEnterprise {
			t.Fatalf("rows %+v", res.Rows)
		}
		ent, resid := res.Rows[1], res.Rows[0]
		want := evaluation.Counts{Tickets: 2, Rated: 2, Resolved: 2, Satisfied: 1, Unsatisfied: 1, ContactDue: 2, ContactedOnTime: 2, CompleteDue: 2, OnTime: 2}
		if ent.Counts != want || !eqp(ent.SatisfactionRate, f(0.5)) || !eqp(ent.ResolutionRate, f(1)) || !eqp(ent.OnTimeRate, f(1)) {
			t.Fatalf("enterprises %+v", ent)
		}
		// S1's seven, D1's T14 and S3's T15.
		if resid.Tickets != 9 || resid.Rated != 8 || resid.Counts.Resolved != 5 || !eqp(resid.OnTimeRate, f(7.0/8)) {
			t.Fatalf("residents %+v on time %v", resid.Counts, show(resid.OnTimeRate))
		}
		// By unit: S2 closed both enterprises' tickets and no resident's.
		if len(res.Units) != 1 || res.Units[0].OrgCode != "S2" || res.Units[0].Rows[1].Counts != want || res.Units[0].Rows[0].Tickets != 0 {
			t.Fatalf("units %+v", res.Units)
		}
		if _, err := d.W.ExecContext(ctx, `UPDATE tickets SET requester_kind = 'enterprise', credit_code = '91350100M000100Y43' WHERE number = 'T14'`); err != nil {
			t.Fatal(err)
		}
		res, err = s.Requesters(ctx, auth.User{Role: auth.RoleAdmin}, march(t, s))
		if err != nil || len(res.Units) != 2 || res.Units[0].OrgCode != "S2" || res.Units[1].OrgCode != "D1" ||
			res.Units[1].Rows[1].Tickets != 1 || res.Units[1].Rows[0].Tickets != 0 || res.Rows[1].Tickets != 3 || res.Rows[0].Tickets != 8 {
			t.Fatalf("two units %+v %v", res, err)
		}
		// A month with none: rows with no rates.
		p, _ := s.MonthPeriod("2025-01", 1)
		res, err = s.Requesters(ctx, auth.User{Role: auth.RoleSupervisor, AreaCode: "110117"}, p)
		if err != nil || len(res.Rows) != 2 || res.Rows[1].Tickets != 0 || res.Rows[1].OnTimeRate != nil {
			t.Fatalf("empty month %+v %v", res, err)
		}
	})
}
