package deliberation

import (
	"context"

	"github.com/gongzhi/gongzhi/internal/auth"
	"github.com/gongzhi/gongzhi/internal/db"
	"github.com/gongzhi/gongzhi/internal/disclosure"
	"github.com/gongzhi/gongzhi/internal/errs"
)

// Counts are the positions taken on an item: each resident counts once, by
// her latest published top-level comment; Comments counts every published
// comment and reply.
type Counts struct {
	Support  int `json:"support"`
	Neutral  int `json:"neutral"`
	Oppose   int `json:"oppose"`
	Comments int `json:"comments"`
}

// Thread is a page of an item's comments as u may read them: the top-level
// comments newest first, each with its replies.
type Thread struct {
	Target string    `json:"target"`
	Title  string    `json:"title"`
	URL    string    `json:"url"`
	Open   bool      `json:"open"`
	Counts Counts    `json:"counts"`
	Items  []Comment `json:"items"`
	Next   string    `json:"next_cursor"`
	// What the reader may do: comment (a position on a top-level one),
	// officially for the unit; whether her comment would be held;
	// whether she moderates.
	CanComment bool `json:"can_comment"`
	Official   bool `json:"official"`
	Held       bool `json:"held"`
	Moderator  bool `json:"moderator"`

	target Target
}

// Item is the item the thread is about, as its capability described it.
func (th Thread) Item() Target { return th.target }

// List returns a page of the comments on the item ref that u may read, after
// the cursor (the next_cursor of the page before); limit 0 is DefaultList.
func (s *Service) List(ctx context.Context, u auth.User, ref, cursor string, limit int) (Thread, error) {
	if limit == 0 {
		limit = DefaultList
	}
	if limit < 1 || limit > MaxList {
		return Thread{}, errs.Invalidf("limit 须为1到%d", "limit must be 1 to %d", MaxList)
	}
	curAt, curID, err := db.ParseKeysetCursor(cursor)
	if err != nil {
		return Thread{}, err
	}
	t, err := s.Resolve(ctx, u, ref)
	if err != nil {
		return Thread{}, err
	}
	th := Thread{Target: Ref(t.Kind, t.ID), Title: t.Title, URL: t.URL, Open: t.Open, Items: []Comment{}, target: t,
		Official: t.Official, Moderator: CanModerate(u, t)}
	if Offered(u, t) {
		resident, err := disclosure.Resident(ctx, s.db.R, u, t.AreaCode)
		if err != nil {
			return Thread{}, err
		}
		th.CanComment = CanComment(u, t, resident)
	}
	if th.CanComment {
		mode, err := s.Mode(ctx)
		if err != nil {
			return Thread{}, err
		}
		th.Held = Held(mode.Mode, t)
	}
	if th.Counts, err = s.counts(ctx, t); err != nil {
		return Thread{}, err
	}
	var c db.Conds
	c.Add(`c.target_kind = ? AND c.target_id = ? AND c.depth = 0`, t.Kind, t.ID)
	visibleCond(&c, u, th.Moderator)
	if cursor != "" {
		c.Add(`(c.created_at < ? OR (c.created_at = ? AND c.id < ?))`, curAt, curAt, curID)
	}
	tops, err := s.query(ctx, u, t, `SELECT `+cols+from+` WHERE `+c.And()+` ORDER BY c.created_at DESC, c.id DESC LIMIT `+c.Arg(limit+1), c.Args)
	if err != nil {
		return Thread{}, err
	}
	if len(tops) > limit {
		tops = tops[:limit]
		last := tops[limit-1]
		th.Next = db.KeysetCursor(last.createdMs, last.ID)
	}
	if err := s.replies(ctx, u, t, th.Moderator, tops); err != nil {
		return Thread{}, err
	}
	th.Items = tops
	return th, nil
}

// visibleCond adds which comments u sees: the published and the hidden
// (as hidden), her own held ones; a moderator every one.
func visibleCond(c *db.Conds, u auth.User, moderator bool) {
	if moderator {
		return
	}
	if u.ID == "" {
		c.Add(`c.status IN ('published', 'hidden')`)
		return
	}
	c.Add(`(c.status IN ('published', 'hidden') OR c.author_id = ?)`, u.ID)
}

func (s *Service) query(ctx context.Context, u auth.User, t Target, q string, args []any) ([]Comment, error) {
	rows, err := s.db.R.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, errs.Wrap(err, "list comments")
	}
	defer rows.Close()
	out := []Comment{}
	for rows.Next() {
		c, err := s.scan(rows)
		if err != nil {
			return nil, errs.Wrap(err, "scan comment")
		}
		out = append(out, forReader(u, t, c))
	}
	return out, errs.Wrap(rows.Err(), "list comments")
}

// replies fills in the replies of the top-level comments, each thread in
// its order: every reply after its parent, replies to one parent oldest
// first.
func (s *Service) replies(ctx context.Context, u auth.User, t Target, moderator bool, tops []Comment) error {
	if len(tops) == 0 {
		return nil
	}
	var c db.Conds
	ids := make([]string, len(tops))
	for i, x := range tops {
		ids[i] = x.ID
	}
	c.In(`c.root_id`, ids)
	c.Add(`c.depth > 0`)
	visibleCond(&c, u, moderator)
	all, err := s.query(ctx, u, t, `SELECT `+cols+from+` WHERE `+c.And()+` ORDER BY c.created_at, c.id`, c.Args)
	if err != nil {
		return err
	}
	children := map[string][]Comment{}
	for _, r := range all {
		children[r.ParentID] = append(children[r.ParentID], r)
	}
	var walk func(id string, out []Comment) []Comment
	walk = func(id string, out []Comment) []Comment {
		for _, r := range children[id] {
			out = walk(r.ID, append(out, r))
		}
		return out
	}
	for i := range tops {
		tops[i].Replies = walk(tops[i].ID, nil)
	}
	return nil
}

// counts counts the positions on t: each author once, by her latest
// published top-level comment.
func (s *Service) counts(ctx context.Context, t Target) (Counts, error) {
	var out Counts
	rows, err := s.db.R.QueryContext(ctx, `SELECT c.position, COUNT(*) FROM comments c
WHERE c.target_kind = $1 AND c.target_id = $2 AND c.depth = 0 AND c.status = 'published' AND c.position <> ''
AND NOT EXISTS (SELECT 1 FROM comments d WHERE d.target_kind = c.target_kind AND d.target_id = c.target_id AND d.author_id = c.author_id
  AND d.depth = 0 AND d.status = 'published' AND d.position <> '' AND (d.created_at > c.created_at OR (d.created_at = c.created_at AND d.id > c.id)))
GROUP BY c.position`, t.Kind, t.ID)
	if err != nil {
		return out, errs.Wrap(err, "count positions")
	}
	defer rows.Close()
	for rows.Next() {
		var p Position
		var n int
		if err := rows.Scan(&p, &n); err != nil {
			return out, errs.Wrap(err, "count positions")
		}
		switch p {
		case Support:
			out.Support = n
		case Neutral:
			out.Neutral = n
		case Oppose:
			out.Oppose = n
		}
	}
	if err := rows.Err(); err != nil {
		return out, errs.Wrap(err, "count positions")
	}
	err = s.db.R.QueryRowContext(ctx, `SELECT COUNT(*) FROM comments WHERE target_kind = $1 AND target_id = $2 AND status = 'published'`,
		t.Kind, t.ID).Scan(&out.Comments)
	return out, errs.Wrap(err, "count comments")
}
