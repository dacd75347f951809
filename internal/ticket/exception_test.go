package ticket_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/gongzhi/gongzhi/internal/db"
	"github.com/gongzhi/gongzhi/internal/db/dbtest"
	"github.com/gongzhi/gongzhi/internal/errs"
	"github.com/gongzhi/gongzhi/internal/ticket"
)

// newStreetTicket files a complaint that the catalogue sends to S1.
func newStreetTicket(t *testing.T, f *fixture, desc string) ticket.Ticket {
	t.Helper()
	tk, err := f.tickets.Create(context.Background(), &f.resident, ticket.NewTicket{Kind: ticket.KindComplaint, CategoryCode: "0102",
		Description: desc, AreaCode: "110117001001"})
	must(t, err)
	return tk
}

func TestLightsAndFilters(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		f := setup(t, d) // Monday 2026-03-02 09:00
		tk := newStreetTicket(t, f, "路灯不亮")
		// Sign within 2 working hours: due 11:00, yellow from 10:30.
		if tk.Light != ticket.LightNone || tk.DueSignAt.Format("15:04") != "11:00" {
			t.Fatalf("new ticket: light %s, due sign %v", tk.Light, tk.DueSignAt)
		}
		list := func(f2 ticket.Filter) int {
			p, err := f.tickets.List(ctx, f.handler, f2)
			must(t, err)
			return len(p.Items)
		}
		f.clock.Advance(90 * time.Minute) // 10:30
		if n := list(ticket.Filter{Light: ticket.LightYellow}); n != 1 {
			t.Fatalf("yellow at 75%%: %d", n)
		}
		f.clock.Advance(31 * time.Minute) // 11:01
		got, err := f.tickets.Get(ctx, f.handler, tk.Number)
		must(t, err)
		if got.Light != ticket.LightRed || list(ticket.Filter{Overdue: true}) != 1 || list(ticket.Filter{Light: ticket.LightYellow}) != 0 {
			t.Fatalf("red when overdue: %s", got.Light)
		}
		// Signing stops the sign clock; completion starts (5 working days).
		got, err = f.tickets.Act(ctx, f.handler, tk.Number, ticket.ActionSign, ticket.ActionInput{})
		must(t, err)
		if got.DueAt == nil || !got.DueAt.Equal(*got.DueContactAt) {
			t.Fatalf("after signing the nearest deadline is contact: %v vs %v", got.DueAt, got.DueContactAt)
		}
		if _, err := f.tickets.List(ctx, f.handler, ticket.Filter{Light: "purple"}); !errs.Is(err, errs.Invalid) {
			t.Fatal("unknown light accepted")
		}
	})
}

func TestReturnAndRedispatch(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		f := setup(t, d)
		tk := newStreetTicket(t, f, "小区内违建")
		if _, err := f.tickets.Act(ctx, f.handler, tk.Number, ticket.ActionReturn, ticket.ActionInput{Reason: "because"}); !errs.Is(err, errs.Invalid) {
			t.Fatalf("bad reason: %v", err)
		}
		got, err := f.tickets.Act(ctx, f.handler, tk.Number, ticket.ActionReturn, ticket.ActionInput{Reason: "not_our_duty", Note: "应由城管处理"})
		must(t, err)
		if got.Status != ticket.StatusReturned || got.ReturnCount != 1 {
			t.Fatalf("returned: %s %d", got.Status, got.ReturnCount)
		}
		if _, err := f.tickets.Act(ctx, f.handler, tk.Number, ticket.ActionApproveReturn, ticket.ActionInput{OrgCode: "D-CG"}); !errs.Is(err, errs.Forbidden) {
			t.Fatalf("handler approves own return: %v", err)
		}
		if _, err := f.tickets.Act(ctx, f.dispatcher, tk.Number, ticket.ActionApproveReturn, ticket.ActionInput{OrgCode: "S1"}); !errs.Is(err, errs.Invalid) {
			t.Fatalf("approve back to the same unit: %v", err)
		}
		got, err = f.tickets.Act(ctx, f.dispatcher, tk.Number, ticket.ActionApproveReturn, ticket.ActionInput{OrgCode: "D-CG"})
		must(t, err)
		if got.Status != ticket.StatusDispatched || got.AssignedOrgCode != "D-CG" || got.ReturnCount != 1 {
			t.Fatalf("re-dispatched: %+v", got)
		}
		// The old unit no longer sees it; the new one signs.
		if _, err := f.tickets.Get(ctx, f.handler, tk.Number); !errs.Is(err, errs.Forbidden) {
			t.Fatalf("old unit still sees it: %v", err)
		}
		_, err = f.tickets.Act(ctx, f.deptHandler, tk.Number, ticket.ActionSign, ticket.ActionInput{})
		must(t, err)
		// A return rejected goes back to where it was.
		_, err = f.tickets.Act(ctx, f.deptHandler, tk.Number, ticket.ActionReturn, ticket.ActionInput{Reason: "wrong_area"})
		must(t, err)
		got, err = f.tickets.Act(ctx, f.dispatcher, tk.Number, ticket.ActionRejectReturn, ticket.ActionInput{Note: "属本单位职责"})
		must(t, err)
		if got.Status != ticket.StatusSigned || got.ReturnCount != 2 {
			t.Fatalf("rejected return: %s %d", got.Status, got.ReturnCount)
		}
		got, err = f.tickets.Act(ctx, f.dispatcher, tk.Number, ticket.ActionRedispatch, ticket.ActionInput{OrgCode: "S1", Note: "改派"})
		must(t, err)
		if got.Status != ticket.StatusDispatched || got.AssignedOrgCode != "S1" || got.SignedAt != nil {
			t.Fatalf("redispatch: %+v", got)
		}
	})
}

