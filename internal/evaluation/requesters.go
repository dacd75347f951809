package evaluation

import (
	"context"
	"fmt"
	"sort"
	"strings"

	"github.com/gongzhi/gongzhi/internal/auth"
	"github.com/gongzhi/gongzhi/internal/db"
	"github.com/gongzhi/gongzhi/internal/errs"
	"github.com/gongzhi/gongzhi/internal/ticket"
)

// The figures of enterprises' requests (企业诉求) reported apart from
// residents': the tickets closed in a period counted the way the units'
// figures are (ticketFigures), split by the ticket's requester kind.

// RequesterRow is the figures of one requester kind in a period. The rates
// are nil when their denominator is zero.
type RequesterRow struct {
	RequesterKind    ticket.RequesterKind `json:"requester_kind"`
	Tickets          int64                `json:"tickets"`
	Rated            int64                `json:"rated"`
	ResponseRate     *float64             `json:"response_rate"`
	OnTimeRate       *float64             `json:"on_time_rate"`
	ResolutionRate   *float64             `json:"resolution_rate"`
	SatisfactionRate *float64             `json:"satisfaction_rate"`
	Counts           Counts               `json:"counts"`
}

// RequesterFigures are the rows of every requester kind, residents first,
// and the same split for each unit that closed an enterprise's request in
// the period (Units: the most enterprises' tickets first).
type RequesterFigures struct {
	Period Period          `json:"period"`
	Rows   []RequesterRow  `json:"rows"`
	Units  []RequesterUnit `json:"units"`
}

// RequesterUnit is one lead unit's figures by requester kind.
type RequesterUnit struct {
	OrgCode string         `json:"org_code"`
	OrgName string         `json:"org_name"`
	Rows    []RequesterRow `json:"rows"`
}

var errNotRequesters = errs.New(errs.Forbidden, "只有督办、领导和区级派单员可以查看企业诉求统计",
	"only supervisors, leaders and district dispatchers see the figures by requester")

// CanSeeRequesters says whether u sees the figures by requester: those who
// see every figure of the district (SeesAll).
func CanSeeRequesters(u auth.User) error {
	if Visible(u) != SeesAll {
		return errNotRequesters
	}
	return nil
}

// Requesters counts the tickets closed in p by requester kind, for u.
func (s *Service) Requesters(ctx context.Context, u auth.User, p Period) (RequesterFigures, error) {
	if err := CanSeeRequesters(u); err != nil {
		return RequesterFigures{}, err
	}
	st, err := s.Settings(ctx)
	if err != nil {
		return RequesterFigures{}, err
	}
	byUnit, err := s.countByRequester(ctx, p)
	if err != nil {
		return RequesterFigures{}, err
	}
	total := map[ticket.RequesterKind]Counts{}
	for _, byKind := range byUnit {
		for k, c := range byKind {
			t := total[k]
			t.add(c)
			total[k] = t
		}
	}
	out := RequesterFigures{Period: p, Rows: requesterRows(total, st), Units: []RequesterUnit{}}
	for org, byKind := range byUnit {
		if byKind[ticket.RequesterEnterprise].Tickets == 0 {
			continue
		}
		name := org
		if o, err := s.gov.Org(ctx, org); err == nil {
			name = o.Name
		}
		out.Units = append(out.Units, RequesterUnit{OrgCode: org, OrgName: name, Rows: requesterRows(byKind, st)})
	}
	ent := func(u RequesterUnit) int64 {
		for _, r := range u.Rows {
			if r.RequesterKind == ticket.RequesterEnterprise {
				return r.Tickets
			}
		}
		return 0
	}
	sort.Slice(out.Units, func(i, j int) bool {
		a, b := ent(out.Units[i]), ent(out.Units[j])
		return a > b || a == b && out.Units[i].OrgCode < out.Units[j].OrgCode
	})
	return out, nil
}

// countByRequester counts the tickets closed in p by lead unit and
// requester kind.
func (s *Service) countByRequester(ctx context.Context, p Period) (map[string]map[ticket.RequesterKind]Counts, error) {
	var b strings.Builder
	b.WriteString("SELECT assigned_org_code, requester_kind")
	for _, f := range ticketFigures[1:] {
		fmt.Fprintf(&b, ",\n SUM(CASE WHEN %s THEN 1 ELSE 0 END)", f.cond)
	}
	b.WriteString(", COUNT(*)\nFROM tickets WHERE " + baseCond + "\nGROUP BY assigned_org_code, requester_kind")
	rows, err := s.db.Reader(ctx).QueryContext(ctx, b.String(), db.Millis(p.From), db.Millis(p.To))
	if err != nil {
		return nil, errs.Wrap(err, "count by requester")
	}
	defer rows.Close()
	byUnit := map[string]map[ticket.RequesterKind]Counts{}
	for rows.Next() {
		var org string
		var k ticket.RequesterKind
		var c Counts
		fields := c.ticketFields()
		dest := []any{&org, &k}
		for _, f := range fields[1:] {
			dest = append(dest, f)
		}
		dest = append(dest, fields[0])
		if err := rows.Scan(dest...); err != nil {
			return nil, errs.Wrap(err, "count by requester")
		}
		if byUnit[org] == nil {
			byUnit[org] = map[ticket.RequesterKind]Counts{}
		}
		byUnit[org][k] = c
	}
	return byUnit, errs.Wrap(rows.Err(), "count by requester")
}

// requesterRows turns counts by kind into a row of every kind, residents
// first.
func requesterRows(byKind map[ticket.RequesterKind]Counts, st Settings) []RequesterRow {
	out := []RequesterRow{}
	for _, k := range ticket.RequesterKinds {
		r := Row{Counts: byKind[k]}
		r.rates(st)
		out = append(out, RequesterRow{RequesterKind: k, Tickets: r.Tickets, Rated: r.Rated,
			ResponseRate: r.ResponseRate, OnTimeRate: r.OnTimeRate, ResolutionRate: r.ResolutionRate,
			SatisfactionRate: r.SatisfactionRate, Counts: r.Counts})
	}
	return out
}
