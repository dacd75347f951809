package mediation

import (
	"github.com/gongzhi/gongzhi/internal/auth"
)

// Who may do what with committees and cases: the one place these rules
// live. Whether the user is a member of a case's committee (member: a
// member whose account is hers) is read by the service and handed in.
//
//   - A case is opened by the administrator and by the staff whose area
//     scope covers the case's area — the committee's own staff, a street
//     office, a community committee, the police station's or the court's
//     liaison, the hotline's desk (CanOpen). A resident applies herself for
//     mediation of her own dispute: she is its first applicant
//     (CanApply).
//   - A case is mediated — screened and re-graded, mediators assigned,
//     sessions recorded and signed, the agreement made, confirmation and
//     follow-up recorded, the case terminated — by the administrator, by
//     the members of its committee whose account is theirs and by the
//     staff of the committee itself (CanRun).
//   - A case is read by those who mediate it, by the staff (not the
//     hotline's agents) whose area scope covers its area, and by each party
//     whose verified phone is on it (CanSee). Nobody else: a dispute is
//     private.
//   - The parties' phones and addresses are shown whole to those who
//     mediate the case; every other reader sees them masked (PartyDetail).
//   - A party refuses mediation herself, or the mediator records her
//     refusal (CanRefuse).
//   - A committee's membership (3 to 9 members) is kept by the
//     administrator, by the committee's own staff and by the staff of a
//     street office or a community or village committee whose area covers
//     the committee's (CanKeepCommittee).
//   - The figures are read by the staff (not the agents) and the auditors
//     of the area (CanReadFigures).
//
// A red case is told at once to the street's leadership: the staff of the
// street office of the street the case's area lies in, and the supervisors
// whose area covers that street.

// CanOpen reports whether u may open a case in the area.
func CanOpen(u auth.User, areaCode string) bool {
	if u.IsAdmin() {
		return true
	}
	return u.Role.IsStaff() && areaCode != "" && u.InArea(areaCode)
}

// CanApply reports whether u may apply for mediation herself.
func CanApply(u auth.User) bool { return u.Role == auth.RoleResident && u.Phone != "" }

// CanRun reports whether u mediates c; member is whether she is a member of
// its committee.
func CanRun(u auth.User, c Case, member bool) bool {
	if u.IsAdmin() {
		return true
	}
	if !u.Role.IsStaff() || u.Role == auth.RoleAgent {
		return false
	}
	return member || (u.OrgCode != "" && u.OrgCode == c.Committee)
}

// IsParty reports whether u is a party of c by her verified phone.
func IsParty(u auth.User, c Case) bool {
	if u.Role != auth.RoleResident || u.Phone == "" {
		return false
	}
	for _, p := range c.Parties {
		if p.Phone == u.Phone {
			return true
		}
	}
	return false
}

// CanSee reports whether u may read c; runs is CanRun's answer, party
// IsParty's.
func CanSee(u auth.User, c Case, runs, party bool) bool {
	if runs || party {
		return true
	}
	return u.Role.IsStaff() && u.Role != auth.RoleAgent && u.InArea(c.AreaCode)
}

// PartyDetail reports whether a reader sees the parties' phones and
// addresses whole.
func PartyDetail(runs bool) bool { return runs }

// CanRefuse reports whether u may record that the party refuses
// mediation: the party herself (her phone) or those who mediate.
func CanRefuse(u auth.User, runs bool, p Party) bool {
	return runs || (u.Role == auth.RoleResident && u.Phone != "" && u.Phone == p.Phone)
}

// OffersHandOver reports whether a case may be handed over as a ticket now
// by those who run it: it ended without agreement and is not handed over.
func OffersHandOver(c Case, runs bool) bool {
	return runs && (c.Status == StatusRefused || c.Status == StatusTerminated) && c.ToTicket == ""
}

// CanKeepCommittee reports whether u may set the members of a committee
// of the area; orgCode is the committee's.
func CanKeepCommittee(u auth.User, orgCode, areaCode string) bool {
	if u.IsAdmin() {
		return true
	}
	if !u.Role.IsStaff() || u.Role == auth.RoleAgent {
		return false
	}
	return u.OrgCode == orgCode || (areaCode != "" && u.InArea(areaCode) && u.Role != auth.RoleGridWorker)
}

// CanReadFigures reports whether u may read the figures of the area.
func CanReadFigures(u auth.User, areaCode string) bool {
	if u.IsAdmin() {
		return true
	}
	if u.Role == auth.RoleAuditor {
		return true
	}
	return u.Role.IsStaff() && u.Role != auth.RoleAgent && (areaCode == "" || u.InArea(areaCode))
}

// CanListCommittees reports whether u reads the committees with their
// members through the API: staff.
func CanListCommittees(u auth.User) bool { return u.Role.IsStaff() }

// CanList reports whether u has cases to list at all.
func CanList(u auth.User) bool { return CanWork(u) || CanApply(u) }

// CanWork reports whether u works on cases on the staff pages: the
// administrator and staff other than the hotline's agents (each case then
// by CanRun and CanSee).
func CanWork(u auth.User) bool { return u.IsAdmin() || (u.Role.IsStaff() && u.Role != auth.RoleAgent) }

// CanSeeTrail reports whether u may read c's responsibility trail (who
// held it, how long, who passed it on and why): staff who may read c.
func CanSeeTrail(u auth.User, c Case, runs bool) bool {
	return u.Role.IsStaff() && CanSee(u, c, runs, false)
}
