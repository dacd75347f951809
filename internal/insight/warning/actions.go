package warning

import (
	"context"
	"database/sql"
	"fmt"
	"time"
	"unicode/utf8"

	"github.com/gongzhi/gongzhi/internal/auth"
	"github.com/gongzhi/gongzhi/internal/db"
	"github.com/gongzhi/gongzhi/internal/errs"
	"github.com/gongzhi/gongzhi/internal/evaluation"
	"github.com/gongzhi/gongzhi/internal/gov"
	"github.com/gongzhi/gongzhi/internal/ticket"
)

// Filter narrows a list of warnings.
type Filter struct {
	Status string // a status, "active" (open or acknowledged), or "" for all
	Limit  int    // at most MaxList; 0 for DefaultList
}

// Sizes of a list.
const (
	DefaultList = 100
	MaxList     = 500
	maxReason   = 500
	rectDays    = 15 // a rectification task made from a warning is due in this many days
)

func validStatus(s string) bool {
	switch s {
	case "", "active", StatusOpen, StatusAcknowledged, StatusConverted, StatusDismissed:
		return true
	}
	return false
}

// List returns the warnings u may see, the latest first.
func (s *Service) List(ctx context.Context, u auth.User, f Filter) ([]Warning, error) {
	if !CanList(u) {
		return nil, errs.ErrForbidden
	}
	if !validStatus(f.Status) {
		return nil, errs.Invalidf("状态不正确：%q", "unknown status: %q", f.Status)
	}
	if f.Limit <= 0 || f.Limit > MaxList {
		f.Limit = DefaultList
	}
	var c db.Conds
	switch f.Status {
	case "":
	case "active":
		c.Add("status IN (?, ?)", StatusOpen, StatusAcknowledged)
	default:
		c.Add("status = ?", f.Status)
	}
	switch u.Role {
	case auth.RoleAdmin:
	case auth.RoleHandler:
		c.Add("org_code = ?", u.OrgCode)
	default:
		lo, hi := gov.UnderRange(u.AreaCode)
		c.Add("((area_code >= ? AND area_code < ?) OR (area_code = '' AND ?))", lo, hi, u.InArea(""))
	}
	where := ""
	if len(c.Where) > 0 {
		where = " WHERE " + c.And()
	}
	rows, err := s.db.R.QueryContext(ctx, `SELECT `+warningCols+` FROM warnings`+where+` ORDER BY last_at DESC, id LIMIT `+fmt.Sprint(f.Limit), c.Args...)
	if err != nil {
		return nil, errs.Wrap(err, "list warnings")
	}
	defer rows.Close()
	out := []Warning{}
	for rows.Next() {
		w, err := s.scan(rows)
		if err != nil {
			return nil, errs.Wrap(err, "scan warning")
		}
		if CanSee(u, w) {
			out = append(out, w)
		}
	}
	return out, errs.Wrap(rows.Err(), "list warnings")
}

// Get returns one warning u may see.
func (s *Service) Get(ctx context.Context, u auth.User, id string) (Warning, error) {
	return s.get(ctx, s.db.R, u, id)
}

func (s *Service) get(ctx context.Context, q db.Queryer, u auth.User, id string) (Warning, error) {
	w, err := s.scan(q.QueryRowContext(ctx, `SELECT `+warningCols+` FROM warnings WHERE id = $1`, id))
	if err == sql.ErrNoRows || (err == nil && !CanSee(u, w)) {
		return Warning{}, errs.NotFoundf("预警 %s 不存在", "warning %s not found", id)
	}
	return w, errs.Wrap(err, "get warning")
}

// act changes a warning's status if it is still as it was read (ok says
// whether u may), and returns it as changed.
func (s *Service) act(ctx context.Context, u auth.User, id string, ok func(Warning) bool, change func(w *Warning) error) (Warning, error) {
	w, err := s.Get(ctx, u, id)
	if err != nil {
		return w, err
	}
	if !ok(w) {
		return w, errs.Conflictf("预警当前状态为「%s」，不能进行此操作，或您无此权限", "the warning is %s: this action is not open to you now", w.Status)
	}
	old := w.Status
	if err := change(&w); err != nil {
		return w, err
	}
	now := s.clock.Now().In(s.loc)
	w.ActedBy, w.ActedAt = u.ID, &now
	err = s.db.Tx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE warnings SET status = $1, reason = $2, ticket_number = $3, rect_id = $4, acted_by = $5, acted_at = $6, updated_at = $6
WHERE id = $7 AND status = $8`, w.Status, w.Reason, w.TicketNumber, w.RectID, w.ActedBy, now.UnixMilli(), w.ID, old)
		if err != nil {
			return errs.Wrap(err, "update warning")
		}
		if n, _ := res.RowsAffected(); n != 1 {
			return errs.Conflictf("预警已被他人处理，请刷新后重试", "the warning was changed by someone else; reload and try again")
		}
		return nil
	})
	return w, err
}

// Acknowledge marks an open warning as seen and being looked into.
func (s *Service) Acknowledge(ctx context.Context, u auth.User, id string) (Warning, error) {
	return s.act(ctx, u, id, func(w Warning) bool { return CanAcknowledge(u, w) }, func(w *Warning) error {
		w.Status = StatusAcknowledged
		return nil
	})
}

// Dismiss closes a warning with a reason (a known cause, a false alarm).
func (s *Service) Dismiss(ctx context.Context, u auth.User, id, reason string) (Warning, error) {
	reason = ticket.CleanText(reason)
	if reason == "" {
		return Warning{}, errs.Invalidf("请填写忽略预警的理由", "a reason is required to dismiss a warning")
	}
	if utf8.RuneCountInString(reason) > maxReason {
		return Warning{}, errs.Invalidf("理由不能超过%d字", "the reason must be at most %d characters", maxReason)
	}
	return s.act(ctx, u, id, func(w Warning) bool { return CanDismiss(u, w) }, func(w *Warning) error {
		w.Status, w.Reason = StatusDismissed, reason
		return nil
	})
}

// Convert turns a warning into a ticket (through the ticket service, as u,
// in the cluster's area and category) or a rectification task for its unit
// (through the evaluation). A second conversion racing the first may leave a
// second ticket or task; the warning records the first.
func (s *Service) Convert(ctx context.Context, u auth.User, id, kind string) (Warning, error) {
	if kind != IntoTicket && kind != IntoRectification {
		return Warning{}, errs.Invalidf("转办类型须为 ticket 或 rectification", "kind must be ticket or rectification")
	}
	return s.act(ctx, u, id, func(w Warning) bool { return CanConvert(u, w, kind) }, func(w *Warning) error {
		text := s.describe(ctx, *w) + "（预警编号 " + w.ID + "）"
		w.Status = StatusConverted
		if kind == IntoTicket {
			in := ticket.NewTicket{Kind: ticket.KindHelp, CategoryCode: w.CategoryCode, AreaCode: w.AreaCode, Description: text}
			if w.AreaCode == "" {
				in.Lat, in.Lng = w.Lat, w.Lng
			}
			t, err := s.tickets.Create(ctx, &u, in)
			w.TicketNumber = t.Number
			return err
		}
		r, err := s.eval.CreateRectification(ctx, u, evaluation.NewRectification{OrgCode: w.OrgCode, Title: "未诉先办预警整改",
			Reason: text, Deadline: s.clock.Now().In(s.loc).Add(rectDays * 24 * time.Hour).Format("2006-01-02")})
		w.RectID = r.ID
		return err
	})
}
