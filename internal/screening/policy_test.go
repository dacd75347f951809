package screening_test

import (
	"testing"

	"github.com/gongzhi/gongzhi/internal/auth"
	"github.com/gongzhi/gongzhi/internal/gov"
	"github.com/gongzhi/gongzhi/internal/screening"
)

func TestPolicy(t *testing.T) {
	admin := auth.System()
	sup := staff("sup", auth.RoleSupervisor, "HOT", street)
	farSup := staff("sup2", auth.RoleSupervisor, "HOT", "110117002")
	worker := staff("gw", auth.RoleGridWorker, "CC1", grid)
	otherWorker := staff("gw2", auth.RoleGridWorker, "CC1", grid2)
	committee := staff("cc", auth.RoleHandler, "CC1", community)
	agent := staff("ag", auth.RoleAgent, "HOT", "110117")
	dept := staff("dp", auth.RoleHandler, "D", "110117")
	resident := auth.User{ID: "r", Role: auth.RoleResident, Phone: "13800138000"}
	auditor := auth.User{ID: "au", Role: auth.RoleAuditor}
	for _, c := range []struct {
		who                    string
		u                      auth.User
		local                  bool
		schedule, record, read bool
	}{
		{"admin", admin, true, true, false, true},
		{"supervisor over the grid", sup, false, true, true, true},
		{"supervisor elsewhere", farSup, false, false, false, false},
		{"the grid's worker", worker, true, false, true, true},
		{"another grid's worker", otherWorker, true, false, false, false},
		{"community committee", committee, screening.Local(committee, gov.KindCommunityCommittee), true, false, true},
		{"hotline agent", agent, false, false, false, false},
		{"department handler", dept, screening.Local(dept, gov.KindDepartment), false, false, false},
		{"resident", resident, false, false, false, false},
		{"auditor", auditor, false, false, false, false},
	} {
		if got := screening.CanSchedule(c.u, c.local, grid); got != c.schedule {
			t.Errorf("%s schedules: %v", c.who, got)
		}
		if got := screening.CanRecord(c.u, grid); got != c.record {
			t.Errorf("%s records: %v", c.who, got)
		}
		if got := screening.CanRead(c.u, c.local, grid); got != c.read {
			t.Errorf("%s reads: %v", c.who, got)
		}
	}
	if screening.CanUse(resident) || screening.CanUse(auditor) || screening.CanUse(agent) || !screening.CanUse(worker) {
		t.Error("who uses the pages")
	}
}
