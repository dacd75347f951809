package api

import (
	"net/http"
	"strconv"

	"github.com/gongzhi/gongzhi/internal/auth"
	"github.com/gongzhi/gongzhi/internal/errs"
	"github.com/gongzhi/gongzhi/internal/transfer"
)

// ExportCap is the most rows one list export holds; a list past it must be
// narrowed by its filters.
var ExportCap = 100_000

// exportTickets is GET /api/v1/tickets/export: the ticket list a staff member
// sees, with the list's filters, as CSV or XLSX (see transfer.TicketList).
func (a *API) exportTickets(w http.ResponseWriter, r *http.Request, u auth.User) {
	if !u.Role.IsStaff() {
		a.fail(w, r, errs.New(errs.Forbidden, "只有工作人员可以导出工单", "only staff can export tickets"))
		return
	}
	q := r.URL.Query()
	format, err := transfer.ListFormat(q.Get("format"))
	if err != nil {
		a.fail(w, r, err)
		return
	}
	f, err := listFilter(q)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	ctx := r.Context()
	// The whole list is read before the answer starts, so a list past the
	// cap gets a plain 400 instead of a cut-off file.
	list, err := transfer.ReadTicketList(ctx, a.Tickets, a.Gov, u, f, ExportCap, transfer.WithNational(a.NatCodes))
	if err != nil {
		a.fail(w, r, err)
		return
	}
	// Lists are masked, so no personal data is read; the export itself is
	// still worth a line in the audit log.
	if err := a.Auth.Audit(ctx, u, auth.AuditExportTickets, "tickets", r.URL.RawQuery+" rows="+strconv.Itoa(list.Len())); err != nil {
		a.fail(w, r, err)
		return
	}
	if err := list.Serve(w, format); err != nil {
		a.fail(w, r, err)
	}
}
