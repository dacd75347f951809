package web_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/gongzhi/gongzhi/internal/app"
	"github.com/gongzhi/gongzhi/internal/auth"
	"github.com/gongzhi/gongzhi/internal/ticket"
)

// The accessibility checks run every page a resident or a member of staff
// opens through axe-core (an npm package: `npm ci` in testdata/axe, or the
// file named by GONGZHI_AXE) and, for the pages residents reach, measure
// the elderly-friendly figures of MIIT's 2021 rules in the browser.

const residentPhone = "13800138000"

// a11ySite is one demo installation with the tickets the pages need and a
// browser whose contexts are logged in as each kind of user.
type a11ySite struct {
	t       *testing.T
	a       *app.App
	srv     *httptest.Server
	root    context.Context
	replied string // the resident's ticket, replied and waiting for her rating
	closed  string // the resident's ticket, rated
	staffNo string // a ticket for the staff pages
	vote    string // an owners' vote with two units of the resident (vote_browser_test.go)
	// proposalNo is the resident's proposal (proposal_browser_test.go).
	proposalNo string
	election   string    // an election with the resident on its register (election_browser_test.go)
	surveys    [2]string // an open survey and a closed one (survey_browser_test.go)
	notices    []string  // the resident's announcement and a finance disclosure (notice_browser_test.go)
	projects   []string  // key projects, under way and evaluated (project_browser_test.go)
	comment    string    // a comment on it (deliberation_browser_test.go)
	meetingID  string    // an open meeting with the resident on its roster (meeting_browser_test.go)
	// serviceOffer and serviceNo are a service and the resident's booking of it (service_browser_test.go).
	serviceOffer, serviceNo string
	users                   map[string]*browser

	// mediationNo is the resident's mediation case, agreed (mediation_browser_test.go).
	mediationNo string
}

func newA11ySite(t *testing.T, timeout time.Duration) *a11ySite {
	exe := findBrowser(t)
	a := newApp(t)
	srv := httptest.NewServer(a.Handler)
	t.Cleanup(srv.Close)
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	t.Cleanup(cancel)
	allocCtx, cancelAlloc := chromedp.NewExecAllocator(ctx, chromedp.ExecPath(exe), chromedp.Headless, chromedp.NoSandbox,
		chromedp.DisableGPU, chromedp.Flag("no-first-run", true), chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true), chromedp.Flag("disable-sync", true), chromedp.UserDataDir(t.TempDir()))
	t.Cleanup(cancelAlloc)
	root, cancelRoot := chromedp.NewContext(allocCtx)
	t.Cleanup(cancelRoot)
	if err := chromedp.Do(root, chromedp.Navigate("about:blank")); err != nil {
		t.Fatal(err)
	}
	s := &a11ySite{t: t, a: a, srv: srv, root: root, users: map[string]*browser{}}
	s.staffNo = s.newTicket("", "金谷东园北门垃圾堆放三天无人清运")
	return s
}

// as returns a browser context logged in as who: "guest", "resident", or a
// staff username of the demo (the administrator is "admin").
func (s *a11ySite) as(who string) *browser {
	if b := s.users[who]; b != nil {
		return b
	}
	ctx, cancel := chromedp.NewContext(s.root, chromedp.WithNewBrowserContext())
	s.t.Cleanup(cancel)
	b := &browser{t: s.t, ctx: ctx, base: s.srv.URL}
	b.do(chromedp.EmulateViewport(1366, 900))
	switch who {
	case "guest":
	case "resident":
		b.open("/login")
		b.do(chromedp.SendKeys(chromedp.CSS("#phone"), residentPhone))
		b.click("form button")
		code := b.text("#demo-code strong")
		b.do(chromedp.SendKeys(chromedp.CSS("#code"), code))
		b.click("form button")
		s.residentTickets()
	case "kiosk": // an enrolled terminal with a resident's visit (kiosk_browser_test.go)
		s.kioskSite(b)
	default:
		pass := "gongzhi-demo"
		if who == "admin" {
			pass = "lantern-river-42"
		}
		b.open("/staff/login")
		b.do(chromedp.SendKeys(chromedp.CSS("#username"), who), chromedp.SendKeys(chromedp.CSS("#password"), pass))
		b.click("form button")
	}
	s.users[who] = b
	return b
}

