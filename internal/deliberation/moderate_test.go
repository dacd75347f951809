package deliberation_test

import (
	"context"
	"testing"
	"time"

	"github.com/gongzhi/gongzhi/internal/auth"
	"github.com/gongzhi/gongzhi/internal/clock"
	"github.com/gongzhi/gongzhi/internal/db"
	"github.com/gongzhi/gongzhi/internal/db/dbtest"
	"github.com/gongzhi/gongzhi/internal/deliberation"
	"github.com/gongzhi/gongzhi/internal/errs"
)

func (f *fixture) moderate(t *testing.T, u auth.User, id, decision, reason, text string) deliberation.Comment {
	t.Helper()
	c, err := f.s.Moderate(context.Background(), u, id, deliberation.Decision{Decision: decision, Reason: reason, Text: text})
	must(t, err)
	return c
}

func queueIDs(t *testing.T, f *fixture, u auth.User) []string {
	t.Helper()
	q, err := f.s.Queue(context.Background(), u, "")
	must(t, err)
	var out []string
	for _, x := range q.Items {
		out = append(out, x.ID)
	}
	return out
}

func TestPreReview(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		f := setup(t, d)
		if m, err := f.s.Mode(ctx); err != nil || m.Mode != deliberation.ModePre || m.Since != nil {
			t.Fatalf("default mode: %+v %v", m, err)
		}
		held := f.post(t, f.residents[1], f.notice, deliberation.Support, "支持尽快通知", "")
		if held.Status != deliberation.StatusPending {
			t.Fatalf("a comment on a public item under review first: %s", held.Status)
		}
		official := f.post(t, f.committee, f.notice, "", "明早八点恢复供水", "")
		inner := f.post(t, f.residents[1], f.ref, deliberation.Support, "支持", "")
		if official.Status != deliberation.StatusPublished || inner.Status != deliberation.StatusPublished {
			t.Fatalf("an official reply %s, a comment on a residents' item %s", official.Status, inner.Status)
		}
		if th := f.list(t, f.residents[1], f.notice); len(th.Items) != 2 || th.Items[1].Status != deliberation.StatusPending || !th.Items[1].Mine || !th.Held {
			t.Fatalf("the author's view: %+v", th)
		}
		if th := f.list(t, f.residents[2], f.notice); len(th.Items) != 1 || th.Counts.Support != 0 {
			t.Fatalf("a neighbour sees the held comment: %+v", th)
		}
		_, err := f.s.Post(ctx, f.residents[2], deliberation.New{Target: f.notice, Body: "回复", ParentID: held.ID})
		wantCode(t, err, errs.NotFound, "a reply to a held comment she cannot see")
		if ids := queueIDs(t, f, f.committee); len(ids) != 1 || ids[0] != held.ID {
			t.Fatalf("queue: %v", ids)
		}
		if ids := queueIDs(t, f, f.other); len(ids) != 0 {
			t.Fatalf("another street's queue: %v", ids)
		}
		_, err = f.s.Queue(ctx, f.residents[1], "")
		wantCode(t, err, errs.Forbidden, "a resident's queue")
		_, err = f.s.Moderate(ctx, f.other, held.ID, deliberation.Decision{Decision: deliberation.Publish})
		wantCode(t, err, errs.NotFound, "staff of another street publish a held comment they do not see")
		c := f.moderate(t, f.committee, held.ID, deliberation.Publish, "", "")
		_, err = f.s.Moderate(ctx, f.other, held.ID, deliberation.Decision{Decision: deliberation.Hide, Reason: deliberation.ReasonAd})
		wantCode(t, err, errs.Forbidden, "staff of another street, who read the public item, moderate its comments")
		if c.Status != deliberation.StatusPublished {
			t.Fatalf("published: %+v", c)
		}
		if th := f.list(t, f.residents[2], f.notice); len(th.Items) != 2 || th.Counts.Support != 1 {
			t.Fatalf("after review: %+v", th)
		}
		var n int
		must(t, d.R.QueryRowContext(ctx, `SELECT COUNT(*) FROM notifications WHERE phone = $1 AND kind = 'comment'`, f.residents[1].Phone).Scan(&n))
		if n != 1 {
			t.Errorf("the author was told %d times", n)
		}
		// Review afterwards: nothing is held.
		_, err = f.s.SetMode(ctx, f.committee, deliberation.ModePost)
		wantCode(t, err, errs.Forbidden, "staff set the mode")
		_, err = f.s.SetMode(ctx, f.admin, "later")
		wantCode(t, err, errs.Invalid, "an unknown mode")
		m, err := f.s.SetMode(ctx, f.admin, deliberation.ModePost)
		must(t, err)
		if m.Mode != deliberation.ModePost || m.Since == nil || !m.Since.Equal(f.clock.Now()) {
			t.Fatalf("mode set: %+v", m)
		}
		f.clock.Advance(time.Hour)
		again, err := f.s.SetMode(ctx, f.admin, deliberation.ModePost)
		must(t, err)
		if !again.Since.Equal(*m.Since) {
			t.Errorf("setting the mode in force moved its start: %v", again.Since)
		}
		if c := f.post(t, f.residents[2], f.notice, deliberation.Oppose, "通知太晚", ""); c.Status != deliberation.StatusPublished {
			t.Errorf("under review afterwards: %s", c.Status)
		}
	})
}

