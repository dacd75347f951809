package service

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"github.com/gongzhi/gongzhi/internal/auth"
	"github.com/gongzhi/gongzhi/internal/db"
	"github.com/gongzhi/gongzhi/internal/errs"
)

// The steps of a request after it is made: the provider's answer, the
// resident's cancelling, the completion by both sides, her rating and her
// complaint.

// release gives the request's place in its slot back.
func release(ctx context.Context, tx *sql.Tx, x stored) error {
	if x.SlotID == "" {
		return nil
	}
	_, err := tx.ExecContext(ctx, `UPDATE service_slots SET booked = booked - 1 WHERE id = $1 AND booked > 0`, x.SlotID)
	return errs.Wrap(err, "release place")
}

// Confirm accepts the request for the provider; the resident is told.
func (s *Service) Confirm(ctx context.Context, u auth.User, number string) (Request, error) {
	return s.step(ctx, u, number, func(tx *sql.Tx, x stored, now time.Time) (string, string, map[string]any, error) {
		if !CanAnswer(u, x.OrgCode) {
			return "", "", nil, errForbiddenAnswer
		}
		if x.Status != StatusRequested {
			return "", "", nil, errState(x.Status)
		}
		if _, err := tx.ExecContext(ctx, `UPDATE service_requests SET status = 'confirmed', confirmed_at = $2, answered_by = $3 WHERE number = $1`, x.Number, db.Millis(now), u.ID); err != nil {
			return "", "", nil, errs.Wrap(err, "confirm")
		}
		late := now.After(x.DueAt)
		return "confirm", "", map[string]any{"late": late}, s.notify(ctx, tx, now, x.phone, "", fmt.Sprintf("您的服务申请 %s（%s · %s）已确认。", x.Number, x.ProviderName, x.ServiceName))
	})
}

// Decline refuses the request for the provider, with the reason the
// resident is told; its place is given back.
func (s *Service) Decline(ctx context.Context, u auth.User, number, reason string) (Request, error) {
	if err := text(&reason, MaxReason, false, "婉拒理由", "the reason"); err != nil {
		return Request{}, err
	}
	return s.step(ctx, u, number, func(tx *sql.Tx, x stored, now time.Time) (string, string, map[string]any, error) {
		if !CanAnswer(u, x.OrgCode) {
			return "", "", nil, errForbiddenAnswer
		}
		if x.Status != StatusRequested && x.Status != StatusConfirmed {
			return "", "", nil, errState(x.Status)
		}
		if _, err := tx.ExecContext(ctx, `UPDATE service_requests SET status = 'declined', declined_at = $2, decline_reason = $3, answered_by = $4, closed_at = $2 WHERE number = $1`,
			x.Number, db.Millis(now), reason, u.ID); err != nil {
			return "", "", nil, errs.Wrap(err, "decline")
		}
		if err := release(ctx, tx, x); err != nil {
			return "", "", nil, err
		}
		return "decline", "", map[string]any{"reason": reason}, s.notify(ctx, tx, now, x.phone, "", fmt.Sprintf("很抱歉，您的服务申请 %s（%s）未能安排：%s", x.Number, x.ServiceName, reason))
	})
}

// Cancel withdraws the request on the resident's side before it is done;
// its place is given back and the provider told.
func (s *Service) Cancel(ctx context.Context, u auth.User, number string) (Request, error) {
	return s.step(ctx, u, number, func(tx *sql.Tx, x stored, now time.Time) (string, string, map[string]any, error) {
		ok, proxy := ResidentSide(u, x.Request)
		if !ok {
			return "", "", nil, errs.ErrForbidden
		}
		if !x.Status.Open() {
			return "", "", nil, errState(x.Status)
		}
		if _, err := tx.ExecContext(ctx, `UPDATE service_requests SET status = 'cancelled', closed_at = $2 WHERE number = $1`, x.Number, db.Millis(now)); err != nil {
			return "", "", nil, errs.Wrap(err, "cancel")
		}
		if err := release(ctx, tx, x); err != nil {
			return "", "", nil, err
		}
		return "cancel", behalf(proxy, x), nil, s.notify(ctx, tx, now, "", x.OrgCode, fmt.Sprintf("服务申请 %s（%s）已由居民取消。", x.Number, x.ServiceName))
	})
}

