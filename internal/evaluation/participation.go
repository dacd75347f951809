package evaluation

import (
	"context"
	"time"

	"github.com/gongzhi/gongzhi/internal/auth"
	"github.com/gongzhi/gongzhi/internal/db"
	"github.com/gongzhi/gongzhi/internal/errs"
	"github.com/gongzhi/gongzhi/internal/gov"
)

// Participation indicators (参与指标): how a unit answers residents'
// proposals, how many residents take part, and how many of its key projects
// residents evaluated. Each counts only where the district switches it on
// (Settings.Participation), so new duties do not silently weigh on
// communities that were never staffed for them. They are shown beside the
// figures of tickets and do not change the composite score.

// ParticipationSwitches say which indicators count; all are off by default.
type ParticipationSwitches struct {
	ProposalsOnTime   bool `json:"proposals_on_time"`
	PerThousand       bool `json:"per_thousand"`
	ProjectsEvaluated bool `json:"projects_evaluated"`
	ProjectScore      bool `json:"project_score"`
}

func (p ParticipationSwitches) any() bool {
	return p.ProposalsOnTime || p.PerThousand || p.ProjectsEvaluated || p.ProjectScore
}

// Ratio is a figure with the counts behind it.
type Ratio struct {
	Num  int64    `json:"num"`
	Den  int64    `json:"den"`
	Rate *float64 `json:"rate"` // null when Den is 0
}

func newRatio(num, den int64) *Ratio { return &Ratio{Num: num, Den: den, Rate: ratio(num, den)} }

// Participation is a row's participation indicators, each present only when
// switched on.
type Participation struct {
	// ProposalsOnTime: answers given on time over answers due (given in
	// the period, or overdue and still unanswered).
	ProposalsOnTime *Ratio `json:"proposals_on_time,omitempty"`
	// PerThousand: residents who took part in the period (raised,
	// co-signed, voted, commented, answered a survey, …) per 1,000
	// residents of the row's area (Num participants, Den population).
	PerThousand *Ratio `json:"per_thousand,omitempty"`
	// ProjectsEvaluated: key projects past their works that residents
	// evaluated, over all such projects.
	ProjectsEvaluated *Ratio `json:"projects_evaluated,omitempty"`
	// ProjectScore: the residents' mean score (1–5) of the unit's key
	// projects closed in the period (Num the sum of the scores, Den how
	// many were given).
	ProjectScore *Ratio `json:"project_score,omitempty"`
}

// Act is one resident taking part in something of an area.
type Act struct {
	Phone    string
	AreaCode string
}

// ParticipationSources are where the indicators come from: functions the
// capabilities provide (app wires them), each for the period [from, to).
type ParticipationSources struct {
	// Answers: by organisation, answers due and answered on time.
	Answers func(ctx context.Context, from, to time.Time) (map[string][2]int64, error)
	// Acts: residents taking part, one source per capability.
	Acts []func(ctx context.Context, from, to time.Time) ([]Act, error)
	// Projects: by organisation, projects past their works and those evaluated.
	Projects func(ctx context.Context, from, to time.Time) (map[string][2]int64, error)
	// ProjectScores: by organisation, the residents' scores of its projects
	// closed in the period: how many were given and their sum.
	ProjectScores func(ctx context.Context, from, to time.Time) (map[string][2]int64, error)
}

// SetParticipation sets the sources of the participation indicators.
func (s *Service) SetParticipation(p ParticipationSources) { s.part = p }

