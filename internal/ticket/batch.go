package ticket

import (
	"context"

	"github.com/gongzhi/gongzhi/internal/auth"
	"github.com/gongzhi/gongzhi/internal/errs"
	"github.com/gongzhi/gongzhi/internal/idem"
)

// MaxBatch is the most tickets one batch action names.
const MaxBatch = 100

// BatchActions are the actions a batch may take: dispatch (派单) and remind
// (催办). Each is still checked ticket by ticket by Act.
var BatchActions = []string{ActionDispatch, ActionRemind}

// BatchResult is what one ticket of a batch came to: done, with its new
// status, or refused with the reason.
type BatchResult struct {
	Number string       `json:"number"`
	OK     bool         `json:"ok"`
	Status Status       `json:"status,omitempty"`
	Error  *errs.Error  `json:"-"`
	Reason *BatchReason `json:"error,omitempty"`
}

// BatchReason is a refusal as the API writes it.
type BatchReason struct {
	Code      errs.Code `json:"code"`
	Message   string    `json:"message"`
	MessageEn string    `json:"message_en"`
}

// CheckBatch refuses a batch that names no ticket, too many, one twice, a
// malformed number or an action a batch does not take.
func CheckBatch(action string, numbers []string) error {
	if !oneOf(action, BatchActions) {
		return errs.Invalidf("批量操作须为 dispatch（派单）或 remind（催办）", "a batch action must be dispatch or remind")
	}
	if len(numbers) == 0 || len(numbers) > MaxBatch {
		return errs.Invalidf("请选择1到%d张工单", "numbers must name 1 to %d tickets", MaxBatch)
	}
	seen := make(map[string]bool, len(numbers))
	for _, n := range numbers {
		if !ValidNumber(n) {
			return errs.Invalidf("工单编号格式不正确：%q", "malformed ticket number: %q", n)
		}
		if seen[n] {
			return errs.Invalidf("工单编号重复：%s", "ticket number named twice: %s", n)
		}
		seen[n] = true
	}
	return nil
}

// ActMany takes one action on each of numbers for u, one Act (one event,
// one check of who may) per ticket, and returns each ticket's result in the
// order given. A refusal of one ticket does not stop the others. An
// Idempotency-Key on ctx is made one per ticket (the key and the number),
// so a retried batch repeats none of the tickets that were done.
func (s *Service) ActMany(ctx context.Context, u auth.User, action string, numbers []string, in ActionInput) ([]BatchResult, error) {
	if err := CheckBatch(action, numbers); err != nil {
		return nil, err
	}
	if err := in.clean(); err != nil {
		return nil, err
	}
	if r, ok := ruleOf(action); ok && r.check != nil {
		if err := r.check(&in); err != nil {
			return nil, err
		}
	}
	key, keyed := idem.From(ctx)
	out := make([]BatchResult, 0, len(numbers))
	for _, n := range numbers {
		c := ctx
		if keyed {
			k := key
			k.Key = key.Key + "#" + n
			c = idem.With(ctx, k)
		}
		res := BatchResult{Number: n}
		t, err := s.Act(c, u, n, action, in)
		if err != nil {
			de := errs.As(err)
			if de.Code == errs.Internal || de.Code == errs.Unavailable {
				return out, err
			}
			res.Error = de
			res.Reason = &BatchReason{Code: de.Code, Message: de.Msg, MessageEn: de.MsgEn}
		} else {
			res.OK, res.Status = true, t.Status
		}
		out = append(out, res)
	}
	return out, nil
}

// BatchActionsFor returns the batch actions u may take on some ticket of
// her own area, so that the workbench offers only those: the state
// machine's rule of each action, asked of a ticket in her area. Each
// ticket of a batch is still checked by Act.
func BatchActionsFor(u auth.User) []string {
	var out []string
	probe := Ticket{AreaCode: u.AreaCode, AssignedOrgCode: u.OrgCode}
	for _, a := range BatchActions {
		if r, ok := ruleOf(a); ok && r.who(u, probe) {
			out = append(out, a)
		}
	}
	return out
}
