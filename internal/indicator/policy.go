package indicator

import "github.com/gongzhi/gongzhi/internal/auth"

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

// CanRead reports whether u reads the month's values and the composite.
func CanRead(u auth.User) bool {
	return u.IsAdmin() || u.Role == auth.RoleSupervisor
}

// CanChange reports whether u changes the district's overrides and costs.
func CanChange(u auth.User) bool { return u.IsAdmin() }
