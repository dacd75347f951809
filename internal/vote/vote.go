// Package vote is the owners' votes of a residential compound (业主共同决定,
// Civil Code art. 278): a vote of an area with a register of units (floor
// area, owner's phone), a ballot per unit recorded by the staff from paper
// or cast by the owner herself, and a result computed with exact integer
// arithmetic when it closes (by the staff, or by the background work once
// its closing time has passed). Who may do what is policy.go; the rule of
// the figures is Tally.
package vote

import (
	"context"
	"database/sql"
	"encoding/json"
	"github.com/gongzhi/gongzhi/internal/attachment"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/gongzhi/gongzhi/internal/auth"
	"github.com/gongzhi/gongzhi/internal/clock"
	"github.com/gongzhi/gongzhi/internal/db"
	"github.com/gongzhi/gongzhi/internal/errs"
	"github.com/gongzhi/gongzhi/internal/gov"
	"github.com/gongzhi/gongzhi/internal/plaintext"
)

// Matters, statuses and choices.
const (
	MatterOrdinary = "ordinary"
	MatterMajor    = "major" // maintenance funds, rebuilding, the use of common parts: 3/4
	StatusOpen     = "open"
	StatusClosed   = "closed"
	ChoiceAgree    = "agree"
	ChoiceDisagree = "disagree"
	ChoiceAbstain  = "abstain"
)

// Limits.
const (
	MaxTitle    = 100
	MaxUnits    = 20000 // units of one vote's register
	MaxUnitName = 64
	MaxPaperRef = 100
	MaxBallots  = 500 // ballots cast in one request
	MaxList     = 100
	DefaultList = 50
	MaxOpenDays = 366
)

// Vote is one owners' vote.
type Vote struct {
	ID        string     `json:"id"`
	AreaCode  string     `json:"area_code"`
	Title     string     `json:"title"`
	Matter    string     `json:"matter"`
	Secret    bool       `json:"secret"`
	Status    string     `json:"status"`
	ClosesAt  time.Time  `json:"closes_at"`
	CreatedAt time.Time  `json:"created_at"`
	ClosedAt  *time.Time `json:"closed_at,omitempty"`
	Units     int64      `json:"units"`
	Ballots   int64      `json:"ballots"`
	// Result is set when the caller may see the totals (CanSeeTally): the
	// stored result once closed, the running count before.
	Result *Result `json:"result,omitempty"`
	result Result
}

// New is what it takes to create a vote.
type New struct {
	AreaCode string    `json:"area_code"`
	Title    string    `json:"title"`
	Matter   string    `json:"matter"`
	ClosesAt time.Time `json:"closes_at"`
	Secret   bool      `json:"secret"`
}

// Service keeps the votes.
type Service struct {
	db    *db.DB
	clock clock.Clock
	gov   *gov.Service
	scans attachment.Keeper // paper ballots' scans (scan.go)
}

// NewService returns the service.
func NewService(d *db.DB, c clock.Clock, g *gov.Service) *Service {
	return &Service{db: d, clock: c, gov: g}
}

var errNotFound = errs.NotFoundf("表决不存在", "no such vote")

// ValidMatter reports whether m is a matter.
func ValidMatter(m string) bool { return m == MatterOrdinary || m == MatterMajor }

// ValidChoice reports whether c is a choice.
func ValidChoice(c string) bool { return c == ChoiceAgree || c == ChoiceDisagree || c == ChoiceAbstain }

