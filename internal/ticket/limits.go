package ticket

import (
	"context"
	"database/sql"
	"errors"
	"strconv"
	"strings"
	"time"

	"github.com/gongzhi/gongzhi/internal/calendar"
	"github.com/gongzhi/gongzhi/internal/errs"
	"github.com/gongzhi/gongzhi/internal/gov"
)

// Urgency decides which time limits apply.
type Urgency string

const (
	UrgencyNormal    Urgency = "normal"    // 一般
	UrgencyUrgent    Urgency = "urgent"    // 紧急
	UrgencyEmergency Urgency = "emergency" // 特急: clock hours, day and night
)

// Urgencies lists every urgency.
var Urgencies = []Urgency{UrgencyNormal, UrgencyUrgent, UrgencyEmergency}

func validUrgency(u Urgency) bool {
	for _, x := range Urgencies {
		if x == u {
			return true
		}
	}
	return false
}

// Unit of a time limit.
type Unit string

const (
	WorkingHours Unit = "h"  // hours inside the working spans of working days
	WorkingDays  Unit = "d"  // the same clock time on the Nth working day
	ClockHours   Unit = "ch" // plain hours, for emergencies
)

// Limit is an amount of business time, written "2h", "5d" or "24ch".
type Limit struct {
	Amount int
	Unit   Unit
}

// ParseLimit reads "2h", "5d" or "24ch".
func ParseLimit(s string) (Limit, error) {
	s = strings.TrimSpace(s)
	for _, u := range []Unit{ClockHours, WorkingHours, WorkingDays} {
		if n, ok := strings.CutSuffix(s, string(u)); ok {
			amount, err := strconv.Atoi(n)
			if err != nil || amount < 1 || (u == WorkingDays && amount > 365) || (u != WorkingDays && amount > 24*365) {
				break
			}
			return Limit{Amount: amount, Unit: u}, nil
		}
	}
	return Limit{}, errs.Invalidf("时限格式不正确：%q（例如 2h 表示2个工作小时，5d 表示5个工作日，24ch 表示24个自然小时）",
		"malformed time limit %q (e.g. 2h = 2 working hours, 5d = 5 working days, 24ch = 24 clock hours)", s)
}

func (l Limit) String() string { return strconv.Itoa(l.Amount) + string(l.Unit) }

// MarshalText writes the limit as "5d".
func (l Limit) MarshalText() ([]byte, error) { return []byte(l.String()), nil }

// UnmarshalText reads a limit such as "5d".
func (l *Limit) UnmarshalText(b []byte) error {
	v, err := ParseLimit(string(b))
	if err != nil {
		return err
	}
	*l = v
	return nil
}

// Due returns when the limit ends for a clock started at start.
func (l Limit) Due(cal *calendar.Calendar, start time.Time) time.Time {
	switch l.Unit {
	case WorkingDays:
		// A clock started outside working time starts at the next working time,
		// so a ticket of Saturday night has a whole working day, as one of Friday
		// evening has, and its unit is not overdue before it could act.
		return cal.AddWorkingDays(cal.NextWorkingTime(start), l.Amount)
	case WorkingHours:
		return cal.AddWorkingHours(start, time.Duration(l.Amount)*time.Hour)
	}
	return start.Add(time.Duration(l.Amount) * time.Hour)
}

// WarnShare is the share of the time limit after which the light turns yellow.
const WarnShare = 0.75

// Warn returns when WarnShare of the time between start and due is used,
// counted the way the limit counts. Due leaves working time before every
// deadline it sets, so the yellow point comes after the start.
func (l Limit) Warn(cal *calendar.Calendar, start, due time.Time) time.Time {
	if l.Unit == ClockHours {
		return start.Add(time.Duration(float64(due.Sub(start)) * WarnShare))
	}
	return cal.AddWorkingHours(start, time.Duration(float64(cal.WorkingDuration(start, due))*WarnShare))
}

// TimeLimit is one line of the time-limit table: the limits of tickets of a
// category (and its subcategories; "" for all), of a kind ("" for all), at an
// urgency. The most specific category wins, then a line for the kind.
type TimeLimit struct {
	CategoryCode string  `json:"category_code"`
	Kind         Kind    `json:"kind"`
	Urgency      Urgency `json:"urgency"`
	Sign         Limit   `json:"sign"`
	Contact      Limit   `json:"contact"`
	Complete     Limit   `json:"complete"`
}

