package web

import (
	"context"
	"net/http"
	"slices"
	"strconv"

	"github.com/gongzhi/gongzhi/internal/auth"
	"github.com/gongzhi/gongzhi/internal/errs"
	"github.com/gongzhi/gongzhi/internal/gov"
	"github.com/gongzhi/gongzhi/internal/ticket"
)

// The unit picker's type-ahead (static/picker.js) over the forms that choose
// a unit: GET /staff/orgs?q=WORDS&for=ACTION&ticket=NUMBER. Which actions a
// user may take on the ticket is the ticket's policy (AvailableActions);
// which unit she picks is checked again by the action itself.

// PickItem is a unit in the picker's JSON.
type PickItem struct {
	Code       string `json:"code"`
	Name       string `json:"name"`
	Group      string `json:"group"`
	GroupLabel string `json:"group_label"`
	Suggested  bool   `json:"suggested"`
	// Current is the unit that has the ticket now, which the action cannot
	// choose (shown, but not to be picked).
	Current bool `json:"current"`
}

// PickAnswer is the picker's JSON.
type PickAnswer struct {
	Items []PickItem `json:"items"`
	More  bool       `json:"more"`
}

// suggestActions are the actions whose unit the dispatch catalogue suggests.
var suggestActions = []string{ticket.ActionDispatch, ticket.ActionRedispatch, ticket.ActionApproveReturn}

// pickChoice is the suggestion and the unit not to be chosen for the action,
// as the staff ticket page's forms show them.
func (s *Server) pickChoice(ctx context.Context, t ticket.Ticket, action string, actions []string) (suggest, current string, err error) {
	if slices.Contains(suggestActions, action) {
		if suggest, err = s.Tickets.SuggestOrg(ctx, t.CategoryCode, t.AreaCode); err != nil {
			return "", "", err
		}
		if suggest == t.AssignedOrgCode && !slices.Contains(actions, ticket.ActionDispatch) {
			suggest = "" // the unit that returned it is no suggestion
		}
	}
	if action != ticket.ActionDispatch && action != ticket.ActionEscalate {
		current = t.AssignedOrgCode
	}
	return suggest, current, nil
}

func (s *Server) staffOrgs(w http.ResponseWriter, r *http.Request) {
	u := s.staffJSONUser(w, r, false)
	if u == nil {
		return
	}
	ans, err := s.pickOrgs(r, *u)
	if err != nil {
		s.writeJSONError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, ans)
}

// pickOrgs answers the picker of the action's form on the ticket.
func (s *Server) pickOrgs(r *http.Request, u auth.User) (PickAnswer, error) {
	ctx, q := r.Context(), r.URL.Query()
	action := q.Get("for")
	if action != "filter" && !slices.Contains(orgActions, action) {
		return PickAnswer{}, errs.Invalidf("未知的操作：%q", "unknown action: %q", action)
	}
	limit := 0
	if l := q.Get("limit"); l != "" {
		n, err := strconv.Atoi(l)
		if err != nil {
			return PickAnswer{}, errs.Invalidf("数量格式不正确：%q", "malformed limit: %q", l)
		}
		limit = n
	}
	suggest, current, err := s.pickFor(ctx, u, action, q.Get("ticket"))
	if err != nil {
		return PickAnswer{}, err
	}
	d, err := s.district(ctx)
	if err != nil && !errs.Is(err, errs.NotFound) {
		return PickAnswer{}, err
	}
	res, err := s.Gov.SearchOrgs(ctx, gov.OrgSearch{Query: q.Get("q"), AreaCode: d.Code, Suggest: suggest, Limit: limit})
	if err != nil {
		return PickAnswer{}, err
	}
	lang := state(r).lang
	ans := PickAnswer{Items: make([]PickItem, 0, len(res.Hits)), More: res.More}
	for _, h := range res.Hits {
		ans.Items = append(ans.Items, PickItem{Code: h.Code, Name: h.Name, Group: string(h.Group),
			GroupLabel: tr(lang, "pick.group."+string(h.Group)), Suggested: h.Suggested, Current: h.Code == current})
	}
	return ans, nil
}

// pickFor is the suggestion and the unit not to be chosen when the picker
// serves the action on one ticket; with no ticket it serves the workbench:
// its unit filter (for=filter, any staff member) or its batch dispatch
// (for=dispatch, whoever the ticket service lets dispatch in a batch).
func (s *Server) pickFor(ctx context.Context, u auth.User, action, number string) (suggest, current string, err error) {
	if number == "" {
		if action == "filter" || (action == ticket.ActionDispatch && slices.Contains(ticket.BatchActionsFor(u), action)) {
			return "", "", nil
		}
		return "", "", errs.New(errs.Forbidden, "您不能进行该操作", "you cannot take this action")
	}
	t, err := s.Tickets.Get(ctx, u, number)
	if err != nil {
		return "", "", err
	}
	actions := ticket.AvailableActions(u, t)
	if !slices.Contains(actions, action) {
		return "", "", errs.New(errs.Forbidden, "您现在不能对此工单进行该操作", "you cannot take this action on the ticket now")
	}
	return s.pickChoice(ctx, t, action, actions)
}

// AnyChecked reports whether the failed form of the action had a value of
// key: 吹哨报到's list of units, folded without JavaScript, opens to show
// what was ticked.
func (v *TicketView) AnyChecked(action, key string) bool {
	return v.Failed == action && v.Form != nil && len(v.Form[key]) > 0
}
