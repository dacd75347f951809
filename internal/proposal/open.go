package proposal

import (
	"context"
	"database/sql"
	"strings"
	"unicode/utf8"

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
	rows, err := s.db.R.QueryContext(ctx, `SELECT `+cols+`, COALESCE(u.name, '')`+from+` LEFT JOIN users u ON u.phone = p.proposer_phone
WHERE `+c.And()+` ORDER BY p.number DESC LIMIT `+c.Arg(limit), c.Args...)
	if err != nil {
		return nil, errs.Wrap(err, "published proposals")
	}
	defer rows.Close()
	out := []Proposal{}
	for rows.Next() {
		var name string
		p, err := s.scan(withName{rows, &name})
		if err != nil {
			return nil, errs.Wrap(err, "scan proposal")
		}
		p.proposerPhone = ""
		p.Title, p.Body, p.Answer = hideName(privacy.Mask(p.Title), name), hideName(privacy.Mask(p.Body), name), hideName(privacy.Mask(p.Answer), name)
		out = append(out, p)
	}
	return out, errs.Wrap(rows.Err(), "published proposals")
}

// withName scans a row of cols followed by the proposer's name.
type withName struct {
	rows *sql.Rows
	name *string
}

func (w withName) Scan(dest ...any) error { return w.rows.Scan(append(dest, w.name)...) }

// hideName replaces the name in s with 某某, when it is long enough to be a
// name (two characters or more).
func hideName(s, name string) string {
	name = strings.TrimSpace(name)
	if utf8.RuneCountInString(name) < 2 {
		return s
	}
	return strings.ReplaceAll(s, name, "某某")
}
