package auth_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"golang.org/x/crypto/bcrypt"

	"github.com/gongzhi/gongzhi/internal/auth"
	"github.com/gongzhi/gongzhi/internal/clock"
	"github.com/gongzhi/gongzhi/internal/db"
	"github.com/gongzhi/gongzhi/internal/db/dbtest"
	"github.com/gongzhi/gongzhi/internal/errs"
	"github.com/gongzhi/gongzhi/internal/gov"
)

// An unknown username costs the same bcrypt work as a known one, so the time
// of an answer does not tell whether an account exists.
func TestDummyHashHasServiceCost(t *testing.T) {
	for _, cost := range []int{5, 6} {
		a := auth.NewService(nil, clock.System{}, nil, nil, auth.Options{BcryptCost: cost})
		got, err := bcrypt.Cost(auth.DummyHash(a))
		if err != nil || got != cost {
			t.Fatalf("dummy hash cost %d (%v), want the service's %d", got, err, cost)
		}
	}
}

func TestPasswordRule(t *testing.T) {
	bad := map[string]string{
		"12345678":          "short",
		"abc":               "short",
		"1234567890":        "numeric run",
		"0987654321":        "numeric run",
		"qwertyuiop":        "keyboard walk",
		"1qaz2wsx3edc":      "keyboard walk",
		"Password123":       "password-like, any case",
		"P@ssw0rd123":       "password-like",
		"woaini1314520":     "pinyin",
		"AAAAAAAAAAAA":      "one character",
		"li.na-2026-spring": "contains the username",
		"LI.NA12345678":     "contains the username, any case",
	}
	for pw, why := range bad {
		if err := auth.CheckPassword("li.na", pw); !errs.Is(err, errs.Invalid) {
			t.Errorf("%q (%s) accepted: %v", pw, why, err)
		} else if e := errs.As(err); e.Msg == "" || e.MsgEn == "" {
			t.Errorf("%q: the message needs both languages: %+v", pw, e)
		}
	}
	if err := auth.CheckPassword("li.na", string(make([]byte, 73))); !errs.Is(err, errs.Invalid) {
		t.Error("a password past bcrypt's 72 bytes accepted")
	}
	for _, pw := range []string{"gongzhi-demo", "correct-horse", "滨河街道2026春天"} {
		if err := auth.CheckPassword("li.na", pw); err != nil {
			t.Errorf("%q refused: %v", pw, err)
		}
	}
}

// Every way a staff password is set follows the rule.
func TestPasswordRuleOnEverySet(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		a, _, _ := setup(t, d, false)
		nu := auth.NewUser{Username: "wang", Password: "12345678", Role: auth.RoleDispatcher, OrgCode: "SO", AreaCode: "110117"}
		if _, err := a.CreateUser(ctx, auth.System(), nu); !errs.Is(err, errs.Invalid) {
			t.Fatalf("create with 12345678: %v", err)
		}
		nu.Password = "wang-wang-wang"
		if _, err := a.CreateUser(ctx, auth.System(), nu); !errs.Is(err, errs.Invalid) {
			t.Fatalf("create with the username inside: %v", err)
		}
		if _, _, err := a.EnsureAdmin(ctx, "1234567890"); !errs.Is(err, errs.Invalid) {
			t.Fatalf("admin with a numeric run: %v", err)
		}
	})
}