func TestReportAndHide(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		f := setup(t, d)
		r := f.residents
		a := f.post(t, r[1], f.ref, deliberation.Oppose, "某某是骗子", "")
		wantCode(t, f.s.Report(ctx, r[2], a.ID, deliberation.Report{Reason: "rude"}), errs.Invalid, "an unknown reason")
		wantCode(t, f.s.Report(ctx, r[1], a.ID, deliberation.Report{Reason: deliberation.ReasonAbuse}), errs.Conflict, "her own")
		wantCode(t, f.s.Report(ctx, auth.User{}, a.ID, deliberation.Report{Reason: deliberation.ReasonAbuse}), errs.Unauthorized, "a guest reports")
		wantCode(t, f.s.Report(ctx, r[2], "0123456789abcdef01234567", deliberation.Report{Reason: deliberation.ReasonAbuse}), errs.NotFound, "no such comment")
		must(t, f.s.Report(ctx, r[2], a.ID, deliberation.Report{Reason: deliberation.ReasonAbuse, Text: "人身攻击"}))
		wantCode(t, f.s.Report(ctx, r[2], a.ID, deliberation.Report{Reason: deliberation.ReasonAbuse}), errs.Conflict, "twice")
		must(t, f.s.Report(ctx, r[3], a.ID, deliberation.Report{Reason: deliberation.ReasonOffTopic}))
		q, err := f.s.Queue(ctx, f.office, "")
		must(t, err)
		if len(q.Items) != 1 || q.Items[0].Open != 2 || q.Items[0].Reasons[deliberation.ReasonAbuse] != 1 || q.Items[0].Notes[0] != "人身攻击" || q.Items[0].Title != "加装电梯" {
			t.Fatalf("queue: %+v", q.Items)
		}
		for _, u := range []auth.User{r[2], f.other} {
			_, err := f.s.Moderate(ctx, u, a.ID, deliberation.Decision{Decision: deliberation.Hide, Reason: deliberation.ReasonAbuse})
			if u.Role == auth.RoleResident {
				wantCode(t, err, errs.Forbidden, "a resident moderates")
			} else {
				wantCode(t, err, errs.NotFound, "staff of another street moderate")
			}
		}
		_, err = f.s.Moderate(ctx, f.office, a.ID, deliberation.Decision{Decision: deliberation.Hide})
		wantCode(t, err, errs.Invalid, "hiding without a reason")
		_, err = f.s.Moderate(ctx, f.office, a.ID, deliberation.Decision{Decision: "delete", Reason: deliberation.ReasonAbuse})
		wantCode(t, err, errs.Invalid, "an unknown decision")
		f.clock.Advance(time.Second)
		c := f.moderate(t, f.office, a.ID, deliberation.Hide, deliberation.ReasonAbuse, "含人身攻击")
		if c.Status != deliberation.StatusHidden || c.Reason != deliberation.ReasonAbuse {
			t.Fatalf("hidden: %+v", c)
		}
		_, err = f.s.Moderate(ctx, f.office, a.ID, deliberation.Decision{Decision: deliberation.Hide, Reason: deliberation.ReasonAd})
		wantCode(t, err, errs.Conflict, "hiding twice")
		if ids := queueIDs(t, f, f.office); len(ids) != 0 {
			t.Errorf("the queue after the decision: %v", ids)
		}
		th := f.list(t, r[2], f.ref)
		if x := th.Items[0]; x.Status != deliberation.StatusHidden || x.Body != "" || x.Reason != deliberation.ReasonAbuse || x.Note != "含人身攻击" || th.Counts.Oppose != 0 {
			t.Fatalf("a reader's view of the hidden comment: %+v", th)
		}
		if x := f.list(t, r[1], f.ref).Items[0]; x.Body != "某某是骗子" {
			t.Errorf("the author's view: %+v", x)
		}
		wantCode(t, f.s.Report(ctx, r[3], a.ID, deliberation.Report{Reason: deliberation.ReasonAd}), errs.Conflict, "reporting a hidden comment")
		_, err = f.s.Post(ctx, r[2], deliberation.New{Target: f.ref, Body: "回复", ParentID: a.ID})
		wantCode(t, err, errs.Conflict, "a reply to a hidden comment")
		var events []string
		rows, err := d.R.QueryContext(ctx, `SELECT kind, from_status, to_status, reason, text FROM comment_events WHERE comment_id = $1 ORDER BY at, kind, reason`, a.ID)
		must(t, err)
		for rows.Next() {
			var k, from, to, reason, text string
			must(t, rows.Scan(&k, &from, &to, &reason, &text))
			events = append(events, k+":"+from+">"+to+":"+reason+":"+text)
		}
		rows.Close()
		if len(events) != 4 || events[0] != "create:>published::" || events[1] != "report:published>published:abuse:人身攻击" ||
			events[2] != "report:published>published:offtopic:" || events[3] != "hide:published>hidden:abuse:含人身攻击" {
			t.Errorf("events: %q", events)
		}
		var text string
		must(t, d.R.QueryRowContext(ctx, `SELECT text FROM notifications WHERE phone = $1 AND kind = 'comment'`, r[1].Phone).Scan(&text))
		if text != "您在「加装电梯」的评论已被隐藏，原因：辱骂。" {
			t.Errorf("the author was told %q", text)
		}
		// Restored by the administrator.
		if c := f.moderate(t, f.admin, a.ID, deliberation.Publish, "", ""); c.Status != deliberation.StatusPublished || c.Reason != "" {
			t.Errorf("restored: %+v", c)
		}
	})
}

