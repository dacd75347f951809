package auth_test

import (
	"context"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/gongzhi/gongzhi/internal/auth"
	"github.com/gongzhi/gongzhi/internal/clock"
	"github.com/gongzhi/gongzhi/internal/db"
	"github.com/gongzhi/gongzhi/internal/db/dbtest"
	"github.com/gongzhi/gongzhi/internal/errs"
	"github.com/gongzhi/gongzhi/internal/gov"
)

type sentCode struct{ phone, code string }

type recorder struct{ sent []sentCode }

func (r *recorder) SendCode(phone, code string) error {
	r.sent = append(r.sent, sentCode{phone, code})
	return nil
}

func setup(t *testing.T, d *db.DB, demo bool) (*auth.Service, *clock.Fixed, *recorder) {
	t.Helper()
	ctx := context.Background()
	c := clock.NewFixed(time.Date(2026, 5, 6, 10, 0, 0, 0, time.UTC))
	g := gov.NewService(d, c)
	if err := g.UpsertArea(ctx, gov.Area{Code: "110117", Name: "平谷区", Level: gov.LevelDistrict}); err != nil {
		t.Fatal(err)
	}
	if err := g.UpsertArea(ctx, gov.Area{Code: "110117001", ParentCode: "110117", Name: "滨河街道", Level: gov.LevelStreet}); err != nil {
		t.Fatal(err)
	}
	if err := g.UpsertOrg(ctx, gov.Org{Code: "SO", Name: "滨河街道办事处", Kind: gov.KindStreetOffice, AreaCode: "110117001"}); err != nil {
		t.Fatal(err)
	}
	rec := &recorder{}
	return auth.NewService(d, c, g, nil, auth.Options{BcryptCost: 4, Demo: demo, Sender: rec}), c, rec
}

func TestPasswordLoginAndSessions(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		a, c, _ := setup(t, d, false)
		u, err := a.CreateUser(ctx, auth.System(), auth.NewUser{Username: "Li.Na", Password: "correct-horse", Name: "李娜", Role: auth.RoleHandler, OrgCode: "SO", AreaCode: "110117001"})
		if err != nil {
			t.Fatal(err)
		}
		if u.Username != "li.na" {
			t.Fatalf("usernames are lowercased: %q", u.Username)
		}
		for _, pw := range []string{"wrong-password", "", "correct-horse "} {
			if _, err := a.Login(ctx, "li.na", pw, auth.KindWeb); !errs.Is(err, errs.Unauthorized) {
				t.Fatalf("password %q: %v", pw, err)
			}
		}
		if _, err := a.Login(ctx, "nobody", "correct-horse", auth.KindWeb); !errs.Is(err, errs.Unauthorized) {
			t.Fatalf("unknown user: %v", err)
		}
		s, err := a.Login(ctx, "LI.NA", "correct-horse", auth.KindWeb)
		if err != nil {
			t.Fatal(err)
		}
		if s.User.AreaLevel != gov.LevelStreet || s.CSRF == "" {
			t.Fatalf("session: %+v", s)
		}
		if _, err := a.Authenticate(ctx, s.Token, auth.KindAPI); !errs.Is(err, errs.Unauthorized) {
			t.Fatal("a web session is not an API token")
		}
		if got, err := a.Authenticate(ctx, s.Token, auth.KindWeb); err != nil || got.User.ID != u.ID || got.CSRF != s.CSRF {
			t.Fatalf("authenticate: %v %+v", err, got)
		}
		c.Advance(auth.WebSessionTTL + time.Second)
		if _, err := a.Authenticate(ctx, s.Token, auth.KindWeb); !errs.Is(err, errs.Unauthorized) {
			t.Fatal("expired session still valid")
		}
		s2, _ := a.Login(ctx, "li.na", "correct-horse", auth.KindAPI)
		if err := a.SetDisabled(ctx, auth.System(), u.ID, true); err != nil {
			t.Fatal(err)
		}
		if _, err := a.Authenticate(ctx, s2.Token, auth.KindAPI); !errs.Is(err, errs.Unauthorized) {
			t.Fatal("disabled account's token still valid")
		}
		if _, err := a.Login(ctx, "li.na", "correct-horse", auth.KindAPI); !errs.Is(err, errs.Unauthorized) {
			t.Fatal("disabled account can log in")
		}
	})
}

