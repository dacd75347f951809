package indicator

import (
	"context"
	"database/sql"
	"encoding/json"
	"math"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/gongzhi/gongzhi/internal/auth"
	"github.com/gongzhi/gongzhi/internal/clock"
	"github.com/gongzhi/gongzhi/internal/db"
	"github.com/gongzhi/gongzhi/internal/errs"
)

// Limits of the settings.
const (
	MaxWeight    = 100.0
	MaxReason    = 500     // characters
	MaxChanges   = 200     // lines of the change record one page shows
	MaxCostYuan  = 1000000 // any cost setting, in yuan
	costsKey     = "costs" // the key of the cost settings' events
	eventsTable  = "indicator_events"
	eventsColumn = "code"
)

// The cost settings' names.
const (
	CostPerHour  = "cost_per_hour" // yuan per working hour of staff time
	FixedMonthly = "fixed_monthly" // yuan a month (licences, hosting, …)
	CostCeiling  = "cost_ceiling"  // yuan per closed matter that scores 0
)

// DefaultCosts are the cost settings before the district sets any, in yuan.
var DefaultCosts = Costs{PerHour: 0, FixedMonthly: 0, Ceiling: 500}

// Costs are the settings of the cost indicator, in yuan.
type Costs struct {
	PerHour      float64 `json:"cost_per_hour"`
	FixedMonthly float64 `json:"fixed_monthly"`
	Ceiling      float64 `json:"cost_ceiling"`
}

// Setting is one indicator as the district has it.
type Setting struct {
	Indicator
	Weight  float64 `json:"weight"`
	Enabled bool    `json:"enabled"`
}

// Change is one line of the change record.
type Change struct {
	At        time.Time `json:"at"`
	Code      string    `json:"code"` // an indicator's code, or "costs"
	Field     string    `json:"field"`
	From      string    `json:"from"`
	To        string    `json:"to"`
	Reason    string    `json:"reason"`
	ActorRole string    `json:"actor_role"`
	Actor     string    `json:"actor,omitempty"` // the account's id: staff only
}

// Service computes the indicators and keeps the district's settings.
type Service struct {
	db    *db.DB
	clock clock.Clock
	acts  []ActSource
	hours func(from, to time.Time) time.Duration
	// terminals is the self-service terminals' online share (0–1) in the
	// month that starts at the instant, in the area ("" everywhere); ok is
	// false when the area had no terminal registered. Nil: no terminals.
	terminals TerminalShare
	// trained gives the share of staff trained as of a month (training).
	trained func(ctx context.Context, month time.Time) (*float64, error)
}

// TerminalShare measures the self-service terminals' online share of a
// month in an area; the kiosks' capability provides it (app wires it).
type TerminalShare func(ctx context.Context, month time.Time, area string) (share float64, ok bool, err error)

// SetTerminals sets where the terminals' online share is read from.
func (s *Service) SetTerminals(t TerminalShare) { s.terminals = t }

// ActSource lists the phones of residents who took part in something in
// [from, to); the capabilities provide them (app wires them).
type ActSource func(ctx context.Context, from, to time.Time) ([]string, error)

// NewService returns the service; hours measures working time between two
// instants (the tickets' calendar).
func NewService(d *db.DB, c clock.Clock, hours func(from, to time.Time) time.Duration) *Service {
	return &Service{db: d, clock: c, hours: hours}
}

// SetActs sets where participation is read from.
func (s *Service) SetActs(a []ActSource) { s.acts = a }

// Settings is the catalogue with the district's weights and switches.
func (s *Service) Settings(ctx context.Context) ([]Setting, error) {
	rows, err := s.db.R.QueryContext(ctx, `SELECT code, weight, enabled FROM indicator_overrides`)
	if err != nil {
		return nil, errs.Wrap(err, "indicator overrides")
	}
	defer rows.Close()
	type ov struct {
		w  sql.NullFloat64
		on bool
	}
	got := map[string]ov{}
	for rows.Next() {
		var code string
		var o ov
		if err := rows.Scan(&code, &o.w, &o.on); err != nil {
			return nil, errs.Wrap(err, "indicator overrides")
		}
		got[code] = o
	}
	if err := rows.Err(); err != nil {
		return nil, errs.Wrap(err, "indicator overrides")
	}
	out := make([]Setting, 0, len(Catalogue))
	for _, in := range Catalogue {
		st := Setting{Indicator: in, Weight: in.StandardWeight, Enabled: true}
		if o, ok := got[in.Code]; ok {
			st.Enabled = o.on
			if o.w.Valid {
				st.Weight = o.w.Float64
			}
		}
		out = append(out, st)
	}
	return out, nil
}

