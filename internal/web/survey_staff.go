package web

import (
	"bytes"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/gongzhi/gongzhi/internal/auth"
	"github.com/gongzhi/gongzhi/internal/disclosure"
	"github.com/gongzhi/gongzhi/internal/errs"
	"github.com/gongzhi/gongzhi/internal/survey"
)

// The staff's survey pages: the list with the form that makes a draft; one
// survey with its questions (added and removed while a draft), the open and
// close buttons, the form that records a resident's paper or phone answer,
// and the results with their charts, tables and workbooks.

// StaffSurveysData is the staff's list.
type StaffSurveysData struct {
	SurveyListData
	Create   bool
	AreaCode string
	Levels   []disclosure.Level
}

func canSurveys(u *auth.User) bool { return u != nil && u.Role.IsStaff() }

func (s *Server) surveyStaff(w http.ResponseWriter, r *http.Request) *auth.User {
	u := s.staff(w, r)
	if u == nil {
		return nil
	}
	if s.Surveys == nil {
		s.fail(w, r, errNoSurveys)
		return nil
	}
	return u
}

func (s *Server) staffSurveys(w http.ResponseWriter, r *http.Request) {
	u := s.surveyStaff(w, r)
	if u == nil {
		return
	}
	s.renderStaffSurveys(w, r, s.page(w, r, "sv.title"), *u, http.StatusOK)
}

func (s *Server) renderStaffSurveys(w http.ResponseWriter, r *http.Request, p *Page, u auth.User, status int) {
	page, err := s.Surveys.List(r.Context(), u, survey.Filter{Cursor: r.URL.Query().Get("cursor"), Limit: 50})
	if err != nil {
		s.fail(w, r, err)
		return
	}
	d := &StaffSurveysData{SurveyListData: SurveyListData{Items: page.Items}, AreaCode: u.AreaCode, Levels: disclosure.Levels,
		Create: survey.OffersCreate(u)}
	if page.Next != "" {
		d.NextURL = "/staff/surveys?" + url.Values{"cursor": {page.Next}}.Encode()
	}
	p.Data = d
	s.render(w, r, status, "survey_staff_list", p)
}

// staffSurveyCreate makes a draft from the list page's form.
func (s *Server) staffSurveyCreate(w http.ResponseWriter, r *http.Request) {
	u := s.surveyStaff(w, r)
	if u == nil {
		return
	}
	f := r.PostForm
	n := survey.New{AreaCode: f.Get("area_code"), Level: disclosure.Level(f.Get("level")), Title: f.Get("title"), Intro: f.Get("intro"),
		Target: f.Get("target"), Anonymous: f.Get("anonymous") == "1", LiveResults: f.Get("live_results") == "1"}
	var err error
	if n.ClosesAt, err = s.formTime(f.Get("closes_at")); err != nil || n.ClosesAt.IsZero() {
		err = errs.Invalidf("请填写截止时间", "enter the closing time")
	} else if opens, terr := s.formTime(f.Get("opens_at")); terr != nil {
		err = terr
	} else if !opens.IsZero() {
		n.OpensAt = &opens
	}
	if err == nil {
		var v survey.Survey
		if v, err = s.Surveys.Create(r.Context(), *u, n); err == nil {
			redirect(w, r, "/staff/surveys/"+url.PathEscape(v.ID)+"?done=created")
			return
		}
	}
	p := s.page(w, r, "sv.title")
	s.renderStaffSurveys(w, r, p, *u, s.formError(r, p, err))
}

// formTime reads a datetime-local input in the business zone; "" is zero.
func (s *Server) formTime(v string) (time.Time, error) {
	if strings.TrimSpace(v) == "" {
		return time.Time{}, nil
	}
	t, err := time.ParseInLocation("2006-01-02T15:04", strings.TrimSpace(v), s.loc)
	if err != nil {
		return t, errs.Invalidf("时间格式不正确", "malformed time")
	}
	return t, nil
}

func (s *Server) staffSurvey(w http.ResponseWriter, r *http.Request) {
	u := s.surveyStaff(w, r)
	if u == nil {
		return
	}
	s.renderSurvey(w, r, s.page(w, r, "sv.one"), *u, http.StatusOK)
}

