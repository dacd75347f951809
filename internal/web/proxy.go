package web

import (
	"net/http"
	"net/url"
	"strings"

	"github.com/gongzhi/gongzhi/internal/errs"
	"github.com/gongzhi/gongzhi/internal/ticket"
)

// 代老人登记: staff register a request for a resident with no phone of her
// own, known by her name and the last four characters of her ID card. The
// ticket records it (channel proxy, the identity on the ticket, the first
// event's note, ticket.createNote); she follows it by its number or through
// staff. Who may register, and where, is the ticket capability's rule.

func (s *Server) proxyForm(w http.ResponseWriter, r *http.Request) {
	u := s.staff(w, r)
	if u == nil {
		return
	}
	if !canRegister(u) {
		s.fail(w, r, errs.ErrForbidden)
		return
	}
	p := s.page(w, r, "proxy.title")
	p.Form = url.Values{}
	s.renderProxy(w, r, p, http.StatusOK, "")
}

// proxyTarget maps the ticket service's fields to the proxy form's
// controls; the identity's problems are the name's field in the service.
var proxyTarget = map[string]string{
	ticket.FieldName: "reporter_id_last4", ticket.FieldPhone: "reporter_phone", ticket.FieldCategory: "category_code",
	ticket.FieldText: "description", ticket.FieldPlace: "community", ticket.FieldArea: "community", ticket.FieldAddress: "address",
}

// renderProxy shows the form; focus, when set, is the wrong field.
func (s *Server) renderProxy(w http.ResponseWriter, r *http.Request, p *Page, status int, focus string) {
	d, err := s.submitData(r, p.Lang, "/staff/proxy")
	if err != nil {
		s.fail(w, r, err)
		return
	}
	d.Focus = focus
	p.Data = d
	s.render(w, r, status, "staff_proxy", p)
}

func (s *Server) proxySubmit(w http.ResponseWriter, r *http.Request) {
	u := s.staff(w, r)
	if u == nil {
		return
	}
	in := newTicket(r)
	in.Channel, in.Kind, in.Urgency = ticket.ChannelProxy, ticket.KindHelp, ""
	in.ReporterIDLast4 = r.PostForm.Get("reporter_id_last4")
	var err error
	var focus string // the first wrong field, which takes the cursor
	switch {
	case strings.TrimSpace(in.ReporterName) == "":
		err, focus = errs.Invalidf("请填写居民姓名", "enter the resident's name"), "reporter_name"
	case strings.TrimSpace(in.ReporterPhone) == "" && strings.TrimSpace(in.ReporterIDLast4) == "":
		err, focus = errs.Invalidf("没有手机的居民须填写身份证后四位", "a resident with no phone is known by the last four of her ID card: enter them"), "reporter_id_last4"
	}
	if err == nil {
		if fe := s.Tickets.Validate(r.Context(), u, in); len(fe) > 0 {
			err, focus = fe.Err(), proxyTarget[fe.Fields()[0]]
		}
	}
	var t ticket.Ticket
	if err == nil {
		t, err = s.Tickets.Create(r.Context(), u, in)
	}
	if err != nil {
		p := s.page(w, r, "proxy.title")
		status := s.formError(r, p, err)
		s.renderProxy(w, r, p, status, focus)
		return
	}
	if !ticket.CanView(*u, t) {
		redirect(w, r, "/staff?done=created&number="+url.QueryEscape(t.Number))
		return
	}
	redirect(w, r, "/staff/tickets/"+url.PathEscape(t.Number)+"?done=created")
}
