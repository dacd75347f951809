package insight

import "github.com/gongzhi/gongzhi/internal/auth"

// Who may use the router. Surfaces call these and never decide again.

// CanRoute: anyone signed in (a resident's form suggests categories too).
func CanRoute(u auth.User) bool { return u.Role.Valid() }

// CanSeeUnits: the staff, who dispatch; a resident never picks a unit.
func CanSeeUnits(u auth.User) bool { return u.Role.IsStaff() }

// CanTrain: the administrator (and the nightly training, as the system).
func CanTrain(u auth.User) bool { return u.Role == auth.RoleAdmin }

// CanSeeRouterStats: the administrator and the supervisors, who judge
// whether the router earns trust (its figures and the acceptance rate).
func CanSeeRouterStats(u auth.User) bool {
	return u.Role == auth.RoleAdmin || u.Role == auth.RoleSupervisor
}
