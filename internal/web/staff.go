package web

import (
	"net/http"
	"net/url"
	"strings"

	"github.com/gongzhi/gongzhi/internal/auth"
	"github.com/gongzhi/gongzhi/internal/errs"
	"github.com/gongzhi/gongzhi/internal/ticket"
)

// staff returns the logged-in staff member, or sends the browser to the
// staff login (not logged in) or shows 403 (a resident).
func (s *Server) staff(w http.ResponseWriter, r *http.Request) *auth.User {
	u := s.user(r)
	if u == nil {
		if r.Method == http.MethodGet {
			redirect(w, r, "/staff/login?next="+url.QueryEscape(r.URL.RequestURI()))
		} else {
			s.fail(w, r, errs.New(errs.Unauthorized, "登录已失效，请重新登录", "your session has ended, please log in again"))
		}
		return nil
	}
	if !u.Role.IsStaff() {
		s.fail(w, r, errs.New(errs.Forbidden, "此页面仅供工作人员使用", "this page is for staff only"))
		return nil
	}
	return u
}

func (s *Server) staffLoginForm(w http.ResponseWriter, r *http.Request) {
	if u := s.user(r); u != nil && u.Role.IsStaff() {
		redirect(w, r, "/staff")
		return
	}
	p := s.page(w, r, "staff.login.title")
	p.Data = backPath(r, "next", "")
	s.render(w, r, http.StatusOK, "staff_login", p)
}

func (s *Server) staffLogin(w http.ResponseWriter, r *http.Request) {
	sess, err := s.Auth.Login(r.Context(), r.PostForm.Get("username"), r.PostForm.Get("password"), auth.KindWeb)
	if err == nil && !sess.User.Role.IsStaff() {
		s.Auth.Logout(r.Context(), sess.Token)
		err = errs.New(errs.Forbidden, "此入口仅供工作人员使用", "this login is for staff only")
	}
	if err != nil {
		p := s.page(w, r, "staff.login.title")
		p.Form.Del("password")
		p.Data = backPath(r, "next", "")
		status := s.formError(r, p, err)
		s.render(w, r, status, "staff_login", p)
		return
	}
	s.setSession(w, r, sess)
	next := backPath(r, "next", "/staff")
	if !strings.HasPrefix(next, "/staff") {
		next = "/staff"
	}
	redirect(w, r, next)
}

// Tab is one status filter of the workbench.
type Tab struct {
	Status string
	Label  string
	Active bool
}

// WorkbenchData is the staff home.
type WorkbenchData struct {
	Heading    string
	Tabs       []Tab
	Status     string
	Items      []ticket.Ticket
	NextCursor string
	Categories map[string]string
	CanCreate  bool
}

func canRegister(u *auth.User) bool {
	switch u.Role {
	case auth.RoleAdmin, auth.RoleDispatcher, auth.RoleAgent, auth.RoleGridWorker:
		return true
	}
	return false
}

func (s *Server) staffHome(w http.ResponseWriter, r *http.Request) {
	u := s.staff(w, r)
	if u == nil {
		return
	}
	p := s.page(w, r, "staff.home.title")
	q := r.URL.Query()
	status, set := q.Get("status"), q.Has("status")
	if !set && u.Role == auth.RoleDispatcher {
		status = string(ticket.StatusRegistered) // the dispatcher's queue first
	}
	d := &WorkbenchData{Status: status, CanCreate: canRegister(u)}
	switch u.Role {
	case auth.RoleHandler:
		d.Heading = tr(p.Lang, "staff.inbox", s.orgName(r.Context(), u.OrgCode))
	case auth.RoleDispatcher:
		d.Heading = tr(p.Lang, "staff.queue")
	default:
		d.Heading = tr(p.Lang, "staff.scope")
	}
	d.Tabs = append(d.Tabs, Tab{Status: "", Label: tr(p.Lang, "tab.all"), Active: status == ""})
	for _, st := range ticket.Statuses {
		d.Tabs = append(d.Tabs, Tab{Status: string(st), Label: tr(p.Lang, "status."+string(st)), Active: status == string(st)})
	}
	page, err := s.Tickets.List(r.Context(), *u, ticket.Filter{Status: ticket.Status(status), Cursor: q.Get("cursor")})
	if err != nil {
		s.fail(w, r, err)
		return
	}
	d.Items, d.NextCursor = page.Items, page.NextCursor
	if _, d.Categories, err = s.categoryGroups(r.Context(), p.Lang); err != nil {
		s.fail(w, r, err)
		return
	}
	p.Data = d
	s.render(w, r, http.StatusOK, "staff_home", p)
}