func behalf(proxy bool, x stored) string {
	if proxy {
		return x.phone
	}
	return ""
}

// Complete confirms the completion on u's side: the provider's or the
// resident's. Once both have, the request is done and she may rate it.
func (s *Service) Complete(ctx context.Context, u auth.User, number string) (Request, error) {
	return s.step(ctx, u, number, func(tx *sql.Tx, x stored, now time.Time) (string, string, map[string]any, error) {
		if x.Status != StatusConfirmed {
			return "", "", nil, errState(x.Status)
		}
		resident, proxy := ResidentSide(u, x.Request)
		provider := CanAnswer(u, x.OrgCode)
		side := ""
		switch {
		case provider && x.ProviderDoneAt == nil && !(resident && !proxy):
			side = "provider"
			x.ProviderDoneAt = &now
		case resident && x.ResidentDoneAt == nil:
			side = "resident"
			x.ResidentDoneAt = &now
		case provider || resident:
			return "", "", nil, errs.Conflictf("您这一方已确认完成，等待另一方确认", "your side has confirmed; waiting for the other")
		default:
			return "", "", nil, errs.ErrForbidden
		}
		col := side + "_done_at"
		if _, err := tx.ExecContext(ctx, `UPDATE service_requests SET `+col+` = $2 WHERE number = $1`, x.Number, db.Millis(now)); err != nil {
			return "", "", nil, errs.Wrap(err, "complete")
		}
		onBehalf := ""
		if side == "resident" {
			onBehalf = behalf(proxy, x)
		}
		if x.ProviderDoneAt != nil && x.ResidentDoneAt != nil {
			if _, err := tx.ExecContext(ctx, `UPDATE service_requests SET status = 'done', done_at = $2, closed_at = $2 WHERE number = $1`, x.Number, db.Millis(now)); err != nil {
				return "", "", nil, errs.Wrap(err, "done")
			}
			if err := s.notify(ctx, tx, now, x.phone, "", fmt.Sprintf("服务申请 %s（%s）已完成，欢迎评价。", x.Number, x.ServiceName)); err != nil {
				return "", "", nil, err
			}
		} else if side == "provider" {
			if err := s.notify(ctx, tx, now, x.phone, "", fmt.Sprintf("%s 已确认服务 %s 完成，请您确认。", x.ProviderName, x.Number)); err != nil {
				return "", "", nil, err
			}
		} else if err := s.notify(ctx, tx, now, "", x.OrgCode, fmt.Sprintf("居民已确认服务申请 %s 完成，请机构确认。", x.Number)); err != nil {
			return "", "", nil, err
		}
		return "complete", onBehalf, map[string]any{"side": side}, nil
	})
}

// Rate records the resident's rating (1–5) and her words, once, on a done
// request.
func (s *Service) Rate(ctx context.Context, u auth.User, number string, stars int, words string) (Request, error) {
	if stars < 1 || stars > 5 {
		return Request{}, errs.Invalidf("评分须为1到5星", "the rating must be 1 to 5")
	}
	if err := text(&words, MaxRatingText, true, "评价", "the words"); err != nil {
		return Request{}, err
	}
	return s.step(ctx, u, number, func(tx *sql.Tx, x stored, now time.Time) (string, string, map[string]any, error) {
		ok, proxy := ResidentSide(u, x.Request)
		if !ok {
			return "", "", nil, errs.ErrForbidden
		}
		if x.Status != StatusDone {
			return "", "", nil, errState(x.Status)
		}
		if x.Rating != 0 {
			return "", "", nil, errs.Conflictf("已评价过", "already rated")
		}
		if _, err := tx.ExecContext(ctx, `UPDATE service_requests SET rating = $2, rating_text = $3, rated_at = $4 WHERE number = $1`, x.Number, stars, words, db.Millis(now)); err != nil {
			return "", "", nil, errs.Wrap(err, "rate")
		}
		return "rate", behalf(proxy, x), map[string]any{"rating": stars, "text": words}, s.notify(ctx, tx, now, "", x.OrgCode, fmt.Sprintf("服务申请 %s 收到评价：%d星。", x.Number, stars))
	})
}

