// Package kiosk is the self-service terminals (自助终端) in service halls,
// community centres and village offices: the administrator registers a
// terminal site and is shown its enrolment key once; the terminal's browser
// is enrolled with the key and keeps a long-lived terminal cookie, of which
// only a hash is stored. The terminal's page sends a heartbeat every minute
// (online: seen within three minutes; OnlineShare is the month's share of
// terminal-minutes online). A resident's visit opens with her phone and a
// one-time code and ends when she ends it or after IdleTimeout without
// input, which the service holds on the server (Touch). Visits and tickets
// are counted per terminal and month; a terminal with no visit in IdleDays
// is flagged as idle equipment.
//
// Who may do what is policy.go.
package kiosk

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"database/sql"
	"encoding/base64"
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
)

// Times of the terminals.
const (
	IdleTimeout   = 120 * time.Second  // a visit without input ends
	OnlineWithin  = 3 * time.Minute    // a terminal seen this recently is online
	IdleEquipment = 7 * 24 * time.Hour // no visit in this long: idle equipment
	CookieTTL     = 5 * 365 * 24 * time.Hour
)

// Limits of the input.
const (
	MaxName     = 60
	MaxPlace    = 100
	MaxTerminal = 1000 // sites in the registry
)

// Event kinds of kiosk_events.
const (
	EventRegistered = "kiosk.registered"
	EventRekeyed    = "kiosk.rekeyed"
	EventEnrolled   = "kiosk.enrolled"
)

// Terminal is one registered terminal site.
type Terminal struct {
	ID         string    `json:"id"`
	Name       string    `json:"name"`
	AreaCode   string    `json:"area_code"`
	Place      string    `json:"place"`
	CreatedAt  time.Time `json:"created_at"`
	EnrolledAt time.Time `json:"enrolled_at,omitzero"`
	LastSeen   time.Time `json:"last_seen,omitzero"`
	Online     bool      `json:"online"`
	KeyPending bool      `json:"key_pending"` // an enrolment key is issued and unused
}

// NewTerminal is what the administrator registers.
type NewTerminal struct {
	ID       string `json:"id"`
	Name     string `json:"name"`
	AreaCode string `json:"area_code"`
	Place    string `json:"place"`
}

// Service is the terminals' capability.
type Service struct {
	db    *db.DB
	clock clock.Clock
}

// NewService returns the service.
func NewService(d *db.DB, c clock.Clock) *Service { return &Service{db: d, clock: c} }

var (
	idRe   = regexp.MustCompile(`^[a-z0-9][a-z0-9-]{1,39}$`)
	areaRe = regexp.MustCompile(`^[0-9]{0,15}$`)

	errBadID    = errs.Invalidf("终端编号须为 2–40 位小写字母、数字或连字符", "the terminal id must be 2–40 lower-case letters, digits or hyphens")
	errBadName  = errs.Invalidf("请填写终端名称（不超过 %d 字）", "give the terminal a name (at most %d characters)", MaxName)
	errBadPlace = errs.Invalidf("地点不超过 %d 字", "the place is at most %d characters", MaxPlace)
	errBadArea  = errs.Invalidf("区域代码须为数字", "the area code must be digits")
	errExists   = errs.Conflictf("该终端编号已登记", "a terminal with this id is registered already")
	errFull     = errs.Conflictf("终端数量已达上限 %d", "the registry holds at most %d terminals", MaxTerminal)
	errNoSuch   = errs.NotFoundf("未找到该终端", "no such terminal")
	errBadKey   = errs.New(errs.Unauthorized, "登记码无效或已使用", "the enrolment key is not valid or was used already")
	// ErrNotTerminal is a browser that is not an enrolled terminal.
	ErrNotTerminal = errs.New(errs.Unauthorized, "本设备不是已登记的自助终端", "this device is not an enrolled self-service terminal")
)

