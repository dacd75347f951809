package natcode

import (
	"context"
	"database/sql"
	"strings"

	"github.com/gongzhi/gongzhi/internal/auth"
	"github.com/gongzhi/gongzhi/internal/db"
	"github.com/gongzhi/gongzhi/internal/errs"
	"github.com/gongzhi/gongzhi/internal/gov"
)

// community returns the code of the community an area lies in (the area
// itself when it is one), "" when it lies in none.
func (s *Service) community(ctx context.Context, areaCode string) (gov.Area, string, error) {
	path, err := s.gov.AreaPath(ctx, areaCode)
	if err != nil {
		return gov.Area{}, "", err
	}
	self := path[len(path)-1]
	for i := len(path) - 1; i >= 0; i-- {
		if path[i].Level == gov.LevelCommunity {
			return self, path[i].Code, nil
		}
	}
	return self, "", nil
}

// Grids returns every grid code with its cell's community and level.
func (s *Service) Grids(ctx context.Context) ([]Grid, error) {
	rows, err := s.db.R.QueryContext(ctx, `SELECT area_code, unit_code FROM grid_unit_codes ORDER BY area_code LIMIT $1`, MaxGrids)
	if err != nil {
		return nil, errs.Wrap(err, "grid codes")
	}
	out := []Grid{}
	for rows.Next() {
		var g Grid
		if err := rows.Scan(&g.AreaCode, &g.UnitCode); err != nil {
			rows.Close()
			return nil, errs.Wrap(err, "grid codes")
		}
		out = append(out, g)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, errs.Wrap(err, "grid codes")
	}
	for i := range out {
		a, comm, err := s.community(ctx, out[i].AreaCode)
		if err != nil {
			return nil, err
		}
		out[i].Community, out[i].Level = comm, string(a.Level)
	}
	return out, nil
}

// SetGrid sets (or, with an empty code, removes) the unit-grid code of a
// grid cell. The cell must be an area of level grid inside a community with
// a 12-digit statistical code, and the code must be built on it (CheckGridCode).
func (s *Service) SetGrid(ctx context.Context, u auth.User, areaCode, unitCode string) (Grid, error) {
	if !CanEdit(u) {
		return Grid{}, errs.ErrForbidden
	}
	unitCode = strings.TrimSpace(unitCode)
	a, comm, err := s.community(ctx, areaCode)
	if err != nil {
		return Grid{}, err
	}
	if a.Level != gov.LevelGrid {
		return Grid{}, errs.Invalidf("只有网格层级的区划才有单元网格代码：%s 是 %s", "only grid cells have unit-grid codes: %s is a %s", a.Code, a.Level)
	}
	g := Grid{AreaCode: a.Code, UnitCode: unitCode, Community: comm, Level: string(a.Level)}
	if unitCode != "" {
		if err := CheckGridCode(comm, unitCode); err != nil {
			return Grid{}, err
		}
	}
	now := s.clock.Now()
	err = s.db.Tx(ctx, func(tx *sql.Tx) error {
		var before string
		err := tx.QueryRowContext(ctx, `SELECT unit_code FROM grid_unit_codes WHERE area_code = $1`, a.Code).Scan(&before)
		if err != nil && err != sql.ErrNoRows {
			return errs.Wrap(err, "grid code")
		}
		if unitCode != "" {
			var other string
			err := tx.QueryRowContext(ctx, `SELECT area_code FROM grid_unit_codes WHERE unit_code = $1 AND area_code <> $2`, unitCode, a.Code).Scan(&other)
			if err == nil {
				return errs.Conflictf("单元网格代码 %s 已属于网格 %s", "unit-grid code %s already belongs to grid %s", unitCode, other)
			} else if err != sql.ErrNoRows {
				return errs.Wrap(err, "grid code")
			}
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM grid_unit_codes WHERE area_code = $1`, a.Code); err != nil {
			return errs.Wrap(err, "grid code")
		}
		if unitCode != "" {
			if _, err := tx.ExecContext(ctx, `INSERT INTO grid_unit_codes (area_code, unit_code, updated_at, updated_by) VALUES ($1, $2, $3, $4)`,
				a.Code, unitCode, db.Millis(now), u.ID); err != nil {
				return errs.Wrap(err, "grid code")
			}
		}
		return s.event(ctx, tx, u, now, "grid:"+a.Code, "grid_code", change{Before: before, After: unitCode})
	})
	return g, err
}

// Conformance runs Check over the district's categories, mapping and grid
// codes.
func (s *Service) Conformance(ctx context.Context, u auth.User) ([]Problem, error) {
	if !CanRead(u) {
		return nil, errs.ErrForbidden
	}
	cats, err := s.tickets.Categories(ctx)
	if err != nil {
		return nil, err
	}
	ds, err := s.Decisions(ctx)
	if err != nil {
		return nil, err
	}
	grids, err := s.Grids(ctx)
	if err != nil {
		return nil, err
	}
	return Check(cats, ds, grids), nil
}
