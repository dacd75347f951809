// Package evaluation is 评价: the indicators by which units and areas are
// judged (三率 and the others), rankings and classes, red and black lists,
// rectification tasks (整改), and the system's own health.
//
// # Which tickets count
//
// A ticket counts once, for the lead unit that handled it (tickets.
// assigned_org_code when it was closed), in the period in which it was closed
// (closed_at, business time Asia/Shanghai). Only tickets whose status is
// closed count: merged children (status merged; their parent counts),
// invalid tickets (status invalid) and requests their reporter withdrew
// before dispatch (status withdrawn) are excluded, and so are tickets not
// closed yet — including a ticket reopened by a redo until it is closed again.
// Tickets closed without a lead unit (a consultation answered on the spot by
// the hotline) count for their area but for no unit.
//
// The figures are computed from the tickets as they stand when asked: a redo
// clears a ticket's contact, reply, close and rating (the ticket package does
// that), so a redone ticket leaves the month of its first close and counts,
// with its latest cycle and its latest rating, in the month it is closed
// again. A rating always counts in the month the ticket was closed, whenever
// it was given ("rated late": rated_at after the period's end does not move
// the ticket; in gongzhi a rating normally closes the ticket, so rated_at =
// closed_at, and later ratings come only from imported data).
//
// # Definitions (for the tickets of a unit or area closed in the period)
//
//   - tickets (received): the tickets above.
//   - response rate = tickets first contacted by their contact deadline
//     (contacted_at <= due_contact_at) ÷ tickets with a contact deadline
//     (due_contact_at not null). "Due for contact in the period" is therefore
//     "closed in the period and having a contact clock": the same population
//     as every other figure, final once closed, and each ticket is judged once
//     rather than once when due and again when closed. A ticket closed without
//     being contacted counts as not contacted in time.
//   - resolution rate = rated tickets the reporter marked resolved ÷ rated
//     tickets (rated_at not null).
//   - satisfaction rate = (satisfied + k × basic) ÷ rated tickets; k = 0.6
//     by default, at most three decimals (computed in thousandths, so each
//     rate is one correctly rounded division of two integers).
//   - score = 100 × (w_response × response + w_resolution × resolution +
//     w_satisfaction × satisfaction), default weights 0.10, 0.45, 0.45, in
//     points out of 100 rounded to 0.01. A rate without a denominator drops
//     out and the remaining weights are scaled to sum to 1; no rate, no score.
//   - on-time rate = tickets replied by their completion deadline (replied_at
//     <= due_complete_at, the extended deadline after an approved extension)
//     ÷ tickets with a completion deadline.
//   - rating rate = rated ÷ tickets.
//   - return, extension and redo rates = return requests (events "return"),
//     approved extensions (events "approve_extension") and redos (events
//     "redo") made in the period and recorded against the unit (the event's
//     org_code: the unit that returned, was extended or had to redo, not the
//     ticket's later unit) ÷ the unit's tickets. For areas, events of tickets
//     placed in the area. Every request to return counts, granted or not.
//   - overdue = tickets that passed a deadline while with the unit in the
//     period (distinct tickets with an "overdue" event in the period), open
//     or closed.
//   - time to contact = contacted_at − created_at; time to complete =
//     replied_at − signed_at (the last signing, by the unit that handled it),
//     wall-clock hours; median and 90th percentile by linear interpolation
//     between the closest ranks (PostgreSQL's percentile_cont, Excel's
//     PERCENTILE.INC), computed in Go the same way on both engines.
//
// Rates are fractions from 0 to 1, nil (JSON null) when the denominator is 0.
//
// # Periods
//
// A month period is named by the month it ends in. With the month start day
// d = 1 (default) the period 2026-03 is March; with d = 26 it runs from 26
// February 00:00 to 26 March 00:00, that is 26 February to 25 March inclusive.
// Any date range from..to (inclusive days) may also be evaluated.
//
// # Speed
//
// The counts above are also kept per business day in evaluation_days
// (aggregates_state.go): a period of whole days is then a sum over its days, whose
// cost does not grow with the tickets. Refresh keeps them up to date as
// tickets change (the background work calls it every 30 s; Evaluate and Rank
// call it only when the last refresh is older than a few seconds), Rebuild recomputes them (gongzhi evaluation
// rebuild). Both paths give the same figures; the medians and 90th
// percentiles are always read from the period's tickets, exactly.
package evaluation

