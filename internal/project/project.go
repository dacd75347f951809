// Package project is key projects (重点项目: 老旧小区改造, 口袋公园 …), on
// which residents are asked before, during and after the works, and every
// input gets an answer. A project goes through four phases, in order:
//
//   - planning (需求征集): residents of its area send their needs;
//   - building (实施): the unit running it keeps milestones and reports
//     progress in per cent with a note and photos; residents send opinions;
//   - evaluating (评价): each resident of the area gives a score of 1 to 5,
//     with a comment if she likes, and may change it until the project closes;
//   - closed: nothing more is taken.
//
// The responsible unit answers every need and opinion within AnswerDays
// working days (an answer after that is marked late), and a project with an
// input unanswered cannot close. Staff may enter a resident's input or
// evaluation on her behalf, by her phone; it is recorded as such. Every
// change appends to project_events in its transaction.
//
// Who may do what is policy.go; who reads a project is its disclosure level
// (internal/disclosure, public by default). The residents' scores are
// summed for the unit's evaluation in stats.go.
package project

import (
	"time"

	"github.com/gongzhi/gongzhi/internal/attachment"
	"github.com/gongzhi/gongzhi/internal/calendar"
	"github.com/gongzhi/gongzhi/internal/clock"
	"github.com/gongzhi/gongzhi/internal/db"
	"github.com/gongzhi/gongzhi/internal/disclosure"
	"github.com/gongzhi/gongzhi/internal/errs"
	"github.com/gongzhi/gongzhi/internal/gov"
)

// Phase is where a project stands.
type Phase string

const (
	Planning   Phase = "planning"   // 需求征集（事前）
	Building   Phase = "building"   // 实施（事中）
	Evaluating Phase = "evaluating" // 居民评价（事后）
	Closed     Phase = "closed"     // 已结束
)

// Phases are the phases in their order.
var Phases = []Phase{Planning, Building, Evaluating, Closed}

// Valid reports whether p is a known phase.
func (p Phase) Valid() bool { return p.index() >= 0 }

func (p Phase) index() int {
	for i, x := range Phases {
		if x == p {
			return i
		}
	}
	return -1
}

// Next is the phase after p, and false for closed.
func (p Phase) Next() (Phase, bool) {
	i := p.index()
	if i < 0 || i+1 >= len(Phases) {
		return "", false
	}
	return Phases[i+1], true
}

// Kinds of a resident's input, and the phase each is taken in.
const (
	KindNeed    = "need"    // 需求（事前）
	KindOpinion = "opinion" // 意见（事中）
)

// InputPhase is the phase in which inputs of the kind are taken.
func InputPhase(kind string) (Phase, bool) {
	switch kind {
	case KindNeed:
		return Planning, true
	case KindOpinion:
		return Building, true
	}
	return "", false
}

// Project is a key project as its readers see it.
type Project struct {
	Number      string           `json:"number"`
	AreaCode    string           `json:"area_code"`
	AreaName    string           `json:"area_name"`
	OrgCode     string           `json:"org_code"`
	OrgName     string           `json:"org_name"`
	Title       string           `json:"title"`
	Description string           `json:"description"`
	BudgetFen   *int64           `json:"budget_fen"`
	Level       disclosure.Level `json:"level"`
	Phase       Phase            `json:"phase"`
	Progress    int64            `json:"progress"`
	// Evaluations and ScoreSum are the residents' scores; Mean is their
	// mean with one decimal ("" with none).
	Evaluations int64      `json:"evaluations"`
	ScoreSum    int64      `json:"score_sum"`
	Mean        string     `json:"mean"`
	Unanswered  int64      `json:"unanswered"`
	CreatedAt   time.Time  `json:"created_at"`
	UpdatedAt   time.Time  `json:"updated_at"`
	PhaseAt     time.Time  `json:"phase_at"`
	ClosedAt    *time.Time `json:"closed_at"`

	createdBy string
}

// Milestone is a planned step of the works.
type Milestone struct {
	ID      string    `json:"id"`
	Title   string    `json:"title"`
	Planned string    `json:"planned"` // 2026-12-01
	Done    string    `json:"done"`    // "" until reached
	Late    bool      `json:"late"`    // done after its planned day, or overdue now
	At      time.Time `json:"-"`
}

// Update is a report of progress with its photos.
type Update struct {
	ID      string    `json:"id"`
	At      time.Time `json:"at"`
	Percent int64     `json:"percent"`
	Note    string    `json:"note"`
	Reason  string    `json:"reason"`
	Photos  []Photo   `json:"photos"`
}

// Photo is a photo of a report.
type Photo struct {
	ID     string `json:"id"`
	Name   string `json:"name"`
	Width  int    `json:"width"`
	Height int    `json:"height"`
}

