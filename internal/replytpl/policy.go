package replytpl

import "github.com/gongzhi/gongzhi/internal/auth"

// Who may keep which templates: the one place these rules live.
//
//   - the administrator keeps every template, a unit's and the district's;
//   - a unit's handlers keep their unit's own templates;
//   - the dispatch centre (a dispatcher whose scope is the district or
//     above, where unplaced requests are seen) keeps the district-wide ones.
//
// Everyone else on the staff uses templates and keeps none.

// CanManage reports whether u keeps any templates, so that the pages offer
// the management page and the API its writes.
func CanManage(u auth.User) bool {
	return u.IsAdmin() || handlerOfUnit(u) || districtDispatcher(u)
}

// CanEdit reports whether u may create, change or delete a template of this
// unit (orgCode, "" for the district's).
func CanEdit(u auth.User, orgCode string) bool {
	switch {
	case u.IsAdmin():
		return true
	case orgCode == "":
		return districtDispatcher(u)
	default:
		return handlerOfUnit(u) && u.OrgCode == orgCode
	}
}

// OwnScope is the unit whose templates u keeps by default: her unit for a
// handler, "" (the district's) for the dispatch centre and the
// administrator.
func OwnScope(u auth.User) string {
	if handlerOfUnit(u) {
		return u.OrgCode
	}
	return ""
}

// ChoosesUnit reports whether u chooses the unit a template is kept for:
// the administrator, who keeps any; everyone else keeps her OwnScope.
func ChoosesUnit(u auth.User) bool { return u.IsAdmin() }

// canRead reports whether u may read a template of this unit in the list
// of templates: the administrator all, other staff the district's and
// their own unit's.
func canRead(u auth.User, orgCode string) bool {
	if !u.Role.IsStaff() {
		return false
	}
	return u.IsAdmin() || orgCode == "" || orgCode == u.OrgCode
}

func handlerOfUnit(u auth.User) bool { return u.Role == auth.RoleHandler && u.OrgCode != "" }

func districtDispatcher(u auth.User) bool { return u.Role == auth.RoleDispatcher && u.InArea("") }

// unitFor is the unit whose own templates apply when u replies to a ticket:
// her own unit, or for staff of none (the administrator) the unit that
// handles the ticket.
func unitFor(u auth.User, assigned string) string {
	if u.OrgCode != "" {
		return u.OrgCode
	}
	return assigned
}
