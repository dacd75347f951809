package evaluation

import (
	"context"
	"time"

	"github.com/gongzhi/gongzhi/internal/errs"
)

// Period is a half-open range of business time [From, To). Month is set for
// a month period (YYYY-MM), empty for a free range.
type Period struct {
	From  time.Time `json:"from"`
	To    time.Time `json:"to"`
	Month string    `json:"month,omitempty"`
	start int       // month start day, for Prev
}

// MonthPeriod returns the period named month (YYYY-MM) for the start day:
// it ends on day startDay-1 of that month (the month's end when startDay is 1).
func (s *Service) MonthPeriod(month string, startDay int) (Period, error) {
	m, err := time.ParseInLocation("2006-01", month, s.loc)
	if err != nil {
		return Period{}, errs.Invalidf("月份格式应为 YYYY-MM：%q", "month must be YYYY-MM: %q", month)
	}
	return monthPeriod(m, startDay, s.loc), nil
}

func monthPeriod(m time.Time, startDay int, loc *time.Location) Period {
	if startDay < 1 {
		startDay = 1
	}
	y, mo := m.Year(), m.Month()
	var from, to time.Time
	if startDay == 1 {
		from = time.Date(y, mo, 1, 0, 0, 0, 0, loc)
		to = from.AddDate(0, 1, 0)
	} else {
		to = time.Date(y, mo, startDay, 0, 0, 0, 0, loc)
		from = time.Date(y, mo-1, startDay, 0, 0, 0, 0, loc)
	}
	return Period{From: from, To: to, Month: time.Date(y, mo, 1, 0, 0, 0, 0, loc).Format("2006-01"), start: startDay}
}

// MonthOf returns the month period that holds t.
func (s *Service) MonthOf(t time.Time, startDay int) Period {
	t = t.In(s.loc)
	m := time.Date(t.Year(), t.Month(), 1, 0, 0, 0, 0, s.loc)
	if startDay > 1 && t.Day() >= startDay {
		m = m.AddDate(0, 1, 0)
	}
	return monthPeriod(m, startDay, s.loc)
}

// DatePeriod returns the period of the days from..to (YYYY-MM-DD, both
// included). When it is exactly a month period it is named as one.
func (s *Service) DatePeriod(from, to string, startDay int) (Period, error) {
	f, err := time.ParseInLocation("2006-01-02", from, s.loc)
	if err != nil {
		return Period{}, errs.Invalidf("from 日期格式应为 YYYY-MM-DD：%q", "from must be YYYY-MM-DD: %q", from)
	}
	t, err := time.ParseInLocation("2006-01-02", to, s.loc)
	if err != nil {
		return Period{}, errs.Invalidf("to 日期格式应为 YYYY-MM-DD：%q", "to must be YYYY-MM-DD: %q", to)
	}
	t = t.AddDate(0, 0, 1)
	if !t.After(f) {
		return Period{}, errs.Invalidf("to 不能早于 from", "to must not be before from")
	}
	if t.Sub(f) > 400*24*time.Hour {
		return Period{}, errs.Invalidf("时间范围不能超过400天", "the range may span at most 400 days")
	}
	if m := s.MonthOf(f, startDay); m.From.Equal(f) && m.To.Equal(t) {
		return m, nil
	}
	return Period{From: f, To: t, start: startDay}, nil
}

// Prev is the period before p: the previous month for a month period, the
// same number of days just before for a free range.
func (p Period) Prev() Period {
	if p.Month != "" {
		m, _ := time.ParseInLocation("2006-01", p.Month, p.From.Location())
		return monthPeriod(m.AddDate(0, -1, 0), p.start, p.From.Location())
	}
	days := int(p.To.Sub(p.From).Hours()/24 + 0.5)
	return Period{From: p.From.AddDate(0, 0, -days), To: p.From, start: p.start}
}

// ParsePeriod reads a period as the API gives it: month=YYYY-MM, or
// from=YYYY-MM-DD and to=YYYY-MM-DD, or nothing for the last complete month
// (LastComplete), by the stored month start day.
func (s *Service) ParsePeriod(ctx context.Context, from, to, month string) (Period, error) {
	st, err := s.Settings(ctx)
	if err != nil {
		return Period{}, err
	}
	switch {
	case month != "":
		return s.MonthPeriod(month, st.MonthStartDay)
	case from != "" || to != "":
		return s.DatePeriod(from, to, st.MonthStartDay)
	}
	return s.LastComplete(s.clock.Now(), st.MonthStartDay), nil
}

// LastComplete is the last month period that has ended by t: the month
// before the one that holds t. Rankings and dashboards open on it, since
// the month under way is judged on a few days' tickets (on 2 December,
// December has the tickets of one day and a half).
func (s *Service) LastComplete(t time.Time, startDay int) Period {
	return s.MonthOf(t, startDay).Prev()
}

// Months are the current month period (still under way) and the last
// complete one, by the stored month start day.
func (s *Service) Months(ctx context.Context) (current, last Period, err error) {
	st, err := s.Settings(ctx)
	if err != nil {
		return Period{}, Period{}, err
	}
	now := s.clock.Now()
	return s.MonthOf(now, st.MonthStartDay), s.LastComplete(now, st.MonthStartDay), nil
}

// Partial reports whether the period has not ended at t: its figures are
// so far, not final.
func (p Period) Partial(t time.Time) bool { return t.Before(p.To) }
