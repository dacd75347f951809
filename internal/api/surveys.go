package api

import (
	"bytes"
	"net/http"
	"strconv"

	"github.com/gongzhi/gongzhi/internal/auth"
	"github.com/gongzhi/gongzhi/internal/errs"
	"github.com/gongzhi/gongzhi/internal/survey"
)

// POST /api/v1/surveys {"area_code","level","title","intro","target","opens_at","closes_at","anonymous","live_results"}
func (a *API) createSurvey(w http.ResponseWriter, r *http.Request, u auth.User) {
	var in survey.New
	if err := decode(w, r, &in); err != nil {
		a.fail(w, r, err)
		return
	}
	v, err := a.Surveys.Create(r.Context(), u, in)
	a.surveyDone(w, r, http.StatusCreated, v, err)
}

// GET /api/v1/surveys?area_code=&status=&cursor=&limit=
func (a *API) listSurveys(w http.ResponseWriter, r *http.Request, u auth.User) {
	q := r.URL.Query()
	f := survey.Filter{AreaCode: q.Get("area_code"), Status: survey.Status(q.Get("status")), Cursor: q.Get("cursor")}
	if v := q.Get("limit"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > survey.MaxList {
			a.fail(w, r, errs.Invalidf("limit 须为1到%d", "limit must be 1 to %d", survey.MaxList))
			return
		}
		f.Limit = n
	}
	page, err := a.Surveys.List(r.Context(), u, f)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, page)
}

// GET /api/v1/surveys/{id}
func (a *API) getSurvey(w http.ResponseWriter, r *http.Request, u auth.User) {
	v, err := a.Surveys.Get(r.Context(), u, r.PathValue("id"))
	a.surveyDone(w, r, http.StatusOK, v, err)
}

// POST /api/v1/surveys/{id}/questions {"kind","prompt","required","options","max_picks","scale_max","low_label","high_label"}
func (a *API) addSurveyQuestion(w http.ResponseWriter, r *http.Request, u auth.User) {
	var in survey.QuestionIn
	if err := decode(w, r, &in); err != nil {
		a.fail(w, r, err)
		return
	}
	v, err := a.Surveys.AddQuestion(r.Context(), u, r.PathValue("id"), in)
	a.surveyDone(w, r, http.StatusCreated, v, err)
}

// DELETE /api/v1/surveys/{id}/questions/{question_id}
func (a *API) deleteSurveyQuestion(w http.ResponseWriter, r *http.Request, u auth.User) {
	qid, err := strconv.ParseInt(r.PathValue("question_id"), 10, 64)
	if err != nil || qid < 1 {
		a.fail(w, r, errs.NotFoundf("没有这道题目", "no such question"))
		return
	}
	v, err := a.Surveys.DeleteQuestion(r.Context(), u, r.PathValue("id"), qid)
	a.surveyDone(w, r, http.StatusOK, v, err)
}

// POST /api/v1/surveys/{id}/open {"closes_at"}
func (a *API) openSurvey(w http.ResponseWriter, r *http.Request, u auth.User) {
	var in survey.OpenIn
	if err := decode(w, r, &in); err != nil {
		a.fail(w, r, err)
		return
	}
	v, err := a.Surveys.Open(r.Context(), u, r.PathValue("id"), in)
	a.surveyDone(w, r, http.StatusOK, v, err)
}

// POST /api/v1/surveys/{id}/close {}
func (a *API) closeSurvey(w http.ResponseWriter, r *http.Request, u auth.User) {
	var in struct{}
	if err := decode(w, r, &in); err != nil {
		a.fail(w, r, err)
		return
	}
	v, err := a.Surveys.Close(r.Context(), u, r.PathValue("id"))
	a.surveyDone(w, r, http.StatusOK, v, err)
}

// POST /api/v1/surveys/{id}/responses {"answers":[{"question_id","options","value","text"}],"phone","channel"}
func (a *API) respondSurvey(w http.ResponseWriter, r *http.Request, u auth.User) {
	var in survey.ResponseIn
	if err := decode(w, r, &in); err != nil {
		a.fail(w, r, err)
		return
	}
	v, err := a.Surveys.Respond(r.Context(), u, r.PathValue("id"), in)
	a.surveyDone(w, r, http.StatusCreated, v, err)
}

// GET /api/v1/surveys/{id}/results
func (a *API) surveyResults(w http.ResponseWriter, r *http.Request, u auth.User) {
	res, _, err := a.Surveys.Results(r.Context(), u, r.PathValue("id"))
	if err != nil {
		a.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, res)
}

// GET /api/v1/surveys/{id}/results.xlsx
func (a *API) surveyResultsXLSX(w http.ResponseWriter, r *http.Request, u auth.User) {
	res, v, err := a.Surveys.Results(r.Context(), u, r.PathValue("id"))
	if err != nil {
		a.fail(w, r, err)
		return
	}
	var buf bytes.Buffer
	if err := survey.WriteResults(&buf, v, res); err != nil {
		a.fail(w, r, errs.Wrap(err, "results workbook"))
		return
	}
	if err := a.auditDownload(r, u, survey.FileName(v.ID, "results")); err != nil {
		a.fail(w, r, err)
		return
	}
	writeXLSX(w, survey.FileName(v.ID, "results"), buf.Bytes())
}

// GET /api/v1/surveys/{id}/responses.xlsx
func (a *API) surveyResponsesXLSX(w http.ResponseWriter, r *http.Request, u auth.User) {
	id := r.PathValue("id")
	var buf bytes.Buffer
	if err := a.Surveys.WriteResponses(r.Context(), u, id, &buf); err != nil {
		a.fail(w, r, err)
		return
	}
	if err := a.auditDownload(r, u, survey.FileName(id, "responses")); err != nil {
		a.fail(w, r, err)
		return
	}
	writeXLSX(w, survey.FileName(id, "responses"), buf.Bytes())
}

func writeXLSX(w http.ResponseWriter, name string, b []byte) {
	h := w.Header()
	h.Set("Content-Type", survey.XLSXType)
	h.Set("Content-Disposition", `attachment; filename="`+name+`"`)
	h.Set("Cache-Control", "no-store")
	h.Set("Content-Length", strconv.Itoa(len(b)))
	w.WriteHeader(http.StatusOK)
	w.Write(b)
}

func (a *API) surveyDone(w http.ResponseWriter, r *http.Request, code int, v survey.Survey, err error) {
	if err != nil {
		a.fail(w, r, err)
		return
	}
	writeJSON(w, code, v)
}
