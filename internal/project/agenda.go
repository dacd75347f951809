package project

import (
	"context"

	"github.com/gongzhi/gongzhi/internal/agenda"
	"github.com/gongzhi/gongzhi/internal/auth"
)

// TodoItems are the residents' needs and opinions u's unit must answer,
// for her 待办.
func (s *Service) TodoItems(ctx context.Context, u auth.User) ([]agenda.Item, error) {
	if u.IsAdmin() || !CanSeeQueue(u) {
		return nil, nil
	}
	q, err := s.Unanswered(ctx, u, "", 50)
	if err != nil {
		return nil, err
	}
	out := []agenda.Item{}
	for _, in := range q.Items {
		due := in.AnswerDue
		out = append(out, agenda.Item{Kind: "project", Ref: in.Number, Title: in.ProjectTitle + "：" + in.Text, Status: string(in.Phase),
			Role: "input", URL: "/staff/projects/" + in.Number, NeedsAction: true, Due: &due, At: in.CreatedAt})
	}
	return out, nil
}