func TestCreateUserValidation(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		a, _, _ := setup(t, d, false)
		good := auth.NewUser{Username: "wang", Password: "dispatch-desk-7", Role: auth.RoleDispatcher, OrgCode: "SO", AreaCode: "110117"}
		cases := map[string]func(*auth.NewUser){
			"bad role":      func(n *auth.NewUser) { n.Role = "king" },
			"short pw":      func(n *auth.NewUser) { n.Password = "1234567" },
			"bad username":  func(n *auth.NewUser) { n.Username = "王" },
			"no area":       func(n *auth.NewUser) { n.AreaCode = "" },
			"unknown org":   func(n *auth.NewUser) { n.OrgCode = "NOPE" },
			"unknown area":  func(n *auth.NewUser) { n.AreaCode = "999999" },
			"no org":        func(n *auth.NewUser) { n.OrgCode = "" },
			"bad phone":     func(n *auth.NewUser) { n.Phone = "110" },
			"resident only": func(n *auth.NewUser) { *n = auth.NewUser{Role: auth.RoleResident} },
			"system's name": func(n *auth.NewUser) { n.Username = "System" },
		}
		for name, change := range cases {
			nu := good
			change(&nu)
			if _, err := a.CreateUser(ctx, auth.System(), nu); !errs.Is(err, errs.Invalid) {
				t.Errorf("%s: want invalid, got %v", name, err)
			}
		}
		if _, err := a.CreateUser(ctx, auth.System(), good); err != nil {
			t.Fatal(err)
		}
		if _, err := a.CreateUser(ctx, auth.System(), good); !errs.Is(err, errs.Conflict) {
			t.Fatalf("duplicate: %v", err)
		}
		users, err := a.Users(ctx, false)
		if err != nil || len(users) != 1 {
			t.Fatalf("users after failures: %v %d", err, len(users))
		}
	})
}

func TestOneTimeCodes(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		a, c, rec := setup(t, d, false)
		dev, err := a.RequestCode(ctx, "138 0013 8000")
		if err != nil {
			t.Fatal(err)
		}
		if dev != "" {
			t.Fatal("the code must not be returned outside demo mode")
		}
		if len(rec.sent) != 1 || rec.sent[0].phone != "13800138000" {
			t.Fatalf("sender: %+v", rec.sent)
		}
		code := rec.sent[0].code
		if _, err := a.RequestCode(ctx, "13800138000"); !errs.Is(err, errs.TooMany) {
			t.Fatalf("second code within a minute: %v", err)
		}
		if _, err := a.LoginWithCode(ctx, "13800138000", "000000", auth.KindAPI); !errs.Is(err, errs.Unauthorized) && code != "000000" {
			t.Fatalf("wrong code: %v", err)
		}
		s, err := a.LoginWithCode(ctx, "13800138000", code, auth.KindAPI)
		if err != nil {
			t.Fatal(err)
		}
		if s.User.Role != auth.RoleResident || s.User.Phone != "13800138000" {
			t.Fatalf("resident account made on first login: %+v", s.User)
		}
		if _, err := a.LoginWithCode(ctx, "13800138000", code, auth.KindAPI); !errs.Is(err, errs.Unauthorized) {
			t.Fatal("a code works only once")
		}
		// Expiry.
		c.Advance(2 * time.Minute)
		if _, err := a.RequestCode(ctx, "13800138000"); err != nil {
			t.Fatal(err)
		}
		c.Advance(auth.CodeTTL + time.Second)
		if _, err := a.LoginWithCode(ctx, "13800138000", rec.sent[1].code, auth.KindAPI); !errs.Is(err, errs.Unauthorized) {
			t.Fatal("expired code accepted")
		}
		// Guessing kills the code.
		c.Advance(2 * time.Minute)
		if _, err := a.RequestCode(ctx, "13800138000"); err != nil {
			t.Fatal(err)
		}
		good := rec.sent[2].code
		wrong := "111111"
		if good == wrong {
			wrong = "222222"
		}
		for i := 0; i < auth.CodeMaxAttempts; i++ {
			a.LoginWithCode(ctx, "13800138000", wrong, auth.KindAPI)
		}
		if _, err := a.LoginWithCode(ctx, "13800138000", good, auth.KindAPI); !errs.Is(err, errs.Unauthorized) {
			t.Fatal("code still works after too many wrong guesses")
		}
		// At most CodesPerHour per hour.
		for i := 0; i < auth.CodesPerHour; i++ {
			c.Advance(2 * time.Minute)
			a.RequestCode(ctx, "13800138000")
		}
		if _, err := a.RequestCode(ctx, "13800138000"); !errs.Is(err, errs.TooMany) {
			t.Fatalf("hourly limit: %v", err)
		}
		if _, err := a.RequestCode(ctx, "12345"); !errs.Is(err, errs.Invalid) {
			t.Fatalf("bad phone: %v", err)
		}
	})
}

