package survey

import (
	"context"
	"regexp"
	"strings"

	"github.com/gongzhi/gongzhi/internal/auth"
	"github.com/gongzhi/gongzhi/internal/deliberation"
	"github.com/gongzhi/gongzhi/internal/errs"
)

// A survey's target is the item it is about, "kind:id". The kinds are the
// items of participation; the id is the item's number within its kind.
// Where the item's capability has registered a Resolver for its kind
// (SetResolver), a new survey's target must be an item its creator may
// read, and each reader is shown its title and page if she may read it;
// for other kinds only the form is checked and the reference is shown as
// it is.

// TargetKinds are the kinds of item a survey may be about.
var TargetKinds = []string{"proposal", "topic", "notice", "project", "meeting", "vote"}

var targetID = regexp.MustCompile(`^[0-9A-Za-z_-]{1,40}$`)

// ParseTarget splits a target into its kind and id, or returns an error.
func ParseTarget(t string) (kind, id string, err error) {
	kind, id, ok := strings.Cut(t, ":")
	bad := errs.Invalidf("关联事项应写作「类别:编号」，类别为 proposal、topic、notice、project、meeting 或 vote",
		"target must be kind:id, the kind one of proposal, topic, notice, project, meeting or vote")
	if !ok || !targetID.MatchString(id) {
		return "", "", bad
	}
	for _, k := range TargetKinds {
		if k == kind {
			return kind, id, nil
		}
	}
	return "", "", bad
}

// SetResolver registers how items of the kind are found for a reader.
func (s *Service) SetResolver(kind string, r deliberation.Resolver) { s.resolvers[kind] = r }

// checkTarget checks a new survey's target as its creator.
func (s *Service) checkTarget(ctx context.Context, u auth.User, t string) error {
	if t == "" {
		return nil
	}
	kind, id, err := ParseTarget(t)
	if err != nil {
		return err
	}
	r := s.resolvers[kind]
	if r == nil {
		return nil
	}
	if _, err := r(ctx, u, id); err != nil {
		if errs.Is(err, errs.NotFound) || errs.Is(err, errs.Forbidden) {
			return errs.Invalidf("关联事项 %s 不存在或您无权查看", "the target %s does not exist or you may not read it", t)
		}
		return err
	}
	return nil
}

// link is the survey's target as u may see it, nil when unknown to her.
func (s *Service) link(ctx context.Context, u auth.User, t string) *Link {
	kind, id, err := ParseTarget(t)
	if err != nil {
		return nil
	}
	r := s.resolvers[kind]
	if r == nil {
		return nil
	}
	x, err := r(ctx, u, id)
	if err != nil {
		return nil
	}
	return &Link{Kind: kind, ID: id, Title: x.Title, URL: x.URL}
}
