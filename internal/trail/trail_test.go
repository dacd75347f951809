package trail_test

import (
	"bytes"
	"context"
	"strings"
	"testing"
	"time"

	"github.com/gongzhi/gongzhi/internal/auth"
	"github.com/gongzhi/gongzhi/internal/calendar"
	"github.com/gongzhi/gongzhi/internal/clock"
	"github.com/gongzhi/gongzhi/internal/errs"
	"github.com/gongzhi/gongzhi/internal/gov"
	"github.com/gongzhi/gongzhi/internal/trail"
)

func names() trail.Names {
	return trail.Names{
		Org: func(_ context.Context, code string) (gov.Org, error) {
			if code == "S1" {
				return gov.Org{Code: "S1", Name: "滨河街道办事处"}, nil
			}
			return gov.Org{}, errs.NotFoundf("无", "none")
		},
		User: func(_ context.Context, id string) (auth.User, error) {
			switch id {
			case "u-1":
				return auth.User{ID: id, Username: "wang", Name: "王承办", Role: auth.RoleHandler}, nil
			case "r-1":
				return auth.User{ID: id, Name: "张三", Phone: "13900000001", Role: auth.RoleResident}, nil
			}
			return auth.User{}, errs.NotFoundf("无", "none")
		},
	}
}

// The steps are measured against their limits: met, overdue when ended
// late, overdue or running while held still, none without a limit; people
// are named as staff by name, residents as 居民, the system as 系统, and a
// reader who is not staff sees neither them nor the reasons.
func TestMeasureAndName(t *testing.T) {
	ctx := context.Background()
	mon := time.Date(2026, 3, 2, 9, 0, 0, 0, clock.BusinessZone()) // a Monday
	c := clock.NewFixed(mon.Add(50 * time.Hour))                   // Wednesday 11:00
	at := func(h float64) *time.Time { x := mon.Add(time.Duration(h * float64(time.Hour))); return &x }
	steps := []trail.Step{
		{Stage: "registered", Desk: "dispatch", From: mon, To: at(1), EndKind: "dispatch", EndByID: "system"},
		{Stage: "dispatched", Org: "S1", From: *at(1), To: at(2), Due: at(3), EndKind: "sign", EndByID: "u-1"},
		{Stage: "handling", Org: "S1", PersonID: "u-1", From: *at(2), To: at(26), Due: at(25), EndKind: "return", EndByID: "u-1", Reason: "属地不符"},
		{Stage: "returned", Desk: "dispatch", From: *at(26), To: at(27), EndKind: "cancel", EndByID: "r-1"},
		{Stage: "dispatched", Org: "S9", From: *at(27), Due: at(48)},
		{Stage: "handling", Org: "S1", From: *at(27), Due: at(60)},
	}
	tr := trail.New(calendar.Default(), c, names())
	staff := true
	tr.Add(trail.KindTicket, func(_ context.Context, u auth.User, n string) (trail.Item, error) {
		return trail.Item{Number: n, Steps: steps, Staff: staff}, nil
	})
	got, err := tr.Get(ctx, auth.User{Role: auth.RoleDispatcher}, trail.KindTicket, " T1 ")
	if err != nil {
		t.Fatal(err)
	}
	want := []string{trail.LimitNone, trail.LimitMet, trail.LimitOverdue, trail.LimitNone, trail.LimitOverdue, trail.LimitRunning}
	for i, r := range got.Rows {
		if r.Limit != want[i] || r.Seq != i+1 {
			t.Errorf("step %d: %s, want %s", i+1, r.Limit, want[i])
		}
	}
	r := got.Rows
	if r[0].EndBy != "系统" || r[1].Holder != "滨河街道办事处" || r[2].Person != "王承办" || r[3].EndBy != "居民" || r[4].Holder != "S9" {
		t.Fatalf("names: %+v", r)
	}
	if r[2].Wall != 24*3600 || r[2].Overdue != 3600 || r[2].Working != int64(calendar.Default().DailyWorkingTime()/time.Second) {
		t.Fatalf("a day's handling an hour late: %+v", r[2])
	}
	if r[4].To != nil || r[4].Overdue != 2*3600 || r[4].Wall != 23*3600 {
		t.Fatalf("held still past its limit: %+v", r[4])
	}
	if got.Number != "T1" {
		t.Fatalf("number: %q", got.Number)
	}
	staff = false
	got, _ = tr.Get(ctx, auth.User{Role: auth.RoleResident}, trail.KindTicket, "T1")
	for _, r := range got.Rows {
		if r.Person != "" || r.EndBy != "" || r.Reason != "" {
			t.Fatalf("a reader not staff sees people or reasons: %+v", r)
		}
	}
	if _, err := tr.Get(ctx, auth.User{}, "parcel", "T1"); !errs.Is(err, errs.NotFound) {
		t.Fatalf("unknown kind: %v", err)
	}
	if _, err := tr.Get(ctx, auth.User{}, trail.KindTicket, strings.Repeat("9", trail.MaxNumber+1)); !errs.Is(err, errs.NotFound) {
		t.Fatalf("a number too long: %v", err)
	}
}

// A cell that starts like a formula is neutralised by the cell function the
// caller passes; the CSV starts with a byte-order mark.
func TestCSVCells(t *testing.T) {
	tt := trail.Trail{Kind: trail.KindTicket, Number: "T1", Rows: []trail.Row{{Seq: 1, Stage: "handling", Holder: "=HYPERLINK(1)", Reason: "-2+3", Limit: trail.LimitNone}}}
	var buf bytes.Buffer
	if err := trail.WriteCSV(&buf, tt, clock.BusinessZone(), func(s string) string {
		if s != "" && strings.ContainsAny(s[:1], "=+-@") {
			return "'" + s
		}
		return s
	}); err != nil {
		t.Fatal(err)
	}
	out := buf.String()
	if !strings.HasPrefix(out, "\ufeff") || !strings.Contains(out, "'=HYPERLINK(1)") || !strings.Contains(out, "'-2+3") {
		t.Fatalf("csv: %s", out)
	}
}
