package ticket

import (
	"context"
	"slices"

	"github.com/gongzhi/gongzhi/internal/auth"
)

// rule is one action of the ticket's state machine: every fact about the
// action lives in its row of machine, and Act, AvailableActions, the
// timeline's audiences and the pages' forms all read it.
type rule struct {
	action string
	// from are the statuses the action may start from.
	from []Status
	// who may take it, whatever the status (built from policy.go's predicates).
	who func(u auth.User, t Ticket) bool
	// when is a further condition on the ticket's state; nil means none.
	when func(u auth.User, t Ticket) bool
	// part, when set and mine, decides instead of from and when: a helper
	// unit signs and replies for its own part whatever the lead has done.
	part func(u auth.User, t Ticket) (ok, mine bool)
	// check validates the input (already cleaned); nil means no field is required.
	check func(in *ActionInput) error
	// apply is the action's effect on the change under way.
	apply func(s *Service, ctx context.Context, c *change, in ActionInput) error
	// reporter and public: how much of the action's line the reporter and
	// the public see (timeline.go); both unseen keeps it with the staff.
	reporter, public sight
	// fields are the inputs (ActionInput's JSON names) a form of the action shows.
	fields []string
}

var (
	active   = []Status{StatusRegistered, StatusDispatched, StatusSigned, StatusInProgress, StatusReturned}
	handling = []Status{StatusDispatched, StatusSigned, StatusInProgress}
	// notClosed are the statuses in which a ticket is still open, replied included.
	notClosed = slices.Concat(active, []Status{StatusReplied})
	// afterDispatch are the open statuses once a unit has the ticket.
	afterDispatch = []Status{StatusDispatched, StatusSigned, StatusInProgress, StatusReturned}
)

