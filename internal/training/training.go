// Package training is the training of the people who use the platform:
// sessions held for staff, grid workers or residents (who organised it, in
// which area, when and where, and the role guide it covers), the attendance
// the organiser records (once per person: an account, or a resident's
// phone), and the share of staff trained in the last twelve months, which
// the indicator catalogue reads (StaffTrained). The short guides per role
// shown inside the product are guides.go.
//
// Who may do what is policy.go.
package training

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"errors"
	"regexp"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/gongzhi/gongzhi/internal/auth"
	"github.com/gongzhi/gongzhi/internal/clock"
	"github.com/gongzhi/gongzhi/internal/db"
	"github.com/gongzhi/gongzhi/internal/errs"
	"github.com/gongzhi/gongzhi/internal/privacy"
)

// Audiences of a session.
const (
	Staff       = "staff"
	GridWorkers = "grid_workers"
	Residents   = "residents"
)

// Audiences lists them in the order forms show them.
var Audiences = []string{Staff, GridWorkers, Residents}

// Limits of the input.
const (
	MaxTitle    = 80
	MaxPlace    = 100
	MaxSessions = 500  // sessions one list shows, newest first
	MaxAttend   = 2000 // people recorded at one session
)

// Event kinds of training_events.
const (
	EventCreated  = "training.created"
	EventAttended = "training.attended"
)

// Session is one training session.
type Session struct {
	ID        string    `json:"id"`
	Title     string    `json:"title"`
	Audience  string    `json:"audience"`
	OrgCode   string    `json:"org_code"`
	AreaCode  string    `json:"area_code"`
	StartsAt  time.Time `json:"starts_at"`
	Place     string    `json:"place"`
	Guide     string    `json:"guide"` // the role guide it covers, or ""
	CreatedAt time.Time `json:"created_at"`
	Attendees int       `json:"attendees"`
}

// NewSession is what the organiser sets up.
type NewSession struct {
	Title    string    `json:"title"`
	Audience string    `json:"audience"`
	OrgCode  string    `json:"org_code"`
	AreaCode string    `json:"area_code"`
	StartsAt time.Time `json:"starts_at"`
	Place    string    `json:"place"`
	Guide    string    `json:"guide"`
}

// Attendance is one person recorded at a session; Phone is always masked.
type Attendance struct {
	SessionID  string    `json:"session_id"`
	UserID     string    `json:"user_id,omitempty"`
	Phone      string    `json:"phone,omitempty"`
	RecordedAt time.Time `json:"recorded_at"`
}

// Attendee names who attended: an account, or (residents only) a phone.
type Attendee struct {
	UserID string `json:"user_id"`
	Phone  string `json:"phone"`
}

// Detail is a session with its attendance.
type Detail struct {
	Session    Session      `json:"session"`
	Attendance []Attendance `json:"attendance"`
}

// Service is the training capability.
type Service struct {
	db    *db.DB
	clock clock.Clock
}

// NewService returns the service.
func NewService(d *db.DB, c clock.Clock) *Service { return &Service{db: d, clock: c} }

var (
	areaRe  = regexp.MustCompile(`^[0-9]{0,15}$`)
	orgRe   = regexp.MustCompile(`^[A-Za-z0-9_.-]{0,40}$`)
	phoneRe = regexp.MustCompile(`^1[3-9][0-9]{9}$`)

	errTitle    = errs.Invalidf("请填写培训名称（不超过 %d 字）", "give the session a title (at most %d characters)", MaxTitle)
	errPlace    = errs.Invalidf("地点不超过 %d 字", "the place is at most %d characters", MaxPlace)
	errAudience = errs.Invalidf("培训对象须为工作人员、网格员或居民", "the audience must be staff, grid workers or residents")
	errArea     = errs.Invalidf("区域代码须为数字", "the area code must be digits")
	errOrg      = errs.Invalidf("组织单位代码无效", "the organiser's code is not valid")
	errGuide    = errs.Invalidf("所涉角色指南不存在", "no such role guide")
	errTime     = errs.Invalidf("请填写培训时间", "give the session's time")
	errNoSuch   = errs.NotFoundf("未找到该培训", "no such training session")
	errWho      = errs.Invalidf("请填写参加者的账号，或居民的手机号（11 位）", "give the attendee's account, or a resident's phone (11 digits)")
	errAccount  = errs.Invalidf("该账号不存在或已停用", "no such active account")
	errNotStaff = errs.Invalidf("该培训面向工作人员，参加者须为工作人员账号", "this session is for staff: the attendee must be a staff account")
	errNotGrid  = errs.Invalidf("该培训面向网格员，参加者须为网格员账号", "this session is for grid workers: the attendee must be a grid worker's account")
	errPhoneOut = errs.Invalidf("只有面向居民的培训可按手机号登记", "only a residents' session records a phone")
	errTwice    = errs.Conflictf("此人已登记参加该培训", "this person is recorded at the session already")
	errEarly    = errs.Conflictf("培训尚未开始，不能登记参加", "the session has not started: attendance cannot be recorded yet")
	errFull     = errs.Conflictf("每场培训最多登记 %d 人", "a session records at most %d people", MaxAttend)
)

func newID() string {
	b := make([]byte, 8)
	rand.Read(b)
	return "tr-" + hex.EncodeToString(b)
}

