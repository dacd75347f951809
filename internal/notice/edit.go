package notice

import (
	"context"
	"database/sql"
	"time"

	"github.com/gongzhi/gongzhi/internal/auth"
	"github.com/gongzhi/gongzhi/internal/db"
	"github.com/gongzhi/gongzhi/internal/disclosure"
	"github.com/gongzhi/gongzhi/internal/errs"
)

// Changes are what a draft's publisher may change before publishing it: all
// but its kind, area and organisation (a draft of another kind or place is
// a new item). Each is checked as at creation.
type Changes struct {
	Level       disclosure.Level `json:"level"`
	Title       string           `json:"title"`
	Body        string           `json:"body"`
	Period      string           `json:"period"`
	CommentDays int              `json:"comment_days"`
	NoticeDays  int              `json:"notice_days"`
	Lines       []Line           `json:"lines"`
}

// Edit changes a draft, with an event saying so; a published item is not
// changed (its readers have seen it), only withdrawn.
func (s *Service) Edit(ctx context.Context, u auth.User, number string, c Changes) (Notice, error) {
	return s.act(ctx, u, number, func(tx *sql.Tx, n Notice, now time.Time) error {
		if !CanEdit(u, n) {
			return errs.Conflictf("已发布的事项不能修改，只能撤回", "a published item is not changed, only withdrawn")
		}
		x := New{Kind: n.Kind, AreaCode: n.AreaCode, OrgCode: n.OrgCode, Level: c.Level, Title: c.Title, Body: c.Body, Period: c.Period,
			CommentDays: c.CommentDays, NoticeDays: c.NoticeDays, Lines: c.Lines, Draft: true}
		if err := x.check(now); err != nil {
			return err
		}
		_, err := tx.ExecContext(ctx, `UPDATE notices SET level = $2, title = $3, body = $4, period = $5, comment_days = $6, notice_days = $7, updated_at = $8
WHERE number = $1`, n.Number, string(x.Level), x.Title, x.Body, x.Period, x.CommentDays, x.NoticeDays, db.Millis(now))
		if err != nil {
			return errs.Wrap(err, "edit notice")
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM notice_lines WHERE number = $1`, n.Number); err != nil {
			return errs.Wrap(err, "edit notice lines")
		}
		if err := insertLines(ctx, tx, n.Number, x.Lines); err != nil {
			return err
		}
		return s.event(ctx, tx, n.Number, u, "", now, Event{Kind: "edit", FromStatus: n.Status, ToStatus: n.Status, Text: x.Title})
	})
}
