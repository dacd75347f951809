package indicator

import (
	"context"
	"time"

	"github.com/gongzhi/gongzhi/internal/auth"
	"github.com/gongzhi/gongzhi/internal/errs"
)

// MaxDistricts bounds the districts one comparison computes (a province's
// installation has more; the first by code are shown and Truncated says so).
const MaxDistricts = 40

// PlatformWide are the indicators that measure the platform as a whole and
// are therefore the same in every district: the data it shares with other
// systems. (The online rate's server half is too; its terminals' half is
// each district's own.)
var PlatformWide = []string{CodeShared}

// DistrictMonth is one district's indicators in a month.
type DistrictMonth struct {
	AreaCode  string   `json:"area_code"`
	AreaName  string   `json:"area_name"`
	Composite *float64 `json:"composite"`
	Items     []Item   `json:"items"`
}

// Comparison is the districts of the installation side by side in a month.
type Comparison struct {
	Month        string          `json:"month"` // YYYY-MM
	From         time.Time       `json:"from"`
	To           time.Time       `json:"to"`
	Partial      bool            `json:"partial"`
	Districts    []DistrictMonth `json:"districts"`
	PlatformWide []string        `json:"platform_wide"` // codes the same in every district
	Truncated    bool            `json:"truncated"`
}

// Area is a district as the comparison names it.
type Area struct {
	Code string
	Name string
}

// Districts lists the installation's areas of the district level, by code.
func (s *Service) Districts(ctx context.Context) ([]Area, error) {
	rows, err := s.db.R.QueryContext(ctx, `SELECT code, name FROM areas WHERE level = 'district' ORDER BY code`)
	if err != nil {
		return nil, errs.Wrap(err, "districts")
	}
	defer rows.Close()
	var out []Area
	for rows.Next() {
		var a Area
		if err := rows.Scan(&a.Code, &a.Name); err != nil {
			return nil, errs.Wrap(err, "districts")
		}
		out = append(out, a)
	}
	return out, errs.Wrap(rows.Err(), "districts")
}

// Compare computes the month starting at m for each district u may read
// (CanReadArea), side by side: each district's tickets, roster and
// terminals, the same weights and costs.
func (s *Service) Compare(ctx context.Context, u auth.User, m time.Time) (Comparison, error) {
	if !CanRead(u) {
		return Comparison{}, errs.ErrForbidden
	}
	all, err := s.Districts(ctx)
	if err != nil {
		return Comparison{}, err
	}
	out := Comparison{Month: m.Format("2006-01"), From: m, To: m.AddDate(0, 1, 0), PlatformWide: PlatformWide, Districts: []DistrictMonth{}}
	out.Partial = s.clock.Now().Before(out.To)
	for _, a := range all {
		if !CanReadArea(u, a.Code) {
			continue
		}
		if len(out.Districts) == MaxDistricts {
			out.Truncated = true
			break
		}
		v, err := s.compute(ctx, m, a.Code)
		if err != nil {
			return Comparison{}, err
		}
		out.Districts = append(out.Districts, DistrictMonth{AreaCode: a.Code, AreaName: a.Name, Composite: v.Composite, Items: v.Items})
	}
	return out, nil
}
