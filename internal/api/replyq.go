package api

import (
	"net/http"
	"strings"

	"github.com/gongzhi/gongzhi/internal/auth"
	"github.com/gongzhi/gongzhi/internal/errs"
	"github.com/gongzhi/gongzhi/internal/insight/replyq"
	"github.com/gongzhi/gongzhi/internal/ticket"
)

// replyQualityInput asks advice on a reply: to a ticket (its category,
// place and description are the request) or to a request given as text.
type replyQualityInput struct {
	TicketNumber string `json:"ticket_number"`
	Request      string `json:"request"`
	Reply        string `json:"reply"`
}

// replyQuality scores a reply (advice only, never stored): who may ask is
// the ticket package's (ScoreDraft, ScoreText).
func (a *API) replyQuality(w http.ResponseWriter, r *http.Request, u auth.User) {
	if err := a.Limits.CheckText(u.ID); err != nil {
		a.fail(w, r, err)
		return
	}
	var in replyQualityInput
	if err := decode(w, r, &in); err != nil {
		a.fail(w, r, err)
		return
	}
	var (
		res replyq.Result
		err error
	)
	switch {
	case strings.TrimSpace(in.Reply) == "":
		err = errs.Invalidf("请填写答复内容", "reply is required")
	case in.TicketNumber != "" && in.Request != "":
		err = errs.Invalidf("工单编号和诉求内容只能填一项", "give ticket_number or request, not both")
	case in.TicketNumber != "":
		res, err = a.Tickets.ScoreDraft(r.Context(), u, strings.TrimSpace(in.TicketNumber), in.Reply)
	default:
		res, err = ticket.ScoreText(u, in.Request, in.Reply)
	}
	if err != nil {
		a.fail(w, r, err)
		return
	}
	if res.Advice == nil {
		res.Advice = []replyq.Advice{}
	}
	writeJSON(w, http.StatusOK, res)
}
