package auth_test

import (
	"context"
	"testing"
	"time"

	"github.com/gongzhi/gongzhi/internal/auth"
	"github.com/gongzhi/gongzhi/internal/clock"
	"github.com/gongzhi/gongzhi/internal/db"
	"github.com/gongzhi/gongzhi/internal/db/dbtest"
	"github.com/gongzhi/gongzhi/internal/errs"
	"github.com/gongzhi/gongzhi/internal/gov"
)

// gate admits the org "SO" without a grant, "PC" with one while open, and
// refuses "PC" once shut; it counts what it was asked.
type gate struct {
	shut  bool
	asked []string
}

func (g *gate) Admit(_ context.Context, u auth.User) (*auth.Grant, error) {
	g.asked = append(g.asked, u.Username)
	switch {
	case u.OrgCode == "SO":
		return nil, nil
	case g.shut:
		return nil, errs.New(errs.Forbidden, "协议已暂停", "the agreement is suspended")
	}
	return &auth.Grant{Agreement: "A1", Areas: []string{"110117001"}, Phone: true}, nil
}

// The gate is asked at every authentication of an organisation's staff
// account (login, session, API key), fills in the grant and refuses at
// once; accounts of no organisation are never asked.
func TestGateAtEveryAuthentication(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		a, _, _ := setup(t, d, false)
		g := gov.NewService(d, clock.NewFixed(time.Date(2026, 5, 6, 10, 0, 0, 0, time.UTC)))
		if err := g.UpsertOrg(ctx, gov.Org{Code: "PC", Name: "谷韵物业", Kind: gov.KindPropertyCompany, AreaCode: "110117001"}); err != nil {
			t.Fatal(err)
		}
		gt := &gate{}
		a.SetGate(gt)
		for _, nu := range []auth.NewUser{
			{Username: "wuye", Password: "ember-valley-63", Role: auth.RoleHandler, OrgCode: "PC", AreaCode: "110117001"},
			{Username: "jiedao", Password: "ember-valley-63", Role: auth.RoleHandler, OrgCode: "SO", AreaCode: "110117001"},
			{Username: "boss", Password: "ember-valley-63", Role: auth.RoleAdmin},
		} {
			if _, err := a.CreateUser(ctx, auth.System(), nu); err != nil {
				t.Fatal(err)
			}
		}
		web, err := a.Login(ctx, "wuye", "ember-valley-63", auth.KindWeb)
		if err != nil {
			t.Fatal(err)
		}
		if web.User.Grant == nil || web.User.Grant.Agreement != "A1" {
			t.Fatalf("grant at login: %+v", web.User.Grant)
		}
		if !web.User.InArea("110117001005") || web.User.InArea("110117002001") || web.User.InArea("") {
			t.Fatal("InArea ignores the grant's areas")
		}
		vendor, _ := a.UserByUsername(ctx, "wuye")
		key, _, err := a.CreateAPIKey(ctx, auth.System(), "物业系统", vendor.ID)
		if err != nil {
			t.Fatal(err)
		}
		gt.shut = true
		if _, err := a.Authenticate(ctx, web.Token, auth.KindWeb); !errs.Is(err, errs.Forbidden) {
			t.Fatalf("session after the gate shut: %v", err)
		}
		if _, _, err := a.AuthenticateAPIKey(ctx, key); !errs.Is(err, errs.Forbidden) {
			t.Fatalf("key after the gate shut: %v", err)
		}
		if _, err := a.Login(ctx, "wuye", "ember-valley-63", auth.KindAPI); !errs.Is(err, errs.Forbidden) {
			t.Fatalf("login after the gate shut: %v", err)
		}
		s, err := a.Login(ctx, "jiedao", "ember-valley-63", auth.KindAPI)
		if err != nil || s.User.Grant != nil {
			t.Fatalf("a government account: %v %+v", err, s.User.Grant)
		}
		gt.asked = nil
		if _, err := a.Login(ctx, "boss", "ember-valley-63", auth.KindAPI); err != nil {
			t.Fatal(err)
		}
		if len(gt.asked) != 0 {
			t.Fatalf("the gate was asked about an account of no organisation: %v", gt.asked)
		}
	})
}

// Administrators and supervisors are the government's: refused to the
// accounts of organisations outside it.
func TestGovernmentOnlyRoles(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		a, _, _ := setup(t, d, false)
		g := gov.NewService(d, clock.NewFixed(time.Date(2026, 5, 6, 10, 0, 0, 0, time.UTC)))
		if err := g.UpsertOrg(ctx, gov.Org{Code: "TV", Name: "某技术服务商", Kind: gov.KindTechVendor, AreaCode: "110117"}); err != nil {
			t.Fatal(err)
		}
		for _, nu := range []auth.NewUser{
			{Username: "tv-admin", Role: auth.RoleAdmin, OrgCode: "TV"},
			{Username: "tv-super", Role: auth.RoleSupervisor, OrgCode: "TV", AreaCode: "110117"},
		} {
			nu.Password = "ember-valley-63"
			if _, err := a.CreateUser(ctx, auth.System(), nu); !errs.Is(err, errs.Invalid) {
				t.Fatalf("%s: %v", nu.Username, err)
			}
		}
		if _, err := a.CreateUser(ctx, auth.System(), auth.NewUser{Username: "tv-ops", Password: "ember-valley-63", Role: auth.RoleHandler, OrgCode: "TV", AreaCode: "110117"}); err != nil {
			t.Fatal(err)
		}
		if _, err := a.CreateUser(ctx, auth.System(), auth.NewUser{Username: "so-super", Password: "ember-valley-63", Role: auth.RoleSupervisor, OrgCode: "SO", AreaCode: "110117001"}); err != nil {
			t.Fatal(err)
		}
		err := g.UpsertOrg(ctx, gov.Org{Code: "SO", Name: "滨河街道办事处", Kind: gov.KindCompany, AreaCode: "110117001"})
		if !errs.Is(err, errs.Conflict) {
			t.Fatalf("a street office with a supervisor made a company: %v", err)
		}
		for _, k := range gov.OrgKinds {
			want := k != gov.KindPropertyCompany && k != gov.KindSocialOrg && k != gov.KindServiceProvider && k != gov.KindCompany && k != gov.KindTechVendor
			if k.Government() != want {
				t.Errorf("%s: government %v", k, k.Government())
			}
		}
	})
}