func TestExtensionRedoAndReview(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		f := setup(t, d)
		tk := newStreetTicket(t, f, "排水管堵塞")
		for _, a := range []string{ticket.ActionSign, ticket.ActionContact} {
			_, err := f.tickets.Act(ctx, f.handler, tk.Number, a, ticket.ActionInput{})
			must(t, err)
		}
		if _, err := f.tickets.Act(ctx, f.handler, tk.Number, ticket.ActionRequestExtension, ticket.ActionInput{Until: "2026-03-03", Reason: "x"}); !errs.Is(err, errs.Invalid) {
			t.Fatalf("extension before the deadline: %v", err)
		}
		got, err := f.tickets.Act(ctx, f.handler, tk.Number, ticket.ActionRequestExtension, ticket.ActionInput{Until: "2026-03-20 17:30", Reason: "需更换管道，等待材料"})
		must(t, err)
		if got.ExtensionUntil == nil {
			t.Fatal("pending extension not kept")
		}
		got, err = f.tickets.Act(ctx, f.dispatcher, tk.Number, ticket.ActionApproveExtension, ticket.ActionInput{})
		must(t, err)
		if got.ExtensionCount != 1 || got.DueCompleteAt.Format("2006-01-02 15:04") != "2026-03-20 17:30" || got.ExtensionUntil != nil {
			t.Fatalf("approved extension: %d %v", got.ExtensionCount, got.DueCompleteAt)
		}
		if _, err := f.tickets.Act(ctx, f.handler, tk.Number, ticket.ActionRequestExtension, ticket.ActionInput{Until: "2026-03-30", Reason: "again"}); !errs.Is(err, errs.Conflict) {
			t.Fatalf("a second extension: %v", err)
		}
		_, err = f.tickets.Act(ctx, f.handler, tk.Number, ticket.ActionReply, ticket.ActionInput{ReplyText: "已疏通", Resolved: boolp(true)})
		must(t, err)
		got, err = f.tickets.Act(ctx, f.resident, tk.Number, ticket.ActionRate, ticket.ActionInput{Resolved: boolp(false), Satisfaction: ticket.Unsatisfied, Comment: "还是堵"})
		must(t, err)
		if got.Status != ticket.StatusClosed || !got.ReviewPending {
			t.Fatalf("poor rating waits for review: %s %v", got.Status, got.ReviewPending)
		}
		got, err = f.tickets.Act(ctx, f.dispatcher, tk.Number, ticket.ActionRedo, ticket.ActionInput{Note: "请重新办理"})
		must(t, err)
		if got.Status != ticket.StatusDispatched || got.RedoCount != 1 || got.AssignedOrgCode != "S1" || got.Rating != nil || got.ReviewPending {
			t.Fatalf("redo: %+v", got)
		}
		// A good rating closes without review; close after review confirms.
		for _, a := range []string{ticket.ActionSign, ticket.ActionContact} {
			_, err := f.tickets.Act(ctx, f.handler, tk.Number, a, ticket.ActionInput{})
			must(t, err)
		}
		_, err = f.tickets.Act(ctx, f.handler, tk.Number, ticket.ActionReply, ticket.ActionInput{ReplyText: "已更换管道", Resolved: boolp(true)})
		must(t, err)
		got, err = f.tickets.Act(ctx, f.resident, tk.Number, ticket.ActionRate, ticket.ActionInput{Resolved: boolp(true), Satisfaction: ticket.Basic})
		must(t, err)
		if got.ReviewPending {
			t.Fatal("basic satisfaction and resolved needs no review")
		}
		if _, err := f.tickets.Act(ctx, f.dispatcher, tk.Number, ticket.ActionRedo, ticket.ActionInput{}); !errs.Is(err, errs.Conflict) {
			t.Fatalf("redo without a poor rating: %v", err)
		}
	})
}

