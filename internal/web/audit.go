package web

import (
	"net/http"
	"net/url"
	"strings"

	"github.com/gongzhi/gongzhi/internal/auth"
)

// AuditData is the audit log search page.
type AuditData struct {
	Rows    []AuditRow
	NextURL string
}

// AuditRow is one entry as the page shows it.
type AuditRow struct {
	auth.AuditEntry
	ActionLabel string
	ObjectShort string // a phone's hash is long: its first characters
}

// audit is /staff/audit: the administrator and the auditor search the audit
// log by person, ticket, phone and time. Who may is decided by the auth
// service; the page only asks.
func (s *Server) audit(w http.ResponseWriter, r *http.Request) {
	u := s.user(r)
	if u == nil {
		redirect(w, r, "/staff/login?next="+url.QueryEscape(r.URL.RequestURI()))
		return
	}
	q := r.URL.Query()
	p := s.page(w, r, "audit.title")
	p.Form = q
	f, err := auth.ParseAuditQuery(q)
	var page auth.AuditPage
	if err == nil {
		page, err = s.Auth.SearchAudit(r.Context(), *u, f)
	}
	if err != nil {
		if statusOf(err) == http.StatusForbidden {
			s.fail(w, r, err)
			return
		}
		status := s.formError(r, p, err)
		p.Data = &AuditData{}
		s.render(w, r, status, "staff_audit", p)
		return
	}
	d := &AuditData{}
	for _, e := range page.Items {
		row := AuditRow{AuditEntry: e, ActionLabel: e.Action, ObjectShort: e.Object}
		if l := tr(p.Lang, "audit.action."+e.Action); l != "audit.action."+e.Action {
			row.ActionLabel = l
		}
		if h, ok := strings.CutPrefix(e.Object, "phone:"); ok && len(h) == 64 {
			row.ObjectShort = "phone:" + h[:12] + "…"
		}
		d.Rows = append(d.Rows, row)
	}
	if page.NextCursor != "" {
		next := url.Values{}
		for _, k := range []string{"actor", "ticket", "phone", "from", "to", "limit"} {
			if v := q.Get(k); v != "" {
				next.Set(k, v)
			}
		}
		next.Set("cursor", page.NextCursor)
		d.NextURL = "/staff/audit?" + next.Encode()
	}
	p.Data = d
	s.render(w, r, http.StatusOK, "staff_audit", p)
}
