package web

import (
	"html/template"
	"net/http"
	"net/url"
	"strconv"

	"github.com/gongzhi/gongzhi/internal/auth"
	"github.com/gongzhi/gongzhi/internal/errs"
	"github.com/gongzhi/gongzhi/internal/gov"
	"github.com/gongzhi/gongzhi/internal/service"
)

// The neighbourhood service circle (邻里服务) for residents: the services
// near her community by category, one service with its slots and the form
// that books it, and her request with what she may do next (cancel,
// confirm it done, rate, complain). The staff's pages are
// services_staff.go. Who may see and do what is the service capability's;
// these pages only lay it out.

// serviceRoutes are the service circle's pages, the residents' and the staff's.
func (s *Server) serviceRoutes(h route) {
	h("GET /services", s.serviceList)
	h("GET /services/offers/{id}", s.serviceOffer)
	h("POST /services/offers/{id}/book", s.serviceBook)
	h("GET /services/requests/{number}", s.serviceRequest)
	// cancel, complete, rate, complain
	h("POST /services/requests/{number}/{action}", s.serviceRequestAct)
	h("GET /staff/services", s.staffServices)
	// provider, qualification, offer, slot, book
	h("POST /staff/services/{action}", s.staffServicesAct)
	h("GET /staff/services/requests/{number}", s.staffServiceRequest)
	// confirm, decline, complete
	h("POST /staff/services/requests/{number}/{action}", s.staffServiceRequestAct)
}

// ServiceListData is the residents' directory.
type ServiceListData struct {
	Homes      []gov.Area
	Area       string
	Category   service.Category
	Categories []service.Category
	Near       service.Near
	Mine       []service.Request
	NoHome     bool
	// Map is the district's map of the services near her; Nums numbers
	// those on it by their ID, as the list does.
	Map  template.HTML
	Nums map[string]int
}

// ServiceOfferData is one service with its slots.
type ServiceOfferData struct {
	O service.Offer
}

// ServiceRequestData is a resident's request.
type ServiceRequestData struct {
	R           service.Request
	CanCancel   bool
	CanComplete bool
	CanRate     bool
	CanComplain bool
	Stars       []int
}

var errNoServices = errs.New(errs.Unavailable, "邻里服务未启用", "services are not available")

// serviceResident is the logged-in resident of the service pages; staff go
// to theirs, those not logged in to the login.
func (s *Server) serviceResident(w http.ResponseWriter, r *http.Request, staffTo string) *auth.User {
	u := s.user(r)
	if u != nil && u.Role.StaffAccount() {
		redirect(w, r, staffTo)
		return nil
	}
	if s.Services == nil {
		s.fail(w, r, errNoServices)
		return nil
	}
	return s.resident(w, r)
}

