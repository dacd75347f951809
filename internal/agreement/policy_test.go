package agreement_test

import (
	"testing"

	"github.com/gongzhi/gongzhi/internal/agreement"
	"github.com/gongzhi/gongzhi/internal/auth"
	"github.com/gongzhi/gongzhi/internal/gov"
)

func TestPolicy(t *testing.T) {
	u := func(role auth.Role, org, area string, level gov.Level) auth.User {
		return auth.User{ID: string(role) + org, Role: role, OrgCode: org, AreaCode: area, AreaLevel: level}
	}
	districtSuper := u(auth.RoleSupervisor, "HOT", district, gov.LevelDistrict)
	streetSuper := u(auth.RoleSupervisor, "S1", street, gov.LevelStreet)
	staff := u(auth.RoleHandler, vendor, street, gov.LevelStreet)
	staff.Grant = &auth.Grant{Areas: []string{community}}
	for _, c := range []struct {
		name                 string
		u                    auth.User
		manage, own, reports bool
	}{
		{"admin", auth.System(), true, true, true},
		{"district supervisor", districtSuper, true, true, true},
		{"street supervisor", streetSuper, false, false, false},
		{"the vendor's handler", staff, false, true, false},
		{"a dispatcher", u(auth.RoleDispatcher, "HOT", district, gov.LevelDistrict), false, false, false},
		{"an auditor", auth.User{ID: "au", Role: auth.RoleAuditor}, false, false, false},
		{"a resident", auth.User{ID: "r", Role: auth.RoleResident, Phone: "13800138000"}, false, false, false},
	} {
		if got := agreement.CanManage(c.u); got != c.manage {
			t.Errorf("%s manages: %v", c.name, got)
		}
		if got := agreement.CanRead(c.u, vendor); got != c.own {
			t.Errorf("%s reads PC1's: %v", c.name, got)
		}
		if got := agreement.CanReadReport(c.u); got != c.reports {
			t.Errorf("%s reads the report: %v", c.name, got)
		}
	}
}
