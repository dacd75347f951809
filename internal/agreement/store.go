package agreement

import (
	"context"
	"database/sql"
	"errors"
	"strings"
	"time"

	"github.com/gongzhi/gongzhi/internal/auth"
	"github.com/gongzhi/gongzhi/internal/db"
	"github.com/gongzhi/gongzhi/internal/errs"
	"github.com/gongzhi/gongzhi/internal/ticket"
)

var (
	errNoManage = errs.New(errs.Forbidden, "只有系统管理员和区级督办人员可以管理服务协议", "only the administrator and the district's supervisors manage agreements")
	errNoRead   = errs.New(errs.Forbidden, "无权查看该服务协议", "you may not read this agreement")
)

func errNoAgreement(id string) error {
	return errs.NotFoundf("服务协议 %s 不存在", "no agreement %s", id)
}

const cols = `a.id, a.org_code, o.name, o.kind, a.title, a.areas, a.categories, a.services, a.rights, a.data_areas,
a.see_phone, a.see_name, a.see_address, a.starts_on, a.ends_on, a.status, a.created_by, a.created_at, a.updated_at`

const from = ` FROM agreements a JOIN orgs o ON o.code = a.org_code`

func split(s string) []string {
	if s == "" {
		return []string{}
	}
	return strings.Fields(s)
}

func (s *Service) scan(sc interface{ Scan(...any) error }) (Agreement, error) {
	var a Agreement
	var areas, cats, services, dataAreas string
	var created, updated int64
	err := sc.Scan(&a.ID, &a.OrgCode, &a.OrgName, &a.OrgKind, &a.Title, &areas, &cats, &services, &a.Rights, &dataAreas,
		&a.SeePhone, &a.SeeName, &a.SeeAddress, &a.StartsOn, &a.EndsOn, &a.Status, &a.CreatedBy, &created, &updated)
	a.Areas, a.Categories, a.DataAreas = split(areas), split(cats), split(dataAreas)
	a.Services = []string{}
	if services != "" {
		a.Services = strings.Split(services, "\n")
	}
	a.CreatedAt, a.UpdatedAt = time.UnixMilli(created), time.UnixMilli(updated)
	a.InForce = a.inForce(s.today())
	a.Duties = []Duty{}
	return a, err
}

// get reads an agreement with its duties.
func (s *Service) get(ctx context.Context, q db.Queryer, id string) (Agreement, error) {
	if len(id) > 64 {
		return Agreement{}, errNoAgreement(id)
	}
	a, err := s.scan(q.QueryRowContext(ctx, `SELECT `+cols+from+` WHERE a.id = $1`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return Agreement{}, errNoAgreement(id)
	}
	if err != nil {
		return Agreement{}, errs.Wrap(err, "get agreement")
	}
	rows, err := q.QueryContext(ctx, `SELECT category_code, time_limit, note FROM agreement_duties WHERE agreement_id = $1 ORDER BY category_code`, id)
	if err != nil {
		return Agreement{}, errs.Wrap(err, "agreement duties")
	}
	defer rows.Close()
	for rows.Next() {
		var d Duty
		var lim string
		if err := rows.Scan(&d.CategoryCode, &lim, &d.Note); err != nil {
			return Agreement{}, errs.Wrap(err, "scan duty")
		}
		if d.Limit, err = ticket.ParseLimit(lim); err != nil {
			return Agreement{}, errs.Wrap(err, "duty limit")
		}
		a.Duties = append(a.Duties, d)
	}
	return a, errs.Wrap(rows.Err(), "agreement duties")
}

// Get returns an agreement to one who may read it.
func (s *Service) Get(ctx context.Context, u auth.User, id string) (Agreement, error) {
	a, err := s.get(ctx, s.db.R, id)
	if err != nil {
		return Agreement{}, err
	}
	if !CanRead(u, a.OrgCode) {
		return Agreement{}, errNoRead
	}
	return a, nil
}

// Filter narrows a list.
type Filter struct {
	OrgCode string
	Status  Status
}

// List returns the agreements u may read, newest first: every one to those
// who manage them, her organisation's to its staff.
func (s *Service) List(ctx context.Context, u auth.User, f Filter) ([]Agreement, error) {
	if !CanManage(u) {
		if u.OrgCode == "" || !CanRead(u, u.OrgCode) {
			return nil, errNoRead
		}
		f.OrgCode = u.OrgCode
	}
	var qc db.Conds
	if f.OrgCode != "" {
		qc.Add("a.org_code = ?", f.OrgCode)
	}
	switch f.Status {
	case "":
	case StatusActive, StatusSuspended, StatusEnded:
		qc.Add("a.status = ?", string(f.Status))
	default:
		return nil, errs.Invalidf("状态须为 active、suspended 或 ended", "status must be active, suspended or ended")
	}
	q := `SELECT ` + cols + from
	if len(qc.Where) > 0 {
		q += ` WHERE ` + qc.And()
	}
	rows, err := s.db.R.QueryContext(ctx, q+` ORDER BY a.created_at DESC, a.id DESC LIMIT `+qc.Arg(MaxList), qc.Args...)
	if err != nil {
		return nil, errs.Wrap(err, "list agreements")
	}
	defer rows.Close()
	items := []Agreement{}
	for rows.Next() {
		a, err := s.scan(rows)
		if err != nil {
			return nil, errs.Wrap(err, "scan agreement")
		}
		items = append(items, a)
	}
	return items, errs.Wrap(rows.Err(), "list agreements")
}

// Events returns an agreement's log, oldest first.
func (s *Service) Events(ctx context.Context, u auth.User, id string) ([]Event, error) {
	if _, err := s.Get(ctx, u, id); err != nil {
		return nil, err
	}
	rows, err := s.db.R.QueryContext(ctx, `SELECT seq, at, kind, actor, detail FROM agreement_events WHERE agreement_id = $1 ORDER BY seq`, id)
	if err != nil {
		return nil, errs.Wrap(err, "agreement events")
	}
	defer rows.Close()
	items := []Event{}
	for rows.Next() {
		var e Event
		var at int64
		var detail string
		if err := rows.Scan(&e.Seq, &at, &e.Kind, &e.Actor, &detail); err != nil {
			return nil, errs.Wrap(err, "scan agreement event")
		}
		e.At, e.Detail = time.UnixMilli(at), []byte(detail)
		items = append(items, e)
	}
	return items, errs.Wrap(rows.Err(), "agreement events")
}
