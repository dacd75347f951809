// Package volunteer is the volunteers and points of a district (志愿服务,
// 积分制): a resident registers as a volunteer of a community and its
// staff approve her; communities post tasks with a number of places;
// approved volunteers sign up while places are left; the organiser
// confirms the hours each one served. Points come from confirmed hours and
// from taking part (co-signing proposals, attending meetings, answering
// surveys), by rules the district sets; they are kept in an append-only
// ledger whose sums are the balances, and, where the district switches it
// on, redeemed at partner shops by a one-use code the shop confirms.
//
// Who may do what is policy.go; the rules are rules.go.
package volunteer

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/gongzhi/gongzhi/internal/auth"
	"github.com/gongzhi/gongzhi/internal/clock"
	"github.com/gongzhi/gongzhi/internal/db"
	"github.com/gongzhi/gongzhi/internal/errs"
	"github.com/gongzhi/gongzhi/internal/gov"
	"github.com/gongzhi/gongzhi/internal/limit"
	"github.com/gongzhi/gongzhi/internal/plaintext"
)

// Status of a registration.
const (
	StatusPending  = "pending"  // 待审核
	StatusApproved = "approved" // 已通过
	StatusRejected = "rejected" // 未通过
)

// Status of a sign-up.
const (
	SignupSigned    = "signed"    // 已报名
	SignupWithdrawn = "withdrawn" // 已取消
	SignupConfirmed = "confirmed" // 时长已确认
	SignupAbsent    = "absent"    // 未到
)

// Status of a task.
const (
	TaskOpen      = "open"      // 招募中
	TaskCancelled = "cancelled" // 已取消
)

// Status of a redemption code.
const (
	CodePending   = "pending"   // 待使用
	CodeRedeemed  = "redeemed"  // 已兑换
	CodeWithdrawn = "withdrawn" // 已作废
	CodeExpired   = "expired"   // 已过期 (read only: pending past its time)
)

// Causes of ledger entries.
const (
	CauseHours   = "hours"   // 志愿服务时长
	CauseCosign  = "cosign"  // 附议提案
	CauseMeeting = "meeting" // 参加议事会
	CauseSurvey  = "survey"  // 参与调查
	CauseRedeem  = "redeem"  // 商户兑换
)

// Limits of the input.
const (
	MaxName         = 30
	MaxSkills       = 200
	MaxAreas        = 20
	MaxTitle        = 60
	MaxPlace        = 100
	MaxPlaces       = 200 // places of one task
	MaxTenths       = 240 // hours of one sign-up, in tenths (24 h)
	MaxRedeem       = 100000
	MaxPendingCodes = 50 // codes of one person not yet used or expired
	MaxNote         = 200
	MaxAheadDays    = 366
	MaxList         = 100
	DefaultList     = 50
	codeLen         = 8
)

// Volunteer is a registration.
type Volunteer struct {
	ID            string     `json:"id"`
	Phone         string     `json:"phone"` // masked for staff
	Name          string     `json:"name"`
	Skills        string     `json:"skills"`
	CommunityCode string     `json:"community_code"`
	CommunityName string     `json:"community_name"`
	Areas         []string   `json:"areas"`
	Status        string     `json:"status"`
	Note          string     `json:"note"`
	CreatedAt     time.Time  `json:"created_at"`
	DecidedAt     *time.Time `json:"decided_at"`
}

// Task is a task posted by a community.
type Task struct {
	ID            string    `json:"id"`
	AreaCode      string    `json:"area_code"`
	AreaName      string    `json:"area_name"`
	CommunityCode string    `json:"community_code"`
	OrgCode       string    `json:"org_code"`
	Title         string    `json:"title"`
	Place         string    `json:"place"`
	StartsAt      time.Time `json:"starts_at"`
	Places        int64     `json:"places"`
	Taken         int64     `json:"taken"`
	Status        string    `json:"status"`
	CreatedAt     time.Time `json:"created_at"`
	// Begun tells that it has begun: sign-ups are over, hours may be
	// confirmed.
	Begun bool `json:"begun"`
	// For the reader: her sign-up's status, if any, and whether she runs it.
	Mine    string   `json:"my_signup"`
	CanRun  bool     `json:"can_run"`
	Signups []Signup `json:"signups,omitempty"` // for those who run it
}

