package web

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/gongzhi/gongzhi/internal/attachment"
	"github.com/gongzhi/gongzhi/internal/auth"
	"github.com/gongzhi/gongzhi/internal/errs"
	"github.com/gongzhi/gongzhi/internal/limit"
	"github.com/gongzhi/gongzhi/internal/ticket"
	"github.com/gongzhi/gongzhi/internal/transfer"
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
	if u.Role == auth.RoleAuditor && r.Method == http.MethodGet && r.URL.Path == "/staff" {
		redirect(w, r, "/staff/audit") // the auditor's only page
		return nil
	}
	if !u.Role.IsStaff() {
		s.fail(w, r, errs.New(errs.Forbidden, "此页面仅供工作人员使用", "this page is for staff only"))
		return nil
	}
	return u
}

// staffWhere is staff for a page of a capability that may be absent: nil
// once answered, with unavailable when the capability is not there.
func (s *Server) staffWhere(w http.ResponseWriter, r *http.Request, there bool, unavailable error) *auth.User {
	u := s.staff(w, r)
	if u != nil && !there {
		s.fail(w, r, unavailable)
		return nil
	}
	return u
}

func (s *Server) staffLoginForm(w http.ResponseWriter, r *http.Request) {
	if u := s.user(r); u != nil && u.Role.StaffAccount() {
		redirect(w, r, "/staff")
		return
	}
	p := s.page(w, r, "staff.login.title")
	p.Data = backPath(r, "next", "")
	if c, err := r.Cookie(sessionCookie); err == nil && c.Value != "" && s.user(r) == nil {
		// A session that ended without a logout: idle, expired, or ended
		// by a password change or reset.
		p.Flash = tr(p.Lang, "staff.login.ended")
		s.clearCookie(w, r, sessionCookie)
	}
	s.render(w, r, http.StatusOK, "staff_login", p)
}

