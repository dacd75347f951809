package natcode

import "github.com/gongzhi/gongzhi/internal/auth"

// Who may do what with the national codes: the one place these rules live.
//
//   - The mapping, the grid codes and the conformance problems are read by
//     staff and the auditor (CanRead): they hold no personal data, but they
//     are the district's working data, not a public page.
//   - Only the administrator changes a category's mapping or a grid's code
//     (CanEdit); every change is an event with its actor.

// CanRead reports whether u reads the mapping and its conformance.
func CanRead(u auth.User) bool { return u.Role.StaffAccount() }

// CanEdit reports whether u changes the mapping or a grid's code.
func CanEdit(u auth.User) bool { return u.IsAdmin() }
