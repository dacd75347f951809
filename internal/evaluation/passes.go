package evaluation

import (
	"context"
	"sort"
	"strings"
	"unicode/utf8"

	"github.com/gongzhi/gongzhi/internal/auth"
	"github.com/gongzhi/gongzhi/internal/errs"
	"github.com/gongzhi/gongzhi/internal/gov"
	"github.com/gongzhi/gongzhi/internal/ticket"
)

// The returns (退单) and re-dispatches (改派) of a month by reason ×
// category × area, and the lines of the dispatch catalogue they suggest:
// where the tickets of category C in area A are passed on by unit X and in
// the end kept by unit Y at least ProposalMin times, and that is at least
// ProposalShare of the tickets of C in A dispatched in the month, the
// catalogue should send C in A to Y.

// Thresholds of a proposal.
const (
	ProposalMin   = 3
	ProposalShare = 0.5
)

// ReasonNone is the reason of a pass given none.
const ReasonNone = "unspecified"

// maxReason bounds a re-dispatch's note used as a reason.
const maxReason = 60

// PassRow is one cell: passes of a kind for a reason, category and area.
type PassRow struct {
	Kind         string `json:"kind"`   // return or redispatch
	Reason       string `json:"reason"` // a return's reason code, a re-dispatch's note, or unspecified
	CategoryCode string `json:"category_code"`
	AreaCode     string `json:"area_code"`
	Count        int    `json:"count"`
	Granted      int    `json:"granted"` // returns granted (every re-dispatch is)
}

// Proposal is a line the catalogue should have.
type Proposal struct {
	CategoryCode string `json:"category_code"`
	AreaCode     string `json:"area_code"`
	CurrentOrg   string `json:"current_org"` // what the catalogue names now ("" none)
	FromOrg      string `json:"from_org"`    // the unit that passed the tickets on
	ToOrg        string `json:"to_org"`      // the unit that kept them: the proposal
	Tickets      int    `json:"tickets"`     // tickets passed from FromOrg and kept by ToOrg
	Dispatches   int    `json:"dispatches"`  // tickets of the cell dispatched in the month
	CanApply     bool   `json:"can_apply"`   // u may set the line (ticket.CanEditCatalogue)
}

// PassReport is a month's returns and re-dispatches.
type PassReport struct {
	Period    Period     `json:"period"`
	Rows      []PassRow  `json:"rows"`
	Proposals []Proposal `json:"proposals"`
}

var errNotPasses = errs.New(errs.Forbidden, "只有督办人员、派单员和管理员可以查看退单改派分析", "only supervisors, dispatchers and the administrator see the returns report")

// CanSeePasses says whether u reads the returns report: those who see every
// figure, and the supervisors and dispatchers of an area (its tickets).
func CanSeePasses(u auth.User) error {
	if Visible(u) == SeesAll || (u.Role == auth.RoleSupervisor || u.Role == auth.RoleDispatcher) && u.AreaCode != "" {
		return nil
	}
	return errNotPasses
}

// normReason makes a pass's reason a cell's key.
func normReason(r string) string {
	r = strings.Join(strings.Fields(r), " ")
	if r == "" {
		return ReasonNone
	}
	if utf8.RuneCountInString(r) > maxReason {
		r = string([]rune(r)[:maxReason])
	}
	return r
}

type cellKey struct{ cat, area string }

type proposalKey struct {
	cellKey
	from, to string
}

