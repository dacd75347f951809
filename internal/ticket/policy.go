package ticket

import (
	"context"
	"fmt"
	"strings"

	"github.com/gongzhi/gongzhi/internal/auth"
	"github.com/gongzhi/gongzhi/internal/db"
	"github.com/gongzhi/gongzhi/internal/errs"
	"github.com/gongzhi/gongzhi/internal/gov"
	"github.com/gongzhi/gongzhi/internal/privacy"
)

// Who may do what with a ticket: the one place these rules live.

// CanCreate reports whether staff of this role may register requests on a
// residents' behalf (residents file their own). The pages ask it before they
// offer the form.
func CanCreate(u auth.User) bool {
	switch u.Role {
	case auth.RoleAdmin, auth.RoleDispatcher, auth.RoleAgent, auth.RoleGridWorker:
		return true
	case auth.RoleHandler:
		// Community staff enter requests for residents who come in (代办).
		return true
	}
	return false
}

// TakesCalls reports whether u works the hotline: the agents and the
// dispatchers, whose screen the console is. (An administrator may also look
// a caller up, CallerHistory, without taking calls.)
func TakesCalls(u auth.User) bool {
	return u.Role == auth.RoleAgent || u.Role == auth.RoleDispatcher
}

// MergesOnTheConsole reports whether u, taking a call, may merge it into a
// ticket already open: the dispatchers, who may merge tickets of their area
// (the rows of machine decide each one); agents only register.
func MergesOnTheConsole(u auth.User) bool {
	return TakesCalls(u) && u.Role == auth.RoleDispatcher
}

// fileInScope checks that staff register a request in their own area. Staff
// whose scope covers unplaced requests (district and up) may leave the place
// to the dispatchers; everyone else names an area of theirs, and a location
// then marks the spot within it: a location or an address alone does not
// tell which community or grid a request belongs to, and a grid worker who
// filed requests anywhere by a location would then not even see them.
// placeInScope checks the location itself.
func fileInScope(u *auth.User, areaCode string) error {
	if u == nil || !u.Role.IsStaff() || (u.InArea("") && areaCode == "") {
		return nil
	}
	if areaCode == "" {
		return errs.New(errs.Forbidden, "请选择本辖区内的社区：仅凭位置或地址不能确定诉求属于哪个社区或网格",
			"choose a community in your area: a location or an address alone does not tell which community or grid the request belongs to")
	}
	if !u.InArea(areaCode) {
		return errs.New(errs.Forbidden, "只能登记本辖区的诉求", "you can only register requests in your own area")
	}
	return nil
}

// placeInScope checks, besides fileInScope, that the location staff give
// for a request lies in their area: within the most specific boundary on
// record among the request's area and its ancestors, then the user's own
// area and its ancestors (for an unplaced request, her district's), give or
// take the service's tolerance, since phones report WGS-84 while Chinese
// boundary files are drawn in GCJ-02, up to about 700 m away. Where none of
// those areas has a boundary on record, the location only marks the spot.
// Residents may report whatever they see, wherever it is; administrators
// have no area. Refused with 403, like any filing outside one's area.
func (s *Service) placeInScope(ctx context.Context, u *auth.User, in NewTicket) error {
	if err := fileInScope(u, in.AreaCode); err != nil {
		return err
	}
	if in.Lat == nil || in.Lng == nil {
		return nil
	}
	area, err := s.placeOutside(ctx, u, in.AreaCode, *in.Lat, *in.Lng)
	if err != nil || area == "" {
		return err
	}
	name := area
	if a, err := gov.AreaQ(ctx, s.db.R, area); err == nil {
		name = a.Name
	}
	return errs.New(errs.Forbidden,
		fmt.Sprintf("该位置不在%s的边界内（已允许%.0f米误差）：只能登记本辖区的诉求，请核对位置或所选区划", name, s.tolerance),
		fmt.Sprintf("the location lies outside the boundary of %s (allowing %.0f m): you can only register requests in your own area; check the location or the area chosen", name, s.tolerance))
}

