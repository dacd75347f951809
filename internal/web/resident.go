package web

import (
	"context"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/gongzhi/gongzhi/internal/attachment"
	"github.com/gongzhi/gongzhi/internal/auth"
	"github.com/gongzhi/gongzhi/internal/errs"
	"github.com/gongzhi/gongzhi/internal/limit"
	"github.com/gongzhi/gongzhi/internal/ticket"
)

// HomeData is the resident's home page: its doors and her 待评价 count.
type HomeData struct {
	Awaiting int    // her answered tickets that wait for her rating
	RateURL  string // where the rating door leads
}

func (s *Server) home(w http.ResponseWriter, r *http.Request) {
	u := s.user(r)
	if u != nil && u.Role.StaffAccount() {
		redirect(w, r, "/staff")
		return
	}
	p := s.page(w, r, "home.title")
	d := &HomeData{RateURL: "/track"}
	if u != nil {
		n, err := s.Tickets.AwaitingRating(r.Context(), *u)
		if err != nil {
			s.fail(w, r, err)
			return
		}
		d.Awaiting, d.RateURL = n, "/my?status="+string(ticket.StatusReplied)
	}
	p.Data = d
	s.render(w, r, http.StatusOK, "home", p)
}

// SubmitData fills the submission form.
type SubmitData struct {
	Action     string
	Kinds      []Option
	Categories []Group  // staff choose from the tree
	Resident   bool     // residents describe the problem and pick a suggestion
	Suggested  []Option // the categories suggested for her words
	Places     []Group
	Channels   []Option // staff only
	Urgencies  []Option // staff only
	// Errs are the form's problems by element (description, category,
	// place, reporter_phone…), each shown beside it; Problems lists them
	// for the summary above the form.
	Errs     map[string]string
	Problems []FieldProblem
	// Focus is the control a staff form puts the cursor in when it comes
	// back: the first wrong field the service named (setFieldErrors).
	Focus string
	// PhotoToken is the form's signed token, under which the photos of a
	// form sent back are held; Held are those photos, PhotoErrs those refused.
	PhotoToken string
	Held       []HeldPhoto
	PhotoErrs  []PhotoProblem
	// KB is the published answers to her description (guides.go).
	KB *GuideAnswers
}

func (s *Server) submitData(r *http.Request, lang, action string) (*SubmitData, error) {
	d := &SubmitData{Action: action, Resident: !strings.HasPrefix(action, "/staff")}
	for _, k := range ticket.Kinds {
		d.Kinds = append(d.Kinds, Option{Value: string(k), Label: tr(lang, "kind."+string(k))})
	}
	var err error
	if d.Resident {
		d.Suggested, err = s.suggestOptions(r.Context(), lang, r.PostForm.Get("description"), strings.TrimSpace(r.PostForm.Get("category_code")))
	} else {
		d.Categories, _, err = s.categoryGroups(r.Context(), lang)
	}
	if err != nil {
		return nil, err
	}
	if d.Places, err = s.places(r.Context()); err != nil {
		return nil, err
	}
	d.PhotoToken = s.formPhotoToken(r)
	return d, nil
}

func (s *Server) submitForm(w http.ResponseWriter, r *http.Request) {
	p := s.page(w, r, "submit.title")
	p.Form = url.Values{"kind": {string(ticket.KindHelp)}}
	if k := ticket.Kind(r.URL.Query().Get("kind")); k == ticket.KindConsultation {
		p.Form.Set("kind", string(k))
		p.Title = "file.ask.title"
	}
	if u := p.User; u != nil && u.Role == auth.RoleResident {
		p.Form.Set("reporter_phone", u.Phone)
		p.Form.Set("reporter_name", u.Name)
	}
	d, err := s.submitData(r, p.Lang, "/submit")
	if err != nil {
		s.fail(w, r, err)
		return
	}
	p.Data = d
	s.render(w, r, http.StatusOK, "submit", p)
}

