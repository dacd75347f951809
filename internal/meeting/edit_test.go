package meeting_test

import (
	"context"
	"testing"
	"time"

	"github.com/gongzhi/gongzhi/internal/db"
	"github.com/gongzhi/gongzhi/internal/db/dbtest"
	"github.com/gongzhi/gongzhi/internal/disclosure"
	"github.com/gongzhi/gongzhi/internal/errs"
	"github.com/gongzhi/gongzhi/internal/meeting"
)

// TestEditDraft: those who run a meeting change it in draft (checked as at
// creation, its area kept, an event saying so); others may not; once the
// notice is out it is not changed.
func TestEditDraft(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		f := setup(t, d)
		m := f.create(t, f.committee, courtyard, "")
		ch := meeting.New{AreaCode: "110117002", Title: "一号院停车与充电桩议事", Agenda: []string{"通报停车位现状", "讨论划线方案", "充电桩选址"},
			Place: "一号院活动室", StartsAt: wednesday.Add(72 * time.Hour), Quorum: meeting.TwoThirds, Level: disclosure.Public}
		_, err := f.s.Edit(ctx, f.other, m.ID, ch)
		wantCode(t, err, errs.NotFound, "another street edits")
		bad := ch
		bad.Agenda = nil
		_, err = f.s.Edit(ctx, f.committee, m.ID, bad)
		wantCode(t, err, errs.Invalid, "no agenda")
		m, err = f.s.Edit(ctx, f.committee, m.ID, ch)
		must(t, err)
		if m.Title != ch.Title || len(m.Agenda) != 3 || m.Place != "一号院活动室" || !m.StartsAt.Equal(ch.StartsAt) || m.Quorum != meeting.TwoThirds ||
			m.Level != disclosure.Public || m.AreaCode != courtyard || m.Status != meeting.StatusDraft {
			t.Fatalf("edited: %+v", m)
		}
		ev, err := f.s.Events(ctx, f.committee, m.ID)
		must(t, err)
		if ev[len(ev)-1].Kind != "edit" {
			t.Errorf("events %+v", ev)
		}
		f.roster(t, m.ID, 6)
		_, err = f.s.Notice(ctx, f.committee, m.ID)
		must(t, err)
		_, err = f.s.Edit(ctx, f.committee, m.ID, ch)
		wantCode(t, err, errs.Conflict, "a meeting edited after its notice")
	})
}
