package kb

import (
	"context"
	"database/sql"
	"errors"
	"time"

	"github.com/gongzhi/gongzhi/internal/auth"
	"github.com/gongzhi/gongzhi/internal/clock"
	"github.com/gongzhi/gongzhi/internal/db"
	"github.com/gongzhi/gongzhi/internal/errs"
	"github.com/gongzhi/gongzhi/internal/ticket"
)

// A resident who read a published answer before filing and pressed 这解决了
// 我的问题 was answered without a ticket: nothing is filed, and the answer
// is counted, by the business day, to be set beside the consultations
// that did become tickets.

// Answered counts that the published article answered a resident's
// question; nobody is named (she may not be logged in).
func (s *Service) Answered(ctx context.Context, articleID string) error {
	a, err := s.Get(ctx, articleID)
	if err != nil {
		return err
	}
	now := s.clock.Now()
	if !Published(a, s.today()) {
		return errs.NotFoundf("知识库文章不存在", "no such article")
	}
	_, err = s.db.W.ExecContext(ctx, `INSERT INTO kb_answered (id, article_id, day, at) VALUES ($1, $2, $3, $4)`,
		db.NewID(), a.ID, s.today(), db.Millis(now))
	return errs.Wrap(err, "count answered")
}

// DayFigure is one day's (or month's) count: questions answered by a
// published article without a ticket, and consultations filed as tickets.
type DayFigure struct {
	Period        string `json:"period"` // YYYY-MM-DD, or YYYY-MM for a month
	Answered      int    `json:"answered"`
	Consultations int    `json:"consultations"`
}

// Figures are the answers given without a ticket beside the consultation
// tickets: each day of a month and the twelve months to it.
type Figures struct {
	Month  string      `json:"month"`
	Days   []DayFigure `json:"days"`
	Months []DayFigure `json:"months"`
}

// Figures counts the month (YYYY-MM; empty: the month under way) for u.
func (s *Service) Figures(ctx context.Context, u auth.User, month string) (Figures, error) {
	if !CanReadFigures(u) {
		return Figures{}, errs.ErrForbidden
	}
	zone := clock.BusinessZone()
	now := s.clock.Now().In(zone)
	start := time.Date(now.Year(), now.Month(), 1, 0, 0, 0, 0, zone)
	if month != "" {
		m, err := time.ParseInLocation("2006-01", month, zone)
		if err != nil || m.Year() < 2000 || m.After(now) {
			return Figures{}, errs.Invalidf("月份格式应为 2026-01，且不晚于本月", "the month must read like 2026-01 and not be after this one")
		}
		start = m
	}
	f := Figures{Month: start.Format("2006-01"), Days: []DayFigure{}, Months: []DayFigure{}}
	for d := start; d.Before(start.AddDate(0, 1, 0)) && !d.After(now); d = d.AddDate(0, 0, 1) {
		df, err := s.count(ctx, d, d.AddDate(0, 0, 1), time.DateOnly)
		if err != nil {
			return Figures{}, err
		}
		f.Days = append(f.Days, df)
	}
	for i := 11; i >= 0; i-- {
		m := start.AddDate(0, -i, 0)
		mf, err := s.count(ctx, m, m.AddDate(0, 1, 0), "2006-01")
		if err != nil {
			return Figures{}, err
		}
		f.Months = append(f.Months, mf)
	}
	return f, nil
}

// count counts [from, to) in business days.
func (s *Service) count(ctx context.Context, from, to time.Time, layout string) (DayFigure, error) {
	f := DayFigure{Period: from.Format(layout)}
	last := to.AddDate(0, 0, -1).Format(time.DateOnly)
	err := s.db.R.QueryRowContext(ctx, `SELECT COUNT(*) FROM kb_answered WHERE day >= $1 AND day <= $2`, from.Format(time.DateOnly), last).Scan(&f.Answered)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return f, errs.Wrap(err, "count answered")
	}
	err = s.db.R.QueryRowContext(ctx, `SELECT COUNT(*) FROM tickets WHERE kind = 'consultation' AND created_at >= $1 AND created_at < $2 AND number >= $3 AND `+ticket.NumberBelow("number", "$4"),
		db.Millis(from), db.Millis(to), ticket.CreatedFrom(from, clock.BusinessZone()), ticket.CreatedBefore(to, clock.BusinessZone())).Scan(&f.Consultations)
	return f, errs.Wrap(err, "count consultations")
}
