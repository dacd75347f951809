package web

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/gongzhi/gongzhi/internal/auth"
	"github.com/gongzhi/gongzhi/internal/errs"
	"github.com/gongzhi/gongzhi/internal/gov"
	"github.com/gongzhi/gongzhi/internal/volunteer"
)

// Volunteers and points (志愿服务, 积分制): the resident's one page — her
// registration, the tasks of her community with their sign-up buttons, her
// points and their ledger, and her redemption codes; the staff's pages are
// volunteer_staff.go. Who may do what is the volunteer capability's; these
// pages only lay it out.

// volunteerRoutes are the volunteers' pages, the residents' and the staff's.
func (s *Server) volunteerRoutes(h route) {
	h("GET /volunteer", s.volunteerPage)
	h("POST /volunteer/register", s.volunteerRegister)
	// signup, withdraw
	h("POST /volunteer/tasks/{id}/{action}", s.volunteerTaskAct)
	h("POST /volunteer/codes", s.volunteerMakeCode)
	h("POST /volunteer/codes/{id}/withdraw", s.volunteerWithdrawCode)
	h("GET /staff/volunteer", s.staffVolunteer)
	h("POST /staff/volunteer/tasks", s.staffVolunteerPost)
	h("GET /staff/volunteer/tasks/{id}", s.staffVolunteerTask)
	// hours, cancel
	h("POST /staff/volunteer/tasks/{id}/{action}", s.staffVolunteerTaskAct)
	h("POST /staff/volunteer/volunteers/{id}/decide", s.staffVolunteerDecide)
	h("POST /staff/volunteer/redeem", s.staffVolunteerRedeem)
	h("POST /staff/volunteer/shops", s.staffVolunteerShopAdd)
	h("POST /staff/volunteer/shops/{org}/remove", s.staffVolunteerShopRemove)
}

// VolunteerData is the resident's page.
type VolunteerData struct {
	V           *volunteer.Volunteer
	Form        bool // the registration form (none yet, or rejected)
	Communities []gov.Area
	Home        string // her community, chosen first
	Tasks       []volunteer.Task
	Balance     int64
	Records     []volunteer.Record // her sign-ups and hours
	Hours       float64            // confirmed, in all
	Ledger      []volunteer.Entry
	Codes       []volunteer.Code
	ShopsOn     bool
	Shops       []volunteer.Shop
	NewCode     string // the code just made, shown large
}

var errNoVolunteers = errs.New(errs.Unavailable, "志愿服务未启用", "volunteering is not available")

// volunteerResident is the resident who reads her page; staff go to theirs.
func (s *Server) volunteerResident(w http.ResponseWriter, r *http.Request) *auth.User {
	u := s.resident(w, r)
	if u == nil {
		return nil
	}
	if u.Role.StaffAccount() {
		redirect(w, r, "/staff/volunteer")
		return nil
	}
	if s.Volunteers == nil {
		s.fail(w, r, errNoVolunteers)
		return nil
	}
	return u
}

func (s *Server) volunteerPage(w http.ResponseWriter, r *http.Request) {
	u := s.volunteerResident(w, r)
	if u == nil {
		return
	}
	s.renderVolunteer(w, r, s.page(w, r, "vol.title"), u, http.StatusOK)
}

