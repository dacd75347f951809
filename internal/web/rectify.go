package web

import (
	"net/http"
	"net/url"
	"sort"
	"strconv"
	"time"

	"github.com/gongzhi/gongzhi/internal/auth"
	"github.com/gongzhi/gongzhi/internal/errs"
	"github.com/gongzhi/gongzhi/internal/evaluation"
	"github.com/gongzhi/gongzhi/internal/gov"
	"github.com/gongzhi/gongzhi/internal/rootcause"
)

// Rectification (整改) pages: the list, the form that sets a task, and the
// task page where the unit submits its measures and a supervisor reviews
// them. Who may do what is the evaluation service's: it is asked every time.

// RectsData is the list of tasks.
type RectsData struct {
	Items      []evaluation.Rectification
	Filter     string // "", open, submitted, accepted, rejected, overdue
	Tabs       []Tab
	NextURL    string
	CanCreate  bool
	Month      string // for "create from ranking"
	Months     []string
	DefaultDue string
}

func (s *Server) rectifications(w http.ResponseWriter, r *http.Request) {
	u := s.evalStaff(w, r, canRectList, "您没有可查看的整改任务", "you have no rectification tasks to see")
	if u == nil {
		return
	}
	ctx := r.Context()
	q := r.URL.Query()
	pg := s.page(w, r, "rect.title")
	if done := q.Get("done"); done != "" {
		if _, ok := messages["flash.rect."+done]; ok {
			pg.Flash = tr(pg.Lang, "flash.rect."+done, q.Get("n"))
		}
	}
	d := &RectsData{Filter: q.Get("filter"), CanCreate: canSupervise(u)}
	f := evaluation.RectFilter{Cursor: q.Get("cursor")}
	switch d.Filter {
	case "overdue":
		f.Overdue = true
	case evaluation.RectOpen, evaluation.RectSubmitted, evaluation.RectAccepted, evaluation.RectRejected:
		f.Status = d.Filter
	default:
		d.Filter = ""
	}
	for _, x := range []string{"", evaluation.RectOpen, "overdue", evaluation.RectSubmitted, evaluation.RectRejected, evaluation.RectAccepted} {
		label := tr(pg.Lang, "rect.filter.all")
		if x != "" {
			label = tr(pg.Lang, "rect.filter."+x)
		}
		d.Tabs = append(d.Tabs, Tab{Status: x, Label: label, Active: x == d.Filter, URL: "/staff/rectifications?filter=" + x})
	}
	items, next, err := s.Evaluation.Rectifications(ctx, *u, f)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	// Overdue first, then by deadline.
	sort.SliceStable(items, func(i, j int) bool {
		if items[i].Overdue != items[j].Overdue {
			return items[i].Overdue
		}
		return items[i].Deadline.Before(items[j].Deadline)
	})
	d.Items = items
	if next != "" {
		d.NextURL = "/staff/rectifications?" + url.Values{"filter": {d.Filter}, "cursor": {next}}.Encode()
	}
	if d.CanCreate {
		_, _, months, err := s.evalMonth(r)
		if err != nil {
			s.fail(w, r, err)
			return
		}
		d.Months = months
		if len(months) > 1 {
			d.Month = months[1] // the last complete month
		}
		d.DefaultDue = time.Now().In(s.loc).AddDate(0, 0, 30).Format("2006-01-02")
	}
	pg.Data = d
	s.render(w, r, http.StatusOK, "staff_rects", pg)
}

// RectNewData is the form that sets a task.
type RectNewData struct {
	Units  []Group
	Owners []Group
}

