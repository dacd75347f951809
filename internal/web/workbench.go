package web

import (
	"context"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/gongzhi/gongzhi/internal/auth"
	"github.com/gongzhi/gongzhi/internal/errs"
	"github.com/gongzhi/gongzhi/internal/ticket"
)

// The workbench's list: its filters live in the URL (a bookmark or a saved
// filter is the query string), the form that sets them is a plain GET, and
// each role opens on the list it works from (roleDefault).

// FilterForm is what the workbench's filter form shows.
type FilterForm struct {
	Q, Category, Area, Org, Channel, From, To string
	Status, Light, Overdue, Part              string
	Any                                       bool // any filter beyond the status tab
	More                                      bool // any of the fields under 更多筛选
}

// SavedChip is one saved filter on the workbench.
type SavedChip struct {
	Name, URL, Count string
	Active           bool
}

// wbValues returns the workbench's filter parameters of q, without empty
// ones; status is kept even empty ("all", not the role's default).
func wbValues(q url.Values) url.Values {
	v := url.Values{}
	for _, k := range ticket.FilterKeys {
		if x := strings.TrimSpace(q.Get(k)); x != "" || (k == "status" && q.Has("status")) {
			v.Set(k, x)
		}
	}
	return v
}

// hasFilter reports whether q sets any of the workbench's filters: without
// one, the workbench opens on the role's default.
func hasFilter(q url.Values) bool {
	for _, k := range ticket.FilterKeys {
		if q.Has(k) {
			return true
		}
	}
	return false
}

// roleDefault is the list each role opens on, as a 12345 centre works:
// the dispatcher her queue of requests to dispatch (待派单); a handling
// unit all it has still to finish (未办结), to sign for, contact and answer; the supervisor what is already overdue or red (督办);
// the agent the requests registered today; the grid worker and the
// administrator every request of their area.
func roleDefault(u auth.User, today string) url.Values {
	switch u.Role {
	case auth.RoleDispatcher:
		return url.Values{"status": {string(ticket.StatusRegistered)}}
	case auth.RoleHandler:
		return url.Values{"status": {string(ticket.StatusOpen)}}
	case auth.RoleSupervisor:
		return url.Values{"status": {""}, "light": {string(ticket.LightRed)}}
	case auth.RoleAgent:
		return url.Values{"status": {""}, "from": {today}}
	}
	return url.Values{"status": {""}}
}

// workbenchURL is /staff with the filters of q, key set to val (removed
// when empty) and the cursor dropped unless key is the cursor. The status
// is always written, even empty: "all", not the role's default.
func workbenchURL(q url.Values, key, val string) string {
	v := wbValues(q)
	if !v.Has("status") {
		v.Set("status", "")
	}
	if key == "light" || key == "overdue" { // one deadline filter at a time
		v.Del("light")
		v.Del("overdue")
	}
	if val == "" && key != "status" {
		v.Del(key)
	} else {
		v.Set(key, val)
	}
	return "/staff?" + v.Encode()
}

var errBadDate = errs.Invalidf("日期格式应为 年-月-日，如 2026-03-02", "dates must be year-month-day, such as 2026-03-02")

// parseDay reads a day (2026-03-02) in the business zone; next gives the
// start of the day after, for an inclusive "to".
func (s *Server) parseDay(v string, next bool) (time.Time, error) {
	if v == "" {
		return time.Time{}, nil
	}
	d, err := time.ParseInLocation("2006-01-02", v, s.loc)
	if err != nil {
		return time.Time{}, errBadDate
	}
	if next {
		d = d.AddDate(0, 0, 1)
	}
	return d, nil
}

