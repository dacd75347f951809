package ticket

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/gongzhi/gongzhi/internal/auth"
	"github.com/gongzhi/gongzhi/internal/db"
	"github.com/gongzhi/gongzhi/internal/errs"
	"github.com/gongzhi/gongzhi/internal/gov"
)

// The effects of the rows of machine that handle the exceptions of daily
// work: returns, extensions, reminders and escalation, summons, co-handling,
// redo, merge and invalid tickets.

func (s *Service) returnTicket(ctx context.Context, c *change, in ActionInput) error {
	t := &c.t
	t.statusBefore, t.Status = t.Status, StatusReturned
	t.ReturnReason = in.Reason
	t.ReturnCount++
	c.note = strings.TrimSpace(in.Reason + " " + in.Note)
	return s.notify(ctx, c.tx, c.now, Notification{Role: string(auth.RoleDispatcher), AreaCode: t.AreaCode, TicketNumber: t.Number,
		Kind: "return", Text: "承办单位申请退单，请审核：" + in.Reason})
}

func (s *Service) approveReturn(ctx context.Context, c *change, in ActionInput) error {
	t := &c.t
	if in.OrgCode == t.AssignedOrgCode {
		return errs.Invalidf("同意退单后须派给另一个单位", "an approved return goes to another unit")
	}
	return s.dispatchTo(ctx, c, in.OrgCode)
}

func (s *Service) rejectReturn(ctx context.Context, c *change, in ActionInput) error {
	t := &c.t
	t.Status, t.statusBefore, t.ReturnReason = t.statusBefore, "", ""
	if t.Status == "" {
		t.Status = StatusDispatched
	}
	return s.notify(ctx, c.tx, c.now, Notification{OrgCode: t.AssignedOrgCode, TicketNumber: t.Number, Kind: "return_rejected", Text: "退单申请被驳回，请继续办理：" + in.Note})
}

func (s *Service) requestExtension(ctx context.Context, c *change, in ActionInput) error {
	t := &c.t
	until, err := s.parseUntil(in.Until)
	if err != nil {
		return err
	}
	if t.DueCompleteAt != nil && !until.After(*t.DueCompleteAt) {
		return errs.Invalidf("延期时间须晚于当前办结时限", "until must be after the current completion deadline")
	}
	if until.After(c.now.AddDate(0, 0, MaxExtensionDays)) {
		return errs.Invalidf("延期不能超过%d天", "an extension may reach at most %d days ahead", MaxExtensionDays)
	}
	t.ExtensionUntil, t.ExtensionReason = &until, in.Reason
	c.note = "延期至 " + until.In(s.loc).Format("2006-01-02 15:04") + "：" + in.Reason
	return s.notify(ctx, c.tx, c.now, Notification{Role: string(auth.RoleDispatcher), AreaCode: t.AreaCode, TicketNumber: t.Number, Kind: "extension", Text: "承办单位申请延期，请审批"})
}

func (s *Service) approveExtension(ctx context.Context, c *change, in ActionInput) error {
	t := &c.t
	until := *t.ExtensionUntil
	start := c.now
	if t.SignedAt != nil {
		start = *t.SignedAt
	}
	t.DueCompleteAt = &until
	t.warnCompleteAt = tp(Limit{Unit: WorkingHours}.Warn(s.cal, start, until))
	t.ExtensionCount++
	t.ExtensionUntil, t.ExtensionReason = nil, ""
	return s.notify(ctx, c.tx, c.now, Notification{OrgCode: t.AssignedOrgCode, TicketNumber: t.Number, Kind: "extension_approved", Text: "延期申请已批准"})
}

func (s *Service) rejectExtension(ctx context.Context, c *change, in ActionInput) error {
	t := &c.t
	t.ExtensionUntil, t.ExtensionReason = nil, ""
	return s.notify(ctx, c.tx, c.now, Notification{OrgCode: t.AssignedOrgCode, TicketNumber: t.Number, Kind: "extension_rejected", Text: "延期申请被驳回：" + in.Note})
}

