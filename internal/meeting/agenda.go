package meeting

import (
	"context"

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
