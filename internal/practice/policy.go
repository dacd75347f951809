package practice

import "github.com/gongzhi/gongzhi/internal/auth"

// Who may switch practice mode: the one place this rule lives.
//
//   - An account switches its own practice mode only; nobody switches
//     another's (the service takes the acting account as the one switched).
//   - Staff may practise (every role that works on tickets), and so may a
//     resident trying the forms. The auditor reads and never practises:
//     her reading is of the real records.

// CanSwitch reports whether u may switch her own practice mode.
func CanSwitch(u auth.User) bool {
	return u.ID != "" && (u.Role.IsStaff() || u.Role == auth.RoleResident)
}