func TestLoginFailureLimit(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		a, c, _ := setup(t, d, false)
		admin, err := a.CreateUser(ctx, auth.System(), auth.NewUser{Username: "admin", Password: "lantern-river-42", Role: auth.RoleAdmin})
		if err != nil {
			t.Fatal(err)
		}
		u, err := a.CreateUser(ctx, auth.System(), auth.NewUser{Username: "li.na", Password: "correct-horse", Role: auth.RoleHandler, OrgCode: "SO", AreaCode: "110117001"})
		if err != nil {
			t.Fatal(err)
		}
		try := func(pw, addr string) error {
			_, err := a.LoginWith(ctx, auth.Credentials{Username: "li.na", Password: pw, Addr: addr}, auth.KindAPI)
			return err
		}
		// A success clears the count: 4 wrong, right, 4 wrong, right.
		for range 2 {
			for range auth.LoginFailuresPerAccount - 1 {
				if err := try("wrong-password", "10.0.0.1"); !errs.Is(err, errs.Unauthorized) {
					t.Fatal(err)
				}
			}
			if err := try("correct-horse", "10.0.0.1"); err != nil {
				t.Fatalf("a success clears the failures: %v", err)
			}
		}
		// The fifth failure locks the account, from any address.
		for range auth.LoginFailuresPerAccount {
			try("wrong-password", "10.0.0.2")
		}
		err = try("correct-horse", "10.0.0.3")
		if e := errs.As(err); e.Code != errs.TooMany || e.RetryAfter != int(auth.LoginLockout.Seconds()) {
			t.Fatalf("locked account: %+v", e)
		}
		// The lock is in the database: another server (or this one after a
		// restart) sees it.
		other := auth.NewService(d, c, gov.NewService(d, c), nil, auth.Options{BcryptCost: 4})
		if _, err := other.Login(ctx, "li.na", "correct-horse", auth.KindAPI); !errs.Is(err, errs.TooMany) {
			t.Fatalf("another server: %v", err)
		}
		log, err := a.AuditLog(ctx, "login:li.na", 100)
		locks, failures := 0, 0
		for _, e := range log {
			if e.UserID != u.ID {
				t.Errorf("audit entry of another account: %+v", e)
			}
			switch e.Action {
			case auth.AuditLoginLocked:
				locks++
			case auth.AuditLoginFailed:
				failures++
			}
		}
		if err != nil || locks != 1 || failures != 3*auth.LoginFailuresPerAccount-2 {
			t.Fatalf("audit: %v, %d locks, %d failures", err, locks, failures)
		}
		if users, _ := a.Users(ctx, false); users[len(users)-1].Username != "li.na" || users[len(users)-1].LockedUntil == nil {
			t.Fatalf("the list of users shows the lock: %+v", users)
		}
		if err := a.Unlock(ctx, u, u.ID); !errs.Is(err, errs.Forbidden) {
			t.Fatalf("unlock by a handler: %v", err)
		}
		if err := a.Unlock(ctx, admin, u.ID); err != nil {
			t.Fatal(err)
		}
		if err := try("correct-horse", "10.0.0.3"); err != nil {
			t.Fatalf("after unlock: %v", err)
		}
		// A lock ends by itself.
		for range auth.LoginFailuresPerAccount {
			try("wrong-password", "10.0.0.4")
		}
		c.Advance(auth.LoginLockout - time.Second)
		if err := try("correct-horse", "10.0.0.4"); !errs.Is(err, errs.TooMany) {
			t.Fatalf("still locked: %v", err)
		}
		c.Advance(time.Second)
		if err := try("correct-horse", "10.0.0.4"); err != nil {
			t.Fatalf("after the lockout: %v", err)
		}
		// Unknown names count like known ones, per name and per address.
		for i := range auth.LoginFailuresPerAddress {
			a.LoginWith(ctx, auth.Credentials{Username: fmt.Sprintf("nobody%d", i), Password: "x-password", Addr: "10.0.0.9"}, auth.KindAPI)
		}
		if err := try("correct-horse", "10.0.0.9"); !errs.Is(err, errs.TooMany) {
			t.Fatalf("locked address: %v", err)
		}
		if err := try("correct-horse", "10.0.0.8"); err != nil {
			t.Fatalf("another address: %v", err)
		}
	})
}

