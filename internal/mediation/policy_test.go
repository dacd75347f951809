package mediation_test

import (
	"testing"

	"github.com/gongzhi/gongzhi/internal/auth"
	"github.com/gongzhi/gongzhi/internal/mediation"
)

func TestPolicy(t *testing.T) {
	admin := auth.System()
	twh := auth.User{ID: "t", Role: auth.RoleHandler, OrgCode: "TWH", AreaCode: community}
	member := auth.User{ID: "m", Role: auth.RoleGridWorker, OrgCode: "CC1", AreaCode: community}
	office := auth.User{ID: "o", Role: auth.RoleHandler, OrgCode: "S1", AreaCode: street}
	agent := auth.User{ID: "a", Role: auth.RoleAgent, OrgCode: "HOT", AreaCode: district}
	other := auth.User{ID: "x", Role: auth.RoleHandler, OrgCode: "S2", AreaCode: elsewhere}
	party := auth.User{ID: "r", Role: auth.RoleResident, Phone: "13900000001"}
	stranger := auth.User{ID: "s", Role: auth.RoleResident, Phone: "13700000000"}
	auditor := auth.User{ID: "au", Role: auth.RoleAuditor}
	c := mediation.Case{Committee: "TWH", AreaCode: community, Parties: []mediation.Party{{Seq: 1, Phone: "13900000001"}, {Seq: 2, Phone: "13900000002"}}}

	for _, x := range []struct {
		name                 string
		u                    auth.User
		member               bool
		open, run, see, keep bool
	}{
		{"admin", admin, false, true, true, true, true},
		{"committee staff", twh, false, true, true, true, true},
		{"member", member, true, true, true, true, false},
		{"member not by account", member, false, true, false, true, false},
		{"street office", office, false, true, false, true, true},
		{"agent", agent, false, true, false, false, false},
		{"agent who is a member", agent, true, true, false, false, false},
		{"other street", other, false, false, false, false, false},
		{"party", party, false, false, false, true, false},
		{"stranger", stranger, false, false, false, false, false},
		{"auditor", auditor, false, false, false, false, false},
	} {
		runs := mediation.CanRun(x.u, c, x.member)
		if got := mediation.CanOpen(x.u, community); got != x.open {
			t.Errorf("%s opens: %v", x.name, got)
		}
		if runs != x.run {
			t.Errorf("%s runs: %v", x.name, runs)
		}
		if got := mediation.CanSee(x.u, c, runs, mediation.IsParty(x.u, c)); got != x.see {
			t.Errorf("%s sees: %v", x.name, got)
		}
		if got := mediation.CanKeepCommittee(x.u, "TWH", community); got != x.keep {
			t.Errorf("%s keeps the committee: %v", x.name, got)
		}
		if mediation.PartyDetail(runs) != runs {
			t.Errorf("%s party detail", x.name)
		}
	}
	if !mediation.CanApply(party) || mediation.CanApply(office) || mediation.CanApply(auth.User{Role: auth.RoleResident}) {
		t.Error("who applies")
	}
	if !mediation.CanRefuse(party, false, c.Parties[0]) || mediation.CanRefuse(party, false, c.Parties[1]) || !mediation.CanRefuse(twh, true, c.Parties[1]) {
		t.Error("who refuses")
	}
	if !mediation.CanReadFigures(auditor, street) || mediation.CanReadFigures(party, "") || mediation.CanReadFigures(other, street) || mediation.CanReadFigures(agent, street) {
		t.Error("who reads the figures")
	}
}
