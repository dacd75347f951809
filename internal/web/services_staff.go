package web

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/gongzhi/gongzhi/internal/auth"
	"github.com/gongzhi/gongzhi/internal/errs"
	"github.com/gongzhi/gongzhi/internal/service"
)

// The staff's service pages: the requests their organisation must answer
// (awaiting confirmation, the overdue first), the figures of supply against
// need, the providers they keep with what hides them from residents (an
// expired qualification) and the forms that keep providers, services and
// slots, the form that books for a resident on her behalf, and one
// request's page with its answer and its log.

// StaffServicesData is the staff's page.
type StaffServicesData struct {
	Queue      []service.Request
	Answers    bool // she answers for an organisation
	Figures    []service.Figure
	SeeFigures bool
	From, To   string
	Providers  []service.Provider
	Picks      []ServicePick // what she may book for a resident
	Categories []service.Category
	AreaCode   string
	// CanRegister offers the form that makes an organisation of her area
	// a provider.
	CanRegister bool
}

// ServicePick is a service, or one slot of it, to book for a resident.
type ServicePick struct {
	Value, Label string
}

// StaffServiceRequestData is one request's page for the staff.
type StaffServiceRequestData struct {
	R      service.Request
	Events []service.Event
}

func canServices(u *auth.User) bool { return u != nil && u.Role.IsStaff() }

func (s *Server) serviceStaff(w http.ResponseWriter, r *http.Request) *auth.User {
	u := s.staff(w, r)
	if u == nil {
		return nil
	}
	if !canServices(u) {
		s.fail(w, r, errs.ErrForbidden)
		return nil
	}
	if s.Services == nil {
		s.fail(w, r, errNoServices)
		return nil
	}
	return u
}

func (s *Server) staffServices(w http.ResponseWriter, r *http.Request) {
	u := s.serviceStaff(w, r)
	if u == nil {
		return
	}
	p := s.page(w, r, "svc.staff.title")
	if done := r.URL.Query().Get("done"); done != "" {
		if _, ok := messages["svc.flash."+done]; ok {
			p.Flash = tr(p.Lang, "svc.flash."+done)
		}
	}
	s.renderStaffServices(w, r, p, u, http.StatusOK)
}

func (s *Server) renderStaffServices(w http.ResponseWriter, r *http.Request, p *Page, u *auth.User, status int) {
	ctx := r.Context()
	d := &StaffServicesData{Categories: service.Categories, AreaCode: u.AreaCode, Answers: u.OrgCode != "" && service.CanAnswer(*u, u.OrgCode) && !u.IsAdmin()}
	var err error
	if d.CanRegister, err = s.Services.Keeps(ctx, *u); err != nil {
		s.fail(w, r, err)
		return
	}
	if d.Answers {
		if d.Queue, err = s.Services.List(ctx, *u, service.Filter{OrgCode: u.OrgCode, OpenOnly: true, Limit: 100}); err != nil {
			s.fail(w, r, err)
			return
		}
	}
	if d.SeeFigures = service.CanSeeFigures(*u); d.SeeFigures {
		q := r.URL.Query()
		from, to, err := s.Services.Period(q.Get("from"), q.Get("to"))
		if err == nil {
			d.Figures, err = s.Services.Figures(ctx, *u, "", from, to)
		}
		if err != nil && !errs.Is(err, errs.Invalid) {
			s.fail(w, r, err)
			return
		}
		if err != nil {
			status = s.formError(r, p, err)
		} else {
			d.From, d.To = from.Format(time.DateOnly), to.AddDate(0, 0, -1).Format(time.DateOnly)
		}
	}
	if d.Providers, err = s.Services.Providers(ctx, *u); err != nil {
		s.fail(w, r, err)
		return
	}
	if u.AreaCode != "" {
		near, err := s.Services.Near(ctx, *u, service.NearQuery{AreaCode: u.AreaCode})
		if err != nil && !errs.Is(err, errs.Invalid) {
			s.fail(w, r, err)
			return
		}
		for _, o := range near.Items {
			if len(o.Slots) == 0 {
				d.Picks = append(d.Picks, ServicePick{Value: o.ID, Label: o.ProviderName + " · " + o.Name})
			}
			for _, sl := range o.Slots {
				if sl.Free > 0 {
					d.Picks = append(d.Picks, ServicePick{Value: o.ID + "|" + sl.ID, Label: o.ProviderName + " · " + o.Name + " · " + sl.StartsAt.Format("01-02 15:04")})
				}
			}
		}
	}
	p.Data = d
	s.render(w, r, status, "service_staff", p)
}

