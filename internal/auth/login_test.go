package auth_test

import (
	"context"
	"fmt"
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
		if _, err := a.CreateUser(ctx, nu); !errs.Is(err, errs.Invalid) {
			t.Fatalf("create with 12345678: %v", err)
		}
		nu.Password = "wang-wang-wang"
		if _, err := a.CreateUser(ctx, nu); !errs.Is(err, errs.Invalid) {
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
		admin, err := a.CreateUser(ctx, auth.NewUser{Username: "admin", Password: "lantern-river-42", Role: auth.RoleAdmin})
		if err != nil {
			t.Fatal(err)
		}
		u, err := a.CreateUser(ctx, auth.NewUser{Username: "li.na", Password: "correct-horse", Role: auth.RoleHandler, OrgCode: "SO", AreaCode: "110117001"})
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
