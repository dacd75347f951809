// Package web is gongzhi's server-rendered HTML interface: the resident side
// (submit, follow, rate), the staff workbench and the user administration.
// Pages work without JavaScript; Chinese first, English on request.
package web

import (
	"crypto/cipher"
	"crypto/rand"
	"embed"
	"fmt"
	"github.com/gongzhi/gongzhi/internal/agenda"
	"github.com/gongzhi/gongzhi/internal/agreement"
	"github.com/gongzhi/gongzhi/internal/indicator"
	"github.com/gongzhi/gongzhi/internal/insight/warning"
	"github.com/gongzhi/gongzhi/internal/kiosk"
	"github.com/gongzhi/gongzhi/internal/mediation"
	"github.com/gongzhi/gongzhi/internal/meeting"
	"github.com/gongzhi/gongzhi/internal/natcode"
	"github.com/gongzhi/gongzhi/internal/needs"
	"github.com/gongzhi/gongzhi/internal/notice"
	"github.com/gongzhi/gongzhi/internal/opendata"
	"github.com/gongzhi/gongzhi/internal/practice"
	"github.com/gongzhi/gongzhi/internal/project"
	"github.com/gongzhi/gongzhi/internal/proposal"
	"github.com/gongzhi/gongzhi/internal/screening"
	"github.com/gongzhi/gongzhi/internal/service"
	"github.com/gongzhi/gongzhi/internal/status"
	"github.com/gongzhi/gongzhi/internal/survey"
	"github.com/gongzhi/gongzhi/internal/training"
	"github.com/gongzhi/gongzhi/internal/volunteer"
	"github.com/gongzhi/gongzhi/internal/vote"
	"html/template"
	"io/fs"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/gongzhi/gongzhi/internal/attachment"
	"github.com/gongzhi/gongzhi/internal/auth"
	"github.com/gongzhi/gongzhi/internal/citylink"
	"github.com/gongzhi/gongzhi/internal/deliberation"
	"github.com/gongzhi/gongzhi/internal/election"
	"github.com/gongzhi/gongzhi/internal/evaluation"
	"github.com/gongzhi/gongzhi/internal/gov"
	"github.com/gongzhi/gongzhi/internal/idem"
	"github.com/gongzhi/gongzhi/internal/insight"
	"github.com/gongzhi/gongzhi/internal/insight/themes"
	"github.com/gongzhi/gongzhi/internal/kb"
	"github.com/gongzhi/gongzhi/internal/limit"
	"github.com/gongzhi/gongzhi/internal/replytpl"
	"github.com/gongzhi/gongzhi/internal/ruleset"
	"github.com/gongzhi/gongzhi/internal/ticket"
	"github.com/gongzhi/gongzhi/internal/trail"

	"github.com/gongzhi/gongzhi/internal/clock"
)

//go:embed templates/*.html static/*
var files embed.FS

