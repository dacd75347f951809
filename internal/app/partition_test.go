package app

import (
	"context"
	"database/sql"
	"encoding/json"
	"log/slog"
	"regexp"
	"slices"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gongzhi/gongzhi/internal/auth"
	"github.com/gongzhi/gongzhi/internal/clock"
	"github.com/gongzhi/gongzhi/internal/config"
	"github.com/gongzhi/gongzhi/internal/db"
	"github.com/gongzhi/gongzhi/internal/db/dbtest"
	"github.com/gongzhi/gongzhi/internal/evaluation"
	"github.com/gongzhi/gongzhi/internal/seed"
	"github.com/gongzhi/gongzhi/internal/ticket"
)

// statements collects what the server sends PostgreSQL while on.
type statements struct {
	mu  sync.Mutex
	on  bool
	got []statement
}

type statement struct {
	sql  string
	args []any
}

func (s *statements) observe(q string, args []any) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.on {
		s.got = append(s.got, statement{q, slices.Clone(args)})
	}
}

// during runs fn and returns the statements it sent.
func (s *statements) during(fn func()) []statement {
	s.mu.Lock()
	s.on, s.got = true, nil
	s.mu.Unlock()
	fn()
	s.mu.Lock()
	defer s.mu.Unlock()
	s.on = false
	return s.got
}

var (
	partitionName = regexp.MustCompile(`^(tickets|ticket_events)_p(\d{6}|other)$`)
	readsTickets  = regexp.MustCompile(`\b(tickets|ticket_events)\b`)
	// acrossMonths are the statements that look in every month, one index
	// probe each, by design: the tickets merged into a ticket may have been
	// made in any month.
	acrossMonths = regexp.MustCompile(`^SELECT number FROM tickets WHERE parent_number = \$1 `)
)

// partitionsRead runs q under EXPLAIN ANALYZE (in a transaction rolled
// back) and returns the months of the partitions it read, by table.
func partitionsRead(t *testing.T, plain *sql.DB, q statement) map[string][]string {
	t.Helper()
	tx, err := plain.Begin()
	if err != nil {
		t.Fatal(err)
	}
	defer tx.Rollback()
	var out string
	if err := tx.QueryRow(`EXPLAIN (ANALYZE, FORMAT JSON) `+q.sql, q.args...).Scan(&out); err != nil {
		t.Fatalf("explain %s: %v", q.sql, err)
	}
	var plan []struct{ Plan map[string]any }
	if err := json.Unmarshal([]byte(out), &plan); err != nil {
		t.Fatal(err)
	}
	read := map[string][]string{}
	var walk func(n map[string]any)
	walk = func(n map[string]any) {
		if m := partitionName.FindStringSubmatch(str(n["Relation Name"])); m != nil && num(n["Actual Loops"]) > 0 {
			if !slices.Contains(read[m[1]], m[2]) {
				read[m[1]] = append(read[m[1]], m[2])
			}
		}
		kids, _ := n["Plans"].([]any)
		for _, k := range kids {
			if km, ok := k.(map[string]any); ok {
				walk(km)
			}
		}
	}
	for _, p := range plan {
		walk(p.Plan)
	}
	for k := range read {
		sort.Strings(read[k])
	}
	return read
}

func str(v any) string  { s, _ := v.(string); return s }
func num(v any) float64 { f, _ := v.(float64); return f }

