package web

import (
	"net/http"

	"github.com/gongzhi/gongzhi/internal/auth"
	"github.com/gongzhi/gongzhi/internal/citylink"
	"github.com/gongzhi/gongzhi/internal/errs"
)

// The administrator's page of linked 12345 platforms (package citylink):
// the platforms registered, upper and lower, and the log of what was sent
// to them, of one platform when one is chosen. Registering is done through
// the API (POST /api/v1/citylink/platforms), whose answer shows the key
// once; who may read this page is the capability's.

func (s *Server) citylinkRoutes(h route) {
	h("GET /staff/citylink", s.staffCitylink)
}

// StaffCitylinkData is the page.
type StaffCitylinkData struct {
	Platforms  []citylink.Platform
	Deliveries []citylink.Delivery
	Platform   string // the one whose log is shown; "" for all
	Endpoint   string // where the platforms call us
}

var errNoCitylinkPage = errs.New(errs.Unavailable, "平台对接未启用", "linked platforms are not available")

func canCitylink(u *auth.User) bool { return u != nil && citylink.CanManage(*u) }

func (s *Server) staffCitylink(w http.ResponseWriter, r *http.Request) {
	u := s.staff(w, r)
	if u == nil {
		return
	}
	if s.Citylink == nil {
		s.fail(w, r, errNoCitylinkPage)
		return
	}
	ctx := r.Context()
	ps, err := s.Citylink.List(ctx, *u)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	chosen := r.URL.Query().Get("platform")
	ds, err := s.Citylink.Deliveries(ctx, *u, chosen, citylink.DefaultLogLimit)
	if errs.Is(err, errs.NotFound) {
		chosen = ""
		ds, err = s.Citylink.Deliveries(ctx, *u, "", citylink.DefaultLogLimit)
	}
	if err != nil {
		s.fail(w, r, err)
		return
	}
	p := s.page(w, r, "cl.title")
	p.Data = &StaffCitylinkData{Platforms: ps, Deliveries: ds, Platform: chosen, Endpoint: "/open311/v2/citylink/{id}"}
	s.render(w, r, http.StatusOK, "citylink_staff", p)
}
