// Package survey is surveys (问卷调查) of an area: single and multiple
// choice, scale and free-text questions, answered once by each respondent
// (a resident herself, or the staff recording her paper or phone answer),
// with results counted exactly and exported to XLSX. A survey may be about
// another item of participation (a proposal, topic, announcement, key
// project, meeting or vote: its target). It is disclosed by its level
// (internal/disclosure), goes from draft (questions edited) to open
// (answers taken) to closed (by the staff, or by the background work at its
// closing time).
//
// Who may do what is policy.go; the check of a response is answer.go; the
// figures are results.go.
package survey

import (
	"time"

	"github.com/gongzhi/gongzhi/internal/clock"
	"github.com/gongzhi/gongzhi/internal/db"
	"github.com/gongzhi/gongzhi/internal/deliberation"
	"github.com/gongzhi/gongzhi/internal/disclosure"
	"github.com/gongzhi/gongzhi/internal/errs"
	"github.com/gongzhi/gongzhi/internal/gov"
)

// Status is where a survey stands.
type Status string

const (
	StatusDraft  Status = "draft"  // 草稿：可编辑题目
	StatusOpen   Status = "open"   // 进行中：收集答卷
	StatusClosed Status = "closed" // 已结束
)

// Statuses lists every status.
var Statuses = []Status{StatusDraft, StatusOpen, StatusClosed}

// Valid reports whether s is a status.
func (s Status) Valid() bool { return s == StatusDraft || s == StatusOpen || s == StatusClosed }

// Kind is a question's kind.
type Kind string

const (
	Single   Kind = "single"   // 单选
	Multiple Kind = "multiple" // 多选
	Scale    Kind = "scale"    // 量表（1–5 或 1–10）
	Text     Kind = "text"     // 填空
)

// Kinds lists every kind.
var Kinds = []Kind{Single, Multiple, Scale, Text}

// Valid reports whether k is a kind.
func (k Kind) Valid() bool { return k == Single || k == Multiple || k == Scale || k == Text }

// Choice reports whether k is answered by picking options.
func (k Kind) Choice() bool { return k == Single || k == Multiple }

// Channels of a response.
const (
	ChannelOnline = "online" // the respondent herself
	ChannelPaper  = "paper"  // recorded by the staff from a paper form
	ChannelPhone  = "phone"  // recorded by the staff from a phone call
)

// Limits of the input.
const (
	MaxTitle      = 100
	MaxIntro      = 2000
	MaxQuestions  = 50
	MaxPrompt     = 200
	MinOptions    = 2
	MaxOptions    = 20
	MaxOption     = 100
	MaxScaleLabel = 20
	MaxText       = 1000 // a free-text answer
	MaxOpenDays   = 366
	MaxList       = 100
	DefaultList   = 20
	// MaxTexts is how many free-text answers of a question the results
	// list (the newest); the responses' XLSX has them all.
	MaxTexts = 500
)

// Survey is one survey as its reader sees it.
type Survey struct {
	ID          string           `json:"id"`
	AreaCode    string           `json:"area_code"`
	AreaName    string           `json:"area_name"`
	OrgCode     string           `json:"org_code"`
	Level       disclosure.Level `json:"level"`
	Title       string           `json:"title"`
	Intro       string           `json:"intro"`
	Target      string           `json:"target"`
	Anonymous   bool             `json:"anonymous"`
	LiveResults bool             `json:"live_results"`
	Status      Status           `json:"status"`
	OpensAt     *time.Time       `json:"opens_at"`
	ClosesAt    time.Time        `json:"closes_at"`
	ClosedAt    *time.Time       `json:"closed_at"`
	Responses   int64            `json:"responses"`
	CreatedAt   time.Time        `json:"created_at"`
	UpdatedAt   time.Time        `json:"updated_at"`
	// Questions are filled in by Get, not by List.
	Questions []Question `json:"questions,omitempty"`
	// For the reader: the item it is about as she may see it (nil when no
	// resolver knows its kind or she may not read it), whether she has
	// answered, whether she may answer now, and whether she may see the
	// results now.
	Link        *Link `json:"link,omitempty"`
	Answered    bool  `json:"answered"`
	CanAnswer   bool  `json:"can_answer"`
	ResultsOpen bool  `json:"results_open"`

	createdBy string
}

// Link is the item a survey is about, for its reader.
type Link struct {
	Kind  string `json:"kind"`
	ID    string `json:"id"`
	Title string `json:"title"`
	URL   string `json:"url"`
}

// Question is one question.
type Question struct {
	ID        int64    `json:"id"`
	Kind      Kind     `json:"kind"`
	Prompt    string   `json:"prompt"`
	Required  bool     `json:"required"`
	Options   []Option `json:"options"`
	MaxPicks  int64    `json:"max_picks"`
	ScaleMax  int64    `json:"scale_max"`
	LowLabel  string   `json:"low_label"`
	HighLabel string   `json:"high_label"`
}

// Option is an option of a choice question.
type Option struct {
	ID    int64  `json:"id"`
	Label string `json:"label"`
}

// Service keeps the surveys.
type Service struct {
	db        *db.DB
	clock     clock.Clock
	gov       *gov.Service
	loc       *time.Location
	resolvers map[string]deliberation.Resolver
}

// NewService returns the service.
func NewService(d *db.DB, c clock.Clock, g *gov.Service) *Service {
	return &Service{db: d, clock: c, gov: g, loc: clock.BusinessZone(), resolvers: map[string]deliberation.Resolver{}}
}

var (
	errNotFound = errs.NotFoundf("问卷不存在", "no such survey")
	errArea     = errs.Invalidf("区划代码格式不正确", "malformed area code")
	errDraft    = errs.Conflictf("问卷已发布，题目不能再修改", "the survey has been opened: its questions can no longer change")
)

func (s *Service) at(ms int64) time.Time { return time.UnixMilli(ms).In(s.loc) }

func (s *Service) opt(ms *int64) *time.Time {
	if ms == nil {
		return nil
	}
	t := s.at(*ms)
	return &t
}

// item is what the disclosure rule reads of the survey.
func (v Survey) item() disclosure.Item {
	return disclosure.Item{Level: v.Level, AreaCode: v.AreaCode, OrgCode: v.OrgCode, Owner: v.createdBy}
}

// Taking reports whether the survey takes answers at now.
func (v Survey) Taking(now time.Time) bool {
	return v.Status == StatusOpen && (v.OpensAt == nil || !now.Before(*v.OpensAt)) && now.Before(v.ClosesAt)
}
