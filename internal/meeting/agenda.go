package meeting

import (
	"context"
	"github.com/gongzhi/gongzhi/internal/errs"

	"github.com/gongzhi/gongzhi/internal/agenda"
	"github.com/gongzhi/gongzhi/internal/auth"
)

// TodoItems are the open follow-up tasks of u's organisation, for her 待办.
func (s *Service) TodoItems(ctx context.Context, u auth.User) ([]agenda.Item, error) {
	if u.IsAdmin() || !CanListTasks(u, u.OrgCode) {
		return nil, nil
	}
	tasks, err := s.OpenTasksOf(ctx, u, u.OrgCode, 50)
	if err != nil {
		return nil, err
	}
	out := []agenda.Item{}
	for _, t := range tasks {
		due := t.DueAt
		out = append(out, agenda.Item{Kind: "meeting", Ref: t.MeetingID, Title: t.MeetingTitle + "：" + t.Text, Status: t.Status,
			Role: "task", URL: "/staff/meetings/" + t.MeetingID, NeedsAction: true, Due: &due, At: due})
	}
	return out, nil
}

// MineItems are the meetings u is a member of, once noticed, for her 我的事项:
// one open for sign-in that she has not signed waits for her.
func (s *Service) MineItems(ctx context.Context, u auth.User) ([]agenda.Item, error) {
	if u.Role != auth.RoleResident || u.Phone == "" {
		return nil, nil
	}
	rows, err := s.db.R.QueryContext(ctx, `SELECT m.id, m.title, m.status, m.starts_at, m.updated_at, x.signed_at IS NOT NULL FROM meeting_members x
JOIN meetings m ON m.id = x.meeting_id WHERE x.phone = $1 AND m.status <> 'draft' ORDER BY m.starts_at DESC LIMIT 50`, u.Phone)
	if err != nil {
		return nil, errs.Wrap(err, "her meetings")
	}
	defer rows.Close()
	out := []agenda.Item{}
	for rows.Next() {
		var it agenda.Item
		var starts, updated int64
		var signed bool
		if err := rows.Scan(&it.Ref, &it.Title, &it.Status, &starts, &updated, &signed); err != nil {
			return nil, errs.Wrap(err, "scan her meetings")
		}
		it.Kind, it.Role, it.URL, it.At = "meeting", "member", "/meetings/"+it.Ref, s.at(updated)
		if it.Status == string(StatusOpen) && !signed {
			at := s.at(starts)
			it.NeedsAction, it.Due = true, &at
		}
		out = append(out, it)
	}
	return out, errs.Wrap(rows.Err(), "her meetings")
}