// newTicket reads the submission form. The community wins over the street
// when both are chosen.
func newTicket(r *http.Request) ticket.NewTicket {
	f := r.PostForm
	area := strings.TrimSpace(f.Get("community"))
	if area == "" {
		area = strings.TrimSpace(f.Get("street"))
	}
	in := ticket.NewTicket{
		Kind:          ticket.Kind(f.Get("kind")),
		CategoryCode:  f.Get("category_code"),
		Description:   f.Get("description"),
		AreaCode:      area,
		Address:       f.Get("address"),
		Channel:       ticket.Channel(f.Get("channel")),
		ReporterName:  f.Get("reporter_name"),
		ReporterPhone: f.Get("reporter_phone"),
		Confidential:  f.Get("confidential") != "",
		Urgency:       ticket.Urgency(f.Get("urgency")),
		RequesterKind: ticket.RequesterKind(f.Get("requester_kind")),
		CreditCode:    f.Get("credit_code"),
	}
	in.Lat, in.Lng = formPoint(f) // the map's pin (place.html)
	return in
}

// submit files a resident's request. "Suggest" (the form's step for
// browsers without script) shows the categories suggested for her words;
// a form with mistakes comes back with every one beside its field, what she
// typed, and her photos held. Nothing is filed until the form is right.
func (s *Server) submit(w http.ResponseWriter, r *http.Request) {
	in := newTicket(r)
	in.Channel = ticket.ChannelWeb
	in.Urgency = "" // staff judge urgency
	u := s.user(r)
	back := func(status int, fe ticket.FieldErrors, err error) {
		p := s.page(w, r, "submit.title")
		d, derr := s.submitData(r, p.Lang, "/submit")
		if derr != nil {
			s.fail(w, r, derr)
			return
		}
		if !errs.Is(err, errs.TooMany) { // nothing is taken in from a client over its limit
			s.holdPhotos(r.Context(), r, p.Lang, d)
		}
		if err != nil {
			status = s.formError(r, p, err)
			errs.SetRetryAfter(w.Header(), err)
		}
		setFieldErrors(p, d, fe)
		if err := s.kbAnswers(r, d); err != nil {
			status = s.formError(r, p, err)
		}
		p.Data = d
		s.render(w, r, status, "submit", p)
	}
	// Every try that sends photos counts against the limit, a suggest step too.
	suggest := r.PostForm.Get("step") == "suggest" || r.PostForm.Get("step") == "kb"
	if !suggest || len(uploaded(r)) > 0 {
		if err := s.Limits.CheckSubmit(r, u); err != nil {
			back(0, nil, err)
			return
		}
	}
	if suggest {
		back(http.StatusOK, nil, nil)
		return
	}
	if fe := s.Tickets.Validate(r.Context(), u, in); len(fe) > 0 {
		back(statusOfFields(fe), fe, nil)
		return
	}
	err := s.Limits.CheckSubmitter(u, in.ReporterPhone)
	var t ticket.Ticket
	if err == nil {
		t, err = s.Tickets.Create(r.Context(), u, in)
	}
	if err != nil {
		back(0, nil, err)
		return
	}
	// The ticket is kept first; a photo that is refused is reported on the
	// next page and does not lose it. A guest adds them as the one who has
	// just submitted it (u nil): those held from the form first, then the
	// ones chosen last.
	f := photoFlash{Number: t.Number}
	s.claimPhotos(r.Context(), r, u, t.Number, &f)
	added := s.addPhotos(r.Context(), r, u, t.Number, attachment.PurposeReport)
	f.Added, f.Bad = f.Added+added.Added, append(f.Bad, added.Bad...)
	s.setPhotoFlash(w, r, f)
	redirect(w, r, s.kioskFiledTo(r, t.Number))
}

// SubmittedData is the page after a submission.
type SubmittedData struct {
	Number string
	Photos *PhotoNote
}

func (s *Server) submitted(w http.ResponseWriter, r *http.Request) {
	n := r.PathValue("number")
	if !ticket.ValidNumber(n) {
		s.fail(w, r, errs.NotFoundf("未找到该工单", "no such ticket"))
		return
	}
	p := s.page(w, r, "submitted.title")
	p.Data = &SubmittedData{Number: n, Photos: s.takePhotoFlash(w, r, p.Lang, n)}
	s.render(w, r, http.StatusOK, "submitted", p)
}

func (s *Server) trackForm(w http.ResponseWriter, r *http.Request) {
	p := s.page(w, r, "track.title")
	p.Form = url.Values{"number": {r.URL.Query().Get("number")}}
	s.render(w, r, http.StatusOK, "track", p)
}

// track shows a ticket to whoever knows its number and the reporter's phone.
func (s *Server) track(w http.ResponseWriter, r *http.Request) {
	s.showLookup(w, r, "", true)
}

