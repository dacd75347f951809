package auth_test

import (
	"context"
	"encoding/base64"
	"strings"
	"testing"
	"time"

	"github.com/gongzhi/gongzhi/internal/auth"
	"github.com/gongzhi/gongzhi/internal/db"
	"github.com/gongzhi/gongzhi/internal/db/dbtest"
	"github.com/gongzhi/gongzhi/internal/errs"
)

func TestAPIKeys(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		a, c, _ := setup(t, d, false)
		admin, err := a.CreateUser(ctx, auth.System(), auth.NewUser{Username: "admin", Password: "lantern-river-42", Role: auth.RoleAdmin})
		if err != nil {
			t.Fatal(err)
		}
		svc, err := a.CreateUser(ctx, auth.System(), auth.NewUser{Username: "svc-app", Password: "unused-password", Role: auth.RoleHandler, OrgCode: "SO", AreaCode: "110117001"})
		if err != nil {
			t.Fatal(err)
		}
		resident, err := a.CreateUser(ctx, auth.System(), auth.NewUser{Phone: "13800138000", Role: auth.RoleResident})
		if err != nil {
			t.Fatal(err)
		}

		// Only an admin makes keys, for a staff account that registers requests.
		if _, _, err := a.CreateAPIKey(ctx, svc, "x", svc.ID); !errs.Is(err, errs.Forbidden) {
			t.Fatalf("non-admin: %v", err)
		}
		for _, c := range []struct{ name, user string }{{"", svc.ID}, {strings.Repeat("名", 101), svc.ID}, {"x", ""}, {"x", "nobody"}, {"x", resident.ID}, {"x", admin.ID}} {
			if _, _, err := a.CreateAPIKey(ctx, admin, c.name, c.user); !errs.Is(err, errs.Invalid) {
				t.Errorf("name %q user %q: %v", c.name, c.user, err)
			}
		}
		key, k, err := a.CreateAPIKey(ctx, admin, "报事 App", svc.ID)
		if err != nil {
			t.Fatal(err)
		}
		raw, err := base64.RawURLEncoding.DecodeString(strings.TrimPrefix(key, auth.APIKeyPrefix))
		if !strings.HasPrefix(key, "gzk_") || err != nil || len(raw) < 32 {
			t.Fatalf("key %q is not gzk_ + base64url of 32+ bytes", key)
		}
		if k.Prefix != key[:8] || k.OrgCode != "SO" || k.UserID != svc.ID || k.UseCount != 0 {
			t.Fatalf("record %+v", k)
		}

		// Using it counts; the account comes back with its scope.
		for i := 0; i < 3; i++ {
			c.Advance(time.Minute)
			u, used, err := a.AuthenticateAPIKey(ctx, key)
			if err != nil {
				t.Fatal(err)
			}
			if u.ID != svc.ID || u.AreaLevel == "" || used.UseCount != int64(i+1) || used.LastUsedAt == nil || !used.LastUsedAt.Equal(c.Now()) {
				t.Fatalf("use %d: %+v %+v", i, u, used)
			}
		}
		for _, bad := range []string{"", "gzk_", key + "x", "Bearer " + key, strings.Replace(key, "gzk_", "gzx_", 1)} {
			if _, _, err := a.AuthenticateAPIKey(ctx, bad); !errs.Is(err, errs.Unauthorized) {
				t.Errorf("key %q: %v", bad, err)
			}
		}

		list, err := a.ListAPIKeys(ctx, admin)
		if err != nil || len(list) != 1 || list[0].UseCount != 3 || list[0].RevokedAt != nil {
			t.Fatalf("list %+v %v", list, err)
		}
		if _, err := a.ListAPIKeys(ctx, svc); !errs.Is(err, errs.Forbidden) {
			t.Fatalf("non-admin list: %v", err)
		}

		// A disabled account stops its keys; enabled again, they work.
		if err := a.SetDisabled(ctx, auth.System(), svc.ID, true); err != nil {
			t.Fatal(err)
		}
		if _, _, err := a.AuthenticateAPIKey(ctx, key); !errs.Is(err, errs.Unauthorized) {
			t.Fatalf("disabled account: %v", err)
		}
		if err := a.SetDisabled(ctx, auth.System(), svc.ID, false); err != nil {
			t.Fatal(err)
		}
		// Revoked is revoked for good, and revoking twice is fine.
		if err := a.RevokeAPIKey(ctx, admin, k.ID); err != nil {
			t.Fatal(err)
		}
		if err := a.RevokeAPIKey(ctx, admin, k.ID); err != nil {
			t.Fatal(err)
		}
		if err := a.RevokeAPIKey(ctx, admin, "nope"); !errs.Is(err, errs.NotFound) {
			t.Fatalf("unknown key: %v", err)
		}
		if _, _, err := a.AuthenticateAPIKey(ctx, key); !errs.Is(err, errs.Unauthorized) {
			t.Fatalf("revoked key: %v", err)
		}
		list, _ = a.ListAPIKeys(ctx, admin)
		if list[0].RevokedAt == nil {
			t.Fatal("revoked_at not set")
		}
		log, err := a.AuditLog(ctx, "api_key:"+k.ID, 10)
		if err != nil || len(log) != 3 {
			t.Fatalf("audit %+v %v", log, err)
		}
	})
}
