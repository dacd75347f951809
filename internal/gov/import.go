package gov

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"context"
	"database/sql"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/gongzhi/gongzhi/internal/db"
	"github.com/gongzhi/gongzhi/internal/errs"
)

// ImportStats tells what ImportDivisions did.
type ImportStats struct {
	Provinces   int `json:"provinces"`
	Cities      int `json:"cities"`
	Districts   int `json:"districts"`
	Streets     int `json:"streets"`
	Communities int `json:"communities"`
	// Rejected counts the rows skipped because they were malformed, repeated,
	// or did not fit under a known parent.
	Rejected int `json:"rejected"`
	// Problems describes the rejected rows with file and line, at most
	// maxProblems of them, so a bad file cannot flood the caller's memory.
	Problems []string      `json:"problems"`
	Files    []string      `json:"files"`
	Duration time.Duration `json:"duration"`
}

// Total is the number of areas written.
func (s ImportStats) Total() int {
	return s.Provinces + s.Cities + s.Districts + s.Streets + s.Communities
}

const maxProblems = 100

// importBatch is the number of rows per INSERT statement. 500 rows × 4
// parameters stays far below SQLite's 32766 and PostgreSQL's 65535
// parameters, while cutting the round trips of 665,000 rows to about 1,300.
const importBatch = 500

// progressEvery is how often (in rows) a progress line is written.
const progressEvery = 50000

// divisionFile describes one file of the statistical division codes.
type divisionFile struct {
	label     string // used in progress lines: "villages"
	level     Level
	parentCol string // column holding the parent's code; "" for provinces
	codeLen   int    // statistical codes have a fixed length per level
	required  bool
}

var divisionFiles = []divisionFile{
	{"provinces", LevelProvince, "", 2, true},
	{"cities", LevelCity, "provinceCode", 4, true},
	{"areas", LevelDistrict, "cityCode", 6, true},
	{"streets", LevelStreet, "areaCode", 9, true},
	{"villages", LevelCommunity, "streetCode", 12, false},
}

// ImportDivisions loads China's statistical division codes (统计用区划代码)
// from dir: provinces.csv, cities.csv, areas.csv, streets.csv and
// villages_all.csv.gz, or, when that is missing, the villages_*.csv files
// present. It is idempotent: rows are upserted by code, and a population set
// earlier is kept, because the files carry none. Malformed rows are skipped
// and described in the stats; a missing required file is an error.
func ImportDivisions(ctx context.Context, d *db.DB, dir string, progress io.Writer) (ImportStats, error) {
	start := time.Now() // measures the import itself, not business time
	if progress == nil {
		progress = io.Discard
	}
	var st ImportStats
	// Check every required file before writing anything, so a wrong folder
	// fails fast instead of after importing half the country.
	paths := make([][]string, len(divisionFiles))
	for i, f := range divisionFiles {
		if f.level == LevelCommunity {
			ps, err := villageFiles(dir)
			if err != nil {
				return st, err
			}
			paths[i] = ps
			continue
		}
		p := filepath.Join(dir, f.label+".csv")
		if _, err := os.Stat(p); err != nil {
			return st, errs.Invalidf("区划代码文件缺失：%s", "division code file missing: %s", p)
		}
		paths[i] = []string{p}
	}

	im := &importer{ctx: ctx, d: d, stats: &st, progress: progress, seen: map[string]struct{}{}}
	var parents map[string]struct{}
	for i, f := range divisionFiles {
		codes := map[string]struct{}{}
		n := 0
		for _, p := range paths[i] {
			st.Files = append(st.Files, filepath.Base(p))
			c, err := im.importFile(f, p, parents, codes)
			n += c
			if err != nil {
				return st, err
			}
		}
		switch f.level {
		case LevelProvince:
			st.Provinces = n
		case LevelCity:
			st.Cities = n
		case LevelDistrict:
			st.Districts = n
		case LevelStreet:
			st.Streets = n
		case LevelCommunity:
			st.Communities = n
		}
		// Only the level just above is needed to check parents; dropping the
		// older sets keeps memory to the 41,000 streets at most.
		parents = codes
	}
	st.Duration = time.Since(start)
	fmt.Fprintf(progress, "done: %d provinces, %d cities, %d districts, %d streets, %d communities; %d rejected; %s\n",
		st.Provinces, st.Cities, st.Districts, st.Streets, st.Communities, st.Rejected, st.Duration.Round(time.Millisecond))
	return st, nil
}

// villageFiles returns the village files of dir: the national gzip file, or
// else the per-province CSV files, sorted so that runs are repeatable.
func villageFiles(dir string) ([]string, error) {
	all := filepath.Join(dir, "villages_all.csv.gz")
	if _, err := os.Stat(all); err == nil {
		return []string{all}, nil
	}
	ps, err := filepath.Glob(filepath.Join(dir, "villages_*.csv"))
	if err != nil {
		return nil, errs.Wrap(err, "list village files")
	}
	sort.Strings(ps)
	return ps, nil
}

