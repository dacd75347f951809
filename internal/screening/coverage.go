package screening

import (
	"context"
	"regexp"
	"time"

	"github.com/gongzhi/gongzhi/internal/auth"
	"github.com/gongzhi/gongzhi/internal/db"
	"github.com/gongzhi/gongzhi/internal/errs"
	"github.com/gongzhi/gongzhi/internal/gov"
)

// Figure is the coverage of the rounds of one grid, or of all the grids
// under an area, in a month: the places checked over the places listed.
type Figure struct {
	AreaCode string  `json:"area_code"`
	AreaName string  `json:"area_name"`
	Rounds   int64   `json:"rounds"`
	Listed   int64   `json:"listed"`
	Checked  int64   `json:"checked"`
	Coverage float64 `json:"coverage"` // 0 to 1; 0 when nothing is listed
}

// Coverage is the month's figure for an area (a grid, a community, a
// street) and one line for each grid under it that had a round.
type Coverage struct {
	Month string   `json:"month"` // YYYY-MM
	Total Figure   `json:"total"`
	Grids []Figure `json:"grids"`
}

var monthRE = regexp.MustCompile(`^[0-9]{4}-(0[1-9]|1[0-2])$`)

// Coverage counts the rounds under the area that end in the month (in the
// business time zone; a round under way counts what is checked so far).
// The area is u's scope when empty; the month this one when empty.
func (s *Service) Coverage(ctx context.Context, u auth.User, areaCode, month string) (Coverage, error) {
	now := s.clock.Now().In(s.loc)
	if month == "" {
		month = now.Format("2006-01")
	}
	if !monthRE.MatchString(month) {
		return Coverage{}, errs.Invalidf("月份应写作YYYY-MM", "the month must be YYYY-MM")
	}
	from, err := time.ParseInLocation("2006-01", month, s.loc)
	if err != nil {
		return Coverage{}, errs.Invalidf("月份应写作YYYY-MM", "the month must be YYYY-MM")
	}
	to := from.AddDate(0, 1, 0)
	if areaCode == "" {
		areaCode = u.AreaCode
	}
	c := Coverage{Month: month, Grids: []Figure{}}
	if areaCode == "" {
		if !u.IsAdmin() {
			return Coverage{}, errs.ErrForbidden
		}
		c.Total.AreaName = "全部"
	} else {
		if !gov.ValidCode(areaCode) {
			return Coverage{}, errArea
		}
		local, err := s.local(ctx, s.db.R, u)
		if err != nil {
			return Coverage{}, err
		}
		if !CanRead(u, local, areaCode) {
			return Coverage{}, errs.ErrForbidden
		}
		a, err := s.gov.Area(ctx, areaCode)
		if err != nil {
			return Coverage{}, err
		}
		c.Total.AreaCode, c.Total.AreaName = a.Code, a.Name
	}
	lo, hi := gov.UnderRange(areaCode)
	if areaCode == "" {
		lo, hi = "", "~"
	}
	rows, err := s.db.R.QueryContext(ctx, `SELECT r.area_code, a.name, COUNT(*), COALESCE(SUM(r.listed), 0), COALESCE(SUM(r.checked), 0)
FROM screening_rounds r JOIN areas a ON a.code = r.area_code
WHERE r.area_code >= $1 AND r.area_code < $2 AND r.ends_at >= $3 AND r.ends_at < $4
GROUP BY r.area_code, a.name ORDER BY r.area_code`, lo, hi, db.Millis(from), db.Millis(to))
	if err != nil {
		return Coverage{}, errs.Wrap(err, "coverage")
	}
	defer rows.Close()
	for rows.Next() {
		var f Figure
		if err := rows.Scan(&f.AreaCode, &f.AreaName, &f.Rounds, &f.Listed, &f.Checked); err != nil {
			return Coverage{}, errs.Wrap(err, "scan coverage")
		}
		f.Coverage = ratio(f.Checked, f.Listed)
		c.Total.Rounds += f.Rounds
		c.Total.Listed += f.Listed
		c.Total.Checked += f.Checked
		c.Grids = append(c.Grids, f)
	}
	c.Total.Coverage = ratio(c.Total.Checked, c.Total.Listed)
	return c, errs.Wrap(rows.Err(), "coverage")
}
