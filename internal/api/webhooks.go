package api

import (
	"net/http"
	"strconv"

	"github.com/gongzhi/gongzhi/internal/auth"
	"github.com/gongzhi/gongzhi/internal/errs"
	"github.com/gongzhi/gongzhi/internal/webhook"
)

// Webhooks: administrators manage every unit's subscriptions, a unit's
// handlers their own unit's (see package webhook). The secret is in the
// answer of POST only.

var errNoWebhooks = errs.NotFoundf("本服务未启用订阅推送", "webhooks are not enabled on this server")

// createWebhook takes {"org_code","url","events":[…]}; a handler may leave
// org_code out for her own unit.
func (a *API) createWebhook(w http.ResponseWriter, r *http.Request, u auth.User) {
	if a.Webhooks == nil {
		a.fail(w, r, errNoWebhooks)
		return
	}
	var in webhook.NewWebhook
	if err := decode(w, r, &in); err != nil {
		a.fail(w, r, err)
		return
	}
	wh, err := a.Webhooks.Create(r.Context(), u, in)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusCreated, wh)
}

// listWebhooks answers GET /api/v1/webhooks[?org_code=].
func (a *API) listWebhooks(w http.ResponseWriter, r *http.Request, u auth.User) {
	if a.Webhooks == nil {
		a.fail(w, r, errNoWebhooks)
		return
	}
	items, err := a.Webhooks.List(r.Context(), u, r.URL.Query().Get("org_code"))
	if err != nil {
		a.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, list[webhook.Webhook]{Items: items})
}

// updateWebhook takes {"active":false} to pause and {"active":true} to resume.
func (a *API) updateWebhook(w http.ResponseWriter, r *http.Request, u auth.User) {
	if a.Webhooks == nil {
		a.fail(w, r, errNoWebhooks)
		return
	}
	var in struct {
		Active *bool `json:"active"`
	}
	if err := decode(w, r, &in); err != nil {
		a.fail(w, r, err)
		return
	}
	if in.Active == nil {
		a.fail(w, r, errs.Invalidf("请指定 active（true 启用，false 暂停）", "active is required: true to resume, false to pause"))
		return
	}
	wh, err := a.Webhooks.Update(r.Context(), u, r.PathValue("id"), *in.Active)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, wh)
}

func (a *API) deleteWebhook(w http.ResponseWriter, r *http.Request, u auth.User) {
	if a.Webhooks == nil {
		a.fail(w, r, errNoWebhooks)
		return
	}
	if err := a.Webhooks.Delete(r.Context(), u, r.PathValue("id")); err != nil {
		a.fail(w, r, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

// webhookDeliveries answers GET /api/v1/webhooks/{id}/deliveries[?limit=],
// the delivery log newest first.
func (a *API) webhookDeliveries(w http.ResponseWriter, r *http.Request, u auth.User) {
	if a.Webhooks == nil {
		a.fail(w, r, errNoWebhooks)
		return
	}
	limit := 0
	if v := r.URL.Query().Get("limit"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 {
			a.fail(w, r, errs.Invalidf("limit 须为正整数", "limit must be a positive integer"))
			return
		}
		limit = n
	}
	items, err := a.Webhooks.Deliveries(r.Context(), u, r.PathValue("id"), limit)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, list[webhook.Delivery]{Items: items})
}