func token(n int) string {
	b := make([]byte, n)
	rand.Read(b)
	return base64.RawURLEncoding.EncodeToString(b)
}

// Hash is the stored form of a key, cookie or session token.
func Hash(s string) string {
	h := sha256.Sum256([]byte(s))
	return hex.EncodeToString(h[:])
}

func (in *NewTerminal) check() error {
	in.ID, in.Name = strings.TrimSpace(in.ID), strings.TrimSpace(in.Name)
	in.AreaCode, in.Place = strings.TrimSpace(in.AreaCode), strings.TrimSpace(in.Place)
	switch {
	case !idRe.MatchString(in.ID):
		return errBadID
	case in.Name == "" || utf8.RuneCountInString(in.Name) > MaxName:
		return errBadName
	case utf8.RuneCountInString(in.Place) > MaxPlace:
		return errBadPlace
	case !areaRe.MatchString(in.AreaCode):
		return errBadArea
	}
	return nil
}

func (s *Service) event(ctx context.Context, tx *sql.Tx, id, actor, kind string, detail any) error {
	return db.AppendEvent(ctx, tx, db.Event{Table: "kiosk_events", KeyColumn: "terminal_id", Key: id,
		At: s.clock.Now(), Actor: actor, Kind: kind, Detail: detail})
}

// Register adds a terminal site and returns its enrolment key, shown once.
func (s *Service) Register(ctx context.Context, u auth.User, in NewTerminal) (Terminal, string, error) {
	if !CanManage(u) {
		return Terminal{}, "", errs.ErrForbidden
	}
	if err := in.check(); err != nil {
		return Terminal{}, "", err
	}
	key, now := token(18), s.clock.Now()
	err := s.db.Tx(ctx, func(tx *sql.Tx) error {
		var n, same int
		if err := tx.QueryRowContext(ctx, `SELECT COUNT(*), COUNT(CASE WHEN id = $1 THEN 1 END) FROM kiosk_terminals`, in.ID).Scan(&n, &same); err != nil {
			return errs.Wrap(err, "count terminals")
		}
		if same > 0 {
			return errExists
		}
		if n >= MaxTerminal {
			return errFull
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO kiosk_terminals (id, name, area_code, place, key_hash, created_by, created_at)
VALUES ($1, $2, $3, $4, $5, $6, $7)`, in.ID, in.Name, in.AreaCode, in.Place, Hash(key), u.ID, db.Millis(now)); err != nil {
			return errs.Wrap(err, "insert terminal")
		}
		return s.event(ctx, tx, in.ID, u.ID, EventRegistered, in)
	})
	if err != nil {
		return Terminal{}, "", err
	}
	t, err := s.Get(ctx, u, in.ID)
	return t, key, err
}

// Rekey issues a new enrolment key for a terminal (a new browser, or one
// whose cookie was cleared); the enrolled browser stays enrolled until the
// new key is used.
func (s *Service) Rekey(ctx context.Context, u auth.User, id string) (string, error) {
	if !CanManage(u) {
		return "", errs.ErrForbidden
	}
	key := token(18)
	err := s.db.Tx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE kiosk_terminals SET key_hash = $1 WHERE id = $2`, Hash(key), id)
		if err != nil {
			return errs.Wrap(err, "rekey terminal")
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return errNoSuch
		}
		return s.event(ctx, tx, id, u.ID, EventRekeyed, nil)
	})
	return key, err
}

