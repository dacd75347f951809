package kiosk

import (
	"testing"

	"github.com/gongzhi/gongzhi/internal/auth"
)

func TestPolicy(t *testing.T) {
	admin := auth.User{Role: auth.RoleAdmin}
	street := auth.User{Role: auth.RoleSupervisor, AreaCode: "110117001"}
	district := auth.User{Role: auth.RoleSupervisor}
	handler := auth.User{Role: auth.RoleHandler, AreaCode: "110117001"}
	resident := auth.User{Role: auth.RoleResident}
	for _, c := range []struct {
		u                    auth.User
		manage, read, inArea bool
	}{
		{admin, true, true, true},
		{street, false, true, true},
		{district, false, true, true},
		{handler, false, false, false},
		{resident, false, false, false},
	} {
		if CanManage(c.u) != c.manage || CanRead(c.u) != c.read || CanReadArea(c.u, "110117001001") != c.inArea {
			t.Errorf("%+v: manage %v read %v area %v", c.u, CanManage(c.u), CanRead(c.u), CanReadArea(c.u, "110117001001"))
		}
	}
	if CanReadArea(street, "110117002001") {
		t.Error("a street's supervisor reads another street's terminal")
	}
}
