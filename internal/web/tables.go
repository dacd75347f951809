package web

import (
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/xuri/excelize/v2"
)

// Cell is one cell of a data table. Num cells are right-aligned and go to
// a spreadsheet as numbers (Value) when they have one.
type Cell struct {
	Text   string
	URL    string
	Badges []Badge
	Num    bool
	Value  *float64
}

// Badge is a small label in a cell: a class (先进…) or a list (红榜…).
type Badge struct {
	Class string
	Text  string
}

// Table is a data table that a page shows and exports: the same rows in
// HTML and in XLSX.
type Table struct {
	ID      string
	Caption string
	Head    []string
	Rows    [][]Cell
	Empty   string
}

// HeadCell is a column heading, right-aligned over numbers.
type HeadCell struct {
	Text string
	Num  bool
}

// Heads are the headings, each aligned like its column.
func (t Table) Heads() []HeadCell {
	out := make([]HeadCell, len(t.Head))
	for i, h := range t.Head {
		out[i].Text = h
		for _, r := range t.Rows {
			if i < len(r) && r[i].Num {
				out[i].Num = true
				break
			}
		}
	}
	return out
}

// ExportURL is the page's own URL asking for this table in XLSX.
func (t Table) ExportURL(path string) string {
	u, err := url.Parse(path)
	if err != nil {
		return ""
	}
	q := u.Query()
	q.Set("format", "xlsx")
	q.Set("table", t.ID)
	u.RawQuery = q.Encode()
	return u.RequestURI()
}

func numCell(v float64, text string, link string) Cell {
	return Cell{Text: text, URL: link, Num: true, Value: &v}
}

func textCell(s string) Cell { return Cell{Text: s} }

// exportTables answers ?format=xlsx with the table named by ?table= (or
// every table, one sheet each). It reports whether it answered.
func (s *Server) exportTables(w http.ResponseWriter, r *http.Request, base string, tables []Table) bool {
	q := r.URL.Query()
	if q.Get("format") != "xlsx" {
		return false
	}
	var pick []Table
	for _, t := range tables {
		if q.Get("table") == "" || q.Get("table") == t.ID {
			pick = append(pick, t)
		}
	}
	if len(pick) == 0 {
		http.Error(w, "no such table", http.StatusNotFound)
		return true
	}
	f := excelize.NewFile()
	defer f.Close()
	bold, _ := f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true}})
	used := map[string]bool{}
	for i, t := range pick {
		name := sheetName(t, used)
		if i == 0 {
			f.SetSheetName("Sheet1", name)
		} else if _, err := f.NewSheet(name); err != nil {
			s.fail(w, r, err)
			return true
		}
		row := 1
		if t.Caption != "" {
			f.SetCellValue(name, "A1", t.Caption)
			f.SetCellStyle(name, "A1", "A1", bold)
			row = 2
		}
		for c, h := range t.Head {
			ref, _ := excelize.CoordinatesToCellName(c+1, row)
			f.SetCellValue(name, ref, h)
			f.SetCellStyle(name, ref, ref, bold)
		}
		for _, cells := range t.Rows {
			row++
			for c, cell := range cells {
				ref, _ := excelize.CoordinatesToCellName(c+1, row)
				switch {
				case cell.Value != nil:
					f.SetCellValue(name, ref, *cell.Value)
				default:
					text := cell.Text
					for _, b := range cell.Badges {
						text = strings.TrimSpace(text + " " + b.Text)
					}
					f.SetCellValue(name, ref, text)
				}
			}
		}
		for c := range t.Head {
			col, _ := excelize.ColumnNumberToName(c + 1)
			f.SetColWidth(name, col, col, 16)
		}
	}
	file := base
	if len(pick) == 1 {
		file += "-" + pick[0].ID
	}
	if err := s.auditDownload(r, file+".xlsx"); err != nil {
		s.fail(w, r, err)
		return true
	}
	w.Header().Set("Content-Type", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
	w.Header().Set("Content-Disposition", fmt.Sprintf(`attachment; filename="%s.xlsx"`, file))
	w.Header().Set("Cache-Control", "no-store")
	if err := f.Write(w); err != nil {
		s.Log.Error("xlsx export", "err", err)
	}
	return true
}

// sheetName is a valid, unique sheet name (at most 31 characters, none of
// []:*?/\).
func sheetName(t Table, used map[string]bool) string {
	name := t.Caption
	if name == "" {
		name = t.ID
	}
	name = strings.Map(func(r rune) rune {
		if strings.ContainsRune(`[]:*?/\`, r) {
			return '-'
		}
		return r
	}, name)
	if r := []rune(name); len(r) > 28 {
		name = string(r[:28])
	}
	base := name
	for i := 2; used[name]; i++ {
		name = base + strconv.Itoa(i)
	}
	used[name] = true
	return name
}
