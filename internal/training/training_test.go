package training_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/gongzhi/gongzhi/internal/auth"
	"github.com/gongzhi/gongzhi/internal/clock"
	"github.com/gongzhi/gongzhi/internal/db"
	"github.com/gongzhi/gongzhi/internal/db/dbtest"
	"github.com/gongzhi/gongzhi/internal/errs"
	"github.com/gongzhi/gongzhi/internal/indicator"
	"github.com/gongzhi/gongzhi/internal/training"
)

var (
	zone     = clock.BusinessZone()
	admin    = auth.User{ID: "a1", Role: auth.RoleAdmin}
	super    = auth.User{ID: "sup", Role: auth.RoleSupervisor}
	handler  = auth.User{ID: "h1", Role: auth.RoleHandler, AreaCode: "110117001"}
	outsider = auth.User{ID: "h9", Role: auth.RoleHandler, AreaCode: "110117002"}
	auditor  = auth.User{ID: "au", Role: auth.RoleAuditor}
	resident = auth.User{ID: "r1", Role: auth.RoleResident, Phone: "13800000001"}
)

func day(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 9, 0, 0, 0, zone) }

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

func wantCode(t *testing.T, err error, code errs.Code, what string) {
	t.Helper()
	if !errs.Is(err, code) {
		t.Fatalf("%s: got %v, want %s", what, err, code)
	}
}

func exec(t *testing.T, d *db.DB, q string, args ...any) {
	t.Helper()
	if _, err := d.W.ExecContext(context.Background(), q, args...); err != nil {
		t.Fatal(err)
	}
}

// accounts makes the accounts the figures count: four active staff, one
// disabled, one created in April, a resident and an auditor.
func accounts(t *testing.T, d *db.DB) {
	early, april := db.Millis(day(2025, 1, 1)), db.Millis(day(2026, 4, 15))
	exec(t, d, `INSERT INTO users (id, username, phone, role, disabled, created_at) VALUES
('a1', 'admin', NULL, 'admin', FALSE, $1), ('h1', 'h1', NULL, 'handler', FALSE, $1), ('h2', 'h2', NULL, 'handler', FALSE, $1),
('g1', 'g1', NULL, 'grid_worker', FALSE, $1), ('h3', 'h3', NULL, 'handler', TRUE, $1), ('h4', 'h4', NULL, 'handler', FALSE, $2),
('r1', NULL, '13800000001', 'resident', FALSE, $1), ('au', 'au', NULL, 'auditor', FALSE, $1)`, early, april)
}

func session(t *testing.T, s *training.Service, u auth.User, audience string, at time.Time) training.Session {
	t.Helper()
	x, err := s.Create(context.Background(), u, training.NewSession{Title: "平台使用培训", Audience: audience, AreaCode: "110117001",
		StartsAt: at, Place: "街道会议室", Guide: "handler"})
	must(t, err)
	return x
}

func TestSessionsAndAttendance(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		c := clock.NewFixed(day(2026, 4, 20))
		s := training.NewService(d, c)
		accounts(t, d)
		in := training.NewSession{Title: "居民培训", Audience: training.Residents, AreaCode: "110117001", StartsAt: day(2026, 4, 18)}
		for who, u := range map[string]auth.User{"outsider": outsider, "auditor": auditor, "resident": resident} {
			_, err := s.Create(ctx, u, in)
			wantCode(t, err, errs.Forbidden, who+" creates")
		}
		for what, bad := range map[string]func(*training.NewSession){
			"title": func(n *training.NewSession) { n.Title = " " }, "audience": func(n *training.NewSession) { n.Audience = "kings" },
			"guide": func(n *training.NewSession) { n.Guide = "king" }, "time": func(n *training.NewSession) { n.StartsAt = time.Time{} },
			"area": func(n *training.NewSession) { n.AreaCode = "x" }, "org": func(n *training.NewSession) { n.OrgCode = "nosuch" },
			"place": func(n *training.NewSession) { n.Place = strings.Repeat("地", training.MaxPlace+1) },
		} {
			n := in
			bad(&n)
			_, err := s.Create(ctx, handler, n)
			wantCode(t, err, errs.Invalid, "bad "+what)
		}
		res, err := s.Create(ctx, handler, in)
		must(t, err)
		staff := session(t, s, handler, training.Staff, day(2026, 4, 19))
		future := session(t, s, handler, training.GridWorkers, day(2026, 5, 1))

		_, err = s.Attend(ctx, handler, res.ID, training.Attendee{Phone: "13800000001"})
		must(t, err)
		_, err = s.Attend(ctx, handler, res.ID, training.Attendee{Phone: "13800000001"})
		wantCode(t, err, errs.Conflict, "the same phone twice")
		_, err = s.Attend(ctx, handler, res.ID, training.Attendee{UserID: "r1"})
		wantCode(t, err, errs.Conflict, "the same resident by her account")
		_, err = s.Attend(ctx, handler, res.ID, training.Attendee{Phone: "12345"})
		wantCode(t, err, errs.Invalid, "a bad phone")
		_, err = s.Attend(ctx, outsider, res.ID, training.Attendee{Phone: "13900000002"})
		wantCode(t, err, errs.Forbidden, "another area's staff records")
		_, err = s.Attend(ctx, handler, staff.ID, training.Attendee{Phone: "13900000002"})
		wantCode(t, err, errs.Invalid, "a phone at a staff session")
		_, err = s.Attend(ctx, handler, staff.ID, training.Attendee{UserID: "r1"})
		wantCode(t, err, errs.Invalid, "a resident at a staff session")
		_, err = s.Attend(ctx, handler, staff.ID, training.Attendee{UserID: "h3"})
		wantCode(t, err, errs.Invalid, "a disabled account")
		_, err = s.Attend(ctx, handler, future.ID, training.Attendee{UserID: "g1"})
		wantCode(t, err, errs.Conflict, "a session not started")
		_, err = s.Attend(ctx, handler, "tr-none", training.Attendee{UserID: "g1"})
		wantCode(t, err, errs.NotFound, "no such session")
		a, err := s.Attend(ctx, handler, staff.ID, training.Attendee{UserID: "h2"})
		must(t, err)
		if a.UserID != "h2" || a.Phone != "" {
			t.Fatalf("attended %+v", a)
		}

		det, err := s.Get(ctx, super, res.ID)
		must(t, err)
		if len(det.Attendance) != 1 || det.Attendance[0].Phone == "13800000001" || !strings.HasPrefix(det.Attendance[0].Phone, "138") ||
			det.Session.Attendees != 1 || det.Session.Title != "居民培训" {
			t.Fatalf("detail %+v", det)
		}
		_, err = s.Get(ctx, outsider, res.ID)
		wantCode(t, err, errs.Forbidden, "another area's staff reads")
		list, err := s.List(ctx, outsider)
		must(t, err)
		if len(list) != 0 {
			t.Fatalf("outsider lists %d", len(list))
		}
		list, err = s.List(ctx, super)
		must(t, err)
		if len(list) != 3 || list[0].ID != future.ID {
			t.Fatalf("supervisor lists %+v", list)
		}
		_, err = s.List(ctx, resident)
		wantCode(t, err, errs.Forbidden, "a resident lists")
		mine, err := s.Mine(ctx, resident)
		must(t, err)
		if len(mine) != 1 || mine[0].Session.ID != res.ID || strings.Contains(mine[0].Attendance[0].Phone, "13800000001") {
			t.Fatalf("mine %+v", mine)
		}
		var events int
		must(t, d.R.QueryRowContext(ctx, `SELECT COUNT(*) FROM training_events WHERE session_id = $1`, res.ID).Scan(&events))
		if events != 2 {
			t.Fatalf("events %d", events)
		}
	})
}

