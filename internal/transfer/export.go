// Package transfer moves data in and out of gongzhi in open formats: a full
// export of the database as JSON Lines and CSV with a manifest, and the
// import of tickets from other systems (Open311, NYC 311, LA 311, CSV).
package transfer

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"hash"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/gongzhi/gongzhi/internal/db"

	"github.com/gongzhi/gongzhi/internal/clock"
)

// Table is one table of the export and the order its rows are written in.
type Table struct {
	Name    string
	OrderBy string
	// Where restricts the rows (an export of one area); empty for all.
	Where string
}

// secretColumn reports whether a column holds a secret or something a secret
// can be derived from: password hashes, session and key hashes, tokens. New
// columns with such names are left out without a code change.
func secretColumn(name string) bool {
	n := strings.ToLower(name)
	return strings.HasSuffix(n, "_hash") || strings.Contains(n, "password") || strings.Contains(n, "secret") ||
		strings.Contains(n, "token") || n == "csrf"
}

// timeColumn reports whether a column holds a time as Unix milliseconds.
func timeColumn(name string) bool {
	return name == "at" || strings.HasSuffix(name, "_at") || name == "deadline"
}

// TimeFormat is how times are written: RFC 3339 with milliseconds.
const TimeFormat = "2006-01-02T15:04:05.000Z07:00"

// Manifest describes an export.
type Manifest struct {
	Format         string   `json:"format"`
	GongzhiVersion string   `json:"gongzhi_version"`
	ExportedAt     string   `json:"exported_at"`
	SchemaVersion  int64    `json:"schema_version"`
	Engine         string   `json:"engine"`
	TimeZone       string   `json:"time_zone"`
	Times          string   `json:"times"`
	CSV            string   `json:"csv"`
	Excluded       []string `json:"excluded"`
	// Secrets tells whether the export holds the secrets (password and key
	// hashes, second factors, the installation's keys): only when the
	// district asks for them to move to another installation.
	Secrets bool `json:"secrets"`
	// Area is the area an export of one area holds (`--area`), empty for
	// the whole installation.
	Area   string          `json:"area,omitempty"`
	Tables []TableManifest `json:"tables"`
}

// TableManifest describes one table's files.
type TableManifest struct {
	Name        string   `json:"name"`
	Rows        int64    `json:"rows"`
	Columns     []string `json:"columns"`
	TimeColumns []string `json:"time_columns"`
	// BinaryColumns hold bytes, written as standard base64 in both formats.
	BinaryColumns []string            `json:"binary_columns,omitempty"`
	Files         map[string]FileInfo `json:"files"`
}

// FileInfo is one written file.
type FileInfo struct {
	Path   string `json:"path"`
	Bytes  int64  `json:"bytes"`
	SHA256 string `json:"sha256"`
}

// ExportOptions tune an export.
type ExportOptions struct {
	Version  string    // gongzhi version for the manifest
	Now      time.Time // export time; zero means time.Now()
	Progress io.Writer // progress lines; nil for none
	// Secrets writes the secret columns and the installation's keys too, for
	// a move to another installation (`gongzhi export --with-secrets`); the
	// folder must then be kept like a backup.
	Secrets bool
	// Area exports one area (a district or a street) for a move to a
	// database of its own: the rows under it, what they point at, and the
	// installation-wide tables (see areaPlan).
	Area string
}

