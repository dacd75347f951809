package indicator

import (
	"context"
	"fmt"
	"io"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/gongzhi/gongzhi/internal/auth"
	"github.com/gongzhi/gongzhi/internal/clock"
	"github.com/gongzhi/gongzhi/internal/errs"
)

// XLSXType is the media type of the yearly self-assessment.
const XLSXType = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

// Year computes the months of the year up to the current one, for u: the
// yearly self-assessment (年度自评).
func (s *Service) Year(ctx context.Context, u auth.User, year int) ([]Month, error) {
	if !CanRead(u) {
		return nil, errs.ErrForbidden
	}
	now := s.clock.Now().In(clock.BusinessZone())
	if year < 2000 || year > now.Year() {
		return nil, errs.Invalidf("年份须在2000年到今年之间", "the year must be from 2000 to this one")
	}
	var out []Month
	for m := 1; m <= 12; m++ {
		start := time.Date(year, time.Month(m), 1, 0, 0, 0, 0, clock.BusinessZone())
		if start.After(now) {
			break
		}
		v, err := s.Compute(ctx, u, start)
		if err != nil {
			return nil, err
		}
		out = append(out, v)
	}
	return out, nil
}

// WriteYear writes the months as a workbook: a row per month, a column per
// indicator's value (its unit in the heading) and the composite; below, the
// weights the composite used and a sheet of the catalogue's definitions.
func WriteYear(w io.Writer, year int, months []Month, settings []Setting) error {
	x := excelize.NewFile()
	defer x.Close()
	const sheet = "年度自评"
	if err := x.SetSheetName("Sheet1", sheet); err != nil {
		return err
	}
	bold, _ := x.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true}})
	row := 1
	put := func(sh string, style int, vals ...any) {
		cell, _ := excelize.CoordinatesToCellName(1, row)
		x.SetSheetRow(sh, cell, &vals)
		if style != 0 {
			end, _ := excelize.CoordinatesToCellName(len(vals), row)
			x.SetCellStyle(sh, cell, end, style)
		}
		row++
	}
	put(sheet, bold, fmt.Sprintf("%d年治理效能指标自评 / Governance indicators, self-assessment %d", year, year))
	head := []any{"月份 / Month"}
	weights := []any{"本区权重 / Weight"}
	for _, st := range settings {
		head = append(head, fmt.Sprintf("%s %s（%s）", st.Code, st.Name, st.Unit))
		wt := any(st.Weight)
		if !st.Enabled {
			wt = "不计入 / off"
		}
		weights = append(weights, wt)
	}
	put(sheet, bold, append(head, "综合得分 / Composite")...)
	for _, m := range months {
		vals := []any{m.Month}
		for _, it := range m.Items {
			vals = append(vals, orBlank(it.Value))
		}
		vals = append(vals, orBlank(m.Composite))
		put(sheet, 0, vals...)
	}
	put(sheet, 0, weights...)
	x.SetColWidth(sheet, "A", "A", 16)
	last, _ := excelize.ColumnNumberToName(len(settings) + 2) // the composite's column
	x.SetColWidth(sheet, "B", last, 20)
	const defs = "指标定义"
	if _, err := x.NewSheet(defs); err != nil {
		return err
	}
	row = 1
	put(defs, bold, "编码 / Code", "指标 / Indicator", "维度 / Dimension", "定义 / Definition", "计算 / Formula", "得分 / Score", "标准权重 / Standard", "本区权重 / District", "计入 / Counts")
	for _, st := range settings {
		put(defs, 0, st.Code, st.Name+" / "+st.NameEn, DimensionNames[st.Dimension], st.Definition, st.Formula, st.Normalisation, st.StandardWeight, st.Weight, st.Enabled)
	}
	x.SetColWidth(defs, "D", "F", 50)
	return x.Write(w)
}

func orBlank(p *float64) any {
	if p == nil {
		return ""
	}
	return *p
}
