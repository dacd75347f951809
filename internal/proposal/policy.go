package proposal

import (
	"github.com/gongzhi/gongzhi/internal/auth"
	"github.com/gongzhi/gongzhi/internal/disclosure"
	"github.com/gongzhi/gongzhi/internal/gov"
)

// Who may do what with residence and proposals: the one place these rules
// live. Residence (whether a resident lives in an area) is read from
// area_residents by the service and handed in as `resident`.
//
//   - Residents are linked to areas by staff whose area scope covers the
//     area, or by the administrator (CanVerify); a resident lives in the
//     areas she is linked to and every area above them.
//   - A courtyard is created under a community by the administrator or by
//     staff whose scope is that community (CanCreateCourtyard); populations
//     are set by the administrator (CanSetPopulation).
//   - A resident raises a proposal in an area she lives in, and co-signs
//     one there that is not hers (CanRaise, CanCosign).
//   - The responsible organisation's staff answer (adopt, reject, escalate)
//     and report progress; the administrator may too (CanAnswer, CanProgress).
//   - A proposal is read by its proposer and as its visibility says
//     (disclosure): residents-level by the residents of its area, staff
//     whose scope covers its area or who belong to its responsible
//     organisation, and the administrator; a public one by everyone (CanSee).

// CanVerify reports whether u may link residents to the area.
func CanVerify(u auth.User, areaCode string) bool {
	return u.Role.IsStaff() && areaCode != "" && u.InArea(areaCode)
}

// CanManageResidents reports whether u verifies residents anywhere, so the
// pages offer the verification page.
func CanManageResidents(u auth.User) bool {
	return u.Role.IsStaff() && (u.IsAdmin() || u.AreaCode != "")
}

// CanCreateCourtyard reports whether u may create a courtyard under the
// community.
func CanCreateCourtyard(u auth.User, community gov.Area) bool {
	if community.Level != gov.LevelCommunity {
		return false
	}
	return u.IsAdmin() || (u.Role.IsStaff() && u.AreaCode == community.Code)
}

// CanSetPopulation reports whether u may set areas' populations.
func CanSetPopulation(u auth.User) bool { return u.IsAdmin() }

// CanRaise reports whether u may raise a proposal in an area she lives in.
func CanRaise(u auth.User, resident bool) bool {
	return u.Role == auth.RoleResident && u.Phone != "" && resident
}

// CanCosign reports whether u may co-sign p now; the reasons for a refusal
// are told apart by the service (409 for the proposer and a second time).
func CanCosign(u auth.User, p Proposal, resident bool) bool {
	return u.Role == auth.RoleResident && u.Phone != "" && resident && p.Status == StatusCollecting && !isProposer(u, p)
}

// OffersCosign reports whether u, reading p as its service returned it
// (Mine and Cosigned filled in for her), is offered to co-sign it: a
// resident who may read p lives in its area unless she raised it.
func OffersCosign(u auth.User, p Proposal) bool {
	return u.Role == auth.RoleResident && p.Status == StatusCollecting && !p.Mine && !p.Cosigned
}

// MaxCollecting is how many of her proposals a resident may have
// collecting co-signatures at once.
const MaxCollecting = 5

// CanAnswer reports whether u may answer p now.
func CanAnswer(u auth.User, p Proposal) bool {
	return p.Status.Awaiting() && ofResponsible(u, p)
}

// CanProgress reports whether u may report progress on p now.
func CanProgress(u auth.User, p Proposal) bool {
	return p.Status == StatusAdopted && ofResponsible(u, p)
}

// CanSee reports whether u may read p.
func CanSee(u auth.User, p Proposal, resident bool) bool {
	return isProposer(u, p) || disclosure.CanSee(u, disclosure.Item{Level: p.Visibility, AreaCode: p.AreaCode, OrgCode: p.OrgCode}, resident)
}

// CanList reports whether u has proposals to list at all.
func CanList(u auth.User) bool {
	return (u.Role == auth.RoleResident && u.Phone != "") || u.Role.IsStaff()
}

// CanSeeDue reports whether u works on proposals her organisation must answer.
func CanSeeDue(u auth.User) bool { return u.Role.IsStaff() && (u.IsAdmin() || u.OrgCode != "") }

// CanLinkTicket reports whether a proposal raised by u may link a ticket
// reported by reporterPhone: her own tickets; staff any they may read (the
// caller has read it as u).
func CanLinkTicket(u auth.User, reporterPhone string) bool {
	if u.Role == auth.RoleResident {
		return u.Phone != "" && u.Phone == reporterPhone
	}
	return u.Role.IsStaff()
}

// CanActFor reports whether staff u may raise or co-sign proposals for a
// resident of the area (a resident who telephoned or came in): staff whose
// scope covers the area, and the administrator. It is recorded as such.
func CanActFor(u auth.User, areaCode string) bool {
	return u.Role.IsStaff() && areaCode != "" && u.InArea(areaCode)
}

// OffersRaiseFor reports whether staff u are offered to raise proposals
// for residents (where, CanActFor decides with the area).
func OffersRaiseFor(u auth.User) bool {
	return u.Role.IsStaff() && (u.IsAdmin() || u.AreaCode != "")
}

// OffersActFor reports whether staff u are offered to co-sign p for a
// resident now.
func OffersActFor(u auth.User, p Proposal) bool {
	return p.Status == StatusCollecting && CanActFor(u, p.AreaCode)
}

func isProposer(u auth.User, p Proposal) bool {
	return u.Role == auth.RoleResident && u.Phone != "" && u.Phone == p.proposerPhone
}

func ofResponsible(u auth.User, p Proposal) bool {
	return u.IsAdmin() || (u.Role.IsStaff() && u.OrgCode != "" && u.OrgCode == p.OrgCode)
}

// CanSeeTrail reports whether u may read p's responsibility trail (who
// held it, how long, who passed it on and why): staff who may read p.
func CanSeeTrail(u auth.User, p Proposal, resident bool) bool {
	return u.Role.IsStaff() && CanSee(u, p, resident)
}
