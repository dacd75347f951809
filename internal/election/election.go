// Package election is the elections of grassroots governance: an owners'
// committee (业委会选举) elected by the owners on a register of units of a
// residential compound, the register of the owners' votes (internal/vote)
// in shape and rules, and residents' representatives (居民代表选举) elected
// by the residents verified in the area (area_residents). An election has
// candidates and seats; each voter casts one secret ballot naming at most
// as many candidates as there are seats, herself when logged in or through
// the staff from a paper ballot; when it closes (by the staff, or by the
// background work at its closing time) the count decides who is elected
// by the district's rules, stored on the election when it is created.
//
// Who may do what is policy.go; the count is Tally; the rules are rules.go.
package election

import (
	"context"
	"database/sql"
	"encoding/json"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/gongzhi/gongzhi/internal/auth"
	"github.com/gongzhi/gongzhi/internal/clock"
	"github.com/gongzhi/gongzhi/internal/db"
	"github.com/gongzhi/gongzhi/internal/disclosure"
	"github.com/gongzhi/gongzhi/internal/errs"
	"github.com/gongzhi/gongzhi/internal/gov"
	"github.com/gongzhi/gongzhi/internal/plaintext"
)

// Kinds, statuses and channels.
const (
	KindOwnersCommittee = "owners_committee"          // 业主委员会选举
	KindResidents       = "residents_representatives" // 居民代表选举
	StatusOpen          = "open"
	StatusClosed        = "closed"
	ChannelOnline       = "online" // cast by the voter herself
	ChannelPaper        = "paper"  // recorded by the staff from a paper ballot
)

// Kinds lists the kinds.
var Kinds = []string{KindOwnersCommittee, KindResidents}

// ValidKind reports whether k is a kind.
func ValidKind(k string) bool { return k == KindOwnersCommittee || k == KindResidents }

// Limits.
const (
	MaxTitle      = 100
	MaxCandidates = 50 // candidates of one election; seats are 1 to the candidates
	MaxName       = 40
	MaxIntro      = 500
	MaxPaperRef   = 100
	MaxList       = 100
	DefaultList   = 50
	MaxOpenDays   = 366
)

// Election is one election as its reader may see it.
type Election struct {
	ID         string           `json:"id"`
	Kind       string           `json:"kind"`
	AreaCode   string           `json:"area_code"`
	Title      string           `json:"title"`
	Seats      int              `json:"seats"`
	Level      disclosure.Level `json:"level"`
	Status     string           `json:"status"`
	OpensAt    time.Time        `json:"opens_at"`
	ClosesAt   time.Time        `json:"closes_at"`
	CreatedAt  time.Time        `json:"created_at"`
	ClosedAt   *time.Time       `json:"closed_at,omitempty"`
	Rules      Rules            `json:"rules"`
	Candidates []Candidate      `json:"candidates"`
	// Voters is the roll: the owners on the register, or the residents
	// verified in the area (now, or when it closed); Units the register's
	// units (an owners' committee); Ballots the ballots cast.
	Voters  int64 `json:"voters"`
	Units   int64 `json:"units"`
	Ballots int64 `json:"ballots"`
	// Result is the count, once closed.
	Result *Result `json:"result,omitempty"`
	// What is the reader's: Eligible, her phone is on the roll; Voted, her
	// ballot is in; MyChoices, the candidates it named (hers alone).
	Eligible  bool     `json:"eligible"`
	Voted     bool     `json:"voted"`
	MyChoices []string `json:"my_choices"`

	createdBy string
	result    Result
}

// Candidate is one candidate.
type Candidate struct {
	ID    string `json:"id"`
	Name  string `json:"name"`
	Intro string `json:"intro"`
}

// New is what it takes to create an election. OpensAt zero opens it now;
// Level empty is residents (本区域居民可见).
type New struct {
	Kind     string           `json:"kind"`
	AreaCode string           `json:"area_code"`
	Title    string           `json:"title"`
	Seats    int              `json:"seats"`
	OpensAt  time.Time        `json:"opens_at"`
	ClosesAt time.Time        `json:"closes_at"`
	Level    disclosure.Level `json:"level"`
}

// Service keeps the elections.
type Service struct {
	db    *db.DB
	clock clock.Clock
	gov   *gov.Service
	rules map[string]Rules
}

// NewService returns the service with the default rules.
func NewService(d *db.DB, c clock.Clock, g *gov.Service) *Service {
	return &Service{db: d, clock: c, gov: g, rules: DefaultRules()}
}

// SetRules sets the district's rules, checked first; an election keeps
// those in force when it was created.
func (s *Service) SetRules(rs map[string]Rules) error {
	if err := CheckRules(rs); err != nil {
		return err
	}
	s.rules = rs
	return nil
}

// Rules returns the rules new elections of the kind get.
func (s *Service) Rules(kind string) Rules { return s.rules[kind] }

var errNotFound = errs.NotFoundf("选举不存在", "no such election")

