package notice

import (
	"context"
	"fmt"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/gongzhi/gongzhi/internal/auth"
	"github.com/gongzhi/gongzhi/internal/clock"
	"github.com/gongzhi/gongzhi/internal/db"
	"github.com/gongzhi/gongzhi/internal/errs"
	"github.com/gongzhi/gongzhi/internal/gov"
)

// Village committees (村委会) disclose village affairs and finance on a
// schedule (村务公开, 财务公开): by default village affairs each quarter and
// finance each month, each period's disclosure due DefaultDueDays calendar
// days after the period ends (by the 10th of the next month). The
// administrator sets other rules for the committees at and below an area
// (the rule of the nearest area above a committee applies), or none. A
// period is disclosed when an item of its kind naming the period
// ("2026-10", "2026-Q3") is published by the committee; DueDisclosures
// reports, for each committee and kind, the last period that has ended,
// whether it was disclosed, is due or is overdue, and the period under way.

// How often a kind is disclosed.
const (
	Monthly   = "monthly"
	Quarterly = "quarterly"
	Never     = "none"
)

// Schedule limits.
const (
	DefaultDueDays = 10
	MaxDueDays     = 60
	// MaxSchedules is how many committees DueDisclosures reports at most.
	MaxSchedules = 2000
)

// States of a period's disclosure.
const (
	StateDone    = "done"
	StateDue     = "due"
	StateOverdue = "overdue"
)

// Rule is how often the village committees at and below an area disclose
// a kind, and how many days after a period its disclosure is due.
type Rule struct {
	AreaCode string `json:"area_code"`
	Kind     Kind   `json:"kind"`
	Every    string `json:"every"`
	DueDays  int    `json:"due_days"`
}

// DefaultRule is the rule where the administrator has set none.
func DefaultRule(k Kind) Rule {
	if k == KindFinance {
		return Rule{Kind: k, Every: Monthly, DueDays: DefaultDueDays}
	}
	return Rule{Kind: k, Every: Quarterly, DueDays: DefaultDueDays}
}

// Due is one committee's schedule of one kind.
type Due struct {
	OrgCode  string `json:"org_code"`
	OrgName  string `json:"org_name"`
	AreaCode string `json:"area_code"`
	Kind     Kind   `json:"kind"`
	Every    string `json:"every"`
	// Period is the last period that has ended, DueAt when its disclosure
	// is due, State whether it is done, due or overdue, Number the item
	// that disclosed it.
	Period string    `json:"period"`
	DueAt  time.Time `json:"due_at"`
	State  string    `json:"state"`
	Number string    `json:"number"`
	// NextPeriod is the period under way, NextDueAt when it will be due,
	// NextNumber the item that already disclosed it, if any.
	NextPeriod string    `json:"next_period"`
	NextDueAt  time.Time `json:"next_due_at"`
	NextNumber string    `json:"next_number"`
}

// span reads a period's label, "2026-10" (a month) or "2026-Q3" (a
// quarter), as its start and its end in business time.
func span(label string) (start, end time.Time, ok bool) {
	if len(label) != 7 || label[4] != '-' {
		return start, end, false
	}
	y, err := strconv.Atoi(label[:4])
	if err != nil || y < 2000 || y > 2100 {
		return start, end, false
	}
	months, first := 1, 0
	if label[5] == 'Q' {
		q := int(label[6] - '0')
		if q < 1 || q > 4 {
			return start, end, false
		}
		months, first = 3, 3*(q-1)+1
	} else if m, err := strconv.Atoi(label[5:]); err == nil && m >= 1 && m <= 12 && label[5] >= '0' && label[5] <= '1' {
		first = m
	} else {
		return start, end, false
	}
	start = time.Date(y, time.Month(first), 1, 0, 0, 0, 0, clock.BusinessZone())
	return start, start.AddDate(0, months, 0), true
}

// label names the period of every that holds t.
func label(every string, t time.Time) string {
	t = t.In(clock.BusinessZone())
	if every == Quarterly {
		return fmt.Sprintf("%d-Q%d", t.Year(), (int(t.Month())-1)/3+1)
	}
	return t.Format("2006-01")
}

// previous is the label of the period before the one labelled cur.
func previous(cur string) string {
	start, _, _ := span(cur)
	if len(cur) == 7 && cur[5] == 'Q' {
		return label(Quarterly, start.AddDate(0, 0, -1))
	}
	return label(Monthly, start.AddDate(0, 0, -1))
}

