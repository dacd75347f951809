package web

import "net/http"

// Routes adds the pages to mux. This is the whole URL table of the HTML
// interface; /api/v1/, /healthz and /readyz belong to others.
func (s *Server) Routes(mux *http.ServeMux) {
	h := func(pattern string, fn http.HandlerFunc) { mux.Handle(pattern, s.wrap(fn)) }
	// Forms that carry photos (multipart/form-data, a larger body).
	files := func(pattern string, fn http.HandlerFunc) { mux.Handle(pattern, s.wrapFiles(fn)) }

	mux.Handle("GET /static/", s.staticFiles())
	h("GET /lang", s.setLang)
	h("GET /big", s.setBig)
	s.residentRoutes(h, files)
	s.staffRoutes(h, files)
	s.evaluationRoutes(h)
	s.replyRoutes(h)
	s.voteRoutes(h, files)
	s.proposalRoutes(h)
	s.electionRoutes(h, files)
	s.surveyRoutes(h)
	s.noticeRoutes(h)
	s.projectRoutes(h, files)
	s.deliberationRoutes(h)
	s.meetingRoutes(h)
	s.screeningRoutes(h)
	s.needsRoutes(h)
	s.serviceRoutes(h)
	s.volunteerRoutes(h)
	s.mediationRoutes(h, files)
	s.openDataRoutes(h)
	s.trailRoutes(h)
	s.citylinkRoutes(h)
	s.guideRoutes(h, files)
	s.agreementRoutes(h)
	s.statusRoutes(h)
	s.indicatorRoutes(h)
	s.kioskRoutes(h)
	s.nationalRoutes(h)
	s.trainingRoutes(h)
	s.ruleRoutes(h, files)
	s.practiceRoutes(h)
	h("GET /participate", s.participate)
	h("GET /staff/todo", s.staffTodo)

	// Any other path: the page that says so, in the site's look.
	mux.Handle("/", s.notFoundHandler())
}

// route adds a route; each surface's table below calls one for pages and
// one for forms that carry photos.
type route func(pattern string, fn http.HandlerFunc)

// residentRoutes are the pages of residents and of anyone not logged in.
func (s *Server) residentRoutes(h, files route) {
	h("GET /{$}", s.home)
	h("GET /submit", s.submitForm)
	files("POST /submit", s.idemSubmit(s.submit))
	h("GET /submit/suggest", s.submitSuggest)
	h("GET /submit/photos/{token}/{id}", s.heldPhoto)
	h("GET /submitted/{number}", s.submitted)
	h("GET /track", s.trackForm)
	h("POST /track", s.track)
	h("POST /track/phone/code", s.trackPhoneCode)
	h("POST /track/phone", s.trackPhone)
	h("GET /track/mine", s.trackMine)
	h("POST /track/phone/forget", s.trackForget)
	h("POST /track/rate", s.trackRate)
	h("GET /login", s.loginForm)
	h("POST /login/code", s.loginCode)
	h("POST /login", s.login)
	h("POST /logout", s.logout)
	h("GET /my", s.myTickets)
	h("GET /tickets/{number}", s.ticketPage)
	h("POST /tickets/{number}/rate", s.rate)
	h("POST /tickets/{number}/act/{action}", s.residentAct) // withdraw, urge, supplement
	// Photos: the reporter's, logged in or proved on the lookup page.
	h("GET /tickets/{number}/photos/{id}", s.residentPhoto)
	files("POST /tickets/{number}/photos", s.residentUpload)
	h("GET /public", s.publicPage)
	// Read-aloud and the installable phone app (speak.go, pwa.go).
	h("GET /speak", s.speak)
	h("GET /manifest.webmanifest", s.manifest)
	h("GET /icons/{file}", s.icon)
	h("GET /sw.js", s.serviceWorker)
	s.placeRoutes(h)
}

