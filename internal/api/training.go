package api

import (
	"net/http"

	"github.com/gongzhi/gongzhi/internal/auth"
	"github.com/gongzhi/gongzhi/internal/errs"
	"github.com/gongzhi/gongzhi/internal/training"
)

// Training sessions and the role guides: who may set up, record and read
// is the training capability's; these handlers only decode and encode.

var (
	errNoTraining = errs.New(errs.Unavailable, "培训功能未启用", "training is not available")
	errNoGuide    = errs.NotFoundf("没有该角色的使用指南", "no guide for this role")
)

// TrainingSessions is the list of sessions.
type TrainingSessions struct {
	Sessions []training.Session `json:"sessions"`
}

// TrainingMine is the caller's own attendance, each line with its session.
type TrainingMine struct {
	Attended []training.Detail `json:"attended"`
}

// POST /api/v1/training/sessions {"title","audience","org_code","area_code","starts_at","place","guide"}
func (a *API) createTraining(w http.ResponseWriter, r *http.Request, u auth.User) {
	if a.Training == nil {
		a.fail(w, r, errNoTraining)
		return
	}
	var in training.NewSession
	if err := decode(w, r, &in); err != nil {
		a.fail(w, r, err)
		return
	}
	x, err := a.Training.Create(r.Context(), u, in)
	a.answer(w, r, http.StatusCreated, x, err)
}

// GET /api/v1/training/sessions
func (a *API) listTraining(w http.ResponseWriter, r *http.Request, u auth.User) {
	if a.Training == nil {
		a.fail(w, r, errNoTraining)
		return
	}
	v, err := a.Training.List(r.Context(), u)
	a.answer(w, r, http.StatusOK, TrainingSessions{Sessions: v}, err)
}

// GET /api/v1/training/sessions/{id}
func (a *API) getTraining(w http.ResponseWriter, r *http.Request, u auth.User) {
	if a.Training == nil {
		a.fail(w, r, errNoTraining)
		return
	}
	v, err := a.Training.Get(r.Context(), u, r.PathValue("id"))
	a.answer(w, r, http.StatusOK, v, err)
}

// POST /api/v1/training/sessions/{id}/attendance {"user_id"} or {"phone"}
func (a *API) attendTraining(w http.ResponseWriter, r *http.Request, u auth.User) {
	if a.Training == nil {
		a.fail(w, r, errNoTraining)
		return
	}
	var in training.Attendee
	if err := decode(w, r, &in); err != nil {
		a.fail(w, r, err)
		return
	}
	v, err := a.Training.Attend(r.Context(), u, r.PathValue("id"), in)
	a.answer(w, r, http.StatusCreated, v, err)
}

// GET /api/v1/training/mine
func (a *API) myTraining(w http.ResponseWriter, r *http.Request, u auth.User) {
	if a.Training == nil {
		a.fail(w, r, errNoTraining)
		return
	}
	v, err := a.Training.Mine(r.Context(), u)
	a.answer(w, r, http.StatusOK, TrainingMine{Attended: v}, err)
}

// GET /api/v1/help/{role}
func (a *API) roleGuide(w http.ResponseWriter, r *http.Request) {
	g, ok := training.GuideFor(r.PathValue("role"))
	if !ok {
		a.fail(w, r, errNoGuide)
		return
	}
	a.answer(w, r, http.StatusOK, g, nil)
}
