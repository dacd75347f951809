package status

import (
	"testing"

	"github.com/gongzhi/gongzhi/internal/auth"
)

func TestCanRead(t *testing.T) {
	for role, want := range map[auth.Role]bool{auth.RoleAdmin: true, auth.RoleSupervisor: true, auth.RoleDispatcher: false,
		auth.RoleHandler: false, auth.RoleAgent: false, auth.RoleGridWorker: false, auth.RoleResident: false, auth.RoleAuditor: false} {
		if got := CanRead(auth.User{Role: role}); got != want {
			t.Errorf("%s: %v, want %v", role, got, want)
		}
	}
}
