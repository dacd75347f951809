package web

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/gongzhi/gongzhi/internal/auth"
	"github.com/gongzhi/gongzhi/internal/errs"
	"github.com/gongzhi/gongzhi/internal/ticket"
	"github.com/gongzhi/gongzhi/internal/transfer"
)

// Batch work and saved filters of the workbench. The ticket service checks
// each ticket of a batch (ActMany) and owns the saved filters; these
// handlers only map the forms.

// BatchData is the page of a batch's results.
type BatchData struct {
	Action  string
	Results []ticket.BatchResult
	Done    int
	Refused int
	Back    string
}

// batchNumbers reads the selected tickets of a form.
func batchNumbers(r *http.Request) []string {
	var out []string
	for _, n := range r.PostForm["number"] {
		if n = strings.TrimSpace(n); n != "" {
			out = append(out, n)
		}
	}
	return out
}

// staffBatch is POST /staff/batch: dispatch, remind or export the tickets
// selected on the workbench.
func (s *Server) staffBatch(w http.ResponseWriter, r *http.Request) {
	u := s.staff(w, r)
	if u == nil {
		return
	}
	numbers, action := batchNumbers(r), r.PostForm.Get("action")
	back := backPath(r, "back", "/staff")
	if !strings.HasPrefix(back, "/staff") {
		back = "/staff"
	}
	if format, ok := strings.CutPrefix(action, "export_"); ok {
		s.batchExport(w, r, u, numbers, format)
		return
	}
	p := s.page(w, r, "batch.title")
	d := &BatchData{Action: action, Back: back}
	p.Data = d
	in := ticket.ActionInput{Note: r.PostForm.Get("note")}
	if action == ticket.ActionDispatch {
		in.OrgCode = r.PostForm.Get("org_code")
	}
	res, err := s.Tickets.ActMany(r.Context(), *u, action, numbers, in)
	d.Results = res
	for _, x := range res {
		if x.OK {
			d.Done++
		} else {
			d.Refused++
		}
	}
	code := http.StatusOK
	if err != nil {
		if de := errs.As(err); de.Code != errs.Invalid && de.Code != errs.Forbidden {
			s.fail(w, r, err)
			return
		}
		code = s.formError(r, p, err)
	}
	s.render(w, r, code, "staff_batch", p)
}

// batchExport answers with the selected tickets as a file, read as the
// workbench's list reads them (masked), and audited as every export is.
func (s *Server) batchExport(w http.ResponseWriter, r *http.Request, u *auth.User, numbers []string, format string) {
	format, err := transfer.ListFormat(format)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	list, err := transfer.ReadSelected(r.Context(), s.Tickets, s.Gov, *u, numbers, transfer.WithNational(s.NatCodes))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if err := s.Auth.Audit(r.Context(), *u, auth.AuditExportTickets, "tickets", "web selected rows="+strconv.Itoa(list.Len())); err != nil {
		s.fail(w, r, err)
		return
	}
	if err := list.Serve(w, format); err != nil {
		s.fail(w, r, err)
	}
}

// saveFilter is POST /staff/filters: keep the workbench's filter under a
// name, then show it.
func (s *Server) saveFilter(w http.ResponseWriter, r *http.Request) {
	u := s.staff(w, r)
	if u == nil {
		return
	}
	sf, err := s.Tickets.SaveFilter(r.Context(), *u, ticket.SavedFilter{Name: r.PostForm.Get("name"), Query: r.PostForm.Get("query")})
	if err != nil {
		s.failFilter(w, r, u, err)
		return
	}
	redirect(w, r, "/staff?"+sf.Query+"&done=filter_saved")
}

// deleteFilter is POST /staff/filters/delete.
func (s *Server) deleteFilter(w http.ResponseWriter, r *http.Request) {
	u := s.staff(w, r)
	if u == nil {
		return
	}
	if err := s.Tickets.DeleteFilter(r.Context(), *u, r.PostForm.Get("name")); err != nil {
		s.failFilter(w, r, u, err)
		return
	}
	back := backPath(r, "back", "/staff")
	if !strings.HasPrefix(back, "/staff") {
		back = "/staff"
	}
	sep := "?"
	if strings.Contains(back, "?") {
		sep = "&"
	}
	redirect(w, r, back+sep+"done=filter_deleted")
}

// failFilter shows the workbench of the filter being saved, with the error
// above it; a fault of the system is the error page.
func (s *Server) failFilter(w http.ResponseWriter, r *http.Request, u *auth.User, err error) {
	if de := errs.As(err); de.Code != errs.Invalid && de.Code != errs.NotFound && de.Code != errs.Forbidden {
		s.fail(w, r, err)
		return
	}
	q, perr := url.ParseQuery(r.PostForm.Get("query"))
	if perr != nil {
		q = url.Values{}
	}
	q = wbValues(q)
	q.Set("status", q.Get("status"))
	s.workbench(w, r, u, q, err)
}
