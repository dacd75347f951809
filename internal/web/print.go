package web

import (
	"bytes"
	"net/http"
	"time"

	"github.com/gongzhi/gongzhi/internal/errs"
)

// The print page of a ticket: the 工单 on A4 with its facts and its whole
// staff timeline, for files and meetings. It is an HTML page with print
// rules (static/print.css); a PDF is the browser's "save as PDF" of it, so
// the server carries no PDF writer and no Chinese fonts. Who may print a
// ticket is who may read it as staff: the page reads it with the ticket
// service's Get, which masks the reporter where the staff page does and
// writes the audit entry of a read of personal data.

// PrintData is the print page of one ticket.
type PrintData struct {
	V         *TicketView
	District  string // the district's name, for the header
	PrintedAt time.Time
	PrintedBy string // the name (or login) of who printed it
	BackURL   string // the staff ticket page
}

func (s *Server) staffPrint(w http.ResponseWriter, r *http.Request) {
	u := s.staff(w, r)
	if u == nil {
		return
	}
	p := s.page(w, r, "print.title")
	ctx := r.Context()
	t, err := s.Tickets.Get(ctx, *u, r.PathValue("number"))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	v, err := s.ticketView(ctx, p.Lang, *u, t)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if err := s.fillPhotos(ctx, *u, v, "/staff/tickets/"+t.Number); err != nil {
		s.fail(w, r, err)
		return
	}
	d := &PrintData{V: v, PrintedAt: time.Now(), PrintedBy: u.Name, BackURL: "/staff/tickets/" + t.Number}
	if d.PrintedBy == "" {
		d.PrintedBy = u.Username
	}
	if area, err := s.district(ctx); err == nil {
		d.District = area.Name
	} else if !errs.Is(err, errs.NotFound) {
		s.fail(w, r, err)
		return
	}
	p.Data = d
	s.renderPrint(w, r, p)
}

// renderPrint writes the print page: its own document ("print" in
// staff_print.html), without the site's header, menu and footer.
func (s *Server) renderPrint(w http.ResponseWriter, r *http.Request, p *Page) {
	var buf bytes.Buffer
	if err := s.pages[p.Lang]["staff_print"].ExecuteTemplate(&buf, "print", p); err != nil {
		s.fail(w, r, errs.Wrap(err, "render the print page"))
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.Write(buf.Bytes())
}
