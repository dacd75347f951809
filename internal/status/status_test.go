package status_test

import (
	"context"
	"testing"
	"time"

	"github.com/gongzhi/gongzhi/internal/auth"
	"github.com/gongzhi/gongzhi/internal/clock"
	"github.com/gongzhi/gongzhi/internal/db"
	"github.com/gongzhi/gongzhi/internal/db/dbtest"
	"github.com/gongzhi/gongzhi/internal/errs"
	"github.com/gongzhi/gongzhi/internal/status"
)

func exec(t *testing.T, d *db.DB, q string, args ...any) {
	t.Helper()
	if _, err := d.W.Exec(q, args...); err != nil {
		t.Fatalf("%s: %v", q, err)
	}
}

func TestStatus(t *testing.T) {
	ctx := context.Background()
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		now := time.Date(2026, 4, 10, 9, 0, 0, 0, clock.BusinessZone())
		c := clock.NewFixed(now)
		s := status.NewService(d, c, nil)
		c.Advance(90 * time.Second)
		old := now.AddDate(0, -6, 0).UnixMilli()
		march := time.Date(2026, 3, 15, 12, 0, 0, 0, clock.BusinessZone()).UnixMilli()
		exec(t, d, `INSERT INTO areas (code, name, level) VALUES ('110', '区', 'district')`)
		exec(t, d, `INSERT INTO orgs (code, name, kind, area_code, created_at) VALUES ('o1', '单位', 'department', '110', $1)`, old)
		exec(t, d, `INSERT INTO users (id, username, role, created_at) VALUES ('u1', 'sleepy', 'handler', $1), ('u2', 'busy', 'handler', $1),
('u3', 'newbie', 'agent', $2), ('u4', NULL, 'resident', $1)`, old, now.AddDate(0, 0, -3).UnixMilli())
		exec(t, d, `INSERT INTO sessions (token_hash, user_id, kind, created_at, expires_at, last_seen) VALUES ('h1', 'u1', 'staff', $1, $2, $1),
('h2', 'u2', 'staff', $1, $2, $3)`, old, now.UnixMilli(), now.AddDate(0, 0, -1).UnixMilli())
		exec(t, d, `INSERT INTO webhooks (id, org_code, url, secret, secret_prefix, events, created_at, updated_at) VALUES ('w1', 'o1', 'https://x.example', 's', 's', '*', $1, $1)`, old)
		exec(t, d, `INSERT INTO webhook_deliveries (id, webhook_id, ticket_number, seq, action, payload, status, next_at, created_at) VALUES
('d1', 'w1', 'T1', 1, 'created', '{}', 'failed', $1, $1), ('d2', 'w1', 'T1', 2, 'created', '{}', 'delivered', $1, $1)`, old)
		exec(t, d, `INSERT INTO surveys (id, area_code, level, title, status, closes_at, created_by, created_at, updated_at) VALUES ('s1', '110', 'community', '问卷', 'open', $1, 'u2', $1, $1)`, march)
		exec(t, d, `INSERT INTO audit_log (id, at, user_id, action, object, detail) VALUES ('a1', $1, 'system', 'backup', 'backup:/x/1.db', 'by=ops'), ('a2', $2, 'system', 'backup', 'backup:/x/2.db', 'by=ops')`, old, march)

		if _, err := s.Read(ctx, auth.User{ID: "u2", Role: auth.RoleHandler}, ""); !errs.Is(err, errs.Forbidden) {
			t.Fatalf("handler reads the status: %v", err)
		}
		if _, err := s.Read(ctx, auth.User{ID: "a", Role: auth.RoleAdmin}, "2026-13"); !errs.Is(err, errs.Invalid) {
			t.Fatalf("month 2026-13: %v", err)
		}
		st, err := s.Read(ctx, auth.User{ID: "s", Role: auth.RoleSupervisor}, "")
		if err != nil {
			t.Fatal(err)
		}
		latest, _ := db.LatestVersion(d.Engine)
		if st.UptimeSeconds != 90 || st.SchemaVersion != latest || len(st.Pending) != 0 || st.Version == "" {
			t.Fatalf("status: %+v", st)
		}
		if st.LastBackup == nil || st.LastBackup.Object != "backup:/x/2.db" || st.Failed.WebhookDeliveries != 1 || st.Failed.CitylinkDeliveries != 0 {
			t.Fatalf("backup %+v failed %+v", st.LastBackup, st.Failed)
		}
		u := st.Usage
		if u.Month != "2026-03" || len(u.Dormant) != 1 || u.Dormant[0].Username != "sleepy" || u.Dormant[0].LastSeen == nil {
			t.Fatalf("usage: %+v", u)
		}
		for _, k := range u.Unused {
			if k == "surveys" {
				t.Fatalf("surveys were used in March: %v", u.Unused)
			}
		}
		if len(u.Unused) != len(u.Features)-1 {
			t.Fatalf("unused %v of %d", u.Unused, len(u.Features))
		}
		st, _ = s.Read(ctx, auth.User{ID: "a", Role: auth.RoleAdmin}, "2026-04")
		if st.Usage.Month != "2026-04" || len(st.Usage.Unused) != len(st.Usage.Features) {
			t.Fatalf("April: %+v", st.Usage)
		}
	})
}
