package meeting

import (
	"context"
	"database/sql"
	"errors"
	"strings"

	"github.com/gongzhi/gongzhi/internal/auth"
	"github.com/gongzhi/gongzhi/internal/db"
	"github.com/gongzhi/gongzhi/internal/disclosure"
	"github.com/gongzhi/gongzhi/internal/errs"
	"github.com/gongzhi/gongzhi/internal/gov"
)

const cols = `m.id, m.area_code, a.name, m.org_code, m.title, m.agenda, m.place, m.starts_at, m.quorum, m.level, m.status,
m.roster, m.present, m.minutes, m.created_by, m.created_at, m.updated_at, m.noticed_at, m.opened_at, m.closed_at, m.published_at`

const from = ` FROM meetings m JOIN areas a ON a.code = m.area_code`

func (s *Service) scan(sc interface{ Scan(...any) error }) (Meeting, error) {
	var m Meeting
	var agenda string
	var starts, created, updated int64
	var noticed, opened, closed, published sql.NullInt64
	err := sc.Scan(&m.ID, &m.AreaCode, &m.AreaName, &m.OrgCode, &m.Title, &agenda, &m.Place, &starts, &m.Quorum, &m.Level, &m.Status,
		&m.Roster, &m.Present, &m.Minutes, &m.createdBy, &created, &updated, &noticed, &opened, &closed, &published)
	if err != nil {
		return m, err
	}
	m.Agenda = []string{}
	if agenda != "" {
		m.Agenda = strings.Split(agenda, "\n")
	}
	m.StartsAt, m.CreatedAt, m.UpdatedAt = s.at(starts), s.at(created), s.at(updated)
	m.NoticedAt, m.OpenedAt, m.ClosedAt, m.PublishedAt = s.opt(noticed), s.opt(opened), s.opt(closed), s.opt(published)
	m.Members, m.Resolutions, m.Tasks = []Member{}, []Resolution{}, []Task{}
	return m, nil
}

// ValidID reports whether id is a meeting's: YS, a date and four digits.
func ValidID(id string) bool {
	return db.ValidDayNumber(id, "YS")
}

