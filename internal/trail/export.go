package trail

import (
	"encoding/csv"
	"fmt"
	"io"
	"time"

	"github.com/xuri/excelize/v2"
)

// XLSXType is the media type of the workbook.
const XLSXType = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

// FileName is the name of a trail's file with the extension ext (csv, xlsx).
func FileName(t Trail, ext string) string {
	return "trail-" + t.Kind + "-" + t.Number + "." + ext
}

var header = []string{"序号 / Step", "阶段 / Stage", "承办单位 / Unit", "经办人 / Person", "开始 / From", "结束 / To",
	"历时 / Wall time", "工作时间 / Working time", "时限 / Due", "是否按时 / Limit", "超时 / Overdue by", "超时工作时间 / Overdue working time",
	"流转 / Passed by", "操作人 / By", "原因 / Reason"}

// Records are the trail's rows as text, the header first, in business time.
func Records(t Trail, loc *time.Location) [][]string {
	at := func(p *time.Time) string {
		if p == nil {
			return ""
		}
		return p.In(loc).Format("2006-01-02 15:04")
	}
	out := [][]string{header}
	for _, r := range t.Rows {
		over, overW := "", ""
		if r.Limit == LimitOverdue {
			over, overW = Span(r.Overdue, false, false), Span(r.OverdueW, true, false)
		}
		end := EndWord(r.EndKind, false)
		if r.To == nil {
			end = "（仍在办理）"
		}
		out = append(out, []string{fmt.Sprint(r.Seq), StageWord(r.Stage, false), HolderWord(r, false), r.Person, at(&r.From), at(r.To),
			Span(r.Wall, false, false), Span(r.Working, true, false), at(r.Due), LimitWord(r.Limit, false), over, overW,
			end, r.EndBy, r.Reason})
	}
	return out
}

// WriteCSV writes the trail as CSV (UTF-8 with a byte-order mark, which
// spreadsheets need to read Chinese), every cell passed through cell — the
// caller's neutraliser of formulas.
func WriteCSV(w io.Writer, t Trail, loc *time.Location, cell func(string) string) error {
	if _, err := io.WriteString(w, "\ufeff"); err != nil {
		return err
	}
	cw := csv.NewWriter(w)
	for _, rec := range Records(t, loc) {
		for i := range rec {
			rec[i] = cell(rec[i])
		}
		if err := cw.Write(rec); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}

// WriteXLSX writes the trail as a workbook of one sheet: the item, then the
// steps. Every cell is written as text, never as a formula.
func WriteXLSX(w io.Writer, t Trail, loc *time.Location) error {
	x := excelize.NewFile()
	defer x.Close()
	const sheet = "责任链"
	if err := x.SetSheetName("Sheet1", sheet); err != nil {
		return err
	}
	bold, err := x.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true}})
	if err != nil {
		return err
	}
	title := fmt.Sprintf("%s %s %s", KindWord(t.Kind, false), t.Number, t.Title)
	if err := x.SetCellStr(sheet, "A1", title); err != nil {
		return err
	}
	if err := x.SetCellStr(sheet, "A2", "统计至 / As of "+t.At.In(loc).Format("2006-01-02 15:04")); err != nil {
		return err
	}
	for i, rec := range Records(t, loc) {
		for j, v := range rec {
			cell, err := excelize.CoordinatesToCellName(j+1, i+4)
			if err != nil {
				return err
			}
			if err := x.SetCellStr(sheet, cell, v); err != nil {
				return err
			}
		}
	}
	end, _ := excelize.CoordinatesToCellName(len(header), 4)
	if err := x.SetCellStyle(sheet, "A4", end, bold); err != nil {
		return err
	}
	if err := x.SetCellStyle(sheet, "A1", "A1", bold); err != nil {
		return err
	}
	_, err = x.WriteTo(w)
	return err
}
