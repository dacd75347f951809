package web

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/gongzhi/gongzhi/internal/auth"
	"github.com/gongzhi/gongzhi/internal/errs"
	"github.com/gongzhi/gongzhi/internal/volunteer"
)

// The staff's volunteer pages: the registrations waiting for approval, the
// form that posts a task, the tasks of their area, one task's sign-ups with
// the hours to confirm, and, for a partner shop's staff, the form that
// confirms a redemption code.

// StaffVolunteerData is the staff's page.
type StaffVolunteerData struct {
	Manages  bool
	Shop     bool
	ShopsOn  bool
	Pending  []volunteer.Volunteer
	Tasks    []volunteer.Task
	AreaCode string
	Redeemed *volunteer.Code
	// KeepShops: the administrator keeps the partner shops here.
	KeepShops bool
	Shops     []volunteer.Shop
}

// StaffVolunteerTaskData is one task's page.
type StaffVolunteerTaskData struct {
	T       volunteer.Task
	Waiting int // sign-ups whose hours wait
}

func canVolunteer(u *auth.User) bool { return u != nil && u.Role.IsStaff() }

func (s *Server) volunteerStaff(w http.ResponseWriter, r *http.Request) *auth.User {
	u := s.staff(w, r)
	if u == nil {
		return nil
	}
	if !canVolunteer(u) {
		s.fail(w, r, errs.ErrForbidden)
		return nil
	}
	if s.Volunteers == nil {
		s.fail(w, r, errNoVolunteers)
		return nil
	}
	return u
}

func (s *Server) staffVolunteer(w http.ResponseWriter, r *http.Request) {
	u := s.volunteerStaff(w, r)
	if u == nil {
		return
	}
	s.renderStaffVolunteer(w, r, s.page(w, r, "vol.staff.title"), u, http.StatusOK, nil)
}

func (s *Server) renderStaffVolunteer(w http.ResponseWriter, r *http.Request, p *Page, u *auth.User, status int, redeemed *volunteer.Code) {
	ctx := r.Context()
	if done := r.URL.Query().Get("done"); done != "" {
		if _, ok := messages["vol.flash."+done]; ok {
			p.Flash = tr(p.Lang, "vol.flash."+done)
		}
	}
	d := &StaffVolunteerData{AreaCode: u.AreaCode, ShopsOn: s.Volunteers.Rules().Shops, Redeemed: redeemed, KeepShops: volunteer.CanKeepShops(*u)}
	var err error
	if d.KeepShops {
		if d.Shops, err = s.Volunteers.Shops(ctx); err != nil {
			s.fail(w, r, err)
			return
		}
	}
	if d.Manages, err = s.Volunteers.Manages(ctx, *u); err != nil {
		s.fail(w, r, err)
		return
	}
	if d.Shop, err = s.Volunteers.IsShop(ctx, *u); err != nil {
		s.fail(w, r, err)
		return
	}
	if d.Manages {
		if d.Pending, err = s.Volunteers.Volunteers(ctx, *u, "", volunteer.StatusPending, 0); err != nil {
			s.fail(w, r, err)
			return
		}
		if d.Tasks, err = s.Volunteers.Tasks(ctx, *u, "", 0); err != nil {
			s.fail(w, r, err)
			return
		}
	}
	p.Data = d
	s.render(w, r, status, "volunteer_staff", p)
}

func (s *Server) staffVolunteerFail(w http.ResponseWriter, r *http.Request, u *auth.User, err error) {
	if errs.Is(err, errs.Unavailable) || errs.Is(err, errs.Internal) {
		s.fail(w, r, err)
		return
	}
	p := s.page(w, r, "vol.staff.title")
	s.renderStaffVolunteer(w, r, p, u, s.formError(r, p, err), nil)
}

// staffVolunteerPost posts a task from the form, the time as the
// browser's datetime-local.
func (s *Server) staffVolunteerPost(w http.ResponseWriter, r *http.Request) {
	u := s.volunteerStaff(w, r)
	if u == nil {
		return
	}
	f := r.PostFormValue
	n := volunteer.NewTask{AreaCode: f("area_code"), Title: f("title"), Place: f("place")}
	var err error
	if n.StartsAt, err = time.ParseInLocation("2006-01-02T15:04", f("starts_at"), s.loc); err != nil {
		err = errs.Invalidf("请填写任务时间", "give the task's time")
	} else if n.Places, err = strconv.ParseInt(strings.TrimSpace(f("places")), 10, 64); err != nil {
		err = errs.Invalidf("请填写招募人数（整数）", "give the places (a whole number)")
	}
	var t volunteer.Task
	if err == nil {
		t, err = s.Volunteers.Post(r.Context(), *u, n)
	}
	if err != nil {
		s.staffVolunteerFail(w, r, u, err)
		return
	}
	redirect(w, r, "/staff/volunteer/tasks/"+url.PathEscape(t.ID)+"?done=posted")
}

