package notice_test

import (
	"context"
	"testing"

	"github.com/gongzhi/gongzhi/internal/db"
	"github.com/gongzhi/gongzhi/internal/db/dbtest"
	"github.com/gongzhi/gongzhi/internal/disclosure"
	"github.com/gongzhi/gongzhi/internal/errs"
	"github.com/gongzhi/gongzhi/internal/notice"
)

// TestEditDraft: the publisher changes a draft (its lines replaced, checked
// as at creation, an event saying so); another unit may not; a published
// item is not changed.
func TestEditDraft(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		f := setup(t, d, monday)
		lines, err := notice.ParseLines("土地承包费,收入,100\n道路维修,支出,30\n")
		must(t, err)
		x := f.publish(t, f.village, notice.New{Kind: notice.KindFinance, Period: "2026-10", Title: "10月财务公开", Body: "草稿", Lines: lines, Draft: true})
		if x.Status != notice.StatusDraft {
			t.Fatalf("status %s", x.Status)
		}
		fixed, err := notice.ParseLines("土地承包费,收入,120\n")
		must(t, err)
		c := notice.Changes{Level: disclosure.Public, Title: "10月财务收支公开", Body: "收支明细如下。", Period: "2026-10", Lines: fixed}
		_, err = f.s.Edit(ctx, f.otherOffice, x.Number, c)
		if err == nil {
			t.Fatal("another street's office changed the draft")
		}
		bad := c
		bad.Title = ""
		_, err = f.s.Edit(ctx, f.village, x.Number, bad)
		wantCode(t, err, errs.Invalid, "an empty title")
		x, err = f.s.Edit(ctx, f.village, x.Number, c)
		must(t, err)
		if x.Title != "10月财务收支公开" || x.Level != disclosure.Public || len(x.Lines) != 1 || x.IncomeFen != 12000 || x.ExpenseFen != 0 || x.Status != notice.StatusDraft {
			t.Errorf("edited %+v", x)
		}
		ev, err := f.s.Events(ctx, f.village, x.Number)
		must(t, err)
		if len(ev) != 2 || ev[1].Kind != "edit" {
			t.Errorf("events %+v", ev)
		}
		_, err = f.s.Open(ctx, f.village, x.Number, notice.OpenInput{})
		must(t, err)
		_, err = f.s.Edit(ctx, f.village, x.Number, c)
		wantCode(t, err, errs.Conflict, "a published item changed")
	})
}
