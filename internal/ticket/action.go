package ticket

import (
	"context"
	"database/sql"
	"strings"
	"time"

	"github.com/gongzhi/gongzhi/internal/auth"
	"github.com/gongzhi/gongzhi/internal/db"
	"github.com/gongzhi/gongzhi/internal/errs"
	"github.com/gongzhi/gongzhi/internal/idem"
)

// Actions on a ticket.
const (
	ActionDispatch = "dispatch"
	ActionSign     = "sign"
	ActionContact  = "contact"
	ActionReply    = "reply"
	ActionRate     = "rate"
	ActionClose    = "close"
)

// Actions lists the actions in loop order.
var Actions = []string{ActionDispatch, ActionSign, ActionContact, ActionReply, ActionRate, ActionClose}

// ActionInput carries the fields an action may take.
type ActionInput struct {
	OrgCode      string       `json:"org_code"`
	Note         string       `json:"note"`
	ReplyText    string       `json:"reply_text"`
	Resolved     *bool        `json:"resolved"`
	Satisfaction Satisfaction `json:"satisfaction"`
	Comment      string       `json:"comment"`
}

// from lists the statuses each action may start from.
var from = map[string][]Status{
	ActionDispatch: {StatusRegistered},
	ActionSign:     {StatusDispatched},
	ActionContact:  {StatusSigned},
	ActionReply:    {StatusInProgress},
	ActionRate:     {StatusReplied},
	ActionClose:    {StatusRegistered, StatusDispatched, StatusSigned, StatusInProgress, StatusReplied},
}

func allowedFrom(action string, st Status) bool {
	for _, s := range from[action] {
		if s == st {
			return true
		}
	}
	return false
}

// AvailableActions returns what u may do with t now, in loop order.
func AvailableActions(u auth.User, t Ticket) []string {
	var out []string
	for _, a := range Actions {
		if allowedFrom(a, t.Status) && canAct(u, t, a) {
			out = append(out, a)
		}
	}
	return out
}

func (in *ActionInput) check(action string) error {
	in.Note = strings.TrimSpace(in.Note)
	in.ReplyText = strings.TrimSpace(in.ReplyText)
	in.Comment = strings.TrimSpace(in.Comment)
	if runes(in.Note) > MaxNote {
		return errs.Invalidf("备注不能超过%d字", "note must be at most %d characters", MaxNote)
	}
	switch action {
	case ActionDispatch:
		if in.OrgCode == "" {
			return errs.Invalidf("请选择承办单位", "org_code is required")
		}
	case ActionReply:
		if in.ReplyText == "" {
			return errs.Invalidf("请填写答复内容", "reply_text is required")
		}
		if n := runes(in.ReplyText); n > MaxReply {
			return errs.Invalidf("答复内容不能超过%d字", "reply_text must be at most %d characters", MaxReply)
		}
		if in.Resolved == nil {
			return errs.Invalidf("请说明问题是否已解决", "resolved (true or false) is required")
		}
	case ActionRate:
		if in.Resolved == nil {
			return errs.Invalidf("请选择问题是否已解决", "resolved (true or false) is required")
		}
		switch in.Satisfaction {
		case Satisfied, Basic, Unsatisfied:
		default:
			return errs.Invalidf("请选择满意、基本满意或不满意", "satisfaction must be satisfied, basic or unsatisfied")
		}
		if runes(in.Comment) > MaxComment {
			return errs.Invalidf("评价内容不能超过%d字", "comment must be at most %d characters", MaxComment)
		}
	}
	return nil
}

// Act takes an action on a ticket for u and returns the ticket as u may see it.
func (s *Service) Act(ctx context.Context, u auth.User, number, action string, in ActionInput) (Ticket, error) {
	if _, ok := from[action]; !ok {
		return Ticket{}, errs.NotFoundf("未知的操作：%q", "unknown action: %q", action)
	}
	if err := in.check(action); err != nil {
		return Ticket{}, err
	}
	now := s.clock.Now()
	err := s.db.Tx(ctx, func(tx *sql.Tx) error {
		// A retried action that already ran changes nothing more.
		if done, err := idem.ClaimTx(ctx, tx, now, number+"/"+action); err != nil || done != "" {
			return err
		}
		t, err := s.get(ctx, tx, number)
		if err != nil {
			return err
		}
		if !canView(u, t) {
			return errNotYours(u, number)
		}
		if !canAct(u, t, action) {
			return errs.ErrForbidden
		}
		if !allowedFrom(action, t.Status) {
			return errs.Conflictf("工单当前状态（%s）不能执行此操作", "this action is not allowed while the ticket is %s", t.Status)
		}
		return s.apply(ctx, tx, u, t, action, in, now)
	})
	if err != nil {
		return Ticket{}, err
	}
	return s.Get(ctx, u, number)
}

func (s *Service) apply(ctx context.Context, tx *sql.Tx, u auth.User, t Ticket, action string, in ActionInput, now time.Time) error {
	if action == ActionDispatch {
		return s.dispatchTx(ctx, tx, t, &u, in.OrgCode, in.Note, now)
	}
	next := t.Version + 1
	ms := db.Millis(now)
	var to Status
	var res sql.Result
	var err error
	note := in.Note
	switch action {
	case ActionSign:
		to = StatusSigned
		cat, cerr := categoryQ(ctx, tx, t.CategoryCode)
		if cerr != nil {
			return cerr
		}
		// The completion clock starts when the unit signs.
		due := db.Millis(now.Add(time.Duration(cat.CompleteHours) * time.Hour))
		res, err = tx.ExecContext(ctx, `UPDATE tickets SET status = $1, signed_at = $2, due_complete_at = $3, updated_at = $2, version = $4 WHERE number = $5 AND version = $6`,
			to, ms, due, next, t.Number, t.Version)
	case ActionContact:
		to = StatusInProgress
		res, err = tx.ExecContext(ctx, `UPDATE tickets SET status = $1, contacted_at = $2, updated_at = $2, version = $3 WHERE number = $4 AND version = $5`,
			to, ms, next, t.Number, t.Version)
	case ActionReply:
		to = StatusReplied
		note = in.ReplyText
		res, err = tx.ExecContext(ctx, `UPDATE tickets SET status = $1, replied_at = $2, reply_text = $3, reply_resolved = $4, updated_at = $2, version = $5 WHERE number = $6 AND version = $7`,
			to, ms, in.ReplyText, *in.Resolved, next, t.Number, t.Version)
	case ActionRate:
		to = StatusClosed
		note = string(in.Satisfaction)
		if in.Comment != "" {
			note += ": " + in.Comment
		}
		res, err = tx.ExecContext(ctx, `UPDATE tickets SET status = $1, closed_at = $2, rated_at = $2, rating_resolved = $3, rating_satisfaction = $4, rating_comment = $5, updated_at = $2, version = $6
WHERE number = $7 AND version = $8`, to, ms, *in.Resolved, in.Satisfaction, in.Comment, next, t.Number, t.Version)
	case ActionClose:
		to = StatusClosed
		res, err = tx.ExecContext(ctx, `UPDATE tickets SET status = $1, closed_at = $2, updated_at = $2, version = $3 WHERE number = $4 AND version = $5`,
			to, ms, next, t.Number, t.Version)
	}
	if err := checkUpdated(res, err); err != nil {
		return err
	}
	return insertEvent(ctx, tx, t.Number, eventFor(&u, next, now, action, t.Status, to, t.AssignedOrgCode, note))
}