func (s *Server) staffVolunteerDecide(w http.ResponseWriter, r *http.Request) {
	u := s.volunteerStaff(w, r)
	if u == nil {
		return
	}
	approve := r.PostFormValue("approve") == "1"
	if _, err := s.Volunteers.Decide(r.Context(), *u, r.PathValue("id"), approve, r.PostFormValue("note")); err != nil {
		s.staffVolunteerFail(w, r, u, err)
		return
	}
	done := "approved"
	if !approve {
		done = "rejected"
	}
	redirect(w, r, "/staff/volunteer?done="+done)
}

func (s *Server) staffVolunteerRedeem(w http.ResponseWriter, r *http.Request) {
	u := s.volunteerStaff(w, r)
	if u == nil {
		return
	}
	c, err := s.Volunteers.ConfirmCode(r.Context(), *u, r.PostFormValue("code"))
	if err != nil {
		s.staffVolunteerFail(w, r, u, err)
		return
	}
	p := s.page(w, r, "vol.staff.title")
	p.Flash = tr(p.Lang, "vol.flash.redeemed")
	s.renderStaffVolunteer(w, r, p, u, http.StatusOK, &c)
}

func (s *Server) staffVolunteerTask(w http.ResponseWriter, r *http.Request) {
	u := s.volunteerStaff(w, r)
	if u == nil {
		return
	}
	s.renderStaffVolunteerTask(w, r, s.page(w, r, "vol.task.title"), u, http.StatusOK)
}

func (s *Server) renderStaffVolunteerTask(w http.ResponseWriter, r *http.Request, p *Page, u *auth.User, status int) {
	t, err := s.Volunteers.Task(r.Context(), *u, r.PathValue("id"))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if !t.CanRun {
		s.fail(w, r, errs.ErrForbidden)
		return
	}
	if done := r.URL.Query().Get("done"); done != "" {
		if _, ok := messages["vol.flash."+done]; ok {
			p.Flash = tr(p.Lang, "vol.flash."+done)
		}
	}
	d := &StaffVolunteerTaskData{T: t}
	for _, x := range t.Signups {
		if x.Status == volunteer.SignupSigned {
			d.Waiting++
		}
	}
	p.Data = d
	s.render(w, r, status, "volunteer_staff_task", p)
}

func (s *Server) staffVolunteerTaskAct(w http.ResponseWriter, r *http.Request) {
	u := s.volunteerStaff(w, r)
	if u == nil {
		return
	}
	id, action := r.PathValue("id"), r.PathValue("action")
	var err error
	switch action {
	case "hours":
		var h float64
		h, err = strconv.ParseFloat(strings.TrimSpace(r.PostFormValue("hours")), 64)
		if err != nil {
			err = errs.Invalidf("请填写服务时长（小时）", "give the hours served")
		} else {
			_, err = s.Volunteers.ConfirmHours(r.Context(), *u, id, r.PostFormValue("volunteer_id"), h)
		}
	case "cancel":
		_, err = s.Volunteers.Cancel(r.Context(), *u, id)
	default:
		s.fail(w, r, errs.NotFoundf("页面不存在", "no such page"))
		return
	}
	if err != nil {
		if errs.Is(err, errs.NotFound) || errs.Is(err, errs.Unavailable) || errs.Is(err, errs.Internal) {
			s.fail(w, r, err)
			return
		}
		p := s.page(w, r, "vol.task.title")
		s.renderStaffVolunteerTask(w, r, p, u, s.formError(r, p, err))
		return
	}
	redirect(w, r, "/staff/volunteer/tasks/"+url.PathEscape(id)+"?done="+action)
}

func (s *Server) staffVolunteerShopAdd(w http.ResponseWriter, r *http.Request) {
	u := s.volunteerStaff(w, r)
	if u == nil {
		return
	}
	if err := s.Volunteers.AddShop(r.Context(), *u, strings.TrimSpace(r.PostFormValue("org_code"))); err != nil {
		s.staffVolunteerFail(w, r, u, err)
		return
	}
	redirect(w, r, "/staff/volunteer?done=shop_added#shops")
}

func (s *Server) staffVolunteerShopRemove(w http.ResponseWriter, r *http.Request) {
	u := s.volunteerStaff(w, r)
	if u == nil {
		return
	}
	if err := s.Volunteers.RemoveShop(r.Context(), *u, r.PathValue("org")); err != nil {
		s.staffVolunteerFail(w, r, u, err)
		return
	}
	redirect(w, r, "/staff/volunteer?done=shop_removed#shops")
}
