package project

import (
	"context"
	"github.com/gongzhi/gongzhi/internal/errs"

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

// MineItems are the projects u sent needs or opinions to or scored, for her
// 我的事项: one being evaluated that she has not scored waits for her.
func (s *Service) MineItems(ctx context.Context, u auth.User) ([]agenda.Item, error) {
	if u.Role != auth.RoleResident || u.Phone == "" {
		return nil, nil
	}
	rows, err := s.db.R.QueryContext(ctx, `SELECT p.number, p.title, p.phase, p.phase_at,
EXISTS (SELECT 1 FROM project_evaluations e WHERE e.number = p.number AND e.phone = $1)
FROM projects p WHERE p.number IN (SELECT number FROM project_inputs WHERE phone = $1 UNION SELECT number FROM project_evaluations WHERE phone = $1)
ORDER BY p.phase_at DESC LIMIT 50`, u.Phone)
	if err != nil {
		return nil, errs.Wrap(err, "her projects")
	}
	defer rows.Close()
	out := []agenda.Item{}
	for rows.Next() {
		var it agenda.Item
		var at int64
		var scored bool
		if err := rows.Scan(&it.Ref, &it.Title, &it.Status, &at, &scored); err != nil {
			return nil, errs.Wrap(err, "scan her projects")
		}
		it.Kind, it.Role, it.URL, it.At = "project", "took_part", "/projects/"+it.Ref, s.at(at)
		it.NeedsAction = it.Status == string(Evaluating) && !scored
		out = append(out, it)
	}
	return out, errs.Wrap(rows.Err(), "her projects")
}
