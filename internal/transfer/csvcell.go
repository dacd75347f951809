package transfer

import "strings"

// CSVCell is how a text value is written into a CSV cell: a text that a
// spreadsheet would read as a formula (it starts with =, +, - or @, their
// full-width forms, or a TAB or CR that spreadsheets strip before looking)
// gets a leading single quote, as OWASP advises against CSV injection, so
// that =HYPERLINK(…) in a description shows as text and runs nothing.
// Every CSV writer of text goes through it; numbers are written as they
// are, and JSON Lines and XLSX (which stores strings as strings) keep the
// text exact.
func CSVCell(s string) string {
	if s == "" {
		return s
	}
	switch s[0] {
	case '=', '+', '-', '@', '\t', '\r':
		return "'" + s
	}
	for _, p := range []string{"＝", "＋", "－", "＠"} {
		if strings.HasPrefix(s, p) {
			return "'" + s
		}
	}
	return s
}

// csvCells applies CSVCell to a record, in place.
func csvCells(rec []string) []string {
	for i, v := range rec {
		rec[i] = CSVCell(v)
	}
	return rec
}