func (s *Service) remind(ctx context.Context, c *change, in ActionInput) error {
	t := &c.t
	return s.notify(ctx, c.tx, c.now, Notification{OrgCode: t.AssignedOrgCode, TicketNumber: t.Number, Kind: "remind", Text: "催办：" + in.Note})
}

func (s *Service) escalate(ctx context.Context, c *change, in ActionInput) error {
	t := &c.t
	org := in.OrgCode
	if org == "" {
		org = t.AssignedOrgCode
	}
	if org == "" {
		return errs.Invalidf("工单尚未派单，请指定督办单位", "the ticket has no unit yet: name org_code")
	}
	return s.summon(ctx, c, "escalation", []string{org}, in.WithinHours, in.Note)
}

func (s *Service) whistle(ctx context.Context, c *change, in ActionInput) error {
	return s.summon(ctx, c, "whistle", in.OrgCodes, in.WithinHours, in.Note)
}

func (s *Service) report(ctx context.Context, c *change, in ActionInput) error {
	t := &c.t
	sm := pendingSummons(*c.u, *t)
	_, err := c.tx.ExecContext(ctx, `UPDATE ticket_summons SET status = 'reported', reported_at = $1, report_note = $2 WHERE id = $3`,
		db.Millis(c.now), in.Note, sm.ID)
	c.org = sm.OrgCode
	return errs.Wrap(err, "report")
}

func (s *Service) addHelper(ctx context.Context, c *change, in ActionInput) error {
	t := &c.t
	if in.OrgCode == t.AssignedOrgCode {
		return errs.Invalidf("主办单位不能同时是协办单位", "the lead unit cannot also be a helper")
	}
	if _, err := gov.OrgQ(ctx, c.tx, in.OrgCode); err != nil {
		return errs.Invalidf("组织 %s 不存在", "unknown organisation %s", in.OrgCode)
	}
	for _, h := range t.Helpers {
		if h.OrgCode == in.OrgCode {
			return errs.Conflictf("%s 已是协办单位", "%s is already a helper unit", in.OrgCode)
		}
	}
	_, err := c.tx.ExecContext(ctx, `INSERT INTO ticket_helpers (ticket_number, org_code, status, note, added_at) VALUES ($1, $2, 'dispatched', $3, $4)`,
		t.Number, in.OrgCode, in.Note, db.Millis(c.now))
	if err != nil {
		return errs.Wrap(err, "add helper")
	}
	c.org = in.OrgCode
	return s.notify(ctx, c.tx, c.now, Notification{OrgCode: in.OrgCode, TicketNumber: t.Number, Kind: "helper", Text: "请协办此工单，签收并答复本单位部分"})
}

func (s *Service) redo(ctx context.Context, c *change, in ActionInput) error {
	t := &c.t
	lim, err := s.limitsFor(ctx, t.CategoryCode, t.Kind, t.Urgency)
	if err != nil {
		return err
	}
	t.Status, t.DispatchedAt = StatusDispatched, tp(c.now)
	t.SignedAt, t.ContactedAt, t.RepliedAt, t.ClosedAt = nil, nil, nil, nil
	t.DueCompleteAt, t.warnCompleteAt = nil, nil
	t.ReplyText, t.ReplyResolved, t.Rating = "", nil, nil
	t.ReviewPending = false
	t.RedoCount++
	s.startSign(t, lim, c.now)
	s.startContact(t, lim, c.now)
	_, err = c.tx.ExecContext(ctx, `UPDATE ticket_helpers SET status = 'dispatched', signed_at = NULL, replied_at = NULL, reply_text = '' WHERE ticket_number = $1`, t.Number)
	if err != nil {
		return errs.Wrap(err, "reset helpers")
	}
	return s.notify(ctx, c.tx, c.now, Notification{OrgCode: t.AssignedOrgCode, TicketNumber: t.Number, Kind: "redo", Text: "诉求人不满意，工单重办：" + in.Note})
}