func (s *Service) read(ctx context.Context, q db.Queryer, id string) (Meeting, error) {
	if !ValidID(id) {
		return Meeting{}, errNotFound
	}
	m, err := s.scan(q.QueryRowContext(ctx, `SELECT `+cols+from+` WHERE m.id = $1`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return Meeting{}, errNotFound
	}
	return m, errs.Wrap(err, "read meeting")
}

// lock reads the meeting in tx, and on PostgreSQL holds its row until tx
// ends, so each change and its event are one step (SQLite has one writer).
func (s *Service) lock(ctx context.Context, tx *sql.Tx, id string) (Meeting, error) {
	if !ValidID(id) {
		return Meeting{}, errNotFound
	}
	q := `SELECT ` + cols + from + ` WHERE m.id = $1`
	if s.db.Engine == db.Postgres {
		q += ` FOR UPDATE OF m`
	}
	m, err := s.scan(tx.QueryRowContext(ctx, q, id))
	if errors.Is(err, sql.ErrNoRows) {
		return Meeting{}, errNotFound
	}
	return m, errs.Wrap(err, "lock meeting")
}

// convener tells whether u's organisation convenes meetings (Convener).
func (s *Service) convener(ctx context.Context, q db.Queryer, u auth.User) (bool, error) {
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
	return Convener(u, o.Kind), nil
}

// Convenes reports whether u convenes meetings anywhere, so the pages offer
// to create one.
func (s *Service) Convenes(ctx context.Context, u auth.User) (bool, error) {
	return s.convener(ctx, s.db.R, u)
}

// memberOf returns the place of u's phone on the meeting's roster: the
// representative's ID and whether she signed in ("" when none).
func (s *Service) memberOf(ctx context.Context, q db.Queryer, u auth.User, id string) (string, bool, error) {
	if u.Role != auth.RoleResident || u.Phone == "" {
		return "", false, nil
	}
	var rep string
	var signed sql.NullInt64
	err := q.QueryRowContext(ctx, `SELECT rep_id, signed_at FROM meeting_members WHERE meeting_id = $1 AND phone = $2`, id, u.Phone).Scan(&rep, &signed)
	if errors.Is(err, sql.ErrNoRows) {
		return "", false, nil
	}
	return rep, signed.Valid, errs.Wrap(err, "member of meeting")
}

// access reads the meeting for u, or not found when she may not see it;
// runs tells whether she runs it.
func (s *Service) access(ctx context.Context, q db.Queryer, u auth.User, m Meeting) (Meeting, bool, error) {
	conv, err := s.convener(ctx, q, u)
	if err != nil {
		return m, false, err
	}
	runs := CanRun(u, conv, m.AreaCode)
	resident, err := disclosure.Resident(ctx, q, u, m.AreaCode)
	if err != nil {
		return m, false, err
	}
	if m.MyMemberID, m.SignedIn, err = s.memberOf(ctx, q, u, m.ID); err != nil {
		return m, false, err
	}
	if !CanSee(u, m, conv, resident, m.MyMemberID != "") {
		return Meeting{}, false, errNotFound
	}
	m.CanRun = runs
	return m, runs, nil
}

// Get returns the meeting with its roster and, when she may see it, its
// record, if u may read it.
func (s *Service) Get(ctx context.Context, u auth.User, id string) (Meeting, error) {
	m, err := s.read(ctx, s.db.R, id)
	if err != nil {
		return m, err
	}
	m, runs, err := s.access(ctx, s.db.R, u, m)
	if err != nil {
		return m, err
	}
	return s.fill(ctx, s.db.R, m, runs)
}

// fill adds the roster, and the record when the reader sees it.
func (s *Service) fill(ctx context.Context, q db.Queryer, m Meeting, runs bool) (Meeting, error) {
	var err error
	if m.Members, err = s.members(ctx, q, m, MemberDetail(runs)); err != nil {
		return m, err
	}
	if m.Status == StatusDraft {
		m.Roster = int64(len(m.Members))
	}
	s.figures(&m)
	if !RecordVisible(m, runs) {
		return m, nil
	}
	if m.Resolutions, err = s.resolutions(ctx, q, m.ID, runs); err != nil {
		return m, err
	}
	m.Tasks, err = s.tasks(ctx, q, m.ID, runs)
	return m, err
}

// figures sets the quorum's numbers.
func (s *Service) figures(m *Meeting) {
	m.Needed = m.Quorum.Needed(m.Roster)
	m.QuorumMet = m.Status != StatusDraft && m.Quorum.Met(m.Present, m.Roster)
}

// members returns the meeting's roster: the area's until the notice, the
// meeting's own from then on; names and phones when detail.
func (s *Service) members(ctx context.Context, q db.Queryer, m Meeting, detail bool) ([]Member, error) {
	query := `SELECT rep_id, name, kind, org_name, phone, notice, signed_at, proxy FROM meeting_members WHERE meeting_id = $1 ORDER BY seq`
	arg := m.ID
	if m.Status == StatusDraft {
		query = `SELECT id, name, kind, org_name, phone, '', NULL, FALSE FROM meeting_representatives WHERE area_code = $1 ORDER BY created_at, id`
		arg = m.AreaCode
	}
	rows, err := q.QueryContext(ctx, query, arg)
	if err != nil {
		return nil, errs.Wrap(err, "meeting members")
	}
	defer rows.Close()
	out := []Member{}
	for rows.Next() {
		var x Member
		var signed sql.NullInt64
		if err := rows.Scan(&x.ID, &x.Name, &x.Kind, &x.OrgName, &x.Phone, &x.Notice, &signed, &x.Proxy); err != nil {
			return nil, errs.Wrap(err, "scan member")
		}
		x.SignedAt, x.Present = s.opt(signed), signed.Valid
		x.Phone = auth.MaskPhone(x.Phone)
		if !detail {
			x = Member{Kind: x.Kind, OrgName: x.OrgName, Present: x.Present}
		}
		out = append(out, x)
	}
	return out, errs.Wrap(rows.Err(), "meeting members")
}

// Events returns the meeting's log, oldest first, to those who run it.
func (s *Service) Events(ctx context.Context, u auth.User, id string) ([]Event, error) {
	m, err := s.Get(ctx, u, id)
	if err != nil {
		return nil, err
	}
	if !m.CanRun {
		return nil, errs.ErrForbidden
	}
	rows, err := s.db.R.QueryContext(ctx, `SELECT seq, at, kind, actor, on_behalf, detail FROM meeting_events WHERE meeting_id = $1 ORDER BY seq LIMIT 1000`, id)
	if err != nil {
		return nil, errs.Wrap(err, "meeting events")
	}
	defer rows.Close()
	out := []Event{}
	for rows.Next() {
		var e Event
		var at int64
		var detail string
		if err := rows.Scan(&e.Seq, &at, &e.Kind, &e.Actor, &e.OnBehalf, &detail); err != nil {
			return nil, errs.Wrap(err, "scan meeting event")
		}
		e.At, e.Detail = s.at(at), []byte(detail)
		out = append(out, e)
	}
	return out, errs.Wrap(rows.Err(), "meeting events")
}
