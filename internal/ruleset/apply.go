package ruleset

import (
	"context"
	"database/sql"
	"sort"
	"strconv"
	"strings"

	"github.com/gongzhi/gongzhi/internal/auth"
	"github.com/gongzhi/gongzhi/internal/disclosure"
	"github.com/gongzhi/gongzhi/internal/errs"
	"github.com/gongzhi/gongzhi/internal/evaluation"
	"github.com/gongzhi/gongzhi/internal/gov"
	"github.com/gongzhi/gongzhi/internal/ticket"
)

// Skip is an entry Apply could not write, and why.
type Skip struct {
	ID     string `json:"id"`
	Reason string `json:"reason"`
}

// ApplyResult tells what Apply wrote.
type ApplyResult struct {
	AreaCode string   `json:"area_code"`
	Checksum string   `json:"upper_checksum"`
	Changed  []string `json:"changed"` // "section/key" of each entry written
	Skipped  []Skip   `json:"skipped"`
}

// Apply writes an area's effective rules to the live settings through the
// owning capabilities, only where they differ, so a second run writes
// nothing; each run is logged with what it changed. The weights are checked
// before anything is written.
func (s *Service) Apply(ctx context.Context, u auth.User, areaCode string) (ApplyResult, error) {
	if !CanChange(u) {
		return ApplyResult{}, errs.ErrForbidden
	}
	eff, err := s.Effective(ctx, u, areaCode)
	if err != nil {
		return ApplyResult{}, err
	}
	if eff.Upper == nil {
		return ApplyResult{}, errs.NotFoundf("上级尚未发布规则集", "no upper level has published a rule set")
	}
	live, err := s.Live(ctx)
	if err != nil {
		return ApplyResult{}, err
	}
	cur := map[string]string{}
	for _, e := range live {
		cur[e.ID()] = e.Value
	}
	bySec := map[Section][]Rule{}
	for _, r := range eff.Rules {
		bySec[r.Section] = append(bySec[r.Section], r)
	}
	res := ApplyResult{AreaCode: eff.AreaCode, Checksum: eff.Upper.Checksum, Changed: []string{}, Skipped: []Skip{}}
	st, weights, err := s.newWeights(ctx, bySec[EvaluationWeights], cur)
	if err != nil {
		return res, err
	}
	if err := s.applyCategories(ctx, bySec[Categories], cur, &res); err != nil {
		return res, err
	}
	if err := s.applyLimits(ctx, bySec[TimeLimits], cur, &res); err != nil {
		return res, err
	}
	if len(weights) > 0 {
		if err := s.eval.SaveSettings(ctx, st); err != nil {
			return res, err
		}
		res.Changed = append(res.Changed, weights...)
	}
	if err := s.applyTemplates(ctx, eff.AreaCode, bySec[CatalogueTemplates], &res); err != nil {
		return res, err
	}
	defs := map[string]disclosure.Level{}
	for _, r := range bySec[DisclosureDefaults] {
		if cur[r.ID()] != r.Value {
			defs[r.Key] = disclosure.Level(r.Value)
			res.Changed = append(res.Changed, r.ID())
		}
	}
	now := s.clock.Now()
	err = s.db.Tx(ctx, func(tx *sql.Tx) error {
		if len(defs) > 0 {
			if err := disclosure.SaveDefaults(ctx, tx, defs); err != nil {
				return err
			}
		}
		return s.event(ctx, tx, u, now, eff.AreaCode, "apply", map[string]any{"upper_version": eff.Upper.Version,
			"upper_area": eff.Upper.AreaCode, "checksum": eff.Upper.Checksum, "changed": res.Changed, "skipped": len(res.Skipped)})
	})
	return res, err
}

// newWeights is the evaluation's settings with the rules' weights, checked,
// and the entries that change.
func (s *Service) newWeights(ctx context.Context, rules []Rule, cur map[string]string) (evaluation.Settings, []string, error) {
	st, err := s.eval.Settings(ctx)
	if err != nil {
		return st, nil, err
	}
	var changed []string
	for _, r := range rules {
		if cur[r.ID()] == r.Value {
			continue
		}
		f, _ := strconv.ParseFloat(r.Value, 64)
		switch r.Key {
		case "response":
			st.Weights.Response = f
		case "resolution":
			st.Weights.Resolution = f
		case "satisfaction":
			st.Weights.Satisfaction = f
		case "k":
			st.K = f
		}
		changed = append(changed, r.ID())
	}
	if len(changed) > 0 {
		if err := st.Validate(); err != nil {
			return st, nil, err
		}
	}
	return st, changed, nil
}

