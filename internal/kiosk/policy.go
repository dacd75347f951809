package kiosk

import "github.com/gongzhi/gongzhi/internal/auth"

// Who may do what with self-service terminals: the one place these rules
// live.
//
//   - A terminal site is registered, and its enrolment key issued again, by
//     the administrator only (CanManage).
//   - The registry — sites, online status, visits and tickets per terminal,
//     idle equipment — is read by the administrator and by the supervisors
//     whose area scope covers the terminal's area (CanRead, CanReadArea); a
//     supervisor with no area scope reads every site.
//   - A terminal itself (its enrolled browser, known by its cookie) sends
//     heartbeats and opens residents' visits; a visit is the resident's
//     own, logged in with her phone and a one-time code, and ends when she
//     ends it or after the idle time.

// CanManage reports whether u registers terminal sites.
func CanManage(u auth.User) bool { return u.IsAdmin() }

// CanRead reports whether u reads the registry at all.
func CanRead(u auth.User) bool { return u.IsAdmin() || u.Role == auth.RoleSupervisor }

// CanReadArea reports whether u reads the terminals of the area.
func CanReadArea(u auth.User, areaCode string) bool {
	if u.IsAdmin() {
		return true
	}
	if u.Role != auth.RoleSupervisor {
		return false
	}
	return u.AreaCode == "" || u.InArea(areaCode)
}
