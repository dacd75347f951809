// Package api is gongzhi's JSON API v1.
package api

import (
	"github.com/gongzhi/gongzhi/internal/agenda"
	"github.com/gongzhi/gongzhi/internal/agreement"
	"github.com/gongzhi/gongzhi/internal/kiosk"
	"github.com/gongzhi/gongzhi/internal/natcode"
	"github.com/gongzhi/gongzhi/internal/training"
	"log/slog"
	"net/http"

	"github.com/gongzhi/gongzhi/internal/attachment"
	"github.com/gongzhi/gongzhi/internal/auth"
	"github.com/gongzhi/gongzhi/internal/citylink"
	"github.com/gongzhi/gongzhi/internal/deliberation"
	"github.com/gongzhi/gongzhi/internal/election"
	"github.com/gongzhi/gongzhi/internal/evaluation"
	"github.com/gongzhi/gongzhi/internal/gov"
	"github.com/gongzhi/gongzhi/internal/idem"
	"github.com/gongzhi/gongzhi/internal/indicator"
	"github.com/gongzhi/gongzhi/internal/insight"
	"github.com/gongzhi/gongzhi/internal/insight/themes"
	"github.com/gongzhi/gongzhi/internal/insight/warning"
	"github.com/gongzhi/gongzhi/internal/kb"
	"github.com/gongzhi/gongzhi/internal/limit"
	"github.com/gongzhi/gongzhi/internal/mediation"
	"github.com/gongzhi/gongzhi/internal/meeting"
	"github.com/gongzhi/gongzhi/internal/needs"
	"github.com/gongzhi/gongzhi/internal/notice"
	"github.com/gongzhi/gongzhi/internal/opendata"
	"github.com/gongzhi/gongzhi/internal/practice"
	"github.com/gongzhi/gongzhi/internal/project"
	"github.com/gongzhi/gongzhi/internal/proposal"
	"github.com/gongzhi/gongzhi/internal/replytpl"
	"github.com/gongzhi/gongzhi/internal/ruleset"
	"github.com/gongzhi/gongzhi/internal/screening"
	"github.com/gongzhi/gongzhi/internal/service"
	"github.com/gongzhi/gongzhi/internal/status"
	"github.com/gongzhi/gongzhi/internal/survey"
	"github.com/gongzhi/gongzhi/internal/ticket"
	"github.com/gongzhi/gongzhi/internal/trail"
	"github.com/gongzhi/gongzhi/internal/volunteer"
	"github.com/gongzhi/gongzhi/internal/vote"
	"github.com/gongzhi/gongzhi/internal/webhook"
)

// Deps are what the API needs.
type Deps struct {
	Auth        *auth.Service
	Tickets     *ticket.Service
	Gov         *gov.Service
	KB          *kb.Service
	Attachments *attachment.Service
	Evaluation  *evaluation.Service
	Webhooks    *webhook.Service
	Replies     *replytpl.Service
	Insight     *insight.Service
	Themes      *themes.Service
	Warnings    *warning.Service
	Votes       *vote.Service
	Proposals   *proposal.Service
	Agenda      *agenda.Service
	Elections   *election.Service
	Surveys     *survey.Service
	Notices     *notice.Service
	Projects    *project.Service
	// Deliberation keeps the comments; nil answers 503 on their routes.
	Deliberation *deliberation.Service
	Idem         *idem.Store
	Limits       *limit.Set
	Log          *slog.Logger
	Demo         bool // return one-time codes as dev_code
	Meetings     *meeting.Service
	Screening    *screening.Service
	Needs        *needs.Service
	Services     *service.Service
	Volunteers   *volunteer.Service
	Mediation    *mediation.Service
	OpenData     *opendata.Service
	Trail        *trail.Service
	Citylink     *citylink.Service
	Agreements   *agreement.Service
	Status       *status.Service
	Indicators   *indicator.Service
	Kiosk        *kiosk.Service
	NatCodes     *natcode.Service
	Training     *training.Service
	Rules        *ruleset.Service
	Practice     *practice.Service
}

// API serves /api/v1.
type API struct {
	Deps
}

// New returns the API.
func New(d Deps) *API {
	if d.Log == nil {
		d.Log = slog.Default()
	}
	return &API{Deps: d}
}

// Routes is the whole URL table of the API: each line of routeTable is
// registered with the wrappers its access and keying ask for, and every
// request passes plainInput first. Anything else under /api/v1/ is 404.
func (a *API) Routes(parent *http.ServeMux) {
	mux := http.NewServeMux()
	for _, rt := range routeTable {
		mux.HandleFunc(rt.method+" "+rt.path, a.handler(rt))
	}
	mux.HandleFunc("/api/v1/", a.notFound)
	parent.Handle("/api/v1/", a.plainInput(mux))
}

// access is who may call a route.
type access int

const (
	asAnyone      access = iota // anonymous callers too; the handler reads a caller if there is one
	asUser                      // a session or an API key
	asUserPending               // a session even while its account has a step pending (auth.Pending)
	asAdmin                     // the administrator
)

// keying is how a route takes an Idempotency-Key (see idempotency.go).
type keying int

const (
	noKey           keying = iota
	keyed                  // the answer is kept and replayed (a.idempotent)
	keyedUpload            // the same for an upload spooled to a file (a.idempotentUpload)
	keyedSecret            // the answer carries a secret: never kept, a retry is 409 (a.idempotentSecret)
	keyedNoPassword        // kept, with the body's "password" left out of its hash (a.idempotentWithout)
)

// route is one line of the API's URL table. Exactly one of open (for
// asAnyone) and serve (for the others) is set. summary is the English half
// of the operation's summary in openapi.json, which openapi_test.go compares
// with this table both ways.
type route struct {
	method, path string
	access       access
	key          keying
	summary      string
	open         func(*API, http.ResponseWriter, *http.Request)
	serve        func(*API, http.ResponseWriter, *http.Request, auth.User)
}

