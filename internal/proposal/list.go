package proposal

import (
	"context"

	"github.com/gongzhi/gongzhi/internal/auth"
	"github.com/gongzhi/gongzhi/internal/db"
	"github.com/gongzhi/gongzhi/internal/errs"
	"github.com/gongzhi/gongzhi/internal/gov"
)

// List returns a page of the proposals u may see, the newest first (with
// Due, the earliest due first, one page of at most Limit).
func (s *Service) List(ctx context.Context, u auth.User, f Filter) (Page, error) {
	if !CanList(u) {
		return Page{}, errs.ErrForbidden
	}
	if err := f.check(); err != nil {
		return Page{}, err
	}
	var c db.Conds
	scopeCond(&c, u)
	if f.AreaCode != "" {
		lo, hi := gov.UnderRange(f.AreaCode)
		c.Add(`p.area_code >= ? AND p.area_code < ?`, lo, hi)
	}
	if f.Status != "" {
		c.Add(`p.status = ?`, string(f.Status))
	}
	if f.Mine {
		c.Add(`p.proposer_phone = ?`, u.Phone)
	}
	order := ` ORDER BY p.number DESC`
	if f.Due {
		if !CanSeeDue(u) {
			return Page{}, errs.ErrForbidden
		}
		c.Add(`p.status IN ('accepted', 'escalated')`)
		if !u.IsAdmin() {
			c.Add(`p.org_code = ?`, u.OrgCode)
		}
		order, f.Cursor = ` ORDER BY p.answer_due, p.number`, ""
	} else if f.Cursor != "" {
		c.Add(`p.number < ?`, f.Cursor)
	}
	where := ""
	if len(c.Where) > 0 {
		where = ` WHERE ` + c.And()
	}
	// The page's numbers are found first, from the index alone where it
	// can (proposals_area_list), and only its rows are read.
	page := `SELECT p.number FROM proposals p` + where + order + ` LIMIT ` + c.Arg(f.Limit+1)
	rows, err := s.db.R.QueryContext(ctx, `SELECT `+cols+from+` WHERE p.number IN (`+page+`)`+order, c.Args...)
	if err != nil {
		return Page{}, errs.Wrap(err, "list proposals")
	}
	defer rows.Close()
	out := Page{Items: []Proposal{}}
	for rows.Next() {
		p, err := s.scan(rows)
		if err != nil {
			return Page{}, errs.Wrap(err, "scan proposal")
		}
		out.Items = append(out.Items, p)
	}
	if err := rows.Err(); err != nil {
		return Page{}, errs.Wrap(err, "list proposals")
	}
	if len(out.Items) > f.Limit {
		out.Items = out.Items[:f.Limit]
		if !f.Due {
			out.Next = out.Items[f.Limit-1].Number
		}
	}
	for i := range out.Items {
		out.Items[i] = s.fill(ctx, s.db.R, u, out.Items[i])
	}
	return out, nil
}

// Light is how near an answer is to its due time: green, yellow (four
// fifths of the working time gone) or red (overdue).
func (s *Service) Light(p Proposal) string {
	if p.AnswerDue == nil || !p.Status.Awaiting() {
		return ""
	}
	start := p.UpdatedAt
	if p.AcceptedAt != nil && p.Status == StatusAccepted {
		start = *p.AcceptedAt
	}
	now := s.clock.Now()
	switch f := s.cal.Fraction(start, *p.AnswerDue, now, false); {
	case !now.Before(*p.AnswerDue):
		return "red"
	case f >= 0.8:
		return "yellow"
	}
	return "green"
}
