package seed

import (
	"time"

	"github.com/gongzhi/gongzhi/internal/gov"
	"github.com/gongzhi/gongzhi/internal/ticket"
)

const (
	minute = int64(60_000)
	hour   = 60 * minute
)

// walk is one ticket being taken through the loop at a realistic pace since
// it was created: each step appends its event to the batch, and the walk
// stops at the first step that would lie after now.
type walk struct {
	g     *generator
	b     *batch
	t     ticket.Ticket
	first int   // index of the ticket's first event in b.events
	at    int64 // when the last step was taken, Unix ms
	ci    int   // category and community, as indexes of the catalogue
	ai    int
	area  gov.Area
	lim   ticket.TimeLimit
}

func ms(v int64) time.Time   { return time.UnixMilli(v) }
func msp(v int64) *time.Time { t := time.UnixMilli(v); return &t }

// ticket writes one ticket and its events into b: what it would look like
// now, had it gone through the loop at a realistic pace since created.
func (g *generator) ticket(b *batch, d day, created int64) {
	cum := g.catCum
	if d.heating {
		cum = g.catCumHeat
	}
	w := &walk{g: g, b: b, first: len(b.events), at: created, ci: draw(g.rng, cum), ai: draw(g.rng, g.areaCum)}
	w.area = g.cat.areas[w.ai]
	creator := w.describe(created)
	w.step(created, creator, ticket.ActionCreate, ticket.StatusRegistered, "", "")
	if org, ok := w.dispatch(); ok && w.sign(org) && w.contact(org) {
		if resolved, ok := w.reply(org); ok {
			w.followUp(org, resolved)
		}
	}
	w.finish()
}

// describe fills in what was reported, where, through which channel and by
// whom, and returns who registered it.
func (w *walk) describe(created int64) actor {
	g, r := w.g, w.g.rng
	cat := g.cat.cats[w.ci]
	ct := texts[cat.Code]
	t := &w.t
	*t = ticket.Ticket{CategoryCode: cat.Code, AreaCode: w.area.Code, CreatedAt: ms(created), UpdatedAt: ms(created),
		Status: ticket.StatusRegistered, Version: 1, Channel: pickChannel(r.IntN(100))}
	consult := ct.consult && r.IntN(10) < 7
	t.Kind = pickKind(consult, r.IntN(100))
	where := place(r, g.areaPlace[w.ai])
	t.Address = where
	t.Description = description(r, string(t.Channel), ct, t.Kind == ticket.KindConsultation, where)
	switch t.Channel {
	case ticket.ChannelSnapshot, ticket.ChannelApp, ticket.ChannelGrid:
		w.locate()
	default:
		if r.IntN(3) == 0 {
			w.locate()
		}
	}
	t.Confidential = t.Kind == ticket.KindReport && r.IntN(3) == 0 || r.IntN(100) == 0
	if t.Channel != ticket.ChannelGrid {
		t.ReporterName = personName(r, t.Channel == ticket.ChannelHotline)
		t.ReporterPhone = phone(r)
	}
	creator := actor{"", "reporter", "resident"}
	switch t.Channel {
	case ticket.ChannelHotline, ticket.ChannelProxy:
		creator = g.agent
	case ticket.ChannelGrid:
		creator = g.grid
	}
	t.CreatedBy = creator.id
	w.lim = g.cat.limits[cat.Code][t.Kind]
	return creator
}

// locate puts the ticket near the centre of its community.
func (w *walk) locate() {
	c, r := w.g.areaCenter[w.ai], w.g.rng
	lat, lng := c[0]+r.NormFloat64()*0.004, c[1]+r.NormFloat64()*0.004
	w.t.Lat, w.t.Lng = &lat, &lng
}

// pickChannel: mostly the hotline, then the app, web and 随手拍, grid
// patrol… x is a draw in [0, 100).
func pickChannel(x int) ticket.Channel {
	switch {
	case x < 62:
		return ticket.ChannelHotline
	case x < 74:
		return ticket.ChannelApp
	case x < 82:
		return ticket.ChannelWeb
	case x < 90:
		return ticket.ChannelSnapshot
	case x < 95:
		return ticket.ChannelGrid
	case x < 97:
		return ticket.ChannelMailbox
	case x < 99:
		return ticket.ChannelProxy
	}
	return ticket.ChannelOpen311
}

// pickKind: a consultation where the category is mostly questions, else by
// the draw x in [0, 100).
func pickKind(consult bool, x int) ticket.Kind {
	switch {
	case consult:
		return ticket.KindConsultation
	case x < 40:
		return ticket.KindComplaint
	case x < 72:
		return ticket.KindHelp
	case x < 82:
		return ticket.KindConsultation
	case x < 90:
		return ticket.KindReport
	}
	return ticket.KindSuggestion
}

// step appends the event of one step at at, unless at is after now.
func (w *walk) step(at int64, a actor, action string, to ticket.Status, org, note string) bool {
	if at > w.g.now {
		return false
	}
	from := w.t.Status
	if action == ticket.ActionCreate {
		from = ""
	} else {
		w.t.Version++
	}
	w.b.events = append(w.b.events, ticket.ImportEvent{ActorID: a.id, Event: ticket.Event{Seq: w.t.Version, At: ms(at), Actor: a.name,
		ActorRole: a.role, Action: action, FromStatus: from, ToStatus: to, OrgCode: org, Note: note}})
	w.t.Status, w.t.UpdatedAt, w.at = to, ms(at), at
	return true
}

