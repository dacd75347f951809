package ticket

import (
	"time"
)

// Three clocks run on a ticket, each with a deadline and a 75% point:
// sign (from dispatch to signing), contact (from registration to the first
// contact with the reporter) and complete (from signing to the reply).

// active reports whether the ticket is still being handled.
func (t Ticket) active() bool {
	switch t.Status {
	case StatusRegistered, StatusDispatched, StatusSigned, StatusInProgress, StatusReturned:
		return true
	}
	return false
}

func tp(t time.Time) *time.Time { return &t }

// startSign starts the sign clock at dispatch.
func (s *Service) startSign(t *Ticket, lim TimeLimit, now time.Time) {
	due := lim.Sign.Due(s.cal, now)
	t.DueSignAt, t.warnSignAt = tp(due), tp(lim.Sign.Warn(s.cal, now, due))
}

// startContact starts the contact clock at registration (and again at a redo).
func (s *Service) startContact(t *Ticket, lim TimeLimit, now time.Time) {
	due := lim.Contact.Due(s.cal, now)
	t.DueContactAt, t.warnContactAt = tp(due), tp(lim.Contact.Warn(s.cal, now, due))
}

// startComplete starts the completion clock at signing.
func (s *Service) startComplete(t *Ticket, lim TimeLimit, now time.Time) {
	due := lim.Complete.Due(s.cal, now)
	t.DueCompleteAt, t.warnCompleteAt = tp(due), tp(lim.Complete.Warn(s.cal, now, due))
}

// Clocks are a ticket's deadlines and their 75% points.
type Clocks struct {
	DueSign, WarnSign, DueContact, WarnContact, DueComplete, WarnComplete *time.Time
	Warn, Due                                                             *time.Time // the nearest of the clocks still running
}

// ClocksOf works out the clocks of a ticket written outside the loop (a
// seeded or imported one) as the loop would have set them under lim: the
// sign clock from dispatch, the contact clock from registration and the
// completion clock from signing.
func (s *Service) ClocksOf(t Ticket, lim TimeLimit) Clocks {
	t.DueSignAt, t.warnSignAt, t.DueCompleteAt, t.warnCompleteAt = nil, nil, nil, nil
	if t.DispatchedAt != nil {
		s.startSign(&t, lim, *t.DispatchedAt)
	}
	s.startContact(&t, lim, t.CreatedAt)
	if t.SignedAt != nil {
		s.startComplete(&t, lim, *t.SignedAt)
	}
	refreshClocks(&t)
	return Clocks{t.DueSignAt, t.warnSignAt, t.DueContactAt, t.warnContactAt, t.DueCompleteAt, t.warnCompleteAt, t.WarnAt, t.DueAt}
}

// refreshClocks sets DueAt and WarnAt to the nearest deadline and 75% point
// of the clocks still running, and clears the reminder marks of a deadline
// that moved, so the background work reminds again for the new one.
func refreshClocks(t *Ticket) {
	var due, warn *time.Time
	consider := func(d, w *time.Time) {
		if d != nil && (due == nil || d.Before(*due)) {
			due = d
		}
		if w != nil && (warn == nil || w.Before(*warn)) {
			warn = w
		}
	}
	if t.active() {
		if t.Status == StatusDispatched || (t.Status == StatusReturned && t.SignedAt == nil && t.DispatchedAt != nil) {
			consider(t.DueSignAt, t.warnSignAt)
		}
		if t.ContactedAt == nil {
			consider(t.DueContactAt, t.warnContactAt)
		}
		if t.SignedAt != nil && t.RepliedAt == nil {
			consider(t.DueCompleteAt, t.warnCompleteAt)
		}
	}
	if !sameTime(due, t.DueAt) {
		t.remindedRed, t.Overdue, t.escalated = false, false, false
	}
	if !sameTime(warn, t.WarnAt) {
		t.remindedYellow = false
	}
	t.DueAt, t.WarnAt = due, warn
}

func sameTime(a, b *time.Time) bool {
	if a == nil || b == nil {
		return a == b
	}
	return a.Equal(*b)
}

// lightAt is the ticket's light at now.
func lightAt(t Ticket, now time.Time) Light {
	switch {
	case t.DueAt == nil:
		return LightNone
	case !now.Before(*t.DueAt):
		return LightRed
	case t.WarnAt != nil && !now.Before(*t.WarnAt):
		return LightYellow
	}
	return LightNone
}
