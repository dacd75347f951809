package evaluation

import (
	"context"
	"sort"
	"strings"
	"time"

	"github.com/gongzhi/gongzhi/internal/auth"
	"github.com/gongzhi/gongzhi/internal/calendar"
	"github.com/gongzhi/gongzhi/internal/errs"
	"github.com/gongzhi/gongzhi/internal/gov"
	"github.com/gongzhi/gongzhi/internal/ticket"
)

// Workload against resources: for a month, per unit and per staff member,
// the items held at the month's end, received and finished in it, and the
// working time they were held, beside the unit's staff and its 三率.
//
// Every figure comes from the tickets' event log, walked as the
// responsibility trail walks it (ticket.WorkItems):
//
//   - a unit holds a ticket from its dispatch (a dispatch, re-dispatch,
//     granted return, redo, or its addition as a helper unit) until the
//     ticket leaves it (its reply, a return granted or asked for, a
//     re-dispatch, the close); a person from her signature until then;
//   - working time is the working time on the calendar (calendar.
//     WorkingDuration: working days, working hours) of each such span
//     within the month, up to now for the month under way, summed over the
//     spans: item-hours held, which exceed a person's hours when she holds
//     several items at once;
//   - open: distinct tickets held at the month's end (or now);
//   - received: distinct tickets that reached the holder in the month (a
//     span resumed after a refused return, a failed check or an escalation
//     is not received again);
//   - finished: distinct tickets whose span ended in the month by the
//     holder's reply (a helper's too), close or direct answer;
//   - staff: the unit's active staff accounts (not disabled); per staff
//     member = received ÷ staff and working hours ÷ staff (none for 0 staff).

// Tickets is what the evaluation reads of the ticket capability for the
// workload and the returns report (app wires ticket.Service).
type Tickets interface {
	WorkItems(ctx context.Context, from, to time.Time, fn func(ticket.WorkItem) error) error
	RuleFor(ctx context.Context, categoryCode, areaCode string) (string, error)
	UpsertRuleAs(ctx context.Context, u auth.User, r ticket.Rule) error
}

// SetTickets wires the ticket capability and the working-time calendar.
func (s *Service) SetTickets(t Tickets, cal *calendar.Calendar) { s.tickets, s.cal = t, cal }

// WorkloadPerson is one staff member's workload.
type WorkloadPerson struct {
	UserID       string  `json:"user_id"`
	Name         string  `json:"name"`
	Open         int     `json:"open"`
	Received     int     `json:"received"`
	Finished     int     `json:"finished"`
	WorkingHours float64 `json:"working_hours"`
}

// WorkloadUnit is one unit's workload beside its 三率 of the month.
type WorkloadUnit struct {
	OrgCode          string           `json:"org_code"`
	Name             string           `json:"name"`
	Staff            int              `json:"staff"`
	Open             int              `json:"open"`
	Received         int              `json:"received"`
	Finished         int              `json:"finished"`
	WorkingHours     float64          `json:"working_hours"`
	ItemsPerStaff    *float64         `json:"items_per_staff"`
	HoursPerStaff    *float64         `json:"hours_per_staff"`
	Closed           int64            `json:"closed"` // tickets counted in its 三率 (closed in the month)
	ResponseRate     *float64         `json:"response_rate"`
	ResolutionRate   *float64         `json:"resolution_rate"`
	SatisfactionRate *float64         `json:"satisfaction_rate"`
	People           []WorkloadPerson `json:"people"`
}

// Workload is a month's workload of the units u may see.
type Workload struct {
	Period Period         `json:"period"`
	At     time.Time      `json:"at"` // the month's end, or now for the month under way
	Units  []WorkloadUnit `json:"units"`
}

var errNoTickets = errs.New(errs.Unavailable, "工作量统计未接通工单数据", "the workload is not wired to the tickets")

// CanSeeWorkload says whether u sees the workload of unit o: the same rule
// as the tickets behind its figures (CanOpenFigure), by the unit or by the
// area it serves.
func CanSeeWorkload(u auth.User, o gov.Org) bool {
	if CanOpenFigure(u, FigureQuery{OrgCode: o.Code}) == nil {
		return true
	}
	return o.AreaCode != "" && CanOpenFigure(u, FigureQuery{AreaCode: o.AreaCode}) == nil
}

// tally counts one holder's tickets.
type tally struct {
	open, received, finished map[string]bool
	work                     time.Duration
}

func newTally() *tally {
	return &tally{open: map[string]bool{}, received: map[string]bool{}, finished: map[string]bool{}}
}

var finishing = map[string]bool{ticket.ActionReply: true, ticket.ActionHelperReply: true, ticket.ActionClose: true,
	ticket.ActionAnswer: true, ticket.ActionSelfResolve: true}

// add counts span sp of ticket num for the month [from, end).
func (t *tally) add(cal *calendar.Calendar, num string, sp ticket.WorkSpan, from, end time.Time) {
	if !sp.From.Before(end) || sp.To != nil && sp.To.Before(from) {
		return
	}
	if sp.To == nil || !sp.To.Before(end) {
		t.open[num] = true
	}
	if sp.Received && !sp.From.Before(from) {
		t.received[num] = true
	}
	if sp.To != nil && !sp.To.Before(from) && sp.To.Before(end) && finishing[sp.EndKind] {
		t.finished[num] = true
	}
	lo, hi := sp.From, end
	if lo.Before(from) {
		lo = from
	}
	if sp.To != nil && sp.To.Before(hi) {
		hi = *sp.To
	}
	t.work += cal.WorkingDuration(lo, hi)
}

