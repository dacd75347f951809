package project

import (
	"github.com/gongzhi/gongzhi/internal/auth"
	"github.com/gongzhi/gongzhi/internal/disclosure"
)

// Who may do what with key projects: the one place these rules live.
// Residence (whether a resident lives in the project's area, or an area
// below it) is read by the service (disclosure.Resident) and handed in.
//
//   - A project is created by staff whose area scope covers its area, and
//     by the administrator (CanCreate); it names the unit that runs it.
//   - The responsible unit's staff, and the administrator, run it: move it
//     to its next phase, keep milestones, report progress and answer the
//     residents' inputs (CanRun).
//   - It is read as its disclosure level says (CanSee: disclosure.CanSee,
//     its creator being the item's owner); public by default.
//   - A resident of its area who may read it sends needs while it is
//     planned, opinions while it is built, and her evaluation while it is
//     evaluated (CanTakePart).
//   - Staff who run it or whose scope covers its area enter a resident's
//     input or evaluation on her behalf, by her phone, when she lives in
//     the area (CanActFor); it is recorded as entered for her.
//   - A comment by the responsible unit's staff is its official word
//     (Official).

// CanCreate reports whether u may create a project in the area.
func CanCreate(u auth.User, areaCode string) bool {
	return u.Role.IsStaff() && areaCode != "" && u.InArea(areaCode)
}

// CanCreateAny reports whether u creates projects anywhere, so the pages
// offer the form.
func CanCreateAny(u auth.User) bool {
	return u.Role.IsStaff() && (u.IsAdmin() || u.AreaCode != "")
}

// CanRun reports whether u runs p: its phases, milestones, progress and
// answers.
func CanRun(u auth.User, p Project) bool {
	return u.IsAdmin() || Official(u, p)
}

// Official reports whether u is staff of the unit responsible for p.
func Official(u auth.User, p Project) bool {
	return u.Role.IsStaff() && u.OrgCode != "" && u.OrgCode == p.OrgCode
}

// CanSee reports whether u may read p; resident tells whether she lives in
// its area.
func CanSee(u auth.User, p Project, resident bool) bool {
	return disclosure.CanSee(u, item(p), resident)
}

func item(p Project) disclosure.Item {
	return disclosure.Item{Level: p.Level, AreaCode: p.AreaCode, OrgCode: p.OrgCode, Owner: p.createdBy}
}

// CanTakePart reports whether u, a resident of p's area, may send her own
// input or evaluation to p (the phase is checked apart).
func CanTakePart(u auth.User, resident bool) bool {
	return u.Role == auth.RoleResident && u.Phone != "" && resident
}

// CanActFor reports whether u may enter a resident's input or evaluation
// on her behalf.
func CanActFor(u auth.User, p Project) bool {
	return CanRun(u, p) || (u.Role.IsStaff() && u.InArea(p.AreaCode))
}

// CanList reports whether u has a list of projects: everyone does, guests
// the public ones.
func CanList(auth.User) bool { return true }

// CanSeeQueue reports whether u has inputs of her unit to answer.
func CanSeeQueue(u auth.User) bool { return u.Role.IsStaff() && (u.IsAdmin() || u.OrgCode != "") }

// Offers is what the reader of a project is offered to do now: the pages
// show these forms, the API tells them as "may".
type Offers struct {
	Need     bool `json:"need"`     // send a need (a resident of the area, planning)
	Opinion  bool `json:"opinion"`  // send an opinion (building)
	Evaluate bool `json:"evaluate"` // give or change her evaluation (evaluating)
	Run      bool `json:"run"`      // run the project (CanRun) while not closed
	ActFor   bool `json:"act_for"`  // enter for a resident (CanActFor) while not closed
	Login    bool `json:"login"`    // a guest: logging in may let her take part
}

// OffersTo tells what u may do with p now; resident tells whether she
// lives in its area.
func OffersTo(u auth.User, p Project, resident bool) Offers {
	var o Offers
	if p.Phase == Closed {
		return o
	}
	part := CanTakePart(u, resident)
	o.Need = part && p.Phase == Planning
	o.Opinion = part && p.Phase == Building
	o.Evaluate = part && p.Phase == Evaluating
	o.Run = CanRun(u, p)
	o.ActFor = CanActFor(u, p) && p.Phase != Closed
	o.Login = u.ID == "" && u.Role == ""
	return o
}

// CanSeeTrail reports whether u may read p's responsibility trail (who
// held it in each phase, how long, who moved it on): staff who may read p.
func CanSeeTrail(u auth.User, p Project, resident bool) bool {
	return u.Role.IsStaff() && CanSee(u, p, resident)
}
