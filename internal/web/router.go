package web

import (
	"net/http"
	"strconv"

	"github.com/gongzhi/gongzhi/internal/auth"
	"github.com/gongzhi/gongzhi/internal/errs"
	"github.com/gongzhi/gongzhi/internal/insight"
)

// The router's page (/staff/router): the model served and the ones before
// it, with their cross-validated accuracy, and how often intake took its
// suggestions; the administrator trains a new one from here. Who may see
// and train is the insight service's to say.

// canRouter tells the menu whether to offer the page.
func canRouter(u *auth.User) bool { return u != nil && insight.CanSeeRouterStats(*u) }

// RouterData is the router's page.
type RouterData struct {
	Models     []insight.ModelInfo
	Acceptance []insight.Acceptance
	Auto       int // per cent; 0 is off
	TrainAt    string
	CanTrain   bool
	Error      string // why a training asked for here did not happen
	Days       int
}

func (s *Server) staffRouter(w http.ResponseWriter, r *http.Request) {
	s.routerPage(w, r, http.StatusOK, "")
}

// routerUser is the member of staff on the router's pages, when the router runs.
func (s *Server) routerUser(w http.ResponseWriter, r *http.Request) *auth.User {
	u := s.staff(w, r)
	if u != nil && s.Insight == nil {
		s.fail(w, r, errs.New(errs.Unavailable, "智能分析未启用", "insight is not enabled"))
		return nil
	}
	return u
}

func (s *Server) routerPage(w http.ResponseWriter, r *http.Request, status int, trainErr string) {
	u := s.routerUser(w, r)
	if u == nil {
		return
	}
	p := s.page(w, r, "router.title")
	if v := r.URL.Query().Get("trained"); v != "" {
		if n, err := strconv.Atoi(v); err == nil {
			p.Flash = tr(p.Lang, "router.trained", n)
		}
	}
	models, err := s.Insight.Models(r.Context(), *u)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	acc, err := s.Insight.Acceptance(r.Context(), *u)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	p.Data = &RouterData{Models: models, Acceptance: acc, Auto: percent(s.Insight.AutoDispatch()), TrainAt: s.Insight.TrainAt(),
		CanTrain: insight.CanTrain(*u), Error: trainErr, Days: insight.AcceptanceDays}
	s.render(w, r, status, "staff_router", p)
}

// staffTrainRouter trains a new router now; a refusal (too few closed
// tickets) is shown on the page.
func (s *Server) staffTrainRouter(w http.ResponseWriter, r *http.Request) {
	u := s.routerUser(w, r)
	if u == nil {
		return
	}
	m, err := s.Insight.Train(r.Context(), *u)
	if err != nil && errs.Is(err, errs.Invalid) {
		e := errs.As(err)
		msg := e.Msg
		if state(r).lang == "en" {
			msg = e.MsgEn
		}
		s.routerPage(w, r, http.StatusUnprocessableEntity, msg)
		return
	}
	if err != nil {
		s.fail(w, r, err)
		return
	}
	redirect(w, r, "/staff/router?trained="+strconv.FormatInt(m.Version, 10))
}