// Override is a change of one indicator: a weight, a switch, or both.
type Override struct {
	Weight  *float64 `json:"weight"`
	Enabled *bool    `json:"enabled"`
	Reason  string   `json:"reason"`
}

func checkReason(r string) (string, error) {
	r = strings.TrimSpace(r)
	if r == "" {
		return "", errs.Invalidf("请说明修改的理由", "give the reason for the change")
	}
	if utf8.RuneCountInString(r) > MaxReason {
		return "", errs.Invalidf("理由不能超过%d个字", "the reason may have at most %d characters", MaxReason)
	}
	return r, nil
}

// SetOverride changes the district's weight or switch of an indicator,
// recording each field changed as an event with its reason.
func (s *Service) SetOverride(ctx context.Context, u auth.User, code string, o Override) (Setting, error) {
	if !CanChange(u) {
		return Setting{}, errs.ErrForbidden
	}
	if _, ok := Find(code); !ok {
		return Setting{}, errs.New(errs.NotFound, "没有这项指标", "no such indicator")
	}
	if o.Weight == nil && o.Enabled == nil {
		return Setting{}, errs.Invalidf("请给出权重或启用状态", "give a weight or whether it is enabled")
	}
	if o.Weight != nil && (math.IsNaN(*o.Weight) || *o.Weight < 0 || *o.Weight > MaxWeight) {
		return Setting{}, errs.Invalidf("权重须在0到%g之间", "the weight must be 0 to %g", MaxWeight)
	}
	reason, err := checkReason(o.Reason)
	if err != nil {
		return Setting{}, err
	}
	cur, err := s.setting(ctx, code)
	if err != nil {
		return Setting{}, err
	}
	next := cur
	if o.Weight != nil {
		next.Weight = *o.Weight
	}
	if o.Enabled != nil {
		next.Enabled = *o.Enabled
	}
	now := s.clock.Now()
	err = s.db.Tx(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `INSERT INTO indicator_overrides (code, weight, enabled, updated_at, updated_by) VALUES ($1, $2, $3, $4, $5)
ON CONFLICT (code) DO UPDATE SET weight = excluded.weight, enabled = excluded.enabled, updated_at = excluded.updated_at, updated_by = excluded.updated_by`,
			code, next.Weight, next.Enabled, db.Millis(now), u.ID)
		if err != nil {
			return errs.Wrap(err, "indicator override")
		}
		if next.Weight != cur.Weight {
			if err := s.event(ctx, tx, u, now, code, "weight", fmtNum(cur.Weight), fmtNum(next.Weight), reason); err != nil {
				return err
			}
		}
		if next.Enabled != cur.Enabled {
			return s.event(ctx, tx, u, now, code, "enabled", strconv.FormatBool(cur.Enabled), strconv.FormatBool(next.Enabled), reason)
		}
		return nil
	})
	return next, err
}

func (s *Service) setting(ctx context.Context, code string) (Setting, error) {
	all, err := s.Settings(ctx)
	if err != nil {
		return Setting{}, err
	}
	for _, st := range all {
		if st.Code == code {
			return st, nil
		}
	}
	return Setting{}, errs.New(errs.NotFound, "没有这项指标", "no such indicator")
}

func fmtNum(f float64) string { return strconv.FormatFloat(f, 'f', -1, 64) }

type eventDetail struct {
	Field  string `json:"field"`
	From   string `json:"from"`
	To     string `json:"to"`
	Reason string `json:"reason"`
	Role   string `json:"role"`
}

func (s *Service) event(ctx context.Context, tx *sql.Tx, u auth.User, at time.Time, key, field, from, to, reason string) error {
	return db.AppendEvent(ctx, tx, db.Event{Table: eventsTable, KeyColumn: eventsColumn, Key: key, At: at, Actor: u.ID,
		Kind: "change", Detail: eventDetail{Field: field, From: from, To: to, Reason: reason, Role: string(u.Role)}})
}

