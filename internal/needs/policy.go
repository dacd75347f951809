package needs

import (
	"github.com/gongzhi/gongzhi/internal/auth"
	"github.com/gongzhi/gongzhi/internal/gov"
)

// Who may do what with residents' needs: the one place these rules live.
// Whether the user's organisation is a community or village committee
// (committee) is read by the service from her organisation's kind and
// handed in.
//
//   - A resident registers, changes and withdraws her own needs, and reads
//     them and the record of who read them (her own account only).
//   - Staff register needs for her only with her consent given in person,
//     recorded as such: the grid workers whose scope covers where she
//     lives, and the staff of a community or village committee over it
//     (CanActFor).
//   - Her needs are read — the visit plan — by the grid workers whose
//     scope covers where she lives, and by nobody else: not the
//     administrator, not supervisors, not departments (CanRead); every
//     such read carries a reason and is recorded. A withdrawn
//     registration is read by nobody.
//   - Visits are recorded by those who read the plan (CanVisit).

// Committee reports whether an organisation of the kind is a community or
// village committee.
func Committee(kind gov.OrgKind) bool {
	return kind == gov.KindCommunityCommittee || kind == gov.KindVillageCommittee
}

// CanActFor reports whether u registers needs for a resident living in
// the area; committee is Committee's answer for u's organisation.
func CanActFor(u auth.User, committee bool, areaCode string) bool {
	if areaCode == "" || u.IsAdmin() || !u.InArea(areaCode) {
		return false
	}
	return u.Role == auth.RoleGridWorker || (committee && u.Role.IsStaff() && u.Role != auth.RoleAgent)
}

// CanRead reports whether u reads the needs of residents living in the
// area.
func CanRead(u auth.User, areaCode string) bool {
	return u.Role == auth.RoleGridWorker && areaCode != "" && u.InArea(areaCode)
}

// CanPlan reports whether u has a visit plan at all.
func CanPlan(u auth.User) bool { return u.Role == auth.RoleGridWorker && u.AreaCode != "" }

// CanVisit reports whether u records a visit to a resident of the area.
func CanVisit(u auth.User, areaCode string) bool { return CanRead(u, areaCode) }

// IsHer reports whether u is the resident with the phone.
func IsHer(u auth.User, phone string) bool {
	return u.Role == auth.RoleResident && u.Phone != "" && u.Phone == phone
}