// handler wraps a route's handler: the caller is required (user, admin)
// inside, the Idempotency-Key is read outside, so a retry is answered
// before anything else.
func (a *API) handler(rt route) http.HandlerFunc {
	serve := func(w http.ResponseWriter, r *http.Request, u auth.User) { rt.serve(a, w, r, u) }
	var h http.HandlerFunc
	switch rt.access {
	case asAnyone:
		h = func(w http.ResponseWriter, r *http.Request) { rt.open(a, w, r) }
	case asUser, asUserPending:
		h = a.user(serve)
	case asAdmin:
		h = a.admin(serve)
	}
	switch rt.key {
	case keyed:
		h = a.idempotent(h)
	case keyedUpload:
		h = a.idempotentUpload(h)
	case keyedSecret:
		h = a.idempotentSecret(h)
	case keyedNoPassword:
		h = a.idempotentWithout([]string{"password"}, h)
	}
	if rt.access == asUserPending {
		h = allowPending(h)
	}
	return h
}

// routeTable is every route of /api/v1. Every POST takes an Idempotency-Key.
var routeTable = []route{
	{"POST", "/api/v1/auth/token", asAnyone, keyedSecret, "log in and get a bearer token", (*API).token, nil},
	{"DELETE", "/api/v1/auth/token", asUserPending, noKey, "revoke one's own token (log out)", nil, (*API).revokeToken},
	{"POST", "/api/v1/auth/code", asAnyone, keyedSecret, "send a one-time login code", (*API).code, nil},
	// Passwords and the second factor's secret and codes travel in these
	// requests and answers: a key never keeps them.
	{"POST", "/api/v1/auth/password", asUserPending, keyedSecret, "change one's own password", nil, (*API).changePassword},
	{"POST", "/api/v1/auth/totp", asUserPending, keyedSecret, "start enrolling an authenticator (TOTP)", nil, (*API).beginTOTP},
	{"POST", "/api/v1/auth/totp/confirm", asUserPending, keyedSecret, "confirm the authenticator", nil, (*API).confirmTOTP},

	{"POST", "/api/v1/users", asAdmin, keyedNoPassword, "create an account (admin)", nil, (*API).createUser},
	{"GET", "/api/v1/users", asAdmin, noKey, "list accounts (admin)", nil, (*API).listUsers},
	{"POST", "/api/v1/users/{id}/unlock", asAdmin, keyed, "unlock an account (admin)", nil, (*API).unlockUser},
	{"POST", "/api/v1/users/{id}/disable", asAdmin, keyed, "disable an account (admin)", nil, (*API).disableUser},
	{"POST", "/api/v1/users/{id}/enable", asAdmin, keyed, "enable an account (admin)", nil, (*API).enableUser},
	{"POST", "/api/v1/users/{id}/password", asAdmin, keyedSecret, "reset a password (admin)", nil, (*API).resetPassword},
	{"DELETE", "/api/v1/users/{id}/totp", asAdmin, noKey, "remove two-step login (admin)", nil, (*API).removeTOTP},

	{"GET", "/api/v1/areas", asAnyone, noKey, "areas", (*API).areas, nil},
	{"GET", "/api/v1/orgs", asAnyone, noKey, "organisations", (*API).orgs, nil},
	{"GET", "/api/v1/categories", asAnyone, noKey, "the category tree", (*API).categories, nil},
	{"GET", "/api/v1/categories/search", asAnyone, noKey, "find categories by words, pinyin, initials or code", (*API).searchCategories, nil},

	{"POST", "/api/v1/tickets", asAnyone, keyed, "submit a request", (*API).createTicket, nil},
	{"GET", "/api/v1/tickets", asUser, noKey, "list tickets", nil, (*API).listTickets},
	{"GET", "/api/v1/tickets/export", asUser, noKey, "export a ticket list", nil, (*API).exportTickets},
	{"GET", "/api/v1/tickets/{number}", asUser, noKey, "one ticket", nil, (*API).getTicket},
	{"GET", "/api/v1/tickets/{number}/events", asUser, noKey, "a ticket's timeline", nil, (*API).ticketEvents},
	{"POST", "/api/v1/tickets/{number}/actions/{action}", asUser, keyed, "take an action on a ticket", nil, (*API).act},
	{"POST", "/api/v1/tickets/batch", asUser, keyed, "take one action on many tickets", nil, (*API).batch},
	{"POST", "/api/v1/tickets/{number}/attachments", asUser, keyedUpload, "attach a photo", nil, (*API).addAttachment},
	{"GET", "/api/v1/tickets/{number}/attachments", asUser, noKey, "a ticket's photos", nil, (*API).listAttachments},
	{"GET", "/api/v1/tickets/{number}/attachments/{id}", asUser, noKey, "fetch a photo or its thumbnail", nil, (*API).serveAttachment},

	{"GET", "/api/v1/callers/{phone}/tickets", asUser, noKey, "a caller's tickets", nil, (*API).callerHistory},
	{"POST", "/api/v1/duplicates", asUser, keyed, "possible duplicates", nil, (*API).duplicates},
	{"POST", "/api/v1/insight/reply-quality", asUser, keyed, "advice on a reply", nil, (*API).replyQuality},
	{"GET", "/api/v1/insight/duplicates", asUser, noKey, "likely duplicate pairs among open tickets", nil, (*API).duplicatePairs},
	{"GET", "/api/v1/kb", asUser, noKey, "search the knowledge base", nil, (*API).searchKB},
	{"GET", "/api/v1/kb/{id}", asUser, noKey, "one article", nil, (*API).getKB},
	{"POST", "/api/v1/kb", asUser, keyed, "create an article (admin)", nil, (*API).saveKB},
	{"PUT", "/api/v1/kb/{id}", asUser, noKey, "replace an article (admin)", nil, (*API).saveKB},
	{"DELETE", "/api/v1/kb/{id}", asUser, noKey, "delete an article (admin)", nil, (*API).deleteKB},

	{"POST", "/api/v1/insight/route", asUser, keyed, "suggest the category and unit for a request's words", nil, (*API).route},
	{"POST", "/api/v1/insight/train", asAdmin, keyed, "train the router on the closed tickets now (admin)", nil, (*API).trainRouter},
	{"GET", "/api/v1/insight/themes", asUser, noKey, "the month's recurring problems (admin, supervisors, dispatchers)", nil, (*API).monthThemes},
	{"POST", "/api/v1/insight/themes/{id}/rectification", asUser, keyed, "turn a theme into a rectification task (supervisors, admin)", nil, (*API).rectifyTheme},
	{"POST", "/api/v1/insight/themes/{id}/proposal", asUser, keyed, "make a theme a proposal raised for a resident (supervisors, dispatchers, admin)", nil, (*API).proposeTheme},
	{"GET", "/api/v1/insight/router", asUser, noKey, "the router's models and how often its suggestions were taken (admin, supervisors)", nil, (*API).router},
	{"GET", "/api/v1/reply-templates", asUser, noKey, "reply templates one may read, with the placeholders", nil, (*API).listReplyTemplates},
	{"POST", "/api/v1/reply-templates", asUser, keyed, "create a reply template (admin; handlers for their unit; the dispatch centre district-wide)", nil, (*API).saveReplyTemplate},
	{"GET", "/api/v1/reply-templates/{id}", asUser, noKey, "one reply template", nil, (*API).getReplyTemplate},
	{"PUT", "/api/v1/reply-templates/{id}", asUser, noKey, "change a reply template", nil, (*API).saveReplyTemplate},
	{"DELETE", "/api/v1/reply-templates/{id}", asUser, noKey, "delete a reply template", nil, (*API).deleteReplyTemplate},
	{"GET", "/api/v1/tickets/{number}/reply-templates", asUser, noKey, "the reply templates for a ticket, rendered for it", nil, (*API).ticketReplyTemplates},

	{"POST", "/api/v1/apikeys", asAdmin, keyedSecret, "create an API key (admin)", nil, (*API).createAPIKey},
	{"GET", "/api/v1/apikeys", asAdmin, noKey, "list API keys (admin)", nil, (*API).listAPIKeys},
	{"DELETE", "/api/v1/apikeys/{id}", asAdmin, noKey, "revoke an API key (admin)", nil, (*API).revokeAPIKey},
	{"GET", "/api/v1/audit", asUser, noKey, "search the audit log", nil, (*API).searchAudit},

	{"GET", "/api/v1/evaluation", asUser, noKey, "the figures of units or areas", nil, (*API).evaluation},
	{"GET", "/api/v1/evaluation/tickets", asUser, noKey, "the tickets behind a figure", nil, (*API).evaluationTickets},
	{"GET", "/api/v1/evaluation/rankings", asUser, noKey, "a month's ranking with the red and black lists", nil, (*API).evaluationRankings},
	{"GET", "/api/v1/evaluation/settings", asAdmin, noKey, "evaluation settings (admin)", nil, (*API).evaluationSettings},
	{"PUT", "/api/v1/evaluation/settings", asAdmin, noKey, "change the evaluation settings (admin)", nil, (*API).saveEvaluationSettings},
	{"GET", "/api/v1/health/online", asUser, noKey, "the platform's online and error rates", nil, (*API).onlineRate},
	{"GET", "/api/v1/rectifications", asUser, noKey, "rectification tasks", nil, (*API).listRectifications},
	{"POST", "/api/v1/rectifications", asUser, keyed, "set a rectification task (supervisors, admin)", nil, (*API).createRectification},
	{"POST", "/api/v1/rectifications/from-ranking", asUser, keyed, "a task for every unit in rectify that month", nil, (*API).rectifyFromRanking},
	{"GET", "/api/v1/rectifications/{id}", asUser, noKey, "one task", nil, (*API).getRectification},
	{"POST", "/api/v1/rectifications/{id}/submit", asUser, keyed, "submit the measures (the unit's handlers)", nil, (*API).submitRectification},
	{"POST", "/api/v1/rectifications/{id}/review", asUser, keyed, "accept or reject the measures (supervisors, admin)", nil, (*API).reviewRectification},

	{"GET", "/api/v1/insight/warnings", asUser, noKey, "early warnings of hotspots (未诉先办)", nil, (*API).listWarnings},
	{"GET", "/api/v1/insight/warnings/{id}", asUser, noKey, "one warning", nil, (*API).getWarning},
	{"POST", "/api/v1/insight/warnings/{id}/acknowledge", asUser, keyed, "acknowledge a warning", nil, (*API).acknowledgeWarning},
	{"POST", "/api/v1/insight/warnings/{id}/dismiss", asUser, keyed, "dismiss a warning with a reason", nil, (*API).dismissWarning},
	{"POST", "/api/v1/insight/warnings/{id}/convert", asUser, keyed, "turn a warning into a ticket or a rectification task", nil, (*API).convertWarning},
	{"POST", "/api/v1/areas", asUser, keyed, "create a courtyard under a community", nil, (*API).createCourtyard},
	{"PUT", "/api/v1/areas/{code}/population", asUser, noKey, "set an area's population (admin)", nil, (*API).setPopulation},
	{"POST", "/api/v1/areas/{code}/residents", asUser, keyed, "verify that a resident lives in an area", nil, (*API).verifyResident},
	{"POST", "/api/v1/proposals", asUser, keyed, "raise a proposal", nil, (*API).createProposal},
	{"GET", "/api/v1/proposals", asUser, noKey, "proposals the caller may see", nil, (*API).listProposals},
	{"GET", "/api/v1/proposals/{number}", asUser, noKey, "one proposal", nil, (*API).getProposal},
	{"GET", "/api/v1/proposals/{number}/events", asUser, noKey, "a proposal's history", nil, (*API).proposalEvents},
	{"POST", "/api/v1/proposals/{number}/cosign", asUser, keyed, "co-sign a proposal", nil, (*API).cosignProposal},
	{"POST", "/api/v1/proposals/{number}/answer", asUser, keyed, "answer a proposal: adopt, reject or escalate", nil, (*API).answerProposal},
	{"POST", "/api/v1/proposals/{number}/progress", asUser, keyed, "report progress on an adopted proposal", nil, (*API).proposalProgress},
	{"POST", "/api/v1/projects", asUser, keyed, "create a key project (staff whose area covers it)", nil, (*API).createProject},
	{"GET", "/api/v1/projects", asAnyone, noKey, "key projects the caller may read", (*API).listProjects, nil},
	{"GET", "/api/v1/projects/{number}", asAnyone, noKey, "one key project with its milestones, reports, inputs and scores", (*API).getProject, nil},
	{"POST", "/api/v1/projects/{number}/phase", asUser, keyed, "move a key project to its next phase", nil, (*API).projectPhase},
	{"POST", "/api/v1/projects/{number}/milestones", asUser, keyed, "add a milestone to a key project", nil, (*API).addProjectMilestone},
	{"POST", "/api/v1/projects/{number}/milestones/{id}/done", asUser, keyed, "mark a milestone reached", nil, (*API).projectMilestoneDone},
	{"POST", "/api/v1/projects/{number}/progress", asUser, keyed, "report a key project's progress", nil, (*API).projectProgress},
	{"POST", "/api/v1/projects/{number}/inputs", asUser, keyed, "send a need or an opinion (a resident, or staff for her)", nil, (*API).projectInput},
	{"POST", "/api/v1/projects/{number}/inputs/{id}/answer", asUser, keyed, "answer a need or an opinion", nil, (*API).answerProjectInput},
	{"POST", "/api/v1/projects/{number}/evaluations", asUser, keyed, "give or change one's evaluation of a key project", nil, (*API).evaluateProject},
	{"GET", "/api/v1/project-inputs/unanswered", asUser, noKey, "needs and opinions the caller's unit must answer", nil, (*API).unansweredProjectInputs},

	{"POST", "/api/v1/surveys", asUser, keyed, "create a draft survey of an area", nil, (*API).createSurvey},
	{"GET", "/api/v1/surveys", asUser, noKey, "surveys the caller may see", nil, (*API).listSurveys},
	{"GET", "/api/v1/surveys/{id}", asUser, noKey, "one survey with its questions", nil, (*API).getSurvey},
	{"POST", "/api/v1/surveys/{id}/questions", asUser, keyed, "add a question to a draft survey", nil, (*API).addSurveyQuestion},
	{"DELETE", "/api/v1/surveys/{id}/questions/{question_id}", asUser, noKey, "remove a question from a draft survey", nil, (*API).deleteSurveyQuestion},
	{"POST", "/api/v1/surveys/{id}/open", asUser, keyed, "open a survey for answers", nil, (*API).openSurvey},
	{"POST", "/api/v1/surveys/{id}/close", asUser, keyed, "close a survey", nil, (*API).closeSurvey},
	{"POST", "/api/v1/surveys/{id}/responses", asUser, keyed, "answer a survey, or record a resident's paper or phone answer", nil, (*API).respondSurvey},
	{"GET", "/api/v1/surveys/{id}/results", asUser, noKey, "a survey's results", nil, (*API).surveyResults},
	{"GET", "/api/v1/surveys/{id}/results.xlsx", asUser, noKey, "a survey's results as XLSX", nil, (*API).surveyResultsXLSX},
	{"GET", "/api/v1/surveys/{id}/responses.xlsx", asUser, noKey, "every response of a survey as XLSX", nil, (*API).surveyResponsesXLSX},
	{"POST", "/api/v1/notices", asUser, keyed, "publish a topic, announcement or disclosure (staff)", nil, (*API).createNotice},
	{"GET", "/api/v1/notices", asAnyone, noKey, "topics, announcements and disclosures the caller may see", (*API).listNotices, nil},
	{"GET", "/api/v1/notices/{number}", asAnyone, noKey, "one topic, announcement or disclosure with its objections and answers", (*API).getNotice, nil},
	{"PUT", "/api/v1/notices/{number}", asUser, noKey, "edit a draft (its publisher)", nil, (*API).editNotice},
	{"POST", "/api/v1/notices/{number}/open", asUser, keyed, "publish a draft, or put a topic's decision up for public notice", nil, (*API).openNotice},
	{"POST", "/api/v1/notices/{number}/objections", asUser, keyed, "raise an objection during the public-notice period", nil, (*API).objectNotice},
	{"POST", "/api/v1/notices/{number}/objections/{id}/answer", asUser, keyed, "answer an objection", nil, (*API).answerObjection},
	{"POST", "/api/v1/notices/{number}/finalise", asUser, keyed, "make an item final with the summary of what was heard and what changed", nil, (*API).finaliseNotice},
	{"POST", "/api/v1/notices/{number}/withdraw", asUser, keyed, "withdraw an item", nil, (*API).withdrawNotice},
	{"GET", "/api/v1/disclosure-schedules/due", asUser, noKey, "village committees' disclosure schedules: due, overdue, done", nil, (*API).dueDisclosures},
	{"GET", "/api/v1/comments", asAnyone, noKey, "comments on an item, as threads, with the counts by position", (*API).listComments, nil},
	{"POST", "/api/v1/comments", asUser, keyed, "comment on an item, or reply to a comment", nil, (*API).createComment},
	{"POST", "/api/v1/comments/{id}/report", asUser, keyed, "report a comment", nil, (*API).reportComment},
	{"POST", "/api/v1/comments/{id}/moderate", asUser, keyed, "publish or hide a comment (moderators)", nil, (*API).moderateComment},
	{"GET", "/api/v1/moderation/queue", asUser, noKey, "comments waiting for a moderator", nil, (*API).moderationQueue},
	{"GET", "/api/v1/moderation/stats", asAnyone, noKey, "the month's moderation figures, public", (*API).moderationStats, nil},
	{"PUT", "/api/v1/moderation/mode", asAdmin, noKey, "set how comments are reviewed (admin)", nil, (*API).setModerationMode},

	{"POST", "/api/v1/votes", asUser, keyed, "open an owners' vote of a residential compound (业主共同决定)", nil, (*API).createVote},
	{"GET", "/api/v1/votes", asUser, noKey, "owners' votes one may see", nil, (*API).listVotes},
	{"GET", "/api/v1/votes/{id}", asUser, noKey, "one owners' vote with the units of its register one may see", nil, (*API).getVote},
	{"POST", "/api/v1/votes/{id}/units", asUser, keyed, "add units to a vote's register before its first ballot", nil, (*API).addVoteUnits},
	{"POST", "/api/v1/votes/{id}/ballots", asUser, keyed, "cast a unit's ballot (its owner, or the staff from paper)", nil, (*API).castVote},
	{"GET", "/api/v1/votes/{id}/ballots/{unit}/scan", asUser, noKey, "the scan of a paper ballot (the staff running the vote)", nil, (*API).getBallotScan},
	{"POST", "/api/v1/votes/{id}/ballots/{unit}/scan", asUser, keyed, "attach the scan of a recorded paper ballot (the staff running the vote)", nil, (*API).addBallotScan},
	{"POST", "/api/v1/votes/{id}/close", asUser, keyed, "close a vote and compute its result", nil, (*API).closeVote},

	{"POST", "/api/v1/elections", asUser, keyed, "open an owners' committee or residents' representatives election", nil, (*API).createElection},
	{"GET", "/api/v1/elections", asUser, noKey, "elections one may see", nil, (*API).listElections},
	{"GET", "/api/v1/elections/{id}", asUser, noKey, "one election: its candidates, one's own ballot, and the count once closed", nil, (*API).getElection},
	{"POST", "/api/v1/elections/{id}/units", asUser, keyed, "add units to an owners' committee election's register before its first ballot", nil, (*API).addElectionUnits},
	{"POST", "/api/v1/elections/{id}/candidates", asUser, keyed, "add candidates before the first ballot", nil, (*API).addElectionCandidates},
	{"POST", "/api/v1/elections/{id}/ballots", asUser, keyed, "cast a secret ballot (the voter, or the staff from paper)", nil, (*API).castElection},
	{"POST", "/api/v1/elections/{id}/close", asUser, keyed, "close an election and count it", nil, (*API).closeElection},
	{"POST", "/api/v1/meetings", asUser, keyed, "convene a consultation meeting (议事会)", nil, (*API).createMeeting},
	{"GET", "/api/v1/meetings", asUser, noKey, "meetings the caller may see", nil, (*API).listMeetings},
	{"GET", "/api/v1/meetings/{id}", asUser, noKey, "one meeting with its roster and, once published, its record", nil, (*API).getMeeting},
	{"PUT", "/api/v1/meetings/{id}", asUser, noKey, "change a meeting in draft (those who run it)", nil, (*API).editMeeting},
	{"GET", "/api/v1/meetings/{id}/events", asUser, noKey, "a meeting's log (those who run it)", nil, (*API).meetingEvents},
	{"POST", "/api/v1/meetings/{id}/representatives", asUser, keyed, "put representatives on the roster of the meeting's area", nil, (*API).addRepresentatives},
	{"DELETE", "/api/v1/meetings/{id}/representatives/{rep}", asUser, noKey, "take a representative off the roster", nil, (*API).removeRepresentative},
	{"POST", "/api/v1/meetings/{id}/notice", asUser, keyed, "send the notice with the agenda to the roster", nil, meetingStep((*meeting.Service).Notice)},
	{"POST", "/api/v1/meetings/{id}/open", asUser, keyed, "open the meeting: the sign-in begins", nil, meetingStep((*meeting.Service).Open)},
	{"POST", "/api/v1/meetings/{id}/signin", asUser, keyed, "sign a representative in", nil, (*API).meetingSignIn},
	{"POST", "/api/v1/meetings/{id}/minutes", asUser, keyed, "write the minutes", nil, (*API).meetingMinutes},
	{"POST", "/api/v1/meetings/{id}/resolutions", asUser, keyed, "take a resolution by show of hands or by ballot", nil, (*API).meetingResolve},
	{"POST", "/api/v1/meetings/{id}/close", asUser, keyed, "close the meeting", nil, meetingStep((*meeting.Service).Close)},
	{"POST", "/api/v1/meetings/{id}/publish", asUser, keyed, "publish the minutes and resolutions with their counts", nil, meetingStep((*meeting.Service).Publish)},
	{"POST", "/api/v1/meetings/{id}/tasks", asUser, keyed, "set a follow-up task on a passed resolution", nil, (*API).meetingTask},
	{"GET", "/api/v1/meeting-tasks", asUser, noKey, "an organisation's open follow-up tasks", nil, (*API).openMeetingTasks},
	{"POST", "/api/v1/meeting-tasks/{id}/done", asUser, keyed, "mark a follow-up task done", nil, (*API).finishMeetingTask},
	{"POST", "/api/v1/screening/rounds", asUser, keyed, "schedule a screening round (逐一排查) for a grid", nil, (*API).createRound},
	{"GET", "/api/v1/screening/rounds", asUser, noKey, "screening rounds one may see", nil, (*API).listRounds},
	{"GET", "/api/v1/screening/rounds/{id}", asUser, noKey, "one screening round with its households and places", nil, (*API).getRound},
	{"GET", "/api/v1/screening/rounds/{id}/events", asUser, noKey, "a screening round's log", nil, (*API).roundEvents},
	{"POST", "/api/v1/screening/rounds/{id}/checks", asUser, keyed, "record the check of a household or place", nil, (*API).recordCheck},
	{"GET", "/api/v1/screening/coverage", asUser, noKey, "screening coverage of a month per grid", nil, (*API).screeningCoverage},
	{"GET", "/api/v1/needs/consent", asAnyone, noKey, "the consent text for registering needs and its version", (*API).needsConsent, nil},
	{"POST", "/api/v1/needs", asUser, keyed, "register needs with consent (the resident, or staff with her consent in person)", nil, (*API).registerNeeds},
	{"GET", "/api/v1/needs/mine", asUser, noKey, "one's own registered needs and consent", nil, (*API).myNeeds},
	{"POST", "/api/v1/needs/withdraw", asUser, keyed, "withdraw one's consent: the needs are removed", nil, (*API).withdrawNeeds},
	{"GET", "/api/v1/needs/reads", asUser, noKey, "who read one's needs, when and why", nil, (*API).needsReads},
	{"GET", "/api/v1/needs/plan", asUser, noKey, "a grid worker's visit plan (a read recorded with its reason)", nil, (*API).needsPlan},
	{"POST", "/api/v1/needs/{id}/visits", asUser, keyed, "record a visit to a resident with needs", nil, (*API).needsVisit},
	{"GET", "/api/v1/services/near", asUser, noKey, "services near a community or a place (the 15-minute circle)", nil, (*API).servicesNear},
	{"GET", "/api/v1/services/providers", asUser, noKey, "the service providers the caller keeps, lapsed qualifications first", nil, (*API).serviceProviders},
	{"POST", "/api/v1/services/providers", asUser, keyed, "make an organisation a service provider, or change its agreement", nil, (*API).saveServiceProvider},
	{"GET", "/api/v1/services/providers/{org}", asUser, noKey, "one provider with its agreement and services", nil, (*API).getServiceProvider},
	{"POST", "/api/v1/services/providers/{org}/qualifications", asUser, keyed, "record a provider's qualification with its expiry", nil, (*API).addServiceQualification},
	{"POST", "/api/v1/services/offers", asUser, keyed, "add a service to a provider, or change one", nil, (*API).saveServiceOffer},
	{"GET", "/api/v1/services/offers/{id}", asUser, noKey, "one service with its open slots", nil, (*API).getServiceOffer},
	{"POST", "/api/v1/services/offers/{id}/slots", asUser, keyed, "open a bookable slot with its capacity", nil, (*API).addServiceSlot},
	{"POST", "/api/v1/services/requests", asUser, keyed, "book a slot or ask for a service", nil, (*API).createServiceRequest},
	{"GET", "/api/v1/services/requests", asUser, noKey, "service requests: the resident's, an organisation's or an area's", nil, (*API).listServiceRequests},
	{"GET", "/api/v1/services/requests/{number}", asUser, noKey, "one service request", nil, (*API).getServiceRequest},
	{"GET", "/api/v1/services/requests/{number}/events", asUser, noKey, "a service request's log", nil, (*API).serviceRequestEvents},
	{"POST", "/api/v1/services/requests/{number}/confirm", asUser, keyed, "the provider confirms the request", nil, serviceStep((*service.Service).Confirm)},
	{"POST", "/api/v1/services/requests/{number}/decline", asUser, keyed, "the provider declines the request, with the reason", nil, (*API).declineServiceRequest},
	{"POST", "/api/v1/services/requests/{number}/cancel", asUser, keyed, "the resident cancels the request", nil, serviceStep((*service.Service).Cancel)},
	{"POST", "/api/v1/services/requests/{number}/complete", asUser, keyed, "confirm the completion on the caller's side", nil, serviceStep((*service.Service).Complete)},
	{"POST", "/api/v1/services/requests/{number}/rate", asUser, keyed, "the resident rates the done service (1-5)", nil, (*API).rateServiceRequest},
	{"POST", "/api/v1/services/requests/{number}/complain", asUser, keyed, "a complaint about the provider, made a ticket of the community", nil, (*API).complainServiceRequest},
	{"GET", "/api/v1/services/figures", asUser, noKey, "supply against need per community and category", nil, (*API).serviceFigures},
	{"GET", "/api/v1/volunteer/me", asUser, noKey, "the caller's registration, points and codes", nil, (*API).volunteerMine},
	{"POST", "/api/v1/volunteer/register", asUser, keyed, "register as a volunteer", nil, (*API).volunteerRegister},
	{"GET", "/api/v1/volunteer/volunteers", asUser, noKey, "the registrations of a scope", nil, (*API).listVolunteers},
	{"POST", "/api/v1/volunteer/volunteers/{id}/decision", asUser, keyed, "approve or reject a registration", nil, (*API).decideVolunteer},
	{"GET", "/api/v1/volunteer/tasks", asUser, noKey, "volunteer tasks for the caller", nil, (*API).listVolunteerTasks},
	{"POST", "/api/v1/volunteer/tasks", asUser, keyed, "post a volunteer task", nil, (*API).postVolunteerTask},
	{"GET", "/api/v1/volunteer/tasks/{id}", asUser, noKey, "one volunteer task", nil, (*API).getVolunteerTask},
	{"POST", "/api/v1/volunteer/tasks/{id}/signup", asUser, keyed, "sign up for a task", nil, volunteerTaskStep((*volunteer.Service).SignUp)},
	{"POST", "/api/v1/volunteer/tasks/{id}/withdraw", asUser, keyed, "withdraw a sign-up", nil, volunteerTaskStep((*volunteer.Service).Withdraw)},
	{"POST", "/api/v1/volunteer/tasks/{id}/cancel", asUser, keyed, "cancel a task", nil, volunteerTaskStep((*volunteer.Service).Cancel)},
	{"POST", "/api/v1/volunteer/tasks/{id}/hours", asUser, keyed, "confirm a volunteer's hours", nil, (*API).volunteerHours},
	{"POST", "/api/v1/volunteer/codes", asUser, keyed, "make a redemption code", nil, (*API).makeVolunteerCode},
	{"POST", "/api/v1/volunteer/codes/{id}/withdraw", asUser, keyed, "withdraw a redemption code", nil, (*API).withdrawVolunteerCode},
	{"POST", "/api/v1/volunteer/redeem", asUser, keyed, "confirm a redemption code at a partner shop", nil, (*API).redeemVolunteerCode},
	{"GET", "/api/v1/volunteer/shops", asUser, noKey, "the partner shops", nil, (*API).listVolunteerShops},
	{"PUT", "/api/v1/volunteer/shops/{org}", asAdmin, noKey, "make an organisation a partner shop (admin)", nil, (*API).addVolunteerShop},
	{"DELETE", "/api/v1/volunteer/shops/{org}", asAdmin, noKey, "end a partnership (admin)", nil, (*API).removeVolunteerShop},
	{"POST", "/api/v1/mediation/cases", asUser, keyed, "open a mediation case (staff), or apply for mediation of one's own dispute (resident)", nil, (*API).createMediationCase},
	{"GET", "/api/v1/mediation/cases", asUser, noKey, "mediation cases the caller may see, gravest risk first", nil, (*API).listMediationCases},
	{"GET", "/api/v1/mediation/cases/{number}", asUser, noKey, "one mediation case with its parties, sessions and agreement", nil, (*API).getMediationCase},
	{"GET", "/api/v1/mediation/cases/{number}/events", asUser, noKey, "a mediation case's log", nil, (*API).mediationEvents},
	{"POST", "/api/v1/mediation/cases/{number}/risk", asUser, keyed, "grade the case's risk anew (red escalates at once)", nil, (*API).mediationRegrade},
	{"POST", "/api/v1/mediation/cases/{number}/mediators", asUser, keyed, "name the mediators from the committee's members", nil, (*API).mediationMediators},
	{"POST", "/api/v1/mediation/cases/{number}/schedule", asUser, keyed, "set the next session; the parties are told", nil, (*API).mediationSchedule},
	{"POST", "/api/v1/mediation/cases/{number}/sessions", asUser, keyed, "record a session held", nil, (*API).mediationSession},
	{"POST", "/api/v1/mediation/cases/{number}/signatures", asUser, keyed, "record that a party signed a record or the agreement in person", nil, (*API).mediationSign},
	{"POST", "/api/v1/mediation/cases/{number}/agreement", asUser, keyed, "record the mediation agreement; answers the confirmation deadline", nil, (*API).mediationAgreement},
	{"POST", "/api/v1/mediation/cases/{number}/confirmation", asUser, keyed, "record the application for judicial confirmation and the court's answer", nil, (*API).mediationConfirm},
	{"POST", "/api/v1/mediation/cases/{number}/follow-up", asUser, keyed, "record the follow-up on performance", nil, (*API).mediationFollowUp},
	{"POST", "/api/v1/mediation/cases/{number}/refuse", asUser, keyed, "a party refuses mediation: the case ends", nil, (*API).mediationRefuse},
	{"POST", "/api/v1/mediation/cases/{number}/terminate", asUser, keyed, "end mediation without agreement", nil, (*API).mediationTerminate},
	{"POST", "/api/v1/mediation/cases/{number}/ticket", asUser, keyed, "hand a case ended without agreement over as a ticket", nil, (*API).mediationHandOver},
	{"POST", "/api/v1/mediation/tickets/{number}", asUser, keyed, "a ticket of a dispute becomes a mediation case under its number", nil, (*API).mediationFromTicket},
	{"GET", "/api/v1/mediation/figures", asUser, noKey, "mediation figures of an area", nil, (*API).mediationFigures},
	{"GET", "/api/v1/mediation/committees", asUser, noKey, "mediation committees with their members", nil, (*API).mediationCommittees},
	{"PUT", "/api/v1/mediation/committees/{code}/members", asUser, noKey, "set a committee's members (3 to 9)", nil, (*API).mediationMembers},
	{"GET", "/api/v1/opendata/datasets", asAnyone, noKey, "the open-data catalogue: the datasets published", (*API).openDatasets, nil},
	{"GET", "/api/v1/opendata/datasets/{id}", asAnyone, noKey, "one dataset's catalogue entry with its fields", (*API).openDataset, nil},
	{"GET", "/api/v1/opendata/datasets/{id}/records", asAnyone, noKey, "a page of a dataset's rows", (*API).openRecords, nil},
	{"POST", "/api/v1/opendata/datasets/{id}/publication", asUser, keyed, "publish or withdraw a dataset (admin)", nil, (*API).publishDataset},
	{"GET", "/api/v1/opendata/datasets/{id}/events", asUser, noKey, "a dataset's publication log (admin)", nil, (*API).openDataEvents},
	{"GET", "/api/v1/trail/{kind}/{number}", asUser, noKey, "an item's responsibility trail (JSON, or a CSV or XLSX file)", nil, (*API).getTrail},
	{"POST", "/api/v1/agreements", asUser, keyed, "make an agreement with an organisation outside the government", nil, (*API).createAgreement},
	{"GET", "/api/v1/agreements", asUser, noKey, "agreements the caller may read", nil, (*API).listAgreements},
	{"GET", "/api/v1/agreements/{id}", asUser, noKey, "one agreement with its scope, duties and granted data", nil, (*API).getAgreement},
	{"PUT", "/api/v1/agreements/{id}", asUser, noKey, "replace the terms of an agreement not ended", nil, (*API).updateAgreement},
	{"POST", "/api/v1/agreements/{id}/suspend", asUser, keyed, "suspend an agreement: its staff are refused at once", nil, (*API).suspendAgreement},
	{"POST", "/api/v1/agreements/{id}/resume", asUser, keyed, "resume a suspended agreement", nil, (*API).resumeAgreement},
	{"POST", "/api/v1/agreements/{id}/end", asUser, keyed, "end an agreement for good", nil, (*API).endAgreement},
	{"GET", "/api/v1/agreements/{id}/events", asUser, noKey, "an agreement's log", nil, (*API).agreementEvents},
	{"GET", "/api/v1/personal-data-reads", asUser, noKey, "a month's reads of personal data by staff of organisations under agreements", nil, (*API).personalDataReads},
	{"GET", "/api/v1/status", asUser, noKey, "the installation's status, dormant accounts and unused features (admin, supervisor)", nil, (*API).systemStatus},
	{"GET", "/api/v1/indicators", asUser, noKey, "the month's governance indicators with the composite (supervisor, admin)", nil, (*API).listIndicators},
	{"GET", "/api/v1/indicators/catalogue", asAnyone, noKey, "the indicator catalogue with the district's weights beside the standard", (*API).indicatorCatalogue, nil},
	{"GET", "/api/v1/indicators/changes", asAnyone, noKey, "the record of changes to the district's weights, switches and costs", (*API).indicatorChanges, nil},
	{"GET", "/api/v1/indicators/compare", asUser, noKey, "the month's governance indicators of each district side by side (supervisor, admin)", nil, (*API).compareIndicators},
	{"PUT", "/api/v1/indicators/costs", asUser, noKey, "set the cost settings of the cost indicator, with a reason (admin)", nil, (*API).setIndicatorCosts},
	{"PUT", "/api/v1/indicators/{code}", asUser, noKey, "change an indicator's weight or switch it on or off, with a reason (admin)", nil, (*API).setIndicator},
	{"POST", "/api/v1/kiosks", asUser, keyed, "register a self-service terminal site", nil, (*API).registerKiosk},
	{"GET", "/api/v1/kiosks", asUser, noKey, "self-service terminals with their online status and use in a month", nil, (*API).listKiosks},
	{"POST", "/api/v1/training/sessions", asUser, keyed, "set up a training session for staff, grid workers or residents", nil, (*API).createTraining},
	{"GET", "/api/v1/training/sessions", asUser, noKey, "the training sessions the caller may read, newest first", nil, (*API).listTraining},
	{"GET", "/api/v1/training/sessions/{id}", asUser, noKey, "one training session with its attendance, phones masked", nil, (*API).getTraining},
	{"POST", "/api/v1/training/sessions/{id}/attendance", asUser, keyed, "record that an account or a resident's phone attended a session", nil, (*API).attendTraining},
	{"GET", "/api/v1/training/mine", asUser, noKey, "the sessions the caller attended", nil, (*API).myTraining},
	{"GET", "/api/v1/help/{role}", asAnyone, noKey, "the short guide of a role, public", (*API).roleGuide, nil},
	{"GET", "/api/v1/rules", asAnyone, noKey, "an area's rules in force, each entry with its source: the upper level or a local override", (*API).getRules, nil},
	{"GET", "/api/v1/rules/versions", asAnyone, noKey, "the published versions of rule sets held", (*API).ruleVersions, nil},
	{"GET", "/api/v1/rules/diff", asUser, noKey, "an area's rules against the upper level's latest or a numbered version (admin, supervisor)", nil, (*API).ruleDiff},
	{"POST", "/api/v1/rules/overrides", asUser, keyed, "override or withdraw an overridable entry of the inherited rules, with a reason (admin)", nil, (*API).ruleOverride},
	{"POST", "/api/v1/rules/publish", asUser, keyed, "publish the next version of an area's rule set for the levels below (admin)", nil, (*API).rulePublish},
	{"POST", "/api/v1/rules/apply", asUser, keyed, "write an area's rules in force to the live settings (admin)", nil, (*API).ruleApply},
	{"GET", "/api/v1/rules/export", asAnyone, noKey, "a published version of a rule set as a file", (*API).ruleExport, nil},
	{"POST", "/api/v1/rules/import", asUser, keyed, "import the upper level's rule-set file (admin)", nil, (*API).ruleImport},
	{"POST", "/api/v1/practice", asUser, keyed, "switch the caller's own practice mode on or off", nil, (*API).switchPractice},

	{"GET", "/api/v1/timelimits", asUser, noKey, "the time-limit table", nil, (*API).listTimeLimits},
	{"PUT", "/api/v1/timelimits", asAdmin, noKey, "create or replace a line (admin)", nil, (*API).setTimeLimit},
	{"DELETE", "/api/v1/timelimits", asAdmin, noKey, "delete a line (admin)", nil, (*API).deleteTimeLimit},
	{"GET", "/api/v1/notifications", asUser, noKey, "notifications", nil, (*API).notifications},
	{"GET", "/api/v1/agenda", asUser, noKey, "one list of what one takes part in or must answer", nil, (*API).agendaList},
	{"POST", "/api/v1/sweep", asAdmin, keyed, "run the background work once (admin)", nil, (*API).sweep},

	{"POST", "/api/v1/webhooks", asUser, keyedSecret, "subscribe a unit's system to ticket events (admin, or a handler for her unit)", nil, (*API).createWebhook},
	{"GET", "/api/v1/webhooks", asUser, noKey, "list subscriptions (admin: all; handler: her unit's)", nil, (*API).listWebhooks},
	{"PATCH", "/api/v1/webhooks/{id}", asUser, noKey, "pause or resume a subscription", nil, (*API).updateWebhook},
	{"DELETE", "/api/v1/webhooks/{id}", asUser, noKey, "delete a subscription and its delivery log", nil, (*API).deleteWebhook},
	{"GET", "/api/v1/webhooks/{id}/deliveries", asUser, noKey, "the delivery log, newest first", nil, (*API).webhookDeliveries},

	{"POST", "/api/v1/citylink/platforms", asUser, keyedSecret, "register a linked 12345 platform (admin)", nil, (*API).createPlatform},
	{"GET", "/api/v1/citylink/platforms", asUser, noKey, "linked 12345 platforms (admin)", nil, (*API).listPlatforms},
	{"GET", "/api/v1/citylink/platforms/{id}", asUser, noKey, "one linked platform (admin)", nil, (*API).getPlatform},
	{"PATCH", "/api/v1/citylink/platforms/{id}", asUser, noKey, "change, pause or resume a linked platform (admin)", nil, (*API).updatePlatform},
	{"GET", "/api/v1/citylink/platforms/{id}/statistics", asUser, noKey, "the monthly figures a lower platform reported (admin)", nil, (*API).platformStatistics},
	{"GET", "/api/v1/citylink/deliveries", asUser, noKey, "what was sent to linked platforms, newest first (admin)", nil, (*API).platformDeliveries},

	{"GET", "/api/v1/openapi.json", asAnyone, noKey, "this document", (*API).openAPI, nil},

	{"GET", "/api/v1/kb/search", asAnyone, noKey, "search the published answers and service guides, public", (*API).searchPublicKB, nil},
	{"POST", "/api/v1/kb/{id}/answered", asAnyone, keyed, "count that a published answer solved a question without a ticket", (*API).answeredKB, nil},
	{"GET", "/api/v1/kb/figures", asUser, noKey, "questions answered without a ticket beside the consultation tickets, by day and month", nil, (*API).kbFigures},
	{"POST", "/api/v1/kb/{id}/applications", asUser, keyed, "apply online under a service guide (a resident)", nil, (*API).applyKB},
	{"GET", "/api/v1/kb/applications", asUser, noKey, "the online applications the caller reviews", nil, (*API).kbApplications},
	{"GET", "/api/v1/kb/applications/{id}", asUser, noKey, "one online application, to its applicant or a reviewer", nil, (*API).kbApplication},
	{"POST", "/api/v1/kb/applications/{id}/review", asUser, keyed, "approve, return for more or refuse an online application", nil, (*API).reviewKB},
	{"GET", "/api/v1/evaluation/requesters", asUser, noKey, "the figures of residents' and enterprises' requests apart", nil, (*API).evaluationRequesters},
	{"GET", "/api/v1/national/mapping", asUser, noKey, "every category with its national classes, the class table, the grid codes and the conformance problems", nil, (*API).nationalMapping},
	{"GET", "/api/v1/categories/{code}/national", asUser, noKey, "a category's national classes: the district's decision and the classes that apply", nil, (*API).categoryNational},
	{"PUT", "/api/v1/categories/{code}/national", asUser, noKey, "replace a category's national classes (admin)", nil, (*API).setCategoryNational},
	{"PUT", "/api/v1/areas/{code}/grid-code", asUser, noKey, "set or clear a grid cell's unit-grid code (GB/T 30428.1) (admin)", nil, (*API).setGridCode},
	{"GET", "/api/v1/evaluation/workload", asUser, noKey, "a month's workload per unit and staff member beside the three rates", nil, (*API).evaluationWorkload},
	{"GET", "/api/v1/evaluation/returns", asUser, noKey, "a month's returns and re-dispatches by reason, category and area, with catalogue proposals", nil, (*API).evaluationReturns},
	{"POST", "/api/v1/evaluation/returns/proposals", asUser, keyed, "set the dispatch catalogue line a proposal names", nil, (*API).applyReturnsProposal},
	{"GET", "/api/v1/rectifications/{id}/root-cause", asUser, noKey, "a rectification task's root-cause record and its versions", nil, (*API).rectRootCause},
	{"POST", "/api/v1/rectifications/{id}/root-cause", asUser, keyed, "write a rectification task's root-cause record (supervisors, admin)", nil, (*API).setRectRootCause},
	{"GET", "/api/v1/insight/themes/{id}/root-cause", asUser, noKey, "a monthly theme's root-cause record and its versions", nil, (*API).themeRootCause},
	{"POST", "/api/v1/insight/themes/{id}/root-cause", asUser, keyed, "write a monthly theme's root-cause record (those who may rectify it)", nil, (*API).setThemeRootCause},
}
