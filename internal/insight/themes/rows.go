package themes

import (
	"context"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/gongzhi/gongzhi/internal/auth"
	"github.com/gongzhi/gongzhi/internal/clock"
	"github.com/gongzhi/gongzhi/internal/db"
	"github.com/gongzhi/gongzhi/internal/errs"
	"github.com/gongzhi/gongzhi/internal/gov"
	"github.com/gongzhi/gongzhi/internal/ticket"
)

// rows are the month's tickets, column by column; codes repeat, so each is
// kept once (intern).
type rows struct {
	number, text, area, cat, org, reporter []string
	at                                     []int64
}

// readParts is how many parts of the month are read at once, each on a
// connection of its own.
const readParts = 2

// read loads the tickets created in [from, to) within u's area (all for
// the administrator), oldest first, without those found invalid: the
// month in readParts parts read at once.
func (s *Service) read(ctx context.Context, u auth.User, from, to time.Time) (*rows, error) {
	parts := make([]*rows, readParts)
	errs := make([]error, readParts)
	step := to.Sub(from) / readParts
	var wg sync.WaitGroup
	for i := range parts {
		a, b := from.Add(time.Duration(i)*step), from.Add(time.Duration(i+1)*step)
		if i == readParts-1 {
			b = to
		}
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			parts[i], errs[i] = s.readPart(ctx, u, a, b)
		}(i)
	}
	wg.Wait()
	r := &rows{}
	for i, p := range parts {
		if errs[i] != nil {
			return nil, errs[i]
		}
		r.number = append(r.number, p.number...)
		r.text = append(r.text, p.text...)
		r.cat = append(r.cat, p.cat...)
		r.area = append(r.area, p.area...)
		r.org = append(r.org, p.org...)
		r.reporter = append(r.reporter, p.reporter...)
		r.at = append(r.at, p.at...)
	}
	return r, nil
}

// readPart reads the tickets of [from, to) in created order (the index's;
// tickets of the same millisecond in any order).
func (s *Service) readPart(ctx context.Context, u auth.User, from, to time.Time) (*rows, error) {
	q := `SELECT number, description, category_code, area_code, assigned_org_code,
CASE WHEN reporter_phone <> '' THEN reporter_phone WHEN reporter_user_id <> '' THEN 'u:' || reporter_user_id ELSE '' END, created_at
FROM tickets WHERE created_at >= $1 AND created_at < $2 AND number >= $3 AND ` + ticket.NumberBelow("number", "$4") + ` AND status <> 'invalid'`
	args := []any{db.Millis(from), db.Millis(to), ticket.CreatedFrom(from, clock.BusinessZone()), ticket.CreatedBefore(to, clock.BusinessZone())}
	if u.Role != auth.RoleAdmin {
		lo, hi := gov.UnderRange(u.AreaCode)
		if u.InArea("") {
			q += ` AND (area_code = '' OR (area_code >= $5 AND area_code < $6))`
		} else {
			q += ` AND area_code >= $5 AND area_code < $6`
		}
		args = append(args, lo, hi)
	}
	q += ` ORDER BY created_at`
	rs, err := s.db.R.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, errs.Wrap(err, "read the month's tickets")
	}
	defer rs.Close()
	r := &rows{}
	seen := map[string]string{}
	intern := func(v string) string {
		if x, ok := seen[v]; ok {
			return x
		}
		seen[v] = v
		return v
	}
	for rs.Next() {
		var number, text, cat, area, org, who string
		var at int64
		if err := rs.Scan(&number, &text, &cat, &area, &org, &who, &at); err != nil {
			return nil, errs.Wrap(err, "read the month's tickets")
		}
		r.number = append(r.number, number)
		r.text = append(r.text, text)
		r.cat = append(r.cat, intern(cat))
		r.area = append(r.area, intern(area))
		r.org = append(r.org, intern(org))
		r.reporter = append(r.reporter, who)
		r.at = append(r.at, at)
	}
	if err := rs.Err(); err != nil {
		return nil, errs.Wrap(err, "read the month's tickets")
	}
	return r, nil
}