func (s *Service) applyCategories(ctx context.Context, rules []Rule, cur map[string]string, res *ApplyResult) error {
	sort.SliceStable(rules, func(i, j int) bool {
		if len(rules[i].Key) != len(rules[j].Key) {
			return len(rules[i].Key) < len(rules[j].Key)
		}
		return rules[i].Key < rules[j].Key
	})
	all, err := s.tickets.Categories(ctx)
	if err != nil {
		return err
	}
	have := map[string]ticket.Category{}
	for _, c := range all {
		have[c.Code] = c
	}
	for _, r := range rules {
		if v, ok := cur[r.ID()]; ok && v == r.Value {
			continue
		}
		c, ok := have[r.Key]
		if !ok {
			c = ticket.Category{Code: r.Key, Active: true, ParentCode: parentOf(r.Key, have)}
		}
		c.Name, c.Active = r.Value, true
		if err := s.tickets.UpsertCategory(ctx, c); err != nil {
			return err
		}
		have[c.Code] = c
		res.Changed = append(res.Changed, r.ID())
	}
	return nil
}

// parentOf is the longest proper prefix of code that is a category.
func parentOf(code string, have map[string]ticket.Category) string {
	for n := len(code) - 1; n > 0; n-- {
		if _, ok := have[code[:n]]; ok {
			return code[:n]
		}
	}
	return ""
}

func (s *Service) applyLimits(ctx context.Context, rules []Rule, cur map[string]string, res *ApplyResult) error {
	for _, r := range rules {
		if cur[r.ID()] == r.Value {
			continue
		}
		l, err := parseLimits(r.Value)
		if err != nil {
			return err
		}
		cat := r.Key
		if cat == AllCategories {
			cat = ""
		}
		if err := s.tickets.SetTimeLimit(ctx, ticket.TimeLimit{CategoryCode: cat, Urgency: ticket.UrgencyNormal,
			Sign: l[0], Contact: l[1], Complete: l[2]}); err != nil {
			return err
		}
		res.Changed = append(res.Changed, r.ID())
	}
	return nil
}

// applyTemplates gives each category a dispatch line in every area under
// the rules' area that has exactly one organisation of the template's kind;
// an area with several is left to the administrator.
func (s *Service) applyTemplates(ctx context.Context, area string, rules []Rule, res *ApplyResult) error {
	lines, err := s.tickets.Rules(ctx)
	if err != nil {
		return err
	}
	has := map[string]string{}
	for _, l := range lines {
		has[l.CategoryCode+"|"+l.AreaCode] = l.OrgCode
	}
	for _, r := range rules {
		orgs, err := s.gov.Orgs(ctx, gov.OrgFilter{AreaCode: area, Kind: gov.OrgKind(r.Value)})
		if err != nil {
			return err
		}
		byArea := map[string][]string{}
		for _, o := range orgs {
			byArea[o.AreaCode] = append(byArea[o.AreaCode], o.Code)
		}
		if len(byArea) == 0 {
			res.Skipped = append(res.Skipped, Skip{ID: r.ID(), Reason: "no organisation of kind " + r.Value})
			continue
		}
		areas := make([]string, 0, len(byArea))
		for a := range byArea {
			areas = append(areas, a)
		}
		sort.Strings(areas)
		wrote := false
		for _, a := range areas {
			codes := byArea[a]
			if len(codes) > 1 {
				res.Skipped = append(res.Skipped, Skip{ID: r.ID(), Reason: "several organisations of kind " + r.Value + " in " + a + ": " + strings.Join(codes, ", ")})
				continue
			}
			if has[r.Key+"|"+a] == codes[0] {
				continue
			}
			if err := s.tickets.UpsertRule(ctx, ticket.Rule{CategoryCode: r.Key, AreaCode: a, OrgCode: codes[0]}); err != nil {
				return err
			}
			wrote = true
		}
		if wrote {
			res.Changed = append(res.Changed, r.ID())
		}
	}
	return nil
}