// Input is a resident's need or opinion with its answer. Her phone is never
// shown but masked to the staff who answer (PhoneMasked).
type Input struct {
	ID           string     `json:"id"`
	Number       string     `json:"number"`
	ProjectTitle string     `json:"project_title,omitempty"`
	Kind         string     `json:"kind"`
	Phase        Phase      `json:"phase"`
	Text         string     `json:"text"`
	CreatedAt    time.Time  `json:"created_at"`
	OnBehalf     bool       `json:"on_behalf"`
	AnswerDue    time.Time  `json:"answer_due"`
	Answered     bool       `json:"answered"`
	Answer       string     `json:"answer"`
	AnsweredAt   *time.Time `json:"answered_at"`
	AnsweredLate bool       `json:"answered_late"`
	Overdue      bool       `json:"overdue"` // unanswered past its due time
	Mine         bool       `json:"mine"`
	PhoneMasked  string     `json:"phone_masked,omitempty"`
}

// Evaluation is one resident's score.
type Evaluation struct {
	Score     int64     `json:"score"`
	Text      string    `json:"text"`
	OnBehalf  bool      `json:"on_behalf"`
	UpdatedAt time.Time `json:"updated_at"`
}

// Detail is a project with its milestones, reports, inputs and the
// residents' comments, as one reader sees it.
type Detail struct {
	Project
	Milestones []Milestone  `json:"milestones"`
	Updates    []Update     `json:"updates"`
	Inputs     []Input      `json:"inputs"`
	Comments   []Evaluation `json:"comments"` // evaluations with a comment, newest first, without who
	Scores     [5]int64     `json:"scores"`   // how many gave 1 … 5
	Mine       *Evaluation  `json:"my_evaluation"`
	Next       Phase        `json:"next_phase"` // "" once closed
	May        Offers       `json:"may"`
}

// Event is one change of a project.
type Event struct {
	At        time.Time `json:"at"`
	Kind      string    `json:"kind"`
	FromPhase Phase     `json:"from_phase"`
	ToPhase   Phase     `json:"to_phase"`
	Percent   int64     `json:"percent"`
	Ref       string    `json:"ref"`
	Text      string    `json:"text"`
	OnBehalf  bool      `json:"on_behalf"`
}

// Limits of the input.
const (
	MaxTitle          = 60
	MaxText           = 3000 // a description
	MaxInput          = 1000 // a need, an opinion, an evaluation's comment
	MaxAnswer         = 2000 // an answer, a note, a reason
	MaxMilestones     = 50
	MaxUpdates        = 500
	MaxPhotos         = 9   // photos of one report
	MaxProjectPhotos  = 200 // photos of one project
	MaxInputsEach     = 20  // inputs of one resident on one project
	MaxList           = 100
	DefaultList       = 20
	MaxDetailInputs   = 200
	MaxBudgetFen      = 100_000_000_000_000 // one trillion yuan
	DefaultAnswerDays = 5
)

// PhotoStore keeps the photos of reports (attachment.Service).
type PhotoStore = attachment.Keeper

// Service keeps key projects.
type Service struct {
	db         *db.DB
	clock      clock.Clock
	gov        *gov.Service
	cal        *calendar.Calendar
	loc        *time.Location
	answerDays int
	photos     PhotoStore
}

// NewService returns the service with the default calendar and time limit.
func NewService(d *db.DB, c clock.Clock, g *gov.Service) *Service {
	return &Service{db: d, clock: c, gov: g, cal: calendar.Default(), loc: clock.BusinessZone(), answerDays: DefaultAnswerDays}
}

// SetCalendar sets the working-day calendar answers are due on.
func (s *Service) SetCalendar(cal *calendar.Calendar) {
	if cal != nil {
		s.cal = cal
	}
}

// SetAnswerDays sets within how many working days an input is answered.
func (s *Service) SetAnswerDays(n int) error {
	if n < 1 || n > 60 {
		return errs.Invalidf("答复时限须为1到60个工作日", "the answer time must be 1 to 60 working days")
	}
	s.answerDays = n
	return nil
}

// AnswerDays is the time to answer an input, in working days.
func (s *Service) AnswerDays() int { return s.answerDays }

// SetPhotos sets where report photos are kept; without a store reports take
// no photos.
func (s *Service) SetPhotos(p PhotoStore) { s.photos = p }

var (
	errNotFound = errs.NotFoundf("项目不存在", "no such project")
	errArea     = errs.Invalidf("区划代码格式不正确", "malformed area code")
	errClosed   = errs.Conflictf("项目已结束，不再接受任何操作", "the project is closed and takes nothing more")
)

func (s *Service) at(ms int64) time.Time { return time.UnixMilli(ms).In(s.loc) }
