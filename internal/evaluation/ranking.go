package evaluation

import (
	"context"
	"math"
	"sort"

	"github.com/gongzhi/gongzhi/internal/gov"
)

// Classes (考核类别).
const (
	ClassAdvanced   = "advanced"   // 先进: the top share by score
	ClassRectify    = "rectify"    // 整改: the bottom share by score
	ClassProgress   = "progress"   // 进步: the largest score gains over the previous period
	ClassGovernance = "governance" // 治理: streets with most tickets per 10,000 residents
)

// share is how many of n units a percentage takes: rounded up, so 10% of 18
// streets is 2.
func share(n int, pct float64) int {
	if n == 0 || pct <= 0 {
		return 0
	}
	return int(math.Ceil(float64(n)*pct/100 - 1e-9))
}

// ranked is the rule of the minimum sample: a row is ranked, and so may be
// classed (先进, 整改, 进步) and put on the red or black list, only with a
// score and at least MinSample rated tickets in the period. Below that its
// rates may be one resident's rating: it is "sample too small" (样本不足),
// with no rank and no class, and no rectification task is set from it.
func ranked(r Row, c ClassRules) bool { return r.Score != nil && r.Rated >= int64(c.MinSample()) }

// rank gives the rows of each ranking group their rank by score, highest
// first; equal scores share a rank (1, 2, 2, 4). Rows without a score or with
// fewer than MinSample rated tickets are not ranked.
func rank(rows []Row, c ClassRules) {
	groups := map[string][]*Row{}
	for i := range rows {
		rows[i].Rank, rows[i].Class, rows[i].Classes = nil, "", []string{}
		rows[i].SampleTooSmall = rows[i].Rated < int64(c.MinSample())
		if ranked(rows[i], c) {
			groups[rows[i].Group] = append(groups[rows[i].Group], &rows[i])
		}
	}
	for _, g := range groups {
		sort.SliceStable(g, func(i, j int) bool {
			if *g[i].Score != *g[j].Score {
				return *g[i].Score > *g[j].Score
			}
			return g[i].Key() < g[j].Key()
		})
		for i, r := range g {
			n := i + 1
			if i > 0 && *g[i-1].Score == *r.Score {
				n = *g[i-1].Rank
			}
			r.Rank = &n
		}
	}
}

// classify sets the classes of the ranked rows by the rules, with the rows
// of the previous period for 进步. A unit is never both advanced and in
// rectification (with a single unit, advanced wins). Ties at a boundary are
// all in. Class is the first of advanced, rectify, progress, governance.
func classify(rows, prev []Row, c ClassRules) {
	prevScore := map[string]float64{}
	for _, p := range prev {
		if ranked(p, c) {
			prevScore[p.Key()] = *p.Score
		}
	}
	groups := map[string][]*Row{}
	for i := range rows {
		r := &rows[i]
		if v, ok := prevScore[r.Key()]; ok {
			pv := v
			r.PrevScore = &pv
		}
		if r.Rank != nil {
			groups[r.Group] = append(groups[r.Group], r)
		}
	}
	for _, g := range groups {
		classifyGroup(g, c)
	}
	classifyGovernance(rows, c)
	for i := range rows {
		if len(rows[i].Classes) > 0 {
			rows[i].Class = rows[i].Classes[0]
		}
	}
}

// classifyGroup marks the advanced, rectification and progress units of one
// group of ranked rows.
func classifyGroup(g []*Row, c ClassRules) {
	n := len(g)
	top := share(n, c.AdvancedPct)
	bottom := share(n, c.RectifyPct)
	for _, r := range g {
		if *r.Rank <= top {
			r.Classes = append(r.Classes, ClassAdvanced)
			continue
		}
		below := 0 // units with a strictly lower score
		for _, o := range g {
			if *o.Score < *r.Score {
				below++
			}
		}
		if below < bottom {
			r.Classes = append(r.Classes, ClassRectify)
		}
	}
	// 进步: positive gains among units ranked in both periods.
	var gainers []*Row
	for _, r := range g {
		if r.PrevScore != nil && *r.Score-*r.PrevScore > 0 {
			gainers = append(gainers, r)
		}
	}
	both := 0
	for _, r := range g {
		if r.PrevScore != nil {
			both++
		}
	}
	k := share(both, c.ProgressPct)
	gain := func(r *Row) float64 { return math.Round((*r.Score-*r.PrevScore)*100) / 100 }
	for _, r := range gainers {
		better := 0
		for _, o := range gainers {
			if gain(o) > gain(r) {
				better++
			}
		}
		if better < k {
			r.Classes = append(r.Classes, ClassProgress)
		}
	}
}

