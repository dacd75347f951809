package status

import "github.com/gongzhi/gongzhi/internal/auth"

// Who may read the status of the installation: the one place this rule lives.
//
//   - The administrator, who runs the installation, and the supervisors of
//     the department that oversees it read the whole status page: version,
//     uptime, online rate, last backup, failed background jobs, pending
//     migrations, dormant staff accounts and the features unused in a month
//     (CanRead). It names staff accounts by username and role, no resident.
//   - Nobody else: not handlers, agents, grid workers or residents; not the
//     auditor, whose reading is the audit log.
func CanRead(u auth.User) bool {
	return u.Role == auth.RoleAdmin || u.Role == auth.RoleSupervisor
}
