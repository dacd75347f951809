// Package api is gongzhi's JSON API v1.
package api

import (
	"log/slog"
	"net/http"

	"github.com/gongzhi/gongzhi/internal/attachment"
	"github.com/gongzhi/gongzhi/internal/auth"
	"github.com/gongzhi/gongzhi/internal/evaluation"
	"github.com/gongzhi/gongzhi/internal/gov"
	"github.com/gongzhi/gongzhi/internal/idem"
	"github.com/gongzhi/gongzhi/internal/kb"
	"github.com/gongzhi/gongzhi/internal/limit"
	"github.com/gongzhi/gongzhi/internal/ticket"
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
	Idem        *idem.Store
	Limits      *limit.Set
	Log         *slog.Logger
	Demo        bool // return one-time codes as dev_code
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

// Routes is the whole URL table of the API. Every request passes
// plainInput first.
func (a *API) Routes(parent *http.ServeMux) {
	mux := http.NewServeMux()
	defer parent.Handle("/api/v1/", a.plainInput(mux))
	mux.HandleFunc("POST /api/v1/auth/token", a.idempotentSecret(a.token))
	mux.HandleFunc("POST /api/v1/auth/code", a.idempotentSecret(a.code))
	mux.HandleFunc("POST /api/v1/users", a.idempotentWithout([]string{"password"}, a.admin(a.createUser)))
	mux.HandleFunc("GET /api/v1/users", a.admin(a.listUsers))
	a.accountRoutes(mux)
	mux.HandleFunc("GET /api/v1/areas", a.areas)
	mux.HandleFunc("GET /api/v1/orgs", a.orgs)
	mux.HandleFunc("GET /api/v1/categories", a.categories)
	mux.HandleFunc("POST /api/v1/tickets", a.idempotent(a.createTicket))
	mux.HandleFunc("GET /api/v1/tickets", a.user(a.listTickets))
	mux.HandleFunc("GET /api/v1/tickets/export", a.user(a.exportTickets))
	mux.HandleFunc("GET /api/v1/tickets/{number}", a.user(a.getTicket))
	mux.HandleFunc("GET /api/v1/tickets/{number}/events", a.user(a.ticketEvents))
	mux.HandleFunc("POST /api/v1/tickets/{number}/actions/{action}", a.idempotent(a.user(a.act)))
	mux.HandleFunc("POST /api/v1/tickets/{number}/attachments", a.idempotentUpload(a.user(a.addAttachment)))
	mux.HandleFunc("GET /api/v1/tickets/{number}/attachments", a.user(a.listAttachments))
	mux.HandleFunc("GET /api/v1/tickets/{number}/attachments/{id}", a.user(a.serveAttachment))
	mux.HandleFunc("GET /api/v1/categories/search", a.searchCategories)
	mux.HandleFunc("GET /api/v1/callers/{phone}/tickets", a.user(a.callerHistory))
	mux.HandleFunc("POST /api/v1/duplicates", a.idempotent(a.user(a.duplicates)))
	mux.HandleFunc("GET /api/v1/kb", a.user(a.searchKB))
	mux.HandleFunc("GET /api/v1/kb/{id}", a.user(a.getKB))
	mux.HandleFunc("POST /api/v1/kb", a.idempotent(a.user(a.saveKB)))
	mux.HandleFunc("PUT /api/v1/kb/{id}", a.user(a.saveKB))
	mux.HandleFunc("DELETE /api/v1/kb/{id}", a.user(a.deleteKB))
	mux.HandleFunc("POST /api/v1/apikeys", a.idempotentSecret(a.admin(a.createAPIKey)))
	mux.HandleFunc("GET /api/v1/apikeys", a.admin(a.listAPIKeys))
	mux.HandleFunc("DELETE /api/v1/apikeys/{id}", a.admin(a.revokeAPIKey))
	mux.HandleFunc("GET /api/v1/audit", a.user(a.searchAudit))
	mux.HandleFunc("GET /api/v1/evaluation", a.user(a.evaluation))
	mux.HandleFunc("GET /api/v1/evaluation/tickets", a.user(a.evaluationTickets))
	mux.HandleFunc("GET /api/v1/evaluation/rankings", a.user(a.evaluationRankings))
	mux.HandleFunc("GET /api/v1/evaluation/settings", a.admin(a.evaluationSettings))
	mux.HandleFunc("PUT /api/v1/evaluation/settings", a.admin(a.saveEvaluationSettings))
	mux.HandleFunc("GET /api/v1/health/online", a.user(a.onlineRate))
	mux.HandleFunc("GET /api/v1/rectifications", a.user(a.listRectifications))
	mux.HandleFunc("POST /api/v1/rectifications", a.idempotent(a.user(a.createRectification)))
	mux.HandleFunc("POST /api/v1/rectifications/from-ranking", a.idempotent(a.user(a.rectifyFromRanking)))
	mux.HandleFunc("GET /api/v1/rectifications/{id}", a.user(a.getRectification))
	mux.HandleFunc("POST /api/v1/rectifications/{id}/submit", a.idempotent(a.user(a.submitRectification)))
	mux.HandleFunc("POST /api/v1/rectifications/{id}/review", a.idempotent(a.user(a.reviewRectification)))
	mux.HandleFunc("GET /api/v1/timelimits", a.user(a.listTimeLimits))
	mux.HandleFunc("PUT /api/v1/timelimits", a.admin(a.setTimeLimit))
	mux.HandleFunc("DELETE /api/v1/timelimits", a.admin(a.deleteTimeLimit))
	mux.HandleFunc("GET /api/v1/notifications", a.user(a.notifications))
	mux.HandleFunc("POST /api/v1/sweep", a.idempotent(a.admin(a.sweep)))
	mux.HandleFunc("POST /api/v1/webhooks", a.idempotentSecret(a.user(a.createWebhook)))
	mux.HandleFunc("GET /api/v1/webhooks", a.user(a.listWebhooks))
	mux.HandleFunc("PATCH /api/v1/webhooks/{id}", a.user(a.updateWebhook))
	mux.HandleFunc("DELETE /api/v1/webhooks/{id}", a.user(a.deleteWebhook))
	mux.HandleFunc("GET /api/v1/webhooks/{id}/deliveries", a.user(a.webhookDeliveries))
	mux.HandleFunc("GET /api/v1/openapi.json", a.openAPI)
	mux.HandleFunc("/api/v1/", a.notFound)
}