// TestStaffTrained checks the share of staff trained on hand-computed
// months, and the indicator that reads it.
func TestStaffTrained(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		c := clock.NewFixed(day(2026, 4, 20))
		s := training.NewService(d, c)
		accounts(t, d)
		// Before any session is kept, a month is not measured (not 0%).
		if got, err := s.StaffTrained(ctx, day(2026, 3, 1)); err != nil || got != nil {
			t.Fatalf("no session kept yet: %v %v", got, err)
		}
		old := session(t, s, admin, training.Staff, day(2025, 2, 10))
		march := session(t, s, admin, training.Staff, day(2026, 3, 5))
		april := session(t, s, admin, training.Staff, day(2026, 4, 10))
		for _, x := range []struct{ s, u string }{{old.ID, "h1"}, {march.ID, "h2"}, {march.ID, "g1"}, {april.ID, "a1"}} {
			_, err := s.Attend(ctx, admin, x.s, training.Attendee{UserID: x.u})
			must(t, err)
		}
		// h3 attended before she was disabled.
		exec(t, d, `INSERT INTO training_attendance (session_id, person, user_id, recorded_by, recorded_at) VALUES ($1, 'h3', 'h3', 'a1', 0)`, march.ID)
		for _, w := range []struct {
			month time.Time
			want  float64
		}{
			// Feb 2025: a1 h1 h2 g1 counted; h1 trained (10 Feb 2025).
			{day(2025, 2, 1), 25},
			// Mar 2026: a1 h1 h2 g1; h2 and g1 trained in the 12 months, h1's is too old.
			{day(2026, 3, 1), 50},
			// Apr 2026: h4 counted too; a1 trained in April.
			{day(2026, 4, 1), 60},
		} {
			got, err := s.StaffTrained(ctx, w.month)
			must(t, err)
			if got == nil || *got != w.want {
				t.Fatalf("%s: got %v, want %v", w.month.Format("2006-01"), got, w.want)
			}
		}
		got, err := s.StaffTrained(ctx, day(2024, 6, 1))
		must(t, err)
		if got != nil {
			t.Fatalf("before any account or session: %v", *got)
		}

		ind := indicator.NewService(d, c, func(from, to time.Time) time.Duration { return to.Sub(from) })
		m, err := ind.Compute(ctx, admin, day(2026, 3, 1))
		must(t, err)
		if v := item(m, indicator.CodeStaffTrained); v.Value != nil {
			t.Fatalf("unwired: %v", *v.Value)
		}
		ind.SetTrained(s.StaffTrained)
		m, err = ind.Compute(ctx, admin, day(2026, 3, 1))
		must(t, err)
		v := item(m, indicator.CodeStaffTrained)
		if v.Value == nil || *v.Value != 50 || *v.Score != 50 || v.Dimension != indicator.Tools {
			t.Fatalf("indicator %+v", v)
		}
	})
}

func item(m indicator.Month, code string) indicator.Item {
	for _, it := range m.Items {
		if it.Code == code {
			return it
		}
	}
	return indicator.Item{}
}

func TestGuides(t *testing.T) {
	for _, role := range training.GuideRoles {
		g, ok := training.GuideFor(role)
		if !ok || g.Title == "" || g.TitleEn == "" || len(g.Steps) < 5 || len(g.Steps) > 8 {
			t.Fatalf("guide %s: %+v", role, g)
		}
		for _, st := range g.Steps {
			if st.Zh == "" || st.En == "" {
				t.Fatalf("guide %s: an empty step", role)
			}
		}
	}
	if len(training.Guides) != len(training.GuideRoles) || training.GuideExists("king") {
		t.Fatalf("%d guides", len(training.Guides))
	}
}