func (s *Server) renderVolunteer(w http.ResponseWriter, r *http.Request, p *Page, u *auth.User, status int) {
	ctx := r.Context()
	if done := r.URL.Query().Get("done"); done != "" {
		if _, ok := messages["vol.flash."+done]; ok {
			p.Flash = tr(p.Lang, "vol.flash."+done)
		}
	}
	d := &VolunteerData{ShopsOn: s.Volunteers.Rules().Shops}
	v, err := s.Volunteers.Mine(ctx, *u)
	switch {
	case err == nil:
		d.V = &v
	case !errs.Is(err, errs.NotFound):
		s.fail(w, r, err)
		return
	}
	d.Form = d.V == nil || d.V.Status == volunteer.StatusRejected
	if d.Form {
		if d.Communities, err = s.Volunteers.Communities(ctx); err != nil {
			s.fail(w, r, err)
			return
		}
		if d.Home, err = s.Volunteers.Home(ctx, *u); err != nil {
			s.fail(w, r, err)
			return
		}
	}
	if d.V != nil && d.V.Status == volunteer.StatusApproved {
		if d.Tasks, err = s.Volunteers.Tasks(ctx, *u, "", 0); err != nil {
			s.fail(w, r, err)
			return
		}
	}
	if d.V != nil {
		if d.Records, d.Hours, err = s.Volunteers.Records(ctx, *u, 20); err != nil {
			s.fail(w, r, err)
			return
		}
	}
	if d.Balance, err = s.Volunteers.Balance(ctx, *u); err != nil {
		s.fail(w, r, err)
		return
	}
	if d.Ledger, err = s.Volunteers.Ledger(ctx, *u, 20); err != nil {
		s.fail(w, r, err)
		return
	}
	if d.Codes, err = s.Volunteers.Codes(ctx, *u, 10); err != nil {
		s.fail(w, r, err)
		return
	}
	if d.ShopsOn {
		if d.Shops, err = s.Volunteers.Shops(ctx); err != nil {
			s.fail(w, r, err)
			return
		}
	}
	if id := r.URL.Query().Get("code"); id != "" {
		for _, c := range d.Codes {
			if c.ID == id && c.Status == volunteer.CodePending {
				d.NewCode = c.Code
			}
		}
	}
	p.Data = d
	s.render(w, r, status, "volunteer", p)
}

// volunteerFail shows a refusal on her page, the form kept.
func (s *Server) volunteerFail(w http.ResponseWriter, r *http.Request, u *auth.User, err error) {
	if errs.Is(err, errs.Unavailable) || errs.Is(err, errs.Internal) {
		s.fail(w, r, err)
		return
	}
	p := s.page(w, r, "vol.title")
	s.renderVolunteer(w, r, p, u, s.formError(r, p, err))
}

func (s *Server) volunteerRegister(w http.ResponseWriter, r *http.Request) {
	u := s.volunteerResident(w, r)
	if u == nil {
		return
	}
	f := r.PostFormValue
	reg := volunteer.Registration{Name: f("name"), Skills: f("skills"), CommunityCode: f("community_code")}
	if _, err := s.Volunteers.Register(r.Context(), *u, reg); err != nil {
		s.volunteerFail(w, r, u, err)
		return
	}
	redirect(w, r, "/volunteer?done=registered")
}

func (s *Server) volunteerTaskAct(w http.ResponseWriter, r *http.Request) {
	u := s.volunteerResident(w, r)
	if u == nil {
		return
	}
	id, action := r.PathValue("id"), r.PathValue("action")
	var err error
	switch action {
	case "signup":
		_, err = s.Volunteers.SignUp(r.Context(), *u, id)
	case "withdraw":
		_, err = s.Volunteers.Withdraw(r.Context(), *u, id)
	default:
		s.fail(w, r, errs.NotFoundf("页面不存在", "no such page"))
		return
	}
	if err != nil {
		s.volunteerFail(w, r, u, err)
		return
	}
	redirect(w, r, "/volunteer?done="+action+"#task-"+url.PathEscape(id))
}

func (s *Server) volunteerMakeCode(w http.ResponseWriter, r *http.Request) {
	u := s.volunteerResident(w, r)
	if u == nil {
		return
	}
	n, err := strconv.ParseInt(strings.TrimSpace(r.PostFormValue("points")), 10, 64)
	if err != nil {
		err = errs.Invalidf("请填写要兑换的积分（整数）", "give the points to redeem (a whole number)")
	}
	var c volunteer.Code
	if err == nil {
		c, err = s.Volunteers.MakeCode(r.Context(), *u, n)
	}
	if err != nil {
		s.volunteerFail(w, r, u, err)
		return
	}
	redirect(w, r, "/volunteer?done=code&code="+url.QueryEscape(c.ID)+"#codes")
}

func (s *Server) volunteerWithdrawCode(w http.ResponseWriter, r *http.Request) {
	u := s.volunteerResident(w, r)
	if u == nil {
		return
	}
	if err := s.Volunteers.WithdrawCode(r.Context(), *u, r.PathValue("id")); err != nil {
		s.volunteerFail(w, r, u, err)
		return
	}
	redirect(w, r, "/volunteer?done=code_withdrawn#codes")
}
