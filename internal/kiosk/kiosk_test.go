package kiosk_test

import (
	"context"
	"math"
	"testing"
	"time"

	"github.com/gongzhi/gongzhi/internal/auth"
	"github.com/gongzhi/gongzhi/internal/clock"
	"github.com/gongzhi/gongzhi/internal/db"
	"github.com/gongzhi/gongzhi/internal/db/dbtest"
	"github.com/gongzhi/gongzhi/internal/errs"
	"github.com/gongzhi/gongzhi/internal/kiosk"
)

var (
	admin    = auth.User{ID: "admin", Role: auth.RoleAdmin}
	super    = auth.User{ID: "sup", Role: auth.RoleSupervisor, AreaCode: "110117001"}
	other    = auth.User{ID: "sup2", Role: auth.RoleSupervisor, AreaCode: "110117002"}
	handler  = auth.User{ID: "h", Role: auth.RoleHandler, AreaCode: "110117001"}
	resident = auth.User{ID: "r1", Role: auth.RoleResident, Phone: "13800000001"}
	start    = time.Date(2026, 11, 2, 9, 0, 0, 0, clock.BusinessZone())
)

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

func setup(t *testing.T, d *db.DB) (*kiosk.Service, *clock.Fixed) {
	c := clock.NewFixed(start)
	return kiosk.NewService(d, c), c
}

func TestRegisterEnrol(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		s, _ := setup(t, d)
		_, _, err := s.Register(ctx, super, kiosk.NewTerminal{ID: "hall-1", Name: "大厅一号机"})
		wantCode(t, err, errs.Forbidden, "supervisor registers")
		_, _, err = s.Register(ctx, admin, kiosk.NewTerminal{ID: "Hall 1", Name: "x"})
		wantCode(t, err, errs.Invalid, "bad id")
		_, _, err = s.Register(ctx, admin, kiosk.NewTerminal{ID: "hall-1", Name: ""})
		wantCode(t, err, errs.Invalid, "no name")
		term, key, err := s.Register(ctx, admin, kiosk.NewTerminal{ID: "hall-1", Name: "大厅一号机", AreaCode: "110117001001", Place: "社区服务中心"})
		must(t, err)
		if key == "" || !term.KeyPending || term.Online {
			t.Fatalf("registered %+v key %q", term, key)
		}
		_, _, err = s.Register(ctx, admin, kiosk.NewTerminal{ID: "hall-1", Name: "again"})
		wantCode(t, err, errs.Conflict, "same id")
		_, _, err = s.Enrol(ctx, "wrong")
		wantCode(t, err, errs.Unauthorized, "wrong key")
		got, cookie, err := s.Enrol(ctx, key)
		must(t, err)
		if got.ID != "hall-1" || cookie == "" || got.KeyPending {
			t.Fatalf("enrolled %+v", got)
		}
		var stored string
		must(t, d.R.QueryRow(`SELECT cookie_hash FROM kiosk_terminals WHERE id = 'hall-1'`).Scan(&stored))
		if stored == cookie || stored != kiosk.Hash(cookie) {
			t.Fatalf("the cookie is stored as %q", stored)
		}
		_, _, err = s.Enrol(ctx, key)
		wantCode(t, err, errs.Unauthorized, "key used twice")
		if tt, err := s.Terminal(ctx, cookie); err != nil || tt.ID != "hall-1" {
			t.Fatalf("terminal of cookie: %+v %v", tt, err)
		}
		_, err = s.Terminal(ctx, "nope")
		wantCode(t, err, errs.Unauthorized, "unknown cookie")
		// A new key enrols another browser; the old one is out.
		_, err = s.Rekey(ctx, super, "hall-1")
		wantCode(t, err, errs.Forbidden, "supervisor rekeys")
		key2, err := s.Rekey(ctx, admin, "hall-1")
		must(t, err)
		_, cookie2, err := s.Enrol(ctx, key2)
		must(t, err)
		_, err = s.Terminal(ctx, cookie)
		wantCode(t, err, errs.Unauthorized, "old cookie")
		_, err = s.Terminal(ctx, cookie2)
		must(t, err)
		// Supervisors read the terminals of their area only.
		_, err = s.Get(ctx, other, "hall-1")
		wantCode(t, err, errs.NotFound, "other area")
		_, err = s.Get(ctx, handler, "hall-1")
		wantCode(t, err, errs.Forbidden, "handler reads")
		if _, err := s.Get(ctx, super, "hall-1"); err != nil {
			t.Fatal(err)
		}
	})
}

func enrolled(t *testing.T, s *kiosk.Service, id string) (kiosk.Terminal, string) {
	t.Helper()
	ctx := context.Background()
	_, key, err := s.Register(ctx, admin, kiosk.NewTerminal{ID: id, Name: id, AreaCode: "110117001001"})
	must(t, err)
	term, cookie, err := s.Enrol(ctx, key)
	must(t, err)
	return term, cookie
}