// Deps are what the web interface needs.
type Deps struct {
	Auth    *auth.Service
	Tickets *ticket.Service
	Gov     *gov.Service
	KB      *kb.Service // the knowledge base of the hotline console; may be nil
	// Replies keeps the reply templates; may be nil, and then the reply
	// forms offer none and /staff/replies answers 503.
	Replies *replytpl.Service
	Insight *insight.Service // the router's suggestions; may be nil
	Limits  *limit.Set
	Log     *slog.Logger
	Demo    bool // show one-time codes on the login page
	// Evaluation serves the dashboards, the public page and rectification;
	// may be nil, and those pages then answer 503.
	Evaluation *evaluation.Service
	// Themes finds the month's recurring problems (每月一题); may be nil,
	// and /staff/themes then answers 503.
	Themes *themes.Service
	// Attachments keeps the photos of tickets; may be nil, and then the
	// forms take no photos and the pages show none.
	Attachments *attachment.Service
	// LookupKey (32 bytes) seals the guests' lookup cookies (lookup.go);
	// every process of a server must have the same. Nil makes one at random.
	LookupKey []byte
	// CSRFKey signs the anonymous CSRF tokens (request.go); every process
	// of a server must have the same. Nil makes one at random.
	CSRFKey []byte
	// Idem keeps the first answer of a submission sent with an
	// Idempotency-Key (pwa.go); may be nil, and then a resend is still one
	// ticket but is answered by running the submission again.
	Idem *idem.Store
	// Secure marks every cookie Secure: browsers reach the server over
	// HTTPS only (an https public address, or TLS on the listener).
	Secure bool
	// TileURL is the district's own map tile server, "https://…/{z}/{x}/{y}.png",
	// drawn beneath the resident's map; empty draws the map from the
	// district's own boundaries alone.
	TileURL string
	// Warnings keeps the early warnings (未诉先办); may be nil, and then
	// the menu offers no page of them and /staff/warnings answers 503.
	Warnings *warning.Service
	// Votes keeps the owners' votes (业主共同决定); may be nil, and then
	// their pages answer 503.
	Votes *vote.Service
	// Proposals is residents' proposals and residence.
	Proposals *proposal.Service
	// Agenda is 我的事项 and 待办 across the capabilities.
	Agenda *agenda.Service
	// Elections keeps the owners' committee and residents' representatives
	// elections; may be nil, and then their pages answer 503.
	Elections *election.Service
	// Surveys keeps the surveys (问卷调查); may be nil, and then their
	// pages answer 503.
	Surveys *survey.Service
	// Notices keeps topics, announcements and disclosures; may be nil, and
	// then their pages answer 503.
	Notices *notice.Service
	// Projects keeps the key projects (重点项目); may be nil, and then
	// their pages answer 503.
	Projects *project.Service
	// Deliberation keeps the comments on items; may be nil, and then the
	// pages show none and its own pages answer 503.
	Deliberation *deliberation.Service
	// Meetings keeps the consultation meetings (议事会); may be nil, and
	// then their pages answer 503.
	Meetings *meeting.Service
	// Screening keeps the screening rounds (逐一排查); may be nil, and then
	// their pages answer 503.
	Screening *screening.Service
	// Needs keeps residents' registered needs; may be nil, and then their
	// pages answer 503.
	Needs *needs.Service
	// Services keeps the neighbourhood service circle (邻里服务); may be
	// nil, and then its pages answer 503.
	Services *service.Service
	// Volunteers keeps volunteers, tasks and points; may be nil.
	Volunteers *volunteer.Service
	// Mediation keeps people's mediation (人民调解); may be nil, and then
	// its pages answer 503.
	Mediation *mediation.Service
	// OpenData is the open-data portal (数据开放); may be nil, and then its
	// pages answer 503.
	OpenData *opendata.Service
	// Trail tells the responsibility trail of items; may be nil, and then
	// its page answers 503.
	Trail *trail.Service
	// Citylink keeps the linked 12345 platforms; may be nil, and then its
	// page answers 503.
	Citylink *citylink.Service
	// Agreements keeps the agreements of organisations outside the
	// government; may be nil, and then its pages answer 503.
	Agreements *agreement.Service
	// Status reads the installation's status; may be nil, and then its
	// page answers 503.
	Status *status.Service
	// Indicators keeps the indicator catalogue and computes a month's
	// values; may be nil, and then its pages answer 503.
	Indicators *indicator.Service
	// Kiosk keeps the self-service terminals; may be nil, and then their
	// pages answer 503.
	Kiosk *kiosk.Service
	// NatCodes keeps the categories' national classes and the grids'
	// unit-grid codes; may be nil, and then its page answers 503.
	NatCodes *natcode.Service
	// Training keeps the training sessions; may be nil, and then their
	// pages answer 503.
	Training *training.Service
	// Rules keeps the rules shared across levels; may be nil, and then
	// their pages answer 503.
	Rules *ruleset.Service
	// Practice keeps who practises; may be nil, and then the account
	// page offers no practice. PracticeSandbox marks the server that
	// serves the practising accounts: its pages show a banner.
	Practice        *practice.Service
	PracticeSandbox bool
}

// Server serves the HTML pages.
type Server struct {
	Deps
	pages  map[string]map[string]*template.Template // lang → page → template
	static http.Handler
	loc    *time.Location
	// lookupAEAD seals the cookie that lets a guest who proved her phone
	// on the lookup page see her ticket's photos (see lookup.go).
	lookupAEAD cipher.AEAD
	csrfKey    []byte
	speaker    speaker        // the read-aloud (speak.go)
	placeCache layerCache     // the district's map layers (placemap.go)
	placeIP    *limit.Limiter // map and place look-ups per client address (place.go)
	tileCSP    string         // the Content-Security-Policy that lets the tile server's images in
}