func (s *Server) rectNewPage(w http.ResponseWriter, r *http.Request, pg *Page, u *auth.User, status int) {
	ctx := r.Context()
	orgs, err := s.Gov.Orgs(ctx, gov.OrgFilter{AreaCode: u.AreaCode})
	if err != nil {
		s.fail(w, r, err)
		return
	}
	d := &RectNewData{}
	byKind := map[gov.OrgKind]*Group{}
	names := map[string]string{}
	for _, k := range []gov.OrgKind{gov.KindStreetOffice, gov.KindDepartment} {
		byKind[k] = &Group{Label: tr(pg.Lang, "orgkind."+string(k))}
	}
	for _, o := range orgs {
		names[o.Code] = o.Name
		if g := byKind[o.Kind]; g != nil {
			g.Options = append(g.Options, Option{Value: o.Code, Label: o.Name})
		}
	}
	d.Units = []Group{*byKind[gov.KindStreetOffice], *byKind[gov.KindDepartment]}
	// A chosen unit outside the two usual kinds stays choosable.
	if c := pg.V("org_code"); c != "" && names[c] != "" {
		found := false
		for _, g := range d.Units {
			for _, o := range g.Options {
				found = found || o.Value == c
			}
		}
		if !found {
			d.Units = append(d.Units, Group{Label: tr(pg.Lang, "orgkind.other"), Options: []Option{{Value: c, Label: names[c]}}})
		}
	}
	users, err := s.Auth.Users(ctx, false)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	owners := map[string]*Group{}
	var order []string
	for _, x := range users {
		if x.OrgCode == "" || x.Disabled || names[x.OrgCode] == "" || x.Role != auth.RoleHandler {
			continue
		}
		g := owners[x.OrgCode]
		if g == nil {
			g = &Group{Label: names[x.OrgCode], Value: x.OrgCode}
			owners[x.OrgCode] = g
			order = append(order, x.OrgCode)
		}
		label := x.Username
		if x.Name != "" {
			label = x.Name + "（" + x.Username + "）"
		}
		g.Options = append(g.Options, Option{Value: x.ID, Label: label})
	}
	sort.Strings(order)
	for _, k := range order {
		d.Owners = append(d.Owners, *owners[k])
	}
	pg.Data = d
	s.render(w, r, status, "staff_rect_new", pg)
}

func (s *Server) rectNew(w http.ResponseWriter, r *http.Request) {
	u := s.evalStaff(w, r, canSupervise, "只有督办人员和系统管理员可以下达整改任务", "only supervisors and administrators set rectification tasks")
	if u == nil {
		return
	}
	pg := s.page(w, r, "rect.new")
	q := r.URL.Query()
	pg.Form = url.Values{"deadline": {time.Now().In(s.loc).AddDate(0, 0, 30).Format("2006-01-02")}}
	if org := q.Get("org_code"); org != "" && gov.ValidCode(org) {
		pg.Form.Set("org_code", org)
		if m := q.Get("month"); m != "" {
			pg.Form.Set("title", tr(pg.Lang, "rect.auto.title", m))
			if rk, err := s.Evaluation.Rank(r.Context(), m, evaluation.GroupOrg, ""); err == nil {
				for _, row := range rk.Rows {
					if row.OrgCode == org {
						pg.Form.Set("reason", tr(pg.Lang, "rect.auto.reason", m, scoreText(row.Score), pct(row.ResponseRate), pct(row.ResolutionRate), pct(row.SatisfactionRate)))
					}
				}
			}
		}
	}
	s.rectNewPage(w, r, pg, u, http.StatusOK)
}

func (s *Server) rectCreate(w http.ResponseWriter, r *http.Request) {
	u := s.evalStaff(w, r, canSupervise, "只有督办人员和系统管理员可以下达整改任务", "only supervisors and administrators set rectification tasks")
	if u == nil {
		return
	}
	f := r.PostForm
	t, err := s.Evaluation.CreateRectification(r.Context(), *u, evaluation.NewRectification{OrgCode: f.Get("org_code"),
		Title: f.Get("title"), Reason: f.Get("reason"), OwnerUserID: f.Get("owner_user_id"), Deadline: f.Get("deadline")})
	if err != nil {
		pg := s.page(w, r, "rect.new")
		status := s.formError(r, pg, err)
		s.rectNewPage(w, r, pg, u, status)
		return
	}
	redirect(w, r, "/staff/rectifications/"+t.ID+"?done=created")
}

