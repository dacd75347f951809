package auth_test

import (
	"context"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/gongzhi/gongzhi/internal/auth"
	"github.com/gongzhi/gongzhi/internal/db"
	"github.com/gongzhi/gongzhi/internal/db/dbtest"
	"github.com/gongzhi/gongzhi/internal/errs"
)

// TestAuditSearch: the administrator and the auditor search the audit log
// by person, ticket, phone and time, page by page; nobody else may; a phone
// is kept only as its keyed hash and found by it.
func TestAuditSearch(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		a, c, _ := setup(t, d, false)
		mk := func(nu auth.NewUser) auth.User {
			t.Helper()
			nu.Password = "a-long-passphrase-26"
			u, err := a.CreateUser(ctx, auth.System(), nu)
			if err != nil {
				t.Fatalf("create %s: %v", nu.Username, err)
			}
			return u
		}
		admin := mk(auth.NewUser{Username: "boss", Role: auth.RoleAdmin})
		auditor := mk(auth.NewUser{Username: "shen.ji", Name: "审计员", Role: auth.RoleAuditor})
		agent := mk(auth.NewUser{Username: "agent", Role: auth.RoleAgent, OrgCode: "SO", AreaCode: "110117001"})
		handler := mk(auth.NewUser{Username: "handler", Role: auth.RoleHandler, OrgCode: "SO", AreaCode: "110117001"})
		if _, err := a.CreateUser(ctx, auth.System(), auth.NewUser{Username: "bad.auditor", Password: "a-long-passphrase-26", Role: auth.RoleAuditor, AreaCode: "110117001"}); !errs.Is(err, errs.Invalid) {
			t.Errorf("an auditor with an area: %v", err)
		}
		start := c.Now()
		write := func(u auth.User, action, object string) {
			t.Helper()
			c.Advance(time.Minute)
			if err := a.Audit(ctx, u, action, object, "d"); err != nil {
				t.Fatal(err)
			}
		}
		write(agent, auth.AuditViewPersonal, "phone:13812345678")
		write(agent, auth.AuditViewPersonal, "ticket:20260506000001")
		write(handler, auth.AuditViewPersonal, "ticket:20260506000001")
		write(handler, auth.AuditViewPersonal, "phone:138 1234 5678")
		write(agent, auth.AuditViewPersonal, "phone:13900000000")
		for i := 0; i < 5; i++ {
			write(admin, auth.AuditCreateUser, "user:x")
		}
		end := c.Now()
		c.Advance(time.Minute) // the searches' own entries come after

		// No phone in clear anywhere in the log.
		var n int
		if err := d.R.QueryRowContext(ctx, `SELECT COUNT(*) FROM audit_log WHERE object LIKE '%13812345678%' OR object LIKE '%5678%'`).Scan(&n); err != nil || n != 0 {
			t.Fatalf("phones in clear in the audit log: %d %v", n, err)
		}

		objects := func(p auth.AuditPage) string {
			var s []string
			for _, e := range p.Items {
				s = append(s, e.Username+" "+e.Object)
			}
			return strings.Join(s, ", ")
		}
		search := func(u auth.User, q string) (auth.AuditPage, error) {
			t.Helper()
			v, _ := url.ParseQuery(q)
			f, err := auth.ParseAuditQuery(v)
			if err != nil {
				return auth.AuditPage{}, err
			}
			return a.SearchAudit(ctx, u, f)
		}
		for _, u := range []auth.User{admin, auditor} {
			p, err := search(u, "phone=13812345678")
			if err != nil || len(p.Items) != 2 || p.Items[0].Username != "handler" || p.Items[1].Username != "agent" {
				t.Fatalf("%s by phone: %s %v", u.Username, objects(p), err)
			}
			if !strings.HasPrefix(p.Items[0].Object, "phone:") || len(p.Items[0].Object) != len("phone:")+64 {
				t.Errorf("a phone is named by its hash: %q", p.Items[0].Object)
			}
			p, err = search(u, "ticket=20260506000001")
			if err != nil || len(p.Items) != 2 {
				t.Fatalf("by ticket: %s %v", objects(p), err)
			}
			p, err = search(u, "actor=AGENT&ticket=20260506000001")
			if err != nil || len(p.Items) != 1 || p.Items[0].Username != "agent" {
				t.Fatalf("by actor and ticket: %s %v", objects(p), err)
			}
			p, err = search(u, "actor="+handler.ID)
			if err != nil || len(p.Items) != 2 {
				t.Fatalf("by user id: %s %v", objects(p), err)
			}
		}
		// By time, page by page, with no entry twice or missed.
		q := url.Values{"actor": {"boss"}, "from": {start.Format(time.RFC3339)}, "to": {end.Add(30 * time.Second).Format(time.RFC3339)}, "limit": {"2"}}
		seen := map[string]bool{}
		pages := 0
		for {
			p, err := search(auditor, q.Encode())
			if err != nil {
				t.Fatal(err)
			}
			pages++
			for i, e := range p.Items {
				if seen[e.ID] {
					t.Fatalf("entry %s twice", e.ID)
				}
				seen[e.ID] = true
				if i > 0 && e.At.After(p.Items[i-1].At) {
					t.Fatal("not newest first")
				}
			}
			if p.NextCursor == "" {
				break
			}
			q.Set("cursor", p.NextCursor)
			c.Advance(time.Minute) // the searches' own entries come after
		}
		if len(seen) != 5 || pages != 3 {
			t.Fatalf("paged %d entries in %d pages, want 5 in 3", len(seen), pages)
		}
		if p, err := search(auditor, "from=2020-01-01&to=2020-12-31"); err != nil || len(p.Items) != 0 {
			t.Fatalf("a year with nothing: %s %v", objects(p), err)
		}
		// The searches are in the log, the phone searched for as its hash.
		p, err := search(admin, "actor=shen.ji")
		if err != nil || len(p.Items) == 0 || p.Items[0].Action != auth.AuditReadLog {
			t.Fatalf("the auditor's searches are not audited: %s %v", objects(p), err)
		}
		var clear int
		d.R.QueryRowContext(ctx, `SELECT COUNT(*) FROM audit_log WHERE detail LIKE '%13812345678%'`).Scan(&clear)
		if clear != 0 {
			t.Error("a searched phone is in clear in the log")
		}

		// Nobody else reads it.
		for _, u := range []auth.User{agent, handler, {Role: auth.RoleResident, Phone: "13812345678"}, {Role: auth.RoleSupervisor, AreaCode: "110117"}} {
			if _, err := search(u, ""); !errs.Is(err, errs.Forbidden) {
				t.Errorf("%s reads the audit log: %v", u.Role, err)
			}
		}
		for _, q := range []string{"from=yesterday", "to=2026-13-01", "limit=0", "limit=201", "cursor=!!!", "cursor=bm9wZQ", "phone=123", "ticket=1&phone=13812345678"} {
			if _, err := search(admin, q); !errs.Is(err, errs.Invalid) {
				t.Errorf("%s: %v, want invalid", q, err)
			}
		}
	})
}

// TestAuditorRole: the auditor is a staff account that works on nothing.
func TestAuditorRole(t *testing.T) {
	r := auth.RoleAuditor
	if !r.Valid() || r.IsStaff() || !r.StaffAccount() {
		t.Fatalf("auditor: valid %v staff %v account %v", r.Valid(), r.IsStaff(), r.StaffAccount())
	}
	u := auth.User{Role: r, AreaCode: "110117"}
	if u.InArea("110117001") || u.InArea("") || u.IsAdmin() || !u.CanReadAudit() {
		t.Fatal("the auditor has a scope")
	}
	for _, role := range auth.Roles {
		if got, want := (auth.User{Role: role}).CanReadAudit(), role == auth.RoleAdmin || role == auth.RoleAuditor; got != want {
			t.Errorf("%s reads the audit log: %v", role, got)
		}
	}
}
