package evaluation

import (
	"context"

	"github.com/gongzhi/gongzhi/internal/gov"
)

// PublicFigure is one line of what the public page discloses, month by
// month: the district's number of tickets and its rates, and each street
// office's place in the ranking, each only as far as PublicSettings shows
// it; a figure the district does not disclose is nil.
type PublicFigure struct {
	Month            string   `json:"month"`
	Code             string   `json:"code"`
	Name             string   `json:"name"`
	Kind             string   `json:"kind"` // "district" or "street_office"
	Tickets          *int64   `json:"tickets"`
	ResponseRate     *float64 `json:"response_rate"`
	ResolutionRate   *float64 `json:"resolution_rate"`
	SatisfactionRate *float64 `json:"satisfaction_rate"`
	Score            *float64 `json:"score"`
	Rank             *int     `json:"rank"`
	Class            string   `json:"class"`
	SampleTooSmall   bool     `json:"sample_too_small"`
}

// MaxPublicMonths bounds how many months PublicFigures reads.
const MaxPublicMonths = 24

// PublicFigures are the public page's figures of the n complete months up
// to the last one (newest first), for the district d: exactly what the
// public page shows, for the open-data catalogue.
func (s *Service) PublicFigures(ctx context.Context, d gov.Area, n int) ([]PublicFigure, error) {
	n = min(max(n, 1), MaxPublicMonths)
	ps, err := s.PublicSettings(ctx)
	if err != nil {
		return nil, err
	}
	st, err := s.Settings(ctx)
	if err != nil {
		return nil, err
	}
	out := []PublicFigure{}
	p := s.LastComplete(s.clock.Now(), st.MonthStartDay)
	for i := 0; i < n; i, p = i+1, p.Prev() {
		if ps.Totals || ps.Rates {
			row, err := s.AreaRow(ctx, d, p)
			if err != nil {
				return nil, err
			}
			f := PublicFigure{Month: p.Month, Code: d.Code, Name: d.Name, Kind: string(gov.LevelDistrict)}
			if ps.Totals {
				t := row.Tickets
				f.Tickets = &t
			}
			if ps.Rates {
				f.ResponseRate, f.ResolutionRate, f.SatisfactionRate = row.ResponseRate, row.ResolutionRate, row.SatisfactionRate
			}
			out = append(out, f)
		}
		if !ps.Ranking {
			continue
		}
		rk, err := s.Rank(ctx, p.Month, GroupOrg, d.Code)
		if err != nil {
			return nil, err
		}
		for _, r := range rk.Rows {
			if r.Group != string(gov.KindStreetOffice) {
				continue
			}
			f := PublicFigure{Month: p.Month, Code: r.OrgCode, Name: r.Name, Kind: r.Group, SampleTooSmall: r.SampleTooSmall}
			if !r.SampleTooSmall {
				f.Score, f.Rank, f.Class = r.Score, r.Rank, r.Class
			}
			out = append(out, f)
		}
	}
	return out, nil
}
