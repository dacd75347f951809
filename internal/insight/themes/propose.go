package themes

import (
	"context"
	"strings"
	"unicode/utf8"

	"github.com/gongzhi/gongzhi/internal/auth"
	"github.com/gongzhi/gongzhi/internal/errs"
	"github.com/gongzhi/gongzhi/internal/proposal"
)

// ToProposal is what it takes to put a theme to the residents as a proposal
// (提案): raised by staff for the resident who asks for it (a proposal is
// always a resident's), in an area of the theme.
type ToProposal struct {
	Month      string `json:"month"`        // the theme's month (empty: the last complete one)
	AreaCode   string `json:"area_code"`    // empty: the area with most of its tickets
	OnBehalfOf string `json:"on_behalf_of"` // the resident's phone
	Title      string `json:"title"`        // empty: "每月一题：" and the theme's label
	Body       string `json:"body"`         // empty: the theme's figures and sample
}

// SetProposals lets themes become proposals through the proposals'
// service, which decides who raises what where.
func (s *Service) SetProposals(p *proposal.Service) { s.proposals = p }

// CanPropose reports whether the themes page offers u to make a proposal of
// a theme: those who see themes, when proposals run. Whether she may act
// for the resident in that area is the proposals' own rule.
func (s *Service) CanPropose(u auth.User) bool { return s.proposals != nil && CanSee(u) }

// Propose makes a proposal of a theme of the month: its level is its area's,
// it links the theme's sample tickets (as many as a proposal takes) and
// records the theme, so that the proposal's readers see where it came from.
func (s *Service) Propose(ctx context.Context, u auth.User, id string, in ToProposal) (proposal.Proposal, error) {
	if !s.CanPropose(u) {
		return proposal.Proposal{}, errs.ErrForbidden
	}
	t, m, err := s.Theme(ctx, u, in.Month, id)
	if err != nil {
		return proposal.Proposal{}, err
	}
	code := strings.TrimSpace(in.AreaCode)
	if code == "" && len(t.Areas) > 0 {
		code = t.Areas[0].Code
	}
	if code == "" {
		return proposal.Proposal{}, errs.Invalidf("请选择提案所在的区域", "choose the area of the proposal")
	}
	area, err := s.gov.Area(ctx, code)
	if err != nil {
		return proposal.Proposal{}, err
	}
	title := strings.TrimSpace(in.Title)
	if title == "" {
		title = "每月一题：" + t.Label
		if utf8.RuneCountInString(title) > proposal.MaxTitle {
			title = string([]rune(title)[:proposal.MaxTitle])
		}
	}
	body := strings.TrimSpace(in.Body)
	if body == "" {
		body = reason(t)
	}
	tickets := t.Sample
	if len(tickets) > proposal.MaxTickets {
		tickets = tickets[:proposal.MaxTickets]
	}
	return s.proposals.Create(ctx, u, proposal.New{Level: area.Level, AreaCode: area.Code, Title: title, Body: body,
		Tickets: tickets, OnBehalfOf: in.OnBehalfOf, Theme: m.Month + " " + t.Label})
}
