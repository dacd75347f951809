package opendata_test

import (
	"testing"

	"github.com/gongzhi/gongzhi/internal/auth"
	"github.com/gongzhi/gongzhi/internal/opendata"
)

func TestPolicy(t *testing.T) {
	admin := auth.User{ID: "a", Role: auth.RoleAdmin}
	others := []auth.User{{}, {ID: "r", Role: auth.RoleResident, Phone: "13800000000"},
		{ID: "s", Role: auth.RoleSupervisor, AreaCode: "110117"}, {ID: "d", Role: auth.RoleDispatcher, AreaCode: "110117"},
		{ID: "au", Role: auth.RoleAuditor}}
	if !opendata.CanSwitch(admin) || !opendata.CanSeeUnpublished(admin) || !opendata.CanRead(admin, false) {
		t.Fatal("the administrator")
	}
	for _, u := range others {
		if opendata.CanSwitch(u) || opendata.CanSeeUnpublished(u) || opendata.CanRead(u, false) {
			t.Errorf("%q switches or reads what is not published", u.ID)
		}
		if !opendata.CanRead(u, true) {
			t.Errorf("%q cannot read what is published", u.ID)
		}
	}
}