func (s *Service) mergeAction(ctx context.Context, c *change, in ActionInput) error {
	return s.merge(ctx, c, in.Into)
}

func (s *Service) invalidate(ctx context.Context, c *change, in ActionInput) error {
	t := &c.t
	t.Status, t.InvalidReason, t.ClosedAt = StatusInvalid, in.Reason, tp(c.now)
	c.note = strings.TrimSpace(in.Reason + " " + in.Note)
	return nil
}

// parseUntil reads a time given as RFC 3339 or as "2006-01-02 15:04" (or a
// date, meaning the end of the working day) in business time.
func (s *Service) parseUntil(v string) (time.Time, error) {
	v = strings.TrimSpace(v)
	if t, err := time.Parse(time.RFC3339, v); err == nil {
		return t, nil
	}
	for _, layout := range []string{"2006-01-02 15:04", "2006-01-02T15:04"} {
		if t, err := time.ParseInLocation(layout, v, s.loc); err == nil {
			return t, nil
		}
	}
	if t, err := time.ParseInLocation("2006-01-02", v, s.loc); err == nil {
		return t.Add(17*time.Hour + 30*time.Minute), nil
	}
	return time.Time{}, errs.Invalidf("时间格式不正确：%q（例如 2026-12-01 17:30）", "malformed time %q (e.g. 2026-12-01T17:30:00+08:00)", v)
}

// summon calls units to report on the ticket within hours.
func (s *Service) summon(ctx context.Context, c *change, kind string, orgs []string, hours int, note string) error {
	t := &c.t
	due := c.now.Add(time.Duration(hours) * time.Hour)
	seen := map[string]bool{}
	for _, org := range orgs {
		if seen[org] {
			continue
		}
		seen[org] = true
		if _, err := gov.OrgQ(ctx, c.tx, org); err != nil {
			return errs.Invalidf("组织 %s 不存在", "unknown organisation %s", org)
		}
		_, err := c.tx.ExecContext(ctx, `INSERT INTO ticket_summons (id, ticket_number, kind, org_code, by_user, note, created_at, due_at, status)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 'pending')`, db.NewID(), t.Number, kind, org, c.u.ID, note, db.Millis(c.now), db.Millis(due))
		if err != nil {
			return errs.Wrap(err, "summon")
		}
		text := fmt.Sprintf("吹哨报到：请于%d小时内就此工单报到。%s", hours, note)
		if kind == "escalation" {
			text = fmt.Sprintf("督办：请于%d小时内报告办理情况。%s", hours, note)
		}
		if err := s.notify(ctx, c.tx, c.now, Notification{OrgCode: org, TicketNumber: t.Number, Kind: kind, Text: text}); err != nil {
			return err
		}
	}
	c.note = strings.TrimSpace(fmt.Sprintf("%s %dh %s", strings.Join(orgs, ","), hours, note))
	return nil
}

// merge makes the ticket a duplicate of another; the parent's reply and close
// reach this ticket's reporter.
func (s *Service) merge(ctx context.Context, c *change, into string) error {
	t := &c.t
	if into == t.Number {
		return errs.Invalidf("不能并入自身", "a ticket cannot be merged into itself")
	}
	parent, err := s.get(ctx, c.tx, into)
	if err != nil {
		return errs.Invalidf("要并入的工单 %s 不存在", "ticket %s to merge into does not exist", into)
	}
	if parent.Status.Ended() {
		return errs.Conflictf("工单 %s 已合并、无效、已撤回或已办结，不能再并入", "ticket %s is merged, invalid, withdrawn or closed; merge into an open one", into)
	}
	if !c.u.InArea(parent.AreaCode) && c.u.Role != auth.RoleAdmin {
		return errs.New(errs.Forbidden, "要并入的工单不在您的管辖范围内", "the ticket to merge into is outside your scope")
	}
	t.Status, t.ParentNumber = StatusMerged, into
	c.note = strings.TrimSpace("→ " + into + " " + c.note)
	// Children of this ticket follow it into the parent.
	_, err = c.tx.ExecContext(ctx, `UPDATE tickets SET parent_number = $1 WHERE parent_number = $2`, into, t.Number)
	return errs.Wrap(err, "move children")
}

