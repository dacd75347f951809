package auth_test

import (
	"context"
	"testing"

	"golang.org/x/crypto/bcrypt"

	"github.com/gongzhi/gongzhi/internal/auth"
	"github.com/gongzhi/gongzhi/internal/clock"
	"github.com/gongzhi/gongzhi/internal/db"
	"github.com/gongzhi/gongzhi/internal/db/dbtest"
	"github.com/gongzhi/gongzhi/internal/errs"
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
