package project

import (
	"context"
	"net/url"

	"github.com/gongzhi/gongzhi/internal/auth"
	"github.com/gongzhi/gongzhi/internal/deliberation"
)

// TargetKind is the kind of a project among the items comments are about.
const TargetKind = "project"

// CommentTarget describes the project to the comments as u may read it
// (deliberation.Resolver): not found when she may not; open until it
// closes; her comments official when she is staff of the unit running it.
func (s *Service) CommentTarget(ctx context.Context, u auth.User, number string) (deliberation.Target, error) {
	p, err := s.Project(ctx, u, number)
	if err != nil {
		return deliberation.Target{}, err
	}
	return deliberation.Target{Kind: TargetKind, ID: p.Number, Title: p.Title, URL: "/projects/" + url.PathEscape(p.Number),
		AreaCode: p.AreaCode, OrgCode: p.OrgCode, Level: p.Level, Open: p.Phase != Closed, Official: Official(u, p)}, nil
}
