package evaluation

import (
	"context"
	"fmt"
	"math"
	"runtime"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/gongzhi/gongzhi/internal/db"
	"github.com/gongzhi/gongzhi/internal/errs"
	"github.com/gongzhi/gongzhi/internal/gov"
	"github.com/gongzhi/gongzhi/internal/ticket"
)

// Groupings of the rows.
const (
	GroupOrg  = "org"  // one row per unit
	GroupArea = "area" // one row per child area of the area asked for
)

// ticketFigure is a count over the tickets closed in the period: the same
// condition is summed in the aggregate and listed behind the figure, so the
// list always adds up to the figure.
type ticketFigure struct{ name, cond string }

var ticketFigures = []ticketFigure{
	{"tickets", "1 = 1"},
	{"rated", "rated_at IS NOT NULL"},
	{"resolved", "rated_at IS NOT NULL AND rating_resolved = TRUE"},
	{"satisfied", "rated_at IS NOT NULL AND rating_satisfaction = 'satisfied'"},
	{"basic", "rated_at IS NOT NULL AND rating_satisfaction = 'basic'"},
	{"unsatisfied", "rated_at IS NOT NULL AND rating_satisfaction = 'unsatisfied'"},
	{"contact_due", "due_contact_at IS NOT NULL"},
	{"contacted_on_time", "due_contact_at IS NOT NULL AND contacted_at IS NOT NULL AND contacted_at <= due_contact_at"},
	{"complete_due", "due_complete_at IS NOT NULL"},
	{"on_time", "due_complete_at IS NOT NULL AND replied_at IS NOT NULL AND replied_at <= due_complete_at"},
}

// Listed but not summed: the complements a unit wants to check.
var extraFigures = []ticketFigure{
	{"unresolved", "rated_at IS NOT NULL AND rating_resolved = FALSE"},
	{"contact_missed", "due_contact_at IS NOT NULL AND (contacted_at IS NULL OR contacted_at > due_contact_at)"},
	{"late", "due_complete_at IS NOT NULL AND (replied_at IS NULL OR replied_at > due_complete_at)"},
}

// eventFigures count events in the period by the unit they concern.
var eventFigures = []struct{ name, action string }{
	{"returns", ticket.ActionReturn},
	{"extensions", ticket.ActionApproveExtension},
	{"redos", ticket.ActionRedo},
	{"overdue", ticket.ActionOverdue},
}

// eventActions is the SQL list of the kinds eventFigures count.
var eventActions = func() string {
	quoted := make([]string, len(eventFigures))
	for i, f := range eventFigures {
		quoted[i] = "'" + f.action + "'"
	}
	return strings.Join(quoted, ", ")
}()

// baseCond selects the tickets that count: closed in [$1, $2).
const baseCond = `closed_at >= $1 AND closed_at < $2 AND status = 'closed'`

// Counts are the numerators and denominators behind a row.
type Counts struct {
	Tickets         int64 `json:"tickets"`
	Rated           int64 `json:"rated"`
	Resolved        int64 `json:"resolved"`
	Satisfied       int64 `json:"satisfied"`
	Basic           int64 `json:"basic"`
	Unsatisfied     int64 `json:"unsatisfied"`
	ContactDue      int64 `json:"contact_due"`
	ContactedOnTime int64 `json:"contacted_on_time"`
	CompleteDue     int64 `json:"complete_due"`
	OnTime          int64 `json:"on_time"`
	Returns         int64 `json:"returns"`
	Extensions      int64 `json:"extensions"`
	Redos           int64 `json:"redos"`
	Overdue         int64 `json:"overdue"`
}

func (c *Counts) ticketFields() []*int64 {
	return []*int64{&c.Tickets, &c.Rated, &c.Resolved, &c.Satisfied, &c.Basic, &c.Unsatisfied,
		&c.ContactDue, &c.ContactedOnTime, &c.CompleteDue, &c.OnTime}
}

func (c *Counts) eventField(name string) *int64 {
	switch name {
	case "returns":
		return &c.Returns
	case "extensions":
		return &c.Extensions
	case "redos":
		return &c.Redos
	}
	return &c.Overdue
}

func (c *Counts) add(o Counts) {
	a, b := c.ticketFields(), o.ticketFields()
	for i := range a {
		*a[i] += *b[i]
	}
	c.Returns += o.Returns
	c.Extensions += o.Extensions
	c.Redos += o.Redos
	c.Overdue += o.Overdue
}