// placeOutside returns the area whose boundary the point lies outside of, by
// placeInScope's rule, or "" when the point is in place or u's locations are
// not checked.
func (s *Service) placeOutside(ctx context.Context, u *auth.User, areaCode string, lat, lng float64) (string, error) {
	if u == nil || !u.Role.IsStaff() || u.Role == auth.RoleAdmin || u.AreaCode == "" {
		return "", nil
	}
	var codes []string
	seen := map[string]bool{}
	for _, from := range []string{areaCode, u.AreaCode} {
		chain, err := s.areaChain(ctx, from)
		if err != nil {
			return "", err
		}
		for _, c := range chain {
			if !seen[c] {
				seen[c] = true
				codes = append(codes, c)
			}
		}
	}
	area, ok, err := s.gov.WithinBoundary(ctx, codes, lat, lng, s.tolerance)
	if err != nil || ok {
		return "", err
	}
	return area, nil
}

// isReporter reports whether u is the resident who reported t: the account
// that submitted it, or someone who proved the reporter's phone. A
// resident's account is her phone, proved by a one-time code at login (a
// guest proves it on the lookup page): every ticket with that reporter phone
// is hers, whoever entered it (the hotline, staff for her, her own web
// filing as a guest, a grid report naming her), confidential ones too.
// reporterCond is the same rule for lists.
func isReporter(u auth.User, t Ticket) bool {
	if u.Role != auth.RoleResident {
		return false
	}
	if u.ID != "" && u.ID == t.ReporterUserID {
		return true
	}
	return u.Phone != "" && u.Phone == t.ReporterPhone
}

// reporterCond is isReporter as a condition on the tickets table, for the
// resident's list: the tickets her account submitted or whose reporter phone
// is hers (each found by its index). Empty when u proves nobody.
// coReported is the tickets a phone joined by 我也遇到 (isCoReporter).
const coReported = "number IN (SELECT ticket_number FROM ticket_coreporters WHERE phone = ?)"

func reporterCond(u auth.User) (string, []any) {
	switch {
	case u.Role != auth.RoleResident:
		return "", nil
	case u.ID != "" && u.Phone != "":
		return "(reporter_user_id = ? OR reporter_phone = ? OR " + coReported + ")", []any{u.ID, u.Phone, u.Phone}
	case u.ID != "":
		return "reporter_user_id = ?", []any{u.ID}
	case u.Phone != "":
		return "(reporter_phone = ? OR " + coReported + ")", []any{u.Phone, u.Phone}
	}
	return "", nil
}

// isLeadHandler reports whether u works in the unit the ticket is assigned to.
func isLeadHandler(u auth.User, t Ticket) bool {
	return u.Role == auth.RoleHandler && u.OrgCode != "" && u.OrgCode == t.AssignedOrgCode
}

func isAreaDispatcher(u auth.User, t Ticket) bool {
	return u.Role == auth.RoleDispatcher && u.InArea(t.AreaCode)
}

// CanView reports whether u may read the ticket at all: the pages ask it
// before they lead someone to a ticket.
func CanView(u auth.User, t Ticket) bool { return canView(u, t) }

// canView reports whether u may read the ticket at all. The staff of an
// organisation under an agreement read none outside its scope (inGrant).
func canView(u auth.User, t Ticket) bool {
	if !inGrant(u, t) {
		return false
	}
	switch u.Role {
	case auth.RoleAdmin:
		return true
	case auth.RoleSupervisor, auth.RoleDispatcher, auth.RoleAgent, auth.RoleGridWorker:
		return u.InArea(t.AreaCode)
	case auth.RoleHandler:
		return isLeadHandler(u, t) || helperPart(u, t) != nil || summonedUnit(u, t)
	case auth.RoleResident:
		return isReporter(u, t) || isCoReporter(u, t)
	}
	return false
}

// seesReporter reports whether u may see the reporter's name and phone in
// full. Confidential reporters are shown only to the dispatcher and the lead
// handler, whose duty needs them; the reporter always sees her own.
func seesReporter(u auth.User, t Ticket) bool {
	if isReporter(u, t) {
		return true
	}
	if t.Confidential {
		return isAreaDispatcher(u, t) || isLeadHandler(u, t)
	}
	return u.Role.IsStaff() && canView(u, t)
}

func summonedUnit(u auth.User, t Ticket) bool {
	for _, sm := range t.Summons {
		if u.Role == auth.RoleHandler && sm.OrgCode == u.OrgCode {
			return true
		}
	}
	return false
}

func isAreaSupervisor(u auth.User, t Ticket) bool {
	return u.Role == auth.RoleSupervisor && u.InArea(t.AreaCode)
}

