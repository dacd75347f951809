package app

import "github.com/gongzhi/gongzhi/internal/trail"

// newTrail joins the capabilities' steps of their items into the
// responsibility trail, measured on the tickets' calendar.
func newTrail(a *App) *trail.Service {
	tr := trail.New(a.Tickets.Calendar(), a.Clock, trail.Names{Org: a.Gov.Org, User: a.Auth.User})
	tr.Add(trail.KindTicket, a.Tickets.TrailOf)
	tr.Add(trail.KindProposal, a.Proposals.TrailOf)
	tr.Add(trail.KindProject, a.Projects.TrailOf)
	tr.Add(trail.KindMediation, a.Mediation.TrailOf)
	tr.Add(trail.KindService, a.Services.TrailOf)
	return tr
}