// Create opens a vote of n.AreaCode.
func (s *Service) Create(ctx context.Context, u auth.User, n New) (Vote, error) {
	n.Title = strings.TrimSpace(plaintext.Clean(n.Title))
	n.AreaCode = strings.TrimSpace(n.AreaCode)
	now := s.clock.Now()
	switch {
	case n.Title == "" || utf8.RuneCountInString(n.Title) > MaxTitle || strings.ContainsAny(n.Title, "\r\n"):
		return Vote{}, errs.Invalidf("表决事项不能为空，不超过%d字，且只占一行", "the title must be 1 to %d characters on one line", MaxTitle)
	case !ValidMatter(n.Matter):
		return Vote{}, errs.Invalidf("事项类别须为 ordinary（一般事项）或 major（重大事项）", "matter must be ordinary or major")
	case !gov.ValidCode(n.AreaCode):
		return Vote{}, errs.Invalidf("区划代码格式不正确", "malformed area code")
	case !n.ClosesAt.After(now) || n.ClosesAt.After(now.AddDate(0, 0, MaxOpenDays)):
		return Vote{}, errs.Invalidf("截止时间须在现在之后、一年之内", "closes_at must be after now and within a year")
	case !CanCreate(u, n.AreaCode):
		return Vote{}, errs.New(errs.Forbidden, "只能在本辖区发起业主表决", "you may only open votes within your area")
	}
	if _, err := s.gov.Area(ctx, n.AreaCode); err != nil {
		if errs.Is(err, errs.NotFound) {
			return Vote{}, errs.Invalidf("区划 %s 不存在", "area %s does not exist", n.AreaCode)
		}
		return Vote{}, err
	}
	v := Vote{ID: db.NewID(), AreaCode: n.AreaCode, Title: n.Title, Matter: n.Matter, Secret: n.Secret, Status: StatusOpen,
		ClosesAt: n.ClosesAt.Truncate(time.Millisecond), CreatedAt: now.Truncate(time.Millisecond)}
	err := s.db.Tx(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `INSERT INTO votes (id, area_code, title, matter, secret, status, closes_at, created_by, created_at)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`, v.ID, v.AreaCode, v.Title, v.Matter, v.Secret, v.Status, db.Millis(v.ClosesAt), u.ID, db.Millis(v.CreatedAt))
		if err != nil {
			return errs.Wrap(err, "insert vote")
		}
		return s.event(ctx, tx, v.ID, "created", map[string]any{"title": v.Title, "matter": v.Matter, "secret": v.Secret, "closes_at": v.ClosesAt}, u, now)
	})
	if err != nil {
		return Vote{}, err
	}
	return v, nil
}

// event appends a line to the vote's log in tx.
func (s *Service) event(ctx context.Context, tx *sql.Tx, id, kind string, detail map[string]any, u auth.User, at time.Time) error {
	return db.AppendEvent(ctx, tx, db.Event{Table: "vote_events", KeyColumn: "vote_id", Key: id, At: at, Actor: u.ID, Kind: kind, Detail: detail})
}

// Event is a line of a vote's log.
type Event struct {
	Kind   string          `json:"kind"`
	Detail json.RawMessage `json:"detail"`
	Actor  string          `json:"actor"`
	At     time.Time       `json:"at"`
}

// Events returns a vote's log, oldest first, to whoever runs it.
func (s *Service) Events(ctx context.Context, u auth.User, id string) ([]Event, error) {
	v, err := s.Get(ctx, u, id)
	if err != nil {
		return nil, err
	}
	if !CanRun(u, v) {
		return nil, errs.ErrForbidden
	}
	rows, err := s.db.R.QueryContext(ctx, `SELECT kind, detail, actor, at FROM vote_events WHERE vote_id = $1 ORDER BY seq LIMIT 1000`, id)
	if err != nil {
		return nil, errs.Wrap(err, "list vote events")
	}
	defer rows.Close()
	out := []Event{}
	for rows.Next() {
		var e Event
		var d string
		var at int64
		if err := rows.Scan(&e.Kind, &d, &e.Actor, &at); err != nil {
			return nil, errs.Wrap(err, "scan vote event")
		}
		e.Detail, e.At = json.RawMessage(d), time.UnixMilli(at)
		out = append(out, e)
	}
	return out, errs.Wrap(rows.Err(), "list vote events")
}
