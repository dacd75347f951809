package proposal

import (
	"context"

	"github.com/gongzhi/gongzhi/internal/auth"
	"github.com/gongzhi/gongzhi/internal/deliberation"
)

// CommentKind is the kind under which proposals take comments.
const CommentKind = "proposal"

// CommentTarget describes the proposal to the comments (deliberation) as u
// may see it: not found when she may not read it; open to comments while it
// collects co-signatures, awaits its answer or is being carried out; her
// comments official when she speaks for the organisation that answers it.
func (s *Service) CommentTarget(ctx context.Context, u auth.User, number string) (deliberation.Target, error) {
	p, _, err := s.visible(ctx, s.db.R, u, number)
	if err != nil {
		return deliberation.Target{}, err
	}
	return deliberation.Target{
		Kind: CommentKind, ID: p.Number, Title: p.Title, URL: "/proposals/" + p.Number,
		AreaCode: p.AreaCode, OrgCode: p.OrgCode, Level: p.Visibility,
		Open:     p.Status == StatusCollecting || p.Status == StatusAccepted || p.Status == StatusEscalated || p.Status == StatusAdopted,
		Official: ofResponsible(u, p),
	}, nil
}