// staffServicesAct keeps providers, qualifications, services and slots,
// and books for a resident.
func (s *Server) staffServicesAct(w http.ResponseWriter, r *http.Request) {
	u := s.serviceStaff(w, r)
	if u == nil {
		return
	}
	ctx, f := r.Context(), r.PostFormValue
	var err error
	action := r.PathValue("action")
	to := "/staff/services?done=" + action
	switch action {
	case "provider":
		in := service.ProviderInput{OrgCode: f("org_code"), Provides: f("provides"), Hours: f("hours"), Priced: f("priced") == "1", PriceNote: f("price_note"),
			Areas: strings.FieldsFunc(f("areas"), func(r rune) bool { return r == ',' || r == '，' || r == ' ' || r == '\n' || r == '\r' })}
		if in.Lat, in.Lng, err = serviceFormPoint(f("lat"), f("lng")); err == nil {
			_, err = s.Services.SaveProvider(ctx, *u, in)
		}
	case "qualification":
		_, err = s.Services.AddQualification(ctx, *u, f("org_code"), service.QualificationInput{Name: f("name"), Number: f("number"), ExpiresOn: f("expires_on")})
	case "offer":
		_, err = s.Services.SaveOffer(ctx, *u, service.OfferInput{OrgCode: f("org_code"), Category: service.Category(f("category")), Name: f("name"),
			Description: f("description"), Priced: f("priced") == "1", PriceNote: f("price_note")})
	case "slot":
		var in service.SlotInput
		in.Capacity, _ = strconv.Atoi(f("capacity"))
		hours, _ := strconv.Atoi(f("hours"))
		if in.StartsAt, err = time.ParseInLocation("2006-01-02T15:04", f("starts_at"), s.loc); err != nil {
			err = errs.Invalidf("请填写开始时间", "give the start time")
		} else {
			in.EndsAt = in.StartsAt.Add(time.Duration(hours) * time.Hour)
			_, err = s.Services.AddSlot(ctx, *u, f("service_id"), in)
		}
	case "book":
		pick := strings.SplitN(f("pick"), "|", 2)
		n := service.NewRequest{ServiceID: pick[0], OnBehalfOf: f("phone"), AreaCode: f("area_code"), Name: f("name"), Note: f("note"), FromTicket: f("from_ticket")}
		if len(pick) == 2 {
			n.SlotID = pick[1]
		}
		var q service.Request
		if q, err = s.Services.Create(ctx, *u, n); err == nil {
			to = "/staff/services/requests/" + url.PathEscape(q.Number) + "?done=booked"
		}
	default:
		s.fail(w, r, errs.NotFoundf("页面不存在", "no such page"))
		return
	}
	if err != nil {
		p := s.page(w, r, "svc.staff.title")
		s.renderStaffServices(w, r, p, u, s.formError(r, p, err))
		return
	}
	redirect(w, r, to)
}

// serviceFormPoint reads an optional place from the form.
func serviceFormPoint(lat, lng string) (*float64, *float64, error) {
	lat, lng = strings.TrimSpace(lat), strings.TrimSpace(lng)
	if lat == "" && lng == "" {
		return nil, nil, nil
	}
	a, err1 := strconv.ParseFloat(lat, 64)
	b, err2 := strconv.ParseFloat(lng, 64)
	if err1 != nil || err2 != nil {
		return nil, nil, errs.Invalidf("经纬度须为数字", "lat and lng must be numbers")
	}
	return &a, &b, nil
}

func (s *Server) staffServiceRequest(w http.ResponseWriter, r *http.Request) {
	u := s.serviceStaff(w, r)
	if u == nil {
		return
	}
	s.renderStaffServiceRequest(w, r, s.page(w, r, "svc.request"), u, http.StatusOK)
}

func (s *Server) renderStaffServiceRequest(w http.ResponseWriter, r *http.Request, p *Page, u *auth.User, status int) {
	q, err := s.Services.Get(r.Context(), *u, r.PathValue("number"))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	evs, err := s.Services.Events(r.Context(), *u, q.Number)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if done := r.URL.Query().Get("done"); done != "" {
		if _, ok := messages["svc.flash."+done]; ok {
			p.Flash = tr(p.Lang, "svc.flash."+done)
		}
	}
	p.Data = &StaffServiceRequestData{R: q, Events: evs}
	s.render(w, r, status, "service_staff_request", p)
}

func (s *Server) staffServiceRequestAct(w http.ResponseWriter, r *http.Request) {
	u := s.serviceStaff(w, r)
	if u == nil {
		return
	}
	ctx, number := r.Context(), r.PathValue("number")
	var err error
	action := r.PathValue("action")
	switch action {
	case "confirm":
		_, err = s.Services.Confirm(ctx, *u, number)
	case "decline":
		_, err = s.Services.Decline(ctx, *u, number, r.PostFormValue("reason"))
	case "complete":
		_, err = s.Services.Complete(ctx, *u, number)
	case "cancel":
		_, err = s.Services.Cancel(ctx, *u, number)
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
		s.renderStaffServiceRequest(w, r, p, u, s.formError(r, p, err))
		return
	}
	redirect(w, r, "/staff/services/requests/"+url.PathEscape(number)+"?done="+action)
}
