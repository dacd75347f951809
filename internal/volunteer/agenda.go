package volunteer

import (
	"context"
	"fmt"

	"github.com/gongzhi/gongzhi/internal/agenda"
	"github.com/gongzhi/gongzhi/internal/auth"
	"github.com/gongzhi/gongzhi/internal/db"
	"github.com/gongzhi/gongzhi/internal/errs"
	"github.com/gongzhi/gongzhi/internal/gov"
)

// MineItems are u's tasks signed up for and not yet begun, and her codes
// not yet used, for her 我的事项.
func (s *Service) MineItems(ctx context.Context, u auth.User) ([]agenda.Item, error) {
	if !CanSeeOwn(u) {
		return nil, nil
	}
	now := s.clock.Now()
	out := []agenda.Item{}
	rows, err := s.db.R.QueryContext(ctx, `SELECT t.id, t.title, t.starts_at, x.at FROM volunteer_signups x JOIN volunteer_tasks t ON t.id = x.task_id
WHERE x.phone = $1 AND x.status = 'signed' AND t.status = 'open' AND t.starts_at > $2 ORDER BY t.starts_at LIMIT 50`, u.Phone, db.Millis(now))
	if err != nil {
		return nil, errs.Wrap(err, "her tasks")
	}
	for rows.Next() {
		var it agenda.Item
		var starts, at int64
		if err := rows.Scan(&it.Ref, &it.Title, &starts, &at); err != nil {
			rows.Close()
			return nil, errs.Wrap(err, "scan her task")
		}
		due := s.at(starts)
		it.Kind, it.Role, it.Status, it.URL, it.Due, it.At = "volunteer", "volunteer", SignupSigned, "/volunteer#task-"+it.Ref, &due, s.at(at)
		out = append(out, it)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, errs.Wrap(err, "her tasks")
	}
	rows, err = s.db.R.QueryContext(ctx, `SELECT id, points, created_at, expires_at FROM volunteer_codes WHERE phone = $1 AND status = 'pending' AND expires_at > $2 ORDER BY expires_at LIMIT 20`,
		u.Phone, db.Millis(now))
	if err != nil {
		return nil, errs.Wrap(err, "her codes")
	}
	defer rows.Close()
	for rows.Next() {
		var it agenda.Item
		var points, created, expires int64
		if err := rows.Scan(&it.Ref, &points, &created, &expires); err != nil {
			return nil, errs.Wrap(err, "scan her code")
		}
		due := s.at(expires)
		it.Kind, it.Role, it.Status, it.URL, it.Due, it.At = "volunteer", "code", CodePending, "/volunteer#codes", &due, s.at(created)
		it.Title = fmt.Sprintf("积分兑换码（%d分）", points)
		out = append(out, it)
	}
	return out, errs.Wrap(rows.Err(), "her codes")
}

// TodoItems are, for staff who manage volunteers, the tasks begun whose
// hours wait to be confirmed and the registrations waiting for approval in
// their scope, for their 待办.
func (s *Service) TodoItems(ctx context.Context, u auth.User) ([]agenda.Item, error) {
	if u.IsAdmin() || u.AreaCode == "" {
		return nil, nil
	}
	mgr, err := s.manager(ctx, s.db.R, u)
	if err != nil || !mgr {
		return nil, err
	}
	now := s.clock.Now()
	lo, hi := gov.UnderRange(u.AreaCode)
	out := []agenda.Item{}
	rows, err := s.db.R.QueryContext(ctx, `SELECT t.id, t.title, t.starts_at, COUNT(*) FROM volunteer_tasks t JOIN volunteer_signups x ON x.task_id = t.id AND x.status = 'signed'
WHERE t.community_code >= $1 AND t.community_code < $2 AND t.status = 'open' AND t.starts_at <= $3 GROUP BY t.id, t.title, t.starts_at ORDER BY t.starts_at LIMIT 50`,
		lo, hi, db.Millis(now))
	if err != nil {
		return nil, errs.Wrap(err, "hours to confirm")
	}
	for rows.Next() {
		var it agenda.Item
		var starts, n int64
		if err := rows.Scan(&it.Ref, &it.Title, &starts, &n); err != nil {
			rows.Close()
			return nil, errs.Wrap(err, "scan hours to confirm")
		}
		at := s.at(starts)
		it.Kind, it.Role, it.Status, it.URL, it.NeedsAction, it.At = "volunteer", "hours", "open", "/staff/volunteer/tasks/"+it.Ref, true, at
		it.Title = fmt.Sprintf("%s：%d位志愿者的时长待确认", it.Title, n)
		out = append(out, it)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, errs.Wrap(err, "hours to confirm")
	}
	rows, err = s.db.R.QueryContext(ctx, `SELECT v.id, v.name, a.name, v.updated_at FROM volunteers v JOIN areas a ON a.code = v.community_code
WHERE v.community_code >= $1 AND v.community_code < $2 AND v.status = 'pending' ORDER BY v.updated_at LIMIT 50`, lo, hi)
	if err != nil {
		return nil, errs.Wrap(err, "volunteers to approve")
	}
	defer rows.Close()
	for rows.Next() {
		var it agenda.Item
		var name, area string
		var at int64
		if err := rows.Scan(&it.Ref, &name, &area, &at); err != nil {
			return nil, errs.Wrap(err, "scan volunteer to approve")
		}
		it.Kind, it.Role, it.Status, it.URL, it.NeedsAction, it.At = "volunteer", "approve", StatusPending, "/staff/volunteer#v-"+it.Ref, true, s.at(at)
		it.Title = fmt.Sprintf("%s志愿者登记待审核：%s", area, auth.MaskName(name))
		out = append(out, it)
	}
	return out, errs.Wrap(rows.Err(), "volunteers to approve")
}
