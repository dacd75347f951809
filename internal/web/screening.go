package web

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
	"time"

	"github.com/gongzhi/gongzhi/internal/auth"
	"github.com/gongzhi/gongzhi/internal/errs"
	"github.com/gongzhi/gongzhi/internal/gov"
	"github.com/gongzhi/gongzhi/internal/mediation"
	"github.com/gongzhi/gongzhi/internal/screening"
	"github.com/gongzhi/gongzhi/internal/service"
)

// The staff's screening pages (逐一排查): the rounds of their area with the
// month's coverage and the form that schedules one, and one round's page,
// where the grid worker records each household or place with a form of
// its own — one button for 无异常, a short form for a finding — made for a
// phone. Who may do what is the screening capability's.

func (s *Server) screeningRoutes(h route) {
	h("GET /staff/screening", s.staffScreening)
	h("POST /staff/screening", s.staffScreeningCreate)
	h("GET /staff/screening/{id}", s.staffRound)
	h("POST /staff/screening/{id}/check", s.staffRoundCheck)
}

// StaffScreeningData is the list of rounds.
type StaffScreeningData struct {
	Items    []screening.Round
	Coverage screening.Coverage
	Create   bool
	Grids    []gov.Area // where she may schedule, for the form
	AreaCode string
	Month    string
}

// StaffRoundData is one round's page.
type StaffRoundData struct {
	R          screening.Round
	Todo, Done []screening.Place
	Kinds      []string // what a finding may become
	Categories []Group
	// DisputeTypes and Services are offered where a finding may become a
	// mediation case or a service request: the dispute's types, and the
	// services in reach of the round's area.
	DisputeTypes []string
	Services     []service.Offer
	// Failed is the seq of the place whose form failed.
	Failed int
}

// The to-do list's words for the statuses of these kinds of item.
func init() {
	agendaStatusKeys["screening"] = []string{"scr.status."}
	agendaStatusKeys["needs"] = []string{"needs.status."}
	agendaStatusKeys["visit"] = []string{"visits.status."}
}

var errNoScreening = errs.New(errs.Unavailable, "排查服务未启用", "screening is not available")

func canScreening(u *auth.User) bool { return u != nil && screening.CanUse(*u) }

func (s *Server) screeningStaff(w http.ResponseWriter, r *http.Request) *auth.User {
	u := s.staff(w, r)
	if u == nil {
		return nil
	}
	if !canScreening(u) {
		s.fail(w, r, errs.ErrForbidden)
		return nil
	}
	if s.Screening == nil {
		s.fail(w, r, errNoScreening)
		return nil
	}
	return u
}

func (s *Server) staffScreening(w http.ResponseWriter, r *http.Request) {
	u := s.screeningStaff(w, r)
	if u == nil {
		return
	}
	s.renderStaffScreening(w, r, s.page(w, r, "scr.title"), u, http.StatusOK)
}

func (s *Server) renderStaffScreening(w http.ResponseWriter, r *http.Request, p *Page, u *auth.User, status int) {
	ctx := r.Context()
	items, err := s.Screening.List(ctx, *u, screening.Filter{Limit: 50})
	if err != nil {
		s.fail(w, r, err)
		return
	}
	create, err := s.Screening.Schedules(ctx, *u)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	var grids []gov.Area
	if create {
		if grids, err = s.Screening.Grids(ctx, *u); err != nil {
			s.fail(w, r, err)
			return
		}
	}
	month := r.URL.Query().Get("month")
	cov, err := s.Screening.Coverage(ctx, *u, "", month)
	if errs.Is(err, errs.Invalid) {
		cov, err = s.Screening.Coverage(ctx, *u, "", "")
	}
	if err != nil && !errs.Is(err, errs.Forbidden) {
		s.fail(w, r, err)
		return
	}
	if done := r.URL.Query().Get("done"); done != "" {
		if _, ok := messages["scr.flash."+done]; ok {
			p.Flash = tr(p.Lang, "scr.flash."+done)
		}
	}
	p.Data = &StaffScreeningData{Items: items, Coverage: cov, Create: create, Grids: grids, AreaCode: u.AreaCode, Month: cov.Month}
	s.render(w, r, status, "screening_staff_list", p)
}

func (s *Server) staffScreeningCreate(w http.ResponseWriter, r *http.Request) {
	u := s.screeningStaff(w, r)
	if u == nil {
		return
	}
	f := r.PostFormValue
	n := screening.New{AreaCode: f("area_code"), Title: f("title"), Places: f("places"), FromPrevious: f("from_previous") == "1"}
	var err error
	if n.StartsAt, err = time.ParseInLocation("2006-01-02", f("starts_on"), s.loc); err != nil {
		err = errs.Invalidf("请填写开始日期", "give the first day")
	}
	if err == nil {
		var end time.Time
		if end, err = time.ParseInLocation("2006-01-02", f("ends_on"), s.loc); err != nil {
			err = errs.Invalidf("请填写结束日期", "give the last day")
		}
		n.EndsAt = end.AddDate(0, 0, 1) // to the end of the last day
	}
	var rd screening.Round
	if err == nil {
		rd, err = s.Screening.Create(r.Context(), *u, n)
	}
	if err != nil {
		p := s.page(w, r, "scr.title")
		s.renderStaffScreening(w, r, p, u, s.formError(r, p, err))
		return
	}
	redirect(w, r, "/staff/screening/"+url.PathEscape(rd.ID)+"?done=created")
}