// Times are the median and 90th percentile of the times to contact and to
// complete, in hours; nil when there is no such ticket.
type Times struct {
	ContactMedian  *float64 `json:"contact_median_hours"`
	ContactP90     *float64 `json:"contact_p90_hours"`
	CompleteMedian *float64 `json:"complete_median_hours"`
	CompleteP90    *float64 `json:"complete_p90_hours"`
}

// Row is one unit or area in a period.
type Row struct {
	OrgCode  string `json:"org_code,omitempty"`
	AreaCode string `json:"area_code,omitempty"`
	Name     string `json:"name"`
	// Group is the ranking a row takes part in: the unit's kind
	// (street_office, department, …) or the area's level.
	Group            string   `json:"group"`
	Tickets          int64    `json:"tickets"`
	Rated            int64    `json:"rated"`
	ResponseRate     *float64 `json:"response_rate"`
	ResolutionRate   *float64 `json:"resolution_rate"`
	SatisfactionRate *float64 `json:"satisfaction_rate"`
	Score            *float64 `json:"score"`
	OnTimeRate       *float64 `json:"on_time_rate"`
	ReturnRate       *float64 `json:"return_rate"`
	ExtensionRate    *float64 `json:"extension_rate"`
	RedoRate         *float64 `json:"redo_rate"`
	Overdue          int64    `json:"overdue"`
	RatingRate       *float64 `json:"rating_rate"`
	Rank             *int     `json:"rank"`
	Class            string   `json:"class"` // "" (JSON null): no class
	// SampleTooSmall: fewer rated tickets than the minimum sample
	// (ClassRules.MinSample), so no rank, no class, on no list (样本不足).
	SampleTooSmall bool     `json:"sample_too_small"`
	Classes        []string `json:"classes"`
	PrevScore      *float64 `json:"prev_score"`
	// Per10k is tickets located in the street per 10,000 residents, for
	// streets (and their offices) with a population.
	Per10k *float64 `json:"per_10k"`
	Counts Counts   `json:"counts"`
	Times  *Times   `json:"times,omitempty"`
	// Participation is set when the district switches a participation
	// indicator on (participation.go).
	Participation *Participation `json:"participation,omitempty"`

	areaKey string // the street of a street office, for 治理
}

// Key is the row's org or area code.
func (r Row) Key() string {
	if r.OrgCode != "" {
		return r.OrgCode
	}
	return r.AreaCode
}

// Query says what to evaluate.
type Query struct {
	Period   Period
	Group    string // org or area
	AreaCode string // units under this area, or the child areas of this area; empty: all units
	Times    bool   // also compute medians and 90th percentiles (a second pass)
	NoClass  bool   // skip classes (and the previous period they need)
}

// Result is an evaluation.
type Result struct {
	Period   Period   `json:"period"`
	Group    string   `json:"group"`
	AreaCode string   `json:"area_code"`
	Rows     []Row    `json:"rows"`
	Settings Settings `json:"-"`
}

func ratio(n, d int64) *float64 {
	if d == 0 {
		return nil
	}
	v := float64(n) / float64(d)
	return &v
}

// rates fills the rates and the score of a row from its counts.
func (r *Row) rates(st Settings) {
	c := r.Counts
	r.Tickets, r.Rated, r.Overdue = c.Tickets, c.Rated, c.Overdue
	r.ResponseRate = ratio(c.ContactedOnTime, c.ContactDue)
	r.ResolutionRate = ratio(c.Resolved, c.Rated)
	// k has at most three decimals: in thousandths the numerator is an
	// integer, and the rate is one correctly rounded division like the others.
	kMilli := int64(math.Round(st.K * 1000))
	r.SatisfactionRate = ratio(c.Satisfied*1000+kMilli*c.Basic, c.Rated*1000)
	r.OnTimeRate = ratio(c.OnTime, c.CompleteDue)
	r.ReturnRate = ratio(c.Returns, c.Tickets)
	r.ExtensionRate = ratio(c.Extensions, c.Tickets)
	r.RedoRate = ratio(c.Redos, c.Tickets)
	r.RatingRate = ratio(c.Rated, c.Tickets)
	r.Score = Score(st.Weights, r.ResponseRate, r.ResolutionRate, r.SatisfactionRate)
}

// Score is the composite score in points out of 100, rounded to 0.01. A
// missing rate drops out and the other weights are scaled up; nil when no
// rate is known.
func Score(w Weights, response, resolution, satisfaction *float64) *float64 {
	var sum, wsum float64
	for _, p := range []struct {
		w float64
		v *float64
	}{{w.Response, response}, {w.Resolution, resolution}, {w.Satisfaction, satisfaction}} {
		if p.v != nil {
			sum += p.w * *p.v
			wsum += p.w
		}
	}
	if wsum == 0 {
		return nil
	}
	v := math.Round(100*sum/wsum*100) / 100
	return &v
}

