package evaluation

import (
	"context"

	"github.com/gongzhi/gongzhi/internal/auth"
	"github.com/gongzhi/gongzhi/internal/errs"
	"github.com/gongzhi/gongzhi/internal/gov"
)

// Who sees which figures, decided here for the API and the pages alike:
// the administrator, supervisors and dispatchers at district level or above
// see every figure (the leaders' dashboard); a handler sees its own unit's
// figures and, of the others, the name, score and rank; other staff see the
// ranking only; residents and the auditor see nothing. Dispatchers and
// supervisors may open the tickets behind the figures of areas in their
// scope.

// Visibility is how much of the evaluation an actor sees.
type Visibility int

const (
	// SeesNothing: residents and the auditor.
	SeesNothing Visibility = iota
	// SeesRanking: every row's name, score and rank; a handler also its
	// own unit's figures.
	SeesRanking
	// SeesAll: every figure of every unit and area.
	SeesAll
)

// Visible says how much of the evaluation u sees.
func Visible(u auth.User) Visibility {
	switch {
	case !u.Role.IsStaff():
		return SeesNothing
	case u.Role == auth.RoleAdmin, u.Role == auth.RoleSupervisor:
		return SeesAll
	case u.Role == auth.RoleDispatcher &&
		(u.AreaLevel == gov.LevelDistrict || u.AreaLevel == gov.LevelCity || u.AreaLevel == gov.LevelProvince):
		return SeesAll
	}
	return SeesRanking
}

var (
	errNotStaff  = errs.New(errs.Forbidden, "评价仅供工作人员查看", "the evaluation is for staff only")
	errNotAll    = errs.New(errs.Forbidden, "只有督办、领导和区级派单员可以查看全区看板", "only supervisors, leaders and district dispatchers see the district dashboard")
	errNotUnit   = errs.New(errs.Forbidden, "只有承办单位和督办人员可以查看单位看板", "only handlers' units and supervisors see unit dashboards")
	errNotFigure = errs.New(errs.Forbidden, "您只能查看本单位指标背后的工单", "you may open only your own unit's figures")
)

// CanEvaluate refuses those who see nothing of the evaluation.
func CanEvaluate(u auth.User) error {
	if Visible(u) == SeesNothing {
		return errNotStaff
	}
	return nil
}

// CanSeeAll refuses those who do not see every figure (the leaders'
// dashboard).
func CanSeeAll(u auth.User) error {
	if Visible(u) != SeesAll {
		return errNotAll
	}
	return nil
}

// CanSeeUnit refuses u a unit's dashboard: those who see all may open any
// unit's, a handler its own (orgCode empty: whether u has one at all).
func CanSeeUnit(u auth.User, orgCode string) error {
	if Visible(u) == SeesAll {
		return nil
	}
	if u.Role == auth.RoleHandler && u.OrgCode != "" && (orgCode == "" || orgCode == u.OrgCode) {
		return nil
	}
	return errNotUnit
}

// CanOpenFigure refuses u the tickets behind a figure: those who see all
// open any; a handler its own unit's; dispatchers and supervisors the
// figures of areas in their scope. A figure narrowed to a category (the
// dashboard's categories, district-wide) is for those who see all.
func CanOpenFigure(u auth.User, q FigureQuery) error {
	switch {
	case Visible(u) == SeesNothing:
		return errNotStaff
	case Visible(u) == SeesAll:
		return nil
	case q.CategoryCode != "" || q.Figure == "category":
	case u.Role == auth.RoleHandler && q.OrgCode != "" && q.OrgCode == u.OrgCode:
		return nil
	case (u.Role == auth.RoleDispatcher || u.Role == auth.RoleSupervisor) && q.AreaCode != "" && u.InArea(q.AreaCode):
		return nil
	}
	return errNotFigure
}

// RankOnly is a row with its figures hidden.
type RankOnly struct {
	OrgCode  string   `json:"org_code,omitempty"`
	AreaCode string   `json:"area_code,omitempty"`
	Name     string   `json:"name"`
	Group    string   `json:"group"`
	Score    *float64 `json:"score"`
	Rank     *int     `json:"rank"`
	// SampleTooSmall: not ranked for too few rated tickets (Row's).
	SampleTooSmall bool `json:"sample_too_small"`
	Hidden         bool `json:"hidden"`
}

// SeesRow reports whether u sees every figure of row r.
func SeesRow(u auth.User, r Row) bool {
	return Visible(u) == SeesAll || (u.Role == auth.RoleHandler && u.OrgCode != "" && r.OrgCode == u.OrgCode)
}

// VisibleRows are the rows as u may see them: a Row, or a RankOnly.
func VisibleRows(u auth.User, rows []Row) []any {
	out := make([]any, 0, len(rows))
	for _, r := range rows {
		if SeesRow(u, r) {
			out = append(out, r)
			continue
		}
		out = append(out, RankOnly{OrgCode: r.OrgCode, AreaCode: r.AreaCode, Name: r.Name, Group: r.Group, Score: r.Score, Rank: r.Rank, SampleTooSmall: r.SampleTooSmall, Hidden: true})
	}
	return out
}

// Shown is an evaluation as an actor may see it: its rows are Rows or
// RankOnly (VisibleRows).
type Shown struct {
	Period   Period
	Group    string
	AreaCode string
	Rows     []any
	Settings Settings
}

// EvaluateFor is Evaluate for an actor: refused to those who see nothing,
// the rows masked as VisibleRows masks them.
func (s *Service) EvaluateFor(ctx context.Context, actor auth.User, q Query) (Shown, error) {
	if err := CanEvaluate(actor); err != nil {
		return Shown{}, err
	}
	res, err := s.Evaluate(ctx, q)
	if err != nil {
		return Shown{}, err
	}
	return Shown{Period: res.Period, Group: res.Group, AreaCode: res.AreaCode, Rows: VisibleRows(actor, res.Rows), Settings: res.Settings}, nil
}

// ShownRanking is a ranking as an actor may see it.
type ShownRanking struct {
	Month string
	Rows  []any
	Red   []ListEntry
	Black []ListEntry
}

// RankFor is Rank for an actor, refused and masked as EvaluateFor.
func (s *Service) RankFor(ctx context.Context, actor auth.User, month, group, areaCode string) (ShownRanking, error) {
	if err := CanEvaluate(actor); err != nil {
		return ShownRanking{}, err
	}
	rk, err := s.Rank(ctx, month, group, areaCode)
	if err != nil {
		return ShownRanking{}, err
	}
	return ShownRanking{Month: rk.Month, Rows: VisibleRows(actor, rk.Rows), Red: rk.Red, Black: rk.Black}, nil
}