// participation fills the rows' participation indicators that st switches on.
func (s *Service) participation(ctx context.Context, rows []Row, p Period, st Settings) error {
	sw := st.Participation
	if !sw.any() || len(rows) == 0 {
		return nil
	}
	var answers, projects, scores map[string][2]int64
	var err error
	if sw.ProposalsOnTime && s.part.Answers != nil {
		if answers, err = s.part.Answers(ctx, p.From, p.To); err != nil {
			return err
		}
	}
	if sw.ProjectsEvaluated && s.part.Projects != nil {
		if projects, err = s.part.Projects(ctx, p.From, p.To); err != nil {
			return err
		}
	}
	if sw.ProjectScore && s.part.ProjectScores != nil {
		if scores, err = s.part.ProjectScores(ctx, p.From, p.To); err != nil {
			return err
		}
	}
	var people map[string]map[string]bool
	if sw.PerThousand {
		if people, err = s.participants(ctx, p); err != nil {
			return err
		}
	}
	orgArea, err := s.orgAreas(ctx, rows)
	if err != nil {
		return err
	}
	for i := range rows {
		r := &rows[i]
		pt := &Participation{}
		if sw.ProposalsOnTime {
			a := answers[r.OrgCode]
			pt.ProposalsOnTime = newRatio(a[1], a[0])
		}
		if sw.ProjectsEvaluated {
			a := projects[r.OrgCode]
			pt.ProjectsEvaluated = newRatio(a[1], a[0])
		}
		if sw.ProjectScore {
			a := scores[r.OrgCode]
			pt.ProjectScore = newRatio(a[1], a[0])
		}
		if sw.PerThousand {
			area := r.AreaCode
			if r.OrgCode != "" {
				area = orgArea[r.OrgCode]
			}
			if pt.PerThousand, err = s.perThousand(ctx, area, people); err != nil {
				return err
			}
		}
		r.Participation = pt
	}
	return nil
}

// participants are the distinct phones that took part in the period, by
// every prefix of the codes of the areas they took part in, so that an area
// finds those of all the areas below it.
func (s *Service) participants(ctx context.Context, p Period) (map[string]map[string]bool, error) {
	out := map[string]map[string]bool{}
	for _, src := range s.part.Acts {
		acts, err := src(ctx, p.From, p.To)
		if err != nil {
			return nil, err
		}
		for _, a := range acts {
			for n := 1; n <= len(a.AreaCode); n++ {
				k := a.AreaCode[:n]
				if out[k] == nil {
					out[k] = map[string]bool{}
				}
				out[k][a.Phone] = true
			}
		}
	}
	return out, nil
}

// perThousand is the participants of the area per 1,000 of its residents;
// no area, or one with no population set, gives a ratio with Den 0.
func (s *Service) perThousand(ctx context.Context, area string, people map[string]map[string]bool) (*Ratio, error) {
	if area == "" {
		return &Ratio{}, nil
	}
	a, err := s.gov.Area(ctx, area)
	if errs.Is(err, errs.NotFound) {
		return &Ratio{}, nil
	}
	if err != nil {
		return nil, err
	}
	r := &Ratio{Num: int64(len(people[area])), Den: max(a.Population, 0)}
	if r.Den > 0 {
		v := float64(r.Num) * 1000 / float64(r.Den)
		r.Rate = &v
	}
	return r, nil
}

// orgAreas maps the units of org rows to the areas they serve: a street
// office its street, a committee its community or village.
func (s *Service) orgAreas(ctx context.Context, rows []Row) (map[string]string, error) {
	out := map[string]string{}
	if len(rows) == 0 || rows[0].OrgCode == "" {
		return out, nil
	}
	orgs, err := s.gov.Orgs(ctx, gov.OrgFilter{})
	if err != nil {
		return nil, err
	}
	for _, o := range orgs {
		switch o.Kind {
		case gov.KindStreetOffice, gov.KindCommunityCommittee, gov.KindVillageCommittee:
			out[o.Code] = o.AreaCode
		}
	}
	return out, nil
}

// QueryActs runs a capability's query of residents taking part — rows of
// (phone, area code) — and keeps those whose phone is a resident's.
func QueryActs(ctx context.Context, q db.Queryer, query string, args ...any) ([]Act, error) {
	rows, err := q.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, errs.Wrap(err, "participants")
	}
	defer rows.Close()
	out := []Act{}
	for rows.Next() {
		var a Act
		if err := rows.Scan(&a.Phone, &a.AreaCode); err != nil {
			return nil, errs.Wrap(err, "scan participants")
		}
		if auth.ValidPhone(a.Phone) {
			out = append(out, a)
		}
	}
	return out, errs.Wrap(rows.Err(), "participants")
}
