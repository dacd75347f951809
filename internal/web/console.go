package web

import (
	"context"
	"net/http"
	"net/url"
	"strings"

	"github.com/gongzhi/gongzhi/internal/auth"
	"github.com/gongzhi/gongzhi/internal/errs"
	"github.com/gongzhi/gongzhi/internal/kb"
	"github.com/gongzhi/gongzhi/internal/ticket"
)

// The hotline console (话务受理台): one screen for taking a call. It is a
// single plain form that works without JavaScript; console.js makes it
// faster (suggestions as the agent types, history without a reload).
//
// The form's submit buttons say what to do:
//
//	op=auto       Enter in a field: look the caller up, search the category
//	              or save, whichever the form is ready for
//	op=lookup     the caller's earlier tickets
//	op=catsearch  categories matching category_q, as radio buttons
//	op=save       save, after a look for possible duplicates
//	confirm=1     save without the duplicate check (仍然新建)
//	merge_into=N  save and merge into ticket N (dispatchers)
//	op=answer     save as a consultation and answer it at once (直接办结)
//	use_kb=ID     put the article into the reply

// ConsoleData fills the console page.
type ConsoleData struct {
	Kinds     []Option
	Urgencies []Option
	Places    []Group
	// The chosen category, shown beside its search field.
	CatName, CatPath string
	// CatMatches are the categories found for category_q (the form without
	// JavaScript picks one of them by radio button).
	CatMatches []ticket.CategoryMatch
	// The caller's earlier tickets, after a lookup.
	Looked     bool
	History    []ticket.Ticket
	HistoryErr string
	CatNames   map[string]string
	Articles   []kb.Article
	Dups       []DupView
	CanMerge   bool
	Result     *ConsoleResult
	Errors     []string
	Bad        map[string]bool // fields with an error
	Focus      string          // the id of the field to put the cursor in
	MaxDesc    int
	relook     bool // show the history of the phone looked up before
}

// DupView is a possible duplicate in words.
type DupView struct {
	T          ticket.Ticket
	Similarity int // percent, of the descriptions
	Score      int // percent, the duplicate score (package dupes)
	Distance   string
	Category   string
}

// ConsoleResult is the ticket the last call made.
type ConsoleResult struct {
	T        ticket.Ticket
	Org      string
	Category string
	Warning  string // the ticket was made but a second step failed
}

// B reports whether field has an error.
func (d *ConsoleData) B(field string) bool { return d.Bad[field] }

func (d *ConsoleData) fail(lang, field, key string, args ...any) {
	d.Errors = append(d.Errors, tr(lang, key, args...))
	if field != "" {
		if d.Bad == nil {
			d.Bad = map[string]bool{}
		}
		d.Bad[field] = true
		if d.Focus == "" {
			d.Focus = field
		}
	}
}

// consoleRole reports whether u may use the console: the ticket service
// tells who takes calls.
func consoleRole(u *auth.User) bool { return u != nil && ticket.TakesCalls(*u) }

// consoleUser returns the agent or dispatcher, or answers for the others.
func (s *Server) consoleUser(w http.ResponseWriter, r *http.Request) *auth.User {
	u := s.staff(w, r)
	if u == nil {
		return nil
	}
	if !consoleRole(u) {
		s.fail(w, r, errConsoleRole)
		return nil
	}
	return u
}

var errConsoleRole = errs.New(errs.Forbidden, "热线受理台仅供话务员和派单员使用", "the hotline console is for hotline agents and dispatchers")

func (s *Server) consolePage(w http.ResponseWriter, r *http.Request) *Page {
	p := s.page(w, r, "con.title")
	p.Wide = true
	return p
}

// console shows the empty console, the result of the last call (?done=N)
// or a caller's history (?phone=…, which console.js asks for too).
func (s *Server) console(w http.ResponseWriter, r *http.Request) {
	u := s.consoleUser(w, r)
	if u == nil {
		return
	}
	p := s.consolePage(w, r)
	q := r.URL.Query()
	p.Form = url.Values{"kind": {string(ticket.KindHelp)}, "urgency": {string(ticket.UrgencyNormal)}}
	d := &ConsoleData{Focus: "phone"}
	if n := q.Get("done"); n != "" {
		if t, err := s.Tickets.Get(r.Context(), *u, n); err == nil {
			d.Result = s.consoleResult(r.Context(), p.Lang, t)
		}
	}
	if phone := strings.TrimSpace(q.Get("phone")); phone != "" {
		p.Form.Set("reporter_phone", phone)
		s.lookup(r.Context(), p, u, d)
	}
	s.renderConsole(w, r, p, u, d, http.StatusOK)
}

func (s *Server) consoleResult(ctx context.Context, lang string, t ticket.Ticket) *ConsoleResult {
	res := &ConsoleResult{T: t, Org: s.orgName(ctx, t.AssignedOrgCode)}
	if c, err := s.Tickets.Category(ctx, t.CategoryCode); err == nil {
		res.Category = catName(lang, c)
	}
	return res
}

