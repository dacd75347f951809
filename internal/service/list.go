package service

import (
	"context"

	"github.com/gongzhi/gongzhi/internal/auth"
	"github.com/gongzhi/gongzhi/internal/db"
	"github.com/gongzhi/gongzhi/internal/errs"
)

// Filter picks requests: Mine (the resident's own), or those of the
// organisation OrgCode (its staff, the administrator), or those of the
// communities under AreaCode (staff of the area); by Status; OpenOnly for
// those still waiting.
type Filter struct {
	Mine     bool   `json:"mine"`
	OrgCode  string `json:"org_code"`
	AreaCode string `json:"area_code"`
	Status   Status `json:"status"`
	OpenOnly bool   `json:"open"`
	Limit    int    `json:"limit"`
}

// List returns the requests of the filter that u may read, the overdue and
// the earliest due first among the open, then the newest.
func (s *Service) List(ctx context.Context, u auth.User, f Filter) ([]Request, error) {
	if u.Role == auth.RoleResident {
		f.Mine = true // a resident lists her own, whatever else she asks
	}
	if f.Limit == 0 {
		f.Limit = DefaultList
	}
	if f.Limit < 1 || f.Limit > MaxList {
		return nil, errs.Invalidf("limit 须为1到%d", "limit must be 1 to %d", MaxList)
	}
	if f.Status != "" && !f.Status.Valid() {
		return nil, errs.Invalidf("状态不正确：%q", "unknown status: %q", f.Status)
	}
	var c db.Conds
	switch {
	case f.Mine:
		if u.Role != auth.RoleResident || u.Phone == "" {
			return []Request{}, nil
		}
		c.Add(`r.phone = ?`, u.Phone)
	case f.OrgCode != "":
		if !CanAnswer(u, f.OrgCode) {
			return nil, errs.ErrForbidden
		}
		c.Add(`r.org_code = ?`, f.OrgCode)
	default:
		area := f.AreaCode
		if area == "" {
			area = u.AreaCode
		}
		if !u.IsAdmin() && (!u.Role.IsStaff() || area == "" || !u.InArea(area)) {
			return nil, errs.ErrForbidden
		}
		if area != "" {
			c.Add(`r.area_code >= ? AND r.area_code < ?`, area, area+"~")
		}
	}
	if f.Status != "" {
		c.Add(`r.status = ?`, string(f.Status))
	}
	if f.OpenOnly {
		c.Add(`r.status IN ('requested', 'confirmed')`)
	}
	where := ""
	if len(c.Where) > 0 {
		where = ` WHERE ` + c.And()
	}
	lim := c.Arg(f.Limit)
	rows, err := s.db.R.QueryContext(ctx, `SELECT `+reqCols+reqFrom+where+`
ORDER BY CASE WHEN r.status = 'requested' THEN 0 WHEN r.status = 'confirmed' THEN 1 ELSE 2 END, CASE WHEN r.status = 'requested' THEN r.due_at ELSE -r.updated_at END, r.number LIMIT `+lim, c.Args...)
	if err != nil {
		return nil, errs.Wrap(err, "requests")
	}
	defer rows.Close()
	out := []Request{}
	for rows.Next() {
		x, err := s.scan(rows)
		if err != nil {
			return nil, errs.Wrap(err, "scan request")
		}
		if CanSee(u, x.Request) {
			out = append(out, s.view(u, x))
		}
	}
	return out, errs.Wrap(rows.Err(), "requests")
}
