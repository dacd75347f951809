// Package opendata is the open-data portal (数据开放): the datasets the
// district publishes for anyone to download — ticket statistics by street,
// category and month with small cells suppressed, the evaluation's public
// figures, the service points, and the public proposals with their
// answers — each with a catalogue entry (title, description, licence,
// update frequency, fields), in CSV, JSON and XLSX, as a paged JSON API,
// and as a DCAT catalogue. The district's administrator switches each
// dataset on or off; every switch is logged and audited.
//
// What a dataset holds is decided here and by the capabilities it reads
// (the evaluation's public settings, the disclosure rule of proposals, the
// services shown to residents); who may switch and who reads what is
// policy.go.
package opendata

import (
	"sync"
	"time"

	"github.com/gongzhi/gongzhi/internal/clock"
	"github.com/gongzhi/gongzhi/internal/db"
	"github.com/gongzhi/gongzhi/internal/evaluation"
	"github.com/gongzhi/gongzhi/internal/gov"
	"github.com/gongzhi/gongzhi/internal/proposal"
	"github.com/gongzhi/gongzhi/internal/service"
)

// The datasets.
const (
	TicketStats   = "ticket-stats"
	Evaluation    = "evaluation"
	ServicePoints = "service-points"
	Proposals     = "proposals"
)

// IDs lists the datasets in the catalogue's order.
var IDs = []string{TicketStats, Evaluation, ServicePoints, Proposals}

// Field types, as JSON Table Schema names them.
const (
	TypeString  = "string"
	TypeInteger = "integer"
	TypeNumber  = "number"
	TypeBoolean = "boolean"
	TypeDate    = "date"
)

// Field is one column of a dataset.
type Field struct {
	Name          string `json:"name"`
	Type          string `json:"type"`
	Title         string `json:"title"`
	Description   string `json:"description"`
	DescriptionEn string `json:"description_en"`
}

// Frequencies of update, as the Dublin Core collection frequency
// vocabulary names them.
const (
	FreqMonthly = "http://purl.org/cld/freq/monthly"
	FreqDaily   = "http://purl.org/cld/freq/daily"
)

// Licence of every dataset.
const (
	LicenceURL  = "https://creativecommons.org/licenses/by/4.0/"
	LicenceName = "CC BY 4.0"
)

// Dataset is a catalogue entry.
type Dataset struct {
	ID            string    `json:"id"`
	Title         string    `json:"title"`
	TitleEn       string    `json:"title_en"`
	Description   string    `json:"description"`
	DescriptionEn string    `json:"description_en"`
	Licence       string    `json:"licence"`
	LicenceName   string    `json:"licence_name"`
	Frequency     string    `json:"frequency"`
	Keywords      []string  `json:"keywords"`
	Fields        []Field   `json:"fields"`
	Published     bool      `json:"published"`
	Modified      time.Time `json:"modified"`
	Rows          int       `json:"rows"`
}

// Table is a dataset with its rows: each row holds one value per field,
// nil (no value: not disclosed, suppressed or unknown), a string, an
// int64, a float64 or a bool.
type Table struct {
	Dataset
	Records [][]any `json:"-"`
}

// Limits.
const (
	DefaultMinCell = 5    // tickets a statistics cell needs to be shown
	MaxMinCell     = 1000 // the largest threshold accepted
	StatsMonths    = 12   // complete months of ticket statistics and figures
	MaxTickets     = 500000
	DefaultPerPage = 100
	MaxPerPage     = 1000
	// CacheFor is how long a computed dataset is served before it is read
	// again: the files are read by strangers, the tables by the tickets.
	CacheFor = 10 * time.Minute
)

// Service builds and publishes the datasets.
type Service struct {
	db        *db.DB
	clock     clock.Clock
	gov       *gov.Service
	eval      *evaluation.Service
	proposals *proposal.Service
	services  *service.Service
	loc       *time.Location
	minCell   int
	baseURL   string

	mu    sync.Mutex
	cache map[string]cached
}

type cached struct {
	t  Table
	at time.Time
}

// NewService returns the service; the datasets of other capabilities are
// there once SetSources hands them in.
func NewService(d *db.DB, c clock.Clock, g *gov.Service) *Service {
	return &Service{db: d, clock: c, gov: g, loc: clock.BusinessZone(), minCell: DefaultMinCell, cache: map[string]cached{}}
}

// SetSources hands in the capabilities whose public figures are published;
// any may be nil, and then its dataset is empty.
func (s *Service) SetSources(e *evaluation.Service, p *proposal.Service, sv *service.Service) {
	s.eval, s.proposals, s.services = e, p, sv
}

// SetMinCell sets how many tickets a statistics cell needs to be shown
// (--opendata-min-cell); out of 2 to MaxMinCell it is the default.
func (s *Service) SetMinCell(n int) {
	if n < 2 || n > MaxMinCell {
		n = DefaultMinCell
	}
	s.minCell = n
	s.Forget()
}

// MinCell is the threshold in force.
func (s *Service) MinCell() int { return s.minCell }

// SetBaseURL sets the public address the catalogue's links start with
// (--public-url); without it the surfaces give the address asked.
func (s *Service) SetBaseURL(u string) { s.baseURL = u }

// Base is the address the catalogue's links start with: the configured
// public address, or else the one the request came to (scheme and host).
func (s *Service) Base(scheme, host string) string {
	if s.baseURL != "" {
		return trimSlash(s.baseURL)
	}
	if scheme == "" {
		scheme = "http"
	}
	return scheme + "://" + host
}

func trimSlash(u string) string {
	for len(u) > 0 && u[len(u)-1] == '/' {
		u = u[:len(u)-1]
	}
	return u
}
