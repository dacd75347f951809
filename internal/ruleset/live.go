package ruleset

import (
	"context"
	"strconv"

	"github.com/gongzhi/gongzhi/internal/disclosure"
	"github.com/gongzhi/gongzhi/internal/gov"
	"github.com/gongzhi/gongzhi/internal/ticket"
)

// Live reads the rules as the live settings hold them now, through the
// owning capabilities: the ticket service's categories, time limits (the
// normal urgency, any kind) and dispatch catalogue (the kind of
// organisation each category goes to, where it is one kind), the
// evaluation's weights, and the default disclosure levels.
func (s *Service) Live(ctx context.Context) ([]Entry, error) {
	cats, err := s.tickets.Categories(ctx)
	if err != nil {
		return nil, err
	}
	out := []Entry{}
	known := map[string]bool{}
	for _, c := range cats {
		if c.Active {
			known[c.Code] = true
			out = append(out, Entry{Section: Categories, Key: c.Code, Value: c.Name})
		}
	}
	lims, err := s.tickets.TimeLimits(ctx)
	if err != nil {
		return nil, err
	}
	for _, l := range lims {
		if l.Kind != "" || l.Urgency != ticket.UrgencyNormal || l.CategoryCode != "" && !known[l.CategoryCode] {
			continue
		}
		key := l.CategoryCode
		if key == "" {
			key = AllCategories
		}
		out = append(out, Entry{Section: TimeLimits, Key: key, Value: formatLimits(l.Sign, l.Contact, l.Complete)})
	}
	st, err := s.eval.Settings(ctx)
	if err != nil {
		return nil, err
	}
	w := st.Weights
	for i, f := range []float64{w.Response, w.Resolution, w.Satisfaction, st.K} {
		out = append(out, Entry{Section: EvaluationWeights, Key: WeightKeys[i], Value: strconv.FormatFloat(f, 'f', -1, 64)})
	}
	tpl, err := s.liveTemplates(ctx, known)
	if err != nil {
		return nil, err
	}
	out = append(out, tpl...)
	defs, err := disclosure.Defaults(ctx, s.db.R)
	if err != nil {
		return nil, err
	}
	for _, k := range disclosure.DefaultKinds() {
		out = append(out, Entry{Section: DisclosureDefaults, Key: k, Value: string(defs[k])})
	}
	sortEntries(out)
	return out, nil
}

// liveTemplates is the kind of organisation each category's dispatch lines
// go to, for the categories whose lines all go to one kind.
func (s *Service) liveTemplates(ctx context.Context, known map[string]bool) ([]Entry, error) {
	rules, err := s.tickets.Rules(ctx)
	if err != nil {
		return nil, err
	}
	orgs, err := s.gov.Orgs(ctx, gov.OrgFilter{})
	if err != nil {
		return nil, err
	}
	kindOf := map[string]gov.OrgKind{}
	for _, o := range orgs {
		kindOf[o.Code] = o.Kind
	}
	kinds := map[string]map[gov.OrgKind]bool{}
	for _, r := range rules {
		if !known[r.CategoryCode] {
			continue
		}
		if kinds[r.CategoryCode] == nil {
			kinds[r.CategoryCode] = map[gov.OrgKind]bool{}
		}
		kinds[r.CategoryCode][kindOf[r.OrgCode]] = true
	}
	out := []Entry{}
	for cat, ks := range kinds {
		if len(ks) != 1 {
			continue
		}
		for k := range ks {
			if k != "" {
				out = append(out, Entry{Section: CatalogueTemplates, Key: cat, Value: string(k)})
			}
		}
	}
	return out, nil
}
