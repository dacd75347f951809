package transfer

import (
	"bufio"
	"context"
	"crypto/rand"
	"crypto/sha256"
	"database/sql"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/gongzhi/gongzhi/internal/db"
	"github.com/gongzhi/gongzhi/internal/ticket"
)

// LoadOptions tune the import of an export.
type LoadOptions struct {
	Progress io.Writer // progress lines; nil for none
}

// LoadStats says what an import of an export wrote.
type LoadStats struct {
	Tables   int
	Rows     int64
	Duration time.Duration
	// Voided names the tables whose rows needed a secret the export left
	// out (an API key's hash, a webhook's signing secret): each such row got
	// a random value nobody knows, so the key or secret must be issued anew.
	Voided map[string]int64
}

// ErrNotEmpty refuses an import into an installation that already holds
// accounts or tickets.
var ErrNotEmpty = errors.New("import export: this database already holds accounts or tickets; import an export only into a new, empty installation")

// Load writes an export made by Export (of this schema version or an older
// one, from either engine) into d, which must hold no accounts and no
// tickets: what the migrations put in (the default catalogue, the calendar)
// is replaced by the export's rows. Every file is checked against the
// manifest's size and SHA-256 before anything is written, and everything is
// written in one transaction, so a refused or failed import leaves the
// database as it was. The ticket text index is left to rebuild (the
// server's background walk, or ticket.IndexText).
func Load(ctx context.Context, d *db.DB, dir string, opt LoadOptions) (LoadStats, error) {
	start := time.Now()
	st := LoadStats{Voided: map[string]int64{}}
	m, err := readManifest(dir)
	if err != nil {
		return st, err
	}
	if err := checkFiles(dir, m); err != nil {
		return st, err
	}
	err = d.Tx(ctx, func(tx *sql.Tx) error {
		if err := checkTarget(ctx, tx, d.Engine, m); err != nil {
			return err
		}
		for i := len(m.Tables) - 1; i >= 0; i-- {
			if _, err := tx.ExecContext(ctx, `DELETE FROM `+m.Tables[i].Name); err != nil {
				return fmt.Errorf("clear %s: %w", m.Tables[i].Name, err)
			}
		}
		for _, tm := range m.Tables {
			n, err := loadTable(ctx, tx, d.Engine, dir, tm, &st)
			if err != nil {
				return fmt.Errorf("import %s: %w", tm.Name, err)
			}
			st.Rows += n
			st.Tables++
			if opt.Progress != nil {
				fmt.Fprintf(opt.Progress, "import: %-28s %8d rows\n", tm.Name, n)
			}
		}
		// The text index is rebuilt from the tickets, from the first.
		_, err := tx.ExecContext(ctx, `UPDATE search_backfill SET after = '', done = NOT EXISTS (SELECT 1 FROM tickets)`)
		return err
	})
	st.Duration = time.Since(start)
	return st, err
}

func readManifest(dir string) (Manifest, error) {
	var m Manifest
	raw, err := os.ReadFile(filepath.Join(dir, "manifest.json"))
	if err != nil {
		return m, fmt.Errorf("import export: %w", err)
	}
	if err := json.Unmarshal(raw, &m); err != nil {
		return m, fmt.Errorf("import export: manifest.json: %w", err)
	}
	if m.Format != "gongzhi-export/1" {
		return m, fmt.Errorf("import export: %q is not an export this gongzhi reads (gongzhi-export/1)", m.Format)
	}
	for _, tm := range m.Tables {
		if !plainName(tm.Name) || tm.Files["jsonl"].Path != "jsonl/"+tm.Name+".jsonl" {
			return m, fmt.Errorf("import export: the manifest names an unexpected table or file %q", tm.Name)
		}
		for _, c := range tm.Columns {
			if !plainName(c) {
				return m, fmt.Errorf("import export: table %s: unexpected column name %q", tm.Name, c)
			}
		}
	}
	return m, nil
}

// plainName is a table or column name as gongzhi writes them: lower-case
// letters, digits and underscores, so that a manifest cannot smuggle SQL.
func plainName(s string) bool {
	if s == "" || len(s) > 63 {
		return false
	}
	for _, r := range s {
		if !(r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '_') {
			return false
		}
	}
	return true
}

