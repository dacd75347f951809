package insight

import (
	"context"
	"fmt"
	"strings"
	"sync/atomic"
	"time"

	"github.com/gongzhi/gongzhi/internal/auth"
	"github.com/gongzhi/gongzhi/internal/clock"
	"github.com/gongzhi/gongzhi/internal/db"
	"github.com/gongzhi/gongzhi/internal/errs"
	"github.com/gongzhi/gongzhi/internal/ticket"
)

// observe queues what intake chose; the queue is worked by Run (or Drain in
// tests). A full queue drops the observation rather than slow a submission.
func (s *Service) observe(in ticket.Intake) {
	select {
	case s.intake <- in:
	default:
		atomic.AddInt64(&s.dropped, 1)
	}
}

// Drain records every queued observation now.
func (s *Service) Drain(ctx context.Context) {
	for {
		select {
		case in := <-s.intake:
			if err := s.record(ctx, in); err != nil && ctx.Err() == nil {
				s.log.Error("record routing", "ticket", in.Number, "err", err)
			}
		default:
			return
		}
	}
}

// record compares what intake chose with what the served model suggests
// for the same words, and dispatches a new ticket itself when it is sure
// enough and allowed to.
func (s *Service) record(ctx context.Context, in ticket.Intake) error {
	m := s.Current()
	if m == nil {
		return nil // nothing was suggested
	}
	cats, units := m.Route(in.Text, in.AreaCode, 3)
	if !in.Dispatched && in.Status == ticket.StatusRegistered && s.auto > 0 && len(cats) > 0 && len(units) > 0 &&
		cats[0].Confidence >= s.auto && units[0].Confidence >= s.auto {
		return s.dispatch(ctx, m, in, cats, units)
	}
	if in.CategoryCode != "" {
		if err := s.insertRoute(ctx, in.Number, "category", m.Version, cats, in.CategoryCode, false); err != nil {
			return err
		}
	}
	if in.Dispatched && in.OrgCode != "" {
		return s.insertRoute(ctx, in.Number, "unit", m.Version, units, in.OrgCode, false)
	}
	return nil
}

// dispatch sends a new ticket to the router's unit, as the system, with a
// note that says so; the category is set only where the reporter left none.
func (s *Service) dispatch(ctx context.Context, m *Model, in ticket.Intake, cats, units []Scored) error {
	cat := in.CategoryCode
	if cat == "" {
		cat = cats[0].Label
	}
	note := fmt.Sprintf("智能派单：分类置信度%.0f%%，单位置信度%.0f%% / dispatched by the router (confidence %.0f%% and %.0f%%)",
		cats[0].Confidence*100, units[0].Confidence*100, cats[0].Confidence*100, units[0].Confidence*100)
	_, err := s.tickets.Act(ctx, auth.System(), in.Number, ticket.ActionDispatch, ticket.ActionInput{OrgCode: units[0].Label, CategoryCode: cat, Note: note})
	if errs.Is(err, errs.Conflict) || errs.Is(err, errs.Invalid) {
		// Taken by a dispatcher meanwhile, or the unit or category is gone:
		// the ticket waits for a person, as without the router.
		s.log.Info("router did not dispatch", "ticket", in.Number, "err", err)
		return nil
	}
	if err != nil {
		return err
	}
	if err := s.insertRoute(ctx, in.Number, "category", m.Version, cats, cat, true); err != nil {
		return err
	}
	return s.insertRoute(ctx, in.Number, "unit", m.Version, units, units[0].Label, true)
}

func (s *Service) insertRoute(ctx context.Context, number, kind string, version int64, sug []Scored, chosen string, auto bool) error {
	codes := make([]string, 0, len(sug))
	took, inThree := false, false
	conf := 0.0
	for i, x := range sug {
		codes = append(codes, x.Label)
		if i == 0 {
			conf = x.Confidence
			took = x.Label == chosen
		}
		inThree = inThree || x.Label == chosen
	}
	_, err := s.db.W.ExecContext(ctx, `INSERT INTO insight_routes (ticket_number, kind, at, model_version, suggested, confidence, chosen, took_first, in_three, auto)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) ON CONFLICT (ticket_number, kind) DO NOTHING`,
		number, kind, db.Millis(s.clock.Now()), version, strings.Join(codes, " "), round4(conf), chosen, took, inThree, auto)
	return errs.Wrap(err, "record routing")
}

