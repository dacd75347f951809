package warning

import (
	"github.com/gongzhi/gongzhi/internal/auth"
	"github.com/gongzhi/gongzhi/internal/evaluation"
	"github.com/gongzhi/gongzhi/internal/ticket"
)

// Who sees and acts on warnings. The surfaces ask these and never decide
// again.
//
//   - The administrator sees and acts on every warning.
//   - Supervisors and dispatchers see the warnings of their area; they
//     acknowledge and dismiss them (with a reason). A dispatcher turns one
//     into a ticket; a supervisor into a rectification task for the unit.
//   - A handler sees the warnings addressed to her unit (the unit the
//     catalogue names for the cluster's category and area, or else the one
//     most of its tickets went to); she acknowledges them and turns them
//     into a ticket. She dismisses none: that is the area's call.
//   - Nobody else (agents, grid workers, residents, the auditor) sees them.

// Kinds a warning is converted into.
const (
	IntoTicket        = "ticket"
	IntoRectification = "rectification"
)

// CanList reports whether u has warnings to see at all.
func CanList(u auth.User) bool {
	switch u.Role {
	case auth.RoleAdmin, auth.RoleSupervisor, auth.RoleDispatcher:
		return true
	case auth.RoleHandler:
		return u.OrgCode != ""
	}
	return false
}

// CanSee reports whether u may read the warning.
func CanSee(u auth.User, w Warning) bool {
	switch u.Role {
	case auth.RoleAdmin:
		return true
	case auth.RoleSupervisor, auth.RoleDispatcher:
		return u.InArea(w.AreaCode)
	case auth.RoleHandler:
		return u.OrgCode != "" && u.OrgCode == w.OrgCode
	}
	return false
}

// areaOfficer: the administrator, or a supervisor or dispatcher of the
// warning's area.
func areaOfficer(u auth.User, w Warning) bool {
	return u.Role == auth.RoleAdmin || ((u.Role == auth.RoleSupervisor || u.Role == auth.RoleDispatcher) && u.InArea(w.AreaCode))
}

// CanAcknowledge reports whether u may now acknowledge the warning.
func CanAcknowledge(u auth.User, w Warning) bool {
	return w.Status == StatusOpen && CanSee(u, w)
}

// CanDismiss reports whether u may now dismiss the warning.
func CanDismiss(u auth.User, w Warning) bool {
	return w.Active() && areaOfficer(u, w)
}

// CanConvert reports whether u may now turn the warning into kind.
func CanConvert(u auth.User, w Warning, kind string) bool {
	if !w.Active() || !CanSee(u, w) {
		return false
	}
	switch kind {
	case IntoTicket:
		// A shortfall of services is planned, not filed as a ticket.
		return w.Kind != KindSupply && ticket.CanCreate(u)
	case IntoRectification:
		return w.OrgCode != "" && evaluation.CanSetRects(u) && areaOfficer(u, w)
	}
	return false
}

// Actions lists what u may now do with the warning: "acknowledge",
// "dismiss", "convert_ticket", "convert_rectification".
func Actions(u auth.User, w Warning) []string {
	var out []string
	if CanAcknowledge(u, w) {
		out = append(out, "acknowledge")
	}
	if CanConvert(u, w, IntoTicket) {
		out = append(out, "convert_ticket")
	}
	if CanConvert(u, w, IntoRectification) {
		out = append(out, "convert_rectification")
	}
	if CanDismiss(u, w) {
		out = append(out, "dismiss")
	}
	return out
}
