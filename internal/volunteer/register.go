package volunteer

import (
	"context"
	"database/sql"
	"errors"
	"strings"
	"time"

	"github.com/gongzhi/gongzhi/internal/auth"
	"github.com/gongzhi/gongzhi/internal/db"
	"github.com/gongzhi/gongzhi/internal/errs"
	"github.com/gongzhi/gongzhi/internal/gov"
)

// Registration is what a resident gives to volunteer: her name, her skills,
// her community and the areas within it she serves (none: all of it).
type Registration struct {
	Name          string   `json:"name"`
	Skills        string   `json:"skills"`
	CommunityCode string   `json:"community_code"`
	Areas         []string `json:"areas"`
}

func (r *Registration) check() error {
	if err := oneLine(&r.Name, 1, MaxName, "姓名", "the name"); err != nil {
		return err
	}
	if err := oneLine(&r.Skills, 0, MaxSkills, "特长", "the skills"); err != nil {
		return err
	}
	r.CommunityCode = strings.TrimSpace(r.CommunityCode)
	if !gov.ValidCode(r.CommunityCode) {
		return errArea
	}
	var areas []string
	seen := map[string]bool{}
	for _, a := range r.Areas {
		a = strings.TrimSpace(a)
		if a == "" || seen[a] {
			continue
		}
		if !gov.ValidCode(a) {
			return errArea
		}
		seen[a] = true
		areas = append(areas, a)
	}
	if len(areas) > MaxAreas {
		return errs.Invalidf("服务区域最多%d个", "at most %d areas served", MaxAreas)
	}
	r.Areas = areas
	return nil
}

// Register records u as a volunteer of the community, pending its staff's
// approval. A registration pending or rejected is replaced (she applies
// again); an approved one cannot be.
func (s *Service) Register(ctx context.Context, u auth.User, r Registration) (Volunteer, error) {
	if !CanRegister(u) {
		return Volunteer{}, errs.New(errs.Forbidden, "请先用手机号登录再登记志愿者", "sign in with your phone to register as a volunteer")
	}
	if err := r.check(); err != nil {
		return Volunteer{}, err
	}
	now := s.clock.Now()
	err := s.db.Tx(ctx, func(tx *sql.Tx) error {
		c, err := community(ctx, tx, r.CommunityCode)
		if err != nil {
			return err
		}
		if c.Code != r.CommunityCode {
			return errs.Invalidf("请选择一个社区（村）登记", "register with a community")
		}
		for _, a := range r.Areas {
			if !strings.HasPrefix(a, c.Code) {
				return errs.Invalidf("服务区域 %s 不在所选社区之内", "area %s is not within the community", a)
			}
			if _, err := gov.AreaQ(ctx, tx, a); err != nil {
				if errs.Is(err, errs.NotFound) {
					return errs.Invalidf("区划 %s 不存在", "area %s does not exist", a)
				}
				return err
			}
		}
		var id, status string
		err = tx.QueryRowContext(ctx, `SELECT id, status FROM volunteers WHERE phone = $1`, u.Phone).Scan(&id, &status)
		switch {
		case errors.Is(err, sql.ErrNoRows):
			id = db.NewID()
			_, err = tx.ExecContext(ctx, `INSERT INTO volunteers (id, phone, name, skills, community_code, areas, status, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $8)`,
				id, u.Phone, r.Name, r.Skills, c.Code, strings.Join(r.Areas, " "), StatusPending, db.Millis(now))
			if err != nil {
				return errs.Wrap(db.MapError(err), "insert volunteer")
			}
		case err != nil:
			return errs.Wrap(err, "read volunteer")
		case status == StatusApproved:
			return errs.Conflictf("您已是登记在册的志愿者", "you are a registered volunteer already")
		default:
			_, err = tx.ExecContext(ctx, `UPDATE volunteers SET name = $2, skills = $3, community_code = $4, areas = $5, status = $6, note = '', decided_by = '', decided_at = NULL, updated_at = $7 WHERE id = $1`,
				id, r.Name, r.Skills, c.Code, strings.Join(r.Areas, " "), StatusPending, db.Millis(now))
			if err != nil {
				return errs.Wrap(err, "update volunteer")
			}
		}
		if err := s.event(ctx, tx, id, u, "", "register", map[string]any{"community_code": c.Code, "areas": r.Areas}, now); err != nil {
			return err
		}
		return s.notifyManagers(ctx, tx, c.Code, now, c.Name+"有新的志愿者登记待审核。")
	})
	if err != nil {
		return Volunteer{}, err
	}
	return s.Mine(ctx, u)
}

