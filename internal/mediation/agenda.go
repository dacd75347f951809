package mediation

import (
	"context"
	"time"

	"github.com/gongzhi/gongzhi/internal/agenda"
	"github.com/gongzhi/gongzhi/internal/auth"
	"github.com/gongzhi/gongzhi/internal/errs"
)

// MineItems are the cases u is a party of, for her 我的事项: one whose
// window for judicial confirmation is open waits for her.
func (s *Service) MineItems(ctx context.Context, u auth.User) ([]agenda.Item, error) {
	if !CanApply(u) {
		return nil, nil
	}
	rows, err := s.db.R.QueryContext(ctx, `SELECT c.number, c.dispute_type, c.status, c.agreement, c.confirmation, c.confirmation_deadline, c.next_session_at, c.updated_at
FROM mediation_cases c WHERE c.number IN (SELECT case_number FROM mediation_parties WHERE phone = $1) ORDER BY c.updated_at DESC LIMIT 50`, u.Phone)
	if err != nil {
		return nil, errs.Wrap(err, "her cases")
	}
	defer rows.Close()
	out := []agenda.Item{}
	today := s.clock.Now().In(s.loc).Format(DateLayout)
	for rows.Next() {
		var it agenda.Item
		var typ, kind, conf, deadline string
		var next *int64
		var updated int64
		if err := rows.Scan(&it.Ref, &typ, &it.Status, &kind, &conf, &deadline, &next, &updated); err != nil {
			return nil, errs.Wrap(err, "scan her cases")
		}
		it.Kind, it.Role, it.URL, it.At = "mediation", "party", "/mediation/"+it.Ref, s.at(updated)
		it.Title = "人民调解：" + DisputeTypeNames[typ]
		if it.Status == string(StatusAgreed) && kind == AgreementWritten && conf == ConfirmNone && deadline >= today {
			d := s.endOfDay(deadline)
			it.NeedsAction, it.Due = true, &d
		} else if next != nil && Status(it.Status).Open() {
			d := s.at(*next)
			it.NeedsAction, it.Due = true, &d
		}
		out = append(out, it)
	}
	return out, errs.Wrap(rows.Err(), "her cases")
}

func (s *Service) endOfDay(date string) time.Time {
	d, _ := time.ParseInLocation(DateLayout, date, s.loc)
	return d.Add(24*time.Hour - time.Second)
}

// TodoItems are the cases due of the committees u mediates for, for her
// 待办: sessions within a week, confirmation windows closing within
// RemindDays days, follow-ups due.
func (s *Service) TodoItems(ctx context.Context, u auth.User) ([]agenda.Item, error) {
	if u.IsAdmin() || !u.Role.IsStaff() || u.Role == auth.RoleAgent {
		return nil, nil
	}
	now := s.clock.Now().In(s.loc)
	today, soon := now.Format(DateLayout), now.AddDate(0, 0, RemindDays).Format(DateLayout)
	rows, err := s.db.R.QueryContext(ctx, `SELECT c.number, c.dispute_type, c.status, c.risk, c.next_session_at, c.confirmation, c.confirmation_deadline, c.agreement, c.follow_up_on, c.performed, c.updated_at
FROM mediation_cases c WHERE (c.committee = $1 OR c.committee IN (SELECT org_code FROM mediation_members WHERE user_id = $2 AND duty <> 'former'))
AND ((c.status IN ('accepted', 'mediating') AND c.next_session_at IS NOT NULL AND c.next_session_at <= $3)
  OR (c.status = 'agreed' AND c.agreement = 'written' AND c.confirmation = 'none' AND c.confirmation_deadline >= $4 AND c.confirmation_deadline <= $5)
  OR (c.status = 'agreed' AND c.performed = '' AND c.follow_up_on <> '' AND c.follow_up_on <= $4))
ORDER BY c.updated_at DESC LIMIT 100`, u.OrgCode, u.ID, now.AddDate(0, 0, 7).UnixMilli(), today, soon)
	if err != nil {
		return nil, errs.Wrap(err, "cases due")
	}
	defer rows.Close()
	out := []agenda.Item{}
	for rows.Next() {
		var it agenda.Item
		var typ, risk, conf, deadline, kind, follow, performed string
		var next *int64
		var updated int64
		if err := rows.Scan(&it.Ref, &typ, &it.Status, &risk, &next, &conf, &deadline, &kind, &follow, &performed, &updated); err != nil {
			return nil, errs.Wrap(err, "scan cases due")
		}
		it.Kind, it.URL, it.At, it.NeedsAction = "mediation", "/staff/mediation/"+it.Ref, s.at(updated), true
		title := "人民调解：" + DisputeTypeNames[typ]
		switch {
		case Status(it.Status).Open():
			d := s.at(*next)
			it.Role, it.Due, it.Title = "session", &d, title+"（调解）"
		case kind == AgreementWritten && conf == ConfirmNone && deadline >= today && deadline <= soon:
			d := s.endOfDay(deadline)
			it.Role, it.Due, it.Title = "confirmation", &d, title+"（司法确认期限将届满）"
		default:
			d := s.endOfDay(follow)
			it.Role, it.Due, it.Title = "follow_up", &d, title+"（回访）"
		}
		out = append(out, it)
	}
	return out, errs.Wrap(rows.Err(), "cases due")
}