func (in *NewSession) check() error {
	in.Title, in.Place = strings.TrimSpace(in.Title), strings.TrimSpace(in.Place)
	in.OrgCode, in.AreaCode = strings.TrimSpace(in.OrgCode), strings.TrimSpace(in.AreaCode)
	in.Guide = strings.TrimSpace(in.Guide)
	switch {
	case in.Title == "" || utf8.RuneCountInString(in.Title) > MaxTitle:
		return errTitle
	case utf8.RuneCountInString(in.Place) > MaxPlace:
		return errPlace
	case !validAudience(in.Audience):
		return errAudience
	case !areaRe.MatchString(in.AreaCode):
		return errArea
	case !orgRe.MatchString(in.OrgCode):
		return errOrg
	case in.Guide != "" && !GuideExists(in.Guide):
		return errGuide
	case in.StartsAt.IsZero() || in.StartsAt.Year() < 2000 || in.StartsAt.Year() > 2200:
		return errTime
	}
	return nil
}

func validAudience(a string) bool {
	for _, x := range Audiences {
		if x == a {
			return true
		}
	}
	return false
}

func (s *Service) event(ctx context.Context, tx *sql.Tx, id, actor, kind string, detail any) error {
	return db.AppendEvent(ctx, tx, db.Event{Table: "training_events", KeyColumn: "session_id", Key: id,
		At: s.clock.Now(), Actor: actor, Kind: kind, Detail: detail})
}

// Create sets up a session.
func (s *Service) Create(ctx context.Context, u auth.User, in NewSession) (Session, error) {
	if err := in.check(); err != nil {
		return Session{}, err
	}
	if !CanRecord(u, in.AreaCode) {
		return Session{}, errs.ErrForbidden
	}
	id, now := newID(), s.clock.Now()
	err := s.db.Tx(ctx, func(tx *sql.Tx) error {
		if in.OrgCode != "" {
			var n int
			if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM orgs WHERE code = $1`, in.OrgCode).Scan(&n); err != nil {
				return errs.Wrap(err, "training organiser")
			}
			if n == 0 {
				return errOrg
			}
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO training_sessions (id, title, audience, org_code, area_code, starts_at, place, guide, created_by, created_at)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`, id, in.Title, in.Audience, in.OrgCode, in.AreaCode, db.Millis(in.StartsAt),
			in.Place, in.Guide, u.ID, db.Millis(now)); err != nil {
			return errs.Wrap(err, "insert training session")
		}
		return s.event(ctx, tx, id, u.ID, EventCreated, in)
	})
	if err != nil {
		return Session{}, err
	}
	return s.session(ctx, s.db.R, id)
}

type querier interface {
	QueryRowContext(ctx context.Context, q string, args ...any) *sql.Row
}

const sessionCols = `s.id, s.title, s.audience, s.org_code, s.area_code, s.starts_at, s.place, s.guide, s.created_at,
(SELECT COUNT(*) FROM training_attendance a WHERE a.session_id = s.id)`

func scanSession(sc interface{ Scan(...any) error }) (Session, error) {
	var x Session
	var starts, created int64
	err := sc.Scan(&x.ID, &x.Title, &x.Audience, &x.OrgCode, &x.AreaCode, &starts, &x.Place, &x.Guide, &created, &x.Attendees)
	x.StartsAt, x.CreatedAt = time.UnixMilli(starts).In(clock.BusinessZone()), time.UnixMilli(created).In(clock.BusinessZone())
	return x, err
}

func (s *Service) session(ctx context.Context, q querier, id string) (Session, error) {
	x, err := scanSession(q.QueryRowContext(ctx, `SELECT `+sessionCols+` FROM training_sessions s WHERE s.id = $1`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return Session{}, errNoSuch
	}
	return x, errs.Wrap(err, "training session")
}

// List returns the sessions u may read, newest first.
func (s *Service) List(ctx context.Context, u auth.User) ([]Session, error) {
	if !CanList(u) {
		return nil, errs.ErrForbidden
	}
	rows, err := s.db.R.QueryContext(ctx, `SELECT `+sessionCols+` FROM training_sessions s ORDER BY s.starts_at DESC, s.id LIMIT $1`, MaxSessions)
	if err != nil {
		return nil, errs.Wrap(err, "training sessions")
	}
	defer rows.Close()
	out := []Session{}
	for rows.Next() {
		x, err := scanSession(rows)
		if err != nil {
			return nil, errs.Wrap(err, "training sessions")
		}
		if CanRead(u, x.AreaCode) {
			out = append(out, x)
		}
	}
	return out, errs.Wrap(rows.Err(), "training sessions")
}

// Get returns a session with its attendance, phones masked.
func (s *Service) Get(ctx context.Context, u auth.User, id string) (Detail, error) {
	x, err := s.session(ctx, s.db.R, id)
	if err != nil {
		return Detail{}, err
	}
	if !CanRead(u, x.AreaCode) {
		return Detail{}, errs.ErrForbidden
	}
	att, err := s.attendance(ctx, `WHERE session_id = $1 ORDER BY recorded_at, person`, id)
	return Detail{Session: x, Attendance: att}, err
}

func (s *Service) attendance(ctx context.Context, where string, args ...any) ([]Attendance, error) {
	rows, err := s.db.R.QueryContext(ctx, `SELECT session_id, user_id, phone, recorded_at FROM training_attendance `+where, args...)
	if err != nil {
		return nil, errs.Wrap(err, "training attendance")
	}
	defer rows.Close()
	out := []Attendance{}
	for rows.Next() {
		var a Attendance
		var at int64
		if err := rows.Scan(&a.SessionID, &a.UserID, &a.Phone, &at); err != nil {
			return nil, errs.Wrap(err, "training attendance")
		}
		a.Phone, a.RecordedAt = privacy.Mask(a.Phone), time.UnixMilli(at).In(clock.BusinessZone())
		out = append(out, a)
	}
	return out, errs.Wrap(rows.Err(), "training attendance")
}
