package seed

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"time"

	"github.com/gongzhi/gongzhi/internal/ticket"

	"github.com/gongzhi/gongzhi/internal/clock"
)

// ticketRow is one row of table tickets; times are Unix milliseconds, 0 for
// NULL; the tri-state booleans are -1 for NULL.
type ticketRow struct {
	number, kind, status, category, area, description, address string
	lat, lng                                                   float64
	hasLoc                                                     bool
	channel, org                                               string
	confidential                                               bool
	reporterName, reporterPhone, reporterUserID, createdBy     string
	createdAt, updatedAt                                       int64
	dispatchedAt, signedAt, contactedAt, repliedAt, closedAt   int64
	dueSign, dueContact, dueComplete, ratedAt                  int64
	warnSign, warnContact, warnComplete, warnAt, dueAt         int64
	replyText                                                  string
	replyResolved, ratingResolved                              int8
	ratingSatisfaction, ratingComment                          string
	version                                                    int
}

// eventRow is one row of table ticket_events.
type eventRow struct {
	number                                                     string
	seq                                                        int
	at                                                         int64
	actorID, actorName, actorRole, action, from, to, org, note string
}

// batch is what the generator hands the writer.
type batch struct {
	tickets []ticketRow
	events  []eventRow
}

// batchTickets fits a multi-row INSERT under SQLite's 32766 bound variables
// (33 columns × 990 rows).
const batchTickets = 990

// day is one business day of the period and the tickets it gets.
type day struct {
	key     string // YYYYMMDD in Asia/Shanghai
	start   int64  // midnight, Unix ms
	end     int64  // the next midnight, or now for today
	count   int
	first   int64 // first sequence number, from the reservation
	heating bool  // in the heating season (15 November to 15 March)
}

type actor struct{ id, name, role string }

type generator struct {
	cat        *catalogue
	rng        *rand.Rand
	now        int64
	days       []day
	catCum     []float64 // cumulative category weights, outside the heating season
	catCumHeat []float64
	areaCum    []float64
	areaPlace  []string
	areaCenter [][2]float64
	hourCum    [24]float64
	statuses   map[string]int64
	agent      actor
	dispatcher actor
	grid       actor
	handlers   map[string]actor
}

// hourWeights is the rhythm of a day at a 12345 centre: quiet at night,
// peaks mid-morning and mid-afternoon.
var hourWeights = [24]float64{0.3, 0.2, 0.1, 0.1, 0.1, 0.2, 0.6, 1.5, 3.5, 5, 5, 4.5, 3, 3.5, 4.5, 4.5, 4, 3.5, 2.5, 2.5, 2, 1.5, 1, 0.6}

// weekdayWeights: Mondays bring the weekend's problems, weekends are quieter.
var weekdayWeights = [7]float64{time.Sunday: 0.65, time.Monday: 1.15, time.Tuesday: 1.0, time.Wednesday: 1.0, time.Thursday: 1.0, time.Friday: 0.95, time.Saturday: 0.7}

func cumulative(ws []float64) []float64 {
	out := make([]float64, len(ws))
	sum := 0.0
	for i, w := range ws {
		sum += w
		out[i] = sum
	}
	return out
}

func draw(r *rand.Rand, cum []float64) int {
	x := r.Float64() * cum[len(cum)-1]
	i, _ := slices.BinarySearch(cum, x)
	if i >= len(cum) {
		i = len(cum) - 1
	}
	return i
}

