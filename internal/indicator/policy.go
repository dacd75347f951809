package indicator

import (
	"strings"

	"github.com/gongzhi/gongzhi/internal/auth"
)

// Who may do what with the indicators: the one place these rules live.
//
//   - The catalogue with the district's weights beside the standard ones and
//     the record of changes is public (no login): it holds no personal data,
//     and the change record shows the actor's role, never her name.
//   - The month's values and the composite are read by the administrator and
//     the supervisors (CanRead); handlers, agents, grid workers, residents and
//     the auditor read none through this capability.
//   - Only the administrator changes a weight, switches an indicator on or
//     off, or sets the cost settings, always with a reason (CanChange).
//   - At an installation of a city with several districts the districts are
//     compared side by side: each district's values go to those who may read
//     that district (CanReadArea); the others are left out, not refused.

// CanRead reports whether u reads the month's values and the composite.
func CanRead(u auth.User) bool {
	return u.IsAdmin() || u.Role == auth.RoleSupervisor
}

// CanChange reports whether u changes the district's overrides and costs.
func CanChange(u auth.User) bool { return u.IsAdmin() }

// CanReadArea reports whether u reads the values of the area (a district
// compared with the others at a city's installation): the administrator
// every area; a supervisor the areas within her scope (a city's supervisor
// every district of the city) and the district her own area lies in, whose
// figures she reads as the installation's at a district's installation.
// Staff of an agreement act only inside its areas (auth.User.InArea).
func CanReadArea(u auth.User, area string) bool {
	if u.IsAdmin() {
		return true
	}
	if u.Role != auth.RoleSupervisor || u.AreaCode == "" {
		return false
	}
	if u.InArea(area) {
		return true
	}
	return u.Grant == nil && strings.HasPrefix(u.AreaCode, area)
}
