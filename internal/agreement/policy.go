package agreement

import "github.com/gongzhi/gongzhi/internal/auth"

// Who may do what with agreements: the one place these rules live.
//
//   - Agreements are the district's: the administrator and the supervisors
//     whose scope covers the district (a scope that covers tickets with no
//     area yet: district level and up) list, read, make, change, suspend,
//     resume and end them (CanManage), and read the monthly report of the
//     reads of personal data by the staff of organisations under one
//     (CanReadReport). Both roles are the government's alone
//     (auth.GovernmentOnly).
//   - An organisation's own staff read the agreements of their organisation
//     (CanRead), never change them.
//   - What the staff of an organisation under an agreement may do and see
//     is its Grant (gate.go), which auth fills in at every authentication
//     and the capabilities' policies read (ticket/policy.go).

// CanManage reports whether u manages the district's agreements.
func CanManage(u auth.User) bool {
	if u.IsAdmin() {
		return true
	}
	return u.Role == auth.RoleSupervisor && u.Grant == nil && u.InArea("")
}

// CanRead reports whether u reads the agreement of the organisation.
func CanRead(u auth.User, orgCode string) bool {
	return CanManage(u) || u.Role.IsStaff() && u.OrgCode != "" && u.OrgCode == orgCode
}

// CanReadReport reports whether u reads the monthly report of reads of
// personal data.
func CanReadReport(u auth.User) bool { return CanManage(u) }
