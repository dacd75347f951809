package deliberation

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/gongzhi/gongzhi/internal/auth"
	"github.com/gongzhi/gongzhi/internal/db"
	"github.com/gongzhi/gongzhi/internal/errs"
	"github.com/gongzhi/gongzhi/internal/plaintext"
)

// Report is a reader's report of a comment.
type Report struct {
	Reason string `json:"reason"` // one of Reasons
	Text   string `json:"text"`
}

var errReason = errs.Invalidf("原因应为 ad（广告）、abuse（辱骂）、privacy（泄露隐私）、offtopic（无关）或 other（其他）",
	"reason must be ad, abuse, privacy, offtopic or other")

func cleanNote(s string) (string, error) {
	s = strings.TrimSpace(plaintext.Clean(s))
	if utf8.RuneCountInString(s) > MaxNote {
		return "", errs.Invalidf("说明不超过%d字", "the note must be at most %d characters", MaxNote)
	}
	return s, nil
}

// visible reads the comment and its item for u: not found when she may not
// read the item, or the comment is held and neither hers nor hers to
// moderate.
func (s *Service) visible(ctx context.Context, q db.Queryer, u auth.User, id string) (Comment, Target, error) {
	c, err := s.read(ctx, q, id)
	if err != nil {
		return c, Target{}, err
	}
	t, err := s.Resolve(ctx, u, c.Target)
	if errs.Is(err, errs.NotFound) {
		return c, t, errNotFound
	}
	if err != nil {
		return c, t, err
	}
	c = forReader(u, t, c)
	if c.Status == StatusPending && !seesPending(u, t, c) {
		return c, t, errNotFound
	}
	return c, t, nil
}

// Report records u's report of the comment, which puts it in the
// moderation queue.
func (s *Service) Report(ctx context.Context, u auth.User, id string, r Report) error {
	if !validReason(r.Reason) {
		return errReason
	}
	text, err := cleanNote(r.Text)
	if err != nil {
		return err
	}
	if u.ID == "" {
		return errs.ErrUnauthorized
	}
	return s.db.Tx(ctx, func(tx *sql.Tx) error {
		c, _, err := s.visible(ctx, tx, u, id)
		if err != nil {
			return err
		}
		switch {
		case c.Mine:
			return errs.Conflictf("不能举报自己的评论", "you cannot report your own comment")
		case !CanReport(u, c):
			return errs.Conflictf("只能举报已公开的评论", "only published comments are reported")
		}
		now := s.clock.Now()
		if _, err := tx.ExecContext(ctx, `INSERT INTO comment_reports (comment_id, reporter_id, reason, text, at) VALUES ($1, $2, $3, $4, $5)`,
			id, u.ID, r.Reason, text, db.Millis(now)); err != nil {
			if db.IsUnique(db.MapError(err)) {
				return errs.Conflictf("您已举报过这条评论", "you have already reported this comment")
			}
			return errs.Wrap(err, "report comment")
		}
		if _, err := tx.ExecContext(ctx, `UPDATE comments SET reports = reports + 1, queued = TRUE, updated_at = $2 WHERE id = $1`, id, db.Millis(now)); err != nil {
			return errs.Wrap(err, "report comment")
		}
		return s.event(ctx, tx, id, u, now, event{Kind: "report", From: c.Status, To: c.Status, Reason: r.Reason, Text: text})
	})
}

// Decisions of a moderator.
const (
	Publish = "publish"
	Hide    = "hide"
)

// Decision is a moderator's decision on a comment: publish it (a held one,
// one reported without cause, or a hidden one restored), or hide it with a
// reason.
type Decision struct {
	Decision string `json:"decision"`
	Reason   string `json:"reason"` // one of Reasons; required to hide
	Text     string `json:"text"`   // the moderator's note, shown with a hidden comment
}

func (d *Decision) check() error {
	var err error
	if d.Text, err = cleanNote(d.Text); err != nil {
		return err
	}
	switch d.Decision {
	case Publish:
		if d.Reason != "" {
			return errs.Invalidf("公开评论不需要原因", "publishing takes no reason")
		}
	case Hide:
		if !validReason(d.Reason) {
			return errReason
		}
	default:
		return errs.Invalidf("处理决定应为 publish（公开）或 hide（隐藏）", "decision must be publish or hide")
	}
	return nil
}

var reasonWords = map[string]string{ReasonAd: "广告", ReasonAbuse: "辱骂", ReasonPrivacy: "泄露隐私", ReasonOffTopic: "与议题无关", ReasonOther: "其他"}

// Moderate takes the moderator's decision; the reports of the comment are
// dealt with, and its author is told when her held comment is published or
// her comment hidden.
func (s *Service) Moderate(ctx context.Context, u auth.User, id string, d Decision) (Comment, error) {
	if err := d.check(); err != nil {
		return Comment{}, err
	}
	if u.ID == "" {
		return Comment{}, errs.ErrUnauthorized
	}
	var t Target
	err := s.db.Tx(ctx, func(tx *sql.Tx) error {
		var c Comment
		var err error
		if c, t, err = s.visible(ctx, tx, u, id); err != nil {
			return err
		}
		if !CanModerate(u, t) {
			return errs.New(errs.Forbidden, "只有负责该区域的工作人员或系统管理员可以审核评论", "only staff whose area covers the item, or the administrator, moderate its comments")
		}
		to := StatusPublished
		if d.Decision == Hide {
			to = StatusHidden
		}
		if c.Status == to && c.Reports == 0 {
			return errs.Conflictf("评论已是此状态", "the comment is in that state already")
		}
		now := s.clock.Now()
		res, err := tx.ExecContext(ctx, `UPDATE comments SET status = $2, reason = $3, note = $4, reports = 0, queued = FALSE, updated_at = $5
WHERE id = $1 AND status = $6`, id, string(to), d.Reason, d.Text, db.Millis(now), string(c.Status))
		if err != nil {
			return errs.Wrap(err, "moderate comment")
		}
		if n, _ := res.RowsAffected(); n != 1 {
			return errs.Conflictf("评论刚被他人处理，请刷新", "the comment was just dealt with by someone else; reload")
		}
		if err := s.event(ctx, tx, id, u, now, event{Kind: d.Decision, From: c.Status, To: to, Reason: d.Reason, Text: d.Text}); err != nil {
			return err
		}
		switch {
		case to == StatusHidden:
			return s.notify(ctx, tx, now, c.authorPh, fmt.Sprintf("您在「%s」的评论已被隐藏，原因：%s。", t.Title, reasonWords[d.Reason]))
		case c.Status == StatusPending:
			return s.notify(ctx, tx, now, c.authorPh, fmt.Sprintf("您在「%s」的评论已通过审核并公开。", t.Title))
		}
		return nil
	})
	if err != nil {
		return Comment{}, err
	}
	c, err := s.read(ctx, s.db.R, id)
	if err != nil {
		return Comment{}, err
	}
	return forReader(u, t, c), nil
}

// Get returns the comment as u may read it, with its item: not found when
// she may not read the item, or the comment is held and neither hers nor
// hers to moderate.
func (s *Service) Get(ctx context.Context, u auth.User, id string) (Comment, Target, error) {
	return s.visible(ctx, s.db.R, u, id)
}
