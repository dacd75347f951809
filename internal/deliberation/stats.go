package deliberation

import (
	"context"
	"time"

	"github.com/gongzhi/gongzhi/internal/db"
	"github.com/gongzhi/gongzhi/internal/errs"
)

// Stats are a month's moderation in the open (审核公开): how many comments
// were written, held, published after review, hidden and reported, by
// reason, counted from the events; and the district's review mode. They
// hold no personal data and anyone may read them.
type Stats struct {
	Month                string         `json:"month"` // YYYY-MM
	Mode                 Mode           `json:"mode"`
	ModeSince            *time.Time     `json:"mode_since"`
	Comments             int            `json:"comments"`               // written in the month
	Held                 int            `json:"held"`                   // of those, held for review
	PublishedAfterReview int            `json:"published_after_review"` // held ones a moderator published
	Restored             int            `json:"restored"`               // hidden ones published again
	ReportsDismissed     int            `json:"reports_dismissed"`      // reported ones kept published
	Hidden               int            `json:"hidden"`
	HiddenByReason       map[string]int `json:"hidden_by_reason"`
	Reports              int            `json:"reports"`
	ReportsByReason      map[string]int `json:"reports_by_reason"`
}

// ParseMonth reads YYYY-MM in the business zone; "" is the month under way.
func (s *Service) ParseMonth(month string) (time.Time, error) {
	if month == "" {
		now := s.clock.Now().In(s.loc)
		return time.Date(now.Year(), now.Month(), 1, 0, 0, 0, 0, s.loc), nil
	}
	m, err := time.ParseInLocation("2006-01", month, s.loc)
	if err != nil || m.Year() < 2000 || m.Year() > 2999 {
		return time.Time{}, errs.Invalidf("月份应写作 YYYY-MM", "month must be YYYY-MM")
	}
	return m, nil
}

// Stats returns the month's figures (YYYY-MM; "" is the month under way).
func (s *Service) Stats(ctx context.Context, month string) (Stats, error) {
	from, err := s.ParseMonth(month)
	if err != nil {
		return Stats{}, err
	}
	to := from.AddDate(0, 1, 0)
	st := Stats{Month: from.Format("2006-01"), HiddenByReason: map[string]int{}, ReportsByReason: map[string]int{}}
	for _, r := range Reasons {
		st.HiddenByReason[r], st.ReportsByReason[r] = 0, 0
	}
	mode, err := s.Mode(ctx)
	if err != nil {
		return Stats{}, err
	}
	st.Mode, st.ModeSince = mode.Mode, mode.Since
	rows, err := s.db.R.QueryContext(ctx, `SELECT kind, from_status, to_status, reason, COUNT(*) FROM comment_events
WHERE kind IN ('create', 'publish', 'hide', 'report') AND at >= $1 AND at < $2 GROUP BY kind, from_status, to_status, reason`,
		db.Millis(from), db.Millis(to))
	if err != nil {
		return Stats{}, errs.Wrap(err, "moderation stats")
	}
	defer rows.Close()
	for rows.Next() {
		var kind, reason string
		var fromSt, toSt Status
		var n int
		if err := rows.Scan(&kind, &fromSt, &toSt, &reason, &n); err != nil {
			return Stats{}, errs.Wrap(err, "moderation stats")
		}
		st.add(kind, fromSt, toSt, reason, n)
	}
	return st, errs.Wrap(rows.Err(), "moderation stats")
}

func (st *Stats) add(kind string, from, to Status, reason string, n int) {
	switch kind {
	case "create":
		st.Comments += n
		if to == StatusPending {
			st.Held += n
		}
	case "publish":
		switch from {
		case StatusPending:
			st.PublishedAfterReview += n
		case StatusHidden:
			st.Restored += n
		default:
			st.ReportsDismissed += n
		}
	case "hide":
		st.Hidden += n
		if validReason(reason) {
			st.HiddenByReason[reason] += n
		}
	case "report":
		st.Reports += n
		if validReason(reason) {
			st.ReportsByReason[reason] += n
		}
	}
}