func TestHeartbeatOnline(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		s, c := setup(t, d)
		c.Set(time.Date(2026, 11, 30, 23, 0, 0, 0, clock.BusinessZone())) // the last hour of November
		_, cookie := enrolled(t, s, "hall-1")
		enrolled(t, s, "hall-2") // never beats
		_, err := s.Heartbeat(ctx, "bad")
		wantCode(t, err, errs.Unauthorized, "beat without cookie")
		for i := 0; i < 30; i++ { // beats every minute for half an hour
			_, err := s.Heartbeat(ctx, cookie)
			must(t, err)
			c.Advance(time.Minute)
		}
		term, err := s.Get(ctx, admin, "hall-1")
		must(t, err)
		if !term.Online {
			t.Fatal("a terminal that beat a minute ago is offline")
		}
		c.Advance(3 * time.Minute)
		if term, _ = s.Get(ctx, admin, "hall-1"); term.Online {
			t.Fatal("a terminal silent for four minutes is online")
		}
		c.Set(time.Date(2026, 12, 1, 0, 0, 0, 0, clock.BusinessZone()))
		// November: two terminals for 60 minutes each; hall-1 online for
		// its 30 beats and the 2 minutes after the last.
		share, err := s.OnlineShare(ctx, time.Date(2026, 11, 15, 0, 0, 0, 0, clock.BusinessZone()))
		must(t, err)
		if want := 32.0 / 120; math.Abs(share-want) > 1e-9 {
			t.Fatalf("online share %v, want %v", share, want)
		}
		reg, err := s.List(ctx, super, time.Date(2026, 11, 15, 0, 0, 0, 0, clock.BusinessZone()))
		must(t, err)
		if len(reg.Rows) != 2 || reg.Month != "2026-11" || math.Abs(reg.OnlineShare-32.0/120) > 1e-9 {
			t.Fatalf("registry %+v", reg)
		}
		if reg, _ := s.List(ctx, other, start); len(reg.Rows) != 0 {
			t.Fatalf("another street's supervisor reads %+v", reg.Rows)
		}
		_, err = s.List(ctx, handler, start)
		wantCode(t, err, errs.Forbidden, "handler lists")
	})
}

func TestIdleReset(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		s, c := setup(t, d)
		term, _ := enrolled(t, s, "hall-1")
		_, err := s.StartVisit(ctx, term, handler, "tok-staff")
		wantCode(t, err, errs.Forbidden, "staff visit")
		_, err = s.StartVisit(ctx, term, resident, "tok-1")
		must(t, err)
		if _, ok, err := s.Touch(ctx, "other-session"); ok || err != nil {
			t.Fatalf("a session of no visit: %v %v", ok, err)
		}
		c.Advance(kiosk.IdleTimeout - time.Second)
		if _, ok, err := s.Touch(ctx, "tok-1"); !ok || err != nil {
			t.Fatalf("input within the idle time: %v %v", ok, err)
		}
		c.Advance(kiosk.IdleTimeout - time.Second) // counted from the last input
		_, _, err = s.Touch(ctx, "tok-1")
		must(t, err)
		c.Advance(kiosk.IdleTimeout)
		_, ok, err := s.Touch(ctx, "tok-1")
		if !ok || err != kiosk.ErrIdle {
			t.Fatalf("idle visit: %v %v", ok, err)
		}
		if _, ok, _ := s.Visit(ctx, "tok-1"); ok {
			t.Fatal("the idle visit is still open")
		}
		var reason string
		must(t, d.R.QueryRow(`SELECT end_reason FROM kiosk_visits`).Scan(&reason))
		if reason != kiosk.EndedIdle {
			t.Fatalf("ended as %q", reason)
		}
		// A visit the resident ends.
		_, err = s.StartVisit(ctx, term, resident, "tok-2")
		must(t, err)
		must(t, s.EndVisit(ctx, "tok-2"))
		if _, ok, _ := s.Touch(ctx, "tok-2"); ok {
			t.Fatal("an ended visit touched")
		}
	})
}

func TestTicketsPerTerminal(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		s, c := setup(t, d)
		t1, _ := enrolled(t, s, "hall-1")
		enrolled(t, s, "hall-2")
		_, err := s.StartVisit(ctx, t1, resident, "tok-1")
		must(t, err)
		must(t, s.TicketFiled(ctx, "tok-1", "20261102-0001"))
		must(t, s.TicketFiled(ctx, "tok-1", "20261102-0001")) // counted once
		must(t, s.TicketFiled(ctx, "tok-1", "20261102-0002"))
		must(t, s.TicketFiled(ctx, "not-a-visit", "20261102-0003"))
		must(t, s.EndVisit(ctx, "tok-1"))
		_, err = s.StartVisit(ctx, t1, resident, "tok-2")
		must(t, err)
		reg, err := s.List(ctx, admin, start)
		must(t, err)
		r1, r2 := reg.Rows[0], reg.Rows[1]
		if r1.Visits != 2 || r1.Tickets != 2 || r2.Visits != 0 || r2.Tickets != 0 {
			t.Fatalf("use %+v %+v", r1, r2)
		}
		if r1.Idle || r2.Idle {
			t.Fatal("new terminals flagged idle")
		}
		c.Advance(8 * 24 * time.Hour)
		reg, err = s.List(ctx, admin, c.Now())
		must(t, err)
		if !reg.Rows[0].Idle || !reg.Rows[1].Idle {
			t.Fatalf("no visit in 8 days, not idle: %+v", reg.Rows)
		}
		// December counts nothing of November.
		reg, _ = s.List(ctx, admin, time.Date(2026, 12, 5, 0, 0, 0, 0, clock.BusinessZone()))
		if reg.Rows[0].Visits != 0 || reg.Rows[0].Tickets != 0 {
			t.Fatalf("december %+v", reg.Rows[0])
		}
	})
}
