package service

import (
	"github.com/gongzhi/gongzhi/internal/auth"
	"github.com/gongzhi/gongzhi/internal/gov"
)

// Who may do what with providers, services, slots and requests: the one
// place these rules live.
//
//   - A provider's agreement, the areas it serves, its qualifications and
//     its services are kept by the administrator and by the staff (not the
//     hotline's agents) of a department, a street office, a community or
//     village committee or a grid station (Keeper, read by the service from
//     her organisation's kind) whose area scope covers the provider's
//     organisation's area (CanKeep): not by the provider's own staff, who
//     would vouch for their own qualifications. Slots are kept by the
//     keepers and by the provider's own staff (CanKeepSlots).
//   - The directory is read by every signed-in user; residents see only
//     the active services of active providers whose qualifications are all
//     in force (ShownToResidents); those who keep a provider see all of
//     its services with what hides them.
//   - A resident books or asks for herself; staff whose area scope covers
//     her community book or ask for her, recorded as done on her behalf
//     (CanRequestFor).
//   - A request is confirmed or declined, and its completion confirmed on
//     the provider's side, by the staff of the provider's organisation and
//     the administrator (CanAnswer).
//   - Its resident side — cancelling before it is done, confirming the
//     completion, rating, complaining — is the resident's, and that of staff
//     whose area covers her community acting for her (ResidentSide), the
//     provider's own staff excepted.
//   - A request is read by its resident, by the provider's staff, by staff
//     whose area covers her community, and by the administrator (CanSee).
//     Her phone and name are masked to everyone but herself and the
//     provider's staff (SeesContact).
//   - The figures of supply against need are the staff's (not the
//     hotline's agents), within their area scope (CanSeeFigures).

// keeperKinds are the organisations whose staff keep providers.
var keeperKinds = map[gov.OrgKind]bool{
	gov.KindDepartment:         true,
	gov.KindStreetOffice:       true,
	gov.KindCommunityCommittee: true,
	gov.KindVillageCommittee:   true,
	gov.KindGridStation:        true,
}

// Keeper reports whether u keeps providers in her area scope, her
// organisation being of the kind.
func Keeper(u auth.User, kind gov.OrgKind) bool {
	if u.IsAdmin() {
		return true
	}
	return u.Role.IsStaff() && u.Role != auth.RoleAgent && u.AreaCode != "" && keeperKinds[kind]
}

// CanKeep reports whether u keeps the provider whose organisation lies in
// orgArea, with its agreement and services; keeper is Keeper's answer for
// her.
func CanKeep(u auth.User, keeper bool, orgArea string) bool {
	if u.IsAdmin() {
		return true
	}
	return keeper && orgArea != "" && u.InArea(orgArea)
}

// CanKeepSlots reports whether u keeps the slots of the provider's services.
func CanKeepSlots(u auth.User, keeper bool, orgCode, orgArea string) bool {
	return CanKeep(u, keeper, orgArea) || (u.Role.IsStaff() && u.OrgCode != "" && u.OrgCode == orgCode)
}

// ShownToResidents reports whether a service is in the residents'
// directory and may be booked: it and its provider active, no
// qualification of the provider expired.
func ShownToResidents(p Provider, active bool) bool {
	return active && p.Active && !p.Lapsed
}

// CanRequestFor reports whether u may book or ask for a service for the
// resident whose phone is phone, living in areaCode; proxy tells that she
// acts on the resident's behalf.
func CanRequestFor(u auth.User, phone, areaCode string) (ok, proxy bool) {
	if u.Role == auth.RoleResident {
		return u.Phone != "" && u.Phone == phone, false
	}
	if u.Role.IsStaff() && areaCode != "" && u.InArea(areaCode) {
		return true, true
	}
	return false, false
}

// CanAnswer reports whether u answers for the provider orgCode: confirms,
// declines, confirms completion on its side.
func CanAnswer(u auth.User, orgCode string) bool {
	return u.IsAdmin() || (u.Role.IsStaff() && u.OrgCode != "" && u.OrgCode == orgCode)
}

// ResidentSide reports whether u acts on the resident's side of r, and
// whether on her behalf.
func ResidentSide(u auth.User, r Request) (ok, proxy bool) {
	if u.Role == auth.RoleResident {
		return u.Phone != "" && u.Phone == r.phone, false
	}
	if u.Role.IsStaff() && u.InArea(r.AreaCode) && !(u.OrgCode != "" && u.OrgCode == r.OrgCode) {
		return true, true
	}
	return false, false
}

// CanSee reports whether u may read r.
func CanSee(u auth.User, r Request) bool {
	if ok, _ := ResidentSide(u, r); ok {
		return true
	}
	return CanAnswer(u, r.OrgCode)
}

// SeesContact reports whether u reads the resident's phone and name in full.
func SeesContact(u auth.User, r Request) bool {
	return (u.Role == auth.RoleResident && u.Phone == r.phone) || (u.Role.IsStaff() && u.OrgCode != "" && u.OrgCode == r.OrgCode)
}

// CanSeeFigures reports whether u reads the figures of supply against need.
func CanSeeFigures(u auth.User) bool {
	return u.IsAdmin() || (u.Role.IsStaff() && u.Role != auth.RoleAgent && u.AreaCode != "")
}

// CanUseDirectory reports whether u may read the directory.
func CanUseDirectory(u auth.User) bool {
	return u.Role != auth.RoleAuditor && u.ID != ""
}

// CanSeeTrail reports whether u may read r's responsibility trail (who
// held it, how long, who passed it on and why): staff who may read r.
func CanSeeTrail(u auth.User, r Request) bool {
	return u.Role.IsStaff() && CanSee(u, r)
}