// Export writes every table of d into dir (which must be empty or absent) as
// dir/jsonl/TABLE.jsonl and dir/csv/TABLE.csv, and dir/manifest.json. All
// tables are read in one read transaction, so they agree with each other;
// rows are streamed, so memory stays bounded whatever the size.
func Export(ctx context.Context, d *db.DB, dir string, opt ExportOptions) (Manifest, error) {
	if err := emptyDir(dir); err != nil {
		return Manifest{}, err
	}
	for _, sub := range []string{"jsonl", "csv"} {
		if err := os.MkdirAll(filepath.Join(dir, sub), 0o750); err != nil {
			return Manifest{}, err
		}
	}
	if opt.Now.IsZero() {
		opt.Now = time.Now()
	}
	loc := clock.BusinessZone()
	m := Manifest{Format: "gongzhi-export/1", GongzhiVersion: opt.Version, ExportedAt: opt.Now.In(loc).Format(TimeFormat), Engine: d.Engine,
		TimeZone: "Asia/Shanghai",
		Times: "columns named at, *_at and deadline hold Unix milliseconds in the database; both formats write them as RFC 3339 " +
			"with milliseconds in Asia/Shanghai (+08:00); null is JSON null and an empty CSV field",
		CSV: "UTF-8 with a byte order mark, a header row, RFC 4180 quoting; booleans true/false; null is an empty field",
		Excluded: []string{"sessions", "otp_codes", "idempotency_keys", "login_failures", "schema_migrations", "write_probe",
			"the ticket text index (rebuilt on import)"},
		Secrets: opt.Secrets, Tables: []TableManifest{}}
	if !opt.Secrets {
		m.Excluded = append(m.Excluded, "settings secret.*", "columns named *_hash, *password*, *secret*, *token*, csrf")
	}

	opts := &sql.TxOptions{ReadOnly: true}
	if d.Engine == db.Postgres {
		opts.Isolation = sql.LevelRepeatableRead
	}
	// SQLite: a read transaction on the reader pool sees one snapshot of the
	// WAL from its first read to its end.
	tx, err := d.Reader(ctx).BeginTx(ctx, opts)
	if err != nil {
		return Manifest{}, fmt.Errorf("begin read: %w", err)
	}
	defer tx.Rollback()
	if err := tx.QueryRowContext(ctx, `SELECT COALESCE(MAX(version), 0) FROM schema_migrations`).Scan(&m.SchemaVersion); err != nil {
		return Manifest{}, fmt.Errorf("read schema version: %w", err)
	}
	tables, err := exportTables(ctx, tx, d.Engine)
	if err != nil {
		return Manifest{}, fmt.Errorf("list tables: %w", err)
	}
	if opt.Area != "" {
		if tables, err = areaTables(ctx, tx, d.Engine, tables, opt.Area, &m, opt.Progress); err != nil {
			return Manifest{}, err
		}
	}
	for _, t := range tables {
		tm, ok, err := exportTable(ctx, tx, d.Engine, dir, t, loc, opt)
		if err != nil {
			return Manifest{}, fmt.Errorf("export %s: %w", t.Name, err)
		}
		if ok {
			m.Tables = append(m.Tables, tm)
		}
	}
	b, err := json.MarshalIndent(m, "", "  ")
	if err != nil {
		return Manifest{}, err
	}
	if err := os.WriteFile(filepath.Join(dir, "manifest.json"), append(b, '\n'), 0o640); err != nil {
		return Manifest{}, err
	}
	return m, nil
}

// emptyDir makes sure dir is absent or an empty folder.
func emptyDir(dir string) error {
	if dir == "" {
		return errors.New("export: give a folder to write to")
	}
	entries, err := os.ReadDir(dir)
	if errors.Is(err, os.ErrNotExist) {
		return os.MkdirAll(dir, 0o750)
	}
	if err != nil {
		return fmt.Errorf("export: %w", err)
	}
	if len(entries) > 0 {
		return fmt.Errorf("export: %s is not empty; give a new or empty folder", dir)
	}
	return nil
}

// tableColumns reads a table's columns as the database has them now. ok is
// false when the table does not exist.
func tableColumns(ctx context.Context, tx *sql.Tx, engine, table string) (cols []*sql.ColumnType, ok bool, err error) {
	// A failed statement aborts a PostgreSQL transaction, so ask the catalogue
	// whether the table exists before selecting from it.
	q := `SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = $1`
	if engine == db.Postgres {
		q = `SELECT COUNT(*) FROM information_schema.tables WHERE table_schema = current_schema() AND table_name = $1`
	}
	var n int
	if err := tx.QueryRowContext(ctx, q, table).Scan(&n); err != nil {
		return nil, false, err
	}
	if n == 0 {
		return nil, false, nil
	}
	rows, err := tx.QueryContext(ctx, `SELECT * FROM `+table+` LIMIT 0`)
	if err != nil {
		return nil, false, err
	}
	defer rows.Close()
	cols, err = rows.ColumnTypes()
	return cols, true, err
}

// hashFile is a file being written with its SHA-256 and size.
type hashFile struct {
	f    *os.File
	h    hashWriter
	path string
}

type hashWriter struct {
	w     io.Writer
	sum   hash.Hash
	bytes int64
}

func (h *hashWriter) Write(p []byte) (int, error) {
	n, err := h.w.Write(p)
	h.bytes += int64(n)
	return n, err
}

