package volunteer

import (
	"time"

	"github.com/gongzhi/gongzhi/internal/auth"
	"github.com/gongzhi/gongzhi/internal/gov"
)

// Who may do what with volunteers, tasks, points and codes: the one place
// these rules live. Whether the user's organisation manages volunteers
// (manager) or is a partner shop (shop) is read by the service and handed
// in.
//
//   - A resident signed in with her phone (which the login code verified)
//     registers herself as a volunteer of a community (CanRegister); she
//     reads her own registration, sign-ups, ledger and codes (CanSeeOwn).
//   - Registrations are approved or rejected, and tasks posted, cancelled
//     and their hours confirmed, by the administrator and by the staff of
//     a street office or a community or village committee whose area scope
//     covers the community (CanManage). The hotline's agents do none.
//   - An approved volunteer signs up for a task of her community while it
//     is open, has places and has not begun (CanSignUp), and withdraws
//     before it begins.
//   - Staff of a partner shop confirm codes (CanConfirmCode); the
//     administrator keeps the list of partner shops (CanKeepShops).
//   - Redemption works only where the district switched it on; earning
//     works always.

var managerKinds = map[gov.OrgKind]bool{
	gov.KindStreetOffice:       true,
	gov.KindCommunityCommittee: true,
	gov.KindVillageCommittee:   true,
}

// Manager reports whether u, her organisation being of the kind, manages
// volunteers in her area scope.
func Manager(u auth.User, kind gov.OrgKind) bool {
	if u.IsAdmin() {
		return true
	}
	return u.Role.IsStaff() && u.Role != auth.RoleAgent && u.AreaCode != "" && managerKinds[kind]
}

// CanManage reports whether u manages the volunteers and tasks of the
// community; manager is Manager's answer for her.
func CanManage(u auth.User, manager bool, communityCode string) bool {
	if u.IsAdmin() {
		return true
	}
	return manager && communityCode != "" && u.InArea(communityCode)
}

// CanRegister reports whether u may register herself as a volunteer.
func CanRegister(u auth.User) bool {
	return u.Role == auth.RoleResident && auth.ValidPhone(u.Phone)
}

// CanSeeOwn reports whether u has points, sign-ups and codes of her own.
func CanSeeOwn(u auth.User) bool { return CanRegister(u) }

// CanSignUp reports whether the volunteer v may sign up for t now.
func CanSignUp(v Volunteer, t Task, now time.Time) bool {
	return v.Status == StatusApproved && t.Status == TaskOpen && v.CommunityCode == t.CommunityCode && t.StartsAt.After(now)
}

// CanConfirmCode reports whether u confirms codes at a partner shop; shop
// is whether her organisation is one.
func CanConfirmCode(u auth.User, shop bool) bool {
	return shop && u.Role.IsStaff() && u.OrgCode != ""
}

// CanKeepShops reports whether u keeps the list of partner shops.
func CanKeepShops(u auth.User) bool { return u.IsAdmin() }