// dispatch sends the ticket where the catalogue says at once; without a
// rule, a policy question the agent answers on the spot is closed, and the
// rest the dispatcher sends to the street office of the place.
func (w *walk) dispatch() (string, bool) {
	g, r := w.g, w.g.rng
	org := g.cat.org[w.ci][w.ai]
	at := w.at
	dispatcher := actor{"", "system", "system"}
	note := "按派单目录自动派单 / dispatched by the catalogue"
	if org == "" {
		if w.t.Kind == ticket.KindConsultation && w.t.Channel == ticket.ChannelHotline && r.IntN(2) == 0 {
			at += g.between(3*minute, 20*minute)
			if w.step(at, g.dispatcher, ticket.ActionClose, ticket.StatusClosed, "", "话务员已当场解答，直接办结") {
				w.t.ClosedAt = msp(at)
			}
			return "", false
		}
		org = g.cat.streetOffice(w.area)
		at += g.between(10*minute, 6*hour)
		dispatcher, note = g.dispatcher, "人工派单至属地街道"
	}
	if !w.step(at, dispatcher, ticket.ActionDispatch, ticket.StatusDispatched, org, note) {
		return "", false
	}
	w.t.AssignedOrgCode, w.t.DispatchedAt = org, msp(at)
	return org, true
}

// handler is who acts for org: its demo account, or the unit by name.
func (w *walk) handler(org string) actor {
	if h, ok := w.g.handlers[org]; ok {
		return h
	}
	return actor{"", w.g.cat.orgNames[org], "handler"}
}

// sign: mostly within the two hours, some late.
func (w *walk) sign(org string) bool {
	g := w.g
	at := w.at
	if g.rng.IntN(100) < 85 {
		at += g.between(5*minute, 2*hour)
	} else {
		at += g.between(2*hour, 10*hour)
	}
	if !w.step(at, w.handler(org), ticket.ActionSign, ticket.StatusSigned, org, "") {
		return false
	}
	w.t.SignedAt = msp(at)
	return true
}

func (w *walk) contact(org string) bool {
	at := w.at + w.g.between(15*minute, 20*hour)
	if !w.step(at, w.handler(org), ticket.ActionContact, ticket.StatusInProgress, org, "已电话联系诉求人，了解具体情况") {
		return false
	}
	w.t.ContactedAt = msp(at)
	return true
}

// reply comes within the completion clock (started at signing), 7% late;
// 92% resolve the matter.
func (w *walk) reply(org string) (resolved, ok bool) {
	g, r := w.g, w.g.rng
	signed := w.t.SignedAt.UnixMilli()
	span := float64(g.cat.due(w.lim.Complete, signed) - signed)
	f := 0.05 + 0.9*r.Float64()
	if r.IntN(100) < 7 { // overdue
		f = 1 + 0.6*r.Float64()
	}
	at := max(w.at+10*minute, signed+int64(f*span))
	resolved = r.IntN(100) < 92
	text := pick(r, replies)
	if !resolved {
		text = pick(r, unresolvedReplies)
	}
	if !w.step(at, w.handler(org), ticket.ActionReply, ticket.StatusReplied, org, text) {
		return false, false
	}
	w.t.RepliedAt, w.t.ReplyText, w.t.ReplyResolved = msp(at), text, &resolved
	return resolved, true
}

// followUp is the 回访: a rating by the hotline or the reporter, or, when
// the reporter cannot be reached, a close.
func (w *walk) followUp(org string, resolved bool) {
	g, r := w.g, w.g.rng
	if r.IntN(100) < 15 {
		at := w.at + g.between(72*hour, 120*hour)
		if w.step(at, g.dispatcher, ticket.ActionClose, ticket.StatusClosed, org, "回访三次未接通，按期办结") {
			w.t.ClosedAt = msp(at)
		}
		return
	}
	at := w.at + g.between(3*hour, 72*hour)
	ratedOK := resolved && r.IntN(100) < 95 || !resolved && r.IntN(100) < 20
	var sat ticket.Satisfaction
	switch x := r.IntN(100); {
	case ratedOK && x < 82, !ratedOK && x < 8:
		sat = ticket.Satisfied
	case ratedOK && x < 96, !ratedOK && x < 38:
		sat = ticket.Basic
	default:
		sat = ticket.Unsatisfied
	}
	comment := ""
	if r.IntN(4) == 0 {
		comment = pick(r, comments)
	}
	rater := g.agent // 回访 by the hotline
	if r.IntN(10) < 4 {
		rater = actor{"", "reporter", "resident"}
	}
	note := string(sat)
	if comment != "" {
		note += ": " + comment
	}
	if !w.step(at, rater, ticket.ActionRate, ticket.StatusClosed, org, note) {
		return
	}
	w.t.ClosedAt = msp(at)
	w.t.Rating = &ticket.Rating{Resolved: ratedOK, Satisfaction: sat, Comment: comment, RatedAt: ms(at)}
}

// finish sets the clocks as the loop would have and hands the ticket, with
// its events, to the batch.
func (w *walk) finish() {
	w.t.SetClocks(w.g.cat.tickets.ClocksOf(w.t, w.lim))
	w.g.statuses[string(w.t.Status)]++
	n := len(w.b.events)
	w.b.tickets = append(w.b.tickets, ticket.ImportTicket{Ticket: w.t, Events: w.b.events[w.first:n:n]})
}

func (g *generator) between(lo, hi int64) int64 { return lo + g.rng.Int64N(hi-lo+1) }