func TestStats(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		f := setup(t, d)
		r := f.residents
		// November: three comments on the notice held, one published,
		// one hidden as an advertisement; a comment on the proposal
		// reported twice and kept.
		var held []deliberation.Comment
		for i := 1; i < 4; i++ {
			held = append(held, f.post(t, r[i], f.notice, deliberation.Support, "支持", ""))
		}
		f.moderate(t, f.committee, held[0].ID, deliberation.Publish, "", "")
		f.moderate(t, f.committee, held[1].ID, deliberation.Hide, deliberation.ReasonAd, "")
		a := f.post(t, r[1], f.ref, deliberation.Support, "支持", "")
		must(t, f.s.Report(ctx, r[2], a.ID, deliberation.Report{Reason: deliberation.ReasonOffTopic}))
		must(t, f.s.Report(ctx, r[3], a.ID, deliberation.Report{Reason: deliberation.ReasonOther, Text: "看不懂"}))
		f.moderate(t, f.office, a.ID, deliberation.Publish, "", "")
		// December: the mode changes; one comment hidden for privacy.
		switched := time.Date(2026, 12, 2, 9, 0, 0, 0, clock.BusinessZone())
		f.clock.Set(switched)
		_, err := f.s.SetMode(ctx, f.admin, deliberation.ModePost)
		must(t, err)
		b := f.post(t, r[2], f.notice, deliberation.Oppose, "住在3号楼501的人说…", "")
		f.moderate(t, f.committee, b.ID, deliberation.Hide, deliberation.ReasonPrivacy, "")
		nov, err := f.s.Stats(ctx, "2026-11")
		must(t, err)
		wantNov := deliberation.Stats{Month: "2026-11", Comments: 4, Held: 3, PublishedAfterReview: 1, ReportsDismissed: 1, Hidden: 1, Reports: 2}
		if nov.Comments != wantNov.Comments || nov.Held != wantNov.Held || nov.PublishedAfterReview != 1 || nov.ReportsDismissed != 1 || nov.Hidden != 1 ||
			nov.HiddenByReason[deliberation.ReasonAd] != 1 || nov.Reports != 2 || nov.ReportsByReason[deliberation.ReasonOffTopic] != 1 ||
			nov.ReportsByReason[deliberation.ReasonOther] != 1 || nov.Month != wantNov.Month || len(nov.HiddenByReason) != len(deliberation.Reasons) {
			t.Errorf("November: %+v", nov)
		}
		dec, err := f.s.Stats(ctx, "")
		must(t, err)
		if dec.Month != "2026-12" || dec.Comments != 1 || dec.Held != 0 || dec.Hidden != 1 || dec.HiddenByReason[deliberation.ReasonPrivacy] != 1 ||
			dec.Reports != 0 || dec.Mode != deliberation.ModePost || dec.ModeSince == nil || !dec.ModeSince.Equal(switched) {
			t.Errorf("December: %+v", dec)
		}
		if oct, err := f.s.Stats(ctx, "2026-10"); err != nil || oct.Comments != 0 || oct.Hidden != 0 {
			t.Errorf("October: %+v %v", oct, err)
		}
		for _, m := range []string{"2026-13", "26-11", "2026-11-01"} {
			_, err := f.s.Stats(ctx, m)
			wantCode(t, err, errs.Invalid, "month "+m)
		}
		// The figures match the events they are counted from.
		var hides int
		must(t, d.R.QueryRowContext(ctx, `SELECT COUNT(*) FROM comment_events WHERE kind = 'hide'`).Scan(&hides))
		if hides != nov.Hidden+dec.Hidden {
			t.Errorf("%d hide events, %d + %d in the figures", hides, nov.Hidden, dec.Hidden)
		}
	})
}