// checkPeriod checks a period's label: a month or quarter that has begun.
func checkPeriod(p string, now time.Time) error {
	start, _, ok := span(p)
	if !ok || start.After(now) {
		return errs.Invalidf("所属期间应为已开始的月份（如 2026-10）或季度（如 2026-Q3）", "the period must be a month (2026-10) or quarter (2026-Q3) that has begun")
	}
	return nil
}

// SetRule sets how often the village committees at and below the area
// disclose the kind (Every "none" stops it there); the administrator's.
func (s *Service) SetRule(ctx context.Context, u auth.User, r Rule) (Rule, error) {
	if !CanSetRules(u) {
		return Rule{}, errs.ErrForbidden
	}
	if !gov.ValidCode(r.AreaCode) {
		return Rule{}, errArea
	}
	if !r.Kind.Scheduled() {
		return Rule{}, errs.Invalidf("只有村务公开和财务公开有公开时间表", "only village affairs and finance are disclosed on a schedule")
	}
	if r.Every != Monthly && r.Every != Quarterly && r.Every != Never {
		return Rule{}, errs.Invalidf("公开周期应为 monthly、quarterly 或 none", "every must be monthly, quarterly or none")
	}
	if r.DueDays == 0 {
		r.DueDays = DefaultDueDays
	}
	if r.DueDays < 1 || r.DueDays > MaxDueDays {
		return Rule{}, errs.Invalidf("期满后公开期限应为1到%d天", "the days after a period must be 1 to %d", MaxDueDays)
	}
	if _, err := gov.AreaQ(ctx, s.db.R, r.AreaCode); err != nil {
		return Rule{}, err
	}
	_, err := s.db.W.ExecContext(ctx, `INSERT INTO notice_schedule_rules (area_code, kind, period, due_days, set_by, set_at) VALUES ($1, $2, $3, $4, $5, $6)
ON CONFLICT (area_code, kind) DO UPDATE SET period = excluded.period, due_days = excluded.due_days, set_by = excluded.set_by, set_at = excluded.set_at`,
		r.AreaCode, string(r.Kind), r.Every, r.DueDays, u.ID, db.Millis(s.clock.Now()))
	return r, errs.Wrap(err, "set schedule rule")
}

// Rules returns the rules the administrator has set, by area.
func (s *Service) Rules(ctx context.Context) ([]Rule, error) {
	rows, err := s.db.R.QueryContext(ctx, `SELECT area_code, kind, period, due_days FROM notice_schedule_rules ORDER BY area_code, kind LIMIT 10000`)
	if err != nil {
		return nil, errs.Wrap(err, "schedule rules")
	}
	defer rows.Close()
	out := []Rule{}
	for rows.Next() {
		var r Rule
		if err := rows.Scan(&r.AreaCode, &r.Kind, &r.Every, &r.DueDays); err != nil {
			return nil, errs.Wrap(err, "scan rule")
		}
		out = append(out, r)
	}
	return out, errs.Wrap(rows.Err(), "schedule rules")
}

// ruleFor is the rule of the nearest area at or above areaCode.
func ruleFor(rules []Rule, areaCode string, k Kind) Rule {
	best := DefaultRule(k)
	for _, r := range rules {
		if r.Kind == k && strings.HasPrefix(areaCode, r.AreaCode) && len(r.AreaCode) > len(best.AreaCode) {
			best = r
		}
	}
	return best
}

// orgScope adds the village committees whose schedules u reads to c (the
// SQL twin of CanSeeSchedule), or reports that there are none.
func orgScope(c *db.Conds, u auth.User) bool {
	c.Add(`o.kind = ?`, string(gov.KindVillageCommittee))
	if u.IsAdmin() {
		return true
	}
	var ors []string
	if u.OrgCode != "" {
		ors = append(ors, c.Bind(`o.code = ?`, u.OrgCode))
	}
	if u.Role == auth.RoleSupervisor && u.AreaCode != "" {
		lo, hi := gov.UnderRange(u.AreaCode)
		ors = append(ors, c.Bind(`(o.area_code >= ? AND o.area_code < ?)`, lo, hi))
	}
	if len(ors) == 0 {
		return false
	}
	c.Where = append(c.Where, `(`+strings.Join(ors, ` OR `)+`)`)
	return true
}

