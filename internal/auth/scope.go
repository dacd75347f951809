package auth

import "strings"

// Scope checks shared by every capability. Area codes form a tree in which a
// child's code starts with its parent's, so "in my area" is a prefix test.

// InArea reports whether the area lies within the user's area scope. A ticket
// or item without an area is within the scope of district-level staff and up.
func (u User) InArea(areaCode string) bool {
	if u.Role == RoleAdmin {
		return true
	}
	if !u.Role.IsStaff() || u.AreaCode == "" {
		return false
	}
	if u.Grant != nil && !u.Grant.InAreas(areaCode) {
		return false // an agreement's staff act inside its areas only
	}
	if areaCode == "" {
		return scopeLevelCoversUnplaced(u.AreaLevel)
	}
	return strings.HasPrefix(areaCode, u.AreaCode)
}

// IsAdmin reports whether the user administers the system.
func (u User) IsAdmin() bool { return u.Role == RoleAdmin }

// CanReadAudit reports whether the user may read the audit log: the
// administrator and the auditor. Nobody may change it.
func (u User) CanReadAudit() bool { return u.Role == RoleAdmin || u.Role == RoleAuditor }
