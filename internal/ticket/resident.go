package ticket

import (
	"context"
	"fmt"
	"time"

	"github.com/gongzhi/gongzhi/internal/db"
	"github.com/gongzhi/gongzhi/internal/errs"
)

// The reporter's own actions besides the rating: withdrawing a request not
// yet dispatched (撤回), urging the unit on (催办, once a day) and adding
// information (补充). Who may take them and when is in their rows of machine.

// MaxSupplement is how long the information a reporter adds may be, and
// MaxSupplementsPerDay how often a day (business time) she may add to one
// request: each one is a message to the unit.
const (
	MaxSupplement        = MaxNote
	MaxSupplementsPerDay = 5
)

// untilTomorrow is the refusal of something allowed again tomorrow
// (business time), with the seconds to wait.
func untilTomorrow(now time.Time, loc *time.Location, zh, en string) error {
	tomorrow := startOfDay(now, loc).AddDate(0, 0, 1)
	return &errs.Error{Code: errs.TooMany, Msg: zh, MsgEn: en, RetryAfter: int(tomorrow.Sub(now).Seconds()) + 1}
}

func needSupplement(in *ActionInput) error {
	if in.Note == "" {
		return errs.Invalidf("请填写要补充的情况", "note (the information to add) is required")
	}
	if runes(in.Note) > MaxSupplement {
		return errs.Invalidf("补充内容不能超过%d字", "note must be at most %d characters", MaxSupplement)
	}
	return nil
}

// withdraw ends a request nobody handles yet; it counts for no unit.
func (s *Service) withdraw(_ context.Context, c *change, _ ActionInput) error {
	c.t.Status, c.t.ClosedAt = StatusWithdrawn, tp(c.now)
	return nil
}

// urge tells the unit the reporter is waiting, at most once a calendar day
// (business time) per ticket.
func (s *Service) urge(ctx context.Context, c *change, in ActionInput) error {
	t := &c.t
	if last := t.lastUrgedAt; last != nil && sameDay(*last, c.now, s.loc) {
		return untilTomorrow(c.now, s.loc, "您今天已经催办过这个诉求，明天可以再次催办",
			"you have already urged this request today; you can urge it again tomorrow")
	}
	t.UrgeCount++
	text := "诉求人催办，请尽快办理"
	if in.Note != "" {
		text += "：" + in.Note
	}
	return s.notify(ctx, c.tx, c.now, Notification{OrgCode: t.AssignedOrgCode, TicketNumber: t.Number, Kind: ActionUrge, Text: text})
}

// supplement appends what the reporter adds; the unit handling it is told.
func (s *Service) supplement(ctx context.Context, c *change, in ActionInput) error {
	t := &c.t
	var today int
	err := c.tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM ticket_events WHERE ticket_number = $1 AND action = $2 AND at >= $3`,
		t.Number, ActionSupplement, db.Millis(startOfDay(c.now, s.loc))).Scan(&today)
	if err != nil {
		return errs.Wrap(err, "count supplements")
	}
	if today >= MaxSupplementsPerDay {
		return untilTomorrow(c.now, s.loc, fmt.Sprintf("这个诉求今天已补充%d次，明天可以再补充", MaxSupplementsPerDay),
			fmt.Sprintf("this request had %d additions today; you can add more tomorrow", MaxSupplementsPerDay))
	}
	if t.AssignedOrgCode == "" {
		return nil // the dispatchers read it on the ticket before they dispatch
	}
	return s.notify(ctx, c.tx, c.now, Notification{OrgCode: t.AssignedOrgCode, TicketNumber: t.Number, Kind: ActionSupplement,
		Text: "诉求人补充了情况：" + in.Note})
}

func startOfDay(t time.Time, loc *time.Location) time.Time {
	y, m, d := t.In(loc).Date()
	return time.Date(y, m, d, 0, 0, 0, 0, loc)
}

func sameDay(a, b time.Time, loc *time.Location) bool {
	return startOfDay(a, loc).Equal(startOfDay(b, loc))
}
