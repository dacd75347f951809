package ticket

import (
	"context"
	"time"
)

// DutyLimit finds the completion limit an organisation has undertaken for
// tickets of a category (the category or one above it) in an agreement in
// force at the moment (the agreement capability's, set at wiring, so this
// package does not import it); ok is false when none applies.
type DutyLimit func(ctx context.Context, orgCode, categoryCode string, at time.Time) (lim Limit, ok bool, err error)

// SetDutyLimit sets how the duties of agreements are found. Call it before
// serving; nil (the default) leaves every ticket on the time-limit table.
func (s *Service) SetDutyLimit(f DutyLimit) { s.duty = f }

// withDuty replaces the completion limit of a ticket of normal urgency
// that an organisation under an agreement signs by the limit its duty for
// the category sets: its tickets run on that clock, and the evaluation
// counts them by it. Urgent and emergency tickets keep the table's limits.
func (s *Service) withDuty(ctx context.Context, lim TimeLimit, t Ticket, now time.Time) (TimeLimit, error) {
	if s.duty == nil || t.Urgency != UrgencyNormal || t.AssignedOrgCode == "" || t.CategoryCode == "" {
		return lim, nil
	}
	d, ok, err := s.duty(ctx, t.AssignedOrgCode, t.CategoryCode, now)
	if err != nil || !ok {
		return lim, err
	}
	lim.Complete = d
	return lim, nil
}