func newGenerator(c *catalogue, opt Options) *generator {
	g := &generator{cat: c, rng: rand.New(rand.NewPCG(opt.Seed, opt.Seed^0x9e3779b97f4a7c15)), now: opt.Now.UnixMilli(), statuses: map[string]int64{}}
	loc := clock.BusinessZone()
	ws, wsHeat := make([]float64, len(c.cats)), make([]float64, len(c.cats))
	for i, ct := range c.cats {
		w := 1.0
		if t, ok := texts[ct.Code]; ok {
			w = t.weight
		}
		ws[i], wsHeat[i] = w, w
		if ct.Code == "0403" { // heating: a winter matter
			ws[i], wsHeat[i] = w*0.1, w*3
		}
	}
	g.catCum, g.catCumHeat = cumulative(ws), cumulative(wsHeat)
	aw := make([]float64, len(c.areas))
	g.areaPlace = make([]string, len(c.areas))
	g.areaCenter = make([][2]float64, len(c.areas))
	for i, a := range c.areas {
		aw[i] = 3 // urban communities call more than villages
		if isVillage(a.Name) {
			aw[i] = 1
		}
		g.areaPlace[i] = placeName(a.Name)
		// A stable point per community inside 平谷区 (about 40.05–40.30 N,
		// 116.95–117.35 E), from its code.
		h := uint64(14695981039346656037)
		for _, b := range []byte(a.Code) {
			h = (h ^ uint64(b)) * 1099511628211
		}
		g.areaCenter[i] = [2]float64{40.05 + float64(h%1000)/1000*0.25, 116.95 + float64((h/1000)%1000)/1000*0.40}
	}
	g.areaCum = cumulative(aw)
	g.hourCum = [24]float64(cumulative(hourWeights[:]))

	g.agent = actor{c.users["demo-agent"], "demo-agent", "agent"}
	g.dispatcher = actor{c.users["demo-dispatcher"], "demo-dispatcher", "dispatcher"}
	g.grid = actor{c.users["demo-grid"], "demo-grid", "grid_worker"}
	g.handlers = map[string]actor{}
	for _, u := range []struct{ name, org string }{{"demo-handler", "110117001-SO"}, {"demo-handler-dept", "110117-D01"}} {
		if id, ok := c.users[u.name]; ok {
			g.handlers[u.org] = actor{id, u.name, "handler"}
		}
	}

	// The days of the period and how many tickets each gets.
	now := opt.Now.In(loc)
	first := now.AddDate(0, -opt.Months, 0)
	d0 := time.Date(first.Year(), first.Month(), first.Day(), 0, 0, 0, 0, loc)
	var weights []float64
	for d := d0; d.Before(now); d = d.AddDate(0, 0, 1) {
		next := d.AddDate(0, 0, 1)
		end := next
		w := weekdayWeights[d.Weekday()]
		w *= 1 + 0.15*math.Sin(2*math.Pi*float64(d.YearDay()-110)/365) // a summer peak: rain, heat, noise
		w *= 0.9 + 0.2*g.rng.Float64()
		if next.After(now) { // today: only the part of the day that has passed
			end = now
			w *= float64(now.Sub(d)) / float64(24*time.Hour)
		}
		m, dd := d.Month(), d.Day()
		heating := m == time.December || m == time.January || m == time.February || (m == time.November && dd >= 15) || (m == time.March && dd <= 15)
		g.days = append(g.days, day{key: d.Format("20060102"), start: d.UnixMilli(), end: end.UnixMilli(), heating: heating})
		weights = append(weights, w)
	}
	cum := cumulative(weights)
	total := cum[len(cum)-1]
	prev := 0
	for i := range g.days {
		upto := int(math.Round(cum[i] / total * float64(opt.Tickets)))
		g.days[i].count = upto - prev
		prev = upto
	}
	return g
}

// times returns n creation times within the day, sorted, following the
// rhythm of the hours.
func (g *generator) times(d day, n int, buf []int64) []int64 {
	buf = buf[:0]
	for range n {
		var t int64
		for try := 0; ; try++ {
			h := draw(g.rng, g.hourCum[:])
			t = d.start + int64(h)*3600_000 + g.rng.Int64N(3600_000)
			if t < d.end {
				break
			}
			if try > 30 {
				t = d.start + g.rng.Int64N(max(d.end-d.start, 1))
				break
			}
		}
		buf = append(buf, t)
	}
	slices.Sort(buf)
	return buf
}

func (g *generator) run(ctx context.Context, free <-chan *batch, out chan<- *batch) error {
	var times []int64
	var b *batch
	get := func() error {
		select {
		case b = <-free:
			b.tickets, b.events = b.tickets[:0], b.events[:0]
			return nil
		case <-ctx.Done():
			return ctx.Err()
		}
	}
	if err := get(); err != nil {
		return err
	}
	for _, d := range g.days {
		times = g.times(d, d.count, times)
		for k, at := range times {
			g.ticket(b, d, d.first+int64(k), at)
			if len(b.tickets) == batchTickets {
				select {
				case out <- b:
				case <-ctx.Done():
					return ctx.Err()
				}
				if err := get(); err != nil {
					return err
				}
			}
		}
	}
	if len(b.tickets) > 0 {
		select {
		case out <- b:
		case <-ctx.Done():
			return ctx.Err()
		}
	}
	return nil
}