func TestCoHandlingAndSummons(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		f := setup(t, d)
		tk := newStreetTicket(t, f, "河道垃圾，涉及街道和城管")
		_, err := f.tickets.Act(ctx, f.dispatcher, tk.Number, ticket.ActionAddHelper, ticket.ActionInput{OrgCode: "D-CG", Note: "负责清运"})
		must(t, err)
		if _, err := f.tickets.Act(ctx, f.dispatcher, tk.Number, ticket.ActionAddHelper, ticket.ActionInput{OrgCode: "D-CG"}); !errs.Is(err, errs.Conflict) {
			t.Fatalf("helper twice: %v", err)
		}
		// The helper sees it in its helper list, signs and replies for its part.
		p, err := f.tickets.List(ctx, f.deptHandler, ticket.Filter{Part: "helper"})
		must(t, err)
		if len(p.Items) != 1 {
			t.Fatalf("helper list: %d", len(p.Items))
		}
		for _, a := range []string{ticket.ActionSign, ticket.ActionContact} {
			_, err := f.tickets.Act(ctx, f.handler, tk.Number, a, ticket.ActionInput{})
			must(t, err)
		}
		if _, err := f.tickets.Act(ctx, f.handler, tk.Number, ticket.ActionReply, ticket.ActionInput{ReplyText: "已处理", Resolved: boolp(true)}); !errs.Is(err, errs.Conflict) {
			t.Fatalf("lead replies before the helper: %v", err)
		}
		got, err := f.tickets.Act(ctx, f.deptHandler, tk.Number, ticket.ActionSign, ticket.ActionInput{})
		must(t, err)
		if got.Status != ticket.StatusInProgress || got.Helpers[0].Status != "signed" {
			t.Fatalf("helper sign leaves the lead's status: %s %+v", got.Status, got.Helpers)
		}
		_, err = f.tickets.Act(ctx, f.deptHandler, tk.Number, ticket.ActionReply, ticket.ActionInput{ReplyText: "垃圾已清运", Resolved: boolp(true)})
		must(t, err)
		// The street office whistles; the summoned department reports.
		got, err = f.tickets.Act(ctx, f.handler, tk.Number, ticket.ActionWhistle, ticket.ActionInput{OrgCodes: []string{"D-CG"}, WithinHours: 4, Note: "请到现场"})
		must(t, err)
		if len(got.Summons) != 1 || got.Summons[0].Status != "pending" {
			t.Fatalf("summons: %+v", got.Summons)
		}
		got, err = f.tickets.Act(ctx, f.deptHandler, tk.Number, ticket.ActionReport, ticket.ActionInput{Note: "已到现场"})
		must(t, err)
		if got.Summons[0].Status != "reported" {
			t.Fatalf("report: %+v", got.Summons)
		}
		if _, err := f.tickets.Act(ctx, f.deptHandler, tk.Number, ticket.ActionReport, ticket.ActionInput{}); !errs.Is(err, errs.Conflict) {
			t.Fatalf("report twice: %v", err)
		}
		// Supervisors escalate; dispatchers may not.
		if _, err := f.tickets.Act(ctx, f.dispatcher, tk.Number, ticket.ActionEscalate, ticket.ActionInput{WithinHours: 24}); !errs.Is(err, errs.Forbidden) {
			t.Fatalf("dispatcher escalates: %v", err)
		}
		got, err = f.tickets.Act(ctx, f.supervisor, tk.Number, ticket.ActionEscalate, ticket.ActionInput{WithinHours: 24, Note: "请加快"})
		must(t, err)
		escalated := false
		for _, sm := range got.Summons {
			escalated = escalated || (sm.Kind == "escalation" && sm.OrgCode == "S1" && sm.Status == "pending")
		}
		if len(got.Summons) != 2 || !escalated {
			t.Fatalf("escalation: %+v", got.Summons)
		}
		_, err = f.tickets.Act(ctx, f.supervisor, tk.Number, ticket.ActionRemind, ticket.ActionInput{Note: "催办"})
		must(t, err)
		got, err = f.tickets.Act(ctx, f.handler, tk.Number, ticket.ActionReply, ticket.ActionInput{ReplyText: "河道已清理完毕", Resolved: boolp(true)})
		must(t, err)
		if got.Status != ticket.StatusReplied {
			t.Fatalf("lead reply after the helper: %s", got.Status)
		}
		notes, err := f.tickets.Notifications(ctx, f.handler, 50)
		must(t, err)
		kinds := map[string]bool{}
		for _, n := range notes {
			kinds[n.Kind] = true
		}
		for _, k := range []string{"dispatched", "helper_reply", "escalation", "remind"} {
			if !kinds[k] {
				t.Errorf("the lead unit was not told: %s (%v)", k, kinds)
			}
		}
	})
}