// complaintClaimed holds a request's complaint_ticket while its ticket is
// being made.
const complaintClaimed = "claimed"

// claimComplaint moves a request's complaint_ticket from one value to
// another, or answers that someone complained already.
func (s *Service) claimComplaint(ctx context.Context, number, from, to string) error {
	res, err := s.db.W.ExecContext(ctx, `UPDATE service_requests SET complaint_ticket = $3 WHERE number = $1 AND complaint_ticket = $2`, number, from, to)
	if err != nil {
		return errs.Wrap(err, "claim complaint")
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return errs.Conflictf("已就此申请投诉过", "already complained")
	}
	return nil
}

// Complain makes the resident's complaint about the provider a ticket for
// her community, reported as her, and keeps its number on the request. One
// complaint per request.
func (s *Service) Complain(ctx context.Context, u auth.User, number, words string) (Request, error) {
	if s.tickets == nil {
		return Request{}, errNoTickets
	}
	if err := text(&words, MaxComplaint, false, "投诉内容", "the complaint"); err != nil {
		return Request{}, err
	}
	r, err := s.Get(ctx, u, number)
	if err != nil {
		return Request{}, err
	}
	ok, proxy := ResidentSide(u, r)
	if !ok {
		return Request{}, errs.ErrForbidden
	}
	if r.Status == StatusRequested {
		return Request{}, errs.Conflictf("机构尚未答复，暂不能投诉；可先取消申请", "the provider has not answered yet; you may cancel instead")
	}
	if r.ComplaintTicket != "" {
		return Request{}, errs.Conflictf("已就此申请投诉过，工单 %s", "already complained: ticket %s", r.ComplaintTicket)
	}
	var phone string
	if err := s.db.R.QueryRowContext(ctx, `SELECT phone FROM service_requests WHERE number = $1`, number).Scan(&phone); err != nil {
		return Request{}, errs.Wrap(err, "her phone")
	}
	resident := u
	if proxy {
		resident = auth.User{Role: auth.RoleResident, Phone: phone}
	}
	desc := fmt.Sprintf("对服务机构「%s」的投诉（服务申请 %s，%s）：%s", r.ProviderName, r.Number, r.ServiceName, words)
	// The request is claimed before the ticket is made, so two complaints
	// at once make one ticket; a ticket that cannot be made frees it.
	if err := s.claimComplaint(ctx, number, "", complaintClaimed); err != nil {
		return Request{}, err
	}
	ticketNo, err := s.tickets.Complain(ctx, resident, r.AreaCode, desc)
	if err != nil {
		if e := s.claimComplaint(ctx, number, complaintClaimed, ""); e != nil {
			return Request{}, e
		}
		return Request{}, err
	}
	return s.step(ctx, u, number, func(tx *sql.Tx, x stored, now time.Time) (string, string, map[string]any, error) {
		if x.ComplaintTicket != complaintClaimed {
			return "", "", nil, errs.Conflictf("已就此申请投诉过，工单 %s", "already complained: ticket %s", x.ComplaintTicket)
		}
		if _, err := tx.ExecContext(ctx, `UPDATE service_requests SET complaint_ticket = $2 WHERE number = $1`, x.Number, ticketNo); err != nil {
			return "", "", nil, errs.Wrap(err, "keep complaint")
		}
		return "complain", behalf(proxy, x), map[string]any{"ticket": ticketNo}, nil
	})
}
