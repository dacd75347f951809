package notice

import (
	"strings"

	"github.com/gongzhi/gongzhi/internal/auth"
	"github.com/gongzhi/gongzhi/internal/db"
	"github.com/gongzhi/gongzhi/internal/disclosure"
	"github.com/gongzhi/gongzhi/internal/gov"
)

// Who may do what with topics, announcements and disclosures: the one
// place these rules live. Residence (whether a resident lives in an area)
// is read by the service (disclosure.Resident) and handed in as `resident`.
//
//   - An item is published by staff whose area scope covers its area, for
//     their own organisation, which must sit in that area or above it; the
//     administrator publishes for any organisation (CanPublish).
//   - A draft is read by the publishing organisation's staff, its writer and
//     the administrator; a published item by whoever its disclosure level
//     lets read it (disclosure.CanSee, the SQL twin scopeCond).
//   - During the public-notice period a resident who may read the item
//     raises objections, at most MaxPerResident on one item; for an item
//     disclosed to the area's residents she must live there (CanObject).
//     Staff of the publishing organisation, or whose scope covers the
//     area, enter one on a resident's behalf, recorded as such
//     (CanObjectFor).
//   - The publishing organisation's staff and the administrator open the
//     periods, answer objections, finalise and withdraw (CanOpen,
//     CanAnswer, CanFinalise, CanWithdraw); they speak for the item in its
//     comments (Official).
//   - A village committee's disclosure schedule is read by its staff, and by
//     supervisors whose scope covers it and the administrator
//     (CanSeeSchedule); the administrator sets the rules (CanSetRules).

// CanPublish reports whether u may publish an item in the area for the
// organisation attached to orgArea.
func CanPublish(u auth.User, areaCode, orgArea string) bool {
	if u.IsAdmin() {
		return true
	}
	if !u.Role.IsStaff() || u.OrgCode == "" || areaCode == "" || !u.InArea(areaCode) {
		return false
	}
	return orgArea != "" && (strings.HasPrefix(areaCode, orgArea) || strings.HasPrefix(orgArea, areaCode))
}

// CanCreate reports whether u publishes anything at all, so the pages
// offer the form.
func CanCreate(u auth.User) bool {
	return u.IsAdmin() || (u.Role.IsStaff() && u.OrgCode != "" && u.AreaCode != "")
}

// ofPublisher reports whether u speaks for the publishing organisation.
func ofPublisher(u auth.User, n Notice) bool {
	return u.IsAdmin() || (u.Role.IsStaff() && u.OrgCode != "" && u.OrgCode == n.OrgCode)
}

func item(n Notice) disclosure.Item {
	return disclosure.Item{Level: n.Level, AreaCode: n.AreaCode, OrgCode: n.OrgCode, Owner: n.createdBy}
}

// CanSee reports whether u may read n.
func CanSee(u auth.User, n Notice, resident bool) bool {
	if n.Status == StatusDraft {
		return ofPublisher(u, n) || (u.ID != "" && u.ID == n.createdBy)
	}
	return disclosure.CanSee(u, item(n), resident)
}

// scopeCond adds who may see what to a list, the SQL twin of CanSee.
func scopeCond(c *db.Conds, u auth.User) {
	if u.IsAdmin() {
		return
	}
	disclosure.Cond(c, u, "n.level", "n.area_code", "n.org_code", "n.created_by")
	last := len(c.Where) - 1
	cond := `(n.status <> 'draft' AND ` + c.Where[last] + `)`
	if u.Role.IsStaff() && u.OrgCode != "" {
		cond += ` OR ` + c.Bind(`n.org_code = ?`, u.OrgCode)
	}
	if u.ID != "" {
		cond += ` OR ` + c.Bind(`n.created_by = ?`, u.ID)
	}
	c.Where[last] = `(` + cond + `)`
}

// CanObject reports whether u may raise an objection to n now (its period
// running is the service's check of the time).
func CanObject(u auth.User, n Notice, resident bool) bool {
	if u.Role != auth.RoleResident || u.Phone == "" || n.Status != StatusNoticing || !CanSee(u, n, resident) {
		return false
	}
	return n.Level != disclosure.Residents || resident
}

