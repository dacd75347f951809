package web

import (
	"net/http"
	"sort"
	"strings"

	"github.com/gongzhi/gongzhi/internal/errs"
	"github.com/gongzhi/gongzhi/internal/ticket"
)

// LimitRow is one line of the time-limit table in words.
type LimitRow struct {
	ticket.TimeLimit
	Category string // the category's name, or 全部分类
	Default  bool   // a default line: changed, never deleted
}

// TimeLimitsData is the time-limit administration page.
type TimeLimitsData struct {
	Rows       []LimitRow
	Categories []Group
	Kinds      []Option
	Urgencies  []Option
	// The error of the form in both languages, shown next to it.
	ErrZh, ErrEn string
}

func (s *Server) adminOnly(w http.ResponseWriter, r *http.Request) bool {
	return s.onlyAdmin(w, r, errs.New(errs.Forbidden, "只有系统管理员可以设置办理时限", "only administrators can set time limits")) != nil
}

func (s *Server) timeLimitsPage(w http.ResponseWriter, r *http.Request, p *Page, status int, formErr error) {
	lines, err := s.Tickets.TimeLimits(r.Context())
	if err != nil {
		s.fail(w, r, err)
		return
	}
	groups, names, err := s.categoryGroups(r.Context(), p.Lang)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	d := &TimeLimitsData{Categories: groups}
	if formErr != nil {
		e := errs.As(formErr)
		d.ErrZh, d.ErrEn = e.Msg, e.MsgEn
		if e.Code == errs.Internal {
			s.Log.Error("time limits", "err", formErr)
		}
	}
	rank := map[ticket.Urgency]int{}
	for i, u := range ticket.Urgencies {
		rank[u] = i
	}
	sort.SliceStable(lines, func(i, j int) bool {
		a, b := lines[i], lines[j]
		if a.CategoryCode != b.CategoryCode {
			return a.CategoryCode < b.CategoryCode
		}
		if a.Kind != b.Kind {
			return a.Kind < b.Kind
		}
		return rank[a.Urgency] < rank[b.Urgency]
	})
	for _, tl := range lines {
		row := LimitRow{TimeLimit: tl, Category: names[tl.CategoryCode], Default: tl.CategoryCode == "" && tl.Kind == ""}
		if tl.CategoryCode == "" {
			row.Category = tr(p.Lang, "tl.allcats")
		} else if row.Category == "" {
			row.Category = tl.CategoryCode
		}
		d.Rows = append(d.Rows, row)
	}
	for _, k := range ticket.Kinds {
		d.Kinds = append(d.Kinds, Option{Value: string(k), Label: tr(p.Lang, "kind."+string(k))})
	}
	for _, u := range ticket.Urgencies {
		d.Urgencies = append(d.Urgencies, Option{Value: string(u), Label: tr(p.Lang, "urgency."+string(u))})
	}
	p.Data = d
	s.render(w, r, status, "staff_timelimits", p)
}

func (s *Server) timeLimits(w http.ResponseWriter, r *http.Request) {
	if !s.adminOnly(w, r) {
		return
	}
	p := s.page(w, r, "tl.title")
	if done := r.URL.Query().Get("done"); done == "set" || done == "deleted" {
		p.Flash = tr(p.Lang, "flash.tl."+done)
	}
	p.Form = map[string][]string{"urgency": {string(ticket.UrgencyNormal)}}
	s.timeLimitsPage(w, r, p, http.StatusOK, nil)
}

// parseLimitField reads one limit of the form, naming the field in the error.
func parseLimitField(v, zh, en string) (ticket.Limit, error) {
	if strings.TrimSpace(v) == "" {
		return ticket.Limit{}, errs.New(errs.Invalid, "请填写"+zh, en+" is required")
	}
	l, err := ticket.ParseLimit(v)
	if err != nil {
		e := errs.As(err)
		return l, errs.New(errs.Invalid, zh+"："+e.Msg, en+": "+e.MsgEn)
	}
	return l, nil
}

func (s *Server) setTimeLimit(w http.ResponseWriter, r *http.Request) {
	if !s.adminOnly(w, r) {
		return
	}
	f := r.PostForm
	tl := ticket.TimeLimit{CategoryCode: strings.TrimSpace(f.Get("category_code")), Kind: ticket.Kind(f.Get("kind")),
		Urgency: ticket.Urgency(f.Get("urgency"))}
	var err error
	for _, x := range []struct {
		into   *ticket.Limit
		key    string
		zh, en string
	}{
		{&tl.Sign, "sign", "签收时限", "sign limit"},
		{&tl.Contact, "contact", "联系时限", "contact limit"},
		{&tl.Complete, "complete", "办结时限", "completion limit"},
	} {
		if err == nil {
			*x.into, err = parseLimitField(f.Get(x.key), x.zh, x.en)
		}
	}
	if err == nil {
		err = s.Tickets.SetTimeLimit(r.Context(), tl)
	}
	if err != nil {
		p := s.page(w, r, "tl.title")
		s.timeLimitsPage(w, r, p, statusOf(err), err)
		return
	}
	redirect(w, r, "/staff/timelimits?done=set")
}

func (s *Server) deleteTimeLimit(w http.ResponseWriter, r *http.Request) {
	if !s.adminOnly(w, r) {
		return
	}
	f := r.PostForm
	err := s.Tickets.DeleteTimeLimit(r.Context(), f.Get("category_code"), ticket.Kind(f.Get("kind")), ticket.Urgency(f.Get("urgency")))
	if err != nil {
		p := s.page(w, r, "tl.title")
		p.Form = nil
		s.timeLimitsPage(w, r, p, statusOf(err), err)
		return
	}
	redirect(w, r, "/staff/timelimits?done=deleted")
}
