package opendata

import (
	"context"
	"time"

	"github.com/gongzhi/gongzhi/internal/gov"
	"github.com/gongzhi/gongzhi/internal/service"
)

// evaluationFigures is the evaluation's public figures, month by month.
func (s *Service) evaluationFigures(ctx context.Context) (Table, error) {
	t := Table{Dataset: definitions[Evaluation]}
	_, to := s.window()
	t.Modified = to.AddDate(0, 0, -1)
	if s.eval == nil {
		return t, nil
	}
	d, ok, err := s.district(ctx)
	if err != nil || !ok {
		return t, err
	}
	figs, err := s.eval.PublicFigures(ctx, d, StatsMonths)
	if err != nil {
		return t, err
	}
	for _, g := range figs {
		rec := []any{g.Month, g.Code, g.Name, g.Kind, nil, ptr(g.ResponseRate), ptr(g.ResolutionRate), ptr(g.SatisfactionRate), ptr(g.Score), nil, nil, g.SampleTooSmall}
		if g.Tickets != nil {
			rec[4] = *g.Tickets
		}
		if g.Rank != nil {
			rec[9] = int64(*g.Rank)
		}
		if g.Class != "" {
			rec[10] = g.Class
		}
		t.Records = append(t.Records, rec)
	}
	return t, nil
}

func ptr(v *float64) any {
	if v == nil {
		return nil
	}
	return *v
}

// district is the district the installation serves: the first area of the
// district level from the top of the tree.
func (s *Service) district(ctx context.Context) (gov.Area, bool, error) {
	parent := ""
	for depth := 0; depth < 4; depth++ {
		kids, err := s.gov.Areas(ctx, parent)
		if err != nil || len(kids) == 0 {
			return gov.Area{}, false, err
		}
		for _, a := range kids {
			if a.Level == gov.LevelDistrict {
				return a, true, nil
			}
		}
		parent = kids[0].Code
	}
	return gov.Area{}, false, nil
}

var serviceCategoryNames = map[service.Category]string{
	service.CatElderly: "养老", service.CatChildcare: "托育", service.CatMedical: "医疗", service.CatEducation: "教育",
	service.CatHousekeeping: "家政", service.CatMeals: "助餐", service.CatRepairs: "维修", service.CatLegal: "法律",
}

// servicePoints is the services residents see, with their providers.
func (s *Service) servicePoints(ctx context.Context) (Table, error) {
	t := Table{Dataset: definitions[ServicePoints]}
	t.Modified = s.clock.Now().In(s.loc)
	if s.services == nil {
		return t, nil
	}
	items, err := s.services.Published(ctx)
	if err != nil {
		return t, err
	}
	areas, err := s.names(ctx, `SELECT code, name FROM areas ORDER BY code LIMIT 100000`)
	if err != nil {
		return t, err
	}
	for _, o := range items {
		var lat, lng any
		if o.Lat != nil && o.Lng != nil {
			lat, lng = *o.Lat, *o.Lng
		}
		t.Records = append(t.Records, []any{o.ID, o.Name, string(o.Category), serviceCategoryNames[o.Category], o.OrgCode, o.ProviderName,
			o.AreaCode, areas[o.AreaCode], o.Hours, o.Priced, o.PriceNote, lat, lng})
	}
	return t, nil
}

// proposals is the proposals disclosed to everyone, with their answers.
func (s *Service) proposalRows(ctx context.Context) (Table, error) {
	t := Table{Dataset: definitions[Proposals]}
	t.Modified = s.clock.Now().In(s.loc)
	if s.proposals == nil {
		return t, nil
	}
	items, err := s.proposals.Published(ctx, 0)
	if err != nil {
		return t, err
	}
	var latest time.Time
	for _, p := range items {
		if p.UpdatedAt.After(latest) {
			latest = p.UpdatedAt
		}
		var answer any
		if p.Answer != "" {
			answer = p.Answer
		}
		t.Records = append(t.Records, []any{p.Number, p.Title, p.Body, p.AreaCode, p.AreaName, string(p.Status), p.Cosigns, p.Threshold,
			s.date(&p.CreatedAt), orNil(p.OrgCode), s.date(p.AnswerDue), s.date(p.AnsweredAt), p.AnsweredLate, answer})
	}
	if !latest.IsZero() {
		t.Modified = latest
	}
	return t, nil
}

func orNil(s string) any {
	if s == "" {
		return nil
	}
	return s
}

func (s *Service) date(t *time.Time) any {
	if t == nil || t.IsZero() {
		return nil
	}
	return t.In(s.loc).Format("2006-01-02")
}