// OffersObjection reports whether u, reading n as the service returned it
// (Mine filled in for her), is offered the objection form: a resident who
// may read it, below her limit, while the period runs.
func OffersObjection(u auth.User, n Notice, open bool) bool {
	return open && u.Role == auth.RoleResident && u.Phone != "" && n.Status == StatusNoticing && n.Mine < MaxPerResident
}

// CanObjectFor reports whether u may enter an objection to n on a
// resident's behalf; residentMay says whether that resident may raise one
// herself (she reads n and, for a residents' item, lives in its area).
func CanObjectFor(u auth.User, n Notice, residentMay bool) bool {
	if !u.Role.IsStaff() || n.Status != StatusNoticing || !residentMay {
		return false
	}
	return ofPublisher(u, n) || u.InArea(n.AreaCode)
}

// OffersObjectionFor reports whether staff u are offered the form that
// enters an objection to n on a resident's behalf while its period runs
// (open); the resident's own right is checked when her phone is given.
func OffersObjectionFor(u auth.User, n Notice, open bool) bool {
	return open && (n.Level == disclosure.Public || n.Level == disclosure.Residents) && CanObjectFor(u, n, true)
}

// residentMay reports whether a resident, living in n's area or not, may
// raise an objection to n: the rule of CanObject for one who is not
// logged in (her phone given by staff).
func residentMay(n Notice, resident bool) bool {
	switch n.Level {
	case disclosure.Public:
		return true
	case disclosure.Residents:
		return resident
	}
	return false
}

// CanEdit reports whether u may change n: a draft, by its publisher.
func CanEdit(u auth.User, n Notice) bool { return ofPublisher(u, n) && n.Status == StatusDraft }

// CanOpen reports whether u may open n's next period: publish a draft, or
// put a topic's resulting decision up for public notice.
func CanOpen(u auth.User, n Notice) bool {
	return ofPublisher(u, n) && (n.Status == StatusDraft || (n.Kind == KindTopic && n.Status == StatusCommenting))
}

// CanAnswer reports whether u may answer n's objections now.
func CanAnswer(u auth.User, n Notice) bool {
	return ofPublisher(u, n) && (n.Status == StatusNoticing || n.Status == StatusAnswering)
}

// CanFinalise reports whether u may make n final (its periods having
// ended and its objections answered are the service's checks).
func CanFinalise(u auth.User, n Notice) bool {
	return ofPublisher(u, n) && (n.Status == StatusCommenting || n.Status == StatusNoticing || n.Status == StatusAnswering)
}

// CanWithdraw reports whether u may withdraw n.
func CanWithdraw(u auth.User, n Notice) bool {
	return ofPublisher(u, n) && n.Status != StatusFinal && n.Status != StatusWithdrawn
}

// Official reports whether u speaks for n's publishing organisation in its
// comments.
func Official(u auth.User, n Notice) bool {
	return u.Role.IsStaff() && u.OrgCode != "" && u.OrgCode == n.OrgCode
}

// SummaryRequired reports whether finalising n needs the summary of what
// was heard and what changed: a topic always (its comments are kept
// elsewhere), any item once objections were raised.
func SummaryRequired(n Notice) bool { return n.Kind == KindTopic || n.Objections > 0 }

// CanSeeSchedule reports whether u reads the disclosure schedule of the
// village committee org.
func CanSeeSchedule(u auth.User, org gov.Org) bool {
	if u.IsAdmin() {
		return true
	}
	if !u.Role.IsStaff() {
		return false
	}
	return u.OrgCode == org.Code || (u.Role == auth.RoleSupervisor && u.InArea(org.AreaCode))
}

// CanListSchedules reports whether u has schedules to read at all.
func CanListSchedules(u auth.User) bool { return u.Role.IsStaff() }

// CanSetRules reports whether u sets the disclosure schedules' rules.
func CanSetRules(u auth.User) bool { return u.IsAdmin() }
