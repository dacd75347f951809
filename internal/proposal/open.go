package proposal

import (
	"context"

	"github.com/gongzhi/gongzhi/internal/auth"
	"github.com/gongzhi/gongzhi/internal/db"
	"github.com/gongzhi/gongzhi/internal/disclosure"
	"github.com/gongzhi/gongzhi/internal/errs"
	"github.com/gongzhi/gongzhi/internal/privacy"
)

// MaxPublished bounds how many proposals Published returns.
const MaxPublished = 5000

// Published returns the proposals anyone may read, a guest included (the
// disclosure rule for a caller with no account: the public level only),
// the newest first, at most limit (MaxPublished). Each is as a guest reads
// it, and more: the proposer is not in it (a Proposal keeps her phone to
// itself), and the phone, ID-card and room numbers people write into the
// title, the body and the answer are masked (privacy.Mask), since the
// open-data files go further than a page.
func (s *Service) Published(ctx context.Context, limit int) ([]Proposal, error) {
	if limit <= 0 || limit > MaxPublished {
		limit = MaxPublished
	}
	var c db.Conds
	disclosure.Cond(&c, auth.User{}, "p.visibility", "p.area_code", "p.org_code", "")
	rows, err := s.db.R.QueryContext(ctx, `SELECT `+cols+from+` WHERE `+c.And()+` ORDER BY p.number DESC LIMIT `+c.Arg(limit), c.Args...)
	if err != nil {
		return nil, errs.Wrap(err, "published proposals")
	}
	defer rows.Close()
	out := []Proposal{}
	for rows.Next() {
		p, err := s.scan(rows)
		if err != nil {
			return nil, errs.Wrap(err, "scan proposal")
		}
		p.proposerPhone = ""
		p.Title, p.Body, p.Answer = privacy.Mask(p.Title), privacy.Mask(p.Body), privacy.Mask(p.Answer)
		out = append(out, p)
	}
	return out, errs.Wrap(rows.Err(), "published proposals")
}
