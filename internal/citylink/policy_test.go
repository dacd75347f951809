package citylink_test

import (
	"testing"

	"github.com/gongzhi/gongzhi/internal/auth"
	"github.com/gongzhi/gongzhi/internal/citylink"
)

// Only an administrator manages linked platforms and reads their log.
func TestCanManage(t *testing.T) {
	for _, c := range []struct {
		u    auth.User
		want bool
	}{
		{auth.User{Role: auth.RoleAdmin}, true},
		{auth.System(), true},
		{auth.User{Role: auth.RoleDispatcher, AreaCode: "110117"}, false},
		{auth.User{Role: auth.RoleSupervisor, AreaCode: "110117"}, false},
		{auth.User{Role: auth.RoleHandler, OrgCode: "S1"}, false},
		{auth.User{Role: auth.RoleResident}, false},
		{auth.User{}, false},
	} {
		if got := citylink.CanManage(c.u); got != c.want {
			t.Errorf("%s: %v, want %v", c.u.Role, got, c.want)
		}
	}
}
