package ticket_test

import (
	"bytes"
	"context"
	"strings"
	"testing"
	"time"

	"github.com/gongzhi/gongzhi/internal/auth"
	"github.com/gongzhi/gongzhi/internal/db"
	"github.com/gongzhi/gongzhi/internal/db/dbtest"
	"github.com/gongzhi/gongzhi/internal/errs"
	"github.com/gongzhi/gongzhi/internal/gov"
	"github.com/gongzhi/gongzhi/internal/ticket"
	"github.com/gongzhi/gongzhi/internal/trail"
)

func newTrail(f *fixture, d *db.DB) *trail.Service {
	g := gov.NewService(d, f.clock)
	tr := trail.New(f.tickets.Calendar(), f.clock, trail.Names{Org: g.Org, User: f.auth.User})
	tr.Add(trail.KindTicket, f.tickets.TrailOf)
	return tr
}

// A ticket dispatched to the street, returned by it with a reason, passed
// on to the department, handled past its deadline and closed: the trail
// shows each holder, how long each held it, the deadline and by how much
// it was missed, and who returned it and why.
func TestTrailOfATicket(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		f := setup(t, d) // Monday 2026-03-02 09:00
		tr := newTrail(f, d)
		tk := newStreetTicket(t, f, "小区内违建")
		f.clock.Advance(30 * time.Minute)
		_, err := f.tickets.Act(ctx, f.handler, tk.Number, ticket.ActionSign, ticket.ActionInput{})
		must(t, err)
		f.clock.Advance(30 * time.Minute)
		_, err = f.tickets.Act(ctx, f.handler, tk.Number, ticket.ActionReturn, ticket.ActionInput{Reason: "not_our_duty", Note: "应由城管处理"})
		must(t, err)
		f.clock.Advance(30 * time.Minute)
		_, err = f.tickets.Act(ctx, f.dispatcher, tk.Number, ticket.ActionApproveReturn, ticket.ActionInput{OrgCode: "D-CG", Note: "转城管"})
		must(t, err)
		f.clock.Advance(30 * time.Minute) // 11:00
		_, err = f.tickets.Act(ctx, f.deptHandler, tk.Number, ticket.ActionSign, ticket.ActionInput{})
		must(t, err)
		// Five working days from Monday 11:00 end on Monday next at 11:00;
		// the reply comes on Tuesday next at 11:00, a day late.
		f.clock.Advance(8 * 24 * time.Hour)
		_, err = f.tickets.Act(ctx, f.deptHandler, tk.Number, ticket.ActionContact, ticket.ActionInput{})
		must(t, err)
		_, err = f.tickets.Act(ctx, f.deptHandler, tk.Number, ticket.ActionReply, ticket.ActionInput{ReplyText: "已拆除", Resolved: boolp(true)})
		must(t, err)
		f.clock.Advance(time.Hour)
		_, err = f.tickets.Act(ctx, f.resident, tk.Number, ticket.ActionRate, ticket.ActionInput{Resolved: boolp(true), Satisfaction: ticket.Satisfied})
		must(t, err)

		got, err := tr.Get(ctx, f.dispatcher, trail.KindTicket, tk.Number)
		must(t, err)
		if got.Rows[0].Wall != 0 || got.Rows[0].EndKind != ticket.ActionDispatch || got.Rows[0].EndBy != "系统" {
			t.Fatalf("the catalogue dispatched it at once: %+v", got.Rows[0])
		}
		var stages []string
		for _, r := range got.Rows {
			stages = append(stages, r.Stage+"@"+trail.HolderWord(r, false))
		}
		want := "registered@派单中心 dispatched@滨河街道办事处 handling@滨河街道办事处 returned@派单中心 dispatched@区城市管理委员会 handling@区城市管理委员会 replied@诉求人（评价）"
		if strings.Join(stages, " ") != want {
			t.Fatalf("steps:\n got %s\nwant %s", strings.Join(stages, " "), want)
		}
		street, ret, dept := got.Rows[2], got.Rows[3], got.Rows[5]
		if street.Person != "handler1" || street.EndKind != ticket.ActionReturn || street.EndBy != "handler1" || street.Reason != "非本单位职责：应由城管处理" {
			t.Fatalf("the street's step: %+v", street)
		}
		if street.Wall != 1800 || street.Working != 1800 || street.Limit != trail.LimitMet {
			t.Fatalf("the street held it half an hour within its limit: %+v", street)
		}
		if ret.EndKind != ticket.ActionApproveReturn || ret.EndBy != "disp" || ret.Reason != "转城管" || ret.Limit != trail.LimitNone {
			t.Fatalf("the return's step: %+v", ret)
		}
		if dept.Due == nil || dept.Limit != trail.LimitOverdue || dept.Overdue != 24*3600 || dept.Person != "handler3" {
			t.Fatalf("the department's step: %+v", dept)
		}
		if dept.OverdueW != int64(f.tickets.Calendar().DailyWorkingTime()/time.Second) {
			t.Fatalf("a working day late: %d", dept.OverdueW)
		}
		if dept.Wall != 8*24*3600 || dept.Working >= dept.Wall {
			t.Fatalf("wall and working time: %d %d", dept.Wall, dept.Working)
		}
		last := got.Rows[6]
		if last.To == nil || last.EndKind != ticket.ActionRate || last.Wall != 3600 {
			t.Fatalf("closed by the rating: %+v", last)
		}

		// The reporter sees the units and times, not the staff nor the reasons.
		mine, err := tr.Get(ctx, f.resident, trail.KindTicket, tk.Number)
		must(t, err)
		for _, r := range mine.Rows {
			if r.Person != "" || r.EndBy != "" || r.Reason != "" {
				t.Fatalf("the reporter reads staff notes: %+v", r)
			}
		}
		// A unit that had nothing to do with it reads it as it reads the ticket: not at all.
		_, want403 := f.tickets.Get(ctx, f.otherHandler, tk.Number)
		if _, err := tr.Get(ctx, f.otherHandler, trail.KindTicket, tk.Number); err == nil || errs.CodeOf(err) != errs.CodeOf(want403) {
			t.Fatalf("another unit: %v (the ticket: %v)", err, want403)
		}
		if _, err := tr.Get(ctx, f.dispatcher, "parcel", tk.Number); !errs.Is(err, errs.NotFound) {
			t.Fatalf("an unknown kind: %v", err)
		}

		var buf bytes.Buffer
		must(t, trail.WriteCSV(&buf, got, f.tickets.Location(), func(s string) string { return s }))
		if !strings.Contains(buf.String(), "申请退单") || !strings.Contains(buf.String(), "1天0小时0分") {
			t.Fatalf("csv: %s", buf.String())
		}
		buf.Reset()
		must(t, trail.WriteXLSX(&buf, got, f.tickets.Location()))
		if !bytes.HasPrefix(buf.Bytes(), []byte("PK")) {
			t.Fatal("xlsx is not a workbook")
		}
	})
}

