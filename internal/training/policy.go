package training

import "github.com/gongzhi/gongzhi/internal/auth"

// Who may do what with training: the one place these rules live.
//
//   - A session is set up, and its attendance recorded, by staff whose area
//     scope covers the session's area (CanRecord): the organiser's side. The
//     auditor, residents and staff of other areas record nothing.
//   - Sessions and their attendance are read by the administrator, by the
//     supervisors (one with an area scope reads the sessions of her area,
//     one without reads all) and by whoever may record them (CanRead).
//   - A resident reads her own attendance only: the sessions at which her
//     account or her phone was recorded (Mine). In any listing a phone is
//     masked.
//   - The role guides are public: they hold no personal data.

// CanRecord reports whether u sets up sessions in the area and records
// their attendance.
func CanRecord(u auth.User, areaCode string) bool {
	return u.Role.IsStaff() && u.InArea(areaCode)
}

// CanRead reports whether u reads the sessions of the area with their
// attendance.
func CanRead(u auth.User, areaCode string) bool {
	if CanRecord(u, areaCode) {
		return true
	}
	return u.Role == auth.RoleSupervisor && u.AreaCode == ""
}

// CanList reports whether u opens the list of sessions at all.
func CanList(u auth.User) bool { return u.Role.IsStaff() }