// DueDisclosures returns the disclosure schedules of the village
// committees u reads (her own committee's; a supervisor's, those in her
// area; the administrator's, all): the overdue first, then the due, then
// those done, each the earliest due first.
func (s *Service) DueDisclosures(ctx context.Context, u auth.User) ([]Due, error) {
	if !CanListSchedules(u) {
		return nil, errs.ErrForbidden
	}
	out := []Due{}
	var c db.Conds
	if !orgScope(&c, u) {
		return out, nil
	}
	orgs, err := s.scheduleOrgs(ctx, &c, u)
	if err != nil || len(orgs) == 0 {
		return out, err
	}
	rules, err := s.Rules(ctx)
	if err != nil {
		return nil, err
	}
	now := s.clock.Now()
	var pc db.Conds
	orgScope(&pc, u)
	published, err := s.disclosed(ctx, &pc, now)
	if err != nil {
		return nil, err
	}
	for _, o := range orgs {
		for _, k := range []Kind{KindVillageAffairs, KindFinance} {
			r := ruleFor(rules, o.AreaCode, k)
			if r.Every == Never {
				continue
			}
			out = append(out, s.dueOf(o, r, now, published))
		}
	}
	rank := map[string]int{StateOverdue: 0, StateDue: 1, StateDone: 2}
	sort.SliceStable(out, func(i, j int) bool {
		a, b := out[i], out[j]
		if rank[a.State] != rank[b.State] {
			return rank[a.State] < rank[b.State]
		}
		if !a.DueAt.Equal(b.DueAt) {
			return a.DueAt.Before(b.DueAt)
		}
		return a.OrgCode < b.OrgCode
	})
	return out, nil
}

func (s *Service) scheduleOrgs(ctx context.Context, c *db.Conds, u auth.User) ([]gov.Org, error) {
	rows, err := s.db.R.QueryContext(ctx, `SELECT o.code, o.name, o.area_code FROM orgs o WHERE `+c.And()+` ORDER BY o.code LIMIT `+c.Arg(MaxSchedules), c.Args...)
	if err != nil {
		return nil, errs.Wrap(err, "schedule orgs")
	}
	defer rows.Close()
	var out []gov.Org
	for rows.Next() {
		o := gov.Org{Kind: gov.KindVillageCommittee}
		if err := rows.Scan(&o.Code, &o.Name, &o.AreaCode); err != nil {
			return nil, errs.Wrap(err, "scan org")
		}
		if CanSeeSchedule(u, o) {
			out = append(out, o)
		}
	}
	return out, errs.Wrap(rows.Err(), "schedule orgs")
}

// disclosed returns the items published by the committees of c for the
// periods that matter now (the last ended and the current month and
// quarter), by "org kind period".
func (s *Service) disclosed(ctx context.Context, c *db.Conds, now time.Time) (map[string]string, error) {
	month, quarter := label(Monthly, now), label(Quarterly, now)
	c.In(`n.period`, []string{previous(month), previous(quarter), month, quarter})
	rows, err := s.db.R.QueryContext(ctx, `SELECT n.org_code, n.kind, n.period, MIN(n.number) FROM notices n JOIN orgs o ON o.code = n.org_code
WHERE n.kind IN ('village_affairs', 'finance') AND n.status IN ('commenting', 'noticing', 'answering', 'final') AND `+c.And()+`
GROUP BY n.org_code, n.kind, n.period`, c.Args...)
	if err != nil {
		return nil, errs.Wrap(err, "disclosed periods")
	}
	defer rows.Close()
	out := map[string]string{}
	for rows.Next() {
		var org, kind, period, number string
		if err := rows.Scan(&org, &kind, &period, &number); err != nil {
			return nil, errs.Wrap(err, "scan disclosed")
		}
		out[org+" "+kind+" "+period] = number
	}
	return out, errs.Wrap(rows.Err(), "disclosed periods")
}

func (s *Service) dueOf(o gov.Org, r Rule, now time.Time, published map[string]string) Due {
	cur := label(r.Every, now)
	_, curEnd, _ := span(cur)
	prev := previous(cur)
	_, prevEnd, _ := span(prev)
	d := Due{OrgCode: o.Code, OrgName: o.Name, AreaCode: o.AreaCode, Kind: r.Kind, Every: r.Every,
		Period: prev, DueAt: prevEnd.AddDate(0, 0, r.DueDays).In(s.loc), NextPeriod: cur, NextDueAt: curEnd.AddDate(0, 0, r.DueDays).In(s.loc)}
	d.Number = published[o.Code+" "+string(r.Kind)+" "+prev]
	d.NextNumber = published[o.Code+" "+string(r.Kind)+" "+cur]
	switch {
	case d.Number != "":
		d.State = StateDone
	case now.Before(d.DueAt):
		d.State = StateDue
	default:
		d.State = StateOverdue
	}
	return d
}
