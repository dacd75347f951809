package web

import (
	"net/http"
	"net/url"
	"strconv"

	"github.com/gongzhi/gongzhi/internal/auth"
	"github.com/gongzhi/gongzhi/internal/errs"
	"github.com/gongzhi/gongzhi/internal/ticket"
	"github.com/gongzhi/gongzhi/internal/transfer"
)

// ExportCap is the most rows one list export from the workbench holds, as
// for the JSON API's export.
var ExportCap = 100_000

// exportURL is /staff/export in the format with the workbench filters of q.
func exportURL(q url.Values, format string) string {
	v := url.Values{"format": {format}}
	for _, k := range []string{"status", "light", "overdue", "part"} {
		if q.Get(k) != "" {
			v.Set(k, q.Get(k))
		}
	}
	return "/staff/export?" + v.Encode()
}

// staffExport is GET /staff/export: the workbench list, with its filters,
// as an XLSX or CSV file (the same file as GET /api/v1/tickets/export).
func (s *Server) staffExport(w http.ResponseWriter, r *http.Request) {
	u := s.staff(w, r)
	if u == nil {
		return
	}
	q := r.URL.Query()
	format, err := transfer.ListFormat(q.Get("format"))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	f := ticket.Filter{Status: ticket.Status(q.Get("status")), Light: ticket.Light(q.Get("light"))}
	switch q.Get("overdue") {
	case "", "0", "false":
	case "1", "true":
		f.Overdue = true
	default:
		s.fail(w, r, errs.Invalidf("overdue 须为 1 或 0", "overdue must be 1 or 0"))
		return
	}
	if u.Role == auth.RoleHandler { // as on the workbench
		f.Part = q.Get("part")
	}
	ctx := r.Context()
	list, err := transfer.ReadTicketList(ctx, s.Tickets, s.Gov, *u, f, ExportCap)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if err := s.Auth.Audit(ctx, *u, auth.AuditExportTickets, "tickets", "web "+r.URL.RawQuery+" rows="+strconv.Itoa(list.Len())); err != nil {
		s.fail(w, r, err)
		return
	}
	if err := list.Serve(w, format); err != nil {
		s.fail(w, r, err)
	}
}