// streetLen is the length of a street's (街道/乡镇) statistical code.
const streetLen = 9

// Evaluate computes the rows of a period.
func (s *Service) Evaluate(ctx context.Context, q Query) (Result, error) {
	st, err := s.Settings(ctx)
	if err != nil {
		return Result{}, err
	}
	use, err := s.freshAggregates(ctx)
	if err != nil {
		return Result{}, err
	}
	return s.evaluate(ctx, q, st, use)
}

// evaluate computes the rows, from the aggregates when useAgg and the period
// is whole days, from the tickets otherwise.
func (s *Service) evaluate(ctx context.Context, q Query, st Settings, useAgg bool) (Result, error) {
	if q.Group == "" {
		q.Group = GroupOrg
	}
	if q.Group != GroupOrg && q.Group != GroupArea {
		return Result{}, errs.Invalidf("group 须为 org 或 area", "group must be org or area")
	}
	if q.AreaCode != "" && !gov.ValidCode(q.AreaCode) {
		return Result{}, errs.Invalidf("区划代码格式不正确：%q", "malformed area code: %q", q.AreaCode)
	}
	res := Result{Period: q.Period, Group: q.Group, AreaCode: q.AreaCode, Settings: st, Rows: []Row{}}
	var rows []Row
	keyLen := streetLen
	if q.Group == GroupArea {
		if q.AreaCode == "" {
			return Result{}, errs.Invalidf("按区域统计须给出 area_code", "group=area needs area_code")
		}
		children, err := s.gov.Areas(ctx, q.AreaCode)
		if err != nil {
			return Result{}, err
		}
		if len(children) == 0 {
			return res, nil
		}
		keyLen = len(children[0].Code)
		for _, a := range children {
			rows = append(rows, Row{AreaCode: a.Code, Name: a.Name, Group: string(a.Level), areaKey: a.Code})
		}
	}
	// The previous period (for 进步) is evaluated alongside.
	var prevDone chan struct{}
	var prev Result
	var prevErr error
	if !q.NoClass {
		prevDone = make(chan struct{})
		go func() {
			defer close(prevDone)
			prevQ := q
			prevQ.Period, prevQ.NoClass, prevQ.Times = q.Period.Prev(), true, false
			prev, prevErr = s.evaluate(ctx, prevQ, st, useAgg)
		}()
	}
	byOrg, byArea, evOrg, evArea, err := s.counts(ctx, q, keyLen, useAgg)
	if prevDone != nil {
		<-prevDone
	}
	for _, e := range []error{err, prevErr} {
		if e != nil {
			return Result{}, e
		}
	}
	if q.Group == GroupOrg {
		orgRows, err := s.orgRows(ctx, q.AreaCode, byOrg, evOrg)
		if err != nil {
			return Result{}, err
		}
		rows = append(rows, orgRows...)
	}
	if q.Group == GroupOrg {
		fillRows(rows, st, byOrg, evOrg, func(r *Row) string { return r.OrgCode })
	} else {
		fillRows(rows, st, byArea, evArea, func(r *Row) string { return r.AreaCode })
	}
	if err := s.perResidents(ctx, rows, byArea, q.Period, st); err != nil {
		return Result{}, err
	}
	rank(rows, st.Classes)
	if !q.NoClass {
		classify(rows, prev.Rows, st.Classes)
	}
	if q.Times {
		if err := s.times(ctx, q, rows, keyLen); err != nil {
			return Result{}, err
		}
	}
	sort.SliceStable(rows, func(i, j int) bool { return rowLess(rows[i], rows[j]) })
	res.Rows = rows
	return res, nil
}

// fillRows gives each row its counts (the ticket counts of tk, the event
// counts of ev, under the row's key) and its rates.
func fillRows(rows []Row, st Settings, tk, ev map[string]Counts, key func(*Row) string) {
	for i := range rows {
		r := &rows[i]
		r.Counts = tk[key(r)]
		e := ev[key(r)]
		r.Counts.Returns, r.Counts.Extensions, r.Counts.Redos, r.Counts.Overdue = e.Returns, e.Extensions, e.Redos, e.Overdue
		r.rates(st)
	}
}

