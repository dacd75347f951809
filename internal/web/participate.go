package web

import "net/http"

// The participation hub (参与议事): the home page's door leads here, and
// from here one step to each way a resident takes part. Each kind of item
// adds its entry to participateEntries.

type participateEntry struct {
	ID, Href, Title, Hint string // Title and Hint are message keys
}

var participateEntries = []participateEntry{
	{"part-proposals", "/proposals", "part.proposals", "part.proposals.hint"},
	{"part-notices", "/notices", "part.notices", "part.notices.hint"},
	{"part-projects", "/projects", "part.projects", "part.projects.hint"},
	{"part-meetings", "/meetings", "part.meetings", "part.meetings.hint"},
	{"part-services", "/services", "part.services", "part.services.hint"},
	{"part-volunteer", "/volunteer", "part.volunteer", "part.volunteer.hint"},
	{"part-mediation", "/mediation", "part.mediation", "part.mediation.hint"},
	{"part-surveys", "/surveys", "part.surveys", "part.surveys.hint"},
	{"part-votes", "/votes", "part.votes", "part.votes.hint"},
	{"part-elections", "/elections", "part.elections", "part.elections.hint"},
	{"part-moderation", "/participate/moderation", "part.moderation", "part.moderation.hint"},
}

func (s *Server) participate(w http.ResponseWriter, r *http.Request) {
	p := s.page(w, r, "part.title")
	p.Data = participateEntries
	s.render(w, r, http.StatusOK, "participate", p)
}