// staffTicketPage renders a ticket for staff, with the error of a failed
// action when err is not nil.
func (s *Server) staffTicketPage(w http.ResponseWriter, r *http.Request, u *auth.User, number string, actErr error) {
	p := s.page(w, r, "ticket.title")
	status := http.StatusOK
	if actErr != nil {
		status = s.formError(r, p, actErr)
	}
	if done := r.URL.Query().Get("done"); done != "" && actErr == nil {
		p.Flash = tr(p.Lang, "flash."+done)
	}
	t, err := s.Tickets.Get(r.Context(), *u, number)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	v, err := s.ticketView(r.Context(), p.Lang, *u, t)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if v.Can(ticket.ActionRate) {
		v.RateURL = "/staff/tickets/" + t.Number + "/rate"
	}
	if v.Can(ticket.ActionDispatch) {
		d, err := s.district(r.Context())
		if err != nil && !errs.Is(err, errs.NotFound) {
			s.fail(w, r, err)
			return
		}
		if v.OrgGroups, err = s.orgGroups(r.Context(), p.Lang, d.Code); err != nil {
			s.fail(w, r, err)
			return
		}
		if v.Suggest, err = s.Tickets.SuggestOrg(r.Context(), t.CategoryCode, t.AreaCode); err != nil {
			s.fail(w, r, err)
			return
		}
		if p.V("org_code") == "" {
			if p.Form == nil {
				p.Form = url.Values{}
			}
			p.Form.Set("org_code", v.Suggest)
		}
	}
	p.Data = v
	s.render(w, r, status, "staff_ticket", p)
}

func (s *Server) staffTicket(w http.ResponseWriter, r *http.Request) {
	u := s.staff(w, r)
	if u == nil {
		return
	}
	s.staffTicketPage(w, r, u, r.PathValue("number"), nil)
}

func (s *Server) staffAct(w http.ResponseWriter, r *http.Request) {
	u := s.staff(w, r)
	if u == nil {
		return
	}
	number, action := r.PathValue("number"), r.PathValue("action")
	f := r.PostForm
	in := ticket.ActionInput{
		OrgCode:   f.Get("org_code"),
		Note:      f.Get("note"),
		ReplyText: f.Get("reply_text"),
	}
	switch action {
	case ticket.ActionReply:
		in.Resolved = parseYesNo(f.Get("resolved"))
	case ticket.ActionRate:
		in = ratingInput(r)
	}
	if _, err := s.Tickets.Act(r.Context(), *u, number, action, in); err != nil {
		if errs.Is(err, errs.NotFound) { // no such ticket or action
			s.fail(w, r, err)
			return
		}
		s.staffTicketPage(w, r, u, number, err)
		return
	}
	redirect(w, r, "/staff/tickets/"+url.PathEscape(number)+"?done="+url.QueryEscape(action))
}

func (s *Server) staffSubmitForm(w http.ResponseWriter, r *http.Request) {
	u := s.staff(w, r)
	if u == nil {
		return
	}
	p := s.page(w, r, "staff.new.title")
	if !canRegister(u) {
		s.fail(w, r, errs.ErrForbidden)
		return
	}
	p.Form = url.Values{"kind": {string(ticket.KindHelp)}, "channel": {string(staffChannel(u))}}
	s.renderStaffSubmit(w, r, p, http.StatusOK)
}

func staffChannel(u *auth.User) ticket.Channel {
	switch u.Role {
	case auth.RoleAgent:
		return ticket.ChannelHotline
	case auth.RoleGridWorker:
		return ticket.ChannelGrid
	}
	return ticket.ChannelProxy
}

func (s *Server) renderStaffSubmit(w http.ResponseWriter, r *http.Request, p *Page, status int) {
	d, err := s.submitData(r, p.Lang, "/staff/new")
	if err != nil {
		s.fail(w, r, err)
		return
	}
	for _, c := range []ticket.Channel{ticket.ChannelHotline, ticket.ChannelGrid, ticket.ChannelProxy, ticket.ChannelMailbox, ticket.ChannelWeb} {
		d.Channels = append(d.Channels, Option{Value: string(c), Label: tr(p.Lang, "channel."+string(c))})
	}
	p.Data = d
	s.render(w, r, status, "submit", p)
}

func (s *Server) staffSubmit(w http.ResponseWriter, r *http.Request) {
	u := s.staff(w, r)
	if u == nil {
		return
	}
	t, err := s.Tickets.Create(r.Context(), u, newTicket(r))
	if err != nil {
		p := s.page(w, r, "staff.new.title")
		status := s.formError(r, p, err)
		s.renderStaffSubmit(w, r, p, status)
		return
	}
	redirect(w, r, "/staff/tickets/"+url.PathEscape(t.Number)+"?done=created")
}