// residentTickets files two tickets as the logged-in resident: one the
// unit has replied to, one she has rated.
func (s *a11ySite) residentTickets() {
	if s.replied != "" {
		return
	}
	s.replied = s.newTicket(residentPhone, "小区东门路灯不亮已经一周，晚上出行不便")
	s.closed = s.newTicket(residentPhone, "金谷东园北门垃圾堆放三天无人清运")
	s.reply(s.replied)
	s.reply(s.closed)
	res := s.resident()
	yes := true
	if _, err := s.a.Tickets.Act(context.Background(), res, s.closed, ticket.ActionRate,
		ticket.ActionInput{Resolved: &yes, Satisfaction: ticket.Satisfaction("satisfied"), Comment: "处理及时，谢谢"}); err != nil {
		s.t.Fatal(err)
	}
}

func (s *a11ySite) resident() auth.User {
	us, err := s.a.Auth.Users(context.Background(), true)
	if err != nil {
		s.t.Fatal(err)
	}
	for _, u := range us {
		if u.Role == auth.RoleResident && u.Phone == residentPhone {
			return u
		}
	}
	s.t.Fatal("the resident has no account")
	return auth.User{}
}

// newTicket files a ticket in 金谷东园社区: as the resident when phone is
// hers and she has an account, else as a guest.
func (s *a11ySite) newTicket(phone, desc string) string {
	var actor *auth.User
	in := ticket.NewTicket{CategoryCode: "0101", AreaCode: "110117001001", Description: desc, Address: "金谷东园北门",
		ReporterName: "王芳", ReporterPhone: "13900007777"}
	if phone != "" {
		u := s.resident()
		actor, in.ReporterPhone = &u, phone
	}
	tk, err := s.a.Tickets.Create(context.Background(), actor, in)
	if err != nil {
		s.t.Fatal(err)
	}
	return tk.Number
}

// reply has 滨河街道's handler sign, contact and reply.
func (s *a11ySite) reply(number string) {
	ctx := context.Background()
	h, err := s.a.Auth.UserByUsername(ctx, "demo-handler")
	if err != nil {
		s.t.Fatal(err)
	}
	yes := true
	for _, step := range []struct {
		action string
		in     ticket.ActionInput
	}{
		{ticket.ActionSign, ticket.ActionInput{}},
		{ticket.ActionContact, ticket.ActionInput{Note: "已电话联系"}},
		{ticket.ActionReply, ticket.ActionInput{ReplyText: "已协调相关单位处理完毕，并增加巡查频次", Resolved: &yes}},
	} {
		if _, err := s.a.Tickets.Act(ctx, h, number, step.action, step.in); err != nil {
			s.t.Fatalf("%s %s: %v", step.action, number, err)
		}
	}
}

// a11yPage is a page to check and who opens it.
type a11yPage struct {
	who, path string
	resident  bool // a page residents reach: the MIIT figures apply
}