// showLookup shows the ticket of the number and phone in the form; limited
// says whether this look-up still has to pass the limit (a rating has
// passed it already).
func (s *Server) showLookup(w http.ResponseWriter, r *http.Request, flash string, limited bool) {
	p := s.page(w, r, "track.title")
	p.Flash = flash
	number, phone := strings.TrimSpace(r.PostForm.Get("number")), r.PostForm.Get("phone")
	var err error
	if limited {
		err = s.Limits.CheckTrack(r, number)
	}
	var t ticket.Ticket
	var guest auth.User
	if err == nil {
		t, guest, err = s.Tickets.Lookup(r.Context(), number, phone)
	}
	if err != nil {
		status := s.formError(r, p, err)
		errs.SetRetryAfter(w.Header(), err)
		s.render(w, r, status, "track", p)
		return
	}
	v, err := s.ticketView(r.Context(), p.Lang, guest, t)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	v.Phone = guest.Phone
	if v.Can(ticket.ActionRate) {
		v.RateURL = "/track/rate"
	}
	v.Next = s.nextView(r.Context(), p.Lang, t, time.Now())
	// The proof of the phone goes with the page, for its photos (lookup.go).
	s.setLookup(w, r, t.Number, guest.Phone)
	if err := s.residentPhotos(r.Context(), guest, v); err != nil {
		s.fail(w, r, err)
		return
	}
	p.Title = "ticket.title"
	p.Data = v
	s.render(w, r, http.StatusOK, "ticket", p)
}

// residentPhotos fills in the photos of the resident's ticket page and the
// form to add one.
func (s *Server) residentPhotos(ctx context.Context, u auth.User, v *TicketView) error {
	base := "/tickets/" + v.T.Number
	v.UploadURL = base + "/photos"
	return s.fillPhotos(ctx, u, v, base)
}

// trackRate rates a ticket found by number and phone; the lookup runs again.
func (s *Server) trackRate(w http.ResponseWriter, r *http.Request) {
	number, phone := strings.TrimSpace(r.PostForm.Get("number")), r.PostForm.Get("phone")
	err := s.Limits.CheckTrack(r, number)
	var guest auth.User
	if err == nil {
		_, guest, err = s.Tickets.Lookup(r.Context(), number, phone)
	}
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if _, err := s.Tickets.Act(r.Context(), guest, number, ticket.ActionRate, ratingInput(r)); err != nil {
		s.rateFailed(w, r, guest, number, "/track/rate", phone, err)
		return
	}
	s.showLookup(w, r, tr(state(r).lang, "flash.rated"), false)
}

// rateFailed shows the ticket again with the rating error and what was typed.
func (s *Server) rateFailed(w http.ResponseWriter, r *http.Request, u auth.User, number, rateURL, phone string, err error) {
	s.ticketAgain(w, r, u, number, err, func(_ *Page, v *TicketView) {
		if v.Can(ticket.ActionRate) {
			v.RateURL = rateURL
		}
		v.Phone = phone
	})
}

// ticketAgain shows the resident's ticket page again after one of its forms
// failed: the error, and what fill sets (the form that failed, what was
// typed), the rest as the page shows it.
func (s *Server) ticketAgain(w http.ResponseWriter, r *http.Request, u auth.User, number string, err error, fill func(*Page, *TicketView)) {
	p := s.page(w, r, "ticket.title")
	status := s.formError(r, p, err)
	errs.SetRetryAfter(w.Header(), err)
	t, gerr := s.Tickets.Get(r.Context(), u, number)
	if gerr != nil {
		s.fail(w, r, gerr)
		return
	}
	v, verr := s.ticketView(r.Context(), p.Lang, u, t)
	if verr != nil {
		s.fail(w, r, verr)
		return
	}
	fill(p, v)
	v.Next = s.nextView(r.Context(), p.Lang, t, time.Now())
	if err := s.residentPhotos(r.Context(), u, v); err != nil {
		s.fail(w, r, err)
		return
	}
	p.Data = v
	s.render(w, r, status, "ticket", p)
}

// resident returns the logged-in resident, or sends the browser to log in.
func (s *Server) resident(w http.ResponseWriter, r *http.Request) *auth.User {
	u := s.user(r)
	if u == nil {
		redirect(w, r, "/login?next="+url.QueryEscape(r.URL.RequestURI()))
		return nil
	}
	return u
}

