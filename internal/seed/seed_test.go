package seed_test

import (
	"context"
	"database/sql"
	"strconv"
	"testing"
	"time"

	"github.com/gongzhi/gongzhi/internal/auth"
	"github.com/gongzhi/gongzhi/internal/db"
	"github.com/gongzhi/gongzhi/internal/db/dbtest"
	"github.com/gongzhi/gongzhi/internal/seed"
	"github.com/gongzhi/gongzhi/internal/ticket"
)

func count(t *testing.T, d *db.DB, q string, args ...any) int {
	t.Helper()
	var n int
	if err := d.R.QueryRowContext(context.Background(), q, args...).Scan(&n); err != nil {
		t.Fatalf("%s: %v", q, err)
	}
	return n
}

func TestSeedIsConsistent(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		const n = 2000
		st, err := seed.Run(ctx, d, seed.Options{Tickets: n, Months: 2, Seed: 7, BcryptCost: 4})
		if err != nil {
			t.Fatal(err)
		}
		if st.Tickets != n || count(t, d, `SELECT count(*) FROM tickets`) != n {
			t.Fatalf("wrote %d tickets, want %d", st.Tickets, n)
		}
		if got := count(t, d, `SELECT count(*) FROM ticket_events`); int64(got) != st.Events {
			t.Errorf("events: %d in the table, %d reported", got, st.Events)
		}
		// Each check counts the rows that break a rule.
		checks := map[string]string{
			"version = number of events":  `SELECT count(*) FROM tickets t WHERE version <> (SELECT count(*) FROM ticket_events e WHERE e.ticket_number = t.number)`,
			"seq within 1..version":       `SELECT count(*) FROM ticket_events e WHERE seq < 1 OR seq > (SELECT version FROM tickets t WHERE t.number = e.ticket_number)`,
			"last event ends in status":   `SELECT count(*) FROM tickets t JOIN ticket_events e ON e.ticket_number = t.number AND e.seq = t.version WHERE e.to_status <> t.status OR e.at <> t.updated_at`,
			"first event is create":       `SELECT count(*) FROM ticket_events WHERE (seq = 1) <> (action = 'create')`,
			"events in time order":        `SELECT count(*) FROM ticket_events a JOIN ticket_events b ON b.ticket_number = a.ticket_number AND b.seq = a.seq + 1 WHERE b.at < a.at OR b.from_status <> a.to_status`,
			"closed iff closed_at":        `SELECT count(*) FROM tickets WHERE (status = 'closed') <> (closed_at IS NOT NULL)`,
			"registered is unassigned":    `SELECT count(*) FROM tickets WHERE status = 'registered' AND (assigned_org_code <> '' OR dispatched_at IS NOT NULL)`,
			"dispatched has org":          `SELECT count(*) FROM tickets WHERE status IN ('dispatched', 'signed', 'in_progress', 'replied') AND (assigned_org_code = '' OR dispatched_at IS NULL)`,
			"signed has signed_at":        `SELECT count(*) FROM tickets WHERE status IN ('signed', 'in_progress', 'replied') AND signed_at IS NULL OR status IN ('registered', 'dispatched') AND signed_at IS NOT NULL`,
			"in progress was contacted":   `SELECT count(*) FROM tickets WHERE status IN ('in_progress', 'replied') AND contacted_at IS NULL OR status IN ('registered', 'dispatched', 'signed') AND contacted_at IS NOT NULL`,
			"replied has a reply":         `SELECT count(*) FROM tickets WHERE status = 'replied' AND (replied_at IS NULL OR reply_text = '' OR reply_resolved IS NULL) OR status <> 'replied' AND status <> 'closed' AND replied_at IS NOT NULL`,
			"rating is whole":             `SELECT count(*) FROM tickets WHERE rated_at IS NOT NULL AND (status <> 'closed' OR rating_resolved IS NULL OR rating_satisfaction NOT IN ('satisfied', 'basic', 'unsatisfied')) OR rated_at IS NULL AND rating_satisfaction <> ''`,
			"times in loop order":         `SELECT count(*) FROM tickets WHERE dispatched_at < created_at OR signed_at < dispatched_at OR contacted_at < signed_at OR replied_at < contacted_at OR closed_at < created_at OR updated_at < created_at`,
			"due times follow the limits": `SELECT count(*) FROM tickets WHERE (dispatched_at IS NULL) <> (due_sign_at IS NULL) OR due_contact_at IS NULL OR due_contact_at <= created_at OR due_sign_at <= dispatched_at OR (signed_at IS NULL AND due_complete_at IS NOT NULL) OR (signed_at IS NOT NULL AND (due_complete_at IS NULL OR due_complete_at <= signed_at))`,
			"warnings before deadlines":   `SELECT count(*) FROM tickets WHERE (warn_sign_at IS NULL) <> (due_sign_at IS NULL) OR (warn_contact_at IS NULL) <> (due_contact_at IS NULL) OR (warn_complete_at IS NULL) <> (due_complete_at IS NULL) OR warn_sign_at >= due_sign_at OR warn_contact_at >= due_contact_at OR warn_complete_at >= due_complete_at`,
			"open tickets have a clock":   `SELECT count(*) FROM tickets WHERE (status IN ('registered', 'dispatched', 'signed', 'in_progress')) <> (due_at IS NOT NULL AND warn_at IS NOT NULL) OR due_at NOT IN (due_sign_at, due_contact_at, due_complete_at) OR warn_at >= due_at`,
			"area is a community":         `SELECT count(*) FROM tickets t WHERE NOT EXISTS (SELECT 1 FROM areas a WHERE a.code = t.area_code AND a.level = 'community')`,
			"org exists":                  `SELECT count(*) FROM tickets t WHERE assigned_org_code <> '' AND NOT EXISTS (SELECT 1 FROM orgs o WHERE o.code = t.assigned_org_code)`,
			"reporter phone well-formed":  `SELECT count(*) FROM tickets WHERE reporter_phone <> '' AND (length(reporter_phone) <> 11 OR substr(reporter_phone, 1, 1) <> '1')`,
		}
		for name, q := range checks {
			if bad := count(t, d, q); bad != 0 {
				t.Errorf("%s: %d rows break it", name, bad)
			}
		}
		// A mix: most closed, every status the loop has, every category and
		// most channels.
		if closed := count(t, d, `SELECT count(*) FROM tickets WHERE status = 'closed'`); closed < n/2 || closed == n {
			t.Errorf("%d of %d closed", closed, n)
		}
		if got := count(t, d, `SELECT count(DISTINCT status) FROM tickets`); got < 4 {
			t.Errorf("only %d statuses", got)
		}
		if got, want := count(t, d, `SELECT count(DISTINCT category_code) FROM tickets`), count(t, d, `SELECT count(*) FROM categories c WHERE NOT EXISTS (SELECT 1 FROM categories x WHERE x.parent_code = c.code)`); got != want {
			t.Errorf("%d categories used, want all %d leaves", got, want)
		}
		if got := count(t, d, `SELECT count(DISTINCT channel) FROM tickets`); got < 6 {
			t.Errorf("only %d channels", got)
		}
		if count(t, d, `SELECT count(*) FROM tickets WHERE status = 'closed' AND rated_at IS NOT NULL`) == 0 {
			t.Error("no ratings")
		}

		checkNumbers(t, d)

		// The service reads, lists and acts on seeded tickets, and a new
		// submission gets a fresh number.
		svc := seed.NewServices(d, nil, 4)
		admin := auth.User{ID: "admin", Username: "admin", Role: auth.RoleAdmin}
		var number, status, org string
		err = d.R.QueryRowContext(ctx, `SELECT number, status, assigned_org_code FROM tickets WHERE status IN ('dispatched', 'signed', 'in_progress') ORDER BY number LIMIT 1`).Scan(&number, &status, &org)
		if err != nil {
			t.Fatalf("no open ticket to act on: %v", err)
		}
		got, err := svc.Tickets.Get(ctx, admin, number)
		if err != nil || got.Number != number {
			t.Fatalf("get %s: %v", number, err)
		}
		page, err := svc.Tickets.List(ctx, auth.User{ID: "h", Username: "h", Role: auth.RoleHandler, OrgCode: org}, ticket.Filter{Limit: 5})
		if err != nil || len(page.Items) == 0 {
			t.Fatalf("list of %s: %v, %d items", org, err, len(page.Items))
		}
		action := map[string]string{"dispatched": ticket.ActionSign, "signed": ticket.ActionContact, "in_progress": ticket.ActionReply}[status]
		yes := true
		acted, err := svc.Tickets.Act(ctx, admin, number, action, ticket.ActionInput{ReplyText: "已处理", Resolved: &yes})
		if err != nil {
			t.Fatalf("%s %s: %v", action, number, err)
		}
		if acted.Version != got.Version+1 {
			t.Errorf("version %d after %s, want %d", acted.Version, action, got.Version+1)
		}
		var agentID string
		if err := d.R.QueryRowContext(ctx, `SELECT id FROM users WHERE username = 'demo-agent'`).Scan(&agentID); err != nil {
			t.Fatal(err)
		}
		agent := auth.User{ID: agentID, Username: "demo-agent", Role: auth.RoleAgent, AreaCode: "110117", AreaLevel: "district"}
		for range 3 {
			nt, err := svc.Tickets.Create(ctx, &agent, ticket.NewTicket{Kind: ticket.KindComplaint, CategoryCode: "0101", AreaCode: "110117001001",
				Description: "楼下垃圾无人清理", Channel: ticket.ChannelHotline, ReporterName: "王先生", ReporterPhone: "13900000000"})
			if err != nil {
				t.Fatalf("create after seed: %v", err)
			}
			if nt.Number[:8] != time.Now().In(shanghai).Format("20060102") {
				t.Errorf("new number %s is not of today", nt.Number)
			}
		}

		// Seeding again adds tickets without collisions.
		if _, err := seed.Run(ctx, d, seed.Options{Tickets: 300, Months: 2, Seed: 7, BcryptCost: 4}); err != nil {
			t.Fatalf("second seed: %v", err)
		}
		if got := count(t, d, `SELECT count(*) FROM tickets`); got != n+3+300 {
			t.Errorf("%d tickets after the second seed, want %d", got, n+303)
		}
		checkNumbers(t, d)
	})
}

