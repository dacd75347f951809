package screening

import (
	"context"
	"database/sql"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/gongzhi/gongzhi/internal/auth"
	"github.com/gongzhi/gongzhi/internal/db"
	"github.com/gongzhi/gongzhi/internal/errs"
	"github.com/gongzhi/gongzhi/internal/gov"
	"github.com/gongzhi/gongzhi/internal/plaintext"
)

// New is what it takes to schedule a round.
type New struct {
	AreaCode string    `json:"area_code"`
	Title    string    `json:"title"`
	StartsAt time.Time `json:"starts_at"`
	EndsAt   time.Time `json:"ends_at"`
	// Places are lines "address[,kind]", kind household (住户, the
	// default) or place (场所). FromPrevious takes instead the places of
	// the grid's latest round.
	Places       string `json:"places"`
	FromPrevious bool   `json:"from_previous"`
}

// Levels are the levels of area a round is held in: a grid, or a
// community without grids.
var Levels = []gov.Level{gov.LevelGrid, gov.LevelCommunity}

func holdsRounds(l gov.Level) bool {
	for _, x := range Levels {
		if x == l {
			return true
		}
	}
	return false
}

type line struct{ address, kind string }

// ParsePlaces reads the lines "address[,kind]" of a list of places; blank
// lines are skipped. It refuses a line too long, an unknown kind, an
// address twice, and more than MaxPlaces, naming the line.
func ParsePlaces(text string) ([]line, error) {
	r := csv.NewReader(strings.NewReader(plaintext.Clean(text)))
	r.FieldsPerRecord = -1
	r.TrimLeadingSpace = true
	var out []line
	seen := map[string]int{}
	for n := 1; ; n++ {
		rec, err := r.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, errs.Invalidf("名单第%d行格式不正确", "line %d of the list is malformed", n)
		}
		if len(rec) == 0 || (len(rec) == 1 && strings.TrimSpace(rec[0]) == "") {
			continue
		}
		if len(rec) > 2 {
			return nil, errs.Invalidf("名单第%d行应为“地址”或“地址,类型”", `line %d of the list must be "address" or "address,kind"`, n)
		}
		addr := strings.TrimSpace(rec[0])
		if addr == "" || utf8.RuneCountInString(addr) > MaxAddress {
			return nil, errs.Invalidf("名单第%d行的地址须为1到%d字", "the address on line %d must be 1 to %d characters", n, MaxAddress)
		}
		kind := KindHousehold
		if len(rec) == 2 {
			switch strings.TrimSpace(rec[1]) {
			case "", KindHousehold, "住户":
			case KindPlace, "场所":
				kind = KindPlace
			default:
				return nil, errs.Invalidf("名单第%d行的类型应为住户（household）或场所（place）", "the kind on line %d must be household or place", n)
			}
		}
		if first, ok := seen[addr]; ok {
			return nil, errs.Invalidf("名单第%d行与第%d行地址重复", "line %d repeats the address of line %d", n, first)
		}
		seen[addr] = n
		out = append(out, line{addr, kind})
		if len(out) > MaxPlaces {
			return nil, errs.Invalidf("一轮排查最多%d户（处）", "a round lists at most %d places", MaxPlaces)
		}
	}
	return out, nil
}

func (n *New) check(now time.Time) ([]line, error) {
	n.AreaCode = strings.TrimSpace(n.AreaCode)
	if !gov.ValidCode(n.AreaCode) {
		return nil, errArea
	}
	n.Title = strings.TrimSpace(plaintext.Clean(n.Title))
	if n.Title == "" || utf8.RuneCountInString(n.Title) > MaxTitle || strings.ContainsAny(n.Title, "\r\n") {
		return nil, errs.Invalidf("轮次名称不能为空，不超过%d字，且只占一行", "the title must be 1 to %d characters on one line", MaxTitle)
	}
	if n.StartsAt.IsZero() || n.EndsAt.IsZero() || !n.EndsAt.After(n.StartsAt) {
		return nil, errs.Invalidf("排查期间须有开始和结束，结束晚于开始", "the period needs a start and a later end")
	}
	if n.EndsAt.Sub(n.StartsAt) > MaxDays*24*time.Hour {
		return nil, errs.Invalidf("一轮排查最长%d天", "a round lasts at most %d days", MaxDays)
	}
	if !n.EndsAt.After(now) || n.StartsAt.After(now.AddDate(0, 0, MaxAheadDays)) {
		return nil, errs.Invalidf("结束时间须在将来，开始时间在一年之内", "the end must be ahead and the start within a year")
	}
	if n.FromPrevious {
		if strings.TrimSpace(n.Places) != "" {
			return nil, errs.Invalidf("名单请二选一：导入或沿用上一轮", "give a list or take the previous round's, not both")
		}
		return nil, nil
	}
	lines, err := ParsePlaces(n.Places)
	if err != nil {
		return nil, err
	}
	if len(lines) == 0 {
		return nil, errs.Invalidf("排查名单不能为空", "the list of places is empty")
	}
	return lines, nil
}

