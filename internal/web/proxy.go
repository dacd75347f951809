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
	s.renderProxy(w, r, p, http.StatusOK)
}

func (s *Server) renderProxy(w http.ResponseWriter, r *http.Request, p *Page, status int) {
	d, err := s.submitData(r, p.Lang, "/staff/proxy")
	if err != nil {
		s.fail(w, r, err)
		return
	}
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
	switch {
	case strings.TrimSpace(in.ReporterName) == "":
		err = errs.Invalidf("请填写居民姓名", "enter the resident's name")
	case strings.TrimSpace(in.ReporterPhone) == "" && strings.TrimSpace(in.ReporterIDLast4) == "":
		err = errs.Invalidf("没有手机的居民须填写身份证后四位", "a resident with no phone is known by the last four of her ID card: enter them")
	}
	var t ticket.Ticket
	if err == nil {
		t, err = s.Tickets.Create(r.Context(), u, in)
	}
	if err != nil {
		p := s.page(w, r, "proxy.title")
		status := s.formError(r, p, err)
		s.renderProxy(w, r, p, status)
		return
	}
	if !ticket.CanView(*u, t) {
		redirect(w, r, "/staff?done=created&number="+url.QueryEscape(t.Number))
		return
	}
	redirect(w, r, "/staff/tickets/"+url.PathEscape(t.Number)+"?done=created")
}