// An escalation marks the step where it came and the unit holds the ticket
// on; a refused return gives it back to the unit that asked, under the
// deadline it had.
func TestTrailEscalationAndRefusedReturn(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		f := setup(t, d)
		tr := newTrail(f, d)
		tk := newStreetTicket(t, f, "噪音扰民")
		steps := []struct {
			u      func() auth.User
			action string
			in     ticket.ActionInput
		}{
			{func() auth.User { return f.handler }, ticket.ActionSign, ticket.ActionInput{}},
			{func() auth.User { return f.supervisor }, ticket.ActionEscalate, ticket.ActionInput{WithinHours: 4, Note: "群众反映强烈"}},
			{func() auth.User { return f.handler }, ticket.ActionReturn, ticket.ActionInput{Reason: "unclear_ownership"}},
			{func() auth.User { return f.dispatcher }, ticket.ActionRejectReturn, ticket.ActionInput{Note: "属本单位职责"}},
		}
		for _, s := range steps {
			f.clock.Advance(time.Hour)
			if _, err := f.tickets.Act(ctx, s.u(), tk.Number, s.action, s.in); err != nil {
				t.Fatal(s.action, err)
			}
		}
		got, err := tr.Get(ctx, f.supervisor, trail.KindTicket, tk.Number)
		must(t, err)
		var ends []string
		for _, r := range got.Rows {
			ends = append(ends, r.Stage+":"+r.EndKind)
		}
		if s := strings.Join(ends, " "); s != "registered:dispatch dispatched:sign handling:escalate handling:return returned:reject_return handling:" {
			t.Fatalf("steps: %s", s)
		}
		esc, back, last := got.Rows[2], got.Rows[4], got.Rows[5]
		if !strings.Contains(esc.Reason, "群众反映强烈") || esc.EndBy != "super" {
			t.Fatalf("the escalation: %+v", esc)
		}
		if got.Rows[3].Reason != "权属不清" || back.Reason != "属本单位职责" || back.EndBy != "disp" {
			t.Fatalf("the return and its refusal: %+v %+v", got.Rows[3], back)
		}
		if last.To != nil || last.Person != "handler1" || last.Due == nil || !last.Due.Equal(*esc.Due) || last.Limit != trail.LimitRunning {
			t.Fatalf("handled on under the same deadline: %+v", last)
		}
	})
}

// A helper unit (协办) has its step beside the lead's, from its addition
// to its reply, with who signed for it.
func TestTrailOfAHelper(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		f := setup(t, d)
		tr := newTrail(f, d)
		tk := newStreetTicket(t, f, "河道垃圾，涉及街道和城管")
		for _, s := range []struct {
			u      auth.User
			action string
			in     ticket.ActionInput
		}{
			{f.dispatcher, ticket.ActionAddHelper, ticket.ActionInput{OrgCode: "D-CG", Note: "负责清运"}},
			{f.handler, ticket.ActionSign, ticket.ActionInput{}},
			{f.deptHandler, ticket.ActionSign, ticket.ActionInput{}},
			{f.deptHandler, ticket.ActionReply, ticket.ActionInput{ReplyText: "垃圾已清运", Resolved: boolp(true)}},
		} {
			f.clock.Advance(time.Hour)
			if _, err := f.tickets.Act(ctx, s.u, tk.Number, s.action, s.in); err != nil {
				t.Fatal(s.action, err)
			}
		}
		got, err := tr.Get(ctx, f.dispatcher, trail.KindTicket, tk.Number)
		must(t, err)
		var steps []string
		for _, r := range got.Rows {
			steps = append(steps, r.Stage+"@"+r.OrgCode+":"+r.EndKind)
		}
		if s := strings.Join(steps, " "); s != "registered@:dispatch dispatched@S1:sign helper@D-CG:helper_reply handling@S1:" {
			t.Fatalf("steps: %s", s)
		}
		h := got.Rows[2]
		if h.Person != "handler3" || h.Wall != 3*3600 || h.EndBy != "handler3" || h.Holder != "区城市管理委员会" {
			t.Fatalf("the helper's step: %+v", h)
		}
	})
}