// Create schedules a round for the grid.
func (s *Service) Create(ctx context.Context, u auth.User, n New) (Round, error) {
	now := s.clock.Now()
	lines, err := n.check(now)
	if err != nil {
		return Round{}, err
	}
	var id string
	for try := 0; try < 4; try++ {
		err = s.db.Tx(ctx, func(tx *sql.Tx) error {
			var err error
			id, err = s.insert(ctx, tx, u, n, lines, now)
			return err
		})
		if !db.IsUnique(err) {
			if err != nil {
				return Round{}, err
			}
			return s.Get(ctx, u, id)
		}
	}
	return Round{}, errs.Conflictf("排查轮次编号冲突，请重试", "round number taken; try again")
}

func (s *Service) insert(ctx context.Context, tx *sql.Tx, u auth.User, n New, lines []line, now time.Time) (string, error) {
	area, err := gov.AreaQ(ctx, tx, n.AreaCode)
	if errs.Is(err, errs.NotFound) {
		return "", errs.Invalidf("区划 %s 不存在", "area %s does not exist", n.AreaCode)
	}
	if err != nil {
		return "", err
	}
	if !holdsRounds(area.Level) {
		return "", errs.Invalidf("排查按网格（或未划网格的社区）进行，%s 不是", "rounds are held in a grid (or a community without grids); %s is neither", area.Name)
	}
	local, err := s.local(ctx, tx, u)
	if err != nil {
		return "", err
	}
	if !CanSchedule(u, local, area.Code) {
		return "", errs.New(errs.Forbidden, "只有管理员、督办人员和本辖区社区（街道、网格站）工作人员可以安排排查", "only the administrator, supervisors and the local staff over the grid schedule rounds")
	}
	if n.FromPrevious {
		lines, err = previousPlaces(ctx, tx, area.Code)
		if err != nil {
			return "", err
		}
		if len(lines) == 0 {
			return "", errs.Invalidf("%s 还没有上一轮排查可沿用", "%s has no previous round to take the list from", area.Name)
		}
	}
	id, err := db.NextDayNumber(ctx, tx, "screening_rounds", "id", "PC", now.In(s.loc), [2]string{"排查轮次", "rounds"})
	if err != nil {
		return "", err
	}
	_, err = tx.ExecContext(ctx, `INSERT INTO screening_rounds (id, area_code, title, starts_at, ends_at, status, listed, checked, created_by, created_at, updated_at)
VALUES ($1, $2, $3, $4, $5, $6, $7, 0, $8, $9, $9)`, id, area.Code, n.Title, db.Millis(n.StartsAt), db.Millis(n.EndsAt), string(StatusOpen), len(lines), u.ID, db.Millis(now))
	if err != nil {
		return "", errs.Wrap(db.MapError(err), "insert round")
	}
	for i, l := range lines {
		if _, err := tx.ExecContext(ctx, `INSERT INTO screening_places (round_id, seq, address, kind, status) VALUES ($1, $2, $3, $4, $5)`,
			id, i+1, l.address, l.kind, PlaceListed); err != nil {
			return "", errs.Wrap(err, "insert place")
		}
	}
	detail := map[string]any{"area_code": area.Code, "title": n.Title, "starts_at": n.StartsAt.In(s.loc), "ends_at": n.EndsAt.In(s.loc), "listed": len(lines), "from_previous": n.FromPrevious}
	return id, s.event(ctx, tx, id, u, "create", detail, now)
}