// machine is the state machine, in the order a ticket page offers the actions.
var machine = []rule{
	{action: ActionAnswer, from: []Status{StatusRegistered, StatusDispatched}, who: anyOf(isAdmin, takesCallsInArea),
		// A consultation answered on the spot may already have been dispatched
		// by the catalogue; until its unit signs, the agent can still close it.
		when:  func(_ auth.User, t Ticket) bool { return t.Kind == KindConsultation },
		check: needReply, apply: (*Service).answer, reporter: noted, public: noted, fields: []string{"reply_text"}},
	{action: ActionSelfResolve, from: []Status{StatusRegistered, StatusDispatched}, who: selfResolver,
		check: needReply, apply: (*Service).answer, reporter: noted, public: noted, fields: []string{"reply_text"}},
	{action: ActionDispatch, from: []Status{StatusRegistered}, who: deskOfArea,
		check: needDispatch, apply: (*Service).dispatch, reporter: bare, public: bare, fields: []string{"org_code", "category_code", "note"}},
	{action: ActionSign, from: []Status{StatusDispatched}, who: anyOf(isAdmin, isLeadHandler, isHelper), part: helperMay("dispatched"),
		apply: (*Service).sign, reporter: bare, public: bare},
	{action: ActionContact, from: []Status{StatusSigned}, who: anyOf(isAdmin, isLeadHandler),
		apply: (*Service).contact, reporter: bare, public: bare, fields: []string{"note"}},
	{action: ActionReply, from: []Status{StatusInProgress}, who: anyOf(isAdmin, isLeadHandler, isHelper), part: helperMay("signed"),
		check: needReplyResolved, apply: (*Service).reply, reporter: noted, public: noted, fields: []string{"reply_text", "resolved"}},
	{action: ActionCheck, from: []Status{StatusReplied}, who: anyOf(isAdmin, isAreaDispatcher, isAreaGridWorker),
		when:  func(_ auth.User, t Ticket) bool { return t.CheckStatus == "requested" },
		check: needPassed, apply: (*Service).check, reporter: bare, public: bare, fields: []string{"passed", "note"}},
	{action: ActionRate, from: []Status{StatusReplied}, who: anyOf(isReporter, isCoReporter, recordsRatingByPhone), when: noCheckPending,
		check: needRating, apply: (*Service).rate, reporter: noted, public: bare, fields: []string{"resolved", "satisfaction", "comment"}},
	{action: ActionReport, from: slices.Concat(active, []Status{StatusReplied}), who: summonedUnit,
		when:  func(u auth.User, t Ticket) bool { return pendingSummons(u, t) != nil },
		apply: (*Service).report, fields: []string{"note"}},
	{action: ActionRequestExtension, from: []Status{StatusSigned, StatusInProgress}, who: isLeadHandler,
		when:  func(_ auth.User, t Ticket) bool { return t.ExtensionUntil == nil && t.ExtensionCount < MaxExtensions },
		check: needExtension, apply: (*Service).requestExtension, fields: []string{"until", "reason"}},
	{action: ActionReturn, from: handling, who: isLeadHandler,
		check: needReturnReason, apply: (*Service).returnTicket, reporter: bare, public: bare, fields: []string{"reason", "note"}},
	{action: ActionApproveReturn, from: []Status{StatusReturned}, who: deskOfArea,
		check: needOrg, apply: (*Service).approveReturn, reporter: bare, public: bare, fields: []string{"org_code", "note"}},
	{action: ActionRejectReturn, from: []Status{StatusReturned}, who: deskOfArea,
		apply: (*Service).rejectReturn, fields: []string{"note"}},
	{action: ActionApproveExtension, from: []Status{StatusSigned, StatusInProgress}, who: deskOfArea, when: extensionPending,
		apply: (*Service).approveExtension, reporter: bare, public: bare, fields: []string{"note"}},
	{action: ActionRejectExtension, from: []Status{StatusSigned, StatusInProgress}, who: deskOfArea, when: extensionPending,
		apply: (*Service).rejectExtension, fields: []string{"note"}},
	{action: ActionRedispatch, from: handling, who: deskOfArea,
		check: needDispatch, apply: (*Service).dispatch, reporter: bare, public: bare, fields: []string{"org_code", "category_code", "note"}},
	{action: ActionAddHelper, from: handling, who: deskOfArea,
		check: needOrg, apply: (*Service).addHelper, reporter: bare, public: bare, fields: []string{"org_code", "note"}},
	{action: ActionWhistle, from: active, who: anyOf(isAdmin, isAreaDispatcher, isLeadHandler),
		check: needSummoned, apply: (*Service).whistle, fields: []string{"org_codes", "within_hours", "note"}},
	{action: ActionRemind, from: active, who: anyOf(isAdmin, isAreaDispatcher, isAreaSupervisor),
		apply: (*Service).remind, fields: []string{"note"}},
	{action: ActionEscalate, from: active, who: anyOf(isAdmin, isAreaSupervisor),
		check: needEscalation, apply: (*Service).escalate, fields: []string{"org_code", "within_hours", "note"}},
	{action: ActionRequestCheck, from: []Status{StatusReplied}, who: deskOfArea, when: noCheckPending,
		apply: (*Service).requestCheck, fields: []string{"note"}},
	{action: ActionRedo, from: []Status{StatusClosed}, who: deskOfArea,
		when:  func(_ auth.User, t Ticket) bool { return t.ReviewPending },
		apply: (*Service).redo, reporter: bare, public: bare, fields: []string{"note"}},
	{action: ActionMerge, from: []Status{StatusRegistered, StatusDispatched, StatusSigned, StatusInProgress}, who: deskOfArea,
		check: needInto, apply: (*Service).mergeAction, reporter: bare, public: bare, fields: []string{"into", "note"}},
	{action: ActionInvalidate, from: []Status{StatusRegistered, StatusDispatched, StatusReturned}, who: deskOfArea,
		check: needInvalidReason, apply: (*Service).invalidate, reporter: bare, public: bare, fields: []string{"reason", "note"}},
	{action: ActionClose, from: slices.Concat(notClosed, []Status{StatusClosed}), who: deskOfArea,
		when: func(_ auth.User, t Ticket) bool {
			return (t.Status != StatusClosed || t.ReviewPending) && t.CheckStatus != "requested"
		},
		apply: (*Service).close, reporter: bare, public: bare, fields: []string{"note"}},
	// The reporter's own actions.
	{action: ActionWithdraw, from: []Status{StatusRegistered}, who: isReporter,
		apply: (*Service).withdraw, reporter: noted, public: bare, fields: []string{"note"}},
	{action: ActionUrge, from: afterDispatch, who: isReporter,
		apply: (*Service).urge, reporter: noted, public: unseen, fields: []string{"note"}},
	{action: ActionSupplement, from: notClosed, who: isReporter,
		check: needSupplement, apply: (*Service).supplement, reporter: noted, public: unseen, fields: []string{"note"}},
}

