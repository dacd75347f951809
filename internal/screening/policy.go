package screening

import (
	"github.com/gongzhi/gongzhi/internal/auth"
	"github.com/gongzhi/gongzhi/internal/gov"
)

// Who may do what with screening rounds: the one place these rules live.
// Whether the user's organisation is one that runs a grid's work (the
// street office, the community or village committee, the grid station) is
// read by the service from her organisation's kind and handed in (local).
//
//   - A round is scheduled for a grid by the administrator, by the
//     supervisors whose area scope covers the grid, and by the staff of a
//     street office, a community or village committee or a grid station
//     whose scope covers it; not by the hotline's agents nor by the grid
//     workers themselves (CanSchedule).
//   - Checks are recorded by the grid workers whose scope covers the
//     round's grid, and by the supervisors over it (CanRecord). A finding
//     becomes a ticket only when the ticket capability lets the recorder
//     register one (its own rule).
//   - A round, its places and the coverage figures are read by those who
//     schedule or record there (CanRead); residents and departments read
//     none: the places are households.
//   - The administrator reads every figure; the auditor none.

// localKinds are the organisations whose staff run a grid's work.
var localKinds = map[gov.OrgKind]bool{
	gov.KindStreetOffice:       true,
	gov.KindCommunityCommittee: true,
	gov.KindVillageCommittee:   true,
	gov.KindGridStation:        true,
}

// Local reports whether u's organisation, being of the kind, runs the work
// of the grids in her scope.
func Local(u auth.User, kind gov.OrgKind) bool {
	return u.Role.IsStaff() && u.AreaCode != "" && localKinds[kind]
}

// CanSchedule reports whether u schedules rounds in the area; local is
// Local's answer for her.
func CanSchedule(u auth.User, local bool, areaCode string) bool {
	if u.IsAdmin() {
		return true
	}
	if areaCode == "" || !u.InArea(areaCode) {
		return false
	}
	switch u.Role {
	case auth.RoleSupervisor:
		return true
	case auth.RoleAgent, auth.RoleGridWorker:
		return false
	}
	return local
}

// CanRecord reports whether u records checks in the area's rounds.
func CanRecord(u auth.User, areaCode string) bool {
	if areaCode == "" || !u.InArea(areaCode) {
		return false
	}
	return u.Role == auth.RoleGridWorker || u.Role == auth.RoleSupervisor
}

// CanRead reports whether u reads the area's rounds and coverage.
func CanRead(u auth.User, local bool, areaCode string) bool {
	return CanSchedule(u, local, areaCode) || CanRecord(u, areaCode)
}

// CanUse reports whether u has any use of the screening pages: those whose
// role may schedule, record or read somewhere.
func CanUse(u auth.User) bool {
	switch u.Role {
	case auth.RoleAdmin, auth.RoleSupervisor, auth.RoleGridWorker:
		return true
	case auth.RoleResident, auth.RoleAuditor, auth.RoleAgent:
		return false
	}
	return u.Role.IsStaff() && u.AreaCode != ""
}