// notifyManagers tells the community committees of the community.
func (s *Service) notifyManagers(ctx context.Context, tx *sql.Tx, communityCode string, now time.Time, text string) error {
	rows, err := tx.QueryContext(ctx, `SELECT code FROM orgs WHERE area_code = $1 AND kind IN ('community_committee', 'village_committee')`, communityCode)
	if err != nil {
		return errs.Wrap(err, "community orgs")
	}
	var orgs []string
	for rows.Next() {
		var o string
		if err := rows.Scan(&o); err != nil {
			rows.Close()
			return errs.Wrap(err, "scan org")
		}
		orgs = append(orgs, o)
	}
	rows.Close()
	for _, o := range orgs {
		if err := s.notify(ctx, tx, now, "", o, text); err != nil {
			return err
		}
	}
	return nil
}

const volCols = `v.id, v.phone, v.name, v.skills, v.community_code, a.name, v.areas, v.status, v.note, v.created_at, v.decided_at`
const volFrom = ` FROM volunteers v JOIN areas a ON a.code = v.community_code`

func (s *Service) scanVolunteer(row interface{ Scan(...any) error }) (Volunteer, error) {
	var v Volunteer
	var areas string
	var created int64
	var decided sql.NullInt64
	if err := row.Scan(&v.ID, &v.Phone, &v.Name, &v.Skills, &v.CommunityCode, &v.CommunityName, &areas, &v.Status, &v.Note, &created, &decided); err != nil {
		return v, err
	}
	v.Areas = strings.Fields(areas)
	if v.Areas == nil {
		v.Areas = []string{}
	}
	v.CreatedAt, v.DecidedAt = s.at(created), s.opt(decided)
	return v, nil
}

// Mine returns u's own registration; not found when she has none.
func (s *Service) Mine(ctx context.Context, u auth.User) (Volunteer, error) {
	if !CanSeeOwn(u) {
		return Volunteer{}, errNotFound
	}
	return s.byPhone(ctx, s.db.R, u.Phone)
}

func (s *Service) byPhone(ctx context.Context, q db.Queryer, phone string) (Volunteer, error) {
	v, err := s.scanVolunteer(q.QueryRowContext(ctx, `SELECT `+volCols+volFrom+` WHERE v.phone = $1`, phone))
	if errors.Is(err, sql.ErrNoRows) {
		return Volunteer{}, errNotFound
	}
	return v, errs.Wrap(err, "read volunteer")
}

// Volunteers lists the registrations of the communities u manages within
// area (her scope when empty), of the status (all when empty), newest
// first, phones masked and names masked to none (her staff see names).
func (s *Service) Volunteers(ctx context.Context, u auth.User, area, status string, n int) ([]Volunteer, error) {
	mgr, err := s.manager(ctx, s.db.R, u)
	if err != nil {
		return nil, err
	}
	if area == "" {
		area = u.AreaCode
	}
	if !u.IsAdmin() && (!mgr || area == "" || !u.InArea(area)) {
		return nil, errs.New(errs.Forbidden, "只有本社区、街道的工作人员可以查看志愿者名册", "only the community's or street's staff list its volunteers")
	}
	if area != "" && !gov.ValidCode(area) {
		return nil, errArea
	}
	switch status {
	case "", StatusPending, StatusApproved, StatusRejected:
	default:
		return nil, errs.Invalidf("登记状态不正确", "unknown status")
	}
	if n <= 0 || n > MaxList {
		n = DefaultList
	}
	q := `SELECT ` + volCols + volFrom + ` WHERE v.community_code >= $1 AND v.community_code < $2 AND ($3 = '' OR v.status = $3) ORDER BY v.created_at DESC, v.id LIMIT $4`
	lo, hi := gov.UnderRange(area)
	rows, err := s.db.R.QueryContext(ctx, q, lo, hi, status, n)
	if err != nil {
		return nil, errs.Wrap(err, "list volunteers")
	}
	defer rows.Close()
	out := []Volunteer{}
	for rows.Next() {
		v, err := s.scanVolunteer(rows)
		if err != nil {
			return nil, errs.Wrap(err, "scan volunteer")
		}
		v.Phone = auth.MaskPhone(v.Phone)
		out = append(out, v)
	}
	return out, errs.Wrap(rows.Err(), "list volunteers")
}

