package ticket

import (
	"context"
	"database/sql"
	"sync"
	"time"

	"github.com/gongzhi/gongzhi/internal/errs"
	"github.com/gongzhi/gongzhi/internal/gov"
)

// refTTL is how long the reference data (categories, time limits, the
// dispatch catalogue, the area tree) is kept in memory. Changes made in this
// process are seen at once; changes made by another process within refTTL.
const refTTL = 10 * time.Second

// refData is the small, rarely changing data every submission reads.
type refData struct {
	at     time.Time
	cats   map[string]Category
	limits []TimeLimit
	rules  map[[2]string]string // (category, area) → org
}

type refCache struct {
	mu      sync.Mutex
	data    *refData
	parents sync.Map // area code → parent code
	orgs    sync.Map // organisation code → struct{}: known to exist
}

// ref returns the reference data, loading it when stale.
func (s *Service) ref(ctx context.Context) (*refData, error) {
	s.refs.mu.Lock()
	defer s.refs.mu.Unlock()
	if d := s.refs.data; d != nil && time.Since(d.at) < refTTL {
		return d, nil
	}
	d := &refData{at: time.Now(), cats: map[string]Category{}, rules: map[[2]string]string{}}
	cats, err := s.Categories(ctx)
	if err != nil {
		return nil, err
	}
	for _, c := range cats {
		d.cats[c.Code] = c
	}
	if d.limits, err = s.TimeLimits(ctx); err != nil {
		return nil, err
	}
	rules, err := s.Rules(ctx)
	if err != nil {
		return nil, err
	}
	for _, r := range rules {
		d.rules[[2]string{r.CategoryCode, r.AreaCode}] = r.OrgCode
	}
	s.refs.data = d
	return d, nil
}

// forgetRef drops the cached reference data after a change.
func (s *Service) forgetRef() {
	s.refs.mu.Lock()
	s.refs.data = nil
	s.refs.mu.Unlock()
}

// category returns a category from the cache.
func (s *Service) category(ctx context.Context, code string) (Category, error) {
	d, err := s.ref(ctx)
	if err != nil {
		return Category{}, err
	}
	c, ok := d.cats[code]
	if !ok {
		return Category{}, errs.NotFoundf("诉求分类 %s 不存在", "category %s does not exist", code)
	}
	return c, nil
}

// ancestors returns the category's code and its ancestors', nearest first.
func (d *refData) ancestors(code string) []string {
	var out []string
	for code != "" && len(out) < 10 {
		c, ok := d.cats[code]
		if !ok {
			break
		}
		out = append(out, c.Code)
		code = c.ParentCode
	}
	return out
}

// areaChain returns the area's code and its ancestors', nearest first.
func (s *Service) areaChain(ctx context.Context, code string) ([]string, error) {
	var out []string
	for code != "" && len(out) < 16 {
		out = append(out, code)
		if p, ok := s.refs.parents.Load(code); ok {
			code = p.(string)
			continue
		}
		a, err := gov.AreaQ(ctx, s.db.R, code)
		if errs.Is(err, errs.NotFound) {
			break
		}
		if err != nil {
			return nil, err
		}
		s.refs.parents.Store(code, a.ParentCode)
		code = a.ParentCode
	}
	return out, nil
}

// areaExists reports whether an area exists. Areas are never removed, so one
// seen once is remembered.
func (s *Service) areaExists(ctx context.Context, code string) (bool, error) {
	if _, ok := s.refs.parents.Load(code); ok {
		return true, nil
	}
	a, err := gov.AreaQ(ctx, s.db.R, code)
	if errs.Is(err, errs.NotFound) {
		return false, nil
	}
	if err != nil {
		return false, err
	}
	s.refs.parents.Store(code, a.ParentCode)
	return true, nil
}

// orgExists reports whether an organisation exists. Organisations are never
// removed, so one seen once is remembered.
func (s *Service) orgExists(ctx context.Context, code string) (bool, error) {
	if _, ok := s.refs.orgs.Load(code); ok {
		return true, nil
	}
	_, err := gov.OrgQ(ctx, s.db.R, code)
	if errs.Is(err, errs.NotFound) {
		return false, nil
	}
	if err != nil {
		return false, err
	}
	s.refs.orgs.Store(code, struct{}{})
	return true, nil
}

// limitsFor finds the time limits of a ticket of the category, kind and
// urgency: the most specific category wins, then a line for the kind.
func (s *Service) limitsFor(ctx context.Context, categoryCode string, kind Kind, urgency Urgency) (TimeLimit, error) {
	d, err := s.ref(ctx)
	if err != nil {
		return TimeLimit{}, err
	}
	cats := d.ancestors(categoryCode)
	rank := map[string]int{"": 0}
	for i, c := range cats {
		rank[c] = len(cats) - i
	}
	var best TimeLimit
	bestScore := -1
	for _, tl := range d.limits {
		if tl.Urgency != urgency || (tl.Kind != "" && tl.Kind != kind) {
			continue
		}
		r, ok := rank[tl.CategoryCode]
		if !ok {
			continue
		}
		score := r * 2
		if tl.Kind != "" {
			score++
		}
		if score > bestScore {
			best, bestScore = tl, score
		}
	}
	if bestScore < 0 {
		return TimeLimit{}, errs.Wrap(errNoDefaultLimit, string(urgency))
	}
	return best, nil
}

// matchRule finds the organisation the catalogue names for a category and an
// area: the most specific category first, then the most specific area.
func (s *Service) matchRule(ctx context.Context, categoryCode, areaCode string) (string, error) {
	d, err := s.ref(ctx)
	if err != nil {
		return "", err
	}
	areas, err := s.areaChain(ctx, areaCode)
	if err != nil {
		return "", err
	}
	areas = append(areas, "")
	for _, c := range append(d.ancestors(categoryCode), "") {
		for _, a := range areas {
			if org, ok := d.rules[[2]string{c, a}]; ok {
				return org, nil
			}
		}
	}
	return "", nil
}

// refTx runs a change to the reference data and drops the cache once it is
// committed.
func (s *Service) refTx(ctx context.Context, fn func(tx *sql.Tx) error) error {
	err := s.db.Tx(ctx, fn)
	if err == nil {
		s.forgetRef()
	}
	return err
}

// LimitsFor returns the time limits of a ticket of the category, kind and
// urgency, as the table says now.
func (s *Service) LimitsFor(ctx context.Context, categoryCode string, kind Kind, urgency Urgency) (TimeLimit, error) {
	return s.limitsFor(ctx, categoryCode, kind, urgency)
}