func (s *Server) staffLogin(w http.ResponseWriter, r *http.Request) {
	f := r.PostForm
	sess, err := s.Auth.LoginWith(r.Context(), auth.Credentials{Username: f.Get("username"), Password: f.Get("password"),
		TOTP: f.Get("totp"), Addr: limit.ClientIP(r)}, auth.KindWeb)
	if err == nil && !sess.User.Role.StaffAccount() {
		s.Auth.Logout(r.Context(), sess.Token)
		err = errs.New(errs.Forbidden, "此入口仅供工作人员使用", "this login is for staff only")
	}
	if err != nil {
		p := s.page(w, r, "staff.login.title")
		p.Form.Del("password")
		p.Form.Del("totp")
		p.Data = backPath(r, "next", "")
		status := s.formError(r, p, err)
		errs.SetRetryAfter(w.Header(), err)
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

// Tab is one filter link of the workbench.
type Tab struct {
	Status string
	Label  string
	Active bool
	URL    string
	Count  string // how many tickets the tab holds (status tabs)
}

// WorkbenchData is the staff home.
type WorkbenchData struct {
	Heading    string
	Tabs       []Tab // by status
	Lights     []Tab // by light and deadline
	Parts      []Tab // handlers: lead, helper, summoned
	Status     string
	Items      []ticket.Ticket
	NextURL    string
	Categories map[string]string
	CanCreate  bool
	Returned   int // returns waiting for this dispatcher's decision
	ReturnsURL string
	ExportXLSX string // the list, with its filters, as a file
	ExportCSV  string

	Form                   FilterForm
	CatGroups              []Group
	Places                 []Group
	OrgGroups              []Group // units, for the filter and the batch dispatch
	Channels               []Option
	ClearURL               string
	Saved                  []SavedChip
	SaveQuery              string // the page's filter, as a saved filter keeps it
	Here                   string // the page's URL, to come back to after a batch
	Batch                  []string
	SelectAll              bool
	SelectURL              string // the page with every ticket selected, or none
	CanDispatch, CanRemind bool
}

// canRegister reports whether the form to register a request on a
// resident's behalf is offered to u: the ticket service decides.
func canRegister(u *auth.User) bool { return u != nil && ticket.CanCreate(*u) }

func (s *Server) staffHome(w http.ResponseWriter, r *http.Request) {
	if u := s.staff(w, r); u != nil {
		s.workbench(w, r, u, r.URL.Query(), nil)
	}
}

// workbench renders the workbench of the filters of q, with the error of a
// failed form (saving a filter) above it when formErr is not nil.
func (s *Server) workbench(w http.ResponseWriter, r *http.Request, u *auth.User, q url.Values, formErr error) {
	p := s.page(w, r, "staff.home.title")
	if !hasFilter(q) {
		for k, v := range roleDefault(*u, s.Tickets.Now().In(s.loc).Format("2006-01-02")) {
			q[k] = v
		}
	}
	status := q.Get("status")
	d := &WorkbenchData{Status: status, CanCreate: canRegister(u), ExportXLSX: exportURL(q, transfer.ListXLSX), ExportCSV: exportURL(q, transfer.ListCSV)}
	s.workbenchFlash(p, q)
	d.Heading = s.workbenchHeading(r.Context(), p.Lang, *u)
	f, ferr := s.listFilter(*u, q)
	s.workbenchTabs(p.Lang, *u, q, f, d)
	if err := s.workbenchChoices(r.Context(), p.Lang, *u, q, d); err != nil {
		s.fail(w, r, err)
		return
	}
	code := http.StatusOK
	if ferr == nil {
		ferr = s.workbenchList(r.Context(), *u, q, f, d)
	}
	if ferr == nil {
		ferr = formErr
	}
	if ferr != nil {
		if de := errs.As(ferr); de.Code != errs.Invalid && de.Code != errs.Forbidden {
			s.fail(w, r, ferr)
			return
		}
		code = s.formError(r, p, ferr)
	}
	if (u.Role == auth.RoleDispatcher || u.IsAdmin()) && status != string(ticket.StatusReturned) {
		ret, err := s.Tickets.Count(r.Context(), *u, ticket.Filter{Status: ticket.StatusReturned})
		if err != nil {
			s.fail(w, r, err)
			return
		}
		d.Returned, d.ReturnsURL = ret, workbenchURL(url.Values{}, "status", string(ticket.StatusReturned))
	}
	p.Data = d
	s.render(w, r, code, "staff_home", p)
}

// orgActions are the actions whose forms choose a unit.
var orgActions = []string{ticket.ActionDispatch, ticket.ActionRedispatch, ticket.ActionApproveReturn,
	ticket.ActionAddHelper, ticket.ActionWhistle, ticket.ActionEscalate}

// staffTicketPage renders a ticket for staff, with the error of a failed
// action when err is not nil.
func (s *Server) staffTicketPage(w http.ResponseWriter, r *http.Request, u *auth.User, number string, failed string, actErr error) {
	p := s.page(w, r, "ticket.title")
	status := http.StatusOK
	if actErr != nil {
		status = s.formError(r, p, actErr)
	}
	if done := r.URL.Query().Get("done"); done != "" && actErr == nil {
		if _, ok := messages["flash."+done]; ok {
			p.Flash = tr(p.Lang, "flash."+done)
		}
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
	if actErr != nil {
		v.Failed, v.Form = failed, p.Form
	}
	v.UploadURL = "/staff/tickets/" + t.Number + "/photos"
	if err := s.fillPhotos(r.Context(), *u, v, "/staff/tickets/"+t.Number); err != nil {
		s.fail(w, r, err)
		return
	}
	v.PhotoNote = s.takePhotoFlash(w, r, p.Lang, t.Number)
	if v.Can(ticket.ActionRate) {
		v.RateURL = "/staff/tickets/" + t.Number + "/rate"
	}
	needOrgs := false
	for _, a := range orgActions {
		needOrgs = needOrgs || v.Can(a)
	}
	if needOrgs {
		d, err := s.district(r.Context())
		if err != nil && !errs.Is(err, errs.NotFound) {
			s.fail(w, r, err)
			return
		}
		if v.OrgGroups, err = s.orgGroups(r.Context(), p.Lang, d.Code); err != nil {
			s.fail(w, r, err)
			return
		}
	}
	if v.Can(ticket.ActionDispatch) || v.Can(ticket.ActionApproveReturn) || v.Can(ticket.ActionRedispatch) {
		if v.Suggest, err = s.Tickets.SuggestOrg(r.Context(), t.CategoryCode, t.AreaCode); err != nil {
			s.fail(w, r, err)
			return
		}
		if v.Suggest == t.AssignedOrgCode && !v.Can(ticket.ActionDispatch) {
			v.Suggest = "" // the unit that returned it is no suggestion
		}
	}
	v.Forms = s.forms(p.Lang, v)
	if v.Replies, err = s.replyChooser(r, p.Lang, *u, t, v); err != nil {
		s.fail(w, r, err)
		return
	}
	if v.Can(ticket.ActionDispatch) || v.Can(ticket.ActionRedispatch) {
		if v.CatGroups, _, err = s.categoryGroups(r.Context(), p.Lang); err != nil {
			s.fail(w, r, err)
			return
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
	s.staffTicketPage(w, r, u, r.PathValue("number"), "", nil)
}

// actionInput reads the form of an action.
func actionInput(r *http.Request, action string) ticket.ActionInput {
	f := r.PostForm
	in := ticket.ActionInput{
		OrgCode:   strings.TrimSpace(f.Get("org_code")),
		Note:      f.Get("note"),
		ReplyText: f.Get("reply_text"),
		Reason:    f.Get("reason"),
		Until:     strings.TrimSpace(f.Get("until")),
		Into:      strings.TrimSpace(f.Get("into")),
		// 告知居民: the note is told to the resident (the service decides where it may be).
		NotifyResident: f.Get("notify_resident") != "",
	}
	if action == ticket.ActionDispatch {
		in.CategoryCode = strings.TrimSpace(f.Get("category_code"))
	}
	for _, c := range f["org_codes"] {
		if c = strings.TrimSpace(c); c != "" {
			in.OrgCodes = append(in.OrgCodes, c)
		}
	}
	if h := strings.TrimSpace(f.Get("within_hours")); h != "" {
		n, err := strconv.Atoi(h)
		if err != nil {
			n = -1 // the service explains the range
		}
		in.WithinHours = n
	}
	in.Passed = parseYesNo(f.Get("passed"))
	switch action {
	case ticket.ActionReply:
		in.Resolved = parseYesNo(f.Get("resolved"))
	case ticket.ActionRate:
		in = ratingInput(r)
	}
	return in
}

func (s *Server) staffAct(w http.ResponseWriter, r *http.Request) {
	u := s.staff(w, r)
	if u == nil {
		return
	}
	number, action := r.PathValue("number"), r.PathValue("action")
	// Photos sent with a reply, a self-resolution or a check are added
	// first: 自办自结 needs its after photo in place.
	if purpose, ok := actionPhotoPurpose[action]; ok && len(uploaded(r)) > 0 {
		if _, err := s.Tickets.Visible(r.Context(), *u, number); err != nil {
			s.fail(w, r, err)
			return
		}
		s.setPhotoFlash(w, r, s.addPhotos(r.Context(), r, u, number, purpose))
	}
	if _, err := s.Tickets.Act(r.Context(), *u, number, action, actionInput(r, action)); err != nil {
		if errs.Is(err, errs.NotFound) { // no such ticket or action
			s.fail(w, r, err)
			return
		}
		s.staffTicketPage(w, r, u, number, action, err)
		return
	}
	redirect(w, r, "/staff/tickets/"+url.PathEscape(number)+"?done="+url.QueryEscape(action))
}

// NotificationsData is the list of notifications.
type NotificationsData struct {
	Items []ticket.Notification
}

func (s *Server) staffNotifications(w http.ResponseWriter, r *http.Request) {
	u := s.staff(w, r)
	if u == nil {
		return
	}
	p := s.page(w, r, "notif.title")
	items, err := s.Tickets.Notifications(r.Context(), *u, 50)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	p.Data = &NotificationsData{Items: items}
	s.render(w, r, http.StatusOK, "staff_notifications", p)
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
	p.Form = url.Values{"kind": {string(ticket.KindHelp)}, "channel": {string(ticket.DefaultChannel(u))}, "urgency": {string(ticket.UrgencyNormal)}}
	s.renderStaffSubmit(w, r, p, http.StatusOK, nil)
}

// renderStaffSubmit shows the form to register a request; fe, when set,
// are its mistakes, and the photos sent with it are then held (filing.go).
func (s *Server) renderStaffSubmit(w http.ResponseWriter, r *http.Request, p *Page, status int, fe ticket.FieldErrors) {
	d, err := s.submitData(r, p.Lang, "/staff/new")
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if r.Method == http.MethodPost {
		s.holdPhotos(r.Context(), r, p.Lang, d)
		setFieldErrors(p, d, fe)
	}
	for _, c := range []ticket.Channel{ticket.ChannelHotline, ticket.ChannelGrid, ticket.ChannelProxy, ticket.ChannelMailbox, ticket.ChannelWeb} {
		d.Channels = append(d.Channels, Option{Value: string(c), Label: tr(p.Lang, "channel."+string(c))})
	}
	for _, x := range ticket.Urgencies {
		d.Urgencies = append(d.Urgencies, Option{Value: string(x), Label: tr(p.Lang, "urgency."+string(x)) + " — " + tr(p.Lang, "urgency."+string(x)+".hint")})
	}
	p.Data = d
	s.render(w, r, status, "submit", p)
}

func (s *Server) staffSubmit(w http.ResponseWriter, r *http.Request) {
	u := s.staff(w, r)
	if u == nil {
		return
	}
	in := newTicket(r)
	if fe := s.Tickets.Validate(r.Context(), u, in); len(fe) > 0 {
		s.renderStaffSubmit(w, r, s.page(w, r, "staff.new.title"), statusOfFields(fe), fe)
		return
	}
	t, err := s.Tickets.Create(r.Context(), u, in)
	if err != nil {
		p := s.page(w, r, "staff.new.title")
		status := s.formError(r, p, err)
		s.renderStaffSubmit(w, r, p, status, nil)
		return
	}
	// Whoever registers a ticket adds the photos of what was reported:
	// those held from the form sent back first.
	f := photoFlash{Number: t.Number}
	s.claimPhotos(r.Context(), r, u, t.Number, &f)
	added := s.addPhotos(r.Context(), r, u, t.Number, attachment.PurposeReport)
	f.Added, f.Bad = f.Added+added.Added, append(f.Bad, added.Bad...)
	s.setPhotoFlash(w, r, f)
	if !ticket.CanView(*u, t) {
		// A handler who registers a request another unit then handles may
		// not open it: she is told its number on her workbench.
		redirect(w, r, "/staff?done=created&number="+url.QueryEscape(t.Number))
		return
	}
	redirect(w, r, "/staff/tickets/"+url.PathEscape(t.Number)+"?done=created")
}