import (
	"context"
	"database/sql"
	"encoding/json"
	"log/slog"
	"math"
	"time"

	"github.com/gongzhi/gongzhi/internal/calendar"
	"github.com/gongzhi/gongzhi/internal/clock"
	"github.com/gongzhi/gongzhi/internal/db"
	"github.com/gongzhi/gongzhi/internal/errs"
	"github.com/gongzhi/gongzhi/internal/gov"
)

// Service computes indicators and rankings and keeps rectification tasks.
type Service struct {
	db    *db.DB
	clock clock.Clock
	gov   *gov.Service
	log   *slog.Logger
	loc   *time.Location
	agg   aggregator
	// minSample is the fewest rated tickets in a period with which a unit
	// is ranked, classed or listed (SetMinSample; DefaultMinSample).
	minSample int
	part      ParticipationSources // SetParticipation
	tickets   Tickets              // SetTickets: the workload and the returns report
	cal       *calendar.Calendar   // SetTickets
}

// DefaultMinSample is the fewest rated tickets in a period with which a
// unit is ranked, put on the red or black list or classed (整改 included):
// below it a unit's rates rest on too few residents' ratings to be compared.
const DefaultMinSample = 10

// SetMinSample sets the fewest rated tickets a unit needs in a period to be
// ranked and classed (the server's --evaluation-min-sample); n < 0 is 0.
func (s *Service) SetMinSample(n int) { s.minSample = max(n, 0) }

// MinSample is the fewest rated tickets a unit needs in a period to be
// ranked and classed: the larger of the server's minimum and the stored
// min_rated.
func (c ClassRules) MinSample() int { return max(c.MinRated, c.minSample) }

// NewService returns the service; periods are counted in Asia/Shanghai.
func NewService(d *db.DB, c clock.Clock, g *gov.Service, log *slog.Logger) *Service {
	if log == nil {
		log = slog.Default()
	}
	s := &Service{db: d, clock: c, gov: g, log: log, loc: clock.BusinessZone()}
	s.agg.mode, s.agg.freshness = AggregatesAuto, DefaultFreshness
	s.minSample = DefaultMinSample
	return s
}

// Location is the business time zone.
func (s *Service) Location() *time.Location { return s.loc }

// Weights of the composite score; they sum to 1.
type Weights struct {
	Response     float64 `json:"response"`
	Resolution   float64 `json:"resolution"`
	Satisfaction float64 `json:"satisfaction"`
}

// ClassRules decide the monthly classes and lists.
type ClassRules struct {
	AdvancedPct   float64 `json:"advanced_pct"`   // 先进: the top share of ranked units, in percent (10)
	ProgressPct   float64 `json:"progress_pct"`   // 进步: the share with the largest score gain over the previous period (10)
	RectifyPct    float64 `json:"rectify_pct"`    // 整改: the bottom share (10)
	GovernanceTop int     `json:"governance_top"` // 治理: the streets with most tickets per 10,000 residents (10)
	MinRated      int     `json:"min_rated"`      // a unit with fewer rated tickets is not ranked (1; the server's minimum sample applies too)
	RedPeriods    int     `json:"red_periods"`    // red list: advanced in this many periods running (1)
	BlackPeriods  int     `json:"black_periods"`  // black list: in rectification this many periods running (2)

	minSample int // the server's minimum sample (Service.SetMinSample), set by Settings
}

