package vote

import "github.com/gongzhi/gongzhi/internal/auth"

// Who may do what with an owners' vote: the one place these rules live.
//
//   - The administrator runs every vote.
//   - A supervisor, a dispatcher or a grid worker (the community
//     committee's staff: gongzhi's accounts of 居委会 workers) runs the votes
//     of the areas her scope covers: she creates them, keeps the register
//     of units, records paper ballots and closes them. A handler, an agent
//     and the auditor run none: a vote is the residential compound's
//     business, not a unit's ticket.
//   - A resident sees the votes in whose register her verified phone is an
//     owner's, and casts the ballots of her own units, nobody else's.
//   - Nobody sees which unit chose what in a secret vote, and its totals
//     only once it is closed; the owner sees her own choices.

// CanCreate reports whether u may create a vote of the area.
func CanCreate(u auth.User, areaCode string) bool {
	switch u.Role {
	case auth.RoleAdmin:
		return true
	case auth.RoleSupervisor, auth.RoleDispatcher, auth.RoleGridWorker:
		return areaCode != "" && u.InArea(areaCode)
	}
	return false
}

// CanRun reports whether u runs the vote: keeps its register, records paper
// ballots, closes it and sees the register's (masked) owners.
func CanRun(u auth.User, v Vote) bool { return CanCreate(u, v.AreaCode) }

// CanList reports whether u has votes to list at all.
func CanList(u auth.User) bool {
	switch u.Role {
	case auth.RoleAdmin, auth.RoleSupervisor, auth.RoleDispatcher, auth.RoleGridWorker:
		return true
	case auth.RoleResident:
		return u.Phone != ""
	}
	return false
}

// CanSee reports whether u may read the vote; owns tells whether her phone
// owns a unit of its register.
func CanSee(u auth.User, v Vote, owns bool) bool {
	return CanRun(u, v) || (isOwner(u) && owns)
}

// CanVoteFor reports whether u may cast the ballot of a unit of the vote
// whose owner is owner: the owner herself, or (from paper) whoever runs it.
func CanVoteFor(u auth.User, v Vote, owner string) bool {
	return CanRun(u, v) || (isOwner(u) && u.Phone == owner)
}

// CanSeeTally reports whether u may see the vote's totals now: once it is
// closed whoever sees it; while open, only the staff running an open
// (not secret) vote.
func CanSeeTally(u auth.User, v Vote, owns bool) bool {
	if v.Status == StatusClosed {
		return CanSee(u, v, owns)
	}
	return !v.Secret && CanRun(u, v)
}

// CanSeeChoices reports whether u may see which unit chose what: the staff
// running a vote that is not secret. An owner sees her own (Mine).
func CanSeeChoices(u auth.User, v Vote) bool { return !v.Secret && CanRun(u, v) }

func isOwner(u auth.User) bool { return u.Role == auth.RoleResident && u.Phone != "" }