// previousPlaces are the places of the area's latest round.
func previousPlaces(ctx context.Context, tx *sql.Tx, area string) ([]line, error) {
	var prev string
	err := tx.QueryRowContext(ctx, `SELECT id FROM screening_rounds WHERE area_code = $1 ORDER BY created_at DESC, id DESC LIMIT 1`, area).Scan(&prev)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, errs.Wrap(err, "previous round")
	}
	rows, err := tx.QueryContext(ctx, `SELECT address, kind FROM screening_places WHERE round_id = $1 ORDER BY seq`, prev)
	if err != nil {
		return nil, errs.Wrap(err, "previous places")
	}
	defer rows.Close()
	var out []line
	for rows.Next() {
		var l line
		if err := rows.Scan(&l.address, &l.kind); err != nil {
			return nil, errs.Wrap(err, "scan place")
		}
		out = append(out, l)
	}
	return out, errs.Wrap(rows.Err(), "previous places")
}

// local tells whether u's organisation runs the work of her grids (Local).
func (s *Service) local(ctx context.Context, q db.Queryer, u auth.User) (bool, error) {
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
	return Local(u, o.Kind), nil
}

const roundCols = `r.id, r.area_code, a.name, r.title, r.starts_at, r.ends_at, r.status, r.listed, r.checked, r.created_at, r.updated_at, r.ended_at`
const roundFrom = ` FROM screening_rounds r JOIN areas a ON a.code = r.area_code`

func (s *Service) scan(sc interface{ Scan(...any) error }) (Round, error) {
	var r Round
	var starts, ends, created, updated int64
	var ended sql.NullInt64
	if err := sc.Scan(&r.ID, &r.AreaCode, &r.AreaName, &r.Title, &starts, &ends, &r.Status, &r.Listed, &r.Checked, &created, &updated, &ended); err != nil {
		return Round{}, err
	}
	r.StartsAt, r.EndsAt, r.CreatedAt, r.UpdatedAt, r.EndedAt = s.at(starts), s.at(ends), s.at(created), s.at(updated), s.opt(ended)
	r.Coverage = ratio(r.Checked, r.Listed)
	return r, nil
}

// Get returns the round with its places as u may see it.
func (s *Service) Get(ctx context.Context, u auth.User, id string) (Round, error) {
	if !ValidID(id) {
		return Round{}, errNotFound
	}
	r, err := s.scan(s.db.R.QueryRowContext(ctx, `SELECT `+roundCols+roundFrom+` WHERE r.id = $1`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return Round{}, errNotFound
	}
	if err != nil {
		return Round{}, errs.Wrap(err, "read round")
	}
	local, err := s.local(ctx, s.db.R, u)
	if err != nil {
		return Round{}, err
	}
	if !CanRead(u, local, r.AreaCode) {
		return Round{}, errNotFound
	}
	r.CanSchedule, r.CanRecord = CanSchedule(u, local, r.AreaCode), CanRecord(u, r.AreaCode) && r.Status == StatusOpen
	rows, err := s.db.R.QueryContext(ctx, `SELECT seq, address, kind, status, result, note, converted_to, ref, checked_at FROM screening_places WHERE round_id = $1 ORDER BY seq`, id)
	if err != nil {
		return Round{}, errs.Wrap(err, "read places")
	}
	defer rows.Close()
	r.Places = []Place{}
	for rows.Next() {
		var p Place
		var at sql.NullInt64
		if err := rows.Scan(&p.Seq, &p.Address, &p.Kind, &p.Status, &p.Result, &p.Note, &p.ConvertedTo, &p.Ref, &at); err != nil {
			return Round{}, errs.Wrap(err, "scan place")
		}
		p.CheckedAt = s.opt(at)
		r.Places = append(r.Places, p)
	}
	return r, errs.Wrap(rows.Err(), "read places")
}

// Filter narrows a list of rounds.
type Filter struct {
	AreaCode string `json:"area_code"` // under this area; u's scope when empty
	Status   Status `json:"status"`
	Limit    int    `json:"limit"`
}

// List returns the rounds u may read, latest end first.
func (s *Service) List(ctx context.Context, u auth.User, f Filter) ([]Round, error) {
	if !CanUse(u) {
		return nil, errs.ErrForbidden
	}
	if f.Limit <= 0 {
		f.Limit = DefaultList
	}
	if f.Limit > MaxList {
		return nil, errs.Invalidf("每页最多%d条", "at most %d a page", MaxList)
	}
	if f.Status != "" && f.Status != StatusOpen && f.Status != StatusEnded {
		return nil, errs.Invalidf("状态不正确：%s", "unknown status: %s", f.Status)
	}
	scope := f.AreaCode
	if scope == "" && !u.IsAdmin() {
		scope = u.AreaCode
	}
	if scope != "" && !gov.ValidCode(scope) {
		return nil, errArea
	}
	lo, hi := gov.UnderRange(scope)
	if scope == "" {
		lo, hi = "", "~"
	}
	local, err := s.local(ctx, s.db.R, u)
	if err != nil {
		return nil, err
	}
	q := `SELECT ` + roundCols + roundFrom + ` WHERE r.area_code >= $1 AND r.area_code < $2`
	args := []any{lo, hi}
	if f.Status != "" {
		q += ` AND r.status = $3`
		args = append(args, string(f.Status))
	}
	q += fmt.Sprintf(` ORDER BY r.ends_at DESC, r.id DESC LIMIT %d`, f.Limit*4)
	rows, err := s.db.R.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, errs.Wrap(err, "list rounds")
	}
	defer rows.Close()
	out := []Round{}
	for rows.Next() {
		r, err := s.scan(rows)
		if err != nil {
			return nil, errs.Wrap(err, "scan round")
		}
		if !CanRead(u, local, r.AreaCode) || len(out) >= f.Limit {
			continue
		}
		r.CanSchedule, r.CanRecord = CanSchedule(u, local, r.AreaCode), CanRecord(u, r.AreaCode) && r.Status == StatusOpen
		out = append(out, r)
	}
	return out, errs.Wrap(rows.Err(), "list rounds")
}