// staffRoutes are the staff's pages.
func (s *Server) staffRoutes(h, files route) {
	h("GET /staff/login", s.staffLoginForm)
	h("POST /staff/login", s.staffLogin)
	h("GET /staff", s.staffHome)
	h("POST /staff/batch", s.staffBatch)
	h("POST /staff/filters", s.saveFilter)
	h("POST /staff/filters/delete", s.deleteFilter)
	h("GET /staff/new", s.staffSubmitForm)
	files("POST /staff/new", s.staffSubmit)
	h("GET /staff/proxy", s.proxyForm)
	h("POST /staff/proxy", s.proxySubmit)
	h("GET /staff/export", s.staffExport)
	h("GET /staff/tickets/{number}", s.staffTicket)
	h("GET /staff/tickets/{number}/print", s.staffPrint) // the 工单 on A4 (print.go)
	h("GET /staff/orgs", s.staffOrgs)                    // the unit picker's type-ahead (picker.go)
	files("POST /staff/tickets/{number}/{action}", s.staffAct)
	h("POST /staff/reply-quality", s.replyQuality) // advice on a draft reply (replyq.go)
	h("GET /staff/tickets/{number}/photos/{id}", s.staffPhoto)
	files("POST /staff/tickets/{number}/photos", s.staffUpload)
	// Grid workers on patrol: report, fix on the spot, check.
	h("GET /staff/patrol", s.patrol)
	files("POST /staff/patrol", s.patrolReport)
	files("POST /staff/patrol/{number}/resolve", s.patrolResolve)
	files("POST /staff/patrol/{number}/check", s.patrolCheck)
	h("GET /staff/console", s.console)
	h("POST /staff/console", s.consolePost)
	h("GET /staff/console/categories", s.consoleCategories)
	h("GET /staff/console/kb", s.consoleKB)
	h("GET /staff/console/route", s.consoleRoute) // also the grid patrol's (static/route.js)
	h("POST /staff/console/duplicates", s.consoleDuplicates)
	h("GET /staff/duplicates", s.staffDuplicates) // likely duplicates, merged with a click (duplicates.go)
	h("POST /staff/duplicates/merge", s.staffMergeDuplicate)
	h("GET /staff/router", s.staffRouter) // the router's models and acceptance (router.go)
	h("POST /staff/router/train", s.staffTrainRouter)
	h("GET /staff/notifications", s.staffNotifications)
	h("GET /staff/timelimits", s.timeLimits)
	h("POST /staff/timelimits", s.setTimeLimit)
	h("POST /staff/timelimits/delete", s.deleteTimeLimit)
	h("GET /staff/users", s.users)
	h("POST /staff/users", s.createUser)
	h("POST /staff/users/{id}/disable", s.disableUser)
	h("POST /staff/users/{id}/enable", s.enableUser)
	s.accountRoutes(h)
	h("GET /staff/apikeys", s.apiKeys)
	h("POST /staff/apikeys", s.createAPIKey)
	h("POST /staff/apikeys/{id}/revoke", s.revokeAPIKey)
	h("GET /staff/audit", s.audit)
}

// evaluationRoutes are the evaluation's: dashboards, the tickets behind a
// figure, rectification, what the public page discloses.
func (s *Server) evaluationRoutes(h route) {
	h("GET /staff/dashboard", s.dashboard)
	h("GET /staff/dashboard/figure", s.figurePage)
	h("GET /staff/unit", s.unitDashboard)
	h("GET /staff/rectifications", s.rectifications)
	h("GET /staff/rectifications/new", s.rectNew)
	h("POST /staff/rectifications", s.rectCreate)
	h("POST /staff/rectifications/from-ranking", s.rectFromRanking)
	h("GET /staff/rectifications/{id}", s.rectification)
	h("POST /staff/rectifications/{id}/{action}", s.rectAct)
	h("GET /staff/themes", s.themesPage) // 每月一题 (themes.go)
	h("POST /staff/themes/{id}/rectification", s.themeRectify)
	h("POST /staff/themes/{id}/proposal", s.themePropose)
	h("GET /staff/warnings", s.warningsPage)
	h("POST /staff/warnings/{id}/{action}", s.warningAct)
	h("GET /staff/public-settings", s.publicSettingsForm)
	h("POST /staff/public-settings", s.savePublicSettingsForm)
	h("GET /staff/figures/requesters", s.requesterFigures) // 企业诉求 (requesters.go)
	h("GET /staff/figures/workload", s.workloadPage)
	h("GET /staff/figures/returns", s.returnsPage)
	h("POST /staff/figures/returns/apply", s.applyProposal)
	h("GET /staff/root-cause/{kind}/{id}", s.rootCausePage)
	h("POST /staff/root-cause/{kind}/{id}", s.rootCauseSave)
}