// staffSurveyAct takes the survey page's forms: a question, open, close,
// a recorded answer, the staff member's own answer.
func (s *Server) staffSurveyAct(w http.ResponseWriter, r *http.Request) {
	u := s.surveyStaff(w, r)
	if u == nil {
		return
	}
	ctx, id, f := r.Context(), r.PathValue("id"), r.PostForm
	var err error
	done := r.PathValue("action")
	switch done {
	case "questions":
		_, err = s.Surveys.AddQuestion(ctx, *u, id, questionForm(f))
		done = "question"
	case "open":
		var in survey.OpenIn
		if at, terr := s.formTime(f.Get("closes_at")); terr != nil {
			err = terr
		} else if !at.IsZero() {
			in.ClosesAt = &at
		}
		if err == nil {
			_, err = s.Surveys.Open(ctx, *u, id, in)
		}
		done = "opened"
	case "close":
		_, err = s.Surveys.Close(ctx, *u, id)
		done = "closed"
	case "record":
		err = s.respondForm(r, *u, id, survey.ResponseIn{Phone: f.Get("phone"), Channel: f.Get("channel")})
		done = "recorded"
	case "answer":
		err = s.respondForm(r, *u, id, survey.ResponseIn{})
		done = "answered"
	default:
		s.notFound(w, r)
		return
	}
	s.staffSurveyDone(w, r, *u, id, done, err)
}

func (s *Server) staffSurveyDeleteQuestion(w http.ResponseWriter, r *http.Request) {
	u := s.surveyStaff(w, r)
	if u == nil {
		return
	}
	id := r.PathValue("id")
	qid, err := strconv.ParseInt(r.PathValue("qid"), 10, 64)
	if err != nil {
		s.notFound(w, r)
		return
	}
	_, err = s.Surveys.DeleteQuestion(r.Context(), *u, id, qid)
	s.staffSurveyDone(w, r, *u, id, "deleted", err)
}

// staffSurveyDone goes back to the survey's page, or shows it again with
// the form's error.
func (s *Server) staffSurveyDone(w http.ResponseWriter, r *http.Request, u auth.User, id, done string, err error) {
	if err == nil {
		redirect(w, r, "/staff/surveys/"+url.PathEscape(id)+"?done="+done)
		return
	}
	if errs.Is(err, errs.NotFound) && r.PathValue("qid") == "" {
		s.fail(w, r, err)
		return
	}
	p := s.page(w, r, "sv.one")
	s.renderSurvey(w, r, p, u, s.formError(r, p, err))
}

// questionForm reads the add-question form: options one a line.
func questionForm(f url.Values) survey.QuestionIn {
	q := survey.QuestionIn{Kind: survey.Kind(f.Get("kind")), Prompt: f.Get("prompt"), Required: f.Get("required") == "1"}
	num := func(k string) int64 {
		n, _ := strconv.ParseInt(strings.TrimSpace(f.Get(k)), 10, 64)
		return n
	}
	switch q.Kind {
	case survey.Single, survey.Multiple:
		q.Options = strings.Split(strings.ReplaceAll(f.Get("options"), "\r\n", "\n"), "\n")
		if q.Kind == survey.Multiple {
			q.MaxPicks = num("max_picks")
		}
	case survey.Scale:
		q.ScaleMax, q.LowLabel, q.HighLabel = num("scale_max"), f.Get("low_label"), f.Get("high_label")
	}
	return q
}

func (s *Server) staffSurveyResultsXLSX(w http.ResponseWriter, r *http.Request) {
	u := s.surveyStaff(w, r)
	if u == nil {
		return
	}
	res, v, err := s.Surveys.Results(r.Context(), *u, r.PathValue("id"))
	var buf bytes.Buffer
	if err == nil {
		err = survey.WriteResults(&buf, v, res)
	}
	s.sendXLSX(w, r, survey.FileName(v.ID, "results"), buf.Bytes(), err)
}

func (s *Server) staffSurveyResponsesXLSX(w http.ResponseWriter, r *http.Request) {
	u := s.surveyStaff(w, r)
	if u == nil {
		return
	}
	id := r.PathValue("id")
	var buf bytes.Buffer
	err := s.Surveys.WriteResponses(r.Context(), *u, id, &buf)
	s.sendXLSX(w, r, survey.FileName(id, "responses"), buf.Bytes(), err)
}

func (s *Server) sendXLSX(w http.ResponseWriter, r *http.Request, name string, b []byte, err error) {
	if err == nil {
		err = s.auditDownload(r, name)
	}
	if err != nil {
		s.fail(w, r, err)
		return
	}
	w.Header().Set("Content-Type", survey.XLSXType)
	w.Header().Set("Content-Disposition", `attachment; filename="`+name+`"`)
	w.Header().Set("Cache-Control", "no-store")
	w.Write(b)
}
