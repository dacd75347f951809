package ticket_test

import (
	"context"
	"strings"
	"testing"

	"github.com/gongzhi/gongzhi/internal/auth"
	"github.com/gongzhi/gongzhi/internal/db"
	"github.com/gongzhi/gongzhi/internal/db/dbtest"
	"github.com/gongzhi/gongzhi/internal/errs"
	"github.com/gongzhi/gongzhi/internal/ticket"
)

// The advice on a reply: the handler who may reply asks it of her draft;
// after the reply, the supervisors of the area, the administrator and the
// replying unit see it on the timeline, nobody else.
func TestReplyQualitySight(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		f := setup(t, d)
		tk, err := f.tickets.Create(ctx, &f.resident, ticket.NewTicket{Kind: ticket.KindComplaint, CategoryCode: "0102",
			Description: "承平里社区3号楼门口垃圾堆了三天没人清", AreaCode: "110117001001", Address: "承平里3号楼"})
		must(t, err)
		if tk.Status == ticket.StatusRegistered { // the catalogue dispatches it to S1 otherwise
			_, err = f.tickets.Act(ctx, f.dispatcher, tk.Number, ticket.ActionDispatch, ticket.ActionInput{OrgCode: "S1"})
			must(t, err)
		}
		for _, a := range []string{ticket.ActionSign, ticket.ActionContact} {
			_, err = f.tickets.Act(ctx, f.handler, tk.Number, a, ticket.ActionInput{})
			must(t, err)
		}
		good := "承平里3号楼门口的垃圾，社区工作人员3月2日上午到现场查看，当天已清理完毕。如仍有问题，请拨打社区电话010-69961234。"
		r, err := f.tickets.ScoreDraft(ctx, f.handler, tk.Number, good)
		must(t, err)
		if r.Relevance < 60 || r.Completeness != 100 {
			t.Fatalf("the draft: %+v", r)
		}
		if _, err := f.tickets.ScoreDraft(ctx, f.supervisor, tk.Number, good); !errs.Is(err, errs.Forbidden) {
			t.Errorf("a supervisor drafts a reply: %v", err)
		}
		if _, err := f.tickets.ScoreDraft(ctx, f.handler, tk.Number, strings.Repeat("字", ticket.MaxReply+1)); !errs.Is(err, errs.Invalid) {
			t.Errorf("an over-long draft: %v", err)
		}
		_, err = f.tickets.Act(ctx, f.handler, tk.Number, ticket.ActionReply, ticket.ActionInput{ReplyText: "已处理。", Resolved: boolp(true)})
		must(t, err)
		got, err := f.tickets.Get(ctx, f.supervisor, tk.Number)
		must(t, err)
		evs, err := f.tickets.Events(ctx, f.supervisor, tk.Number)
		must(t, err)
		for _, c := range []struct {
			name string
			u    auth.User
			see  bool
		}{{"supervisor", f.supervisor, true}, {"handler", f.handler, true}, {"dispatcher", f.dispatcher, false},
			{"agent", f.agent, false}, {"other unit", f.otherHandler, false}, {"resident", f.resident, false}} {
			q := f.tickets.ReplyQuality(ctx, c.u, got, evs)
			if c.see != (len(q) == 1) {
				t.Errorf("%s sees %d scored replies", c.name, len(q))
			}
			for seq, r := range q {
				if evs[seq-1].Action != ticket.ActionReply || len(r.Advice) == 0 {
					t.Errorf("%s: event %d scored %+v", c.name, seq, r)
				}
			}
		}
	})
}

// Advice on a reply to a request given as text is for staff only, within
// the limits of a description and a reply.
func TestScoreText(t *testing.T) {
	staff := auth.User{Role: auth.RoleSupervisor}
	if r, err := ticket.ScoreText(staff, "路灯不亮", "已处理。"); err != nil || len(r.Advice) == 0 {
		t.Fatalf("%+v %v", r, err)
	}
	if _, err := ticket.ScoreText(auth.User{Role: auth.RoleResident}, "路灯不亮", "已处理。"); !errs.Is(err, errs.Forbidden) {
		t.Errorf("a resident: %v", err)
	}
	if _, err := ticket.ScoreText(staff, strings.Repeat("字", ticket.MaxDescription+1), "已处理。"); !errs.Is(err, errs.Invalid) {
		t.Errorf("a long request: %v", err)
	}
}
