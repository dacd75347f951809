package ticket_test

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/gongzhi/gongzhi/internal/auth"
	"github.com/gongzhi/gongzhi/internal/db"
	"github.com/gongzhi/gongzhi/internal/db/dbtest"
	"github.com/gongzhi/gongzhi/internal/errs"
	"github.com/gongzhi/gongzhi/internal/ticket"
)

// step is one action taken on the way to a state.
type step struct {
	who    func(f *fixture) auth.User
	action string
	in     ticket.ActionInput
}

func byDispatcher(f *fixture) auth.User { return f.dispatcher }
func byHandler(f *fixture) auth.User    { return f.handler }
func byResident(f *fixture) auth.User   { return f.resident }

var (
	toDispatched = []step{{byDispatcher, ticket.ActionDispatch, ticket.ActionInput{OrgCode: "S1"}}}
	toSigned     = append(slices.Clone(toDispatched), step{byHandler, ticket.ActionSign, ticket.ActionInput{}})
	toInProgress = append(slices.Clone(toSigned), step{byHandler, ticket.ActionContact, ticket.ActionInput{}})
	toReplied    = append(slices.Clone(toInProgress), step{byHandler, ticket.ActionReply, ticket.ActionInput{ReplyText: "已清理", Resolved: boolp(true)}})
)

// states are the ways to each status (and the conditions within one) that
// the agreement test visits: the kind, the creator and the steps.
var states = map[string]struct {
	kind  ticket.Kind
	grid  bool
	steps []step
}{
	"registered":   {ticket.KindComplaint, false, nil},
	"consultation": {ticket.KindConsultation, false, nil},
	"grid":         {ticket.KindComplaint, true, nil},
	"dispatched":   {ticket.KindComplaint, false, toDispatched},
	"signed":       {ticket.KindComplaint, false, toSigned},
	"in_progress":  {ticket.KindComplaint, false, toInProgress},
	"replied":      {ticket.KindComplaint, false, toReplied},
	"closed":       {ticket.KindComplaint, false, append(slices.Clone(toReplied), step{byResident, ticket.ActionRate, ticket.ActionInput{Resolved: boolp(true), Satisfaction: ticket.Satisfied}})},
	"review":       {ticket.KindComplaint, false, append(slices.Clone(toReplied), step{byResident, ticket.ActionRate, ticket.ActionInput{Resolved: boolp(false), Satisfaction: ticket.Unsatisfied}})},
	"check":        {ticket.KindComplaint, false, append(slices.Clone(toReplied), step{byDispatcher, ticket.ActionRequestCheck, ticket.ActionInput{}})},
	"returned":     {ticket.KindComplaint, false, append(slices.Clone(toSigned), step{byHandler, ticket.ActionReturn, ticket.ActionInput{Reason: "wrong_area"}})},
	"extension":    {ticket.KindComplaint, false, append(slices.Clone(toInProgress), step{byHandler, ticket.ActionRequestExtension, ticket.ActionInput{Reason: "等待材料", Until: "2026-03-30"}})},
	"whistle":      {ticket.KindComplaint, false, append(slices.Clone(toInProgress), step{byDispatcher, ticket.ActionWhistle, ticket.ActionInput{OrgCodes: []string{"S2"}, WithinHours: 4}})},
	"helper":       {ticket.KindComplaint, false, append(slices.Clone(toInProgress), step{byDispatcher, ticket.ActionAddHelper, ticket.ActionInput{OrgCode: "S2"}})},
	"merged":       {ticket.KindComplaint, false, []step{{byDispatcher, ticket.ActionMerge, ticket.ActionInput{Into: "sibling"}}}},
	"invalid":      {ticket.KindComplaint, false, []step{{byDispatcher, ticket.ActionInvalidate, ticket.ActionInput{Reason: "spam"}}}},
	"withdrawn":    {ticket.KindComplaint, false, []step{{byResident, ticket.ActionWithdraw, ticket.ActionInput{}}}},
}

// build makes a ticket in the named state, and a sibling to merge into.
func build(t *testing.T, ctx context.Context, f *fixture, name string) (number, sibling string) {
	t.Helper()
	st := states[name]
	mk := func(kind ticket.Kind, grid bool) string {
		by, in := &f.resident, ticket.NewTicket{Kind: kind, CategoryCode: "09", Description: "楼道灯坏了一个月", AreaCode: "110117001001"}
		if grid {
			by, in.Channel, in.ReporterPhone = &f.grid, ticket.ChannelGrid, "13800138000"
		}
		tk, err := f.tickets.Create(ctx, by, in)
		must(t, err)
		return tk.Number
	}
	number, sibling = mk(st.kind, st.grid), mk(ticket.KindComplaint, false)
	for _, s := range st.steps {
		in := s.in
		if in.Into == "sibling" {
			in.Into = sibling
		}
		if _, err := f.tickets.Act(ctx, s.who(f), number, s.action, in); err != nil {
			t.Fatalf("state %s: %s: %v", name, s.action, err)
		}
	}
	return number, sibling
}