// Decide approves or rejects a pending registration; note says why (needed
// to reject). She is told.
func (s *Service) Decide(ctx context.Context, u auth.User, id string, approve bool, note string) (Volunteer, error) {
	if err := oneLine(&note, 0, MaxNote, "说明", "the note"); err != nil {
		return Volunteer{}, err
	}
	if !approve && note == "" {
		return Volunteer{}, errs.Invalidf("不予通过时请写明原因", "say why when rejecting")
	}
	now := s.clock.Now()
	var v Volunteer
	err := s.db.Tx(ctx, func(tx *sql.Tx) error {
		var err error
		q := `SELECT ` + volCols + volFrom + ` WHERE v.id = $1`
		if s.db.Engine == db.Postgres {
			q += ` FOR UPDATE OF v`
		}
		v, err = s.scanVolunteer(tx.QueryRowContext(ctx, q, id))
		if errors.Is(err, sql.ErrNoRows) {
			return errNotFound
		}
		if err != nil {
			return errs.Wrap(err, "read volunteer")
		}
		mgr, err := s.manager(ctx, tx, u)
		if err != nil {
			return err
		}
		if !CanManage(u, mgr, v.CommunityCode) {
			return errs.New(errs.Forbidden, "只有本社区、街道的工作人员可以审核志愿者", "only the community's or street's staff approve its volunteers")
		}
		if v.Status != StatusPending {
			return errs.Conflictf("该登记已审核过了", "the registration was decided already")
		}
		to, kind, text := StatusApproved, "approve", "您的志愿者登记已通过审核，可以报名参加"+v.CommunityName+"的志愿服务了。"
		if !approve {
			to, kind, text = StatusRejected, "reject", "您的志愿者登记未通过审核："+note
		}
		if _, err := tx.ExecContext(ctx, `UPDATE volunteers SET status = $2, note = $3, decided_by = $4, decided_at = $5, updated_at = $5 WHERE id = $1`,
			id, to, note, u.ID, db.Millis(now)); err != nil {
			return errs.Wrap(err, "decide volunteer")
		}
		v.Status, v.Note = to, note
		if err := s.event(ctx, tx, id, u, id, kind, map[string]any{"note": note}, now); err != nil {
			return err
		}
		return s.notify(ctx, tx, now, v.Phone, "", text)
	})
	if err != nil {
		return Volunteer{}, err
	}
	v.Phone = auth.MaskPhone(v.Phone)
	return v, nil
}

// Communities lists the communities (and villages) a resident may register
// with, by code.
func (s *Service) Communities(ctx context.Context) ([]gov.Area, error) {
	rows, err := s.db.R.QueryContext(ctx, `SELECT code, name FROM areas WHERE level = $1 ORDER BY code LIMIT 2000`, string(gov.LevelCommunity))
	if err != nil {
		return nil, errs.Wrap(err, "communities")
	}
	defer rows.Close()
	out := []gov.Area{}
	for rows.Next() {
		var a gov.Area
		if err := rows.Scan(&a.Code, &a.Name); err != nil {
			return nil, errs.Wrap(err, "scan community")
		}
		a.Level = gov.LevelCommunity
		out = append(out, a)
	}
	return out, errs.Wrap(rows.Err(), "communities")
}

// Home is the community a resident lives in, as staff verified it (the
// first, by code), or empty: the registration form offers it first.
func (s *Service) Home(ctx context.Context, u auth.User) (string, error) {
	if !CanSeeOwn(u) {
		return "", nil
	}
	var code string
	err := s.db.R.QueryRowContext(ctx, `SELECT a.code FROM area_residents r JOIN areas a ON r.area_code >= a.code AND r.area_code < a.code || '~'
WHERE r.phone = $1 AND a.level = $2 ORDER BY a.code LIMIT 1`, u.Phone, string(gov.LevelCommunity)).Scan(&code)
	if errors.Is(err, sql.ErrNoRows) {
		return "", nil
	}
	return code, errs.Wrap(err, "her community")
}