// Passes computes the month p's report for the tickets of areas u sees.
func (s *Service) Passes(ctx context.Context, u auth.User, p Period) (PassReport, error) {
	if err := CanSeePasses(u); err != nil {
		return PassReport{}, err
	}
	if s.tickets == nil {
		return PassReport{}, errNoTickets
	}
	rows := map[[4]string]*PassRow{}
	dispatched := map[cellKey]int{}
	kept := map[proposalKey]int{}
	err := s.tickets.WorkItems(ctx, p.From, p.To, func(it ticket.WorkItem) error {
		if Visible(u) != SeesAll && !u.InArea(it.AreaCode) {
			return nil
		}
		c := cellKey{it.CategoryCode, it.AreaCode}
		for _, sp := range it.Spans {
			if sp.Stage == "dispatched" && sp.Received && !sp.From.Before(p.From) && sp.From.Before(p.To) {
				dispatched[c]++
				break
			}
		}
		first := ""
		for _, ps := range it.Passes {
			if ps.At.Before(p.From) || !ps.At.Before(p.To) {
				continue
			}
			reason := normReason(ps.Reason)
			k := [4]string{ps.Kind, reason, c.cat, c.area}
			if rows[k] == nil {
				rows[k] = &PassRow{Kind: ps.Kind, Reason: reason, CategoryCode: c.cat, AreaCode: c.area}
			}
			rows[k].Count++
			if ps.Granted {
				rows[k].Granted++
				if first == "" {
					first = ps.FromOrg
				}
			}
		}
		if first != "" && it.AcceptedBy != "" && it.AcceptedBy != first {
			kept[proposalKey{c, first, it.AcceptedBy}]++
		}
		return nil
	})
	if err != nil {
		return PassReport{}, err
	}
	out := PassReport{Period: p, Rows: []PassRow{}, Proposals: []Proposal{}}
	for _, r := range rows {
		out.Rows = append(out.Rows, *r)
	}
	sort.Slice(out.Rows, func(i, j int) bool { return passLess(out.Rows[i], out.Rows[j]) })
	if out.Proposals, err = s.proposals(ctx, u, kept, dispatched); err != nil {
		return PassReport{}, err
	}
	return out, nil
}

func passLess(a, b PassRow) bool {
	if a.Count != b.Count {
		return a.Count > b.Count
	}
	return a.Kind+"\x00"+a.CategoryCode+"\x00"+a.AreaCode+"\x00"+a.Reason < b.Kind+"\x00"+b.CategoryCode+"\x00"+b.AreaCode+"\x00"+b.Reason
}

// proposals keeps the pairs over the thresholds whose unit the catalogue
// does not name already.
func (s *Service) proposals(ctx context.Context, u auth.User, kept map[proposalKey]int, dispatched map[cellKey]int) ([]Proposal, error) {
	out := []Proposal{}
	for k, n := range kept {
		d := dispatched[k.cellKey]
		if n < ProposalMin || float64(n) < ProposalShare*float64(d) {
			continue
		}
		cur, err := s.tickets.RuleFor(ctx, k.cat, k.area)
		if err != nil {
			return nil, err
		}
		if cur == k.to {
			continue
		}
		out = append(out, Proposal{CategoryCode: k.cat, AreaCode: k.area, CurrentOrg: cur, FromOrg: k.from, ToOrg: k.to,
			Tickets: n, Dispatches: d, CanApply: ticket.CanEditCatalogue(u, k.area)})
	}
	sort.Slice(out, func(i, j int) bool {
		a, b := out[i], out[j]
		if a.Tickets != b.Tickets {
			return a.Tickets > b.Tickets
		}
		return a.CategoryCode+"\x00"+a.AreaCode+"\x00"+a.ToOrg < b.CategoryCode+"\x00"+b.AreaCode+"\x00"+b.ToOrg
	})
	return out, nil
}

// ApplyProposal sets the catalogue line of a proposal of month p for
// category and area, as u through the ticket capability, whose policy
// decides (ticket.CanEditCatalogue). The proposal must stand in u's report.
func (s *Service) ApplyProposal(ctx context.Context, u auth.User, p Period, categoryCode, areaCode string) (Proposal, error) {
	if !gov.ValidCode(categoryCode) || !gov.ValidCode(areaCode) {
		return Proposal{}, errs.Invalidf("请给出分类和区划代码", "category_code and area_code are required and must be codes")
	}
	rep, err := s.Passes(ctx, u, p)
	if err != nil {
		return Proposal{}, err
	}
	for _, pr := range rep.Proposals {
		if pr.CategoryCode == categoryCode && pr.AreaCode == areaCode {
			if err := s.tickets.UpsertRuleAs(ctx, u, ticket.Rule{CategoryCode: categoryCode, AreaCode: areaCode, OrgCode: pr.ToOrg}); err != nil {
				return Proposal{}, err
			}
			pr.CurrentOrg = pr.ToOrg
			return pr, nil
		}
	}
	return Proposal{}, errs.NotFoundf("该月没有这一派单目录建议", "no such proposal for the month")
}