// Costs returns the cost settings.
func (s *Service) Costs(ctx context.Context) (Costs, error) {
	c := DefaultCosts
	rows, err := s.db.R.QueryContext(ctx, `SELECT name, value FROM indicator_costs`)
	if err != nil {
		return c, errs.Wrap(err, "indicator costs")
	}
	defer rows.Close()
	for rows.Next() {
		var name string
		var fen int64
		if err := rows.Scan(&name, &fen); err != nil {
			return c, errs.Wrap(err, "indicator costs")
		}
		if p := c.field(name); p != nil {
			*p = float64(fen) / 100
		}
	}
	return c, errs.Wrap(rows.Err(), "indicator costs")
}

func (c *Costs) field(name string) *float64 {
	switch name {
	case CostPerHour:
		return &c.PerHour
	case FixedMonthly:
		return &c.FixedMonthly
	case CostCeiling:
		return &c.Ceiling
	}
	return nil
}

// CostsInput changes the cost settings given, with the reason.
type CostsInput struct {
	PerHour      *float64 `json:"cost_per_hour"`
	FixedMonthly *float64 `json:"fixed_monthly"`
	Ceiling      *float64 `json:"cost_ceiling"`
	Reason       string   `json:"reason"`
}

// SetCosts changes the cost settings, each change an event.
func (s *Service) SetCosts(ctx context.Context, u auth.User, in CostsInput) (Costs, error) {
	if !CanChange(u) {
		return Costs{}, errs.ErrForbidden
	}
	given := map[string]*float64{CostPerHour: in.PerHour, FixedMonthly: in.FixedMonthly, CostCeiling: in.Ceiling}
	any := false
	for name, v := range given {
		if v == nil {
			continue
		}
		any = true
		if math.IsNaN(*v) || *v < 0 || *v > MaxCostYuan || (name == CostCeiling && *v == 0) {
			return Costs{}, errs.Invalidf("%s 须在0到%d元之间（上限须大于0）", "%s must be 0 to %d yuan (the ceiling above 0)", name, MaxCostYuan)
		}
	}
	if !any {
		return Costs{}, errs.Invalidf("请给出要修改的成本参数", "give a cost setting to change")
	}
	reason, err := checkReason(in.Reason)
	if err != nil {
		return Costs{}, err
	}
	cur, err := s.Costs(ctx)
	if err != nil {
		return Costs{}, err
	}
	next, now := cur, s.clock.Now()
	err = s.db.Tx(ctx, func(tx *sql.Tx) error {
		for _, name := range []string{CostPerHour, FixedMonthly, CostCeiling} {
			v := given[name]
			if v == nil {
				continue
			}
			fen := int64(math.Round(*v * 100))
			old := *cur.field(name)
			*next.field(name) = float64(fen) / 100
			if _, err := tx.ExecContext(ctx, `INSERT INTO indicator_costs (name, value, updated_at, updated_by) VALUES ($1, $2, $3, $4)
ON CONFLICT (name) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at, updated_by = excluded.updated_by`,
				name, fen, db.Millis(now), u.ID); err != nil {
				return errs.Wrap(err, "indicator costs")
			}
			if old != *next.field(name) {
				if err := s.event(ctx, tx, u, now, costsKey, name, fmtNum(old), fmtNum(*next.field(name)), reason); err != nil {
					return err
				}
			}
		}
		return nil
	})
	return next, err
}

// Changes is the change record, newest first, at most MaxChanges lines.
// staff keeps the actor's account id; the public record shows her role only.
func (s *Service) Changes(ctx context.Context, staff bool) ([]Change, error) {
	rows, err := s.db.R.QueryContext(ctx, `SELECT code, at, actor, detail FROM indicator_events ORDER BY at DESC, code, seq DESC LIMIT $1`, MaxChanges)
	if err != nil {
		return nil, errs.Wrap(err, "indicator changes")
	}
	defer rows.Close()
	out := []Change{}
	for rows.Next() {
		var c Change
		var at int64
		var actor, detail string
		if err := rows.Scan(&c.Code, &at, &actor, &detail); err != nil {
			return nil, errs.Wrap(err, "indicator changes")
		}
		var d eventDetail
		_ = json.Unmarshal([]byte(detail), &d)
		c.At = time.UnixMilli(at).In(clock.BusinessZone())
		c.Field, c.From, c.To, c.Reason, c.ActorRole = d.Field, d.From, d.To, d.Reason, d.Role
		if staff {
			c.Actor = actor
		}
		out = append(out, c)
	}
	return out, errs.Wrap(rows.Err(), "indicator changes")
}
