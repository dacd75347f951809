package election

import (
	"github.com/gongzhi/gongzhi/internal/auth"
	"github.com/gongzhi/gongzhi/internal/db"
	"github.com/gongzhi/gongzhi/internal/disclosure"
	"github.com/gongzhi/gongzhi/internal/gov"
	"github.com/gongzhi/gongzhi/internal/vote"
)

// Who may do what with an election: the one place these rules live.
//
//   - Elections are run by the staff who run the owners' votes
//     (vote.CanCreate): the administrator, and a supervisor, a dispatcher
//     or a grid worker whose scope covers the election's area. They
//     create it, keep its register and candidates, record paper ballots
//     on a voter's behalf and close it.
//   - The roll: an owners' committee's is the owners on its register (her
//     verified phone is a unit's owner); residents' representatives' is the
//     residents verified in the area (disclosure.LivesIn). A voter on the
//     roll casts her own ballot, once.
//   - An election is read by those who run it, by those on its roll, and
//     by whoever its disclosure level lets read it (disclosure.CanSee;
//     listSQL is the twin for lists).
//   - The ballot is always secret: nobody sees what a voter chose but the
//     voter herself; the count is shown only once the election is closed,
//     to whoever may read it. The register's owners are shown masked, to
//     those who run it.

// CanCreate reports whether u may create an election of the area.
func CanCreate(u auth.User, areaCode string) bool { return vote.CanCreate(u, areaCode) }

// CanRun reports whether u runs the election.
func CanRun(u auth.User, e Election) bool { return CanCreate(u, e.AreaCode) }

// CanManage reports whether u runs elections at all, so the pages offer
// hers.
func CanManage(u auth.User) bool { return u.Role.IsStaff() && vote.CanList(u) }

// CanList reports whether u has elections to list at all.
func CanList(u auth.User) bool { return u.Role.IsStaff() || isVoter(u) }

// CanSee reports whether u may read the election; onRoll tells whether
// her phone is on its roll, resident whether she lives in its area.
func CanSee(u auth.User, e Election, onRoll, resident bool) bool {
	return CanRun(u, e) || (isVoter(u) && onRoll) || disclosure.CanSee(u, e.item(), resident)
}

// CanVote reports whether u may cast her own ballot in the election.
func CanVote(u auth.User, onRoll bool) bool { return isVoter(u) && onRoll }

// CanRecord reports whether u may record a paper ballot on a voter's
// behalf.
func CanRecord(u auth.User, e Election) bool { return CanRun(u, e) }

// CanSeeResult reports whether the count may be shown to a reader of the
// election: once it is closed.
func CanSeeResult(e Election) bool { return e.Status == StatusClosed }

// CanSeeRegister reports whether u may read the register (owners masked).
func CanSeeRegister(u auth.User, e Election) bool { return CanRun(u, e) }

func isVoter(u auth.User) bool { return u.Role == auth.RoleResident && u.Phone != "" }

func (e Election) item() disclosure.Item {
	return disclosure.Item{Level: e.Level, AreaCode: e.AreaCode, Owner: e.createdBy}
}

// listSQL adds to c the SQL twin of CanSee for the elections table e.
func listSQL(c *db.Conds, u auth.User) {
	if u.IsAdmin() {
		return
	}
	disclosure.Cond(c, u, "e.level", "e.area_code", "''", "e.created_by")
	ors := []string{c.Where[len(c.Where)-1]}
	c.Where = c.Where[:len(c.Where)-1]
	if CanManage(u) && u.AreaCode != "" {
		lo, hi := gov.UnderRange(u.AreaCode)
		ors = append(ors, c.Bind("(e.area_code >= ? AND e.area_code < ?)", lo, hi))
	}
	if isVoter(u) {
		ors = append(ors, c.Bind(`(e.kind = 'owners_committee' AND EXISTS (SELECT 1 FROM election_units x WHERE x.election_id = e.id AND x.owner = ?))`, u.Phone),
			c.Bind(`(e.kind = 'residents_representatives' AND EXISTS (SELECT 1 FROM area_residents r WHERE r.phone = ? AND substr(r.area_code, 1, length(e.area_code)) = e.area_code))`, u.Phone))
	}
	cond := ors[0]
	for _, o := range ors[1:] {
		cond += " OR " + o
	}
	c.Where = append(c.Where, "("+cond+")")
}

// OffersCreate reports whether the pages offer u the form that creates an
// election: the administrator, and staff who may create one in their area.
func OffersCreate(u auth.User) bool { return u.IsAdmin() || CanCreate(u, u.AreaCode) }
