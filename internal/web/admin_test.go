package web_test

import (
	"context"
	"net/http/httptest"
	"net/url"
	"testing"

	"github.com/gongzhi/gongzhi/internal/auth"
	"github.com/gongzhi/gongzhi/internal/db/dbtest"
)

// Creating, disabling and enabling an account on the users page each leave
// one entry in the audit log, naming the administrator who did it.
func TestUserAdministrationAudited(t *testing.T) {
	for _, engine := range dbtest.Engines() {
		t.Run(engine, func(t *testing.T) {
			a := newAppOn(t, engine)
			srv := httptest.NewServer(a.Handler)
			defer srv.Close()
			ctx := context.Background()
			admin := staffLogin(t, srv, "admin", "lantern-river-42")
			_, page := admin.get("/staff/users")
			status, body := admin.post("/staff/users", url.Values{"csrf": {csrf(t, page)}, "username": {"web-made"},
				"password": {"first-password-1"}, "name": {"网页"}, "role": {"handler"},
				"org_code": {"110117001-SO"}, "area_code": {"110117001"}})
			if status != 200 {
				t.Fatalf("create: %d\n%s", status, body)
			}
			u, err := a.Auth.UserByUsername(ctx, "web-made")
			if err != nil {
				t.Fatal(err)
			}
			for _, step := range []struct{ path, action string }{
				{"", auth.AuditCreateUser},
				{"/disable", auth.AuditDisableUser},
				{"/enable", auth.AuditEnableUser},
			} {
				if step.path != "" {
					if status, body := admin.post("/staff/users/"+u.ID+step.path, url.Values{"csrf": {csrf(t, page)}}); status != 200 {
						t.Fatalf("%s: %d\n%s", step.path, status, body)
					}
				}
				entries, err := a.Auth.AuditLog(ctx, "user:"+u.ID, 100)
				if err != nil {
					t.Fatal(err)
				}
				n := 0
				for _, e := range entries {
					if e.Action == step.action {
						n++
						if e.Username != "admin" {
							t.Fatalf("%s audited as %q", step.action, e.Username)
						}
					}
				}
				if n != 1 {
					t.Fatalf("%s: %d audit entries, want 1: %+v", step.action, n, entries)
				}
			}
		})
	}
}
