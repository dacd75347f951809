package notice

import (
	"context"

	"github.com/gongzhi/gongzhi/internal/agenda"
	"github.com/gongzhi/gongzhi/internal/auth"
	"github.com/gongzhi/gongzhi/internal/errs"
)

// TodoItems are, for u's 待办, the items of her organisation with
// objections not yet answered, and its disclosures due or overdue.
func (s *Service) TodoItems(ctx context.Context, u auth.User) ([]agenda.Item, error) {
	if u.IsAdmin() || !u.Role.IsStaff() || u.OrgCode == "" {
		return nil, nil
	}
	rows, err := s.db.R.QueryContext(ctx, `SELECT n.number, n.title, n.status, COUNT(*), MIN(o.at) FROM notices n
JOIN notice_objections o ON o.number = n.number
WHERE n.org_code = $1 AND n.status IN ('noticing', 'answering') AND o.answered_at IS NULL
GROUP BY n.number, n.title, n.status ORDER BY MIN(o.at) LIMIT 50`, u.OrgCode)
	if err != nil {
		return nil, errs.Wrap(err, "objections to answer")
	}
	defer rows.Close()
	out := []agenda.Item{}
	for rows.Next() {
		var it agenda.Item
		var n, at int64
		if err := rows.Scan(&it.Ref, &it.Title, &it.Status, &n, &at); err != nil {
			return nil, errs.Wrap(err, "scan objections to answer")
		}
		it.Kind, it.Role, it.URL, it.NeedsAction, it.At = "notice", "objection", "/staff/notices/"+it.Ref, true, s.at(at)
		out = append(out, it)
	}
	if err := rows.Err(); err != nil {
		return nil, errs.Wrap(err, "objections to answer")
	}
	if !CanListSchedules(u) {
		return out, nil
	}
	dues, err := s.DueDisclosures(ctx, u)
	if err != nil {
		return nil, err
	}
	for _, d := range dues {
		if d.State == StateDone || d.OrgCode != u.OrgCode {
			continue
		}
		due := d.DueAt
		out = append(out, agenda.Item{Kind: "notice", Ref: d.Period, Title: d.OrgName + " " + d.Period, Status: d.State,
			Role: "disclose_" + string(d.Kind), URL: "/staff/notices", NeedsAction: true, Due: &due, At: due})
	}
	return out, nil
}

// MineItems are the items u raised objections to, for her 我的事项, with
// whether each is answered yet.
func (s *Service) MineItems(ctx context.Context, u auth.User) ([]agenda.Item, error) {
	if u.Role != auth.RoleResident || u.Phone == "" {
		return nil, nil
	}
	rows, err := s.db.R.QueryContext(ctx, `SELECT n.number, n.title, n.status, MAX(o.at) FROM notice_objections o
JOIN notices n ON n.number = o.number WHERE o.phone = $1 GROUP BY n.number, n.title, n.status ORDER BY MAX(o.at) DESC LIMIT 50`, u.Phone)
	if err != nil {
		return nil, errs.Wrap(err, "her objections")
	}
	defer rows.Close()
	out := []agenda.Item{}
	for rows.Next() {
		var it agenda.Item
		var at int64
		if err := rows.Scan(&it.Ref, &it.Title, &it.Status, &at); err != nil {
			return nil, errs.Wrap(err, "scan her objections")
		}
		it.Kind, it.Role, it.URL, it.At = "notice", "objected", "/notices/"+it.Ref, s.at(at)
		out = append(out, it)
	}
	return out, errs.Wrap(rows.Err(), "her objections")
}