func TestDemoReturnsCode(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		a, _, _ := setup(t, d, true)
		dev, err := a.RequestCode(context.Background(), "13900000000")
		if err != nil || len(dev) != 6 {
			t.Fatalf("demo code: %q %v", dev, err)
		}
	})
}

func TestScopeAndMasking(t *testing.T) {
	street := auth.User{Role: auth.RoleDispatcher, AreaCode: "110117001", AreaLevel: gov.LevelStreet}
	district := auth.User{Role: auth.RoleDispatcher, AreaCode: "110117", AreaLevel: gov.LevelDistrict}
	cases := []struct {
		u    auth.User
		area string
		want bool
	}{
		{street, "110117001002", true},
		{street, "110117002001", false},
		{street, "", false},
		{district, "", true},
		{district, "110117002001", true},
		{district, "110118001001", false},
		{auth.User{Role: auth.RoleResident, AreaCode: "110117"}, "110117", false},
		{auth.User{Role: auth.RoleAdmin}, "999", true},
	}
	for _, c := range cases {
		if got := c.u.InArea(c.area); got != c.want {
			t.Errorf("%s@%s in %q = %v", c.u.Role, c.u.AreaCode, c.area, got)
		}
	}
	if auth.MaskPhone("13812341234") != "138****1234" || auth.MaskName("欧阳娜娜") != "欧***" || auth.MaskName("") != "" {
		t.Fatal("masking")
	}
}

// Only an administrator creates, disables and enables accounts, whichever
// surface asks; each change and its audit entry are written together.
func TestAccountAdministration(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		a, _, _ := setup(t, d, false)
		admin, err := a.CreateUser(ctx, auth.System(), auth.NewUser{Username: "admin", Password: "lantern-river-42", Role: auth.RoleAdmin})
		if err != nil {
			t.Fatal(err)
		}
		nu := auth.NewUser{Username: "li.na", Password: "correct-horse", Role: auth.RoleHandler, OrgCode: "SO", AreaCode: "110117001"}
		for _, role := range auth.Roles {
			if role == auth.RoleAdmin {
				continue
			}
			actor := auth.User{ID: "x-" + string(role), Username: "x", Role: role, OrgCode: "SO", AreaCode: "110117"}
			if _, err := a.CreateUser(ctx, actor, nu); !errs.Is(err, errs.Forbidden) {
				t.Fatalf("a %s creates an account: %v", role, err)
			}
			if err := a.SetDisabled(ctx, actor, admin.ID, true); !errs.Is(err, errs.Forbidden) {
				t.Fatalf("a %s disables an account: %v", role, err)
			}
		}
		u, err := a.CreateUser(ctx, admin, nu)
		if err != nil {
			t.Fatal(err)
		}
		if err := a.SetDisabled(ctx, admin, admin.ID, true); !errs.Is(err, errs.Invalid) {
			t.Fatalf("an administrator disables herself: %v", err)
		}
		if err := a.SetDisabled(ctx, admin, "no-such-id", true); !errs.Is(err, errs.NotFound) {
			t.Fatalf("disable a missing account: %v", err)
		}
		if err := a.SetDisabled(ctx, admin, u.ID, true); err != nil {
			t.Fatal(err)
		}
		if err := a.SetDisabled(ctx, admin, u.ID, false); err != nil {
			t.Fatal(err)
		}
		entries, err := a.AuditLog(ctx, "user:"+u.ID, 100)
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, e := range entries {
			if e.UserID != admin.ID {
				t.Fatalf("entry by %q: %+v", e.UserID, e)
			}
			got = append(got, e.Action)
		}
		sort.Strings(got) // the clock stands still: the entries share one time
		want := []string{auth.AuditCreateUser, auth.AuditDisableUser, auth.AuditEnableUser}
		if strings.Join(got, " ") != strings.Join(want, " ") {
			t.Fatalf("audit entries %v, want %v", got, want)
		}
		first, err := a.AuditLog(ctx, "user:"+admin.ID, 10)
		if err != nil || len(first) != 1 || first[0].Username != auth.SystemUsername {
			t.Fatalf("the system's entry: %v %+v", err, first)
		}
	})
}
