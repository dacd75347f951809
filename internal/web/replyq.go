package web

import (
	"context"
	"net/http"
	"strings"

	"github.com/gongzhi/gongzhi/internal/auth"
	"github.com/gongzhi/gongzhi/internal/insight/replyq"
	"github.com/gongzhi/gongzhi/internal/ticket"
)

// Reply quality (insight/replyq): advice on a reply, never an indicator.
// The handler sees it on her draft as she types (static/replyq.js over
// POST /staff/reply-quality); the supervisors and the replying unit see it
// beside each reply of the timeline. Who sees it is the ticket package's
// (CanDraftReply, CanSeeReplyQuality); this file only lays it out.

var replyQualityMessages = map[string][2]string{
	"rq.title":        {"答复质量建议", "Advice on the reply"},
	"rq.hint":         {"仅供参考，不计入考核", "advice only, never part of any evaluation"},
	"rq.overall":      {"综合", "Overall"},
	"rq.relevance":    {"相关", "Relevance"},
	"rq.completeness": {"完整", "Completeness"},
	"rq.clarity":      {"清晰", "Clarity"},
	"rq.good":         {"要素齐全，表述清楚。", "Complete and clear."},
	"rq.after":        {"答复质量建议（仅供参考，不计入考核）", "Advice on this reply (advice only, never part of any evaluation)"},
}

// QualityView is a reply's scores and advice in the page's language.
type QualityView struct {
	Overall      int      `json:"overall"`
	Relevance    int      `json:"relevance"`
	Completeness int      `json:"completeness"`
	Clarity      int      `json:"clarity"`
	Advice       []string `json:"advice"`
	Codes        []string `json:"codes"`
}

func qualityView(lang string, r replyq.Result) *QualityView {
	q := &QualityView{Overall: r.Overall, Relevance: r.Relevance, Completeness: r.Completeness, Clarity: r.Clarity,
		Advice: []string{}, Codes: []string{}}
	for _, a := range r.Advice {
		text := a.Zh
		if lang == "en" {
			text = a.En
		}
		q.Advice = append(q.Advice, text)
		q.Codes = append(q.Codes, a.Code)
	}
	return q
}

// replyQuality scores the draft of a reply form: number and reply_text, with
// the page's CSRF token. JSON for replyq.js; the form works without it.
func (s *Server) replyQuality(w http.ResponseWriter, r *http.Request) {
	u := s.staffJSONUser(w, r, true)
	if u == nil {
		return
	}
	number := strings.TrimSpace(r.PostForm.Get("number"))
	res, err := s.Tickets.ScoreDraft(r.Context(), *u, number, r.PostForm.Get("reply_text"))
	if err != nil {
		s.writeJSONError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, qualityView(state(r).lang, res))
}

// timelineQuality puts the advice on each reply u may see it on beside
// that line of the timeline.
func (s *Server) timelineQuality(ctx context.Context, lang string, u auth.User, t ticket.Ticket, evs []ticket.Event, v *TicketView) {
	q := s.Tickets.ReplyQuality(ctx, u, t, evs)
	if len(q) == 0 {
		return
	}
	for i, e := range evs {
		if res, ok := q[e.Seq]; ok && i < len(v.Events) {
			v.Events[i].Quality = qualityView(lang, res)
		}
	}
}