// Events returns the round's log.
func (s *Service) Events(ctx context.Context, u auth.User, id string) ([]Event, error) {
	if _, err := s.Get(ctx, u, id); err != nil {
		return nil, err
	}
	rows, err := s.db.R.QueryContext(ctx, `SELECT seq, at, actor, kind, detail FROM screening_events WHERE round_id = $1 ORDER BY seq`, id)
	if err != nil {
		return nil, errs.Wrap(err, "round events")
	}
	defer rows.Close()
	out := []Event{}
	for rows.Next() {
		var e Event
		var at int64
		var d string
		if err := rows.Scan(&e.Seq, &at, &e.Actor, &e.Kind, &d); err != nil {
			return nil, errs.Wrap(err, "scan event")
		}
		e.At, e.Detail = s.at(at), []byte(d)
		out = append(out, e)
	}
	return out, errs.Wrap(rows.Err(), "round events")
}

// Schedules reports whether u schedules rounds in her own area scope: the
// staff pages offer her the form.
func (s *Service) Schedules(ctx context.Context, u auth.User) (bool, error) {
	if u.IsAdmin() {
		return true, nil
	}
	local, err := s.local(ctx, s.db.R, u)
	if err != nil {
		return false, err
	}
	return CanSchedule(u, local, u.AreaCode), nil
}

// Grids are the areas u may schedule rounds in, grids and communities
// under her scope, at most MaxGrids, by code.
func (s *Service) Grids(ctx context.Context, u auth.User) ([]gov.Area, error) {
	local, err := s.local(ctx, s.db.R, u)
	if err != nil {
		return nil, err
	}
	lo, hi := gov.UnderRange(u.AreaCode)
	if u.IsAdmin() {
		lo, hi = "", "~"
	}
	rows, err := s.db.R.QueryContext(ctx, `SELECT code, name, level FROM areas WHERE code >= $1 AND code < $2 AND level IN ($3, $4) ORDER BY code LIMIT $5`,
		lo, hi, string(gov.LevelGrid), string(gov.LevelCommunity), MaxGrids)
	if err != nil {
		return nil, errs.Wrap(err, "grids")
	}
	defer rows.Close()
	out := []gov.Area{}
	for rows.Next() {
		var a gov.Area
		if err := rows.Scan(&a.Code, &a.Name, &a.Level); err != nil {
			return nil, errs.Wrap(err, "scan grid")
		}
		if CanSchedule(u, local, a.Code) {
			out = append(out, a)
		}
	}
	return out, errs.Wrap(rows.Err(), "grids")
}