type importer struct {
	ctx      context.Context
	d        *db.DB
	stats    *ImportStats
	progress io.Writer
	seen     map[string]struct{} // every code accepted so far, to reject repeats
}

func (im *importer) reject(file string, line int, format string, args ...any) {
	im.stats.Rejected++
	if len(im.stats.Problems) < maxProblems {
		im.stats.Problems = append(im.stats.Problems, fmt.Sprintf("%s:%d: %s", file, line, fmt.Sprintf(format, args...)))
	}
}

// openData opens a data file, decompressing .gz files.
func openData(path string) (io.Reader, func() error, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, nil, err
	}
	if !strings.HasSuffix(path, ".gz") {
		return bufio.NewReaderSize(f, 1<<16), f.Close, nil
	}
	z, err := gzip.NewReader(bufio.NewReaderSize(f, 1<<16))
	if err != nil {
		f.Close()
		return nil, nil, err
	}
	return z, func() error { z.Close(); return f.Close() }, nil
}

// countLines counts the data lines of a file (lines minus the header), only to
// show "n / total" in progress lines; a quoted field spanning lines would
// make it approximate, which is fine for that.
func countLines(path string) int {
	r, closeFn, err := openData(path)
	if err != nil {
		return 0
	}
	defer closeFn()
	n := 0
	buf := make([]byte, 1<<16)
	for {
		k, err := r.Read(buf)
		n += bytes.Count(buf[:k], []byte{'\n'})
		if err != nil {
			break
		}
	}
	return n - 1
}

type divisionRow struct{ code, name, parent string }

// importFile reads one file and upserts its rows in one transaction; it
// returns the number of rows written.
func (im *importer) importFile(f divisionFile, path string, parents, codes map[string]struct{}) (int, error) {
	base := filepath.Base(path)
	r, closeFn, err := openData(path)
	if err != nil {
		return 0, errs.Invalidf("无法读取区划代码文件 %s：%v", "cannot read division code file %s: %v", base, err)
	}
	defer closeFn()
	total := 0
	if f.level == LevelCommunity || f.level == LevelStreet {
		// Only the big files take long enough to deserve a total.
		total = countLines(path)
	}
	cr := csv.NewReader(r)
	cr.FieldsPerRecord = -1 // column count is checked per row, so one bad row is skipped, not fatal
	cr.ReuseRecord = true
	header, err := cr.Read()
	if err != nil {
		return 0, errs.Invalidf("区划代码文件 %s 没有表头：%v", "division code file %s has no header: %v", base, err)
	}
	cols, ok := findDivisionCols(f, header)
	if !ok {
		return 0, errs.Invalidf("区划代码文件 %s 缺少列 code、name 或 %s", "division code file %s lacks a code, name or %s column", base, f.parentCol)
	}
	w := &areaUpserts{im: im, f: f, base: base, total: total}
	err = im.d.Tx(im.ctx, func(tx *sql.Tx) error {
		if err := w.begin(tx); err != nil {
			return err
		}
		defer w.full.Close()
		for {
			row, ok, err := im.nextRow(cr, base, f, cols, parents)
			if err == io.EOF {
				return w.flush()
			}
			if err != nil {
				return err
			}
			if ok {
				codes[row.code] = struct{}{}
				if err := w.add(row); err != nil {
					return err
				}
			}
		}
	})
	if err != nil {
		return 0, err
	}
	fmt.Fprintf(im.progress, "%s: %d rows from %s\n", f.label, w.written, base)
	return w.written, nil
}

// divisionCols are where a division file's columns are.
type divisionCols struct{ n, code, name, parent int }

// findDivisionCols finds the code, name and (if the file has one) parent
// columns by the header.
func findDivisionCols(f divisionFile, header []string) (divisionCols, bool) {
	c := divisionCols{n: len(header), code: -1, name: -1, parent: -1}
	for i, h := range header {
		switch strings.TrimSpace(strings.TrimPrefix(h, "\ufeff")) {
		case "code":
			c.code = i
		case "name":
			c.name = i
		case f.parentCol:
			if f.parentCol != "" {
				c.parent = i
			}
		}
	}
	return c, c.code >= 0 && c.name >= 0 && (f.parentCol == "" || c.parent >= 0)
}