func TestPasswordChangeAndReset(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		a, _, _ := setup(t, d, false)
		admin, err := a.CreateUser(ctx, auth.System(), auth.NewUser{Username: "admin", Password: "lantern-river-42", Role: auth.RoleAdmin})
		if err != nil {
			t.Fatal(err)
		}
		u, err := a.CreateUser(ctx, auth.System(), auth.NewUser{Username: "li.na", Password: "correct-horse", Role: auth.RoleHandler, OrgCode: "SO", AreaCode: "110117001"})
		if err != nil {
			t.Fatal(err)
		}
		web, _ := a.Login(ctx, "li.na", "correct-horse", auth.KindWeb)
		api, _ := a.Login(ctx, "li.na", "correct-horse", auth.KindAPI)
		for _, c := range []struct{ cur, next string }{
			{"wrong-password", "spring-river-77"},
			{"correct-horse", "short"},
			{"correct-horse", "li.na-spring-77"},
			{"correct-horse", "1234567890"},
			{"correct-horse", "correct-horse"},
		} {
			if err := a.ChangePassword(ctx, web, c.cur, c.next); !errs.Is(err, errs.Invalid) {
				t.Errorf("change %q → %q: %v", c.cur, c.next, err)
			}
		}
		if err := a.ChangePassword(ctx, web, "correct-horse", "spring-river-77"); err != nil {
			t.Fatal(err)
		}
		if _, err := a.Authenticate(ctx, web.Token, auth.KindWeb); err != nil {
			t.Fatalf("the session that changed the password goes on: %v", err)
		}
		if _, err := a.Authenticate(ctx, api.Token, auth.KindAPI); !errs.Is(err, errs.Unauthorized) {
			t.Fatalf("other sessions end: %v", err)
		}
		if _, err := a.Login(ctx, "li.na", "correct-horse", auth.KindAPI); !errs.Is(err, errs.Unauthorized) {
			t.Fatalf("old password: %v", err)
		}

		// An administrator's reset: every session ends, and the next one
		// may only change the password.
		if _, err := a.ResetPassword(ctx, u, admin.ID, ""); !errs.Is(err, errs.Forbidden) {
			t.Fatalf("reset by a handler: %v", err)
		}
		if _, err := a.ResetPassword(ctx, admin, u.ID, "12345678"); !errs.Is(err, errs.Invalid) {
			t.Fatalf("a weak temporary password: %v", err)
		}
		temp, err := a.ResetPassword(ctx, admin, u.ID, "")
		if err != nil || auth.CheckPassword("li.na", temp) != nil {
			t.Fatalf("reset: %q %v", temp, err)
		}
		if _, err := a.Authenticate(ctx, web.Token, auth.KindWeb); !errs.Is(err, errs.Unauthorized) {
			t.Fatalf("a reset ends every session: %v", err)
		}
		s, err := a.Login(ctx, "li.na", temp, auth.KindWeb)
		if err != nil {
			t.Fatal(err)
		}
		if !s.User.MustChangePassword || a.Pending(s.User) != auth.PendingPassword || !errs.Is(a.PendingError(s.User), errs.Forbidden) {
			t.Fatalf("after a reset: %+v", s.User)
		}
		if err := a.ChangePassword(ctx, s, temp, "autumn-leaves-88"); err != nil {
			t.Fatal(err)
		}
		s, err = a.Authenticate(ctx, s.Token, auth.KindWeb)
		if err != nil || a.Pending(s.User) != "" || a.PendingError(s.User) != nil {
			t.Fatalf("after the change: %v %+v", err, s.User)
		}
		// Guessing the current password counts as failed logins.
		for range auth.LoginFailuresPerAccount {
			a.ChangePassword(ctx, s, "wrong-password", "winter-snow-99")
		}
		if err := a.ChangePassword(ctx, s, "autumn-leaves-88", "winter-snow-99"); !errs.Is(err, errs.TooMany) {
			t.Fatalf("guessing the current password: %v", err)
		}
	})
}

