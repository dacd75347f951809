// Package auth holds users, roles and scopes, password and one-time-code
// login, sessions and API tokens, permission checks and the audit log.
package auth

import (
	"time"

	"github.com/gongzhi/gongzhi/internal/gov"
)

// Role is what a user does in gongzhi.
type Role string

const (
	RoleAdmin      Role = "admin"
	RoleSupervisor Role = "supervisor"
	RoleDispatcher Role = "dispatcher"
	RoleHandler    Role = "handler"
	RoleAgent      Role = "agent"
	RoleGridWorker Role = "grid_worker"
	RoleResident   Role = "resident"
	// RoleAuditor (审计员) reads the audit log and nothing else: no ticket,
	// no figure, no account.
	RoleAuditor Role = "auditor"
)

// Roles lists every role.
var Roles = []Role{RoleAdmin, RoleSupervisor, RoleDispatcher, RoleHandler, RoleAgent, RoleGridWorker, RoleAuditor, RoleResident}

// Valid reports whether r is a known role.
func (r Role) Valid() bool {
	for _, x := range Roles {
		if x == r {
			return true
		}
	}
	return false
}

// IsStaff reports whether the role is held by government or community staff
// who work on tickets. The auditor is not counted: every check that lets
// "staff" in refuses her unless it names her.
func (r Role) IsStaff() bool { return r.Valid() && r != RoleResident && r != RoleAuditor }

// StaffAccount reports whether the role logs in on the staff pages with a
// username and password: the staff, and the auditor.
func (r Role) StaffAccount() bool { return r.IsStaff() || r == RoleAuditor }

// User is an account. Staff have a username, an organisation and an area
// scope; residents have a phone number.
type User struct {
	ID        string    `json:"id"`
	Username  string    `json:"username"`
	Phone     string    `json:"phone,omitempty"`
	Name      string    `json:"name"`
	Role      Role      `json:"role"`
	OrgCode   string    `json:"org_code"`
	AreaCode  string    `json:"area_code"`
	Disabled  bool      `json:"disabled"`
	CreatedAt time.Time `json:"created_at"`
	// MustChangePassword is set by an administrator's reset: until she sets
	// a password of her own, the account may do nothing else.
	MustChangePassword bool `json:"must_change_password"`
	// TOTP tells that the account logs in with a second factor.
	TOTP bool `json:"totp"`
	// LockedUntil is set, in lists of accounts, while too many failed
	// logins lock the account.
	LockedUntil *time.Time `json:"locked_until,omitempty"`
	// AreaLevel is the level of AreaCode, filled in when the user logs in.
	AreaLevel gov.Level `json:"-"`
	// Grant is what the agreement of her organisation grants, filled in
	// when she authenticates; nil unless her organisation acts under one.
	Grant *Grant `json:"-"`
}

// NewUser is what it takes to create a staff account.
type NewUser struct {
	Username string `json:"username"`
	Password string `json:"password"`
	Name     string `json:"name"`
	Phone    string `json:"phone"`
	Role     Role   `json:"role"`
	OrgCode  string `json:"org_code"`
	AreaCode string `json:"area_code"`
}

// SystemUsername names the system in the audit log; no account may take it.
const SystemUsername = "system"

// System is the actor of what the installation does by itself or on an
// operator's command at the server: the first administrator, the demo
// accounts, `gongzhi user create`. It acts as an administrator and is never
// an account, so no login can act as it.
func System() User {
	return User{ID: SystemUsername, Username: SystemUsername, Name: "系统", Role: RoleAdmin}
}