// listFilter maps the workbench's query to a list filter; the ticket
// service checks every field and the caller's scope.
func (s *Server) listFilter(u auth.User, q url.Values) (ticket.Filter, error) {
	f := ticket.Filter{Q: q.Get("q"), CategoryCode: q.Get("category"), AreaCode: q.Get("area"), OrgCode: q.Get("org"),
		Status: ticket.Status(q.Get("status")), Light: ticket.Light(q.Get("light")), Channel: ticket.Channel(q.Get("channel")),
		Cursor: q.Get("cursor"), RequesterKind: ticket.RequesterKind(q.Get("requester_kind"))}
	switch q.Get("overdue") {
	case "", "0":
	case "1":
		f.Overdue = true
	default:
		return f, errs.Invalidf("overdue 须为 1 或 0", "overdue must be 1 or 0")
	}
	if u.Role == auth.RoleHandler {
		f.Part = q.Get("part")
	}
	var err error
	if f.From, err = s.parseDay(q.Get("from"), false); err != nil {
		return f, err
	}
	if f.To, err = s.parseDay(q.Get("to"), true); err != nil {
		return f, err
	}
	return f, nil
}

func filterForm(q url.Values) FilterForm {
	ff := FilterForm{Q: q.Get("q"), Category: q.Get("category"), Area: q.Get("area"), Org: q.Get("org"), Channel: q.Get("channel"),
		From: q.Get("from"), To: q.Get("to"), Status: q.Get("status"), Light: q.Get("light"), Overdue: q.Get("overdue"), Part: q.Get("part")}
	ff.More = ff.Category != "" || ff.Area != "" || ff.Org != "" || ff.Channel != "" || ff.From != "" || ff.To != ""
	ff.Any = ff.More || ff.Q != "" || ff.Light != "" || ff.Overdue != ""
	return ff
}

// countText writes a count of Count for f, its cap as "10000+" (or
// "1000+" with free text).
func countText(n int, f ticket.Filter) string {
	if limit := ticket.CountLimit(f); n >= limit {
		return strconv.Itoa(limit) + "+"
	}
	return strconv.Itoa(n)
}

// tabCounts fills in the count of each status tab: the list's filter with
// the tab's status.
func (s *Server) tabCounts(ctx context.Context, u auth.User, f ticket.Filter, tabs []Tab) error {
	for i := range tabs {
		f.Status = ticket.Status(tabs[i].Status)
		n, err := s.Tickets.Count(ctx, u, f)
		if err != nil {
			return err
		}
		tabs[i].Count = countText(n, f)
	}
	return nil
}

// savedChips lists u's saved filters with their counts; the one whose
// query is the page's is marked.
func (s *Server) savedChips(ctx context.Context, u auth.User, current url.Values) ([]SavedChip, error) {
	saved, err := s.Tickets.SavedFilters(ctx, u)
	if err != nil {
		return nil, err
	}
	cur := current.Encode()
	out := make([]SavedChip, 0, len(saved))
	for _, sf := range saved {
		q, _ := url.ParseQuery(sf.Query)
		c := SavedChip{Name: sf.Name, URL: "/staff?" + sf.Query, Active: sf.Query == cur}
		if f, err := s.listFilter(u, q); err == nil {
			if n, err := s.Tickets.Count(ctx, u, f); err == nil {
				c.Count = countText(n, f)
			} else if !errs.Is(err, errs.Invalid) && !errs.Is(err, errs.Forbidden) {
				return nil, err
			}
		}
		out = append(out, c)
	}
	return out, nil
}

func (s *Server) workbenchFlash(p *Page, q url.Values) {
	done := q.Get("done")
	if done == "" {
		return
	}
	if _, ok := messages["flash."+done]; ok {
		p.Flash = tr(p.Lang, "flash."+done)
	}
	if n := q.Get("number"); done == "created" && n != "" && strings.Trim(n, "0123456789") == "" {
		p.Flash = tr(p.Lang, "flash.registered", n)
	}
}

func (s *Server) workbenchHeading(ctx context.Context, lang string, u auth.User) string {
	switch u.Role {
	case auth.RoleHandler:
		return tr(lang, "staff.inbox", s.orgName(ctx, u.OrgCode))
	case auth.RoleDispatcher:
		return tr(lang, "staff.queue")
	}
	return tr(lang, "staff.scope")
}

