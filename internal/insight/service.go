// Package insight is gongzhi's foresight from its own request stream: the
// router that suggests a request's category and unit (a linear model over
// textfeat's features, trained on the platform's closed tickets), with the
// record of whether intake took its suggestions; `gongzhi insight` checks
// models on labelled files.
package insight

import (
	"context"
	"database/sql"
	"errors"
	"log/slog"
	"runtime/debug"
	"strings"
	"sync"
	"time"

	"github.com/gongzhi/gongzhi/internal/auth"
	"github.com/gongzhi/gongzhi/internal/clock"
	"github.com/gongzhi/gongzhi/internal/db"
	"github.com/gongzhi/gongzhi/internal/errs"
	"github.com/gongzhi/gongzhi/internal/gov"
	"github.com/gongzhi/gongzhi/internal/textfeat"
	"github.com/gongzhi/gongzhi/internal/ticket"
)

// Service trains, stores and serves the router.
type Service struct {
	db      *db.DB
	clock   clock.Clock
	tickets *ticket.Service
	gov     *gov.Service
	log     *slog.Logger
	taught  sync.Once // the district's words taught to the segmenter

	mu       sync.RWMutex
	model    *Model     // the newest stored; nil before the first training
	training sync.Mutex // one training at a time in a process: each takes hundreds of MB

	// auto is the confidence at or above which a new ticket is dispatched
	// by the router without a dispatcher; 0 (the default) never.
	auto float64

	trainAt int  // minutes after midnight, business time
	trainOn bool // the nightly training is on

	intake  chan ticket.Intake
	dropped int64 // observations the full queue could not take
}

// NewService makes the router's service and has the ticket service tell it
// what intake chose and ask it for categories.
func NewService(d *db.DB, c clock.Clock, tickets *ticket.Service, g *gov.Service, log *slog.Logger) *Service {
	s := &Service{db: d, clock: c, tickets: tickets, gov: g, log: log, intake: make(chan ticket.Intake, 1024)}
	tickets.SetIntakeObserver(s.observe)
	tickets.SetSuggester(s)
	return s
}

// SetAutoDispatch sets the confidence, of both the category and the unit,
// at which the router dispatches a new ticket by itself (0 turns it off).
func (s *Service) SetAutoDispatch(confidence float64) { s.auto = confidence }

// AutoDispatch is the confidence set by SetAutoDispatch.
func (s *Service) AutoDispatch() float64 { return s.auto }

// Current is the model served, or nil before any training.
func (s *Service) Current() *Model {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return s.model
}

// Train learns a new router from the newest closed tickets, stores it as
// the next version and serves it.
func (s *Service) Train(ctx context.Context, u auth.User) (*Model, error) {
	if !CanTrain(u) {
		return nil, errs.ErrForbidden
	}
	if !s.training.TryLock() {
		return nil, errs.Conflictf("模型正在训练，请稍后再试", "the router is being trained; try again when it is done")
	}
	defer s.training.Unlock()
	// Collect garbage more often while training: the features of 100,000
	// tickets then fit in well under 500 MB.
	defer debug.SetGCPercent(debug.SetGCPercent(50))
	if err := s.teachWords(ctx); err != nil {
		return nil, err
	}
	samples, err := s.samples(ctx)
	if err != nil {
		return nil, err
	}
	m, err := TrainModel(samples)
	if err != nil {
		return nil, err
	}
	m.TrainedAt = s.clock.Now()
	body, err := m.encode()
	if err != nil {
		return nil, errs.Wrap(err, "encode model")
	}
	err = s.db.Tx(ctx, func(tx *sql.Tx) error {
		var last int64
		if err := tx.QueryRowContext(ctx, `SELECT COALESCE(MAX(version), 0) FROM insight_models`).Scan(&last); err != nil {
			return err
		}
		m.Version = last + 1
		if _, err := tx.ExecContext(ctx, `INSERT INTO insight_models (version, kind, trained_at, samples, top1, top3, unit_top1, unit_top3, train_ms, body)
VALUES ($1, 'router', $2, $3, $4, $5, $6, $7, $8, $9)`, m.Version, db.Millis(m.TrainedAt), m.Samples, m.Top1, m.Top3, m.UnitTop1, m.UnitTop3, m.TrainMs, body); err != nil {
			return err
		}
		// Older models are kept for the record, without their weights
		// beyond the last three.
		_, err := tx.ExecContext(ctx, `UPDATE insight_models SET body = $1 WHERE version <= $2`, []byte{}, m.Version-3)
		return err
	})
	if db.IsUnique(err) {
		return nil, errs.Conflictf("另一次训练刚刚保存了模型，请刷新后再试", "another training has just stored a model; reload and try again")
	}
	if err != nil {
		return nil, errs.Wrap(err, "store model")
	}
	s.mu.Lock()
	s.model = m
	s.mu.Unlock()
	s.log.Info("router trained", "version", m.Version, "samples", m.Samples, "top1", m.Top1, "top3", m.Top3,
		"unit_top1", m.UnitTop1, "took_ms", m.TrainMs)
	return m, nil
}

// samples reads the newest closed tickets with a category.
func (s *Service) samples(ctx context.Context) ([]Sample, error) {
	rows, err := s.db.R.QueryContext(ctx, `SELECT description, category_code, area_code, assigned_org_code FROM tickets
WHERE status = 'closed' AND category_code <> '' ORDER BY number DESC LIMIT $1`, MaxTrainSamples)
	if err != nil {
		return nil, errs.Wrap(err, "read closed tickets")
	}
	defer rows.Close()
	var out []Sample
	for rows.Next() {
		var x Sample
		if err := rows.Scan(&x.Text, &x.Category, &x.Area, &x.Unit); err != nil {
			return nil, errs.Wrap(err, "read closed tickets")
		}
		out = append(out, x)
	}
	return out, errs.Wrap(rows.Err(), "read closed tickets")
}

