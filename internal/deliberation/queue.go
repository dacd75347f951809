package deliberation

import (
	"context"

	"github.com/gongzhi/gongzhi/internal/auth"
	"github.com/gongzhi/gongzhi/internal/db"
	"github.com/gongzhi/gongzhi/internal/errs"
)

// Queued is a comment waiting for a moderator, with its item and the
// reports not yet dealt with.
type Queued struct {
	Comment
	Title   string         `json:"title"`
	URL     string         `json:"url"`
	Open    int64          `json:"open_reports"`
	Reasons map[string]int `json:"report_reasons"`
	Notes   []string       `json:"report_notes"` // what the reporters wrote, without who they are
}

// QueuePage is a page of the moderation queue, the oldest first.
type QueuePage struct {
	Items []Queued `json:"items"`
	Next  string   `json:"next_cursor"`
}

// Queue returns the comments u moderates that wait for a moderator: held
// for review, or reported.
func (s *Service) Queue(ctx context.Context, u auth.User, cursor string) (QueuePage, error) {
	if !CanSeeQueue(u) {
		return QueuePage{}, errs.ErrForbidden
	}
	curAt, curID, err := db.ParseKeysetCursor(cursor)
	if err != nil {
		return QueuePage{}, err
	}
	var c db.Conds
	c.Add(`c.queued = TRUE`)
	queueCond(&c, u)
	if cursor != "" {
		c.Add(`(c.created_at > ? OR (c.created_at = ? AND c.id > ?))`, curAt, curAt, curID)
	}
	rows, err := s.db.R.QueryContext(ctx, `SELECT `+cols+from+` WHERE `+c.And()+` ORDER BY c.created_at, c.id LIMIT `+c.Arg(MaxQueue+1), c.Args...)
	if err != nil {
		return QueuePage{}, errs.Wrap(err, "moderation queue")
	}
	var all []Comment
	for rows.Next() {
		x, err := s.scan(rows)
		if err != nil {
			rows.Close()
			return QueuePage{}, errs.Wrap(err, "scan comment")
		}
		all = append(all, x)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return QueuePage{}, errs.Wrap(err, "moderation queue")
	}
	page := QueuePage{Items: []Queued{}}
	if len(all) > MaxQueue {
		all = all[:MaxQueue]
		page.Next = db.KeysetCursor(all[MaxQueue-1].createdMs, all[MaxQueue-1].ID)
	}
	for _, x := range all {
		t, err := s.Resolve(ctx, u, x.Target)
		if err != nil || !CanModerate(u, t) {
			continue // the item moved out of her scope, or is gone
		}
		q := Queued{Comment: forReader(u, t, x), Title: t.Title, URL: t.URL, Open: x.Reports}
		if q.Reasons, q.Notes, err = s.reports(ctx, x.ID, x.Reports); err != nil {
			return QueuePage{}, err
		}
		page.Items = append(page.Items, q)
	}
	return page, nil
}

// reports counts the reasons of the comment's latest n reports, those not
// yet dealt with, and gathers what their reporters wrote.
func (s *Service) reports(ctx context.Context, id string, n int64) (map[string]int, []string, error) {
	out, notes := map[string]int{}, []string{}
	if n == 0 {
		return out, notes, nil
	}
	rows, err := s.db.R.QueryContext(ctx, `SELECT reason, text FROM comment_reports WHERE comment_id = $1 ORDER BY at DESC LIMIT $2`, id, n)
	if err != nil {
		return nil, nil, errs.Wrap(err, "reports")
	}
	defer rows.Close()
	for rows.Next() {
		var r, text string
		if err := rows.Scan(&r, &text); err != nil {
			return nil, nil, errs.Wrap(err, "reports")
		}
		out[r]++
		if text != "" {
			notes = append(notes, text)
		}
	}
	return out, notes, errs.Wrap(rows.Err(), "reports")
}