// Actions lists the actions in the order a ticket page offers them.
var Actions = actionsOf(machine)

func actionsOf(m []rule) []string {
	out := make([]string, len(m))
	for i, r := range m {
		out[i] = r.action
	}
	return out
}

// ruleOf returns the row of an action.
func ruleOf(action string) (*rule, bool) {
	for i := range machine {
		if machine[i].action == action {
			return &machine[i], true
		}
	}
	return nil, false
}

// fits reports whether the action fits the ticket's state for u.
func (r *rule) fits(u auth.User, t Ticket) bool {
	if r.part != nil {
		if ok, mine := r.part(u, t); mine {
			return ok
		}
	}
	return slices.Contains(r.from, t.Status) && (r.when == nil || r.when(u, t))
}

// AvailableActions returns what u may do with t now, in page order.
func AvailableActions(u auth.User, t Ticket) []string {
	var out []string
	for i := range machine {
		if r := &machine[i]; r.who(u, t) && r.fits(u, t) {
			out = append(out, r.action)
		}
	}
	return out
}

// FormFields are the inputs (ActionInput's JSON names) a form of the action
// shows, in order; nil for an unknown action or one that takes none.
func FormFields(action string) []string {
	if r, ok := ruleOf(action); ok {
		return r.fields
	}
	return nil
}

// Predicates the rows are built from (policy.go holds the others).

func anyOf(ps ...func(auth.User, Ticket) bool) func(auth.User, Ticket) bool {
	return func(u auth.User, t Ticket) bool {
		for _, p := range ps {
			if p(u, t) {
				return true
			}
		}
		return false
	}
}

func isAdmin(u auth.User, _ Ticket) bool { return u.Role == auth.RoleAdmin }

// deskOfArea is the dispatchers' desk: an administrator or the area's dispatcher.
var deskOfArea = anyOf(isAdmin, isAreaDispatcher)

func isHelper(u auth.User, t Ticket) bool { return helperPart(u, t) != nil }

func takesCallsInArea(u auth.User, t Ticket) bool { return TakesCalls(u) && u.InArea(t.AreaCode) }

func isAreaGridWorker(u auth.User, t Ticket) bool {
	return u.Role == auth.RoleGridWorker && u.InArea(t.AreaCode)
}

// selfResolver is the grid worker who filed the ticket on patrol.
func selfResolver(u auth.User, t Ticket) bool {
	return u.Role == auth.RoleGridWorker && u.ID != "" && u.ID == t.CreatedBy && t.Channel == ChannelGrid
}

// helperMay decides for a helper unit (not the lead) by its own part's status.
func helperMay(partStatus string) func(u auth.User, t Ticket) (bool, bool) {
	return func(u auth.User, t Ticket) (bool, bool) {
		h := helperPart(u, t)
		if h == nil || isLeadHandler(u, t) {
			return false, false
		}
		return t.active() && h.Status == partStatus, true
	}
}

func noCheckPending(_ auth.User, t Ticket) bool { return t.CheckStatus != "requested" }

func extensionPending(_ auth.User, t Ticket) bool { return t.ExtensionUntil != nil }
