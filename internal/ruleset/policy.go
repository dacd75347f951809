package ruleset

import "github.com/gongzhi/gongzhi/internal/auth"

// Who may do what with the shared rules: the one place these rules live.
//
//   - The published versions (and their files) and the list of an area's
//     overrides with their reasons beside the upper level's value are public
//     (no login): they hold no personal data, and the public list never
//     names who made an override.
//   - The administrator publishes a version for an area, imports the upper
//     level's file, overrides or withdraws an entry of the inherited set
//     (always with a reason) and applies the effective set to the live
//     settings (CanChange).
//   - The administrator and the supervisors read the effective set with who
//     changed what, the diff and the log (CanRead); other staff, residents
//     and the auditor read only what the public reads.

// CanRead reports whether u reads the staff view: the diff, the log and
// who made each override.
func CanRead(u auth.User) bool {
	return u.IsAdmin() || u.Role == auth.RoleSupervisor
}

// CanChange reports whether u publishes, imports, overrides and applies.
func CanChange(u auth.User) bool { return u.IsAdmin() }