func (n *New) check(now time.Time) error {
	n.Title = strings.TrimSpace(plaintext.Clean(n.Title))
	n.AreaCode = strings.TrimSpace(n.AreaCode)
	if n.OpensAt.IsZero() || n.OpensAt.Before(now) {
		n.OpensAt = now
	}
	if err := disclosure.Check(&n.Level, disclosure.Residents); err != nil {
		return err
	}
	switch {
	case !ValidKind(n.Kind):
		return errs.Invalidf("选举类别须为 owners_committee（业委会）或 residents_representatives（居民代表）", "kind must be owners_committee or residents_representatives")
	case n.Title == "" || utf8.RuneCountInString(n.Title) > MaxTitle || strings.ContainsAny(n.Title, "\r\n"):
		return errs.Invalidf("选举名称不能为空，不超过%d字，且只占一行", "the title must be 1 to %d characters on one line", MaxTitle)
	case n.Seats < 1 || n.Seats > MaxCandidates:
		return errs.Invalidf("应选名额须为1到%d", "seats must be 1 to %d", MaxCandidates)
	case !gov.ValidCode(n.AreaCode):
		return errs.Invalidf("区划代码格式不正确", "malformed area code")
	case n.Level == disclosure.Members:
		return errs.Invalidf("选举不属于某个组织，公开范围须为 public、residents 或 internal", "an election belongs to no organisation: visibility must be public, residents or internal")
	case !n.ClosesAt.After(n.OpensAt) || n.ClosesAt.After(now.AddDate(0, 0, MaxOpenDays)):
		return errs.Invalidf("截止时间须在开始时间之后、一年之内", "closes_at must be after opens_at and within a year")
	}
	return nil
}

// Create opens an election of n.AreaCode with the district's rules of its
// kind.
func (s *Service) Create(ctx context.Context, u auth.User, n New) (Election, error) {
	disclosure.Fill(ctx, s.db.R, &n.Level, "election", disclosure.Residents)
	now := s.clock.Now()
	if err := n.check(now); err != nil {
		return Election{}, err
	}
	if !CanCreate(u, n.AreaCode) {
		return Election{}, errs.New(errs.Forbidden, "只能在本辖区组织选举", "you may only run elections within your area")
	}
	if _, err := s.gov.Area(ctx, n.AreaCode); err != nil {
		if errs.Is(err, errs.NotFound) {
			return Election{}, errs.Invalidf("区划 %s 不存在", "area %s does not exist", n.AreaCode)
		}
		return Election{}, err
	}
	r := s.rules[n.Kind]
	id := db.NewID()
	err := s.db.Tx(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `INSERT INTO elections (id, kind, area_code, title, seats, level, status, opens_at, closes_at,
quorum_num, quorum_den, quorum_strict, elect_num, elect_den, elect_strict, created_by, created_at)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17)`,
			id, n.Kind, n.AreaCode, n.Title, n.Seats, string(n.Level), StatusOpen, db.Millis(n.OpensAt), db.Millis(n.ClosesAt),
			r.Quorum.Num, r.Quorum.Den, r.Quorum.Strict, r.Elect.Num, r.Elect.Den, r.Elect.Strict, u.ID, db.Millis(now))
		if err != nil {
			return errs.Wrap(err, "insert election")
		}
		return s.event(ctx, tx, id, "created", map[string]any{"kind": n.Kind, "title": n.Title, "seats": n.Seats, "level": n.Level,
			"opens_at": n.OpensAt, "closes_at": n.ClosesAt, "quorum": r.Quorum.String(), "elect": r.Elect.String()}, u, now)
	})
	if err != nil {
		return Election{}, err
	}
	return s.Get(ctx, u, id)
}

// event appends a line to the election's log in tx.
func (s *Service) event(ctx context.Context, tx *sql.Tx, id, kind string, detail map[string]any, u auth.User, at time.Time) error {
	return db.AppendEvent(ctx, tx, db.Event{Table: "election_events", KeyColumn: "election_id", Key: id, At: at, Actor: u.ID, Kind: kind, Detail: detail})
}

// Event is a line of an election's log.
type Event struct {
	Kind   string          `json:"kind"`
	Detail json.RawMessage `json:"detail"`
	Actor  string          `json:"actor"`
	At     time.Time       `json:"at"`
}

// Events returns an election's log, oldest first, to whoever runs it.
func (s *Service) Events(ctx context.Context, u auth.User, id string) ([]Event, error) {
	e, err := s.Get(ctx, u, id)
	if err != nil {
		return nil, err
	}
	if !CanRun(u, e) {
		return nil, errs.ErrForbidden
	}
	rows, err := s.db.R.QueryContext(ctx, `SELECT kind, detail, actor, at FROM election_events WHERE election_id = $1 ORDER BY seq LIMIT 1000`, id)
	if err != nil {
		return nil, errs.Wrap(err, "list election events")
	}
	defer rows.Close()
	out := []Event{}
	for rows.Next() {
		var ev Event
		var d string
		var at int64
		if err := rows.Scan(&ev.Kind, &d, &ev.Actor, &at); err != nil {
			return nil, errs.Wrap(err, "scan election event")
		}
		ev.Detail, ev.At = json.RawMessage(d), time.UnixMilli(at)
		out = append(out, ev)
	}
	return out, errs.Wrap(rows.Err(), "list election events")
}
