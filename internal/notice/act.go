package notice

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/gongzhi/gongzhi/internal/auth"
	"github.com/gongzhi/gongzhi/internal/db"
	"github.com/gongzhi/gongzhi/internal/disclosure"
	"github.com/gongzhi/gongzhi/internal/errs"
	"github.com/gongzhi/gongzhi/internal/plaintext"
)

// locked reads and locks the item in tx for u, or not found when she may
// not see it; it tells whether she lives in its area.
func (s *Service) locked(ctx context.Context, tx *sql.Tx, u auth.User, number string) (Notice, bool, error) {
	n, err := s.lock(ctx, tx, number)
	if err != nil {
		return n, false, err
	}
	resident, err := disclosure.Resident(ctx, tx, u, n.AreaCode)
	if err != nil {
		return n, false, err
	}
	if !CanSee(u, n, resident) {
		return Notice{}, false, errNotFound
	}
	return n, resident, s.fill(ctx, tx, u, &n)
}

// act runs fn on the item locked for u, who must speak for its publishing
// organisation, and returns the item as she then reads it.
func (s *Service) act(ctx context.Context, u auth.User, number string, fn func(tx *sql.Tx, n Notice, now time.Time) error) (Notice, error) {
	err := s.db.Tx(ctx, func(tx *sql.Tx) error {
		n, _, err := s.locked(ctx, tx, u, number)
		if err != nil {
			return err
		}
		if !ofPublisher(u, n) {
			return errs.ErrForbidden
		}
		return fn(tx, n, s.clock.Now())
	})
	if err != nil {
		return Notice{}, err
	}
	return s.Get(ctx, u, number)
}

func cleanText(s string) string { return strings.TrimSpace(plaintext.Clean(s)) }

func checkText(s string, max int, zh, en string) error {
	if s == "" || utf8.RuneCountInString(s) > max {
		return errs.Invalidf(zh+"不能为空且不超过%d字", en+" must be 1 to %d characters", max)
	}
	return nil
}

// OpenInput opens an item's next period.
type OpenInput struct {
	// Decision and Summary put a topic's result up for public notice once
	// its comment period has ended: the decision reached, and what was
	// heard in the comments and what it changed.
	Decision string `json:"decision"`
	Summary  string `json:"summary"`
	// NoticeDays sets the public-notice period; 0 keeps the item's.
	NoticeDays int `json:"notice_days"`
}

// Open publishes a draft (a topic's comment period or another item's
// public-notice period begins), or puts a topic's decision up for public
// notice after its comment period.
func (s *Service) Open(ctx context.Context, u auth.User, number string, in OpenInput) (Notice, error) {
	in.Decision, in.Summary = cleanText(in.Decision), cleanText(in.Summary)
	return s.act(ctx, u, number, func(tx *sql.Tx, n Notice, now time.Time) error {
		if !CanOpen(u, n) {
			return errState
		}
		return s.open(ctx, tx, u, n, now, in)
	})
}

func (s *Service) open(ctx context.Context, tx *sql.Tx, u auth.User, n Notice, now time.Time, in OpenInput) error {
	days := n.NoticeDays
	if in.NoticeDays != 0 {
		days = in.NoticeDays
	}
	if days < MinNoticeDays || days > MaxNoticeDays {
		return errs.Invalidf("公示期应为%d到%d天", "the public-notice period must be %d to %d days", MinNoticeDays, MaxNoticeDays)
	}
	ev := Event{Kind: "open", FromStatus: n.Status, ToStatus: StatusNoticing}
	var err error
	switch {
	case n.Status == StatusDraft && n.Kind == KindTopic:
		ev.ToStatus = StatusCommenting
		_, err = tx.ExecContext(ctx, `UPDATE notices SET status = 'commenting', comment_until = $2, published_at = $3, updated_at = $3 WHERE number = $1`,
			n.Number, db.Millis(s.periodEnd(now, n.CommentDays)), db.Millis(now))
	case n.Status == StatusDraft:
		_, err = tx.ExecContext(ctx, `UPDATE notices SET status = 'noticing', notice_days = $2, notice_from = $3, notice_until = $4, published_at = $3, updated_at = $3
WHERE number = $1`, n.Number, days, db.Millis(now), db.Millis(s.periodEnd(now, days)))
	case n.Kind == KindTopic && n.Status == StatusCommenting:
		if n.CommentUntil != nil && now.Before(*n.CommentUntil) {
			return errs.Conflictf("意见征集期尚未结束（至%s）", "the comment period has not ended (it runs until %s)", n.CommentUntil.Format("2006-01-02 15:04"))
		}
		if err := checkText(in.Decision, MaxSummary, "决定内容", "the decision"); err != nil {
			return err
		}
		if err := checkText(in.Summary, MaxSummary, "意见采纳情况说明", "the summary of what was heard"); err != nil {
			return err
		}
		ev.Kind, ev.Text = "decide", in.Decision
		_, err = tx.ExecContext(ctx, `UPDATE notices SET status = 'noticing', decision = $2, summary = $3, notice_days = $4, notice_from = $5, notice_until = $6,
updated_at = $5 WHERE number = $1`, n.Number, in.Decision, in.Summary, days, db.Millis(now), db.Millis(s.periodEnd(now, days)))
	default:
		return errState
	}
	if err != nil {
		return errs.Wrap(err, "open notice")
	}
	return s.event(ctx, tx, n.Number, u, "", now, ev)
}

