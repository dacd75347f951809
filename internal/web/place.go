package web

import (
	"context"
	"math"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/gongzhi/gongzhi/internal/auth"
	"github.com/gongzhi/gongzhi/internal/errs"
	"github.com/gongzhi/gongzhi/internal/limit"
	"github.com/gongzhi/gongzhi/internal/ticket"
)

// The place of a request: the map to drop a pin on, the street and
// community a pin lies in, the requests near it, and 我也遇到.

// nearbyMetres is the radius of the nearby list and the half-width of its map.
const nearbyMetres = 500

// placeRoutes adds the place pages and look-ups.
func (s *Server) placeRoutes(h func(string, http.HandlerFunc)) {
	h("GET /place/resolve", s.placeResolve)
	h("GET /place/map.svg", s.placeMap)
	h("GET /nearby", s.nearbyPage)
	h("GET /nearby.json", s.nearbyJSON)
	h("POST /tickets/{number}/metoo", s.meToo)
}

// placeLimit bounds the map and place look-ups of one client address.
func (s *Server) placeLimit(r *http.Request) error {
	if s.placeIP == nil {
		return nil
	}
	return limit.Check(s.placeIP, limit.ClientIP(r))
}

// point reads lat and lng from the query: ok false when both are absent.
func point(q url.Values) (lat, lng float64, ok bool, err error) {
	if q.Get("lat") == "" && q.Get("lng") == "" {
		return 0, 0, false, nil
	}
	la, err1 := strconv.ParseFloat(strings.TrimSpace(q.Get("lat")), 64)
	ln, err2 := strconv.ParseFloat(strings.TrimSpace(q.Get("lng")), 64)
	if err1 != nil || err2 != nil || !ticket.ValidPoint(la, ln) {
		return 0, 0, false, errs.Invalidf("经纬度不正确：纬度须在-90到90之间，经度须在-180到180之间", "bad lat or lng: latitude -90 to 90, longitude -180 to 180")
	}
	return la, ln, true, nil
}

// PlaceAnswer is what /place/resolve answers: the street and community of
// the point, and their names joined for the status line.
type PlaceAnswer struct {
	Street        string `json:"street"`
	StreetName    string `json:"street_name"`
	Community     string `json:"community"`
	CommunityName string `json:"community_name"`
	Names         string `json:"names"`
	By            string `json:"by"`
}

func answerOf(p ticket.Place) PlaceAnswer {
	var a PlaceAnswer
	var names []string
	if p.District != nil {
		names = append(names, p.District.Name)
	}
	if p.Street != nil {
		a.Street, a.StreetName = p.Street.Code, p.Street.Name
		names = append(names, p.Street.Name)
	}
	if p.Community != nil {
		a.Community, a.CommunityName = p.Community.Code, p.Community.Name
		names = append(names, p.Community.Name)
	}
	a.Names, a.By = strings.Join(names, " "), p.By
	return a
}

func (s *Server) placeResolve(w http.ResponseWriter, r *http.Request) {
	lat, lng, ok, err := point(r.URL.Query())
	if err == nil && !ok {
		err = errs.Invalidf("请提供经纬度 lat 和 lng", "lat and lng are required")
	}
	if err == nil {
		err = s.placeLimit(r)
	}
	var p ticket.Place
	if err == nil {
		p, err = s.Tickets.ResolvePlace(r.Context(), lat, lng)
	}
	if err != nil {
		errs.SetRetryAfter(w.Header(), err)
		s.writeJSONError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, answerOf(p))
}

// mapView is the view of a map: around the pin when near is asked for and
// a pin is given, else the whole district; nil when there is nothing to draw.
func mapView(l *mapLayers, lat, lng float64, pin, near bool, maxW float64) *view {
	var v view
	switch {
	case pin && (near || l.empty()):
		v = fit(aroundBox(lat, lng, nearbyMetres*1.1), maxW)
	case l.empty():
		return nil
	default:
		v = fit(l.box, maxW)
	}
	return &v
}

// pointAndLayers reads the point a map query names (pin is false when it
// names none) and the district's map layers, within the place limit.
func (s *Server) pointAndLayers(r *http.Request, q url.Values) (lat, lng float64, pin bool, l *mapLayers, err error) {
	if lat, lng, pin, err = point(q); err != nil {
		return
	}
	if err = s.placeLimit(r); err != nil {
		return
	}
	l, err = s.mapLayers(r.Context())
	return
}

