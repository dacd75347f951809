package survey

import (
	"github.com/gongzhi/gongzhi/internal/auth"
	"github.com/gongzhi/gongzhi/internal/db"
	"github.com/gongzhi/gongzhi/internal/disclosure"
	"github.com/gongzhi/gongzhi/internal/gov"
)

// Who may do what with a survey: the one place these rules live. Whether a
// resident lives in the survey's area is read by the service
// (disclosure.Resident) and handed in as `resident`.
//
//   - Staff whose area scope covers the area, and the administrator, create
//     a survey there (its organisation is the creator's) and run it: edit
//     its questions while it is a draft, open and close it, record a
//     resident's paper or phone answer, read every answer, free text
//     included, and export the responses (CanCreate, CanManage).
//   - A draft is read by those who run it; once opened a survey is read by
//     whoever its disclosure level lets read it (CanSee, and its SQL twin
//     scopeCond for lists).
//   - A survey of residents (level public or residents) is answered by
//     residents: any resident's account when public, a resident of its area
//     when residents-only; the staff who run it record answers for residents
//     (CanRecord). A survey of staff (members or internal) is answered by
//     those who may read it, each account for herself (CanAnswer).
//   - Everyone answers once: the respondent is her phone (a resident) or
//     her account (staff).
//   - The results are read by those who run the survey at any time; by its
//     other readers once it is closed, or while it is open when it says so
//     (LiveResults) and they have answered or may not answer. Free-text
//     answers are read only by those who run it (CanSeeTexts): they may
//     hold personal data.

// CanCreate reports whether u may create a survey of the area.
func CanCreate(u auth.User, areaCode string) bool {
	return u.Role.IsStaff() && areaCode != "" && u.InArea(areaCode)
}

// CanManage reports whether u runs the survey.
func CanManage(u auth.User, v Survey) bool { return CanCreate(u, v.AreaCode) }

// CanList reports whether u has surveys to list at all.
func CanList(u auth.User) bool {
	return (u.Role == auth.RoleResident && u.Phone != "") || u.Role.IsStaff()
}

// CanSee reports whether u may read the survey.
func CanSee(u auth.User, v Survey, resident bool) bool {
	if CanManage(u, v) {
		return true
	}
	return v.Status != StatusDraft && disclosure.CanSee(u, v.item(), resident)
}

// ofResidents reports whether the survey asks residents.
func ofResidents(v Survey) bool {
	return v.Level == disclosure.Public || v.Level == disclosure.Residents
}

// CanAnswer reports whether u may answer the open survey herself (once:
// the service refuses a second response).
func CanAnswer(u auth.User, v Survey, resident bool) bool {
	if v.Status != StatusOpen {
		return false
	}
	if ofResidents(v) {
		return u.Role == auth.RoleResident && u.Phone != "" && (v.Level == disclosure.Public || resident)
	}
	return u.Role.IsStaff() && disclosure.CanSee(u, v.item(), false)
}

// CanRecord reports whether u may record a resident's answer to the survey
// from paper or the phone.
func CanRecord(u auth.User, v Survey) bool {
	return v.Status == StatusOpen && ofResidents(v) && CanManage(u, v)
}

// CanSeeResults reports whether u may read the survey's results now;
// answered tells whether she has answered it.
func CanSeeResults(u auth.User, v Survey, resident, answered bool) bool {
	switch {
	case CanManage(u, v):
		return true
	case !CanSee(u, v, resident):
		return false
	case v.Status == StatusClosed:
		return true
	}
	return v.Status == StatusOpen && v.LiveResults && (answered || !CanAnswer(u, v, resident))
}

// CanSeeTexts reports whether u may read the free-text answers and every
// response.
func CanSeeTexts(u auth.User, v Survey) bool { return CanManage(u, v) }

// respondent is who u answers as: her phone (a resident) or her account.
func respondent(u auth.User) string {
	if u.Role == auth.RoleResident {
		return u.Phone
	}
	return "u:" + u.ID
}

// scopeCond adds the SQL twin of CanSee for lists of surveys (alias s).
func scopeCond(c *db.Conds, u auth.User) {
	if u.IsAdmin() {
		return
	}
	disclosure.Cond(c, u, "s.level", "s.area_code", "s.org_code", "s.created_by")
	seen := c.Where[len(c.Where)-1]
	c.Where = c.Where[:len(c.Where)-1]
	cond := "(s.status <> 'draft' AND " + seen + ")"
	if u.Role.IsStaff() && u.AreaCode != "" {
		lo, hi := gov.UnderRange(u.AreaCode)
		cond += " OR " + c.Bind("(s.area_code >= ? AND s.area_code < ?)", lo, hi)
	}
	c.Where = append(c.Where, "("+cond+")")
}

// OffersCreate reports whether the pages offer u the form that creates a
// survey: the administrator, and staff who may create one in their area.
func OffersCreate(u auth.User) bool { return u.IsAdmin() || CanCreate(u, u.AreaCode) }