// workbenchTabs lays out the status tabs, the deadline chips and a
// handler's parts, each keeping the other filters.
func (s *Server) workbenchTabs(lang string, u auth.User, q url.Values, f ticket.Filter, d *WorkbenchData) {
	status := q.Get("status")
	d.Tabs = append(d.Tabs, Tab{Status: "", Label: tr(lang, "tab.all"), Active: status == "", URL: workbenchURL(q, "status", "")})
	d.Tabs = append(d.Tabs, Tab{Status: string(ticket.StatusOpen), Label: tr(lang, "tab.open"), Active: status == string(ticket.StatusOpen),
		URL: workbenchURL(q, "status", string(ticket.StatusOpen))})
	for _, st := range ticket.Statuses {
		d.Tabs = append(d.Tabs, Tab{Status: string(st), Label: tr(lang, "status."+string(st)), Active: status == string(st),
			URL: workbenchURL(q, "status", string(st))})
	}
	d.Lights = []Tab{
		{Label: tr(lang, "filter.anytime"), Active: f.Light == "" && !f.Overdue, URL: workbenchURL(q, "light", "")},
		{Status: "yellow", Label: tr(lang, "light.yellow"), Active: f.Light == ticket.LightYellow, URL: workbenchURL(q, "light", "yellow")},
		{Status: "red", Label: tr(lang, "light.red"), Active: f.Light == ticket.LightRed, URL: workbenchURL(q, "light", "red")},
		{Status: "overdue", Label: tr(lang, "filter.overdue"), Active: f.Overdue, URL: workbenchURL(q, "overdue", "1")},
	}
	if u.Role == auth.RoleHandler {
		for _, part := range []string{"", "helper", "summoned"} {
			key := part
			if key == "" {
				key = "lead"
			}
			d.Parts = append(d.Parts, Tab{Status: key, Label: tr(lang, "part."+key), Active: f.Part == part || (part == "" && f.Part == "lead"),
				URL: workbenchURL(q, "part", part)})
		}
	}
}

// workbenchChoices fills in the filter form: its values, the category
// tree, the places, the units and the channels, the saved filters and what
// the batch may do.
func (s *Server) workbenchChoices(ctx context.Context, lang string, u auth.User, q url.Values, d *WorkbenchData) error {
	var err error
	d.Form = filterForm(q)
	cur := wbValues(q)
	d.SaveQuery, d.Here = cur.Encode(), "/staff?"+q.Encode()
	d.ClearURL = "/staff?status="
	if d.CatGroups, d.Categories, err = s.categoryGroups(ctx, lang); err != nil {
		return err
	}
	if d.Places, err = s.places(ctx); err != nil {
		return err
	}
	for _, c := range ticket.Channels {
		d.Channels = append(d.Channels, Option{Value: string(c), Label: tr(lang, "channel."+string(c))})
	}
	d.Batch = ticket.BatchActionsFor(u)
	for _, a := range d.Batch {
		d.CanDispatch = d.CanDispatch || a == ticket.ActionDispatch
		d.CanRemind = d.CanRemind || a == ticket.ActionRemind
	}
	if u.Role != auth.RoleHandler || d.CanDispatch {
		dist, err := s.district(ctx)
		if err != nil && !errs.Is(err, errs.NotFound) {
			return err
		}
		if d.OrgGroups, err = s.orgGroups(ctx, lang, dist.Code); err != nil {
			return err
		}
	}
	d.SelectAll = q.Get("select") == "all"
	sel := url.Values{}
	for k, v := range q {
		sel[k] = v
	}
	if d.SelectAll {
		sel.Del("select")
	} else {
		sel.Set("select", "all")
	}
	d.SelectURL = "/staff?" + sel.Encode() + "#batch"
	d.Saved, err = s.savedChips(ctx, u, cur)
	return err
}

// workbenchList reads the page of tickets and the counts of the tabs.
func (s *Server) workbenchList(ctx context.Context, u auth.User, q url.Values, f ticket.Filter, d *WorkbenchData) error {
	page, err := s.Tickets.List(ctx, u, f)
	if err != nil {
		return err
	}
	d.Items = page.Items
	if page.NextCursor != "" {
		d.NextURL = workbenchURL(q, "cursor", page.NextCursor)
	}
	f.Cursor = ""
	return s.tabCounts(ctx, u, f, d.Tabs)
}