// residentPages are every page a resident (or a guest) can reach.
func (s *a11ySite) residentPages() []a11yPage {
	s.as("resident")
	s.ownersVote()
	open, closed := s.residentSurveys()
	return []a11yPage{
		{"guest", "/", true},
		{"guest", "/submit", true},
		{"guest", "/track", true},
		{"guest", "/login", true},
		{"guest", "/public", true},
		{"guest", "/staff/login", true},
		{"guest", "/no-such-page", true},
		{"guest", "/nearby?lat=40.1441&lng=117.1107", true},
		{"resident", "/", true},
		{"resident", "/submit", true},
		{"resident", "/submitted/" + s.replied, true},
		{"resident", "/my", true},
		{"resident", "/tickets/" + s.replied, true},
		{"resident", "/tickets/" + s.closed, true},
		{"resident", "/public", true},
		{"resident", "/nearby?lat=40.1441&lng=117.1107", true},
		{"resident", "/votes", true},
		{"resident", "/participate", true},
		{"guest", "/participate", true},
		{"resident", "/proposals", true},
		{"resident", "/proposals/new", true},
		{"resident", "/proposals/" + s.residentProposal(), true},
		{"resident", "/elections", true},
		{"resident", "/elections/" + s.residentElection(), true},
		{"resident", "/surveys", true},
		{"resident", "/surveys/" + open, true},
		{"resident", "/surveys/" + closed, true},
		{"guest", "/notices", true},
		{"resident", "/notices", true},
		{"resident", "/notices/" + s.siteNotices()[0], true},
		{"guest", "/notices/" + s.siteNotices()[1], true},
		{"resident", "/projects", true},
		{"guest", "/projects", true},
		{"resident", "/projects/" + s.residentProjects()[0], true},
		{"resident", "/projects/" + s.residentProjects()[1], true},
		{"guest", "/projects/" + s.residentProjects()[0], true},
		{"resident", "/proposals/" + s.residentProposal() + "?reply=" + s.commentOf(), true},
		{"resident", "/comments/" + s.commentOf() + "/report", true},
		{"guest", "/participate/moderation", true},
		{"resident", "/meetings", true},
		{"guest", "/meetings", true},
		{"resident", "/meetings/" + s.residentMeeting(), true},
		{"resident", "/needs", true},
		{"resident", "/services", true},
		{"resident", "/services/offers/" + s.serviceOf(0), true},
		{"resident", "/services/requests/" + s.serviceOf(1), true},
		{"resident", "/volunteer", true},
		{"resident", "/mediation", true},
		{"guest", "/mediation", true},
		{"resident", "/mediation/" + s.residentMediation(), true},
		{"guest", "/opendata", true},
		{"resident", "/opendata", true},
		{"guest", "/guides", true},
		{"resident", "/guides?q=%E5%B1%85%E4%BD%8F%E8%AF%81%E6%80%8E%E4%B9%88%E5%8A%9E", true},
		{"resident", "/guides/demo-kb-14", true},
		{"guest", "/guides/demo-kb-06", true},
		{"resident", "/guides/applications/" + s.residentGuideApp(), true},
		{"guest", "/indicators", true},
		{"kiosk", "/kiosk", true},
		{"kiosk", "/submit", true},
		{"kiosk", "/kiosk/receipt/" + s.kioskReceipt(), true},
		{"guest", "/kiosk/enrol", true},
		{"resident", "/help/resident", true},
		{"guest", "/help", true},
		{"guest", "/rules", true},
	}
}