func createHashed(dir, rel string) (*hashFile, error) {
	f, err := os.OpenFile(filepath.Join(dir, rel), os.O_CREATE|os.O_EXCL|os.O_WRONLY, 0o640)
	if err != nil {
		return nil, err
	}
	s := sha256.New()
	return &hashFile{f: f, path: filepath.ToSlash(rel), h: hashWriter{w: io.MultiWriter(f, s), sum: s}}, nil
}

func (hf *hashFile) close() (FileInfo, error) {
	if err := hf.f.Close(); err != nil {
		return FileInfo{}, err
	}
	return FileInfo{Path: hf.path, Bytes: hf.h.bytes, SHA256: hex.EncodeToString(hf.h.sum.Sum(nil))}, nil
}

// exportColumns are the columns of a table an export writes, and their kinds.
func exportColumns(table string, types []*sql.ColumnType, secrets bool) (TableManifest, []colKind) {
	tm := TableManifest{Name: table, Columns: []string{}, TimeColumns: []string{}, Files: map[string]FileInfo{}}
	var kinds []colKind
	for _, ct := range types {
		name := strings.ToLower(ct.Name())
		k := kindOf(name, ct.DatabaseTypeName())
		// A flag named secret (a secret ballot) is no secret.
		if skippedColumn(table, name) || secretColumn(name) && k != kBool && !secrets {
			continue // not even named in the manifest
		}
		tm.Columns = append(tm.Columns, name)
		switch k {
		case kTime:
			tm.TimeColumns = append(tm.TimeColumns, name)
		case kBytes:
			tm.BinaryColumns = append(tm.BinaryColumns, name)
		}
		kinds = append(kinds, k)
	}
	return tm, kinds
}

func exportTable(ctx context.Context, tx *sql.Tx, engine, dir string, t Table, loc *time.Location, opt ExportOptions) (TableManifest, bool, error) {
	progress := opt.Progress
	types, ok, err := tableColumns(ctx, tx, engine, t.Name)
	if err != nil || !ok {
		return TableManifest{}, ok, err
	}
	tm, kinds := exportColumns(t.Name, types, opt.Secrets)
	jf, err := createHashed(dir, "jsonl/"+t.Name+".jsonl")
	if err != nil {
		return tm, true, err
	}
	defer jf.f.Close()
	cf, err := createHashed(dir, "csv/"+t.Name+".csv")
	if err != nil {
		return tm, true, err
	}
	defer cf.f.Close()
	w := newRowWriter(&jf.h, &cf.h, tm.Columns, kinds, loc)
	if err := w.header(); err != nil {
		return tm, true, err
	}
	q := `SELECT ` + strings.Join(tm.Columns, ", ") + ` FROM ` + t.Name
	var conds []string
	if cond := secretRows(t.Name); cond != "" && !opt.Secrets {
		conds = append(conds, cond)
	}
	if t.Where != "" {
		conds = append(conds, t.Where)
	}
	if len(conds) > 0 {
		q += ` WHERE ` + strings.Join(conds, ` AND `)
	}
	if t.OrderBy != "" {
		q += ` ORDER BY ` + t.OrderBy
	}
	rows, err := tx.QueryContext(ctx, q)
	if err != nil {
		return tm, true, err
	}
	defer rows.Close()
	vals := make([]any, len(tm.Columns))
	ptrs := make([]any, len(vals))
	for i := range vals {
		ptrs[i] = &vals[i]
	}
	start, last := time.Now(), time.Now()
	for rows.Next() {
		if err := rows.Scan(ptrs...); err != nil {
			return tm, true, err
		}
		if err := w.row(vals); err != nil {
			return tm, true, err
		}
		tm.Rows++
		if progress != nil && tm.Rows%10000 == 0 && time.Since(last) > time.Second {
			last = time.Now()
			fmt.Fprintf(progress, "export: %s %d rows…\n", t.Name, tm.Rows)
		}
	}
	if err := rows.Err(); err != nil {
		return tm, true, err
	}
	if err := w.flush(); err != nil {
		return tm, true, err
	}
	for format, hf := range map[string]*hashFile{"jsonl": jf, "csv": cf} {
		fi, err := hf.close()
		if err != nil {
			return tm, true, err
		}
		tm.Files[format] = fi
	}
	if progress != nil {
		fmt.Fprintf(progress, "export: %-20s %8d rows  %s\n", t.Name, tm.Rows, time.Since(start).Round(time.Millisecond))
	}
	return tm, true, nil
}