// checkFiles compares each JSON Lines file with the manifest.
func checkFiles(dir string, m Manifest) error {
	for _, tm := range m.Tables {
		fi := tm.Files["jsonl"]
		f, err := os.Open(filepath.Join(dir, filepath.FromSlash(fi.Path)))
		if err != nil {
			return fmt.Errorf("import export: %w", err)
		}
		h := sha256.New()
		n, err := io.Copy(h, f)
		f.Close()
		if err != nil {
			return fmt.Errorf("import export: read %s: %w", fi.Path, err)
		}
		if n != fi.Bytes || hex.EncodeToString(h.Sum(nil)) != fi.SHA256 {
			return fmt.Errorf("import export: %s is not the file the manifest describes (size or SHA-256 differ); nothing was written", fi.Path)
		}
	}
	return nil
}

// checkTarget refuses an import into a database that is not new, or whose
// schema is older than the export's or lacks one of its tables or columns.
func checkTarget(ctx context.Context, tx *sql.Tx, engine string, m Manifest) error {
	var version int64
	if err := tx.QueryRowContext(ctx, `SELECT COALESCE(MAX(version), 0) FROM schema_migrations`).Scan(&version); err != nil {
		return err
	}
	if version < m.SchemaVersion {
		return fmt.Errorf("import export: the export is of schema version %d and this gongzhi's is %d; upgrade gongzhi first", m.SchemaVersion, version)
	}
	var held int
	if err := tx.QueryRowContext(ctx, `SELECT (SELECT COUNT(*) FROM users) + (SELECT COUNT(*) FROM tickets)`).Scan(&held); err != nil {
		return err
	}
	if held > 0 {
		return ErrNotEmpty
	}
	for _, tm := range m.Tables {
		cols, ok, err := tableColumns(ctx, tx, engine, tm.Name)
		if err != nil {
			return err
		}
		if !ok {
			return fmt.Errorf("import export: this gongzhi has no table %s", tm.Name)
		}
		have := map[string]bool{}
		for _, c := range cols {
			have[strings.ToLower(c.Name())] = true
		}
		for _, c := range tm.Columns {
			if !have[c] {
				return fmt.Errorf("import export: this gongzhi's table %s has no column %s", tm.Name, c)
			}
		}
	}
	return nil
}

// maxParams keeps a batch under both engines' limits on parameters.
const maxParams = 30000

// loadTable writes one table's rows from its JSON Lines file in batches.
func loadTable(ctx context.Context, tx *sql.Tx, engine, dir string, tm TableManifest, st *LoadStats) (int64, error) {
	if tm.Rows == 0 || len(tm.Columns) == 0 {
		return 0, nil
	}
	kinds, err := targetKinds(ctx, tx, engine, tm)
	if err != nil {
		return 0, err
	}
	voided, err := missingRequired(ctx, tx, engine, tm)
	if err != nil {
		return 0, err
	}
	if len(voided) > 0 {
		st.Voided[tm.Name] = tm.Rows
	}
	f, err := os.Open(filepath.Join(dir, filepath.FromSlash(tm.Files["jsonl"].Path)))
	if err != nil {
		return 0, err
	}
	defer f.Close()
	cols := append(append([]string(nil), tm.Columns...), voided...)
	b := &batch{tx: tx, engine: engine, table: tm.Name, cols: cols, per: min(500, maxParams/len(cols))}
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 256<<20)
	var n int64
	numberAt := -1 // tickets on PostgreSQL: make each month's partition first
	if tm.Name == "tickets" && engine == db.Postgres {
		numberAt = slices.Index(tm.Columns, "number")
	}
	parts := map[string]bool{}
	for sc.Scan() {
		row, err := decodeRow(sc.Bytes(), tm.Columns, kinds)
		if err != nil {
			return n, fmt.Errorf("row %d: %w", n+1, err)
		}
		if number, ok := cell(row, numberAt); ok && !parts[ticket.PartitionOf(number)] {
			if err := ticket.MakePartitions(ctx, tx, number); err != nil {
				return n, err
			}
			parts[ticket.PartitionOf(number)] = true
		}
		for range voided {
			row = append(row, voidSecret())
		}
		if err := b.add(ctx, row); err != nil {
			return n, err
		}
		n++
	}
	if err := sc.Err(); err != nil {
		return n, err
	}
	return n, b.flush(ctx)
}

// targetKinds are the kinds of the export's columns as the target stores them.
func targetKinds(ctx context.Context, tx *sql.Tx, engine string, tm TableManifest) ([]colKind, error) {
	types, _, err := tableColumns(ctx, tx, engine, tm.Name)
	if err != nil {
		return nil, err
	}
	by := map[string]colKind{}
	for _, ct := range types {
		name := strings.ToLower(ct.Name())
		by[name] = kindOf(name, ct.DatabaseTypeName())
	}
	kinds := make([]colKind, len(tm.Columns))
	for i, c := range tm.Columns {
		kinds[i] = by[c]
	}
	return kinds, nil
}