// recordsRatingByPhone reports whether u may record the reporter's rating as
// she gives it on a follow-up call (回访): the hotline agents and dispatchers
// of the ticket's area, who did not handle it. Nobody else rates for her —
// not the grid worker, the handling unit or the supervisor, whose own
// satisfaction figures the rating feeds.
func recordsRatingByPhone(u auth.User, t Ticket) bool {
	return (u.Role == auth.RoleAgent || u.Role == auth.RoleDispatcher) && u.InArea(t.AreaCode)
}

// Reply quality (insight/replyq) is advice to whoever writes or reads a
// reply, never an evaluation indicator: it is not stored, summed or ranked.
// These two rules decide who sees it; the pages and the API only map them.

// CanSeeReplyQuality reports whether u may see the advice on a reply already
// sent (an event of the timeline that carries one, IsReplyEvent): the
// administrator, the supervisors of the ticket's area, and the reply's own
// unit or writer. Not the dispatcher, the agent or another unit.
func CanSeeReplyQuality(u auth.User, t Ticket, e Event) bool {
	switch {
	case !IsReplyEvent(e.Action) || !canView(u, t):
		return false
	case u.Role == auth.RoleAdmin, isAreaSupervisor(u, t):
		return true
	case u.ID != "" && u.ID == e.actorID:
		return true
	}
	return u.Role == auth.RoleHandler && e.OrgCode != "" && u.OrgCode == e.OrgCode
}

// CanDraftReply reports whether u may ask advice on a draft reply to t: she
// may take, now, an action of t whose form takes a reply.
func CanDraftReply(u auth.User, t Ticket) bool {
	for _, a := range AvailableActions(u, t) {
		for _, f := range FormFields(a) {
			if f == "reply_text" {
				return true
			}
		}
	}
	return false
}

// The staff of an organisation outside the government act under its
// agreement (auth.Grant, filled in at authentication by the agreement
// capability): on tickets of its areas and categories only (inGrant, in
// canView and in lists, grantConds), and they read in full only the
// personal data it grants, in its data areas; every other field is masked
// as for anyone else (grantMask). The government's staff have no grant.

// inGrant reports whether t lies inside the scope of u's agreement, if
// she acts under one.
func inGrant(u auth.User, t Ticket) bool { return u.Grant.Covers(t.AreaCode, t.CategoryCode) }

// grantMask masks the fields of the reporter u's grant does not give her
// for t, and returns those she reads in full (auth.FieldPhone, FieldName,
// FieldAddress). Without a grant it changes nothing and returns nil.
func (s *Service) grantMask(u auth.User, t *Ticket) []string {
	g := u.Grant
	if g == nil {
		return nil
	}
	var shown []string
	if g.Shows(auth.FieldName, t.AreaCode) {
		shown = append(shown, auth.FieldName)
	} else {
		t.ReporterName, t.ReporterMasked = auth.MaskName(t.ReporterName), true
	}
	if g.Shows(auth.FieldPhone, t.AreaCode) {
		shown = append(shown, auth.FieldPhone)
	} else {
		t.ReporterPhone, t.ReporterMasked = auth.MaskPhone(t.ReporterPhone), true
		if t.ReporterIDLast4 != "" {
			t.ReporterIDLast4 = "****"
		}
	}
	if g.Shows(auth.FieldAddress, t.AreaCode) {
		shown = append(shown, auth.FieldAddress)
	} else {
		t.Address = privacy.Mask(t.Address)
		if t.Lat != nil && t.Lng != nil {
			lat, lng := s.publicPoint(*t.Lat, *t.Lng)
			t.Lat, t.Lng = &lat, &lng
		}
	}
	return shown
}

// grantConds limits a list to the scope of u's agreement, if she acts
// under one: its areas, and its categories when it names any.
func grantConds(qc *db.Conds, u auth.User, c listCols) {
	g := u.Grant
	if g == nil {
		return
	}
	any := func(col string, roots []string) {
		var ors []string
		var args []any
		for _, r := range roots {
			lo, hi := gov.UnderRange(r)
			ors = append(ors, "("+col+" >= ? AND "+col+" < ?)")
			args = append(args, lo, hi)
		}
		if len(ors) == 0 {
			qc.Add("1 = 0")
			return
		}
		qc.Add("("+strings.Join(ors, " OR ")+")", args...)
	}
	any(c.area, g.Areas)
	if len(g.Categories) > 0 {
		any("category_code", g.Categories)
	}
}
