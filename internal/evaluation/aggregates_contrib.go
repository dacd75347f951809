package evaluation

import (
	"database/sql"
	"fmt"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/gongzhi/gongzhi/internal/ticket"
)

// ---- contributions ----

// nCounts is the number of additive counts: the ticket figures, then
// returns, extensions, redos and overdue days.
const nCounts = 14

type vec [nCounts]int64

// evFact is a ticket's counted events of one day and unit.
type evFact struct {
	day, org                            string
	returns, extensions, redos, overdue int
}

// contrib is what one ticket contributes: its close (when it counts) and
// its events, placed in its area.
type contrib struct {
	area     string
	closeDay string // "" when the ticket does not count as closed
	org      string
	flags    uint16 // bit i: ticketFigures[i]
	events   []evFact
}

func (c contrib) empty() bool { return c.closeDay == "" && len(c.events) == 0 }

const (
	fieldSep  = "\x1f"
	recordSep = "\x1e"
)

func (c contrib) encode() string {
	if c.empty() {
		return ""
	}
	var b strings.Builder
	b.WriteString(c.area + fieldSep + c.closeDay + fieldSep + c.org + fieldSep + strconv.Itoa(int(c.flags)))
	for _, e := range c.events {
		fmt.Fprintf(&b, "%s%s%s%s%s%d%s%d%s%d%s%d", recordSep, e.day, fieldSep, e.org, fieldSep, e.returns, fieldSep, e.extensions, fieldSep, e.redos, fieldSep, e.overdue)
	}
	return b.String()
}

func decodeContrib(s string) (contrib, error) {
	var c contrib
	if s == "" {
		return c, nil
	}
	recs := strings.Split(s, recordSep)
	f := strings.Split(recs[0], fieldSep)
	if len(f) != 4 {
		return c, fmt.Errorf("bad contribution %q", s)
	}
	fl, err := strconv.Atoi(f[3])
	if err != nil {
		return c, fmt.Errorf("bad contribution %q", s)
	}
	c.area, c.closeDay, c.org, c.flags = f[0], f[1], f[2], uint16(fl)
	for _, r := range recs[1:] {
		f := strings.Split(r, fieldSep)
		if len(f) != 6 {
			return c, fmt.Errorf("bad contribution %q", s)
		}
		e := evFact{day: f[0], org: f[1]}
		for i, p := range []*int{&e.returns, &e.extensions, &e.redos, &e.overdue} {
			if *p, err = strconv.Atoi(f[2+i]); err != nil {
				return c, fmt.Errorf("bad contribution %q", s)
			}
		}
		c.events = append(c.events, e)
	}
	return c, nil
}

// ticketRow is what a ticket's contribution is computed from.
type ticketRow struct {
	number, status, org, area, satisfaction             string
	closed, dueContact, contacted, dueComplete, replied sql.NullInt64
	rated                                               sql.NullInt64
	resolved                                            sql.NullBool
}

const contribCols = `number, status, assigned_org_code, area_code, closed_at, due_contact_at, contacted_at, due_complete_at, replied_at,
rated_at, rating_resolved, rating_satisfaction`

func (s *Service) day(ms int64) string {
	return time.UnixMilli(ms).In(s.loc).Format("2006-01-02")
}

// contribution computes a ticket's contribution by the definitions, the
// same conditions as ticketFigures and events.
func (s *Service) contribution(t ticketRow, evs []eventRow) contrib {
	c := contrib{area: t.area, org: t.org}
	if t.status == "closed" && t.closed.Valid {
		c.closeDay = s.day(t.closed.Int64)
		rated := t.rated.Valid
		conds := []bool{
			true,
			rated,
			rated && t.resolved.Valid && t.resolved.Bool,
			rated && t.satisfaction == "satisfied",
			rated && t.satisfaction == "basic",
			rated && t.satisfaction == "unsatisfied",
			t.dueContact.Valid,
			t.dueContact.Valid && t.contacted.Valid && t.contacted.Int64 <= t.dueContact.Int64,
			t.dueComplete.Valid,
			t.dueComplete.Valid && t.replied.Valid && t.replied.Int64 <= t.dueComplete.Int64,
		}
		for i, ok := range conds {
			if ok {
				c.flags |= 1 << i
			}
		}
	}
	if len(evs) > 0 {
		byKey := map[[2]string]*evFact{}
		for _, e := range evs {
			k := [2]string{s.day(e.at), e.org}
			f := byKey[k]
			if f == nil {
				f = &evFact{day: k[0], org: k[1]}
				byKey[k] = f
			}
			switch e.action {
			case ticket.ActionReturn:
				f.returns++
			case ticket.ActionApproveExtension:
				f.extensions++
			case ticket.ActionRedo:
				f.redos++
			case ticket.ActionOverdue:
				f.overdue = 1
			}
		}
		for _, f := range byKey {
			c.events = append(c.events, *f)
		}
		sort.Slice(c.events, func(i, j int) bool {
			if c.events[i].day != c.events[j].day {
				return c.events[i].day < c.events[j].day
			}
			return c.events[i].org < c.events[j].org
		})
	}
	if c.closeDay == "" {
		c.org, c.flags = "", 0
	}
	return c
}

type eventRow struct {
	number, action, org string
	at                  int64
}
