package web

import (
	"bytes"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/gongzhi/gongzhi/internal/errs"
	"github.com/gongzhi/gongzhi/internal/trail"
	"github.com/gongzhi/gongzhi/internal/transfer"
)

// The staff's page of an item's responsibility trail (责任链), linked from
// the staff pages of tickets, proposals, projects, mediation cases and
// service requests, with its CSV and XLSX files. Who may read it is the
// item's capability's; this page only lays the trail out.

func (s *Server) trailRoutes(h route) {
	h("GET /staff/trail/{kind}/{number}", s.staffTrail)
}

var errNoTrail = errs.New(errs.Unavailable, "责任链服务未启用", "the trail is not available")

// TrailData is the trail's page.
type TrailData struct {
	T        trail.Trail
	Kind     string // the kind's words
	At       string // when it was measured
	Back     string // the item's staff page
	Rows     []TrailRow
	Overdue  int // steps past their limit
	Returned int // steps that ended in a return, a re-dispatch or an escalation
}

// TrailRow is one step in the page's words.
type TrailRow struct {
	trail.Row
	StageWord, HolderWord, LimitWord, EndWord string
	From, To, Due                             string
	Wall, Working, Over, OverW                string
	Passed                                    bool // the step ended by passing the item on or back
}

// trailBacks are the items' staff pages.
var trailBacks = map[string]string{
	trail.KindTicket: "/staff/tickets/", trail.KindProposal: "/staff/proposals/", trail.KindProject: "/staff/projects/",
	trail.KindMediation: "/staff/mediation/", trail.KindService: "/staff/services/requests/",
}

// passing are the ends that hand an item on or back, which the page marks.
var passing = map[string]bool{"return": true, "redispatch": true, "approve_return": true, "reject_return": true,
	"escalate": true, "whistle": true, "redo": true, "to_ticket": true, "decline": true, "check": true}

func (s *Server) staffTrail(w http.ResponseWriter, r *http.Request) {
	u := s.staff(w, r)
	if u == nil {
		return
	}
	if s.Trail == nil {
		s.fail(w, r, errNoTrail)
		return
	}
	number, format := r.PathValue("number"), "html"
	for _, ext := range []string{"csv", "xlsx"} {
		if n, ok := strings.CutSuffix(number, "."+ext); ok {
			number, format = n, ext
		}
	}
	t, err := s.Trail.Get(r.Context(), *u, r.PathValue("kind"), number)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if format != "html" {
		s.trailFile(w, r, t, format)
		return
	}
	p := s.page(w, r, "trail.title")
	en := p.Lang == "en"
	d := &TrailData{T: t, Kind: trail.KindWord(t.Kind, en), Back: trailBacks[t.Kind] + t.Number,
		At: t.At.In(s.loc).Format("2006-01-02 15:04")}
	for _, row := range t.Rows {
		d.Rows = append(d.Rows, trailRow(row, en, s.loc))
		if row.Limit == trail.LimitOverdue {
			d.Overdue++
		}
		if passing[row.EndKind] {
			d.Returned++
		}
	}
	p.Data = d
	s.render(w, r, http.StatusOK, "staff_trail", p)
}

func trailRow(row trail.Row, en bool, loc *time.Location) TrailRow {
	at := func(t *time.Time) string {
		if t == nil {
			return ""
		}
		return t.In(loc).Format("2006-01-02 15:04")
	}
	tr := TrailRow{Row: row, StageWord: trail.StageWord(row.Stage, en), HolderWord: trail.HolderWord(row, en),
		LimitWord: trail.LimitWord(row.Limit, en), EndWord: trail.EndWord(row.EndKind, en),
		From: at(&row.From), To: at(row.To), Due: at(row.Due),
		Wall: trail.Span(row.Wall, false, en), Working: trail.Span(row.Working, true, en), Passed: passing[row.EndKind]}
	if row.Limit == trail.LimitOverdue {
		tr.Over, tr.OverW = trail.Span(row.Overdue, false, en), trail.Span(row.OverdueW, true, en)
	}
	return tr
}

// trailFile sends the trail as CSV (cells neutralised against formulas) or XLSX.
func (s *Server) trailFile(w http.ResponseWriter, r *http.Request, t trail.Trail, format string) {
	var buf bytes.Buffer
	var err error
	ctype := "text/csv; charset=utf-8"
	if format == "csv" {
		err = trail.WriteCSV(&buf, t, s.loc, transfer.CSVCell)
	} else {
		err, ctype = trail.WriteXLSX(&buf, t, s.loc), trail.XLSXType
	}
	if err != nil {
		s.fail(w, r, errs.Wrap(err, "write trail"))
		return
	}
	h := w.Header()
	h.Set("Content-Type", ctype)
	h.Set("Content-Disposition", `attachment; filename="`+trail.FileName(t, format)+`"`)
	h.Set("Cache-Control", "no-store")
	h.Set("Content-Length", strconv.Itoa(buf.Len()))
	w.WriteHeader(http.StatusOK)
	w.Write(buf.Bytes())
}