// Reload serves the newest stored model if another process trained one.
func (s *Service) Reload(ctx context.Context) error {
	var version int64
	err := s.db.R.QueryRowContext(ctx, `SELECT version FROM insight_models WHERE length(body) > 0 ORDER BY version DESC LIMIT 1`).Scan(&version)
	if errors.Is(err, sql.ErrNoRows) {
		return nil
	}
	if err != nil {
		return errs.Wrap(err, "read models")
	}
	if cur := s.Current(); cur != nil && cur.Version >= version {
		return nil
	}
	var trainedAt, trainMs int64
	var body []byte
	m := &Model{Version: version}
	if err := s.db.R.QueryRowContext(ctx, `SELECT trained_at, samples, top1, top3, unit_top1, unit_top3, train_ms, body FROM insight_models WHERE version = $1`, version).
		Scan(&trainedAt, &m.Samples, &m.Top1, &m.Top3, &m.UnitTop1, &m.UnitTop3, &trainMs, &body); err != nil {
		return errs.Wrap(err, "read model")
	}
	if err := s.teachWords(ctx); err != nil {
		return err
	}
	loaded, err := decodeModel(body)
	if err != nil {
		return errs.Wrap(err, "decode model")
	}
	loaded.Version, loaded.TrainedAt, loaded.TrainMs = version, time.UnixMilli(trainedAt), trainMs
	loaded.Samples, loaded.Top1, loaded.Top3, loaded.UnitTop1, loaded.UnitTop3 = m.Samples, m.Top1, m.Top3, m.UnitTop1, m.UnitTop3
	s.mu.Lock()
	if s.model == nil || s.model.Version < version {
		s.model = loaded
	}
	s.mu.Unlock()
	return nil
}

// Routing is what the router suggests for a text.
type Routing struct {
	ModelVersion int64           `json:"model_version"` // 0: no model yet, nothing suggested
	Categories   []CategoryScore `json:"categories"`
	Units        []UnitScore     `json:"units"`
}

// CategoryScore is a suggested category.
type CategoryScore struct {
	Code       string  `json:"code"`
	Confidence float64 `json:"confidence"`
}

// UnitScore is a suggested unit.
type UnitScore struct {
	OrgCode    string  `json:"org_code"`
	Confidence float64 `json:"confidence"`
}

// MinConfidence is the least confidence worth showing: a suggestion below
// it is noise on the screen.
const MinConfidence = 0.01

// MaxRouteText is the longest text the router reads, in characters.
const MaxRouteText = ticket.MaxSuggestText

// Route suggests the three likeliest categories and units for what a
// resident says, in an area if known. Units are for staff (CanSeeUnits).
func (s *Service) Route(ctx context.Context, u auth.User, text, area string) (Routing, error) {
	if !CanRoute(u) {
		return Routing{}, errs.ErrForbidden
	}
	text = ticket.CleanText(text)
	if n := len([]rune(text)); n > MaxRouteText {
		return Routing{}, errs.Invalidf("文字不能超过%d字", "the text must be at most %d characters", MaxRouteText)
	}
	if area != "" && !gov.ValidCode(area) {
		return Routing{}, errs.Invalidf("区划代码格式不正确", "malformed area code")
	}
	out := Routing{Categories: []CategoryScore{}, Units: []UnitScore{}}
	m := s.Current()
	if m == nil || strings.TrimSpace(text) == "" {
		if m != nil {
			out.ModelVersion = m.Version
		}
		return out, nil
	}
	out.ModelVersion = m.Version
	cats, units := m.Route(text, area, 3)
	active, err := s.activeCategories(ctx)
	if err != nil {
		return Routing{}, err
	}
	for _, c := range cats {
		if active[c.Label] && c.Confidence >= MinConfidence {
			out.Categories = append(out.Categories, CategoryScore{Code: c.Label, Confidence: round4(c.Confidence)})
		}
	}
	if CanSeeUnits(u) {
		for _, x := range units {
			if x.Confidence < MinConfidence {
				continue
			}
			out.Units = append(out.Units, UnitScore{OrgCode: x.Label, Confidence: round4(x.Confidence)})
		}
	}
	return out, nil
}

func (s *Service) activeCategories(ctx context.Context) (map[string]bool, error) {
	cats, err := s.tickets.Categories(ctx)
	if err != nil {
		return nil, err
	}
	out := map[string]bool{}
	for _, c := range cats {
		if c.Active {
			out[c.Code] = true
		}
	}
	return out, nil
}

// SuggestCategories proposes categories for a resident's words: the
// router's when a model is served, the keyword match before.
func (s *Service) SuggestCategories(ctx context.Context, text string, cats []ticket.Category, limit int) ([]ticket.Suggestion, error) {
	m := s.Current()
	if m == nil {
		return ticket.KeywordSuggester{}.SuggestCategories(ctx, text, cats, limit)
	}
	byCode := map[string]ticket.Category{}
	for _, c := range cats {
		byCode[c.Code] = c
	}
	var out []ticket.Suggestion
	for _, c := range m.Category.Predict(textfeat.Features(text), 0) {
		cat, ok := byCode[c.Label]
		if !ok || !cat.Active || c.Confidence < MinConfidence {
			continue
		}
		out = append(out, ticket.Suggestion{Code: cat.Code, Name: cat.Name, NameEn: cat.NameEn, Path: ticket.CategoryPath(byCode, cat),
			Score: int(c.Confidence * 100), Confidence: round4(c.Confidence)})
		if len(out) == limit {
			break
		}
	}
	return out, nil
}