// nextRow reads the next record: a row to write (ok), or one rejected with
// its reason (not ok), or io.EOF at the end.
func (im *importer) nextRow(cr *csv.Reader, base string, f divisionFile, cols divisionCols, parents map[string]struct{}) (divisionRow, bool, error) {
	rec, err := cr.Read()
	if err == io.EOF {
		return divisionRow{}, false, err
	}
	if err != nil {
		var pe *csv.ParseError
		if errors.As(err, &pe) {
			// The reader resumes at the next line, so a broken quote
			// costs one row, not the file.
			im.reject(base, pe.StartLine, "CSV 格式错误 malformed CSV: %v", pe.Err)
			return divisionRow{}, false, nil
		}
		return divisionRow{}, false, errs.Wrap(err, "read "+base)
	}
	line, _ := cr.FieldPos(0) // only after a successful read: it panics otherwise
	if len(rec) != cols.n {
		im.reject(base, line, "应有 %d 列，实有 %d 列 (want %d columns, got %d)", cols.n, len(rec), cols.n, len(rec))
		return divisionRow{}, false, nil
	}
	row := divisionRow{code: strings.TrimSpace(rec[cols.code]), name: strings.TrimSpace(rec[cols.name])}
	if cols.parent >= 0 {
		row.parent = strings.TrimSpace(rec[cols.parent])
	}
	if problem := checkDivisionRow(f, row, parents); problem != "" {
		im.reject(base, line, "%s", problem)
		return divisionRow{}, false, nil
	}
	if _, dup := im.seen[row.code]; dup {
		// A repeat within one INSERT would make PostgreSQL refuse the
		// whole statement, and across statements it would be silently
		// overwritten; either way the data is suspect.
		im.reject(base, line, "代码 %s 重复 (duplicate code %s)", row.code, row.code)
		return divisionRow{}, false, nil
	}
	im.seen[row.code] = struct{}{}
	return row, true, nil
}

// areaUpserts writes one file's rows in upserts of importBatch rows, on one
// transaction, and shows the progress.
type areaUpserts struct {
	im      *importer
	f       divisionFile
	base    string
	total   int // data lines of the file, 0 when not counted
	tx      *sql.Tx
	full    *sql.Stmt // the upsert of importBatch rows
	batch   []divisionRow
	args    []any
	written int
}

func (w *areaUpserts) begin(tx *sql.Tx) error {
	full, err := tx.PrepareContext(w.im.ctx, upsertAreasSQL(importBatch))
	if err != nil {
		return errs.Wrap(err, "prepare area import")
	}
	w.tx, w.full = tx, full
	w.batch, w.args = make([]divisionRow, 0, importBatch), make([]any, 0, importBatch*4)
	return nil
}

func (w *areaUpserts) add(row divisionRow) error {
	w.batch = append(w.batch, row)
	if len(w.batch) == importBatch {
		return w.flush()
	}
	return nil
}

func (w *areaUpserts) flush() error {
	if len(w.batch) == 0 {
		return nil
	}
	w.args = w.args[:0]
	for _, row := range w.batch {
		w.args = append(w.args, row.code, row.parent, row.name, string(w.f.level))
	}
	var err error
	if len(w.batch) == importBatch {
		_, err = w.full.ExecContext(w.im.ctx, w.args...)
	} else {
		_, err = w.tx.ExecContext(w.im.ctx, upsertAreasSQL(len(w.batch)), w.args...)
	}
	if err != nil {
		return errs.Wrap(err, "import areas from "+w.base)
	}
	w.written += len(w.batch)
	w.batch = w.batch[:0]
	if w.written%progressEvery < importBatch && w.written >= progressEvery {
		if w.total > 0 {
			fmt.Fprintf(w.im.progress, "%s: %d / %d\n", w.f.label, w.written, w.total)
		} else {
			fmt.Fprintf(w.im.progress, "%s: %d\n", w.f.label, w.written)
		}
	}
	return nil
}

// checkDivisionRow returns why the row cannot be imported, or "".
func checkDivisionRow(f divisionFile, row divisionRow, parents map[string]struct{}) string {
	if len(row.code) != f.codeLen || strings.Trim(row.code, "0123456789") != "" {
		return fmt.Sprintf("代码 %q 不是 %d 位数字 (code %q is not %d digits)", row.code, f.codeLen, row.code, f.codeLen)
	}
	if row.name == "" || utf8.RuneCountInString(row.name) > 100 {
		return fmt.Sprintf("代码 %s 的名称为空或过长 (name of %s empty or too long)", row.code, row.code)
	}
	if f.parentCol == "" {
		return ""
	}
	// Subtree queries are prefix ranges on codes, so a child whose code does
	// not start with its parent's would be invisible under it.
	if row.parent == "" || len(row.parent) >= len(row.code) || !strings.HasPrefix(row.code, row.parent) {
		return fmt.Sprintf("代码 %s 不以上级代码 %q 开头 (code %s does not start with its parent's code %q)", row.code, row.parent, row.code, row.parent)
	}
	if _, ok := parents[row.parent]; !ok {
		return fmt.Sprintf("上级代码 %s 不存在 (parent %s not found)", row.parent, row.parent)
	}
	return ""
}

// upsertAreasSQL returns a multi-row upsert of n areas. The population column
// is left out: new rows get the default 0 and existing rows keep theirs.
func upsertAreasSQL(n int) string {
	var b strings.Builder
	b.Grow(80 + n*24)
	b.WriteString(`INSERT INTO areas (code, parent_code, name, level) VALUES `)
	for i := 0; i < n; i++ {
		if i > 0 {
			b.WriteByte(',')
		}
		p := i * 4
		fmt.Fprintf(&b, "($%d,$%d,$%d,$%d)", p+1, p+2, p+3, p+4)
	}
	b.WriteString(` ON CONFLICT (code) DO UPDATE SET parent_code = excluded.parent_code, name = excluded.name, level = excluded.level`)
	return b.String()
}