func (s *Server) rectFromRanking(w http.ResponseWriter, r *http.Request) {
	u := s.evalStaff(w, r, canSupervise, "只有督办人员和系统管理员可以下达整改任务", "only supervisors and administrators set rectification tasks")
	if u == nil {
		return
	}
	d, err := s.district(r.Context())
	if err != nil {
		s.fail(w, r, err)
		return
	}
	items, err := s.Evaluation.RectifyFromRanking(r.Context(), *u, r.PostForm.Get("month"), d.Code, r.PostForm.Get("deadline"))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	redirect(w, r, "/staff/rectifications?done=ranked&n="+strconv.Itoa(len(items)))
}

// RectData is one task.
type RectData struct {
	T         evaluation.Rectification
	Owner     string
	Creator   string
	Reviewer  string
	CanSubmit bool
	CanReview bool
	Failed    string // the form that failed: submit or review
	// RootCause is the task's root-cause record (nil: none yet); the
	// page shows it and links to its own page (workload.go).
	RootCause *rootcause.Record
}

func (s *Server) rectPage(w http.ResponseWriter, r *http.Request, pg *Page, u *auth.User, t evaluation.Rectification, status int, failed string) {
	ctx := r.Context()
	d := &RectData{T: t, Failed: failed}
	who := func(id string) string {
		if id == "" {
			return "—"
		}
		x, err := s.Auth.User(ctx, id)
		if err != nil {
			return id
		}
		if x.Name != "" {
			return x.Name
		}
		return x.Username
	}
	d.Owner, d.Creator, d.Reviewer = who(t.OwnerUserID), who(t.CreatedBy), who(t.ReviewedBy)
	d.CanSubmit = evaluation.CanSubmitRect(*u, t)
	d.CanReview = evaluation.CanReviewRect(*u, t)
	if h, err := s.Evaluation.RectRootCause(ctx, *u, t.ID); err == nil && len(h) > 0 {
		d.RootCause = &h[0]
	}
	pg.Data = d
	s.render(w, r, status, "staff_rect", pg)
}

func (s *Server) rectification(w http.ResponseWriter, r *http.Request) {
	u := s.evalStaff(w, r, canRectList, "您没有可查看的整改任务", "you have no rectification tasks to see")
	if u == nil {
		return
	}
	t, err := s.Evaluation.Rectification(r.Context(), *u, r.PathValue("id"))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	pg := s.page(w, r, "rect.task")
	if done := r.URL.Query().Get("done"); done != "" {
		if _, ok := messages["flash.rect."+done]; ok {
			pg.Flash = tr(pg.Lang, "flash.rect."+done)
		}
	}
	s.rectPage(w, r, pg, u, t, http.StatusOK, "")
}

func (s *Server) rectAct(w http.ResponseWriter, r *http.Request) {
	u := s.evalStaff(w, r, canRectList, "您没有可查看的整改任务", "you have no rectification tasks to see")
	if u == nil {
		return
	}
	ctx := r.Context()
	id, action := r.PathValue("id"), r.PathValue("action")
	f := r.PostForm
	var err error
	done := ""
	switch action {
	case "submit":
		_, err = s.Evaluation.SubmitRectification(ctx, *u, id, evaluation.Submission{Measures: f.Get("measures"), Evidence: f.Get("evidence")})
		done = "submitted"
	case "review":
		rv := evaluation.Review{Note: f.Get("note")}
		switch f.Get("decision") {
		case "accept":
			b := true
			rv.Accept = &b
			done = "accepted"
		case "reject":
			b := false
			rv.Accept = &b
			done = "rejected"
		}
		_, err = s.Evaluation.ReviewRectification(ctx, *u, id, rv)
	default:
		s.fail(w, r, errs.NotFoundf("未知的操作：%q", "unknown action: %q", action))
		return
	}
	if err != nil {
		t, gerr := s.Evaluation.Rectification(ctx, *u, id)
		if gerr != nil {
			s.fail(w, r, gerr)
			return
		}
		pg := s.page(w, r, "rect.task")
		status := s.formError(r, pg, err)
		s.rectPage(w, r, pg, u, t, status, action)
		return
	}
	redirect(w, r, "/staff/rectifications/"+id+"?done="+done)
}