func (s *Server) serviceList(w http.ResponseWriter, r *http.Request) {
	u := s.serviceResident(w, r, "/staff/services")
	if u == nil {
		return
	}
	p := s.page(w, r, "svc.title")
	q := r.URL.Query()
	d := &ServiceListData{Categories: service.Categories, Category: service.Category(q.Get("category")), Area: q.Get("area")}
	var err error
	if d.Homes, err = s.Services.HomeAreas(r.Context(), *u); err != nil {
		s.fail(w, r, err)
		return
	}
	if d.Area == "" && len(d.Homes) > 0 {
		d.Area = d.Homes[0].Code
	}
	if d.Mine, err = s.Services.List(r.Context(), *u, service.Filter{Mine: true, Limit: 20}); err != nil {
		s.fail(w, r, err)
		return
	}
	p.Data = d
	if d.Area == "" {
		d.NoHome = true
		s.render(w, r, http.StatusOK, "service_list", p)
		return
	}
	nq := service.NearQuery{AreaCode: d.Area, Category: d.Category}
	// A place (from the map's links): the distance counts from there.
	if lat, err1 := strconv.ParseFloat(q.Get("lat"), 64); err1 == nil {
		if lng, err2 := strconv.ParseFloat(q.Get("lng"), 64); err2 == nil {
			nq.Lat, nq.Lng = &lat, &lng
		}
	}
	if d.Near, err = s.Services.Near(r.Context(), *u, nq); err != nil {
		if errs.Is(err, errs.Invalid) {
			s.render(w, r, s.formError(r, p, err), "service_list", p)
			return
		}
		s.fail(w, r, err)
		return
	}
	if d.Map, d.Nums, err = s.serviceMap(r.Context(), p.Lang, d.Near); err != nil {
		s.fail(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, "service_list", p)
}

func (s *Server) serviceOffer(w http.ResponseWriter, r *http.Request) {
	u := s.serviceResident(w, r, "/staff/services")
	if u == nil {
		return
	}
	s.renderServiceOffer(w, r, s.page(w, r, "svc.offer"), *u, http.StatusOK)
}

func (s *Server) renderServiceOffer(w http.ResponseWriter, r *http.Request, p *Page, u auth.User, status int) {
	o, err := s.Services.Offer(r.Context(), u, r.PathValue("id"))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	p.Data = &ServiceOfferData{O: o}
	s.render(w, r, status, "service_offer", p)
}

func (s *Server) serviceBook(w http.ResponseWriter, r *http.Request) {
	u := s.serviceResident(w, r, "/staff/services")
	if u == nil {
		return
	}
	f := r.PostFormValue
	q, err := s.Services.Create(r.Context(), *u, service.NewRequest{ServiceID: r.PathValue("id"), SlotID: f("slot_id"), Note: f("note"), AreaCode: f("area_code")})
	if err != nil {
		// The page of the service shows why; one that does not exist is
		// the error page.
		p := s.page(w, r, "svc.offer")
		s.renderServiceOffer(w, r, p, *u, s.formError(r, p, err))
		return
	}
	redirect(w, r, "/services/requests/"+url.PathEscape(q.Number)+"?done=booked")
}

func (s *Server) serviceRequest(w http.ResponseWriter, r *http.Request) {
	u := s.serviceResident(w, r, "/staff/services/requests/"+url.PathEscape(r.PathValue("number")))
	if u == nil {
		return
	}
	s.renderServiceRequest(w, r, s.page(w, r, "svc.request"), *u, http.StatusOK)
}

func (s *Server) renderServiceRequest(w http.ResponseWriter, r *http.Request, p *Page, u auth.User, status int) {
	q, err := s.Services.Get(r.Context(), u, r.PathValue("number"))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if done := r.URL.Query().Get("done"); done != "" {
		if _, ok := messages["svc.flash."+done]; ok {
			p.Flash = tr(p.Lang, "svc.flash."+done)
		}
	}
	p.Data = &ServiceRequestData{R: q, Stars: []int{5, 4, 3, 2, 1},
		CanCancel:   q.CanResident && q.Status.Open(),
		CanComplete: q.CanResident && q.Status == service.StatusConfirmed && q.ResidentDoneAt == nil,
		CanRate:     q.CanResident && q.Status == service.StatusDone && q.Rating == 0,
		CanComplain: q.CanResident && q.Status != service.StatusRequested && q.ComplaintTicket == ""}
	s.render(w, r, status, "service_request", p)
}

func (s *Server) serviceRequestAct(w http.ResponseWriter, r *http.Request) {
	number := r.PathValue("number")
	u := s.serviceResident(w, r, "/staff/services/requests/"+url.PathEscape(number))
	if u == nil {
		return
	}
	ctx, f := r.Context(), r.PostFormValue
	var err error
	action := r.PathValue("action")
	switch action {
	case "cancel":
		_, err = s.Services.Cancel(ctx, *u, number)
	case "complete":
		_, err = s.Services.Complete(ctx, *u, number)
	case "rate":
		stars, _ := strconv.Atoi(f("rating"))
		_, err = s.Services.Rate(ctx, *u, number, stars, f("text"))
	case "complain":
		_, err = s.Services.Complain(ctx, *u, number, f("text"))
	default:
		s.fail(w, r, errs.NotFoundf("页面不存在", "no such page"))
		return
	}
	if err != nil {
		if errs.Is(err, errs.NotFound) {
			s.fail(w, r, err)
			return
		}
		p := s.page(w, r, "svc.request")
		s.renderServiceRequest(w, r, p, *u, s.formError(r, p, err))
		return
	}
	redirect(w, r, "/services/requests/"+url.PathEscape(number)+"?done="+action)
}
