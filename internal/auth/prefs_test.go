package auth_test

import (
	"context"
	"testing"

	"github.com/gongzhi/gongzhi/internal/auth"
	"github.com/gongzhi/gongzhi/internal/db"
	"github.com/gongzhi/gongzhi/internal/db/dbtest"
	"github.com/gongzhi/gongzhi/internal/errs"
)

// TestLargeText: an account's choice of the elderly mode is kept with it,
// apart from every other account's.
func TestLargeText(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		a, _, _ := setup(t, d, false)
		var us []auth.User
		for _, name := range []string{"wang.fang", "li.na"} {
			u, err := a.CreateUser(ctx, auth.System(), auth.NewUser{Username: name, Password: "correct-horse", Name: name, Role: auth.RoleHandler, OrgCode: "SO", AreaCode: "110117001"})
			if err != nil {
				t.Fatal(err)
			}
			us = append(us, u)
		}
		check := func(u auth.User, want bool) {
			t.Helper()
			if on, err := a.LargeText(ctx, u); err != nil || on != want {
				t.Fatalf("%s: %v %v, want %v", u.Username, on, err, want)
			}
		}
		check(us[0], false)
		if err := a.SetLargeText(ctx, us[0], true); err != nil {
			t.Fatal(err)
		}
		check(us[0], true)
		check(us[1], false)
		if err := a.SetLargeText(ctx, us[0], false); err != nil {
			t.Fatal(err)
		}
		check(us[0], false)
		if err := a.SetLargeText(ctx, auth.User{}, true); !errs.Is(err, errs.Unauthorized) {
			t.Fatalf("no account: %v", err)
		}
	})
}