// classifyGovernance marks the governance streets among rows.
func classifyGovernance(rows []Row, c ClassRules) {
	// 治理: streets (street rows, or street offices by their street) with the
	// most tickets per 10,000 residents; ties at the boundary are all in. A
	// street whose sample is too small gets no class at all.
	var streets []*Row
	for i := range rows {
		r := &rows[i]
		if r.Per10k != nil && !r.SampleTooSmall && (r.Group == string(gov.KindStreetOffice) || r.Group == string(gov.LevelStreet)) {
			streets = append(streets, r)
		}
	}
	for _, r := range streets {
		more := 0
		for _, o := range streets {
			if *o.Per10k > *r.Per10k {
				more++
			}
		}
		if more < c.GovernanceTop {
			r.Classes = append(r.Classes, ClassGovernance)
		}
	}
}

// Ranking is a month's ranking with its red and black lists.
type Ranking struct {
	Month string `json:"month"`
	Rows  []Row  `json:"rows"`
	// Red lists units advanced in RedPeriods months running up to this one;
	// Black lists units in rectification BlackPeriods months running.
	Red   []ListEntry `json:"red"`
	Black []ListEntry `json:"black"`
}

// ListEntry is a unit on the red or black list.
type ListEntry struct {
	Code  string  `json:"code"`
	Name  string  `json:"name"`
	Group string  `json:"group"`
	Score float64 `json:"score"`
}

// Rank ranks the units (group org) or child areas (group area) of areaCode
// for a month (YYYY-MM) by the settings, with the red and black lists.
func (s *Service) Rank(ctx context.Context, month, group, areaCode string) (Ranking, error) {
	st, err := s.Settings(ctx)
	if err != nil {
		return Ranking{}, err
	}
	p, err := s.MonthPeriod(month, st.MonthStartDay)
	if err != nil {
		return Ranking{}, err
	}
	use, err := s.freshAggregates(ctx)
	if err != nil {
		return Ranking{}, err
	}
	return s.rank(ctx, p, group, areaCode, st, use)
}

// rank is Rank for a month period, reading the aggregates when use.
func (s *Service) rank(ctx context.Context, p Period, group, areaCode string, st Settings, use bool) (Ranking, error) {
	res, err := s.evaluate(ctx, Query{Period: p, Group: group, AreaCode: areaCode}, st, use)
	if err != nil {
		return Ranking{}, err
	}
	out := Ranking{Month: p.Month, Rows: res.Rows, Red: []ListEntry{}, Black: []ListEntry{}}
	// Classes of the earlier months the lists look back on.
	need := max(st.Classes.RedPeriods, st.Classes.BlackPeriods)
	history := []map[string]Row{index(res.Rows)}
	q := p
	for i := 1; i < need; i++ {
		q = q.Prev()
		r, err := s.evaluate(ctx, Query{Period: q, Group: group, AreaCode: areaCode, NoClass: true}, st, use)
		if err != nil {
			return Ranking{}, err
		}
		classify(r.Rows, nil, st.Classes)
		history = append(history, index(r.Rows))
	}
	inAll := func(key, class string, periods int) bool {
		for i := 0; i < periods; i++ {
			r, ok := history[i][key]
			if !ok || !has(r.Classes, class) {
				return false
			}
		}
		return true
	}
	for _, r := range res.Rows {
		if r.Score == nil {
			continue
		}
		e := ListEntry{Code: r.Key(), Name: r.Name, Group: r.Group, Score: *r.Score}
		if inAll(r.Key(), ClassAdvanced, st.Classes.RedPeriods) {
			out.Red = append(out.Red, e)
		}
		if inAll(r.Key(), ClassRectify, st.Classes.BlackPeriods) {
			out.Black = append(out.Black, e)
		}
	}
	return out, nil
}

func index(rows []Row) map[string]Row {
	m := make(map[string]Row, len(rows))
	for _, r := range rows {
		m[r.Key()] = r
	}
	return m
}

func has(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}