// RouteKinds are the kinds of suggestion recorded: the category when a
// ticket is filed, the unit when it is dispatched.
var RouteKinds = []string{"category", "unit"}

// Acceptance is how often intake took the router's suggestion.
type Acceptance struct {
	Kind      string  `json:"kind"` // category or unit
	N         int     `json:"n"`
	TookFirst float64 `json:"took_first"` // share where the first suggestion was chosen
	InThree   float64 `json:"in_three"`   // share where the choice was among the three
	Auto      int     `json:"auto"`       // dispatched by the router itself
}

// AcceptanceDays is how far back the acceptance rate looks.
const AcceptanceDays = 30

// Acceptance tells, per kind, how often the suggestions were taken in the
// last AcceptanceDays days.
func (s *Service) Acceptance(ctx context.Context, u auth.User) ([]Acceptance, error) {
	if !CanSeeRouterStats(u) {
		return nil, errs.ErrForbidden
	}
	since := s.clock.Now().Add(-AcceptanceDays * 24 * time.Hour)
	rows, err := s.db.R.QueryContext(ctx, `SELECT kind, COUNT(*),
SUM(CASE WHEN took_first THEN 1 ELSE 0 END), SUM(CASE WHEN in_three THEN 1 ELSE 0 END), SUM(CASE WHEN auto THEN 1 ELSE 0 END)
FROM insight_routes WHERE at >= $1 GROUP BY kind ORDER BY kind`, db.Millis(since))
	if err != nil {
		return nil, errs.Wrap(err, "read routing record")
	}
	defer rows.Close()
	out := []Acceptance{}
	for rows.Next() {
		var a Acceptance
		var took, three int
		if err := rows.Scan(&a.Kind, &a.N, &took, &three, &a.Auto); err != nil {
			return nil, errs.Wrap(err, "read routing record")
		}
		if a.N > 0 {
			a.TookFirst, a.InThree = round4(float64(took)/float64(a.N)), round4(float64(three)/float64(a.N))
		}
		out = append(out, a)
	}
	return out, errs.Wrap(rows.Err(), "read routing record")
}

// ModelInfo is a stored model's record, without its weights.
type ModelInfo struct {
	Version   int64     `json:"version"`
	TrainedAt time.Time `json:"trained_at"`
	Samples   int       `json:"samples"`
	Top1      float64   `json:"top1"`
	Top3      float64   `json:"top3"`
	UnitTop1  float64   `json:"unit_top1"`
	UnitTop3  float64   `json:"unit_top3"`
	TrainMs   int64     `json:"train_ms"`
}

// Models lists the stored models, newest first (at most 20).
func (s *Service) Models(ctx context.Context, u auth.User) ([]ModelInfo, error) {
	if !CanSeeRouterStats(u) {
		return nil, errs.ErrForbidden
	}
	rows, err := s.db.R.QueryContext(ctx, `SELECT version, trained_at, samples, top1, top3, unit_top1, unit_top3, train_ms FROM insight_models ORDER BY version DESC LIMIT 20`)
	if err != nil {
		return nil, errs.Wrap(err, "read models")
	}
	defer rows.Close()
	out := []ModelInfo{}
	for rows.Next() {
		var m ModelInfo
		var at int64
		if err := rows.Scan(&m.Version, &at, &m.Samples, &m.Top1, &m.Top3, &m.UnitTop1, &m.UnitTop3, &m.TrainMs); err != nil {
			return nil, errs.Wrap(err, "read models")
		}
		m.TrainedAt = time.UnixMilli(at).In(clock.BusinessZone())
		out = append(out, m)
	}
	return out, errs.Wrap(rows.Err(), "read models")
}
