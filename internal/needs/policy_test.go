package needs_test

import (
	"testing"

	"github.com/gongzhi/gongzhi/internal/auth"
	"github.com/gongzhi/gongzhi/internal/gov"
	"github.com/gongzhi/gongzhi/internal/needs"
)

func TestPolicy(t *testing.T) {
	worker := staff("gw", auth.RoleGridWorker, "CC1", grid)
	otherWorker := staff("gw2", auth.RoleGridWorker, "CC1", grid2)
	committee := staff("cc", auth.RoleHandler, "CC1", community)
	agent := staff("ag", auth.RoleAgent, "CC1", community)
	super := staff("sup", auth.RoleSupervisor, "", street)
	dept := staff("mz", auth.RoleHandler, "D-MZ", "110117")
	her := auth.User{ID: "r", Role: auth.RoleResident, Phone: "13800138001"}
	for _, c := range []struct {
		who          string
		u            auth.User
		committee    bool
		actFor, read bool
	}{
		{"the grid's worker", worker, true, true, true},
		{"another grid's worker", otherWorker, true, false, false},
		{"community committee", committee, needs.Committee(gov.KindCommunityCommittee), true, false},
		{"hotline agent on a committee", agent, true, false, false},
		{"supervisor", super, false, false, false},
		{"department", dept, needs.Committee(gov.KindDepartment), false, false},
		{"administrator", auth.System(), true, false, false},
		{"the resident", her, false, false, false},
	} {
		if got := needs.CanActFor(c.u, c.committee, grid); got != c.actFor {
			t.Errorf("%s registers for her: %v", c.who, got)
		}
		if got := needs.CanRead(c.u, grid); got != c.read {
			t.Errorf("%s reads: %v", c.who, got)
		}
		if got := needs.CanVisit(c.u, grid); got != c.read {
			t.Errorf("%s visits: %v", c.who, got)
		}
	}
	if !needs.IsHer(her, "13800138001") || needs.IsHer(worker, "13800138001") || needs.IsHer(her, "13800138002") {
		t.Error("IsHer")
	}
}
