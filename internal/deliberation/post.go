package deliberation

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

// New is a comment or a reply to be written.
type New struct {
	Target   string   `json:"target"`   // kind:id
	Position Position `json:"position"` // a resident's top-level comment only
	Body     string   `json:"body"`
	ParentID string   `json:"parent_id"` // the comment replied to, or ""
}

func (n *New) check() error {
	n.Body = strings.TrimSpace(plaintext.Clean(n.Body))
	if n.Body == "" || utf8.RuneCountInString(n.Body) > MaxBody {
		return errs.Invalidf("评论内容不能为空且不超过%d字", "a comment must be 1 to %d characters", MaxBody)
	}
	if n.Position != "" && !n.Position.Valid() {
		return errs.Invalidf("立场应为 support（支持）、neutral（中立）或 oppose（反对）", "position must be support, neutral or oppose")
	}
	if n.ParentID != "" && !validID(n.ParentID) {
		return errs.Invalidf("所回复的评论编号不正确", "malformed parent_id")
	}
	if n.ParentID != "" && n.Position != "" {
		return errs.Invalidf("回复不表明立场，请去掉立场", "a reply takes no position")
	}
	_, _, err := ParseRef(n.Target)
	return err
}

var errClosed = errs.Conflictf("此事项现在不接受评论", "this item takes no comments now")

// Post writes a comment or a reply of u. Under review first, a comment on a
// public item is held until a moderator publishes it (Held).
func (s *Service) Post(ctx context.Context, u auth.User, n New) (Comment, error) {
	if err := n.check(); err != nil {
		return Comment{}, err
	}
	if u.ID == "" {
		return Comment{}, errs.ErrUnauthorized
	}
	t, err := s.Resolve(ctx, u, n.Target)
	if err != nil {
		return Comment{}, err
	}
	if !t.Open {
		return Comment{}, errClosed
	}
	resident, err := disclosure.Resident(ctx, s.db.R, u, t.AreaCode)
	if err != nil {
		return Comment{}, err
	}
	if !CanComment(u, t, resident) {
		if u.Role.IsStaff() {
			return Comment{}, errs.New(errs.Forbidden, "只有责任单位的工作人员可以在此发表官方答复", "only the staff of the responsible unit reply here, officially")
		}
		return Comment{}, errs.New(errs.Forbidden, "只有本区域的居民可以评论此事项", "only residents of the area comment on this item")
	}
	if n.ParentID == "" && n.Position == "" && !t.Official {
		return Comment{}, errs.Invalidf("请选择您的立场：支持、中立或反对", "choose your position: support, neutral or oppose")
	}
	if t.Official {
		n.Position = ""
	}
	mode, err := s.Mode(ctx)
	if err != nil {
		return Comment{}, err
	}
	var id string
	err = s.db.Tx(ctx, func(tx *sql.Tx) error {
		var err error
		id, err = s.insert(ctx, tx, u, t, n, Held(mode.Mode, t))
		return err
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

// insert writes the comment and its event: the thread's limits and the
// day's are checked in the transaction.
func (s *Service) insert(ctx context.Context, tx *sql.Tx, u auth.User, t Target, n New, held bool) (string, error) {
	now := s.clock.Now()
	id := db.NewID()
	root, depth := id, 0
	if n.ParentID != "" {
		p, err := s.parent(ctx, tx, u, t, n.ParentID)
		if err != nil {
			return "", err
		}
		root, depth = p.rootID, p.Depth+1
	}
	if !t.Official {
		if err := s.dayLimit(ctx, tx, u, t, now); err != nil {
			return "", err
		}
	}
	status := StatusPublished
	if held {
		status = StatusPending
	}
	phone, org := "", ""
	if u.Role == auth.RoleResident {
		phone = u.Phone
	} else if org = t.OrgCode; org == "" {
		org = u.OrgCode
	}
	_, err := tx.ExecContext(ctx, `INSERT INTO comments (id, target_kind, target_id, area_code, org_code, level, parent_id, root_id, depth,
author_id, author_phone, author_org, position, body, official, status, queued, created_at, updated_at)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $18)`,
		id, t.Kind, t.ID, t.AreaCode, t.OrgCode, string(t.Level), n.ParentID, root, depth,
		u.ID, phone, org, string(n.Position), n.Body, t.Official, string(status), held, db.Millis(now))
	if err != nil {
		return "", errs.Wrap(err, "insert comment")
	}
	return id, s.event(ctx, tx, id, u, now, event{Kind: "create", To: status})
}

// parent reads the comment replied to: on the same item, published, not at
// the deepest level, its thread not full.
func (s *Service) parent(ctx context.Context, tx *sql.Tx, u auth.User, t Target, id string) (Comment, error) {
	p, err := s.read(ctx, tx, id)
	if err != nil || p.Target != Ref(t.Kind, t.ID) {
		return Comment{}, errs.NotFoundf("所回复的评论不存在", "the comment replied to does not exist")
	}
	if p = forReader(u, t, p); p.Status == StatusPending && !seesPending(u, t, p) {
		return Comment{}, errs.NotFoundf("所回复的评论不存在", "the comment replied to does not exist")
	}
	switch {
	case p.Status != StatusPublished:
		return Comment{}, errs.Conflictf("只能回复已公开的评论", "only published comments take replies")
	case p.Depth >= MaxDepth:
		return Comment{}, errs.Conflictf("回复最多%d层，请回复上一层的评论", "replies go at most %d levels deep; reply to the comment above", MaxDepth)
	}
	var n int
	if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM comments WHERE root_id = $1 AND depth > 0`, p.rootID).Scan(&n); err != nil {
		return Comment{}, errs.Wrap(err, "count replies")
	}
	if n >= MaxReplies {
		return Comment{}, errs.Conflictf("这条评论的回复已满%d条，请另发评论", "this thread has %d replies, its most; write a new comment", MaxReplies)
	}
	return p, nil
}

// dayLimit refuses a comment beyond MaxPerDay on the item this business day.
func (s *Service) dayLimit(ctx context.Context, tx *sql.Tx, u auth.User, t Target, now time.Time) error {
	start := s.dayStart(now)
	var n int
	err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM comments WHERE target_kind = $1 AND target_id = $2 AND author_id = $3 AND created_at >= $4`,
		t.Kind, t.ID, u.ID, db.Millis(start)).Scan(&n)
	if err != nil {
		return errs.Wrap(err, "count comments")
	}
	if n < MaxPerDay {
		return nil
	}
	e := errs.New(errs.TooMany, fmt.Sprintf("您今天在此事项已发表%d条评论，已达上限，请明天再来", MaxPerDay),
		fmt.Sprintf("you have written %d comments on this item today, the most a day allows; come back tomorrow", MaxPerDay))
	e.RetryAfter = int(start.AddDate(0, 0, 1).Sub(now).Seconds()) + 1
	return e
}