const (
	minute = int64(60_000)
	hour   = 60 * minute
)

// clocks sets the ticket's deadlines, their 75% points and the nearest of
// those still running, as the loop would have.
func (g *generator) clocks(t *ticketRow, lim ticket.TimeLimit) {
	at := func(ms int64) *time.Time {
		if ms == 0 {
			return nil
		}
		v := time.UnixMilli(ms)
		return &v
	}
	c := g.cat.tickets.ClocksOf(ticket.Ticket{Status: ticket.Status(t.status), CreatedAt: time.UnixMilli(t.createdAt),
		DispatchedAt: at(t.dispatchedAt), SignedAt: at(t.signedAt), ContactedAt: at(t.contactedAt), RepliedAt: at(t.repliedAt)}, lim)
	ms := func(v *time.Time) int64 {
		if v == nil {
			return 0
		}
		return v.UnixMilli()
	}
	t.dueSign, t.warnSign, t.dueContact, t.warnContact = ms(c.DueSign), ms(c.WarnSign), ms(c.DueContact), ms(c.WarnContact)
	t.dueComplete, t.warnComplete, t.warnAt, t.dueAt = ms(c.DueComplete), ms(c.WarnComplete), ms(c.Warn), ms(c.Due)
}

func (g *generator) between(lo, hi int64) int64 { return lo + g.rng.Int64N(hi-lo+1) }