// Signup is one volunteer on a task, as its organiser sees it.
type Signup struct {
	VolunteerID string     `json:"volunteer_id"`
	Name        string     `json:"name"`
	Phone       string     `json:"phone"` // masked
	Status      string     `json:"status"`
	Hours       float64    `json:"hours"`
	At          time.Time  `json:"at"`
	ConfirmedAt *time.Time `json:"confirmed_at"`
}

// Entry is one line of the points ledger.
type Entry struct {
	Delta     int64     `json:"delta"`
	CauseKind string    `json:"cause_kind"`
	CauseRef  string    `json:"cause_ref"`
	At        time.Time `json:"at"`
}

// Code is a redemption code.
type Code struct {
	ID         string     `json:"id"`
	Code       string     `json:"code,omitempty"` // to its maker only
	Points     int64      `json:"points"`
	Status     string     `json:"status"`
	CreatedAt  time.Time  `json:"created_at"`
	ExpiresAt  time.Time  `json:"expires_at"`
	ShopOrg    string     `json:"shop_org,omitempty"`
	RedeemedAt *time.Time `json:"redeemed_at,omitempty"`
	Phone      string     `json:"phone,omitempty"` // masked, to the shop
}

// Shop is a partner shop.
type Shop struct {
	OrgCode string    `json:"org_code"`
	Name    string    `json:"name"`
	AddedAt time.Time `json:"added_at"`
}

// Service keeps volunteers, tasks, points and codes.
type Service struct {
	db      *db.DB
	clock   clock.Clock
	gov     *gov.Service
	loc     *time.Location
	rules   Rules
	guesses limit.Allower // in the database: it holds across servers
}

// NewService returns the service with the default rules (shops off).
func NewService(d *db.DB, c clock.Clock, g *gov.Service) *Service {
	return &Service{db: d, clock: c, gov: g, loc: clock.BusinessZone(), rules: DefaultRules(), guesses: limit.NewShared(d, "shop-code-guess", GuessesPerHour, time.Hour)}
}

// GuessesPerHour bounds how many codes one shop account may try in an hour
// (each try counts, a wrong one as well).
const GuessesPerHour = 30

// SetRules sets the points rules.
func (s *Service) SetRules(r Rules) error {
	if err := r.Check(); err != nil {
		return err
	}
	s.rules = r
	return nil
}

// Rules returns the rules in force.
func (s *Service) Rules() Rules { return s.rules }

// SetGuessLimiter replaces the limiter of code guesses (tests).
func (s *Service) SetGuessLimiter(l limit.Allower) { s.guesses = l }

var (
	errNotFound     = errs.NotFoundf("志愿者登记不存在", "no such volunteer")
	errTaskNotFound = errs.NotFoundf("志愿任务不存在", "no such task")
	errArea         = errs.Invalidf("区划代码格式不正确", "malformed area code")
	// ErrShopsOff is the answer to redemption while the district has not
	// switched it on.
	ErrShopsOff = errs.New(errs.Conflict, "本区尚未开通积分兑换，积分仍可照常获得", "redeeming points at shops is not switched on in this district; points are still earned")
	errBadCode  = errs.NotFoundf("兑换码无效、已使用或已过期", "the code is wrong, used or expired")
)

func (s *Service) at(ms int64) time.Time { return time.UnixMilli(ms).In(s.loc) }

func (s *Service) opt(v sql.NullInt64) *time.Time {
	if !v.Valid {
		return nil
	}
	t := s.at(v.Int64)
	return &t
}