// validInput is input the action accepts on tk.
func validInput(action string, tk ticket.Ticket, sibling string) ticket.ActionInput {
	// other is a unit neither leading nor helping.
	other := ""
	for _, org := range []string{"S2", "D-CG", "S1"} {
		if org != tk.AssignedOrgCode && !slices.ContainsFunc(tk.Helpers, func(h ticket.Helper) bool { return h.OrgCode == org }) {
			other = org
			break
		}
	}
	switch action {
	case ticket.ActionDispatch, ticket.ActionRedispatch, ticket.ActionApproveReturn, ticket.ActionAddHelper:
		return ticket.ActionInput{OrgCode: other}
	case ticket.ActionReply, ticket.ActionAnswer, ticket.ActionSelfResolve:
		return ticket.ActionInput{ReplyText: "已处理完毕", Resolved: boolp(true)}
	case ticket.ActionRate:
		return ticket.ActionInput{Resolved: boolp(true), Satisfaction: ticket.Satisfied}
	case ticket.ActionCheck:
		return ticket.ActionInput{Passed: boolp(true)}
	case ticket.ActionReturn:
		return ticket.ActionInput{Reason: "wrong_area"}
	case ticket.ActionInvalidate:
		return ticket.ActionInput{Reason: "spam"}
	case ticket.ActionRequestExtension:
		until := time.Date(2026, 3, 30, 17, 0, 0, 0, time.UTC)
		if tk.DueCompleteAt != nil {
			until = tk.DueCompleteAt.Add(48 * time.Hour)
		}
		return ticket.ActionInput{Reason: "等待材料", Until: until.Format(time.RFC3339)}
	case ticket.ActionEscalate:
		return ticket.ActionInput{OrgCode: "S1", WithinHours: 4}
	case ticket.ActionWhistle:
		return ticket.ActionInput{OrgCodes: []string{other}, WithinHours: 4}
	case ticket.ActionMerge:
		return ticket.ActionInput{Into: sibling}
	case ticket.ActionSupplement:
		return ticket.ActionInput{Note: "门牌号是12号"}
	}
	return ticket.ActionInput{Note: "请处理"}
}

// TestAvailableActionsAgreeWithAct: for every state, role and action, an
// action that AvailableActions offers is taken by Act, and one it does not
// offer is refused as forbidden or conflicting (or, to whoever may not see
// the ticket, as not found) — so the pages never offer what fails, nor hide
// what works.
func TestAvailableActionsAgreeWithAct(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		f := setup(t, d)
		admin, err := f.auth.CreateUser(ctx, auth.System(), auth.NewUser{Username: "root", Password: "lantern-river-42", Role: auth.RoleAdmin})
		must(t, err)
		auditor, err := f.auth.CreateUser(ctx, auth.System(), auth.NewUser{Username: "shen.ji", Password: "audit-trail-2026", Role: auth.RoleAuditor})
		must(t, err)
		neighbour := auth.User{Role: auth.RoleResident, Phone: "13900139000"}
		roles := map[string]auth.User{"reporter": f.resident, "other resident": neighbour, "dispatcher": f.dispatcher,
			"other area's dispatcher": f.streetDispatcher, "agent": f.agent, "lead unit": f.handler, "second unit": f.otherHandler,
			"department": f.deptHandler, "supervisor": f.supervisor, "grid worker": f.grid, "admin": admin, "auditor": auditor}
		for name := range states {
			number, sibling := build(t, ctx, f, name)
			tk, err := f.tickets.Get(ctx, admin, number)
			must(t, err)
			for who, u := range roles {
				offered := ticket.AvailableActions(u, tk)
				for _, action := range ticket.Actions {
					if slices.Contains(offered, action) {
						continue // taken below, on a ticket of its own
					}
					_, err := f.tickets.Act(ctx, u, number, action, validInput(action, tk, sibling))
					if err == nil || !(errs.Is(err, errs.Forbidden) || errs.Is(err, errs.Conflict) || errs.Is(err, errs.NotFound) && !ticket.CanView(u, tk)) {
						t.Fatalf("%s, %s: %s not offered, but Act answered %v", name, who, action, err)
					}
				}
				for _, action := range offered {
					n, sib := build(t, ctx, f, name)
					fresh, err := f.tickets.Get(ctx, admin, n)
					must(t, err)
					_, err = f.tickets.Act(ctx, u, n, action, validInput(action, fresh, sib))
					// The lead unit is offered its reply while helpers have
					// not replied, and told why it must wait.
					waits := name == "helper" && action == ticket.ActionReply && who != "second unit"
					if err != nil && !(waits && errs.Is(err, errs.Conflict)) {
						t.Fatalf("%s, %s: %s offered, but Act answered %v", name, who, action, err)
					}
				}
			}
		}
	})
}
