package web

import (
	"net/http"
	"net/url"
	"time"

	"github.com/gongzhi/gongzhi/internal/auth"
	"github.com/gongzhi/gongzhi/internal/errs"
	"github.com/gongzhi/gongzhi/internal/survey"
)

// Surveys (问卷调查): the residents' list and the page of one survey, its
// form while she may answer, her thanks, and the results when they are
// published. The staff's pages are survey_staff.go; one template serves a
// survey to both. Who may see and do what is the survey capability's.

// surveyRoutes are the surveys' pages, the residents' and the staff's.
func (s *Server) surveyRoutes(h route) {
	h("GET /surveys", s.surveyList)
	h("GET /surveys/{id}", s.surveyPage)
	h("POST /surveys/{id}", s.surveyAnswer)
	h("GET /staff/surveys", s.staffSurveys)
	h("POST /staff/surveys", s.staffSurveyCreate)
	h("GET /staff/surveys/{id}", s.staffSurvey)
	h("POST /staff/surveys/{id}/{action}", s.staffSurveyAct) // questions, open, close, record, answer
	h("POST /staff/surveys/{id}/questions/{qid}/delete", s.staffSurveyDeleteQuestion)
	h("GET /staff/surveys/{id}/results.xlsx", s.staffSurveyResultsXLSX)
	h("GET /staff/surveys/{id}/responses.xlsx", s.staffSurveyResponsesXLSX)
}

// SurveyListData is a list of surveys.
type SurveyListData struct {
	Items   []survey.Survey
	NextURL string
}

// SurveyData is one survey's page, the resident's or the staff's.
type SurveyData struct {
	S       survey.Survey
	Inputs  []SurveyInput // the answer form (or the staff's record form)
	Results []SurveyResult
	Res     *survey.Results
	// What the reader may do: answer it herself, or (staff) run it.
	Answer, Manage, Edit, Record bool
	NotYet                       bool   // open, before its opening time
	Action                       string // where the answer form posts
}

var errNoSurveys = errs.New(errs.Unavailable, "问卷调查未启用", "surveys are not available")

// surveyResident returns the logged-in resident, sending staff to their
// pages and others to log in.
func (s *Server) surveyResident(w http.ResponseWriter, r *http.Request, staffTo string) *auth.User {
	u := s.resident(w, r)
	if u == nil {
		return nil
	}
	if u.Role.StaffAccount() {
		redirect(w, r, staffTo)
		return nil
	}
	if s.Surveys == nil {
		s.fail(w, r, errNoSurveys)
		return nil
	}
	return u
}

func (s *Server) surveyList(w http.ResponseWriter, r *http.Request) {
	u := s.surveyResident(w, r, "/staff/surveys")
	if u == nil {
		return
	}
	page, err := s.Surveys.List(r.Context(), *u, survey.Filter{Cursor: r.URL.Query().Get("cursor")})
	if err != nil {
		s.fail(w, r, err)
		return
	}
	d := &SurveyListData{Items: page.Items}
	if page.Next != "" {
		d.NextURL = "/surveys?" + url.Values{"cursor": {page.Next}}.Encode()
	}
	p := s.page(w, r, "sv.title")
	p.Data = d
	s.render(w, r, http.StatusOK, "survey_list", p)
}

func (s *Server) surveyPage(w http.ResponseWriter, r *http.Request) {
	u := s.surveyResident(w, r, "/staff/surveys/"+url.PathEscape(r.PathValue("id")))
	if u == nil {
		return
	}
	s.renderSurvey(w, r, s.page(w, r, "sv.one"), *u, http.StatusOK)
}

// surveyAnswer takes the resident's form.
func (s *Server) surveyAnswer(w http.ResponseWriter, r *http.Request) {
	u := s.surveyResident(w, r, "/staff/surveys/"+url.PathEscape(r.PathValue("id")))
	if u == nil {
		return
	}
	id := r.PathValue("id")
	if err := s.respondForm(r, *u, id, survey.ResponseIn{}); err != nil {
		if errs.Is(err, errs.NotFound) {
			s.fail(w, r, err)
			return
		}
		p := s.page(w, r, "sv.one")
		s.renderSurvey(w, r, p, *u, s.formError(r, p, err))
		return
	}
	redirect(w, r, "/surveys/"+url.PathEscape(id)+"?done=answered#sv-thanks")
}

// respondForm sends the form's answers as u, with in's phone and channel
// when the staff record a resident's.
func (s *Server) respondForm(r *http.Request, u auth.User, id string, in survey.ResponseIn) error {
	v, err := s.Surveys.Get(r.Context(), u, id)
	if err != nil {
		return err
	}
	if in.Answers, err = surveyAnswers(v, r.PostForm); err != nil {
		return err
	}
	_, err = s.Surveys.Respond(r.Context(), u, id, in)
	return err
}

// renderSurvey lays out one survey for u: the form (filled again with what
// she sent, after a refusal), the thanks, the results when published.
func (s *Server) renderSurvey(w http.ResponseWriter, r *http.Request, p *Page, u auth.User, status int) {
	id := r.PathValue("id")
	v, err := s.Surveys.Get(r.Context(), u, id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if done := r.URL.Query().Get("done"); done != "" {
		if _, ok := messages["sv.flash."+done]; ok {
			p.Flash = tr(p.Lang, "sv.flash."+done)
		}
	}
	d := &SurveyData{S: v, Answer: v.CanAnswer, Manage: survey.CanManage(u, v), Action: "/surveys/" + id}
	if p.Staff {
		d.Action = "/staff/surveys/" + id + "/answer"
	}
	d.Edit = d.Manage && v.Status == survey.StatusDraft
	d.Record = survey.CanRecord(u, v)
	d.NotYet = v.Status == survey.StatusOpen && v.OpensAt != nil && time.Now().Before(*v.OpensAt)
	if d.Answer || d.Record {
		d.Inputs = surveyInputs(v, p.Form)
	}
	if v.ResultsOpen {
		res, _, err := s.Surveys.Results(r.Context(), u, id)
		if err != nil {
			s.fail(w, r, err)
			return
		}
		d.Res, d.Results = &res, surveyResults(p.Lang, res, v)
	}
	p.Data = d
	s.render(w, r, status, "survey", p)
}