// Workload computes the month p's workload of the units u may see.
func (s *Service) Workload(ctx context.Context, u auth.User, p Period) (Workload, error) {
	if err := CanEvaluate(u); err != nil {
		return Workload{}, err
	}
	if s.tickets == nil || s.cal == nil {
		return Workload{}, errNoTickets
	}
	orgs, err := s.gov.Orgs(ctx, gov.OrgFilter{})
	if err != nil {
		return Workload{}, err
	}
	seen := map[string]gov.Org{}
	for _, o := range orgs {
		if CanSeeWorkload(u, o) {
			seen[o.Code] = o
		}
	}
	end := p.To
	if now := s.clock.Now(); now.Before(end) {
		end = now
	}
	units, people := map[string]*tally{}, map[[2]string]*tally{}
	err = s.tickets.WorkItems(ctx, p.From, end, func(it ticket.WorkItem) error {
		for _, sp := range it.Spans {
			if _, ok := seen[sp.Org]; !ok {
				continue
			}
			if units[sp.Org] == nil {
				units[sp.Org] = newTally()
			}
			units[sp.Org].add(s.cal, it.Number, sp, p.From, end)
			if sp.PersonID != "" && sp.Stage != "dispatched" {
				k := [2]string{sp.Org, sp.PersonID}
				if people[k] == nil {
					people[k] = newTally()
				}
				people[k].add(s.cal, it.Number, sp, p.From, end)
			}
		}
		return nil
	})
	if err != nil {
		return Workload{}, err
	}
	return s.workloadRows(ctx, p, end, seen, units, people)
}

// workloadRows lays the tallies out beside the units' staff and 三率.
func (s *Service) workloadRows(ctx context.Context, p Period, end time.Time, seen map[string]gov.Org,
	units map[string]*tally, people map[[2]string]*tally) (Workload, error) {
	res, err := s.Evaluate(ctx, Query{Period: p, Group: GroupOrg, NoClass: true})
	if err != nil {
		return Workload{}, err
	}
	rates := index(res.Rows)
	staff, names, err := s.staffOf(ctx)
	if err != nil {
		return Workload{}, err
	}
	out := Workload{Period: p, At: end, Units: []WorkloadUnit{}}
	for code, o := range seen {
		t, r := units[code], rates[code]
		if t == nil && r.Tickets == 0 && staff[code] == 0 {
			continue
		}
		if t == nil {
			t = newTally()
		}
		w := WorkloadUnit{OrgCode: code, Name: o.Name, Staff: staff[code], Open: len(t.open), Received: len(t.received),
			Finished: len(t.finished), WorkingHours: hours(t.work), Closed: r.Tickets, ResponseRate: r.ResponseRate,
			ResolutionRate: r.ResolutionRate, SatisfactionRate: r.SatisfactionRate, People: []WorkloadPerson{}}
		if w.Staff > 0 {
			ips, hps := float64(w.Received)/float64(w.Staff), round2(w.WorkingHours/float64(w.Staff))
			w.ItemsPerStaff, w.HoursPerStaff = &ips, &hps
		}
		for k, pt := range people {
			if k[0] == code {
				w.People = append(w.People, WorkloadPerson{UserID: k[1], Name: names[k[1]], Open: len(pt.open),
					Received: len(pt.received), Finished: len(pt.finished), WorkingHours: hours(pt.work)})
			}
		}
		sort.Slice(w.People, func(i, j int) bool { return w.People[i].UserID < w.People[j].UserID })
		out.Units = append(out.Units, w)
	}
	sort.Slice(out.Units, func(i, j int) bool { return out.Units[i].OrgCode < out.Units[j].OrgCode })
	return out, nil
}

func hours(d time.Duration) float64 { return round2(d.Hours()) }

func round2(v float64) float64 {
	return float64(int64(v*100+0.5)) / 100
}

// staffOf counts the active staff accounts of each unit and names every
// staff account.
func (s *Service) staffOf(ctx context.Context) (map[string]int, map[string]string, error) {
	rows, err := s.db.R.QueryContext(ctx, `SELECT id, COALESCE(org_code, ''), name, COALESCE(username, ''), disabled FROM users
WHERE role NOT IN ('resident', 'auditor')`)
	if err != nil {
		return nil, nil, errs.Wrap(err, "count staff")
	}
	defer rows.Close()
	count, names := map[string]int{}, map[string]string{}
	for rows.Next() {
		var id, org, name, username string
		var disabled bool
		if err := rows.Scan(&id, &org, &name, &username, &disabled); err != nil {
			return nil, nil, errs.Wrap(err, "count staff")
		}
		if strings.TrimSpace(name) == "" {
			name = username
		}
		names[id] = name
		if org != "" && !disabled {
			count[org]++
		}
	}
	return count, names, errs.Wrap(rows.Err(), "count staff")
}