// placeMap answers the map as an SVG image: the district, or with near=1
// the place around the pin and the requests near it; w=s draws it small
// enough to be clicked without scaling (the form without JavaScript).
func (s *Server) placeMap(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	lat, lng, pin, l, err := s.pointAndLayers(r, q)
	if err != nil {
		errs.SetRetryAfter(w.Header(), err)
		http.Error(w, errs.As(err).MsgEn, statusOf(errs.As(err)))
		return
	}
	maxW := 640.0
	if w, err := strconv.Atoi(q.Get("w")); err == nil && w >= 200 && w <= 1000 {
		maxW = float64(w) // the width the page has for it, so that its words stay readable
	} else if q.Get("w") == "s" {
		maxW = 320
	}
	v := mapView(l, lat, lng, pin, q.Get("near") == "1", maxW)
	if v == nil {
		v = &view{z: 1, w: 340, h: 120}
	}
	spec := mapSpec{v: *v, label: tr(state(r).lang, "place.map"), tiles: true, lang: state(r).lang}
	if pin {
		spec.pin = &[2]float64{lat, lng}
		if q.Get("near") == "1" {
			spec.ring = nearbyMetres
			if spec.dots, err = s.nearbyDots(r.Context(), nil, lat, lng); err != nil {
				http.Error(w, errs.As(err).MsgEn, statusOf(errs.As(err)))
				return
			}
		}
	}
	w.Header().Set("Content-Type", "image/svg+xml")
	w.Header().Set("Cache-Control", "public, max-age=60")
	w.Write([]byte(s.drawMap(l, spec)))
}

// nearbyDots are the requests near the point, numbered as in the list.
func (s *Server) nearbyDots(ctx context.Context, u *auth.User, lat, lng float64) ([]mapDot, error) {
	list, err := s.Tickets.Nearby(ctx, u, lat, lng, nearbyMetres, 20)
	if err != nil {
		return nil, err
	}
	return dotsOf(list), nil
}

func dotsOf(list []ticket.NearbyTicket) []mapDot {
	dots := make([]mapDot, 0, len(list))
	for i, n := range list {
		dots = append(dots, mapDot{lat: *n.Ticket.Lat, lng: *n.Ticket.Lng, label: strconv.Itoa(i + 1), title: shortText(n.Ticket.Description, 30)})
	}
	return dots
}

func shortText(s string, n int) string {
	if r := []rune(s); len(r) > n {
		return string(r[:n]) + "…"
	}
	return s
}

// NearbyItem is one request of the nearby list, in the page's words.
type NearbyItem struct {
	N           int     `json:"n"`
	Number      string  `json:"number"`
	Category    string  `json:"category"`
	Description string  `json:"description"`
	Status      string  `json:"status"`
	StatusKey   string  `json:"status_key"`
	DistanceM   int     `json:"distance_m"`
	CoReporters int     `json:"co_reporters"`
	Joinable    bool    `json:"joinable"`
	Following   bool    `json:"following"`
	Lat         float64 `json:"lat"`
	Lng         float64 `json:"lng"`
}

func (s *Server) nearbyItems(ctx context.Context, lang string, list []ticket.NearbyTicket) ([]NearbyItem, error) {
	_, cats, err := s.categoryGroups(ctx, lang)
	if err != nil {
		return nil, err
	}
	out := make([]NearbyItem, 0, len(list))
	for i, n := range list {
		t := n.Ticket
		out = append(out, NearbyItem{N: i + 1, Number: t.Number, Category: cats[t.CategoryCode], Description: shortText(t.Description, 80),
			Status: tr(lang, "rstatus."+string(t.Status)), StatusKey: string(t.Status), DistanceM: int(math.Round(n.DistanceM)),
			CoReporters: n.CoReporters, Joinable: n.Joinable, Following: n.Following, Lat: *t.Lat, Lng: *t.Lng})
	}
	return out, nil
}

func (s *Server) nearbyJSON(w http.ResponseWriter, r *http.Request) {
	lat, lng, ok, err := point(r.URL.Query())
	if err == nil && !ok {
		err = errs.Invalidf("请提供经纬度 lat 和 lng", "lat and lng are required")
	}
	if err == nil {
		err = s.placeLimit(r)
	}
	var list []ticket.NearbyTicket
	if err == nil {
		list, err = s.Tickets.Nearby(r.Context(), s.user(r), lat, lng, nearbyMetres, 10)
	}
	var items []NearbyItem
	if err == nil {
		items, err = s.nearbyItems(r.Context(), state(r).lang, list)
	}
	if err != nil {
		errs.SetRetryAfter(w.Header(), err)
		s.writeJSONError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"items": items})
}

// formPoint reads the pin of a form (lat and lng, hidden fields of the
// place picker): nil when absent; a malformed one is passed on as NaN, which
// the ticket service refuses with its own message.
func formPoint(f url.Values) (lat, lng *float64) {
	a, b := strings.TrimSpace(f.Get("lat")), strings.TrimSpace(f.Get("lng"))
	if a == "" && b == "" {
		return nil, nil
	}
	read := func(v string) *float64 {
		x, err := strconv.ParseFloat(v, 64)
		if err != nil {
			x = math.NaN()
		}
		return &x
	}
	return read(a), read(b)
}
