package ticket_test

import (
	"testing"

	"github.com/gongzhi/gongzhi/internal/auth"
	"github.com/gongzhi/gongzhi/internal/ticket"
)

// TestTimeline: what each audience sees of every kind of line. "-" is not
// seen, "line" is seen without its note, "note" with it. The staff see
// every line with its note.
func TestTimeline(t *testing.T) {
	for _, c := range []struct{ kind, reporter, public string }{
		{"create", "note", "note"},
		{ticket.ActionDispatch, "line", "line"},
		{ticket.ActionRedispatch, "line", "line"},
		{ticket.ActionSign, "line", "line"},
		{ticket.ActionContact, "line", "line"},
		{ticket.ActionReply, "note", "note"},
		{ticket.ActionAnswer, "note", "note"},
		{ticket.ActionSelfResolve, "note", "note"},
		{ticket.ActionRate, "note", "line"},
		{ticket.ActionClose, "line", "line"},
		{ticket.ActionReturn, "line", "line"},
		{ticket.ActionApproveReturn, "line", "line"},
		{ticket.ActionRejectReturn, "-", "-"},
		{ticket.ActionRequestExtension, "-", "-"},
		{ticket.ActionApproveExtension, "line", "line"},
		{ticket.ActionRejectExtension, "-", "-"},
		{ticket.ActionRemind, "-", "-"},
		{ticket.ActionEscalate, "-", "-"},
		{ticket.ActionWhistle, "-", "-"},
		{ticket.ActionReport, "-", "-"},
		{ticket.ActionAddHelper, "line", "line"},
		{"helper_sign", "-", "-"},
		{"helper_reply", "line", "line"},
		{ticket.ActionRedo, "line", "line"},
		{ticket.ActionMerge, "line", "line"},
		{ticket.ActionInvalidate, "line", "line"},
		{ticket.ActionRequestCheck, "-", "-"},
		{ticket.ActionCheck, "line", "line"},
		{ticket.ActionAttach, "note", "note"},
		{ticket.ActionExternalUpdate, "note", "note"},
		{"parent_reply", "note", "note"},
		{"parent_closed", "note", "note"},
		{"yellow_light", "-", "-"},
		{"overdue", "-", "-"},
		{"unsigned_escalated", "-", "-"},
		{"summons_missed", "-", "-"},
		{"some_new_kind", "-", "-"},
	} {
		e := ticket.Event{Action: c.kind, Actor: "zhang-dispatcher", ActorRole: "dispatcher", Note: "备注 13812345678"}
		for _, a := range []struct {
			aud  ticket.Audience
			want string
		}{{ticket.AudienceStaff, "note"}, {ticket.AudienceReporter, c.reporter}, {ticket.AudiencePublic, c.public}} {
			got := ticket.Timeline([]ticket.Event{e}, a.aud)
			saw := "-"
			if len(got) == 1 {
				saw = "line"
				if got[0].Note != "" {
					saw = "note"
				}
			}
			if saw != a.want {
				t.Errorf("%s, %s: %s, want %s", c.kind, a.aud, saw, a.want)
				continue
			}
			if saw == "-" {
				continue
			}
			wantActor, wantNote := "dispatcher", "备注 13812345678"
			switch a.aud {
			case ticket.AudienceStaff:
				wantActor = "zhang-dispatcher"
			case ticket.AudiencePublic:
				wantNote = "备注 138****5678"
			}
			if saw == "line" {
				wantNote = ""
			}
			if got[0].Actor != wantActor || got[0].Note != wantNote {
				t.Errorf("%s, %s: actor %q note %q, want %q %q", c.kind, a.aud, got[0].Actor, got[0].Note, wantActor, wantNote)
			}
		}
	}
}

// TestTimelineRatingByPhone: a rating recorded on a follow-up call is
// marked as such for every audience, and its note never shows the mark.
func TestTimelineRatingByPhone(t *testing.T) {
	evs := []ticket.Event{
		{Action: ticket.ActionRate, Actor: "reporter", ActorRole: "resident", Note: "basic: 还行"},
		{Action: ticket.ActionRate, Actor: "zhang-agent", ActorRole: "agent", Note: "by_phone satisfied: 很好"},
	}
	for _, a := range []ticket.Audience{ticket.AudienceStaff, ticket.AudienceReporter, ticket.AudiencePublic} {
		got := ticket.Timeline(evs, a)
		if len(got) != 2 || got[0].ByPhone || !got[1].ByPhone {
			t.Fatalf("%s: %+v", a, got)
		}
		want := "satisfied: 很好"
		if a == ticket.AudiencePublic {
			want = ""
		}
		if got[1].Note != want || got[0].Actor != "reporter" {
			t.Errorf("%s: %+v", a, got)
		}
	}
	if evs[1].Note != "by_phone satisfied: 很好" {
		t.Error("Timeline changed its input")
	}
}

// TestAudienceOf: the staff, the reporter (by her account or her phone),
// and anyone else.
func TestAudienceOf(t *testing.T) {
	tk := ticket.Ticket{ReporterUserID: "u1", ReporterPhone: "13800138000"}
	for _, c := range []struct {
		u    auth.User
		want ticket.Audience
	}{
		{auth.User{Role: auth.RoleDispatcher}, ticket.AudienceStaff},
		{auth.User{Role: auth.RoleHandler}, ticket.AudienceStaff},
		{auth.User{Role: auth.RoleResident, ID: "u1"}, ticket.AudienceReporter},
		{auth.User{Role: auth.RoleResident, Phone: "13800138000"}, ticket.AudienceReporter},
		{auth.User{Role: auth.RoleResident, ID: "u2", Phone: "13900139000"}, ticket.AudiencePublic},
		{auth.User{Role: auth.RoleAuditor}, ticket.AudiencePublic},
	} {
		if got := ticket.AudienceOf(c.u, tk); got != c.want {
			t.Errorf("%+v: %s, want %s", c.u, got, c.want)
		}
	}
}
