package auth_test

import (
	"context"
	"encoding/base32"
	"net/url"
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

// RFC 6238 appendix B (SHA-1, 8 digits) and RFC 4226 appendix D.
func TestTOTPVectors(t *testing.T) {
	key := []byte("12345678901234567890")
	for _, v := range []struct {
		unix int64
		want string
	}{
		{59, "94287082"}, {1111111109, "07081804"}, {1111111111, "14050471"},
		{1234567890, "89005924"}, {2000000000, "69279037"}, {20000000000, "65353130"},
	} {
		if got := auth.HOTP(key, uint64(v.unix/30), 8); got != v.want {
			t.Errorf("T=%d: %s, want %s", v.unix, got, v.want)
		}
	}
	for i, want := range []string{"755224", "287082", "359152", "969429", "338314", "254676", "287922", "162583", "399871", "520489"} {
		if got := auth.HOTP(key, uint64(i), 6); got != want {
			t.Errorf("HOTP counter %d: %s, want %s", i, got, want)
		}
	}
	// One step of drift either way, not two.
	now := time.Unix(1111111111, 0)
	step := now.Unix() / 30
	for d, ok := range map[int64]bool{-2: false, -1: true, 0: true, 1: true, 2: false} {
		if got, found := auth.CheckTOTP(key, auth.HOTP(key, uint64(step+d), 6), now); found != ok || ok && got != step+d {
			t.Errorf("drift %d: %d %v", d, got, found)
		}
	}
	if _, ok := auth.CheckTOTP(key, "12345", now); ok {
		t.Error("a short code")
	}
}

func TestTOTPLogin(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		a, c, _ := setup(t, d, false)
		u, err := a.CreateUser(ctx, auth.System(), auth.NewUser{Username: "li.na", Password: "correct-horse", Role: auth.RoleHandler, OrgCode: "SO", AreaCode: "110117001"})
		if err != nil {
			t.Fatal(err)
		}
		e, err := a.BeginTOTP(ctx, u)
		if err != nil {
			t.Fatal(err)
		}
		uri, err := url.Parse(e.URI)
		if err != nil || uri.Scheme != "otpauth" || uri.Host != "totp" || uri.Query().Get("secret") != e.Secret || !strings.Contains(uri.Path, "li.na") {
			t.Fatalf("uri %q: %v", e.URI, err)
		}
		key, err := base32.StdEncoding.WithPadding(base32.NoPadding).DecodeString(e.Secret)
		if err != nil || len(key) < 16 {
			t.Fatalf("secret %q: %v", e.Secret, err)
		}
		code := func(at time.Time) string { return auth.HOTP(key, uint64(at.Unix()/30), 6) }
		// Not on until a first code checks.
		if _, err := a.Login(ctx, "li.na", "correct-horse", auth.KindAPI); err != nil {
			t.Fatalf("before confirming: %v", err)
		}
		wrong := "000000"
		if code(c.Now()) == wrong {
			wrong = "111111"
		}
		if err := a.ConfirmTOTP(ctx, u, wrong); !errs.Is(err, errs.Invalid) {
			t.Fatalf("a wrong first code: %v", err)
		}
		if err := a.ConfirmTOTP(ctx, u, code(c.Now())); err != nil {
			t.Fatal(err)
		}
		if _, err := a.BeginTOTP(ctx, auth.User{ID: u.ID, Role: u.Role, TOTP: true}); !errs.Is(err, errs.Conflict) {
			t.Fatalf("enrol twice: %v", err)
		}
		login := func(totp string) error {
			_, err := a.LoginWith(ctx, auth.Credentials{Username: "li.na", Password: "correct-horse", TOTP: totp}, auth.KindAPI)
			return err
		}
		if err := login(""); !errs.Is(err, errs.Unauthorized) || !strings.Contains(errs.As(err).MsgEn, "authenticator") {
			t.Fatalf("no code: %v", err)
		}
		// The code of the enrolment step is used up; the next step's works once.
		if err := login(code(c.Now())); !errs.Is(err, errs.Unauthorized) {
			t.Fatalf("a used code: %v", err)
		}
		c.Advance(30 * time.Second)
		if err := login(code(c.Now())); err != nil {
			t.Fatalf("a good code: %v", err)
		}
		if err := login(code(c.Now())); !errs.Is(err, errs.Unauthorized) {
			t.Fatalf("a code twice: %v", err)
		}
		// Wrong codes count as failed logins: the used code counted, the
		// success before it cleared the count.
		for range auth.LoginFailuresPerAccount - 1 {
			login(wrong)
		}
		c.Advance(30 * time.Second)
		if err := login(code(c.Now())); !errs.Is(err, errs.TooMany) {
			t.Fatalf("after wrong codes: %v", err)
		}
		// The secret never leaves in a list of users.
		users, _ := a.Users(ctx, false)
		if len(users) != 1 || !users[0].TOTP {
			t.Fatalf("users: %+v", users)
		}
		// An administrator removes it for one who lost her phone.
		admin, err := a.CreateUser(ctx, auth.System(), auth.NewUser{Username: "admin", Password: "lantern-river-42", Role: auth.RoleAdmin})
		if err != nil {
			t.Fatal(err)
		}
		if err := a.RemoveTOTP(ctx, u, u.ID); !errs.Is(err, errs.Forbidden) {
			t.Fatalf("removed by a handler: %v", err)
		}
		if err := a.RemoveTOTP(ctx, admin, admin.ID); !errs.Is(err, errs.Invalid) {
			t.Fatalf("an administrator removes her own: %v", err)
		}
		if err := a.RemoveTOTP(ctx, admin, u.ID); err != nil {
			t.Fatal(err)
		}
		if err := a.Unlock(ctx, admin, u.ID); err != nil {
			t.Fatal(err)
		}
		if err := login(""); err != nil {
			t.Fatalf("after removal: %v", err)
		}
	})
}

// With AdminTOTP, an administrator without a second factor may only enrol.
func TestAdminTOTPRequired(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		c := clock.NewFixed(time.Date(2026, 5, 6, 10, 0, 0, 0, time.UTC))
		a := auth.NewService(d, c, gov.NewService(d, c), nil, auth.Options{BcryptCost: 4, AdminTOTP: true})
		admin, err := a.CreateUser(ctx, auth.System(), auth.NewUser{Username: "admin", Password: "lantern-river-42", Role: auth.RoleAdmin})
		if err != nil {
			t.Fatal(err)
		}
		s, err := a.Login(ctx, "admin", "lantern-river-42", auth.KindWeb)
		if err != nil {
			t.Fatal(err)
		}
		if a.Pending(s.User) != auth.PendingTOTP || !errs.Is(a.PendingError(s.User), errs.Forbidden) {
			t.Fatalf("admin without totp: %q", a.Pending(s.User))
		}
		e, _ := a.BeginTOTP(ctx, admin)
		key, _ := base32.StdEncoding.WithPadding(base32.NoPadding).DecodeString(e.Secret)
		if err := a.ConfirmTOTP(ctx, admin, auth.HOTP(key, uint64(c.Now().Unix()/30), 6)); err != nil {
			t.Fatal(err)
		}
		s, err = a.Authenticate(ctx, s.Token, auth.KindWeb)
		if err != nil || a.Pending(s.User) != "" {
			t.Fatalf("after enrolling: %v %q", err, a.Pending(s.User))
		}
	})
}