// TestPartitionPruning: on PostgreSQL, with a year of tickets in twelve
// monthly partitions, what the lists, the ticket page, search, Open311, the
// evaluation and the figures run reads only the months it asks about. Each
// statement a call sends that names tickets or ticket_events is run again
// under EXPLAIN ANALYZE, and the partitions it read are compared with the
// months the call allows: the ticket's own for a ticket, the range's for a
// range, the newest for a first page of a list.
func TestPartitionPruning(t *testing.T) {
	dsn := dbtest.DSN(t, db.Postgres)
	var obs statements
	ctx := context.Background()
	d, err := db.OpenWith(ctx, db.Options{DSN: dsn, Observe: obs.observe})
	if err != nil {
		t.Fatal(err)
	}
	cfg := config.Default()
	cfg.DB, cfg.DataDir, cfg.BcryptCost, cfg.AdminPassword, cfg.NoWorker = dsn, t.TempDir(), 4, "lantern-river-42", true
	a, err := build(ctx, cfg, slog.New(slog.DiscardHandler), d)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { a.Close() })
	if err := a.Tickets.EnablePartitions(ctx, auth.System()); err != nil {
		t.Fatal(err)
	}
	now := time.Now().In(clock.BusinessZone())
	if _, err := seed.Run(ctx, d, seed.Options{Tickets: 2400, Seed: 7, Months: 12, Now: now, BcryptCost: 4, Log: slog.New(slog.DiscardHandler)}); err != nil {
		t.Fatal(err)
	}
	plain, err := sql.Open("pgx", dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer plain.Close()
	strs := func(q string, args ...any) []string {
		t.Helper()
		return dbtest.Strings(t, plain, q, args...)
	}
	// The months with tickets; the empty ones made ahead after them.
	months := strs(`SELECT DISTINCT substr(number, 1, 6) FROM tickets ORDER BY 1`)
	if len(months) < 12 {
		t.Fatalf("the seed filled %d months, want 12 or more: %v", len(months), months)
	}
	ahead := strs(`SELECT substr(relname, 10) FROM pg_class WHERE relname > $1 AND relname LIKE 'tickets_p%' AND relnamespace = current_schema()::regnamespace AND relkind = 'r' ORDER BY 1`, "tickets_p"+months[len(months)-1])
	if len(ahead) == 0 {
		t.Fatalf("no partition made ahead of the newest month %s", months[len(months)-1])
	}
	if _, err := a.Evaluation.Refresh(ctx); err != nil {
		t.Fatal(err)
	}
	// The search's sample of terms is read once and kept (the newest
	// tickets, as many months as it takes): read it before measuring.
	if _, err := a.Tickets.List(ctx, auth.System(), ticket.Filter{Q: "噪音", Limit: 1}); err != nil {
		t.Fatal(err)
	}
	admin := auth.System()
	mid := months[len(months)/2]
	from, _ := time.ParseInLocation("200601", mid, clock.BusinessZone())
	to := from.AddDate(0, 1, 0)
	var one string
	if err := plain.QueryRow(`SELECT number FROM tickets WHERE number >= $1 AND NOT confidential AND status NOT IN ('invalid', 'merged') ORDER BY number LIMIT 1`, mid).Scan(&one); err != nil {
		t.Fatal(err)
	}
	newest := months[len(months)-1]
	upTo := func(m string) []string { // months not after m
		var out []string
		for _, x := range months {
			if x <= m {
				out = append(out, x)
			}
		}
		return out
	}
	period := evaluation.Period{From: from, To: to, Month: from.Format("2006-01")}
	calls := []struct {
		name  string
		allow []string // months any statement may read
		run   func() error
	}{
		{"ticket page", []string{mid}, func() error {
			if _, err := a.Tickets.Get(ctx, admin, one); err != nil {
				return err
			}
			_, err := a.Tickets.Events(ctx, admin, one)
			return err
		}},
		{"Open311 request", []string{mid}, func() error {
			if _, err := a.Tickets.PublicGet(ctx, one); err != nil {
				return err
			}
			_, err := a.Tickets.PublicEvents(ctx, one)
			return err
		}},
		{"list, first page", append([]string{months[len(months)-2], newest}, ahead...), func() error {
			_, err := a.Tickets.List(ctx, admin, ticket.Filter{Limit: 20})
			return err
		}},
		{"list of a month", []string{mid}, func() error {
			_, err := a.Tickets.List(ctx, admin, ticket.Filter{From: from, To: to, Limit: 20})
			return err
		}},
		{"search in a month", append([]string{mid}, ahead...), func() error {
			_, err := a.Tickets.List(ctx, admin, ticket.Filter{Q: "噪音", From: from, To: to, Limit: 20})
			return err
		}},
		{"Open311 list of a month", []string{mid}, func() error {
			last := to.Add(-time.Millisecond)
			_, err := a.Tickets.PublicList(ctx, ticket.PublicQuery{CreatedFrom: &from, CreatedTo: &last, Limit: 50})
			return err
		}},
		{"indicators of a month", upTo(mid), func() error {
			_, err := a.Indicators.Compute(ctx, admin, from)
			return err
		}},
		{"evaluation of a month", upTo(mid), func() error {
			_, err := a.Evaluation.Evaluate(ctx, evaluation.Query{Period: period, Group: "org"})
			return err
		}},
		{"evaluation's figures of a month", upTo(mid), func() error {
			for _, fig := range []string{"tickets", "returns"} {
				if _, err := a.Evaluation.FigureTickets(ctx, evaluation.FigureQuery{Period: period, Figure: fig, AreaCode: "110117", Limit: 20}); err != nil {
					return err
				}
			}
			return nil
		}},
		{"work items of a month", upTo(mid), func() error {
			return a.Tickets.WorkItems(ctx, from, to, func(ticket.WorkItem) error { return nil })
		}},
		{"themes of a month", []string{mid}, func() error {
			_, err := a.Themes.Themes(ctx, admin, from.Format("2006-01"))
			return err
		}},
	}
	for _, c := range calls {
		got := obs.during(func() {
			if err := c.run(); err != nil {
				t.Errorf("%s: %v", c.name, err)
			}
		})
		checked := 0
		for _, q := range got {
			head := strings.ToUpper(strings.TrimSpace(q.sql))
			if !readsTickets.MatchString(q.sql) || !(strings.HasPrefix(head, "SELECT") || strings.HasPrefix(head, "WITH")) {
				continue
			}
			checked++
			if acrossMonths.MatchString(q.sql) {
				continue
			}
			for table, ms := range partitionsRead(t, plain, q) {
				for _, m := range ms {
					if !slices.Contains(c.allow, m) {
						t.Errorf("%s: read %s of %v (allowed %v):\n%s", c.name, table, ms, c.allow, q.sql)
						break
					}
				}
			}
		}
		t.Logf("%s: %d statements on tickets", c.name, checked)
		if checked == 0 {
			t.Errorf("%s: no statement on tickets seen", c.name)
		}
	}
	// A unit's list paged through gives the same tickets in the same order
	// as one query over the partitions.
	org := strs(`SELECT assigned_org_code FROM tickets WHERE assigned_org_code <> '' GROUP BY 1 ORDER BY COUNT(*) DESC LIMIT 1`)[0]
	want := strs(`SELECT number FROM tickets WHERE assigned_org_code = $1 ORDER BY number DESC`, org)
	var got []string
	f := ticket.Filter{OrgCode: org, Limit: 7}
	for {
		page, err := a.Tickets.List(ctx, admin, f)
		if err != nil {
			t.Fatal(err)
		}
		for _, x := range page.Items {
			got = append(got, x.Number)
		}
		if page.NextCursor == "" || len(got) > len(want) {
			break
		}
		f.Cursor = page.NextCursor
	}
	if !slices.Equal(got, want) {
		t.Fatalf("the pages of %s's list: %d tickets, want %d (first %v, want %v)", org, len(got), len(want), got[:min(3, len(got))], want[:min(3, len(want))])
	}
}
