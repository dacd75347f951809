package web

import (
	"context"
	"net/http"

	"github.com/gongzhi/gongzhi/internal/insight"
	"github.com/gongzhi/gongzhi/internal/ticket"
)

// RouteItem is a category or unit the router suggests, for console.js.
type RouteItem struct {
	Code       string  `json:"code"`
	Name       string  `json:"name"`
	Path       string  `json:"path,omitempty"`
	Percent    int     `json:"percent"`
	Confidence float64 `json:"confidence"`
}

// RouteAnswer is the console's JSON of /staff/console/route.
type RouteAnswer struct {
	ModelVersion int64       `json:"model_version"`
	Categories   []RouteItem `json:"categories"`
	Units        []RouteItem `json:"units"`
}

// consoleRoute answers the console's and the grid patrol's scripts with the
// router's suggestions for the words typed so far, in the community or
// street chosen. Any member of staff may ask (the router's CanRoute).
func (s *Server) consoleRoute(w http.ResponseWriter, r *http.Request) {
	u := s.staffJSONUser(w, r, true)
	if u == nil {
		return
	}
	if s.Insight == nil {
		writeJSON(w, http.StatusOK, RouteAnswer{Categories: []RouteItem{}, Units: []RouteItem{}})
		return
	}
	q := r.URL.Query()
	rt, err := s.Insight.Route(r.Context(), *u, q.Get("text"), q.Get("area"))
	if err != nil {
		s.writeJSONError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, s.routeAnswer(r.Context(), state(r).lang, rt))
}

// routeAnswer names the router's codes for people.
func (s *Server) routeAnswer(ctx context.Context, lang string, rt insight.Routing) RouteAnswer {
	out := RouteAnswer{ModelVersion: rt.ModelVersion, Categories: []RouteItem{}, Units: []RouteItem{}}
	cats, _ := s.Tickets.Categories(ctx)
	byCode := map[string]ticket.Category{}
	for _, c := range cats {
		byCode[c.Code] = c
	}
	for _, c := range rt.Categories {
		cat, ok := byCode[c.Code]
		if !ok {
			continue
		}
		out.Categories = append(out.Categories, RouteItem{Code: c.Code, Name: catName(lang, cat), Path: ticket.CategoryPath(byCode, cat),
			Percent: percent(c.Confidence), Confidence: c.Confidence})
	}
	for _, x := range rt.Units {
		name := x.OrgCode
		if o, err := s.Gov.Org(ctx, x.OrgCode); err == nil {
			name = o.Name
		}
		out.Units = append(out.Units, RouteItem{Code: x.OrgCode, Name: name, Percent: percent(x.Confidence), Confidence: x.Confidence})
	}
	return out
}

func percent(x float64) int { return int(x*100 + 0.5) }