// ticket writes one ticket and its events into b: what it would look like
// now, had it gone through the loop at a realistic pace since created.
func (g *generator) ticket(b *batch, d day, seq int64, created int64) {
	r := g.rng
	cum := g.catCum
	if d.heating {
		cum = g.catCumHeat
	}
	ci := draw(r, cum)
	ai := draw(r, g.areaCum)
	cat := g.cat.cats[ci]
	area := g.cat.areas[ai]
	ct := texts[cat.Code]

	t := ticketRow{number: fmt.Sprintf("%s%06d", d.key, seq), category: cat.Code, area: area.Code, createdAt: created,
		replyResolved: -1, ratingResolved: -1, status: string(ticket.StatusRegistered), version: 1}
	// Channels: mostly the hotline, then the app, web and 随手拍, grid patrol…
	switch x := r.IntN(100); {
	case x < 62:
		t.channel = "hotline"
	case x < 74:
		t.channel = "app"
	case x < 82:
		t.channel = "web"
	case x < 90:
		t.channel = "snapshot"
	case x < 95:
		t.channel = "grid"
	case x < 97:
		t.channel = "mailbox"
	case x < 99:
		t.channel = "proxy"
	default:
		t.channel = "open311"
	}
	consult := ct.consult && r.IntN(10) < 7
	switch x := r.IntN(100); {
	case consult:
		t.kind = "consultation"
	case x < 40:
		t.kind = "complaint"
	case x < 72:
		t.kind = "help"
	case x < 82:
		t.kind = "consultation"
	case x < 90:
		t.kind = "report"
	default:
		t.kind = "suggestion"
	}
	where := place(r, g.areaPlace[ai])
	t.address = where
	t.description = description(r, t.channel, ct, t.kind == "consultation", where)
	if t.channel == "snapshot" || t.channel == "app" || t.channel == "grid" || r.IntN(3) == 0 {
		c := g.areaCenter[ai]
		t.lat, t.lng, t.hasLoc = c[0]+r.NormFloat64()*0.004, c[1]+r.NormFloat64()*0.004, true
	}
	t.confidential = t.kind == "report" && r.IntN(3) == 0 || r.IntN(100) == 0
	if t.channel != "grid" {
		t.reporterName = personName(r, t.channel == "hotline")
		t.reporterPhone = phone(r)
	}
	var creator actor
	switch t.channel {
	case "hotline", "proxy":
		creator = g.agent
	case "grid":
		creator = g.grid
	default:
		creator = actor{"", "reporter", "resident"}
	}
	t.createdBy = creator.id
	lim := g.cat.limits[cat.Code][ticket.Kind(t.kind)]
	t.updatedAt = created

	ev := func(at int64, a actor, action string, to ticket.Status, org, note string) bool {
		if at > g.now {
			return false
		}
		if action != ticket.ActionCreate {
			t.version++
		}
		b.events = append(b.events, eventRow{number: t.number, seq: t.version, at: at, actorID: a.id, actorName: a.name, actorRole: a.role,
			action: action, from: statusOrEmpty(action, t.status), to: string(to), org: org, note: note})
		t.status, t.updatedAt = string(to), at
		return true
	}
	defer func() {
		g.clocks(&t, lim)
		g.statuses[t.status]++
		b.tickets = append(b.tickets, t)
	}()
	ev(created, creator, ticket.ActionCreate, ticket.StatusRegistered, "", "")

	org := g.cat.org[ci][ai]
	at := created
	dispatcher := actor{"", "system", "system"}
	note := "按派单目录自动派单 / dispatched by the catalogue"
	if org == "" {
		// No rule: a policy question the agent answers on the spot, or the
		// dispatcher sends it to the street office of the place.
		if t.kind == "consultation" && t.channel == "hotline" && r.IntN(2) == 0 {
			at += g.between(3*minute, 20*minute)
			if ev(at, g.dispatcher, "close", ticket.StatusClosed, "", "话务员已当场解答，直接办结") {
				t.closedAt = at
			}
			return
		}
		org = g.cat.streetOffice(area)
		at += g.between(10*minute, 6*hour)
		dispatcher, note = g.dispatcher, "人工派单至属地街道"
	}
	if !ev(at, dispatcher, "dispatch", ticket.StatusDispatched, org, note) {
		return
	}
	t.org, t.dispatchedAt = org, at
	h, ok := g.handlers[org]
	if !ok {
		h = actor{"", g.cat.orgNames[org], "handler"}
	}
	// Sign: mostly within the two hours, some late.
	if r.IntN(100) < 85 {
		at += g.between(5*minute, 2*hour)
	} else {
		at += g.between(2*hour, 10*hour)
	}
	if !ev(at, h, "sign", ticket.StatusSigned, org, "") {
		return
	}
	t.signedAt = at
	t.dueComplete = g.cat.due(lim.Complete, at) // the completion clock starts at signing
	signed := at
	at += g.between(15*minute, 20*hour)
	if !ev(at, h, "contact", ticket.StatusInProgress, org, "已电话联系诉求人，了解具体情况") {
		return
	}
	t.contactedAt = at
	span := float64(t.dueComplete - signed)
	f := 0.05 + 0.9*r.Float64()
	if r.IntN(100) < 7 { // overdue
		f = 1 + 0.6*r.Float64()
	}
	at = max(at+10*minute, signed+int64(f*span))
	resolved := r.IntN(100) < 92
	reply := pick(r, replies)
	if !resolved {
		reply = pick(r, unresolvedReplies)
	}
	if !ev(at, h, "reply", ticket.StatusReplied, org, reply) {
		return
	}
	t.repliedAt, t.replyText = at, reply
	t.replyResolved = b2i(resolved)
	if r.IntN(100) < 15 { // the reporter could not be reached for the follow-up
		at += g.between(72*hour, 120*hour)
		if ev(at, g.dispatcher, "close", ticket.StatusClosed, org, "回访三次未接通，按期办结") {
			t.closedAt = at
		}
		return
	}
	at += g.between(3*hour, 72*hour)
	ratedOK := resolved && r.IntN(100) < 95 || !resolved && r.IntN(100) < 20
	var sat string
	switch x := r.IntN(100); {
	case ratedOK && x < 82, !ratedOK && x < 8:
		sat = string(ticket.Satisfied)
	case ratedOK && x < 96, !ratedOK && x < 38:
		sat = string(ticket.Basic)
	default:
		sat = string(ticket.Unsatisfied)
	}
	comment := ""
	if r.IntN(4) == 0 {
		comment = pick(r, comments)
	}
	rater := g.agent // 回访 by the hotline
	if r.IntN(10) < 4 {
		rater = actor{"", "reporter", "resident"}
	}
	rnote := sat
	if comment != "" {
		rnote += ": " + comment
	}
	if !ev(at, rater, "rate", ticket.StatusClosed, org, rnote) {
		return
	}
	t.closedAt, t.ratedAt = at, at
	t.ratingResolved, t.ratingSatisfaction, t.ratingComment = b2i(ratedOK), sat, comment
}

func statusOrEmpty(action, st string) string {
	if action == ticket.ActionCreate {
		return ""
	}
	return st
}

func b2i(b bool) int8 {
	if b {
		return 1
	}
	return 0
}