// missingRequired are the columns the target requires (not null, no
// default) that the export does not have: secrets left out, which get a
// void value; any other is an error.
func missingRequired(ctx context.Context, tx *sql.Tx, engine string, tm TableManifest) ([]string, error) {
	q := `SELECT name FROM pragma_table_info($1) WHERE "notnull" = 1 AND dflt_value IS NULL AND pk = 0`
	if engine == db.Postgres {
		q = `SELECT column_name FROM information_schema.columns WHERE table_schema = current_schema() AND table_name = $1
			AND is_nullable = 'NO' AND column_default IS NULL`
	}
	req, err := scanNames(ctx, tx, q, tm.Name)
	if err != nil {
		return nil, err
	}
	have := map[string]bool{}
	for _, c := range tm.Columns {
		have[c] = true
	}
	var voided []string
	for _, c := range req {
		switch {
		case have[c]:
		case secretColumn(c):
			voided = append(voided, c)
		default:
			return nil, fmt.Errorf("the export lacks column %s, which this gongzhi requires", c)
		}
	}
	return voided, nil
}

// voidSecret stands for a secret the export left out: random, so it matches
// no key, and unique, so unique columns take it.
func voidSecret() string {
	b := make([]byte, 24)
	rand.Read(b)
	return "void:" + hex.EncodeToString(b)
}

// decodeRow turns one JSON line into the values of cols, each as the
// target column's kind stores it.
func decodeRow(line []byte, cols []string, kinds []colKind) ([]any, error) {
	dec := json.NewDecoder(strings.NewReader(string(line)))
	dec.UseNumber()
	var obj map[string]any
	if err := dec.Decode(&obj); err != nil {
		return nil, err
	}
	out := make([]any, len(cols))
	for i, c := range cols {
		v, err := storeValue(obj[c], kinds[i])
		if err != nil {
			return nil, fmt.Errorf("column %s: %w", c, err)
		}
		out[i] = v
	}
	return out, nil
}

// storeValue undoes what normalize did to a value on export.
func storeValue(v any, k colKind) (any, error) {
	if v == nil {
		return nil, nil
	}
	switch x := v.(type) {
	case json.Number:
		if k == kFloat {
			return x.Float64()
		}
		if i, err := x.Int64(); err == nil {
			return i, nil
		}
		return x.Float64()
	case bool:
		return x, nil
	case string:
		switch k {
		case kTime:
			t, err := time.Parse(TimeFormat, x)
			if err != nil {
				return nil, err
			}
			return t.UnixMilli(), nil
		case kBytes:
			return base64.StdEncoding.DecodeString(x)
		case kInt:
			return strconv.ParseInt(x, 10, 64)
		case kBool:
			return strconv.ParseBool(x)
		}
		return x, nil
	}
	return nil, fmt.Errorf("unexpected value %v", v)
}

// batch gathers rows into multi-row INSERTs.
type batch struct {
	tx     *sql.Tx
	engine string
	table  string
	cols   []string
	per    int
	args   []any
	rows   int
}

func (b *batch) add(ctx context.Context, row []any) error {
	b.args = append(b.args, row...)
	b.rows++
	if b.rows >= b.per {
		return b.flush(ctx)
	}
	return nil
}

func (b *batch) flush(ctx context.Context) error {
	if b.rows == 0 {
		return nil
	}
	var q strings.Builder
	q.WriteString("INSERT INTO " + b.table + " (" + strings.Join(b.cols, ", ") + ") VALUES ")
	p := 0
	for r := range b.rows {
		if r > 0 {
			q.WriteByte(',')
		}
		q.WriteByte('(')
		for c := range b.cols {
			if c > 0 {
				q.WriteByte(',')
			}
			p++
			if b.engine == db.Postgres {
				q.WriteString("$" + strconv.Itoa(p))
			} else {
				q.WriteByte('?')
			}
		}
		q.WriteByte(')')
	}
	_, err := b.tx.ExecContext(ctx, q.String(), b.args...)
	b.args, b.rows = b.args[:0], 0
	return err
}

// cell is the text in row[i] when i is a column of the row holding text.
func cell(row []any, i int) (string, bool) {
	if i < 0 || i >= len(row) {
		return "", false
	}
	s, ok := row[i].(string)
	return s, ok && s != ""
}