// pageNames are the templates under templates/, each rendered inside layout.html.
var pageNames = []string{
	"home", "submit", "submitted", "track", "ticket", "login", "my", "error",
	"staff_login", "staff_home", "staff_ticket", "staff_users",
	"staff_notifications", "staff_timelimits", "staff_console",
	"staff_dashboard", "staff_figure", "staff_unit", "staff_rects", "staff_rect", "staff_rect_new", "staff_warnings",
	"staff_public_settings", "public", "staff_patrol", "staff_apikeys",
	"staff_audit", "staff_account", "staff_proxy", "nearby", "staff_batch", "staff_replies", "staff_duplicates", "staff_router", "staff_themes",
	"vote_staff", "vote_staff_one", "vote_mine",
	"proposal_list", "proposal_new", "proposal", "proposal_staff_list", "proposal_staff", "proposal_residents",
	"participate", "staff_todo",
	"election_staff", "election_staff_one", "election_list", "election",
	"survey_list", "survey", "survey_staff_list",
	"notice_list", "notice", "notice_staff_list", "notice_staff_new",
	"project_list", "project", "project_staff_list",
	"deliberation_form", "deliberation_report", "deliberation_queue", "deliberation_stats",
	"meeting_list", "meeting", "meeting_staff_list", "meeting_staff",
	"screening_staff_list", "screening_staff", "needs", "visits_staff",
	"service_list", "service_offer", "service_request", "service_staff", "service_staff_request",
	"volunteer", "volunteer_staff", "volunteer_staff_task",
	"mediation_list", "mediation", "mediation_staff_list", "mediation_staff", "mediation_figures", "mediation_print",
	"opendata", "opendata_staff",
	"citylink_staff",
	"guide_list", "guide", "guide_application", "staff_guides", "staff_guide_edit", "staff_guide_figures", "staff_guide_apps",
	"staff_print", // its own document, rendered by renderPrint
	"staff_trail",
	"agreements_staff", "agreement_staff", "agreement_reads",
	"staff_status",
	"indicators", "indicators_staff",
	"kiosk", "kiosk_enrol", "kiosk_receipt", "kiosk_staff",
	"staff_requesters",
	"indicators_report", "indicators_compare", // the report is its own document (template "report")
	"national_staff", "national_edit",
	"staff_workload", "staff_returns", "staff_rootcause",
	"help", "training_staff", "training_session",
	"rules", "rules_staff",
}

// New parses the templates and returns the server.
func New(d Deps) (*Server, error) {
	if d.Log == nil {
		d.Log = slog.Default()
	}
	s := &Server{Deps: d, loc: clock.BusinessZone(), pages: map[string]map[string]*template.Template{}}
	var err error
	if s.lookupAEAD, err = newLookupAEAD(d.LookupKey); err != nil {
		return nil, err
	}
	s.placeIP = limit.New(120, time.Minute)
	s.tileCSP = tileCSP(d.TileURL)
	if s.csrfKey = d.CSRFKey; s.csrfKey == nil {
		s.csrfKey = make([]byte, 32)
		rand.Read(s.csrfKey)
	}
	for _, lang := range langs {
		s.pages[lang] = map[string]*template.Template{}
		for _, name := range pageNames {
			t, err := template.New(name).Funcs(s.funcs(lang)).ParseFS(files,
				"templates/layout.html", "templates/partials.html", "templates/resident_actions.html", "templates/place.html", "templates/replytpl.html", "templates/vote_result.html", "templates/proposal_parts.html", "templates/election_parts.html", "templates/comments.html", "templates/"+name+".html")
			if err != nil {
				return nil, fmt.Errorf("parse template %s: %w", name, err)
			}
			s.pages[lang][name] = t
		}
	}
	sub, err := fs.Sub(files, "static")
	if err != nil {
		return nil, err
	}
	s.static = http.StripPrefix("/static/", http.FileServer(http.FS(sub)))
	return s, nil
}

// localTarget reports whether p may be sent to a browser as a place to go:
// a path on this site. Browsers drop TAB, CR and LF anywhere in a URL and
// read a backslash as a slash, so "/\t/evil.example" or "/\\evil.example"
// would lead to another host; any control character, white space, backslash
// or invalid UTF-8 is refused outright rather than cleaned. The same holds
// after one round of percent-decoding, for a target that something on the
// way decodes before a browser reads it ("/%2F/evil.example").
func localTarget(p string) bool {
	if strings.IndexFunc(p, unicode.IsSpace) >= 0 || !slashPath(p) {
		return false
	}
	u, err := url.Parse(p)
	if err != nil || u.Scheme != "" || u.Host != "" || u.User != nil || u.Opaque != "" {
		return false
	}
	dec, err := url.PathUnescape(p)
	return err == nil && slashPath(dec)
}

// slashPath: one leading slash, valid UTF-8, no backslash and no control
// character anywhere.
func slashPath(p string) bool {
	return strings.HasPrefix(p, "/") && !strings.HasPrefix(p, "//") && utf8.ValidString(p) &&
		strings.IndexFunc(p, func(c rune) bool { return c == '\\' || unicode.IsControl(c) }) < 0
}
