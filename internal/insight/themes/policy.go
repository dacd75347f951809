package themes

import (
	"github.com/gongzhi/gongzhi/internal/auth"
	"github.com/gongzhi/gongzhi/internal/evaluation"
)

// Who may read the monthly themes and turn one into a task. Surfaces call
// these and never decide again.

// CanSee reports whether u reads the month's themes: the administrator,
// and the supervisors and dispatchers of an area, who see the themes of
// the tickets placed in their area (a district's, every ticket). Handlers,
// agents and grid workers work ticket by ticket; residents see no themes.
func CanSee(u auth.User) bool {
	switch u.Role {
	case auth.RoleAdmin:
		return true
	case auth.RoleSupervisor, auth.RoleDispatcher:
		return u.AreaCode != ""
	}
	return false
}

// CanRectify reports whether u may turn a theme into a rectification task:
// whoever the evaluation lets set tasks (evaluation.CanSetRects), among
// those who see themes.
func CanRectify(u auth.User) bool { return CanSee(u) && evaluation.CanSetRects(u) }