// staffPages are the staff's pages, each opened by one who may.
func (s *a11ySite) staffPages() []a11yPage {
	n := s.staffNo
	v := s.ownersVote()
	var sv [2]string
	sv[0], sv[1] = s.residentSurveys()
	return []a11yPage{
		{"admin", "/staff", false},
		{"admin", "/staff/todo", false},
		{"admin", "/staff/tickets/" + n, false},
		{"admin", "/staff/tickets/" + n + "/print", false},
		{"admin", "/staff/new", false},
		{"admin", "/staff/proxy", false},
		{"admin", "/staff/notifications", false},
		{"admin", "/staff/dashboard", false},
		{"admin", "/staff/dashboard?month=" + time.Now().In(time.FixedZone("CST", 8*3600)).Format("2006-01"), false}, // the month under way, partial
		{"admin", "/staff/unit", false},
		{"admin", "/staff/dashboard/figure?figure=tickets&area_code=110117", false},
		{"admin", "/staff/rectifications", false},
		{"admin", "/staff/rectifications/new", false},
		{"admin", "/staff/users", false},
		{"admin", "/staff/apikeys", false},
		{"admin", "/staff/audit", false},
		{"admin", "/staff/account", false},
		{"admin", "/staff/timelimits", false},
		{"admin", "/staff/public-settings", false},
		{"demo-dispatcher", "/staff", false},
		{"demo-dispatcher", "/staff?status=&q=" + residentPhone + "&category=01&channel=web", false},
		{"demo-handler", "/staff", false},
		{"demo-dispatcher", "/staff/console", false},
		{"demo-grid", "/staff/patrol", false},
		{"demo-handler", "/staff/tickets/" + n, false},
		{"demo-handler", "/staff/tickets/" + n + "/print", false},
		{"demo-handler", "/staff/unit", false},
		{"demo-supervisor", "/staff/unit?org_code=110117001-SO", false},
		{"admin", "/staff/replies", false},
		{"demo-dispatcher", "/staff/duplicates", false},
		{"demo-supervisor", "/staff/router", false},
		{"demo-supervisor", "/staff/themes", false},
		{"demo-supervisor", "/staff/warnings", false},
		{"demo-grid", "/staff/votes", false},
		{"demo-grid", "/staff/votes/" + v, false},
		{"demo-grid", "/staff/proposals?view=all", false},
		{"demo-grid", "/staff/proposals/" + s.residentProposal(), false},
		{"demo-grid", "/staff/residents", false},
		{"demo-grid", "/staff/elections", false},
		{"demo-grid", "/staff/elections/" + s.residentElection(), false},
		{"demo-grid", "/staff/surveys", false},
		{"demo-grid", "/staff/surveys/" + sv[0], false},
		{"demo-grid", "/staff/surveys/" + sv[1], false},
		{"demo-grid", "/staff/notices", false},
		{"demo-grid", "/staff/notices/new", false},
		{"demo-grid", "/staff/notices/" + s.siteNotices()[0], false},
		{"admin", "/staff/notices?view=all", false},
		{"demo-grid", "/staff/projects", false},
		{"demo-grid", "/staff/projects?view=queue", false},
		{"demo-grid", "/staff/projects/" + s.residentProjects()[0], false},
		{"demo-grid", "/staff/projects/" + s.residentProjects()[1], false},
		{"demo-grid", "/staff/moderation", false},
		{"admin", "/staff/moderation", false},
		{"demo-grid", "/staff/meetings", false},
		{"demo-grid", "/staff/meetings/" + s.residentMeeting(), false},
		{"demo-grid", "/staff/screening", false},
		{"demo-grid", "/staff/screening/" + screeningRound(s.t, s.a).ID, false},
		{"demo-grid", "/staff/visits?reason=每周走访", false},
		{"demo-grid", "/staff/services", false},
		{"demo-grid", "/staff/services/requests/" + s.serviceOf(1), false},
		{"demo-grid", "/staff/volunteer", false},
		{"demo-grid", "/staff/mediation", false},
		{"demo-grid", "/staff/mediation/" + s.residentMediation(), false},
		{"demo-grid", "/staff/mediation/figures", false},
		{"admin", "/staff/residents", false},
		{"demo-handler", "/staff/replies", false},
		{"demo-handler", "/staff/tickets/" + replyingTicket(s.t, s.a, "13900008888") + "?tpl=demo-rt-11", false},
		{"admin", "/staff/opendata", false},
		{"admin", "/staff/trail/ticket/" + n, false},
		{"demo-grid", "/staff/trail/mediation/" + s.residentMediation(), false},
		{"admin", "/staff/citylink", false},
		{"admin", "/staff/status", false},
		{"admin", "/staff/guides", false},
		{"admin", "/staff/guides/edit/demo-kb-14", false},
		{"demo-handler", "/staff/guides/figures", false},
		{"demo-handler", "/staff/guides/applications", false},
		{"demo-handler", "/staff/guides/applications/" + s.residentGuideApp(), false},
		{"admin", "/staff/agreements", false},
		{"admin", "/staff/agreements/" + siteAgreement(s.t, s.a), false},
		{"demo-supervisor", "/staff/agreements/reads", false},
		{"admin", "/staff/indicators", false},
		{"admin", "/staff/kiosks", false},
		{"demo-handler", "/staff/training", false},
		{"demo-supervisor", "/staff/figures/requesters", false},
		{"admin", "/staff/national", false},
		{"admin", "/staff/national/0104", false},
		{"demo-supervisor", "/staff/figures/workload", false},
		{"demo-supervisor", "/staff/figures/returns", false},
		{"admin", "/staff/rules", false},
	}
}

// setBig turns the elderly mode on or off in b's browser context.
func (s *a11ySite) setBig(b *browser, on bool) {
	v := "0"
	if on {
		v = "1"
	}
	b.open("/big?on=" + v + "&back=/public")
}