// oneLine cleans s and checks that it is min to max characters on one line.
func oneLine(s *string, min, max int, zh, en string) error {
	*s = strings.TrimSpace(plaintext.Clean(*s))
	n := utf8.RuneCountInString(*s)
	if n < min || n > max || strings.ContainsAny(*s, "\r\n") {
		if min == 0 {
			return errs.New(errs.Invalid, fmt.Sprintf("%s不超过%d字，且只占一行", zh, max), fmt.Sprintf("%s must be at most %d characters on one line", en, max))
		}
		return errs.New(errs.Invalid, fmt.Sprintf("%s不能为空，不超过%d字，且只占一行", zh, max), fmt.Sprintf("%s must be 1 to %d characters on one line", en, max))
	}
	return nil
}

// event appends a line to the log in tx.
func (s *Service) event(ctx context.Context, tx *sql.Tx, subject string, u auth.User, onBehalf, kind string, detail map[string]any, at time.Time) error {
	b := []byte("{}")
	if detail != nil {
		b, _ = json.Marshal(detail)
	}
	_, err := tx.ExecContext(ctx, `INSERT INTO volunteer_events (id, subject, at, actor, on_behalf, kind, detail) VALUES ($1, $2, $3, $4, $5, $6, $7)`,
		db.NewID(), subject, db.Millis(at), u.ID, onBehalf, kind, string(b))
	return errs.Wrap(err, "volunteer event")
}

// notify records a notification for a phone or an organisation.
func (s *Service) notify(ctx context.Context, tx *sql.Tx, now time.Time, phone, org, text string) error {
	if phone == "" && org == "" {
		return nil
	}
	return db.Notify(ctx, tx, db.Note{At: now, OrgCode: org, Phone: phone, Kind: "volunteer", Text: text})
}

// community returns the community (or village) an area lies in: the area
// itself or the one above it at the community level.
func community(ctx context.Context, q db.Queryer, code string) (gov.Area, error) {
	if !gov.ValidCode(code) {
		return gov.Area{}, errArea
	}
	for i := 0; i < 8; i++ {
		a, err := gov.AreaQ(ctx, q, code)
		if errs.Is(err, errs.NotFound) {
			return gov.Area{}, errs.Invalidf("区划 %s 不存在", "area %s does not exist", code)
		}
		if err != nil {
			return gov.Area{}, err
		}
		if a.Level == gov.LevelCommunity {
			return a, nil
		}
		if !below(a.Level) || a.ParentCode == "" {
			break
		}
		code = a.ParentCode
	}
	return gov.Area{}, errs.Invalidf("志愿服务以社区（村）为单位，所选区划不在任何社区之内", "volunteering is organised by community; the area lies in none")
}

func below(l gov.Level) bool {
	return l == gov.LevelGrid || l == gov.LevelCourtyard
}

// manager tells whether u's organisation manages volunteers (Manager).
func (s *Service) manager(ctx context.Context, q db.Queryer, u auth.User) (bool, error) {
	if u.IsAdmin() {
		return true, nil
	}
	if !u.Role.IsStaff() || u.OrgCode == "" {
		return false, nil
	}
	o, err := gov.OrgQ(ctx, q, u.OrgCode)
	if errs.Is(err, errs.NotFound) {
		return false, nil
	}
	if err != nil {
		return false, err
	}
	return Manager(u, o.Kind), nil
}

// shop tells whether u's organisation is a partner shop.
func (s *Service) shop(ctx context.Context, q db.Queryer, u auth.User) (bool, error) {
	if !u.Role.IsStaff() || u.OrgCode == "" {
		return false, nil
	}
	var n int
	err := q.QueryRowContext(ctx, `SELECT COUNT(*) FROM volunteer_shops WHERE org_code = $1`, u.OrgCode).Scan(&n)
	return n > 0, errs.Wrap(err, "partner shop")
}

// Manages reports whether u manages the volunteers and tasks of some area
// (the staff pages offer them).
func (s *Service) Manages(ctx context.Context, u auth.User) (bool, error) {
	return s.manager(ctx, s.db.R, u)
}

// IsShop reports whether u confirms codes for a partner shop.
func (s *Service) IsShop(ctx context.Context, u auth.User) (bool, error) {
	return s.shop(ctx, s.db.R, u)
}