// Staff web sessions end after IdleTimeout without a use; a use is written
// at most once a minute.
func TestIdleTimeout(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		c := clock.NewFixed(time.Date(2026, 5, 6, 10, 0, 0, 0, time.UTC))
		g := gov.NewService(d, c)
		if err := g.UpsertArea(ctx, gov.Area{Code: "110117", Name: "平谷区", Level: gov.LevelDistrict}); err != nil {
			t.Fatal(err)
		}
		a := auth.NewService(d, c, g, nil, auth.Options{BcryptCost: 4, IdleTimeout: 30 * time.Minute})
		if _, err := a.CreateUser(ctx, auth.System(), auth.NewUser{Username: "li.na", Password: "correct-horse", Role: auth.RoleSupervisor, AreaCode: "110117"}); err != nil {
			t.Fatal(err)
		}
		web, _ := a.Login(ctx, "li.na", "correct-horse", auth.KindWeb)
		api, _ := a.Login(ctx, "li.na", "correct-horse", auth.KindAPI)
		lastSeen := func() time.Time {
			var ms int64
			if err := d.R.QueryRowContext(ctx, `SELECT last_seen FROM sessions WHERE user_id = (SELECT id FROM users WHERE username = 'li.na') AND kind = 'web'`).Scan(&ms); err != nil {
				t.Fatal(err)
			}
			return time.UnixMilli(ms)
		}
		start := c.Now()
		c.Advance(30 * time.Second)
		if _, err := a.Authenticate(ctx, web.Token, auth.KindWeb); err != nil || !lastSeen().Equal(start) {
			t.Fatalf("a use within the minute is not written: %v %v", err, lastSeen())
		}
		for range 3 { // an hour and a half in uses 29 minutes apart
			c.Advance(29 * time.Minute)
			if _, err := a.Authenticate(ctx, web.Token, auth.KindWeb); err != nil {
				t.Fatalf("a session in use: %v", err)
			}
			if !lastSeen().Equal(c.Now()) {
				t.Fatalf("last seen %v, want %v", lastSeen(), c.Now())
			}
		}
		c.Advance(30 * time.Minute)
		if _, err := a.Authenticate(ctx, web.Token, auth.KindWeb); !errs.Is(err, errs.Unauthorized) || !strings.Contains(errs.As(err).MsgEn, "idle") {
			t.Fatalf("an idle session: %v", err)
		}
		if _, err := a.Authenticate(ctx, web.Token, auth.KindWeb); !errs.Is(err, errs.Unauthorized) {
			t.Fatalf("an idle session stays ended: %v", err)
		}
		if _, err := a.Authenticate(ctx, api.Token, auth.KindAPI); err != nil {
			t.Fatalf("API tokens have no idle timeout: %v", err)
		}
	})
}

// The auditor logs in with a password as staff do, and has the same controls.
func TestAuditorAccountControls(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		a, _, _ := setup(t, d, false)
		admin, err := a.CreateUser(ctx, auth.System(), auth.NewUser{Username: "admin", Password: "lantern-river-42", Role: auth.RoleAdmin})
		if err != nil {
			t.Fatal(err)
		}
		u, err := a.CreateUser(ctx, auth.System(), auth.NewUser{Username: "shen.ji", Password: "audit-trail-2026", Role: auth.RoleAuditor})
		if err != nil {
			t.Fatal(err)
		}
		temp, err := a.ResetPassword(ctx, admin, u.ID, "")
		if err != nil {
			t.Fatal(err)
		}
		s, err := a.Login(ctx, "shen.ji", temp, auth.KindWeb)
		if err != nil || a.Pending(s.User) != auth.PendingPassword {
			t.Fatalf("after a reset: %v %q", err, a.Pending(s.User))
		}
		if err := a.ChangePassword(ctx, s, temp, "ledger-review-88"); err != nil {
			t.Fatal(err)
		}
		if _, err := a.BeginTOTP(ctx, s.User); err != nil {
			t.Fatalf("an auditor enrols a second factor: %v", err)
		}
	})
}
