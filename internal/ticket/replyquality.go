package ticket

import (
	"context"
	"strings"

	"github.com/gongzhi/gongzhi/internal/auth"
	"github.com/gongzhi/gongzhi/internal/errs"
	"github.com/gongzhi/gongzhi/internal/insight/replyq"
)

// IsReplyEvent reports whether an event of the action carries a written
// reply in its note: the lead unit's, a helper's, an answer on the spot or
// a grid worker's fix.
func IsReplyEvent(action string) bool {
	switch action {
	case ActionReply, ActionHelperReply, ActionAnswer, ActionSelfResolve:
		return true
	}
	return false
}

// ReplyRequest is the request a reply to t answers, as replyq reads it: the
// category and the place on the first line, so that their words count, and
// the description after.
func (s *Service) ReplyRequest(ctx context.Context, t Ticket) string {
	head := []string{}
	if c, err := s.Category(ctx, t.CategoryCode); err == nil && c.Name != "" {
		head = append(head, c.Name)
	}
	if a, err := s.gov.Area(ctx, t.AreaCode); err == nil && a.Name != "" {
		head = append(head, a.Name)
	}
	if t.Address != "" {
		head = append(head, t.Address)
	}
	return strings.Join(head, " ") + "\n" + t.Description
}

// CheckReplyDraft refuses a draft the reply forms would refuse for its length.
func CheckReplyDraft(text string) error {
	if n := runes(text); n > MaxReply {
		return errs.Invalidf("答复内容不能超过%d字", "reply_text must be at most %d characters", MaxReply)
	}
	return nil
}

// ScoreDraft scores a draft reply to the ticket for u, who must be able to
// reply to it now (CanDraftReply): the advice she sees before she sends.
func (s *Service) ScoreDraft(ctx context.Context, u auth.User, number, draft string) (replyq.Result, error) {
	if err := CheckReplyDraft(draft); err != nil {
		return replyq.Result{}, err
	}
	t, err := s.Visible(ctx, u, number)
	if err != nil {
		return replyq.Result{}, err
	}
	if !CanDraftReply(u, t) {
		return replyq.Result{}, errs.New(errs.Forbidden, "您现在不能答复该工单", "you cannot reply to this ticket now")
	}
	return replyq.Score(s.ReplyRequest(ctx, t), CleanText(draft)), nil
}

// ReplyQuality is the advice on each reply of t's timeline that u may see
// (CanSeeReplyQuality), by the event's sequence number.
func (s *Service) ReplyQuality(ctx context.Context, u auth.User, t Ticket, events []Event) map[int]replyq.Result {
	var out map[int]replyq.Result
	request := ""
	for _, e := range events {
		if !CanSeeReplyQuality(u, t, e) || strings.TrimSpace(e.Note) == "" {
			continue
		}
		if out == nil {
			out, request = map[int]replyq.Result{}, s.ReplyRequest(ctx, t)
		}
		out[e.Seq] = replyq.Score(request, e.Note)
	}
	return out
}

// ScoreText scores a reply to a request given as text, not a ticket: for
// any member of staff (a unit's own system checking its drafts).
func ScoreText(u auth.User, request, reply string) (replyq.Result, error) {
	if !u.Role.IsStaff() {
		return replyq.Result{}, errs.ErrForbidden
	}
	if n := runes(request); n > MaxDescription {
		return replyq.Result{}, errs.Invalidf("诉求内容不能超过%d字", "request must be at most %d characters", MaxDescription)
	}
	if err := CheckReplyDraft(reply); err != nil {
		return replyq.Result{}, err
	}
	return replyq.Score(CleanText(request), CleanText(reply)), nil
}
