package deliberation

import (
	"context"
	"database/sql"
	"errors"
	"time"

	"github.com/gongzhi/gongzhi/internal/auth"
	"github.com/gongzhi/gongzhi/internal/db"
	"github.com/gongzhi/gongzhi/internal/errs"
	"github.com/gongzhi/gongzhi/internal/privacy"
)

const cols = `c.id, c.target_kind, c.target_id, c.parent_id, c.root_id, c.depth, c.author_id, c.author_phone, COALESCE(o.name, ''),
c.position, c.body, c.official, c.status, c.reason, c.note, c.reports, c.created_at`

const from = ` FROM comments c LEFT JOIN orgs o ON o.code = c.author_org`

func (s *Service) scan(sc interface{ Scan(...any) error }) (Comment, error) {
	var c Comment
	var kind, id string
	err := sc.Scan(&c.ID, &kind, &id, &c.ParentID, &c.rootID, &c.Depth, &c.authorID, &c.authorPh, &c.orgName,
		&c.Position, &c.Body, &c.Official, &c.Status, &c.Reason, &c.Note, &c.Reports, &c.createdMs)
	if err != nil {
		return c, err
	}
	c.Target, c.At = Ref(kind, id), s.at(c.createdMs)
	c.AuthorKind, c.Author = "resident", "居民"
	if c.authorPh != "" {
		c.tag = "**" + c.authorPh[len(c.authorPh)-2:]
		c.Author += c.tag
	} else {
		c.AuthorKind, c.Author = "unit", c.orgName
		if c.Author == "" {
			c.Author = "工作人员"
		}
	}
	return c, nil
}

// read returns the comment with the ID, not found when there is none.
func (s *Service) read(ctx context.Context, q db.Queryer, id string) (Comment, error) {
	if !validID(id) {
		return Comment{}, errNotFound
	}
	c, err := s.scan(q.QueryRowContext(ctx, `SELECT `+cols+from+` WHERE c.id = $1`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return Comment{}, errNotFound
	}
	return c, errs.Wrap(err, "read comment")
}

func validID(id string) bool {
	if len(id) != 24 {
		return false
	}
	for i := 0; i < len(id); i++ {
		if c := id[i]; (c < '0' || c > '9') && (c < 'a' || c > 'f') {
			return false
		}
	}
	return true
}

// forReader makes the comment what u, reading comments on t, may see of
// it: hers marked; the text of a hidden one only to its author and the
// moderators; personal numbers masked for everyone else.
func forReader(u auth.User, t Target, c Comment) Comment {
	c.Mine = u.ID != "" && c.authorID == u.ID
	switch {
	case seesPending(u, t, c):
	case c.Status == StatusHidden:
		c.Body = ""
	default:
		c.Body = privacy.Mask(c.Body)
	}
	if !CanModerate(u, t) {
		c.Reports = 0
	}
	return c
}

// event is one line of comment_events.
type event struct {
	Kind     string
	From, To Status
	Reason   string
	Text     string
}

func (s *Service) event(ctx context.Context, tx *sql.Tx, commentID string, u auth.User, now time.Time, e event) error {
	_, err := tx.ExecContext(ctx, `INSERT INTO comment_events (id, comment_id, at, actor_id, kind, from_status, to_status, reason, text)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`, db.NewID(), commentID, db.Millis(now), u.ID, e.Kind, string(e.From), string(e.To), e.Reason, e.Text)
	return errs.Wrap(err, "comment event")
}

// notify tells a resident's phone, in the notifications the ticket
// capability delivers and lists.
func (s *Service) notify(ctx context.Context, tx *sql.Tx, now time.Time, phone, text string) error {
	if phone == "" {
		return nil
	}
	return db.Notify(ctx, tx, db.Note{At: now, Phone: phone, Kind: "comment", Text: text})
}
