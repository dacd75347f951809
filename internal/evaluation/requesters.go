package evaluation

import (
	"context"
	"fmt"
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

// RequesterFigures are the rows of every requester kind, residents first.
type RequesterFigures struct {
	Period Period         `json:"period"`
	Rows   []RequesterRow `json:"rows"`
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
	var b strings.Builder
	b.WriteString("SELECT requester_kind")
	for _, f := range ticketFigures[1:] {
		fmt.Fprintf(&b, ",\n SUM(CASE WHEN %s THEN 1 ELSE 0 END)", f.cond)
	}
	b.WriteString(", COUNT(*)\nFROM tickets WHERE " + baseCond + "\nGROUP BY requester_kind")
	rows, err := s.db.Reader(ctx).QueryContext(ctx, b.String(), db.Millis(p.From), db.Millis(p.To))
	if err != nil {
		return RequesterFigures{}, errs.Wrap(err, "count by requester")
	}
	defer rows.Close()
	byKind := map[ticket.RequesterKind]Counts{}
	for rows.Next() {
		var k ticket.RequesterKind
		var c Counts
		fields := c.ticketFields()
		dest := []any{&k}
		for _, f := range fields[1:] {
			dest = append(dest, f)
		}
		dest = append(dest, fields[0])
		if err := rows.Scan(dest...); err != nil {
			return RequesterFigures{}, errs.Wrap(err, "count by requester")
		}
		byKind[k] = c
	}
	if err := rows.Err(); err != nil {
		return RequesterFigures{}, errs.Wrap(err, "count by requester")
	}
	out := RequesterFigures{Period: p, Rows: []RequesterRow{}}
	for _, k := range ticket.RequesterKinds {
		r := Row{Counts: byKind[k]}
		r.rates(st)
		out.Rows = append(out.Rows, RequesterRow{RequesterKind: k, Tickets: r.Tickets, Rated: r.Rated,
			ResponseRate: r.ResponseRate, OnTimeRate: r.OnTimeRate, ResolutionRate: r.ResolutionRate,
			SatisfactionRate: r.SatisfactionRate, Counts: r.Counts})
	}
	return out, nil
}
