package web

import (
	"slices"
	"time"

	"github.com/gongzhi/gongzhi/internal/auth"
	"github.com/gongzhi/gongzhi/internal/ticket"
)

// Item is one line of a resident's 我的事项: everything that is hers in one
// list. Tickets are its only kind today; proposals, votes, bookings and cases
// become items of kinds of their own, built by a function like ticketItems,
// without changing the page.
type Item struct {
	Kind   string // "ticket"
	Ref    string // what identifies it to her: the ticket's number
	Title  string
	Detail string
	// Status is the kind's own state, StatusText its words for her.
	Status     string
	StatusText string
	Link       string
	At         time.Time
	Who        string // the member of her family it is for (the reporter's name)
	// NeedsAction says she has something to do (rate an answer), which
	// ActionText names and ActionLink opens.
	NeedsAction bool
	ActionText  string
	ActionLink  string
}

// ticketItems makes her tickets items. What she may do with each is asked
// of the ticket capability (AvailableActions), not decided here.
func ticketItems(u auth.User, lang string, ts []ticket.Ticket, categories map[string]string) []Item {
	items := make([]Item, 0, len(ts))
	for _, t := range ts {
		title := categories[t.CategoryCode]
		if title == "" {
			title = tr(lang, "kind."+string(t.Kind))
		}
		it := Item{Kind: "ticket", Ref: t.Number, Title: title, Detail: short(t.Description, 60),
			Status: string(t.Status), StatusText: tr(lang, "rstatus."+string(t.Status)),
			Link: "/tickets/" + t.Number, At: t.CreatedAt, Who: t.ReporterName}
		if slices.Contains(ticket.AvailableActions(u, t), ticket.ActionRate) {
			it.NeedsAction, it.ActionText, it.ActionLink = true, tr(lang, "items.rate"), it.Link+"#rate"
		}
		items = append(items, it)
	}
	return items
}