// counts reads the period's counts, by unit and by area (keyLen), from the
// aggregates when useAgg and the period is whole days, else from the tickets
// and their events.
func (s *Service) counts(ctx context.Context, q Query, keyLen int, useAgg bool) (byOrg, byArea, evOrg, evArea map[string]Counts, err error) {
	var evErr error
	if _, _, whole := s.dayRange(q.Period); whole && useAgg {
		// The sums of evaluation_days (aggregates_read.go): the same counts.
		prefix := ""
		if q.Group == GroupArea {
			prefix = q.AreaCode
		}
		byOrg, byArea, evOrg, evArea, err = s.sumDays(ctx, q.Period, keyLen, q.Group == GroupOrg, prefix)
	} else {
		evDone := make(chan struct{})
		go func() {
			defer close(evDone)
			evOrg, evArea, evErr = s.events(ctx, q.Period, keyLen, q.Group == GroupArea)
		}()
		byOrg, byArea, err = s.aggregateParallel(ctx, q.Period, keyLen)
		<-evDone
	}
	if err == nil {
		err = evErr
	}
	return byOrg, byArea, evOrg, evArea, err
}

// orgRows are the rows of the units in areaCode: those with tickets or
// counted events in the period, and every street office and department.
func (s *Service) orgRows(ctx context.Context, areaCode string, byOrg, evOrg map[string]Counts) ([]Row, error) {
	var rows []Row
	orgs, err := s.gov.Orgs(ctx, gov.OrgFilter{AreaCode: areaCode})
	if err != nil {
		return nil, err
	}
	for _, o := range orgs {
		_, busy := byOrg[o.Code]
		_, acted := evOrg[o.Code]
		if !busy && !acted && o.Kind != gov.KindStreetOffice && o.Kind != gov.KindDepartment {
			continue
		}
		r := Row{OrgCode: o.Code, Name: o.Name, Group: string(o.Kind)}
		if o.Kind == gov.KindStreetOffice {
			r.areaKey = o.AreaCode
		}
		rows = append(rows, r)
	}
	return rows, nil
}

// rowLess orders rows by ranking group, then rank (unranked last), then code.
func rowLess(a, b Row) bool {
	if a.Group != b.Group {
		return groupOrder(a.Group) < groupOrder(b.Group) || (groupOrder(a.Group) == groupOrder(b.Group) && a.Group < b.Group)
	}
	switch {
	case a.Rank != nil && b.Rank == nil:
		return true
	case a.Rank == nil && b.Rank != nil:
		return false
	case a.Rank != nil && *a.Rank != *b.Rank:
		return *a.Rank < *b.Rank
	}
	return a.Key() < b.Key()
}

func groupOrder(g string) int {
	switch g {
	case string(gov.KindStreetOffice), string(gov.LevelStreet):
		return 0
	case string(gov.KindDepartment), string(gov.LevelCommunity):
		return 1
	}
	return 2
}

// aggregateParallel splits the period into as many consecutive slices as
// there are processors (at most 8, the size of SQLite's reader pool) and
// aggregates them at once; the sums add up.
func (s *Service) aggregateParallel(ctx context.Context, p Period, keyLen int) (map[string]Counts, map[string]Counts, error) {
	n := min(runtime.GOMAXPROCS(0), 8)
	span := p.To.Sub(p.From)
	if n <= 1 || span < 24*time.Hour {
		return s.aggregate(ctx, p, keyLen)
	}
	type part struct {
		org, area map[string]Counts
		err       error
	}
	parts := make([]part, n)
	var wg sync.WaitGroup
	for i := 0; i < n; i++ {
		from := p.From.Add(span * time.Duration(i) / time.Duration(n))
		to := p.From.Add(span * time.Duration(i+1) / time.Duration(n))
		if i == n-1 {
			to = p.To
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			parts[i].org, parts[i].area, parts[i].err = s.aggregate(ctx, Period{From: from, To: to}, keyLen)
		}()
	}
	wg.Wait()
	byOrg, byArea := map[string]Counts{}, map[string]Counts{}
	for _, pt := range parts {
		if pt.err != nil {
			return nil, nil, pt.err
		}
		for k, c := range pt.org {
			o := byOrg[k]
			o.add(c)
			byOrg[k] = o
		}
		for k, c := range pt.area {
			a := byArea[k]
			a.add(c)
			byArea[k] = a
		}
	}
	return byOrg, byArea, nil
}

