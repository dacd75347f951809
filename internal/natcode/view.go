package natcode

import (
	"context"

	"github.com/gongzhi/gongzhi/internal/auth"
	"github.com/gongzhi/gongzhi/internal/errs"
	"github.com/gongzhi/gongzhi/internal/ticket"
)

// Row is one category with the district's decision and what applies.
type Row struct {
	Category ticket.Category `json:"category"`
	Decision Decision        `json:"decision"`
	Applies  Resolved        `json:"applies"`
}

// Mapping is the whole picture a staff page or the API shows: every
// category, the class table, the grid codes and the conformance problems.
type Mapping struct {
	Rows     []Row     `json:"items"`
	Classes  []Class   `json:"classes"`
	Grids    []Grid    `json:"grids"`
	Problems []Problem `json:"problems"`
}

// View returns the mapping for a reader (CanRead).
func (s *Service) View(ctx context.Context, u auth.User) (Mapping, error) {
	if !CanRead(u) {
		return Mapping{}, errs.ErrForbidden
	}
	cats, err := s.tickets.Categories(ctx)
	if err != nil {
		return Mapping{}, err
	}
	ds, err := s.Decisions(ctx)
	if err != nil {
		return Mapping{}, err
	}
	grids, err := s.Grids(ctx)
	if err != nil {
		return Mapping{}, err
	}
	known := map[string]ticket.Category{}
	for _, c := range cats {
		known[c.Code] = c
	}
	by := map[string]Decision{}
	for _, d := range ds {
		by[d.CategoryCode] = d
	}
	m := Mapping{Rows: make([]Row, 0, len(cats)), Classes: Classes, Grids: grids, Problems: Check(cats, ds, grids)}
	if m.Problems == nil {
		m.Problems = []Problem{}
	}
	for _, c := range cats {
		d, ok := by[c.Code]
		if !ok {
			d = Decision{CategoryCode: c.Code, Classes: []Mapped{}}
		}
		m.Rows = append(m.Rows, Row{Category: c, Decision: d, Applies: resolve(c.Code, known, by)})
	}
	return m, nil
}

// CategoryView returns one category's row for a reader (CanRead).
func (s *Service) CategoryView(ctx context.Context, u auth.User, code string) (Row, error) {
	if !CanRead(u) {
		return Row{}, errs.ErrForbidden
	}
	c, err := s.tickets.Category(ctx, code)
	if err != nil {
		return Row{}, err
	}
	d, err := s.Decision(ctx, code)
	if err != nil {
		return Row{}, err
	}
	r, err := s.Resolve(ctx, code)
	return Row{Category: c, Decision: d, Applies: r}, err
}
