package web

import (
	"net/http"
	"net/url"
	"strconv"

	"github.com/gongzhi/gongzhi/internal/auth"
	"github.com/gongzhi/gongzhi/internal/transfer"
)

// ExportCap is the most rows one list export from the workbench holds, as
// for the JSON API's export.
var ExportCap = 100_000

// exportURL is /staff/export in the format with the workbench filters of q.
func exportURL(q url.Values, format string) string {
	v := wbValues(q)
	v.Set("format", format)
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
	f, err := s.listFilter(*u, q) // as on the workbench
	if err != nil {
		s.fail(w, r, err)
		return
	}
	ctx := r.Context()
	list, err := transfer.ReadTicketList(ctx, s.Tickets, s.Gov, *u, f, ExportCap, transfer.WithNational(s.NatCodes))
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