// ticketUser is who asks for a resident's ticket page or acts on it: the
// logged-in resident, or a guest who looked the ticket up in the last half
// hour (guest). Anyone else is sent to log in, and staff to their page of
// the ticket; u is nil then.
func (s *Server) ticketUser(w http.ResponseWriter, r *http.Request, number string) (u *auth.User, guest bool) {
	if u = s.user(r); u == nil {
		u, guest = s.lookupGuest(r, number), true
	}
	if u == nil {
		u, guest = s.resident(w, r), false
	}
	if u != nil && u.Role.IsStaff() {
		redirect(w, r, "/staff/tickets/"+url.PathEscape(number))
		return nil, false
	}
	return u, guest
}

func (s *Server) ticketPage(w http.ResponseWriter, r *http.Request) {
	number := r.PathValue("number")
	u, guest := s.ticketUser(w, r, number)
	if u == nil {
		return
	}
	p := s.page(w, r, "ticket.title")
	if done := r.URL.Query().Get("done"); done == "rate" {
		p.Flash = tr(p.Lang, "flash.rated")
	} else if slices.Contains(residentActions, done) {
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
		v.RateURL = "/tickets/" + t.Number + "/rate"
		if guest {
			v.RateURL, v.Phone = "/track/rate", u.Phone
		}
	}
	if err := s.residentPhotos(r.Context(), *u, v); err != nil {
		s.fail(w, r, err)
		return
	}
	v.PhotoNote = s.takePhotoFlash(w, r, p.Lang, t.Number)
	v.Next = s.nextView(r.Context(), p.Lang, t, time.Now())
	p.Data = v
	s.render(w, r, http.StatusOK, "ticket", p)
}

func (s *Server) rate(w http.ResponseWriter, r *http.Request) {
	u := s.resident(w, r)
	if u == nil {
		return
	}
	number := r.PathValue("number")
	if _, err := s.Tickets.Act(r.Context(), *u, number, ticket.ActionRate, ratingInput(r)); err != nil {
		s.rateFailed(w, r, *u, number, "/tickets/"+number+"/rate", "", err)
		return
	}
	redirect(w, r, "/tickets/"+url.PathEscape(number)+"?done=rate")
}

// LoginData is the state of the two-step code login.
type LoginData struct {
	Step    int // 1: phone, 2: code
	DevCode string
	Next    string
}

func (s *Server) loginForm(w http.ResponseWriter, r *http.Request) {
	p := s.page(w, r, "login.title")
	p.Data = &LoginData{Step: 1, Next: backPath(r, "next", "")}
	s.render(w, r, http.StatusOK, "login", p)
}

// requestCode sends a one-time code to the phone of the form, limited per
// client address; on a refusal it shows the form (page name) again with
// the error and ok is false.
func (s *Server) requestCode(w http.ResponseWriter, r *http.Request, p *Page, name string) (code string, ok bool) {
	err := limit.Check(s.Limits.CodeIP, limit.ClientIP(r))
	if err == nil {
		code, err = s.Auth.RequestCode(r.Context(), r.PostForm.Get("phone"))
	}
	if err != nil {
		status := s.formError(r, p, err)
		errs.SetRetryAfter(w.Header(), err)
		s.render(w, r, status, name, p)
		return "", false
	}
	return code, true
}

func (s *Server) loginCode(w http.ResponseWriter, r *http.Request) {
	p := s.page(w, r, "login.title")
	d := &LoginData{Step: 1, Next: backPath(r, "next", "")}
	p.Data = d
	code, ok := s.requestCode(w, r, p, "login")
	if !ok {
		return
	}
	d.Step, d.DevCode = 2, code
	p.Flash = tr(p.Lang, "login.sent")
	s.render(w, r, http.StatusOK, "login", p)
}

func (s *Server) login(w http.ResponseWriter, r *http.Request) {
	sess, err := s.Auth.LoginWithCode(r.Context(), r.PostForm.Get("phone"), strings.TrimSpace(r.PostForm.Get("code")), auth.KindWeb)
	if err != nil {
		p := s.page(w, r, "login.title")
		p.Data = &LoginData{Step: 2, Next: backPath(r, "next", "")}
		status := s.formError(r, p, err)
		s.render(w, r, status, "login", p)
		return
	}
	s.setSession(w, r, sess)
	// The elderly mode chosen on another device comes along.
	if on, err := s.Auth.LargeText(r.Context(), sess.User); err == nil && on {
		s.setBigCookie(w, r, true)
	}
	redirect(w, r, backPath(r, "next", "/my"))
}