// tellChildren appends to each merged child the parent's news and tells the
// child's reporter.
func (s *Service) tellChildren(ctx context.Context, c *change, action, text string) error {
	rows, err := c.tx.QueryContext(ctx, `SELECT `+ticketCols+` FROM tickets WHERE parent_number = $1 AND status = $2`, c.t.Number, StatusMerged)
	if err != nil {
		return errs.Wrap(err, "read children")
	}
	var children []Ticket
	for rows.Next() {
		ch, err := s.scanTicket(rows)
		if err != nil {
			rows.Close()
			return errs.Wrap(err, "scan child")
		}
		children = append(children, ch)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return errs.Wrap(err, "read children")
	}
	for _, ch := range children {
		cc := &change{s: s, tx: c.tx, u: nil, now: c.now, before: ch, t: ch, action: action, note: c.t.Number + "：" + text}
		cc.t.UpdatedAt = c.now
		if action == ActionParentClosed {
			cc.t.ClosedAt = tp(c.now)
		}
		if err := cc.commit(ctx); err != nil {
			return err
		}
		if ch.ReporterPhone != "" {
			if err := s.notify(ctx, c.tx, c.now, Notification{Phone: ch.ReporterPhone, TicketNumber: ch.Number, Kind: action, Text: s.parentText(ch, action)}); err != nil {
				return err
			}
		}
	}
	return nil
}

func helperPart(u auth.User, t Ticket) *Helper {
	if u.Role != auth.RoleHandler || u.OrgCode == "" {
		return nil
	}
	for i := range t.Helpers {
		if t.Helpers[i].OrgCode == u.OrgCode {
			return &t.Helpers[i]
		}
	}
	return nil
}

func helpersNotReplied(t Ticket) []string {
	var out []string
	for _, h := range t.Helpers {
		if h.Status != "replied" {
			out = append(out, h.OrgCode)
		}
	}
	return out
}

func pendingSummons(u auth.User, t Ticket) *Summons {
	if u.Role != auth.RoleHandler || u.OrgCode == "" {
		return nil
	}
	for i := range t.Summons {
		if t.Summons[i].OrgCode == u.OrgCode && t.Summons[i].Status == "pending" {
			return &t.Summons[i]
		}
	}
	return nil
}

func (s *Service) helperSign(ctx context.Context, c *change) error {
	_, err := c.tx.ExecContext(ctx, `UPDATE ticket_helpers SET status = 'signed', signed_at = $1 WHERE ticket_number = $2 AND org_code = $3`,
		db.Millis(c.now), c.t.Number, c.u.OrgCode)
	c.org, c.action = c.u.OrgCode, ActionHelperSign
	return errs.Wrap(err, "helper sign")
}

func (s *Service) helperReply(ctx context.Context, c *change, text string) error {
	_, err := c.tx.ExecContext(ctx, `UPDATE ticket_helpers SET status = 'replied', replied_at = $1, reply_text = $2 WHERE ticket_number = $3 AND org_code = $4`,
		db.Millis(c.now), text, c.t.Number, c.u.OrgCode)
	if err != nil {
		return errs.Wrap(err, "helper reply")
	}
	c.org, c.action, c.note = c.u.OrgCode, ActionHelperReply, text
	c.retext = true
	return s.notify(ctx, c.tx, c.now, Notification{OrgCode: c.t.AssignedOrgCode, TicketNumber: c.t.Number, Kind: "helper_reply", Text: "协办单位已答复：" + text})
}
