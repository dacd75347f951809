// Package warning finds hotspots and raises early warnings (未诉先办): when
// the tickets of one place and category within a window grow past that
// place's own baseline, the responsible unit and the supervisors of the
// area are told before the complaints pile up.
//
// # Clusters
//
// A cluster is a place × a category (the ticket's own, most specific code)
// × a window (Options.Window, 7 days by default, ending now). Places are of
// three levels: the community (社区/村, the first 12 digits of the ticket's
// area code), the street office or township (街道/乡镇, the first 9), and,
// for tickets with coordinates, a cell of a grid of about Options.CellMetres
// (300 m) a side, so that tickets close together on either side of a
// community's boundary still cluster (a fixed grid: two tickets close
// together on either side of a cell's edge fall in two cells). A ticket
// counts in each of its places. Tickets without a category (waiting to be
// classified) do not count until they have one. One surge raises one
// warning: a cell's cluster does not warn while the community most of its
// tickets are in has an active warning of the category, nor a street's
// while a community or a cell within it has one.
//
// # Baseline and score
//
// The baseline is the cluster's expected number of tickets per window: the
// larger of two weekly averages of its own history, read from weekly
// roll-ups (warning_counts) and never from the tickets: the trailing
// average over the 12 whole weeks before the current and the previous week
// (the window lies within those two), and the seasonal average over the
// same week and the two either side of it in each of up to three earlier
// years. Weeks before the first ticket of the installation do not count, so
// a new installation does not read its empty past as quiet. The score is
// (count − baseline) / √(baseline + 1). A warning is raised when count ≥
// Options.MinCount (3) and score ≥ Options.Threshold (2.5): a cluster with
// no history warns at its 3rd ticket, and one whose baseline is under one a
// week at its 5th at the latest ((5 − 1)/√2 ≈ 2.83).
//
// # Detection
//
// Detect, which the background work runs every 15 s, reads the tickets
// numbered above its watermark (a bounded batch), finds the clusters they
// touch, counts each in the window from the tickets themselves (so a
// ticket reclassified since still counts where it now is), and raises or
// updates the cluster's one active (open or acknowledged) warning. A cluster
// whose warning was dismissed or converted counts again only from then.
// A raised warning is told, in the staff's notifications, to the unit the
// catalogue names for the category and area (or else the unit most of the
// cluster's tickets went to) and to the supervisors of the area.
//
// The watermark is a ticket's creation time (warning_state holds it as
// "t:" and its milliseconds; older states held a ticket number, read as the
// start of its day): servers numbering as nodes of their own give numbers
// out of the order of filing. A ticket may commit after one made later, so
// each step reads again the tickets of about the last minute
// (warning_state.safe trails seen); a
// backlog (the first start reads the window's tickets) goes in full batches
// without that overlap. Tickets imported with earlier dates are numbered in
// their own days, below the watermark: they raise nothing, and the weeks
// they fall in are rolled up again (a week's highest number has changed).
package warning

import (
	"log/slog"
	"time"

	"github.com/gongzhi/gongzhi/internal/clock"
	"github.com/gongzhi/gongzhi/internal/db"
	"github.com/gongzhi/gongzhi/internal/evaluation"
	"github.com/gongzhi/gongzhi/internal/gov"
	"github.com/gongzhi/gongzhi/internal/ticket"
)

// Statuses of a warning.
const (
	StatusOpen         = "open"
	StatusAcknowledged = "acknowledged"
	StatusConverted    = "converted"
	StatusDismissed    = "dismissed"
)

// Kinds of a warning: a surge of tickets, or a community's need for a kind
// of neighbourhood service going unmet.
const (
	KindSurge  = "surge"
	KindSupply = "supply"
)

// kindOr is a warning's kind, a surge unless it says otherwise.
func kindOr(k string) string {
	if k == "" {
		return KindSurge
	}
	return k
}

// Levels of a cluster's place.
const (
	LevelCommunity = "community"
	LevelStreet    = "street"
	LevelCell      = "cell"
)

// Warning is one warning (预警) of a cluster.
type Warning struct {
	ID           string     `json:"id"`
	Level        string     `json:"level"`
	Place        string     `json:"place"`
	AreaCode     string     `json:"area_code"`
	CategoryCode string     `json:"category_code"`
	OrgCode      string     `json:"org_code"`
	WindowDays   int        `json:"window_days"`
	Count        int        `json:"count"`
	Baseline     float64    `json:"baseline"`
	Score        float64    `json:"score"`
	Lat          *float64   `json:"lat,omitempty"`
	Lng          *float64   `json:"lng,omitempty"`
	FirstAt      time.Time  `json:"first_at"`
	LastAt       time.Time  `json:"last_at"`
	CreatedAt    time.Time  `json:"created_at"`
	Status       string     `json:"status"`
	Reason       string     `json:"reason,omitempty"`
	TicketNumber string     `json:"ticket_number,omitempty"`
	RectID       string     `json:"rect_id,omitempty"`
	ActedBy      string     `json:"acted_by,omitempty"`
	ActedAt      *time.Time `json:"acted_at,omitempty"`
	// Kind is "surge" or "supply" (see supply.go).
	Kind string `json:"kind"`
}

// Active reports whether the warning still follows its cluster.
func (w Warning) Active() bool { return w.Status == StatusOpen || w.Status == StatusAcknowledged }

// Options are the detection's settings.
type Options struct {
	Window     time.Duration // the cluster's window; 7 days
	MinCount   int           // the fewest tickets that warn; 3
	Threshold  float64       // the lowest score that warns; 2.5
	CellMetres float64       // the side of a grid cell; 300
	Batch      int           // tickets read per step; 2000
}

// DefaultOptions are the settings used unless others are set.
func DefaultOptions() Options {
	return Options{Window: 7 * 24 * time.Hour, MinCount: 3, Threshold: 2.5, CellMetres: 300, Batch: 2000}
}

// Service finds clusters and keeps the warnings.
type Service struct {
	db      *db.DB
	clock   clock.Clock
	gov     *gov.Service
	tickets *ticket.Service
	eval    *evaluation.Service
	log     *slog.Logger
	loc     *time.Location
	opt     Options
	supply  supplyState
}

// NewService returns the service with the default options.
func NewService(d *db.DB, c clock.Clock, g *gov.Service, t *ticket.Service, e *evaluation.Service, log *slog.Logger) *Service {
	if log == nil {
		log = slog.Default()
	}
	return &Service{db: d, clock: c, gov: g, tickets: t, eval: e, log: log, loc: clock.BusinessZone(), opt: DefaultOptions()}
}

// SetOptions replaces the settings; zero fields keep the defaults.
func (s *Service) SetOptions(o Options) {
	d := DefaultOptions()
	if o.Window <= 0 {
		o.Window = d.Window
	}
	if o.MinCount <= 0 {
		o.MinCount = d.MinCount
	}
	if o.Threshold <= 0 {
		o.Threshold = d.Threshold
	}
	if o.CellMetres <= 0 {
		o.CellMetres = d.CellMetres
	}
	if o.Batch <= 0 {
		o.Batch = d.Batch
	}
	s.opt = o
}

// Options returns the settings in use.
func (s *Service) Options() Options { return s.opt }