// rank makes a theme of every cluster of at least MinTickets tickets (of
// is the cluster of each ticket, -1 for none) and keeps the first
// MaxThemes.
func (s *Service) rank(ctx context.Context, r *rows, cs []*cluster, of []int, month string) []Theme {
	members := make([][]int, len(cs))
	for i, c := range of {
		if c >= 0 {
			members[c] = append(members[c], i)
		}
	}
	// Tickets rank first: only the clusters as large as the MaxThemes-th
	// are summed up (residents and repeats only break ties).
	sizes := []int{}
	for _, m := range members {
		sizes = append(sizes, len(m))
	}
	sort.Sort(sort.Reverse(sort.IntSlice(sizes)))
	least := MinTickets
	if len(sizes) > MaxThemes && sizes[MaxThemes-1] > least {
		least = sizes[MaxThemes-1]
	}
	out := []Theme{}
	for ci, m := range members {
		if len(m) < least {
			continue
		}
		out = append(out, theme(r, m, cs[ci].words, month))
	}
	sortThemes(out)
	if len(out) > MaxThemes {
		out = out[:MaxThemes]
	}
	s.name(ctx, out)
	return out
}

// theme sums up the tickets m (oldest first) of a cluster named by words.
func theme(r *rows, m []int, words []string, month string) Theme {
	label := words
	if len(label) > 3 {
		label = label[:3]
	}
	t := Theme{ID: themeID(month, words), Label: strings.Join(label, "、"), Words: append([]string{}, words...), Tickets: len(m),
		FirstAt: time.UnixMilli(r.at[m[0]]).In(clock.BusinessZone()), LastAt: time.UnixMilli(r.at[m[len(m)-1]]).In(clock.BusinessZone())}
	byReporter := map[string]int{}
	areas, cats, orgs := map[string]int{}, map[string]int{}, map[string]int{}
	for _, i := range m {
		if r.reporter[i] != "" {
			byReporter[r.reporter[i]]++
		}
		areas[r.area[i]]++
		cats[r.cat[i]]++
		if r.org[i] != "" {
			orgs[r.org[i]]++
		}
	}
	t.Residents = len(byReporter)
	repeats := 0
	for _, k := range byReporter {
		if k > 1 {
			repeats += k
		}
	}
	t.RepeatRate = float64(int(float64(repeats)/float64(len(m))*1000+0.5)) / 1000
	t.Areas, t.Categories, t.Units = counts(areas), counts(cats), counts(orgs)
	for j := len(m) - 1; j >= 0 && len(t.Sample) < maxSample; j-- {
		t.Sample = append(t.Sample, r.number[m[j]])
	}
	return t
}

// counts lists the codes by count (then code), at most maxCounts.
func counts(m map[string]int) []Count {
	out := make([]Count, 0, len(m))
	for c, n := range m {
		out = append(out, Count{Code: c, Count: n})
	}
	sort.Slice(out, func(a, b int) bool {
		if out[a].Count != out[b].Count {
			return out[a].Count > out[b].Count
		}
		return out[a].Code < out[b].Code
	})
	if len(out) > maxCounts {
		out = out[:maxCounts]
	}
	return out
}

// name fills in the names of the areas, categories and units.
func (s *Service) name(ctx context.Context, ts []Theme) {
	names := map[string]string{}
	look := func(kind, code string, get func() (string, error)) string {
		k := kind + code
		if n, ok := names[k]; ok {
			return n
		}
		n, err := get()
		if err != nil {
			n = ""
		}
		names[k] = n
		return n
	}
	for i := range ts {
		for j := range ts[i].Areas {
			c := &ts[i].Areas[j]
			c.Name = look("a", c.Code, func() (string, error) { a, err := s.gov.Area(ctx, c.Code); return a.Name, err })
		}
		for j := range ts[i].Categories {
			c := &ts[i].Categories[j]
			c.Name = look("c", c.Code, func() (string, error) { x, err := s.tickets.Category(ctx, c.Code); return x.Name, err })
		}
		for j := range ts[i].Units {
			c := &ts[i].Units[j]
			c.Name = look("o", c.Code, func() (string, error) { o, err := s.gov.Org(ctx, c.Code); return o.Name, err })
		}
	}
}
