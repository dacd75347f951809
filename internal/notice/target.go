package notice

import (
	"context"

	"github.com/gongzhi/gongzhi/internal/auth"
	"github.com/gongzhi/gongzhi/internal/deliberation"
)

// TargetKind is the kind under which items are described to comments.
const TargetKind = "notice"

// CommentTarget describes the item to the comments (internal/deliberation)
// as u may see it: not found when she may not read it. It takes comments
// while its comment or public-notice period runs; u speaks officially for
// it when she is staff of the publishing organisation. It is a
// deliberation.Resolver.
func (s *Service) CommentTarget(ctx context.Context, u auth.User, number string) (deliberation.Target, error) {
	n, _, err := s.visible(ctx, s.db.R, u, number)
	if err != nil {
		return deliberation.Target{}, err
	}
	now := s.clock.Now()
	open := (n.Status == StatusCommenting && n.CommentUntil != nil && now.Before(*n.CommentUntil)) ||
		(n.Status == StatusNoticing && n.NoticeUntil != nil && now.Before(*n.NoticeUntil))
	return deliberation.Target{Kind: TargetKind, ID: n.Number, Title: n.Title, URL: "/notices/" + n.Number,
		AreaCode: n.AreaCode, OrgCode: n.OrgCode, Level: n.Level, Open: open, Official: Official(u, n)}, nil
}

var _ deliberation.Resolver = (*Service)(nil).CommentTarget