func catName(lang string, c ticket.Category) string {
	if lang == "en" && c.NameEn != "" {
		return c.NameEn
	}
	return c.Name
}

// consolePost does what the pressed button asks.
func (s *Server) consolePost(w http.ResponseWriter, r *http.Request) {
	u := s.consoleUser(w, r)
	if u == nil {
		return
	}
	p := s.consolePage(w, r)
	f := r.PostForm
	d := &ConsoleData{}
	ctx := r.Context()

	needSearch, err := s.resolveCategory(ctx, p, d)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	op := consoleOp(f, needSearch)
	// The history stays on screen during the call.
	d.relook = op != "lookup" && f.Get("looked") != "" && auth.NormalizePhone(f.Get("reporter_phone")) == f.Get("looked")

	switch op {
	case "lookup":
		s.lookup(ctx, p, u, d)
		d.Focus = "phone"
		status := http.StatusOK
		if d.Bad["phone"] {
			status = http.StatusBadRequest
			d.Errors = append(d.Errors, d.HistoryErr)
		}
		s.renderConsole(w, r, p, u, d, status)
	case "catsearch":
		s.searchCategories(ctx, p, d)
		status := http.StatusOK
		if len(d.Errors) > 0 {
			status = http.StatusBadRequest
		}
		s.renderConsole(w, r, p, u, d, status)
	case "use_kb":
		if s.KB != nil {
			if a, err := s.KB.Get(ctx, f.Get("use_kb")); err == nil {
				f.Set("reply_text", a.Body)
				f.Set("kind", string(ticket.KindConsultation))
			}
		}
		d.Focus = "reply_text"
		s.renderConsole(w, r, p, u, d, http.StatusOK)
	case "save", "confirm", "merge", "answer":
		s.consoleSave(w, r, p, u, d, op, needSearch)
	default:
		s.fail(w, r, errs.Invalidf("未知操作", "unknown operation"))
	}
}

// consoleOp is what the pressed button asks; Enter in a field (op=auto)
// does what the form is ready for.
func consoleOp(f url.Values, needSearch bool) string {
	op := f.Get("op")
	switch {
	case f.Get("merge_into") != "":
		op = "merge"
	case f.Get("confirm") == "1":
		op = "confirm"
	case f.Get("use_kb") != "":
		op = "use_kb"
	}
	if op == "" || op == "auto" {
		phone := auth.NormalizePhone(f.Get("reporter_phone"))
		switch {
		case phone != "" && phone != f.Get("looked") && strings.TrimSpace(f.Get("description")) == "":
			op = "lookup"
		case needSearch:
			op = "catsearch"
		default:
			op = "save"
		}
	}
	return op
}

// consoleSave registers the call: the form checked, possible duplicates
// shown first (op save), then the ticket created and merged or answered.
func (s *Server) consoleSave(w http.ResponseWriter, r *http.Request, p *Page, u *auth.User, d *ConsoleData, op string, needSearch bool) {
	ctx := r.Context()
	f := r.PostForm
	in := newTicket(r)
	in.Channel = ticket.ChannelHotline
	if op == "answer" {
		in.Kind = ticket.KindConsultation
		f.Set("kind", string(in.Kind))
	}
	s.checkConsoleForm(ctx, p, u, d, in, op, needSearch)
	if len(d.Errors) > 0 {
		s.renderConsole(w, r, p, u, d, http.StatusBadRequest)
		return
	}
	if op == "save" {
		dups, err := s.Tickets.PossibleDuplicates(ctx, *u, in, 5)
		if err != nil {
			s.consoleError(w, r, p, u, d, err)
			return
		}
		if len(dups) > 0 {
			d.Dups = s.dupViews(ctx, p.Lang, dups)
			d.Focus = "confirm"
			s.renderConsole(w, r, p, u, d, http.StatusOK)
			return
		}
	}
	t, err := s.Tickets.Create(ctx, u, in)
	if err != nil {
		s.consoleError(w, r, p, u, d, err)
		return
	}
	// The ticket exists; a failed second step is shown with it.
	var step error
	switch op {
	case "merge":
		_, step = s.Tickets.Act(ctx, *u, t.Number, ticket.ActionMerge, ticket.ActionInput{Into: strings.TrimSpace(f.Get("merge_into"))})
	case "answer":
		_, step = s.Tickets.Act(ctx, *u, t.Number, ticket.ActionAnswer, ticket.ActionInput{ReplyText: f.Get("reply_text")})
	}
	if step != nil {
		if t, err = s.Tickets.Get(ctx, *u, t.Number); err != nil {
			s.fail(w, r, err)
			return
		}
		e := errs.As(step)
		msg := e.Msg
		if p.Lang == "en" {
			msg = e.MsgEn
		}
		res := s.consoleResult(ctx, p.Lang, t)
		res.Warning = tr(p.Lang, "con.warn."+op, msg)
		p.Form = url.Values{"kind": {string(ticket.KindHelp)}, "urgency": {string(ticket.UrgencyNormal)}}
		s.renderConsole(w, r, p, u, &ConsoleData{Result: res, Focus: "phone"}, http.StatusOK)
		return
	}
	redirect(w, r, "/staff/console?done="+url.QueryEscape(t.Number))
}

