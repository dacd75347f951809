package web

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/gongzhi/gongzhi/internal/auth"
	"github.com/gongzhi/gongzhi/internal/ticket"
)

// NearbyData is the page of requests near a place.
type NearbyData struct {
	HasPoint bool
	Lat, Lng string
	Place    PlaceAnswer
	// ImageMap is the small map as an image button: a click sends its
	// pixel, which Z, X0 and Y0 turn back into a place (no JavaScript).
	ImageMap   string
	Z          string
	X0, Y0     string
	NoMap      bool // the district has no boundaries nor known places yet
	Items      []NearbyItem
	Joined     string // the request the resident has just joined
	Already    string // the request she already followed
	Back       string // this page, to come back to after 我也遇到
	CanJoin    bool   // not staff: residents and guests are offered 我也遇到
	LoginFirst bool   // a guest, who logs in with her phone first
}

func fmtCoord(x float64) string { return strconv.FormatFloat(x, 'f', 6, 64) }

// clickedPoint turns the pixel of a click on the image map back into a place.
func clickedPoint(q url.Values) (lat, lng float64, ok bool) {
	px, err1 := strconv.ParseFloat(q.Get("map.x"), 64)
	py, err2 := strconv.ParseFloat(q.Get("map.y"), 64)
	z, err3 := strconv.ParseFloat(q.Get("z"), 64)
	x0, err4 := strconv.ParseFloat(q.Get("x0"), 64)
	y0, err5 := strconv.ParseFloat(q.Get("y0"), 64)
	if err1 != nil || err2 != nil || err3 != nil || err4 != nil || err5 != nil || !(z >= 1 && z <= 18) || px < 0 || py < 0 || px > 2000 || py > 2000 {
		return 0, 0, false
	}
	lat, lng = view{z: z, x0: x0, y0: y0}.latLng(px, py)
	return lat, lng, ticket.ValidPoint(lat, lng)
}

func (s *Server) nearbyPage(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	if lat, lng, ok := clickedPoint(q); ok {
		redirect(w, r, "/nearby?lat="+fmtCoord(lat)+"&lng="+fmtCoord(lng))
		return
	}
	p := s.page(w, r, "nearby.title")
	lat, lng, pin, l, err := s.pointAndLayers(r, q)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	d := &NearbyData{HasPoint: pin, CanJoin: p.User == nil || p.User.Role == auth.RoleResident, LoginFirst: p.User == nil,
		Joined: numberParam(q.Get("joined")), Already: numberParam(q.Get("already"))}
	v := mapView(l, lat, lng, pin, true, 320)
	if v == nil {
		d.NoMap = true
	} else {
		d.Z, d.X0, d.Y0 = strconv.FormatFloat(v.z, 'f', 4, 64), strconv.FormatFloat(v.x0, 'f', 3, 64), strconv.FormatFloat(v.y0, 'f', 3, 64)
		d.ImageMap = "/place/map.svg?w=s"
	}
	if pin {
		d.Lat, d.Lng = fmtCoord(lat), fmtCoord(lng)
		d.Back = "/nearby?lat=" + d.Lat + "&lng=" + d.Lng
		d.ImageMap = "/place/map.svg?w=s&near=1&lat=" + d.Lat + "&lng=" + d.Lng
		place, err := s.Tickets.ResolvePlace(r.Context(), lat, lng)
		if err != nil {
			s.fail(w, r, err)
			return
		}
		d.Place = answerOf(place)
		list, err := s.Tickets.Nearby(r.Context(), p.User, lat, lng, nearbyMetres, 20)
		if err == nil {
			d.Items, err = s.nearbyItems(r.Context(), p.Lang, list)
		}
		if err != nil {
			s.fail(w, r, err)
			return
		}
	}
	p.Data = d
	s.render(w, r, http.StatusOK, "nearby", p)
}

func numberParam(n string) string {
	if ticket.ValidNumber(n) {
		return n
	}
	return ""
}

// meToo adds the resident to the request as a co-reporter (我也遇到) and
// takes her back to the page she came from; a guest logs in first.
func (s *Server) meToo(w http.ResponseWriter, r *http.Request) {
	number := r.PathValue("number")
	back := backPath(r, "back", "/nearby")
	if !strings.HasPrefix(back, "/nearby") {
		back = "/nearby"
	}
	u := s.user(r)
	if u == nil {
		redirect(w, r, "/login?next="+url.QueryEscape(back))
		return
	}
	added, err := s.Tickets.MeToo(r.Context(), *u, number)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	key := "already"
	if added {
		key = "joined"
	}
	sep := "?"
	if strings.Contains(back, "?") {
		sep = "&"
	}
	redirect(w, r, back+sep+key+"="+url.QueryEscape(number))
}