// Enrol enrols the browser that brings the key: the key is spent, and the
// terminal cookie returned is the browser's from now on.
func (s *Service) Enrol(ctx context.Context, key string) (Terminal, string, error) {
	key = strings.TrimSpace(key)
	if key == "" || len(key) > 100 {
		return Terminal{}, "", errBadKey
	}
	cookie, now := token(32), s.clock.Now()
	var id string
	err := s.db.Tx(ctx, func(tx *sql.Tx) error {
		err := tx.QueryRowContext(ctx, `SELECT id FROM kiosk_terminals WHERE key_hash = $1`, Hash(key)).Scan(&id)
		if errors.Is(err, sql.ErrNoRows) {
			return errBadKey
		}
		if err != nil {
			return errs.Wrap(err, "find key")
		}
		if _, err := tx.ExecContext(ctx, `UPDATE kiosk_terminals SET key_hash = '', cookie_hash = $1, enrolled_at = $2 WHERE id = $3`,
			Hash(cookie), db.Millis(now), id); err != nil {
			return errs.Wrap(err, "enrol terminal")
		}
		return s.event(ctx, tx, id, "", EventEnrolled, nil)
	})
	if err != nil {
		return Terminal{}, "", err
	}
	t, err := s.terminal(ctx, `id = $1`, id)
	return t, cookie, err
}

// Terminal returns the terminal whose cookie this is.
func (s *Service) Terminal(ctx context.Context, cookie string) (Terminal, error) {
	if cookie == "" || len(cookie) > 100 {
		return Terminal{}, ErrNotTerminal
	}
	t, err := s.terminal(ctx, `cookie_hash = $1`, Hash(cookie))
	if errs.Is(err, errs.NotFound) {
		return Terminal{}, ErrNotTerminal
	}
	return t, err
}

// Get returns a terminal for one who reads the registry.
func (s *Service) Get(ctx context.Context, u auth.User, id string) (Terminal, error) {
	if !CanRead(u) {
		return Terminal{}, errs.ErrForbidden
	}
	t, err := s.terminal(ctx, `id = $1`, id)
	if err == nil && !CanReadArea(u, t.AreaCode) {
		return Terminal{}, errNoSuch
	}
	return t, err
}

const terminalCols = `id, name, area_code, place, created_at, enrolled_at, last_seen, key_hash`

func (s *Service) scan(row interface{ Scan(...any) error }) (Terminal, error) {
	var t Terminal
	var created, enrolled, seen int64
	var keyHash string
	if err := row.Scan(&t.ID, &t.Name, &t.AreaCode, &t.Place, &created, &enrolled, &seen, &keyHash); err != nil {
		return t, err
	}
	t.CreatedAt, t.EnrolledAt, t.LastSeen = fromMillis(created), fromMillis(enrolled), fromMillis(seen)
	t.Online = seen > 0 && s.clock.Now().Sub(t.LastSeen) < OnlineWithin
	t.KeyPending = keyHash != ""
	return t, nil
}

func fromMillis(ms int64) time.Time {
	if ms == 0 {
		return time.Time{}
	}
	return time.UnixMilli(ms).In(clock.BusinessZone())
}

func (s *Service) terminal(ctx context.Context, where string, arg any) (Terminal, error) {
	t, err := s.scan(s.db.R.QueryRowContext(ctx, `SELECT `+terminalCols+` FROM kiosk_terminals WHERE `+where, arg))
	if errors.Is(err, sql.ErrNoRows) {
		return t, errNoSuch
	}
	return t, errs.Wrap(err, "get terminal")
}

// Heartbeat notes that the terminal's page is up.
func (s *Service) Heartbeat(ctx context.Context, cookie string) (Terminal, error) {
	t, err := s.Terminal(ctx, cookie)
	if err != nil {
		return t, err
	}
	now := s.clock.Now()
	err = s.db.GroupTx(ctx, func(ctx context.Context, tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `UPDATE kiosk_terminals SET last_seen = $1 WHERE id = $2`, db.Millis(now), t.ID); err != nil {
			return errs.Wrap(err, "terminal seen")
		}
		_, err := tx.ExecContext(ctx, `INSERT INTO kiosk_beats (terminal_id, minute) VALUES ($1, $2) ON CONFLICT DO NOTHING`,
			t.ID, now.Unix()/60)
		return errs.Wrap(err, "terminal beat")
	})
	t.LastSeen, t.Online = now, true
	return t, err
}
