package natcode

import (
	"context"
	"database/sql"

	"github.com/gongzhi/gongzhi/internal/errs"

	"github.com/gongzhi/gongzhi/internal/ticket"
)

// Lookup answers national codes for many tickets at once (exports): it holds
// the categories, the decisions and the grid codes as read when it was made.
type Lookup struct {
	cats  map[string]ticket.Category
	by    map[string]Decision
	grids map[string]string // area code → unit-grid code
	up    map[string]string // grid cells and courtyards → their parent
	memo  map[string]Resolved
}

// Lookup reads what the answers need.
func (s *Service) Lookup(ctx context.Context) (*Lookup, error) {
	cats, err := s.tickets.Categories(ctx)
	if err != nil {
		return nil, err
	}
	ds, err := s.Decisions(ctx)
	if err != nil {
		return nil, err
	}
	rows, err := s.db.R.QueryContext(ctx, `SELECT area_code, unit_code FROM grid_unit_codes LIMIT $1`, MaxGrids)
	if err != nil {
		return nil, errs.Wrap(err, "grid codes")
	}
	defer rows.Close()
	l := &Lookup{cats: map[string]ticket.Category{}, by: map[string]Decision{}, grids: map[string]string{}, up: map[string]string{}, memo: map[string]Resolved{}}
	if err := scanPairs(rows, l.grids); err != nil {
		return nil, err
	}
	if len(l.grids) > 0 {
		prows, err := s.db.R.QueryContext(ctx, `SELECT code, parent_code FROM areas WHERE level IN ('grid', 'courtyard')`)
		if err != nil {
			return nil, errs.Wrap(err, "grid areas")
		}
		defer prows.Close()
		if err := scanPairs(prows, l.up); err != nil {
			return nil, err
		}
	}
	for _, c := range cats {
		l.cats[c.Code] = c
	}
	for _, d := range ds {
		l.by[d.CategoryCode] = d
	}
	return l, nil
}

// Category returns the national classes that apply to a category: its own
// or its nearest ancestor's, per scheme.
func (l *Lookup) Category(code string) Resolved {
	if r, ok := l.memo[code]; ok {
		return r
	}
	r := resolve(code, l.cats, l.by)
	l.memo[code] = r
	return r
}

// EventCode is the national event class code of a category, "" when none.
func (l *Lookup) EventCode(category string) string {
	if r := l.Category(category); r.Event != nil {
		return r.Event.Code
	}
	return ""
}

// ComponentCode is the national component class code of a category, ""
// when none.
func (l *Lookup) ComponentCode(category string) string {
	if r := l.Category(category); r.Component != nil {
		return r.Component.Code
	}
	return ""
}

// GridCode is the unit-grid code of the grid cell an area is or lies in
// (a courtyard inside a cell), "" when it lies in none with a code.
func (l *Lookup) GridCode(area string) string {
	for i := 0; area != "" && i < 4; i++ {
		if u, ok := l.grids[area]; ok {
			return u
		}
		area = l.up[area]
	}
	return ""
}

func scanPairs(rows *sql.Rows, into map[string]string) error {
	for rows.Next() {
		var k, v string
		if err := rows.Scan(&k, &v); err != nil {
			return errs.Wrap(err, "scan")
		}
		into[k] = v
	}
	return errs.Wrap(rows.Err(), "scan")
}

// Resolve answers a category's national classes.
func (s *Service) Resolve(ctx context.Context, category string) (Resolved, error) {
	if _, err := s.tickets.Category(ctx, category); err != nil {
		return Resolved{}, err
	}
	l, err := s.Lookup(ctx)
	if err != nil {
		return Resolved{}, err
	}
	return l.Category(category), nil
}