// Finalise makes the item final with the summary of what was heard and
// what changed (required for topics and once objections were raised; a
// topic's summary given with its decision stands when none is given). Its
// periods must have ended and every objection been answered.
func (s *Service) Finalise(ctx context.Context, u auth.User, number, summary string) (Notice, error) {
	summary = cleanText(summary)
	if utf8.RuneCountInString(summary) > MaxSummary {
		return Notice{}, errs.Invalidf("结果说明不超过%d字", "the summary must be at most %d characters", MaxSummary)
	}
	return s.act(ctx, u, number, func(tx *sql.Tx, n Notice, now time.Time) error {
		if !CanFinalise(u, n) {
			return errState
		}
		if err := s.ended(n, now); err != nil {
			return err
		}
		if n.Pending > 0 {
			return errs.Conflictf("尚有%d条异议未答复，答复后才能办结", "answer every objection before finalising: %d still unanswered", n.Pending)
		}
		if summary == "" {
			summary = n.Summary
		}
		if summary == "" && SummaryRequired(n) {
			return errs.Invalidf("请填写结果说明：听取了哪些意见，作了哪些改变", "write the summary: what was heard and what changed")
		}
		return s.finish(ctx, tx, u, n, now, summary)
	})
}

// ended checks that the item's comment or public-notice period is over.
func (s *Service) ended(n Notice, now time.Time) error {
	switch {
	case n.Status == StatusCommenting && n.CommentUntil != nil && now.Before(*n.CommentUntil):
		return errs.Conflictf("意见征集期尚未结束（至%s），不能办结", "the comment period runs until %s; it cannot be final yet", n.CommentUntil.Format("2006-01-02 15:04"))
	case n.Status == StatusNoticing && n.NoticeUntil != nil && now.Before(*n.NoticeUntil):
		return errs.Conflictf("公示期未满（至%s），不能办结", "the public-notice period runs until %s; it cannot be final yet", n.NoticeUntil.Format("2006-01-02 15:04"))
	}
	return nil
}

// finish makes n final in tx and tells its objectors.
func (s *Service) finish(ctx context.Context, tx *sql.Tx, u auth.User, n Notice, now time.Time, summary string) error {
	if _, err := tx.ExecContext(ctx, `UPDATE notices SET status = 'final', summary = $2, final_at = $3, updated_at = $3 WHERE number = $1`,
		n.Number, summary, db.Millis(now)); err != nil {
		return errs.Wrap(err, "finalise notice")
	}
	if err := s.event(ctx, tx, n.Number, u, "", now, Event{Kind: "final", FromStatus: n.Status, ToStatus: StatusFinal, Text: summary}); err != nil {
		return err
	}
	if n.Objections == 0 {
		return nil
	}
	rows, err := tx.QueryContext(ctx, `SELECT DISTINCT phone FROM notice_objections WHERE number = $1`, n.Number)
	if err != nil {
		return errs.Wrap(err, "objectors")
	}
	var phones []string
	for rows.Next() {
		var p string
		if err := rows.Scan(&p); err != nil {
			rows.Close()
			return errs.Wrap(err, "scan objector")
		}
		phones = append(phones, p)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return errs.Wrap(err, "objectors")
	}
	for _, p := range phones {
		if err := s.notify(ctx, tx, now, p, "", fmt.Sprintf("您提出异议的「%s」（%s）已办结，结果说明已公布。", n.Title, n.Number)); err != nil {
			return err
		}
	}
	return nil
}

// Withdraw withdraws the item, with the reason shown to its readers.
func (s *Service) Withdraw(ctx context.Context, u auth.User, number, reason string) (Notice, error) {
	reason = cleanText(reason)
	if err := checkText(reason, MaxReason, "撤回理由", "the reason"); err != nil {
		return Notice{}, err
	}
	return s.act(ctx, u, number, func(tx *sql.Tx, n Notice, now time.Time) error {
		if !CanWithdraw(u, n) {
			return errState
		}
		if _, err := tx.ExecContext(ctx, `UPDATE notices SET status = 'withdrawn', reason = $2, updated_at = $3 WHERE number = $1`,
			n.Number, reason, db.Millis(now)); err != nil {
			return errs.Wrap(err, "withdraw notice")
		}
		return s.event(ctx, tx, n.Number, u, "", now, Event{Kind: "withdraw", FromStatus: n.Status, ToStatus: StatusWithdrawn, Text: reason})
	})
}