func TestMergeInvalidAnswer(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		f := setup(t, d)
		parent := newStreetTicket(t, f, "3号楼水管爆裂")
		child, err := f.tickets.Create(ctx, &f.agent, ticket.NewTicket{Kind: ticket.KindHelp, CategoryCode: "0102", Description: "3号楼漏水",
			AreaCode: "110117001001", ReporterPhone: "13911112222"})
		must(t, err)
		if _, err := f.tickets.Act(ctx, f.dispatcher, child.Number, ticket.ActionMerge, ticket.ActionInput{Into: child.Number}); !errs.Is(err, errs.Invalid) {
			t.Fatalf("merge into itself: %v", err)
		}
		got, err := f.tickets.Act(ctx, f.dispatcher, child.Number, ticket.ActionMerge, ticket.ActionInput{Into: parent.Number})
		must(t, err)
		if got.Status != ticket.StatusMerged || got.ParentNumber != parent.Number || got.Light != ticket.LightNone {
			t.Fatalf("merged: %+v", got)
		}
		p, err := f.tickets.Get(ctx, f.dispatcher, parent.Number)
		must(t, err)
		if len(p.Children) != 1 || p.Children[0] != child.Number {
			t.Fatalf("children: %v", p.Children)
		}
		for _, a := range []string{ticket.ActionSign, ticket.ActionContact} {
			_, err := f.tickets.Act(ctx, f.handler, parent.Number, a, ticket.ActionInput{})
			must(t, err)
		}
		_, err = f.tickets.Act(ctx, f.handler, parent.Number, ticket.ActionReply, ticket.ActionInput{ReplyText: "已关阀抢修", Resolved: boolp(true)})
		must(t, err)
		evs, err := f.tickets.Events(ctx, f.dispatcher, child.Number)
		must(t, err)
		last := evs[len(evs)-1]
		if last.Action != "parent_reply" || !strings.Contains(last.Note, "已关阀抢修") {
			t.Fatalf("the parent's reply did not reach the child: %+v", last)
		}
		// Invalid and direct answers.
		spam, err := f.tickets.Create(ctx, &f.agent, ticket.NewTicket{Kind: ticket.KindConsultation, CategoryCode: "09", Description: "广告推销",
			AreaCode: "110117002001", ReporterPhone: "13933334444"})
		must(t, err)
		got, err = f.tickets.Act(ctx, f.dispatcher, spam.Number, ticket.ActionInvalidate, ticket.ActionInput{Reason: "spam"})
		must(t, err)
		if got.Status != ticket.StatusInvalid || got.InvalidReason != "spam" {
			t.Fatalf("invalid: %+v", got)
		}
		q, err := f.tickets.Create(ctx, &f.agent, ticket.NewTicket{Kind: ticket.KindConsultation, CategoryCode: "09", Description: "社保卡在哪里补办？",
			AreaCode: "110117002001", ReporterPhone: "13955556666"})
		must(t, err)
		got, err = f.tickets.Act(ctx, f.agent, q.Number, ticket.ActionAnswer, ticket.ActionInput{ReplyText: "可到区政务服务中心社保窗口补办"})
		must(t, err)
		if got.Status != ticket.StatusClosed || got.ReplyText == "" || got.ContactedAt == nil {
			t.Fatalf("answered on the spot: %+v", got)
		}
		if _, err := f.tickets.Act(ctx, f.agent, parent.Number, ticket.ActionAnswer, ticket.ActionInput{ReplyText: "x"}); !errs.Is(err, errs.Forbidden) && !errs.Is(err, errs.Conflict) {
			t.Fatalf("answer a complaint: %v", err)
		}
	})
}
