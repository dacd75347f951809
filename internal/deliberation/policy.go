package deliberation

import (
	"github.com/gongzhi/gongzhi/internal/auth"
	"github.com/gongzhi/gongzhi/internal/db"
	"github.com/gongzhi/gongzhi/internal/disclosure"
	"github.com/gongzhi/gongzhi/internal/gov"
)

// Who may do what with comments: the one place these rules live. Who may
// read an item, and so its comments, is the item's capability's (its
// Resolver); whether a resident lives in the item's area is read by the
// service (disclosure.Resident) and handed in as `resident`.
//
//   - Comments are read by whoever may read the item. A pending comment
//     shows to its author (marked 待审核) and to the moderators only; a
//     hidden one shows to everyone as hidden, with its reason, its text to
//     its author and the moderators only.
//   - A resident comments on an item that takes comments (Target.Open) when
//     she lives in its area, or on any public item she may read
//     (CanComment). Guests do not comment.
//   - Staff speak only for their unit: when the item's capability says the
//     user speaks for its responsible unit (Target.Official: its staff, or
//     the administrator), her comments and replies are official replies
//     (官方答复). Other staff do not comment.
//   - A top-level comment of a resident takes a position; replies and
//     official replies take none. Replies go MaxDepth levels deep.
//   - Anyone logged in who may read a published comment reports it, once,
//     unless it is her own (CanReport).
//   - A moderator is the administrator, or staff whose area scope covers
//     the item's area (CanModerate). She publishes what is held or was
//     reported, or hides it with a reason.
//   - The district reviews first (ModePre, the default) or afterwards
//     (ModePost); the administrator sets it (CanSetMode). Under review
//     first, a comment on a public item is held until a moderator publishes
//     it; comments on items not public, and official replies, show at once
//     (Held).

// CanComment reports whether u may comment on t.
func CanComment(u auth.User, t Target, resident bool) bool {
	if !t.Open || u.ID == "" {
		return false
	}
	if t.Official {
		return u.Role.IsStaff()
	}
	return u.Role == auth.RoleResident && u.Phone != "" && (resident || t.Level == disclosure.Public)
}

// Offered reports whether u is offered to comment on t at all, before her
// residence is known: pages use it to show the form only to those who may.
func Offered(u auth.User, t Target) bool {
	return t.Open && u.ID != "" && (t.Official || u.Role == auth.RoleResident)
}

// CanModerate reports whether u moderates comments on t.
func CanModerate(u auth.User, t Target) bool {
	return u.IsAdmin() || (u.Role.IsStaff() && u.AreaCode != "" && t.AreaCode != "" && u.InArea(t.AreaCode))
}

// CanSeeQueue reports whether u moderates anywhere, so the pages offer the
// moderation queue.
func CanSeeQueue(u auth.User) bool {
	return u.IsAdmin() || (u.Role.IsStaff() && u.AreaCode != "")
}

// CanReport reports whether u may report the comment c (read as her).
func CanReport(u auth.User, c Comment) bool {
	return u.ID != "" && c.Status == StatusPublished && !c.Mine
}

// CanSetMode reports whether u sets the district's review mode.
func CanSetMode(u auth.User) bool { return u.IsAdmin() }

// Held reports whether a comment on t is held for review under the mode.
func Held(mode Mode, t Target) bool {
	return mode == ModePre && t.Level == disclosure.Public && !t.Official
}

// seesPending reports whether u, reading comments on t, sees those held and
// the text of those hidden: their author, and the moderators.
func seesPending(u auth.User, t Target, c Comment) bool {
	return c.Mine || CanModerate(u, t)
}

// queueCond adds the SQL twin of CanModerate for the moderation queue: the
// comments' stored area within u's scope. The area of an item can move (an
// escalated proposal); the queue's rows are checked again with CanModerate.
func queueCond(c *db.Conds, u auth.User) {
	if u.IsAdmin() {
		return
	}
	lo, hi := gov.UnderRange(u.AreaCode)
	c.Add(`c.area_code >= ? AND c.area_code < ?`, lo, hi)
}
