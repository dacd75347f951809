package web

import (
	"context"
	"fmt"
	"time"

	"github.com/gongzhi/gongzhi/internal/ticket"
)

// NextView is what the top of the resident's ticket page says in plain
// words: who has her request now, by when she will be answered, the unit's
// phone and the step it is at.
type NextView struct {
	Who      string   // the unit's name, or the hotline centre while it is being assigned
	By       []string // "将于 12月5日（周五）17:30 前答复"; none when nothing is promised any more
	Late     bool     // the promised time has passed
	Phone    string   // the unit's public phone; empty when it has none
	Step     string   // the current step in plain words
	Finished bool     // replied, closed, merged or not accepted: nothing is pending on the unit
}

// open reports whether a unit still owes the resident an answer.
func open(st ticket.Status) bool {
	switch st {
	case ticket.StatusRegistered, ticket.StatusDispatched, ticket.StatusSigned, ticket.StatusInProgress, ticket.StatusReturned:
		return true
	}
	return false
}

// nextStep words the current step of a ticket for its reporter.
func nextStep(lang string, st ticket.Status) string {
	switch st {
	case ticket.StatusRegistered:
		return tr(lang, "next.step.registered")
	case ticket.StatusDispatched:
		return tr(lang, "next.step.dispatched")
	case ticket.StatusSigned:
		return tr(lang, "next.step.signed")
	case ticket.StatusInProgress:
		return tr(lang, "next.step.in_progress")
	case ticket.StatusReturned:
		return tr(lang, "next.step.returned")
	case ticket.StatusReplied:
		return tr(lang, "next.step.replied")
	case ticket.StatusClosed:
		return tr(lang, "next.step.closed")
	case ticket.StatusMerged:
		return tr(lang, "next.step.merged")
	case ticket.StatusInvalid:
		return tr(lang, "next.step.invalid")
	}
	return tr(lang, "rstatus."+string(st))
}

// nextView works out the top of the reporter's ticket page. The unit and
// its phone are those of the unit the ticket is assigned to; before it is
// assigned, the hotline centre holds it. now decides only whether the
// promised time has passed.
func (s *Server) nextView(ctx context.Context, lang string, t ticket.Ticket, now time.Time) *NextView {
	n := &NextView{Step: nextStep(lang, t.Status), Finished: !open(t.Status)}
	if t.AssignedOrgCode != "" && t.Status != ticket.StatusReturned {
		n.Who = t.AssignedOrgCode
		if o, err := s.Gov.Org(ctx, t.AssignedOrgCode); err == nil {
			n.Who, n.Phone = o.Name, o.Phone
		}
	} else {
		n.Who = tr(lang, "next.who.hotline")
	}
	if n.Finished {
		return n
	}
	// The contact clock runs from registration until she is contacted; the
	// answer's from the unit's signing until the reply.
	if t.ContactedAt == nil && t.DueContactAt != nil {
		n.By = append(n.By, tr(lang, "next.by.contact", s.plainTime(lang, *t.DueContactAt, now)))
		n.Late = n.Late || now.After(*t.DueContactAt)
	}
	if t.SignedAt != nil && t.DueCompleteAt != nil {
		n.By = append(n.By, tr(lang, "next.by.answer", s.plainTime(lang, *t.DueCompleteAt, now)))
		n.Late = n.Late || now.After(*t.DueCompleteAt)
	}
	return n
}

var (
	weekdaysZh = [7]string{"周日", "周一", "周二", "周三", "周四", "周五", "周六"}
	weekdaysEn = [7]string{"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"}
)

// plainTime words a moment the way one says it: "12月5日（周五）17:30",
// "今天 17:30", "明天（周六）9:00"; the year only when it is not this year's.
func (s *Server) plainTime(lang string, at, now time.Time) string {
	at, now = at.In(s.loc), now.In(s.loc)
	day := func(t time.Time) time.Time { return time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, s.loc) }
	days := int(day(at).Sub(day(now)).Hours()+12) / 24 // whole days, safe across a DST change
	clock := at.Format("15:04")
	wd := at.Weekday()
	if lang == "en" {
		switch days {
		case 0:
			return "today, " + clock
		case 1:
			return "tomorrow (" + weekdaysEn[wd] + "), " + clock
		}
		date := fmt.Sprintf("%s %d %s", weekdaysEn[wd], at.Day(), at.Month().String()[:3])
		if at.Year() != now.Year() {
			date += fmt.Sprintf(" %d", at.Year())
		}
		return date + ", " + clock
	}
	switch days {
	case 0:
		return "今天 " + clock
	case 1:
		return "明天（" + weekdaysZh[wd] + "）" + clock
	}
	date := fmt.Sprintf("%d月%d日（%s）", int(at.Month()), at.Day(), weekdaysZh[wd])
	if at.Year() != now.Year() {
		date = fmt.Sprintf("%d年", at.Year()) + date
	}
	return date + clock
}