// Settings are the evaluation's configurable rules, kept in the settings
// table under the key "evaluation" and edited by the administrator.
type Settings struct {
	Weights       Weights    `json:"weights"`
	K             float64    `json:"k"`               // weight of "basically satisfied"
	MonthStartDay int        `json:"month_start_day"` // 1..28
	Classes       ClassRules `json:"classes"`
	// Participation switches the participation indicators on (all off
	// unless the district turns them on).
	Participation ParticipationSwitches `json:"participation"`
}

// DefaultSettings are those of ../shared/PRODUCT.md.
func DefaultSettings() Settings {
	return Settings{
		Weights:       Weights{Response: 0.10, Resolution: 0.45, Satisfaction: 0.45},
		K:             0.6,
		MonthStartDay: 1,
		Classes: ClassRules{AdvancedPct: 10, ProgressPct: 10, RectifyPct: 10, GovernanceTop: 10,
			MinRated: 1, RedPeriods: 1, BlackPeriods: 2},
	}
}

// Validate checks the settings.
func (st Settings) Validate() error {
	w := st.Weights
	for _, x := range []float64{w.Response, w.Resolution, w.Satisfaction} {
		if x < 0 || x > 1 || math.IsNaN(x) {
			return errs.Invalidf("权重须在0到1之间", "weights must be between 0 and 1")
		}
	}
	if math.Abs(w.Response+w.Resolution+w.Satisfaction-1) > 1e-9 {
		return errs.Invalidf("三项权重之和须为1", "the three weights must sum to 1")
	}
	if st.K < 0 || st.K > 1 || math.IsNaN(st.K) || math.Abs(st.K*1000-math.Round(st.K*1000)) > 1e-6 {
		return errs.Invalidf("基本满意系数k须在0到1之间，最多三位小数", "k must be between 0 and 1, with at most three decimals")
	}
	if st.MonthStartDay < 1 || st.MonthStartDay > 28 {
		return errs.Invalidf("考核月起始日须在1到28之间", "month_start_day must be between 1 and 28")
	}
	c := st.Classes
	for _, p := range []float64{c.AdvancedPct, c.ProgressPct, c.RectifyPct} {
		if p < 0 || p > 100 || math.IsNaN(p) {
			return errs.Invalidf("类别比例须在0到100之间", "class shares must be between 0 and 100")
		}
	}
	if c.GovernanceTop < 0 || c.MinRated < 0 || c.RedPeriods < 1 || c.BlackPeriods < 1 || c.RedPeriods > 12 || c.BlackPeriods > 12 {
		return errs.Invalidf("类别规则不正确", "governance_top and min_rated must be ≥ 0, red_periods and black_periods 1 to 12")
	}
	return nil
}

const settingsKey = "evaluation"

// Settings returns the stored settings, the defaults where none are stored.
func (s *Service) Settings(ctx context.Context) (Settings, error) {
	st := DefaultSettings()
	st.Classes.minSample = s.minSample
	var v string
	err := s.db.R.QueryRowContext(ctx, `SELECT value FROM settings WHERE key = $1`, settingsKey).Scan(&v)
	if err == sql.ErrNoRows {
		return st, nil
	}
	if err != nil {
		return st, errs.Wrap(err, "read evaluation settings")
	}
	if err := json.Unmarshal([]byte(v), &st); err != nil {
		st = DefaultSettings()
		st.Classes.minSample = s.minSample
		return st, errs.Wrap(err, "decode evaluation settings")
	}
	st.Classes.minSample = s.minSample
	return st, nil
}

// SaveSettings validates and stores the settings.
func (s *Service) SaveSettings(ctx context.Context, st Settings) error {
	if err := st.Validate(); err != nil {
		return err
	}
	b, err := json.Marshal(st)
	if err != nil {
		return errs.Wrap(err, "encode evaluation settings")
	}
	return s.db.Tx(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `INSERT INTO settings (key, value) VALUES ($1, $2)
ON CONFLICT (key) DO UPDATE SET value = excluded.value`, settingsKey, string(b))
		return errs.Wrap(err, "save evaluation settings")
	})
}