var shanghai = func() *time.Location {
	loc, err := time.LoadLocation("Asia/Shanghai")
	if err != nil {
		return time.FixedZone("CST", 8*3600)
	}
	return loc
}()

// checkNumbers checks that numbers are the Shanghai date of creation and a
// six-digit sequence, and that every day's counter is at least its highest
// sequence.
func checkNumbers(t *testing.T, d *db.DB) {
	t.Helper()
	ctx := context.Background()
	rows, err := d.R.QueryContext(ctx, `SELECT number, created_at FROM tickets`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	maxSeq := map[string]int64{}
	bad := 0
	for rows.Next() {
		var number string
		var created int64
		if err := rows.Scan(&number, &created); err != nil {
			t.Fatal(err)
		}
		day := time.UnixMilli(created).In(shanghai).Format("20060102")
		seq, err := strconv.ParseInt(number[min(8, len(number)):], 10, 64)
		if len(number) != 14 || number[:8] != day || err != nil || seq < 1 {
			if bad++; bad < 5 {
				t.Errorf("number %s created %s", number, time.UnixMilli(created).In(shanghai))
			}
			continue
		}
		maxSeq[day] = max(maxSeq[day], seq)
	}
	for day, seq := range maxSeq {
		var v int64
		err := d.R.QueryRowContext(ctx, `SELECT value FROM counters WHERE name = $1`, "ticket:"+day).Scan(&v)
		if err == sql.ErrNoRows || v < seq {
			t.Errorf("counter of %s is %d (%v), below the highest sequence %d", day, v, err, seq)
		}
	}
}

func TestSeedRejectsNothingToDo(t *testing.T) {
	d := dbtest.Open(t, db.SQLite)
	if _, err := seed.Run(context.Background(), d, seed.Options{Tickets: 0}); err == nil {
		t.Fatal("seeding 0 tickets should fail")
	}
}