func (s *Server) staffRound(w http.ResponseWriter, r *http.Request) {
	u := s.screeningStaff(w, r)
	if u == nil {
		return
	}
	s.renderStaffRound(w, r, s.page(w, r, "scr.round"), u, http.StatusOK, 0)
}

func (s *Server) renderStaffRound(w http.ResponseWriter, r *http.Request, p *Page, u *auth.User, status, failed int) {
	ctx := r.Context()
	rd, err := s.Screening.Get(ctx, *u, r.PathValue("id"))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	d := &StaffRoundData{R: rd, Kinds: s.Screening.ConvertKinds(), Failed: failed}
	for _, pl := range rd.Places {
		if pl.Status == screening.PlaceListed {
			d.Todo = append(d.Todo, pl)
		} else {
			d.Done = append(d.Done, pl)
		}
	}
	if rd.CanRecord && len(d.Todo) > 0 {
		if d.Categories, _, err = s.categoryGroups(ctx, p.Lang); err != nil {
			s.fail(w, r, err)
			return
		}
		if err := s.findingChoices(ctx, *u, d); err != nil {
			s.fail(w, r, err)
			return
		}
	}
	if done := r.URL.Query().Get("done"); done != "" {
		if _, ok := messages["scr.flash."+done]; ok {
			p.Flash = tr(p.Lang, "scr.flash."+done)
		}
	}
	p.Data = d
	s.render(w, r, status, "screening_staff", p)
}

// staffRoundCheck records one place: result clear from its 无异常 button,
// finding from its form.
func (s *Server) staffRoundCheck(w http.ResponseWriter, r *http.Request) {
	u := s.screeningStaff(w, r)
	if u == nil {
		return
	}
	f := r.PostFormValue
	seq, _ := strconv.Atoi(f("seq"))
	c := screening.Check{Seq: seq, Result: f("result"), Note: f("note")}
	if c.Result == screening.ResultFinding {
		c.ConvertTo, c.CategoryCode = f("convert_to"), f("category_code")
		if c.ConvertTo != screening.ConvertTicket {
			c.CategoryCode = ""
		}
		findingDetail(f, &c)
	}
	id := r.PathValue("id")
	if _, err := s.Screening.Record(r.Context(), *u, id, c); err != nil {
		if errs.Is(err, errs.NotFound) && seq == 0 {
			err = errs.Invalidf("请选择要记录的户（处）", "choose the place to record")
		}
		if errs.Is(err, errs.NotFound) && !errs.Is(err, errs.Invalid) {
			if _, gerr := s.Screening.Get(r.Context(), *u, id); gerr != nil {
				s.fail(w, r, gerr)
				return
			}
		}
		p := s.page(w, r, "scr.round")
		s.renderStaffRound(w, r, p, u, s.formError(r, p, err), seq)
		return
	}
	done := "clear"
	if c.Result == screening.ResultFinding {
		done = "finding"
	}
	redirect(w, r, "/staff/screening/"+url.PathEscape(id)+"?done="+done+"#todo")
}

// findingChoices fills what a finding's form offers for the kinds
// registered: the dispute types, and the services in reach of the round.
func (s *Server) findingChoices(ctx context.Context, u auth.User, d *StaffRoundData) error {
	for _, k := range d.Kinds {
		switch k {
		case screening.ConvertMediation:
			d.DisputeTypes = mediation.DisputeTypes
		case screening.ConvertService:
			if s.Services == nil {
				continue
			}
			near, err := s.Services.Near(ctx, u, service.NearQuery{AreaCode: d.R.AreaCode})
			if err != nil {
				return err
			}
			d.Services = near.Items
		}
	}
	return nil
}

// findingDetail reads the fields of a finding's form that its kind needs.
func findingDetail(f func(string) string, c *screening.Check) {
	switch c.ConvertTo {
	case screening.ConvertMediation:
		d := &screening.Dispute{Type: f("dispute_type")}
		for _, n := range []string{"1", "2"} {
			if name, phone := f("party"+n+"_name"), f("party"+n+"_phone"); name != "" || phone != "" {
				d.Parties = append(d.Parties, screening.DisputeParty{Name: name, Phone: phone})
			}
		}
		c.Dispute = d
	case screening.ConvertService:
		c.ForResident = &screening.ForResident{ServiceID: f("service_id"), Phone: f("resident_phone"), Name: f("resident_name")}
	}
}
