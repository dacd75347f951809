package meeting

import (
	"github.com/gongzhi/gongzhi/internal/auth"
	"github.com/gongzhi/gongzhi/internal/disclosure"
	"github.com/gongzhi/gongzhi/internal/gov"
)

// Who may do what with rosters, meetings and tasks: the one place these
// rules live. Whether the user's organisation convenes meetings
// (convener) is read by the service from her organisation's kind and
// handed in; whether she lives in the meeting's area (resident) and whether
// her phone is on its roster (member) likewise.
//
//   - A meeting is convened and run — its roster kept, its notice sent,
//     the sign-in, minutes, resolutions, closing, publication and tasks —
//     by the administrator, and by the staff of a street office or of a
//     community or village committee whose area scope covers the
//     meeting's area (CanRun). The hotline's agents run none.
//   - A meeting in draft is read only by those who run it. Once noticed it
//     is read as its disclosure level says (disclosure.CanSee), and by
//     every representative on its roster whose phone is her account
//     (CanSee).
//   - Its record — minutes, resolutions with their counts, tasks — is
//     read by everyone who may read the meeting once it is published, and
//     by those who run it before (RecordVisible).
//   - The names and phones on a roster, and who signed in whom, are for
//     those who run the meeting; others see each member's kind, her
//     organisation and whether she came (MemberDetail).
//   - While a meeting is open a representative signs herself in, and
//     those who run it sign in any member for her: recorded as done on
//     her behalf (CanSignIn).
//   - A task is marked done by the staff of its owner organisation or by
//     those who run its meeting (CanFinishTask); an organisation's open
//     tasks are listed to its staff and the administrator (CanListTasks).

// convenerKinds are the organisations whose staff convene meetings.
var convenerKinds = map[gov.OrgKind]bool{
	gov.KindStreetOffice:       true,
	gov.KindCommunityCommittee: true,
	gov.KindVillageCommittee:   true,
}

// Convener reports whether u convenes meetings in her area scope, her
// organisation being of the kind.
func Convener(u auth.User, kind gov.OrgKind) bool {
	if u.IsAdmin() {
		return true
	}
	return u.Role.IsStaff() && u.Role != auth.RoleAgent && u.AreaCode != "" && convenerKinds[kind]
}

// CanRun reports whether u runs the meetings of the area; convener is
// Convener's answer for her.
func CanRun(u auth.User, convener bool, areaCode string) bool {
	if u.IsAdmin() {
		return true
	}
	return convener && areaCode != "" && u.InArea(areaCode)
}

// CanSee reports whether u may read m.
func CanSee(u auth.User, m Meeting, convener, resident, member bool) bool {
	if CanRun(u, convener, m.AreaCode) {
		return true
	}
	if m.Status == StatusDraft {
		return false
	}
	return member || disclosure.CanSee(u, m.item(), resident)
}

// RecordVisible reports whether a reader of m sees its record; runs is
// CanRun's answer for her.
func RecordVisible(m Meeting, runs bool) bool { return runs || m.Status == StatusPublished }

// MemberDetail reports whether a reader sees the names and phones of the
// roster and who signed in whom.
func MemberDetail(runs bool) bool { return runs }

// CanSignIn reports whether u may sign in the member whose phone is phone
// now: herself, or anyone when she runs the meeting (proxy).
func CanSignIn(u auth.User, m Meeting, runs bool, phone string) (ok, proxy bool) {
	if m.Status != StatusOpen {
		return false, false
	}
	if runs {
		return true, !isMember(u, phone)
	}
	return isMember(u, phone), false
}

// OffersSignIn reports whether u, reading m as the service returned it, is
// offered to sign herself in.
func OffersSignIn(u auth.User, m Meeting) bool {
	return u.Role == auth.RoleResident && m.Status == StatusOpen && m.MyMemberID != "" && !m.SignedIn
}

// CanFinishTask reports whether u may mark t done; runs is whether she runs
// its meeting.
func CanFinishTask(u auth.User, t Task, runs bool) bool {
	return runs || (u.Role.IsStaff() && u.OrgCode != "" && u.OrgCode == t.OwnerOrg)
}

// CanListTasks reports whether u may list the organisation's open tasks.
func CanListTasks(u auth.User, orgCode string) bool {
	return u.IsAdmin() || (u.Role.IsStaff() && orgCode != "" && u.OrgCode == orgCode)
}

// CanList reports whether u has meetings to list at all: everyone, guests
// the public ones.
func CanList(u auth.User) bool { return u.Role != auth.RoleAuditor }

func isMember(u auth.User, phone string) bool {
	return u.Role == auth.RoleResident && u.Phone != "" && u.Phone == phone
}
