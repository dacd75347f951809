package web

import (
	"fmt"
	"html/template"
	"net/url"
	"strconv"
	"strings"

	"github.com/gongzhi/gongzhi/internal/errs"
	"github.com/gongzhi/gongzhi/internal/survey"
)

// What the survey pages show of a survey's form and results: the form's
// inputs filled again after a refused response, and each question's chart
// beside its table. The figures are the survey capability's; these only
// lay them out.

// SurveyInput is one question of the answer form.
type SurveyInput struct {
	survey.Question
	N       int    // its position, from 1
	Name    string // the form field
	Choices []SurveyChoice
	Text    string
}

// SurveyChoice is one option, or one value of a scale.
type SurveyChoice struct {
	ID      string // the input's id
	Value   int64
	Label   string
	Checked bool
}

// SurveyResult is one question's figures as the page shows them.
type SurveyResult struct {
	survey.QuestionResult
	Chart template.HTML
	Table Table
	Mean  string
	Scale int64
}

func surveyField(q survey.Question) string { return "q" + strconv.FormatInt(q.ID, 10) }

// surveyInputs lays out the form, filled with what was sent (nil: nothing).
func surveyInputs(v survey.Survey, form url.Values) []SurveyInput {
	var out []SurveyInput
	for i, q := range v.Questions {
		in := SurveyInput{Question: q, N: i + 1, Name: surveyField(q)}
		sent := map[string]bool{}
		for _, x := range form[in.Name] {
			sent[x] = true
		}
		add := func(val int64, label string) {
			s := strconv.FormatInt(val, 10)
			in.Choices = append(in.Choices, SurveyChoice{ID: in.Name + "-" + s, Value: val, Label: label, Checked: sent[s]})
		}
		switch q.Kind {
		case survey.Single, survey.Multiple:
			for _, o := range q.Options {
				add(o.ID, o.Label)
			}
		case survey.Scale:
			for x := int64(1); x <= q.ScaleMax; x++ {
				add(x, strconv.FormatInt(x, 10))
			}
		case survey.Text:
			in.Text = form.Get(in.Name)
		}
		out = append(out, in)
	}
	return out
}

// surveyAnswers reads the form's answers: a choice's values are option IDs,
// a scale's its value, a text its words.
func surveyAnswers(v survey.Survey, form url.Values) ([]survey.AnswerIn, error) {
	var out []survey.AnswerIn
	for i, q := range v.Questions {
		vals := form[surveyField(q)]
		a := survey.AnswerIn{QuestionID: q.ID}
		bad := errs.Invalidf("第%d题的选择无效", "question %d: not a valid choice", i+1)
		switch q.Kind {
		case survey.Single, survey.Multiple:
			for _, x := range vals {
				n, err := strconv.ParseInt(x, 10, 64)
				if err != nil {
					return nil, bad
				}
				a.Options = append(a.Options, n)
			}
		case survey.Scale:
			if len(vals) > 1 {
				return nil, bad
			}
			if len(vals) == 1 && vals[0] != "" {
				n, err := strconv.ParseInt(vals[0], 10, 64)
				if err != nil {
					return nil, bad
				}
				a.Value = n
			}
		case survey.Text:
			a.Text = strings.Join(vals, "\n")
		}
		out = append(out, a)
	}
	return out, nil
}

// surveyResults lays out the figures: a bar chart of each choice's options,
// a column chart of each scale's values, each with its table.
func surveyResults(lang string, res survey.Results, v survey.Survey) []SurveyResult {
	var out []SurveyResult
	for _, q := range res.Questions {
		x := SurveyResult{QuestionResult: q}
		if q.Kind == survey.Text {
			out = append(out, x)
			continue
		}
		id := fmt.Sprintf("sv-q%d", q.QuestionID)
		title := fmt.Sprintf("%d. %s", q.Position, q.Prompt)
		head := tr(lang, "sv.col.option")
		if q.Kind == survey.Scale {
			head = tr(lang, "sv.col.value")
		}
		x.Table = Table{ID: id, Caption: tr(lang, "sv.answered.n", q.Answered),
			Head: []string{head, tr(lang, "sv.col.count"), tr(lang, "sv.col.share")}}
		var bars []Bar
		for _, c := range q.Counts {
			bars = append(bars, Bar{Label: c.Label, Value: float64(c.Count), Text: strconv.FormatInt(c.Count, 10)})
			x.Table.Rows = append(x.Table.Rows, []Cell{textCell(c.Label), numCell(float64(c.Count), strconv.FormatInt(c.Count, 10), ""),
				numCell(c.Share, fmt.Sprintf("%.1f%%", c.Share), "")})
		}
		desc := tr(lang, "sv.chart.desc")
		if q.Kind == survey.Scale {
			x.Chart = orNoData(lang, ColumnChart(id+"-chart", title, desc, bars))
			for _, sq := range v.Questions {
				if sq.ID == q.QuestionID {
					x.Scale = sq.ScaleMax
				}
			}
			if q.Mean != nil {
				x.Mean = tr(lang, "sv.mean", strconv.FormatFloat(*q.Mean, 'f', -1, 64), x.Scale)
			}
		} else {
			x.Chart = orNoData(lang, BarChart(id+"-chart", title, desc, bars))
		}
		out = append(out, x)
	}
	return out
}