// visit opens the page at a width and checks it is the page asked for,
// not an error page (but for the unknown path).
func (s *a11ySite) visit(b *browser, pg a11yPage, width, height int64) {
	s.t.Helper()
	b.do(chromedp.EmulateViewport(width, height))
	b.open(pg.path)
	got, err := chromedp.Run(b.ctx, chromedp.Evaluate[bool](`!!document.querySelector('.errpage')`))
	if err != nil {
		s.t.Fatal(err)
	}
	if want := strings.HasPrefix(pg.path, "/no-such"); got != want {
		s.t.Fatalf("%s as %s: error page %v, want %v:\n%s", pg.path, pg.who, got, want, b.text("main"))
	}
}

// axeSource reads axe.min.js, or skips the test when it is not installed.
func axeSource(t *testing.T) string {
	p := os.Getenv("GONGZHI_AXE")
	if p == "" {
		p = filepath.Join("testdata", "axe", "node_modules", "axe-core", "axe.min.js")
	}
	b, err := os.ReadFile(p)
	if err != nil {
		t.Skipf("accessibility test skipped: axe-core not found at %s (run `npm ci` in internal/web/testdata/axe, or set GONGZHI_AXE to axe.min.js; .ci/run does both)", p)
	}
	return string(b)
}

type axeViolation struct {
	ID, Impact, Help string
	Nodes            []string
}

// axeRun injects axe-core into the open page and returns its violations.
func axeRun(b *browser, src string) []axeViolation {
	b.t.Helper()
	const run = `axe.run(document, {resultTypes: ['violations']}).then(r => JSON.stringify(r.violations.map(v => ({
		ID: v.id, Impact: v.impact || '', Help: v.help,
		Nodes: v.nodes.slice(0, 5).map(n => n.target.join(' ') + ' — ' + (n.failureSummary || '').split('\n').slice(1, 2).join(''))}))))`
	out, err := chromedp.Run(b.ctx, chromedp.Evaluate[string]("if (!window.axe) {"+src+"\n}; "+run, chromedp.EvalAwaitPromise))
	if err != nil {
		b.t.Fatal(err)
	}
	var vs []axeViolation
	if err := json.Unmarshal([]byte(out), &vs); err != nil {
		b.t.Fatal(err)
	}
	return vs
}

var a11ySizes = [][2]int64{{390, 844}, {1366, 900}}

// a11yOnly keeps the pages whose path matches GONGZHI_A11Y_ONLY (a regular
// expression), all when it is not set: to look again at a few pages while
// fixing them.
func a11yOnly(pages []a11yPage) []a11yPage {
	re := os.Getenv("GONGZHI_A11Y_ONLY")
	if re == "" {
		return pages
	}
	var out []a11yPage
	for _, pg := range pages {
		if regexp.MustCompile(re).MatchString(pg.path) {
			out = append(out, pg)
		}
	}
	return out
}

// TestAxe runs axe-core on every resident and staff page, in the normal and
// the elderly mode, on a phone and a desktop: no violation may be critical
// or serious.
func TestAxe(t *testing.T) {
	src := axeSource(t)
	s := newA11ySite(t, 20*time.Minute)
	pages := a11yOnly(append(s.residentPages(), s.staffPages()...))
	var bad []string
	for _, big := range []bool{false, true} {
		done := map[string]bool{}
		for _, pg := range pages {
			b := s.as(pg.who)
			if !done[pg.who] {
				s.setBig(b, big)
				done[pg.who] = true
			}
			for _, size := range a11ySizes {
				s.visit(b, pg, size[0], size[1])
				for _, v := range axeRun(b, src) {
					if v.Impact == "critical" || v.Impact == "serious" {
						t.Logf("%s as %s (big %v, %dpx): %s", pg.path, pg.who, big, size[0], v.ID)
						bad = append(bad, fmt.Sprintf("%s as %s (big %v, %dpx): %s [%s] %s\n\t%s",
							pg.path, pg.who, big, size[0], v.ID, v.Impact, v.Help, strings.Join(v.Nodes, "\n\t")))
					}
				}
			}
		}
	}
	t.Logf("axe-core checked %d pages × 2 modes × %d sizes", len(pages), len(a11ySizes))
	if len(bad) > 0 {
		t.Fatalf("%d critical or serious accessibility violations:\n%s", len(bad), strings.Join(bad, "\n"))
	}
}