// aggregate sums the ticket figures of the period in one indexed range scan
// of closed_at, by lead unit and by the first keyLen characters of the area.
func (s *Service) aggregate(ctx context.Context, p Period, keyLen int) (map[string]Counts, map[string]Counts, error) {
	var b strings.Builder
	fmt.Fprintf(&b, "SELECT assigned_org_code, substr(area_code, 1, %d)", keyLen)
	for _, f := range ticketFigures[1:] {
		fmt.Fprintf(&b, ",\n SUM(CASE WHEN %s THEN 1 ELSE 0 END)", f.cond)
	}
	b.WriteString(", COUNT(*)\nFROM tickets")
	if s.db.Engine == db.SQLite {
		// Without statistics SQLite prefers the status index; the covering
		// index on closed_at reads the period without touching the table.
		b.WriteString(" INDEXED BY tickets_closed")
	}
	b.WriteString(" WHERE " + baseCond + "\nGROUP BY 1, 2")
	rows, err := s.db.Reader(ctx).QueryContext(ctx, b.String(), db.Millis(p.From), db.Millis(p.To))
	if err != nil {
		return nil, nil, errs.Wrap(err, "aggregate tickets")
	}
	defer rows.Close()
	byOrg, byArea := map[string]Counts{}, map[string]Counts{}
	for rows.Next() {
		var org, area string
		var c Counts
		fields := c.ticketFields()
		dest := []any{&org, &area}
		for _, f := range fields[1:] {
			dest = append(dest, f)
		}
		dest = append(dest, fields[0])
		if err := rows.Scan(dest...); err != nil {
			return nil, nil, errs.Wrap(err, "scan aggregate")
		}
		if org != "" {
			o := byOrg[org]
			o.add(c)
			byOrg[org] = o
		}
		if area != "" {
			a := byArea[area]
			a.add(c)
			byArea[area] = a
		}
	}
	return byOrg, byArea, errs.Wrap(rows.Err(), "aggregate tickets")
}

// events counts returns, extensions, redos and overdue tickets in the period
// by the unit the event concerns, and with byArea by the ticket's area.
func (s *Service) events(ctx context.Context, p Period, keyLen int, byAreaToo bool) (map[string]Counts, map[string]Counts, error) {
	byOrg, byArea := map[string]Counts{}, map[string]Counts{}
	q := `SELECT e.org_code, '', e.action, COUNT(*), COUNT(DISTINCT e.ticket_number) FROM ticket_events e
WHERE e.action IN (` + eventActions + `) AND e.at >= $1 AND e.at < $2 GROUP BY 1, 2, 3`
	if byAreaToo {
		q = fmt.Sprintf(`SELECT e.org_code, substr(t.area_code, 1, %d), e.action, COUNT(*), COUNT(DISTINCT e.ticket_number)
FROM ticket_events e JOIN tickets t ON t.number = e.ticket_number
WHERE e.action IN (%s) AND e.at >= $1 AND e.at < $2 GROUP BY 1, 2, 3`, keyLen, eventActions)
	}
	rows, err := s.db.Reader(ctx).QueryContext(ctx, q, db.Millis(p.From), db.Millis(p.To))
	if err != nil {
		return nil, nil, errs.Wrap(err, "count events")
	}
	defer rows.Close()
	for rows.Next() {
		var org, area, action string
		var n, distinct int64
		if err := rows.Scan(&org, &area, &action, &n, &distinct); err != nil {
			return nil, nil, errs.Wrap(err, "scan events")
		}
		for _, f := range eventFigures {
			if f.action != action {
				continue
			}
			v := n
			if f.name == "overdue" {
				v = distinct
			}
			o := byOrg[org]
			*o.eventField(f.name) += v
			byOrg[org] = o
			if area != "" {
				a := byArea[area]
				*a.eventField(f.name) += v
				byArea[area] = a
			}
		}
	}
	return byOrg, byArea, errs.Wrap(rows.Err(), "count events")
}

// perResidents fills the figures measured against residents: tickets per
// 10,000 and the participation indicators switched on.
func (s *Service) perResidents(ctx context.Context, rows []Row, byArea map[string]Counts, p Period, st Settings) error {
	if err := s.per10k(ctx, rows, byArea); err != nil {
		return err
	}
	return s.participation(ctx, rows, p, st)
}

// per10k sets, for street rows and street offices, the tickets located in
// the street per 10,000 residents. Streets without a population are skipped.
func (s *Service) per10k(ctx context.Context, rows []Row, byArea map[string]Counts) error {
	for i := range rows {
		r := &rows[i]
		if len(r.areaKey) != streetLen {
			continue
		}
		a, err := s.gov.Area(ctx, r.areaKey)
		if err != nil {
			if errs.Is(err, errs.NotFound) {
				continue
			}
			return err
		}
		if a.Population <= 0 {
			continue
		}
		v := float64(byArea[r.areaKey].Tickets) * 10000 / float64(a.Population)
		r.Per10k = &v
	}
	return nil
}