// checkConsoleForm lists every problem of the form at once in d.
func (s *Server) checkConsoleForm(ctx context.Context, p *Page, u *auth.User, d *ConsoleData, in ticket.NewTicket, op string, needSearch bool) {
	if !auth.ValidPhone(auth.NormalizePhone(in.ReporterPhone)) {
		d.fail(p.Lang, "phone", "con.err.phone")
	}
	if needSearch {
		s.searchCategories(ctx, p, d)
		if len(d.CatMatches) > 0 {
			d.fail(p.Lang, "", "con.err.pick")
		}
	} else if in.CategoryCode == "" {
		d.fail(p.Lang, "category_q", "con.err.category")
	}
	if strings.TrimSpace(in.Description) == "" {
		d.fail(p.Lang, "description", "con.err.description")
	}
	if op == "answer" && strings.TrimSpace(p.Form.Get("reply_text")) == "" {
		d.fail(p.Lang, "reply_text", "con.err.reply")
	}
	if op == "merge" && !ticket.MergesOnTheConsole(*u) {
		d.fail(p.Lang, "", "con.err.merge")
	}
	fe := s.Tickets.Validate(ctx, u, in)
	if needSearch { // the category is being chosen among the matches
		delete(fe, ticket.FieldCategory)
	}
	d.failFields(p.Lang, fe)
}

// consoleTarget maps the ticket service's fields to the console's elements:
// a missing place goes to the street, where the place begins.
var consoleTarget = map[string]string{
	ticket.FieldPlace: "street", ticket.FieldArea: "street", ticket.FieldLocation: "street", ticket.FieldAddress: "address",
	ticket.FieldCategory: "category_q", ticket.FieldText: "description", ticket.FieldName: "reporter_name",
	ticket.FieldPhone: "phone", ticket.FieldUrgency: "urgency",
	ticket.FieldRequester: "credit_code",
}

// failFields adds the service's problems (ticket.Validate) that the
// console's own checks did not find, each beside its element; the cursor
// goes to the first wrong field, whichever it is.
func (d *ConsoleData) failFields(lang string, fe ticket.FieldErrors) {
	for _, f := range fe.Fields() {
		id := consoleTarget[f]
		if id != "" && d.Bad[id] {
			continue
		}
		e := fe[f]
		msg := e.Msg
		if lang == "en" {
			msg = e.MsgEn
		}
		d.Errors = append(d.Errors, msg)
		if id == "" {
			continue
		}
		if d.Bad == nil {
			d.Bad = map[string]bool{}
		}
		d.Bad[id] = true
		if d.Focus == "" {
			d.Focus = id
		}
	}
}

// consoleError shows a service's refusal on the console with the form kept.
func (s *Server) consoleError(w http.ResponseWriter, r *http.Request, p *Page, u *auth.User, d *ConsoleData, err error) {
	e := errs.As(err)
	if e.Code == errs.Internal {
		s.fail(w, r, err)
		return
	}
	msg := e.Msg
	if p.Lang == "en" {
		msg = e.MsgEn
	}
	d.Errors = append(d.Errors, msg)
	s.renderConsole(w, r, p, u, d, statusOf(e))
}

// renderConsole fills the lists the page needs and renders it.
func (s *Server) renderConsole(w http.ResponseWriter, r *http.Request, p *Page, u *auth.User, d *ConsoleData, status int) {
	ctx := r.Context()
	if d.relook && !d.Looked {
		s.lookup(ctx, p, u, d)
	}
	for _, k := range ticket.Kinds {
		d.Kinds = append(d.Kinds, Option{Value: string(k), Label: tr(p.Lang, "kind."+string(k))})
	}
	for _, x := range ticket.Urgencies {
		d.Urgencies = append(d.Urgencies, Option{Value: string(x), Label: tr(p.Lang, "urgency."+string(x))})
	}
	var err error
	if d.Places, err = s.places(ctx); err != nil {
		s.fail(w, r, err)
		return
	}
	if _, d.CatNames, err = s.categoryGroups(ctx, p.Lang); err != nil {
		s.fail(w, r, err)
		return
	}
	if d.Articles, err = s.consoleArticles(ctx, p.V("description"), p.V("category_code")); err != nil {
		d.Articles = nil // the knowledge base is a help, not a condition
	}
	d.CanMerge = ticket.MergesOnTheConsole(*u)
	d.MaxDesc = ticket.MaxDescription
	if d.Focus == "" {
		d.Focus = "phone"
	}
	p.Data = d
	s.render(w, r, status, "staff_console", p)
}

// consoleArticles finds knowledge-base articles for what the caller said
// and the category chosen; before either there is nothing to suggest.
func (s *Server) consoleArticles(ctx context.Context, text, categoryCode string) ([]kb.Article, error) {
	if s.KB == nil || (strings.TrimSpace(text) == "" && categoryCode == "") {
		return nil, nil
	}
	return s.KB.Suggest(ctx, text, categoryCode, 6)
}
