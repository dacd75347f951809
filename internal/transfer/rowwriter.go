package transfer

import (
	"bufio"
	"bytes"
	"encoding/base64"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"
)

// colKind is how a column's values are written.
type colKind int

const (
	kText colKind = iota
	kInt
	kFloat
	kBool
	kTime
	kBytes
)

// kindOf tells the kind from the column's name and its type as the driver
// names it (SQLite gives the declared type, PostgreSQL its own names).
func kindOf(name, dbType string) colKind {
	t := strings.ToUpper(dbType)
	switch {
	case strings.Contains(t, "BOOL"):
		return kBool
	case t == "BYTEA" || t == "BLOB":
		return kBytes
	case strings.Contains(t, "INT") && timeColumn(name):
		return kTime
	case strings.Contains(t, "INT"):
		return kInt
	case strings.Contains(t, "FLOAT"), strings.Contains(t, "DOUBLE"), strings.Contains(t, "REAL"), strings.Contains(t, "NUMERIC"):
		return kFloat
	}
	return kText
}

// rowWriter writes one table's rows to its JSON Lines and CSV files.
type rowWriter struct {
	jw    *bufio.Writer
	cw    *csv.Writer
	cb    *bufio.Writer
	keys  [][]byte // `"name":` for each column
	cols  []string
	kinds []colKind
	loc   *time.Location

	scratch bytes.Buffer
	enc     *json.Encoder
	rec     []string
}

func newRowWriter(jsonl, csvOut io.Writer, cols []string, kinds []colKind, loc *time.Location) *rowWriter {
	w := &rowWriter{jw: bufio.NewWriterSize(jsonl, 64<<10), cb: bufio.NewWriterSize(csvOut, 64<<10), cols: cols, kinds: kinds, loc: loc,
		rec: make([]string, len(cols))}
	w.cw = csv.NewWriter(w.cb)
	w.cw.UseCRLF = true
	w.enc = json.NewEncoder(&w.scratch)
	w.enc.SetEscapeHTML(false)
	for _, c := range cols {
		k, _ := json.Marshal(c)
		w.keys = append(w.keys, append(k, ':'))
	}
	return w
}

// header writes the byte order mark, so that Excel reads the file as UTF-8,
// and the header row.
func (w *rowWriter) header() error {
	if _, err := w.cb.WriteString("\uFEFF"); err != nil {
		return err
	}
	return w.cw.Write(w.cols)
}

// normalize turns a scanned value into nil, string, int64, float64 or bool.
func (w *rowWriter) normalize(v any, k colKind) any {
	switch x := v.(type) {
	case nil:
		return nil
	case []byte:
		if k == kBytes {
			return base64.StdEncoding.EncodeToString(x)
		}
		v = string(x)
	case int32:
		v = int64(x)
	case int:
		v = int64(x)
	case float32:
		v = float64(x)
	case time.Time:
		return x.In(w.loc).Format(TimeFormat)
	}
	switch k {
	case kBool:
		switch x := v.(type) {
		case int64:
			return x != 0
		case string:
			b, err := strconv.ParseBool(x)
			if err == nil {
				return b
			}
		}
	case kTime:
		if x, ok := v.(int64); ok {
			return time.UnixMilli(x).In(w.loc).Format(TimeFormat)
		}
	}
	return v
}

func (w *rowWriter) row(vals []any) error {
	w.jw.WriteByte('{')
	for i, raw := range vals {
		v := w.normalize(raw, w.kinds[i])
		if i > 0 {
			w.jw.WriteByte(',')
		}
		w.jw.Write(w.keys[i])
		w.scratch.Reset()
		if err := w.enc.Encode(v); err != nil {
			return fmt.Errorf("column %s: %w", w.cols[i], err)
		}
		w.jw.Write(bytes.TrimSuffix(w.scratch.Bytes(), []byte{'\n'}))
		w.rec[i] = csvValue(v)
	}
	if _, err := w.jw.WriteString("}\n"); err != nil {
		return err
	}
	return w.cw.Write(w.rec)
}

// csvValue is how a normalized value reads in CSV.
func csvValue(v any) string {
	switch x := v.(type) {
	case nil:
		return ""
	case string:
		return CSVCell(x)
	case int64:
		return strconv.FormatInt(x, 10)
	case float64:
		return strconv.FormatFloat(x, 'f', -1, 64)
	case bool:
		return strconv.FormatBool(x)
	}
	return fmt.Sprint(v)
}

func (w *rowWriter) flush() error {
	if err := w.jw.Flush(); err != nil {
		return err
	}
	w.cw.Flush()
	if err := w.cw.Error(); err != nil {
		return err
	}
	return w.cb.Flush()
}