func (tl TimeLimit) validate() error {
	if tl.CategoryCode != "" && !gov.ValidCode(tl.CategoryCode) {
		return errs.Invalidf("分类代码格式不正确：%q", "malformed category code: %q", tl.CategoryCode)
	}
	if tl.Kind != "" && !validKind(tl.Kind) {
		return errs.Invalidf("诉求类型不正确：%q", "unknown kind: %q", tl.Kind)
	}
	if !validUrgency(tl.Urgency) {
		return errs.Invalidf("紧急程度须为 normal、urgent 或 emergency", "urgency must be normal, urgent or emergency")
	}
	if tl.Sign.Amount == 0 || tl.Contact.Amount == 0 || tl.Complete.Amount == 0 {
		return errs.Invalidf("签收、联系、办结时限都须填写", "sign, contact and complete limits are all required")
	}
	return nil
}

func scanTimeLimit(sc interface{ Scan(...any) error }) (TimeLimit, error) {
	var tl TimeLimit
	var sign, contact, complete string
	if err := sc.Scan(&tl.CategoryCode, &tl.Kind, &tl.Urgency, &sign, &contact, &complete); err != nil {
		return tl, err
	}
	var err error
	if tl.Sign, err = ParseLimit(sign); err != nil {
		return tl, err
	}
	if tl.Contact, err = ParseLimit(contact); err != nil {
		return tl, err
	}
	tl.Complete, err = ParseLimit(complete)
	return tl, err
}

const timeLimitCols = `category_code, kind, urgency, sign_limit, contact_limit, complete_limit`

var errNoDefaultLimit = errors.New("the time-limit table has no default line for this urgency")

// TimeLimits returns the whole table.
func (s *Service) TimeLimits(ctx context.Context) ([]TimeLimit, error) {
	rows, err := s.db.R.QueryContext(ctx, `SELECT `+timeLimitCols+` FROM time_limits ORDER BY category_code, kind, urgency`)
	if err != nil {
		return nil, errs.Wrap(err, "list time limits")
	}
	defer rows.Close()
	items := []TimeLimit{}
	for rows.Next() {
		tl, err := scanTimeLimit(rows)
		if err != nil {
			return nil, errs.Wrap(err, "scan time limit")
		}
		items = append(items, tl)
	}
	return items, errs.Wrap(rows.Err(), "list time limits")
}

// SetTimeLimit creates or replaces a line of the table. Tickets keep the
// deadlines they have; new clocks use the new limits.
func (s *Service) SetTimeLimit(ctx context.Context, tl TimeLimit) error {
	if err := tl.validate(); err != nil {
		return err
	}
	return s.refTx(ctx, func(tx *sql.Tx) error {
		if tl.CategoryCode != "" {
			if _, err := categoryQ(ctx, tx, tl.CategoryCode); err != nil {
				return errs.Invalidf("诉求分类 %s 不存在", "unknown category %s", tl.CategoryCode)
			}
		}
		_, err := tx.ExecContext(ctx, `INSERT INTO time_limits (`+timeLimitCols+`) VALUES ($1, $2, $3, $4, $5, $6)
ON CONFLICT (category_code, kind, urgency) DO UPDATE SET sign_limit = excluded.sign_limit, contact_limit = excluded.contact_limit, complete_limit = excluded.complete_limit`,
			tl.CategoryCode, tl.Kind, tl.Urgency, tl.Sign.String(), tl.Contact.String(), tl.Complete.String())
		return errs.Wrap(err, "set time limit")
	})
}

// DeleteTimeLimit removes a line; the defaults ("" category and kind) stay.
func (s *Service) DeleteTimeLimit(ctx context.Context, categoryCode string, kind Kind, urgency Urgency) error {
	if categoryCode == "" && kind == "" {
		return errs.Invalidf("默认时限不能删除，只能修改", "the default limits can be changed but not deleted")
	}
	return s.refTx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `DELETE FROM time_limits WHERE category_code = $1 AND kind = $2 AND urgency = $3`, categoryCode, kind, urgency)
		if err != nil {
			return errs.Wrap(err, "delete time limit")
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return errs.NotFoundf("没有这条时限", "no such time limit")
		}
		return nil
	})
}
