package survey

import (
	"context"
	"fmt"
	"io"
	"strings"

	"github.com/xuri/excelize/v2"

	"github.com/gongzhi/gongzhi/internal/auth"
	"github.com/gongzhi/gongzhi/internal/errs"
)

// XLSXType is the media type of the workbooks.
const XLSXType = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

// FileName is the name of a survey's workbook: what is results or responses.
func FileName(id, what string) string { return "survey-" + id + "-" + what + ".xlsx" }

var kindWords = map[Kind]string{Single: "单选", Multiple: "多选", Scale: "量表", Text: "填空"}

var channelWords = map[string]string{
	ChannelOnline: "本人在线填写",
	ChannelPaper:  "工作人员代录（纸质问卷）",
	ChannelPhone:  "工作人员代录（电话）",
}

// WriteResults writes the results as a workbook: one sheet of figures, each
// question a block of its options or values with counts and shares, and,
// when the results hold them, a sheet of the free-text answers.
func WriteResults(w io.Writer, v Survey, r Results) error {
	x := excelize.NewFile()
	defer x.Close()
	const sheet = "结果"
	if err := x.SetSheetName("Sheet1", sheet); err != nil {
		return err
	}
	bold, _ := x.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true}})
	row := 1
	put := func(style int, vals ...any) {
		cell, _ := excelize.CoordinatesToCellName(1, row)
		x.SetSheetRow(sheet, cell, &vals)
		if style != 0 {
			end, _ := excelize.CoordinatesToCellName(len(vals), row)
			x.SetCellStyle(sheet, cell, end, style)
		}
		row++
	}
	put(bold, fmt.Sprintf("%s（%s）", v.Title, v.ID))
	put(0, "答卷数 / Responses", r.Responses)
	for _, q := range r.Questions {
		row++
		put(bold, fmt.Sprintf("第%d题（%s）%s", q.Position, kindWords[q.Kind], q.Prompt))
		put(0, "作答人数 / Answered", q.Answered)
		if q.Kind == Text {
			continue
		}
		head := "选项 / Option"
		if q.Kind == Scale {
			head = "分值 / Value"
		}
		put(bold, head, "人数 / Count", "占比（%） / Share (%)")
		for _, c := range q.Counts {
			put(0, c.Label, c.Count, c.Share)
		}
		if q.Kind == Scale && q.Mean != nil {
			put(0, "平均分 / Mean", *q.Mean)
		}
	}
	x.SetColWidth(sheet, "A", "A", 40)
	x.SetColWidth(sheet, "B", "C", 16)
	if r.Texts {
		if err := textSheet(x, r, bold); err != nil {
			return err
		}
	}
	return x.Write(w)
}

func textSheet(x *excelize.File, r Results, bold int) error {
	const sheet = "文字回答"
	if _, err := x.NewSheet(sheet); err != nil {
		return err
	}
	x.SetSheetRow(sheet, "A1", &[]any{"题目 / Question", "回答 / Answer"})
	x.SetCellStyle(sheet, "A1", "B1", bold)
	row := 2
	for _, q := range r.Questions {
		for _, a := range q.Answers {
			cell, _ := excelize.CoordinatesToCellName(1, row)
			x.SetSheetRow(sheet, cell, &[]any{fmt.Sprintf("第%d题 %s", q.Position, q.Prompt), a})
			row++
		}
	}
	x.SetColWidth(sheet, "A", "A", 30)
	x.SetColWidth(sheet, "B", "B", 80)
	return nil
}

// WriteResponses writes every response of the survey as a workbook, one row
// each, for those who run it: who answered and how (not for an anonymous
// survey), and each question's answer.
func (s *Service) WriteResponses(ctx context.Context, u auth.User, id string, w io.Writer) error {
	v, err := s.Get(ctx, u, id)
	if err != nil {
		return err
	}
	if !CanSeeTexts(u, v) {
		return errs.New(errs.Forbidden, "只有发起问卷的辖区工作人员可以导出全部答卷", "only the staff of the survey's area export its responses")
	}
	x := excelize.NewFile()
	defer x.Close()
	const sheet = "答卷"
	if err := x.SetSheetName("Sheet1", sheet); err != nil {
		return err
	}
	sw, err := x.NewStreamWriter(sheet)
	if err != nil {
		return err
	}
	head := []any{"序号 / No."}
	if !v.Anonymous {
		head = append(head, "提交时间 / Time", "答卷人 / Respondent")
	}
	head = append(head, "方式 / Channel")
	for i, q := range v.Questions {
		head = append(head, fmt.Sprintf("%d. %s", i+1, q.Prompt))
	}
	if err := sw.SetRow("A1", head); err != nil {
		return err
	}
	if err := s.responseRows(ctx, v, sw); err != nil {
		return err
	}
	if err := sw.Flush(); err != nil {
		return err
	}
	return x.Write(w)
}

// responseRows streams the responses into the sheet from its second row.
func (s *Service) responseRows(ctx context.Context, v Survey, sw *excelize.StreamWriter) error {
	col, labels := map[int64]int{}, map[[2]int64]string{}
	fixed := 2
	if !v.Anonymous {
		fixed = 4
	}
	for i, q := range v.Questions {
		col[q.ID] = fixed + i
		for _, o := range q.Options {
			labels[[2]int64{q.ID, o.ID}] = o.Label
		}
	}
	rows, err := s.db.R.QueryContext(ctx, `SELECT r.id, r.respondent, r.channel, r.at, a.question_id, a.option_id, a.value, a.text
FROM survey_responses r JOIN survey_answers a ON a.response_id = r.id WHERE r.survey_id = $1 ORDER BY r.at, r.id, a.question_id, a.option_id`, v.ID)
	if err != nil {
		return errs.Wrap(err, "responses")
	}
	defer rows.Close()
	var cur []any
	last, n := "", 0
	flush := func() error {
		if cur == nil {
			return nil
		}
		cell, _ := excelize.CoordinatesToCellName(1, n+1)
		return sw.SetRow(cell, cur)
	}
	for rows.Next() {
		var rid, who, channel, text string
		var at, qid, opt, val int64
		if err := rows.Scan(&rid, &who, &channel, &at, &qid, &opt, &val, &text); err != nil {
			return errs.Wrap(err, "scan response")
		}
		if rid != last {
			if err := flush(); err != nil {
				return err
			}
			last, n = rid, n+1
			cur = make([]any, fixed+len(v.Questions))
			cur[0], cur[fixed-1] = n, channelWords[channel]
			if !v.Anonymous {
				cur[1], cur[2] = s.at(at).Format("2006-01-02 15:04"), respondentWords(who)
			}
		}
		c, ok := col[qid]
		switch {
		case !ok:
		case opt > 0 && cur[c] != nil:
			cur[c] = cur[c].(string) + "；" + labels[[2]int64{qid, opt}]
		case opt > 0:
			cur[c] = labels[[2]int64{qid, opt}]
		case val > 0:
			cur[c] = val
		default:
			cur[c] = text
		}
	}
	if err := rows.Err(); err != nil {
		return errs.Wrap(err, "responses")
	}
	return flush()
}

// respondentWords names a respondent in the export: a masked phone, or a
// staff account.
func respondentWords(who string) string {
	if id, ok := strings.CutPrefix(who, "u:"); ok {
		return "工作人员账号 " + id
	}
	return auth.MaskPhone(who)
}
