package kb

import (
	"github.com/gongzhi/gongzhi/internal/auth"
)

// Who may do what with the knowledge base, its guides and the online
// applications: the one place these rules live.
//
//   - The articles are written, replaced and deleted by the administrator
//     (CanEdit); every staff member reads them all, stale ones flagged
//     (CanReadAll), as the hotline console does.
//   - An article reaches residents, logged in or not, only while it is
//     active, marked public and current: a public article needs a review
//     date, and once that date has passed it is stale and hidden from
//     residents altogether (search, guide pages, the API) until staff
//     review it and set a new date (Published). Stale answers are never
//     shown as current, and hiding them rather than marking them keeps a
//     resident from acting on an outdated fee or place.
//   - An online application is made by a resident with a verified phone,
//     under a published guide that takes applications (CanApply); she reads
//     and completes her own (isApplicant).
//   - Applications are reviewed (approve, return for more, refuse) by the
//     administrator and by the staff whose area scope covers the
//     application's community, other than the hotline's agents and the grid
//     workers (CanReview); the ticket it made follows the ticket's own rules.

// CanEdit reports whether u writes the knowledge base.
func CanEdit(u auth.User) bool { return u.IsAdmin() }

// CanReadAll reports whether u reads every article, stale and unpublished
// ones too.
func CanReadAll(u auth.User) bool { return u.Role.IsStaff() }

// Published reports whether residents see the article on today (YYYY-MM-DD).
func Published(a Article, today string) bool {
	return a.Active && a.Public && a.ReviewBy != "" && !Stale(a, today)
}

// Stale reports whether the article's review date has passed on today.
func Stale(a Article, today string) bool { return a.ReviewBy != "" && a.ReviewBy < today }

// CanApply reports whether u may apply online under the article on today.
func CanApply(u auth.User, a Article, today string) bool {
	return u.Role == auth.RoleResident && u.Phone != "" && Published(a, today) && a.Guide.ApplyCategory != ""
}

// isApplicant reports whether u made the application.
func isApplicant(u auth.User, app Application) bool {
	return u.Role == auth.RoleResident && u.Phone != "" && (u.ID == app.userID || u.Phone == app.phone)
}

// CanReview reports whether u reviews applications of the community.
func CanReview(u auth.User, areaCode string) bool {
	if u.IsAdmin() {
		return true
	}
	switch u.Role {
	case auth.RoleAgent, auth.RoleGridWorker:
		return false
	}
	return u.Role.IsStaff() && u.AreaCode != "" && areaCode != "" && u.InArea(areaCode)
}

// CanReadFigures reports whether u reads the figures of answers given
// without a ticket.
func CanReadFigures(u auth.User) bool { return u.Role.IsStaff() }
