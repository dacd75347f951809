package transfer_test

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/gongzhi/gongzhi/internal/auth"
	"github.com/gongzhi/gongzhi/internal/clock"
	"github.com/gongzhi/gongzhi/internal/db"
	"github.com/gongzhi/gongzhi/internal/db/dbtest"
	"github.com/gongzhi/gongzhi/internal/gov"
	"github.com/gongzhi/gongzhi/internal/ticket"
	"github.com/gongzhi/gongzhi/internal/transfer"
)

// moreRecords adds what the seed does not write: bytes in every value, a
// secret ballot's flag, a setting and a secret of the installation.
func moreRecords(t *testing.T, d *db.DB) {
	t.Helper()
	body := make([]byte, 512)
	for i := range body {
		body[i] = byte(i)
	}
	for _, q := range []struct {
		sql  string
		args []any
	}{
		{`INSERT INTO insight_models (version, kind, trained_at, samples, top1, top3, unit_top1, unit_top3, train_ms, body)
			VALUES (1, 'router', 1767225600000, 400, 0.8125, 0.9, 0.7, 0.85, 1234, $1)`, []any{body}},
		{`INSERT INTO votes (id, area_code, title, matter, secret, status, closes_at, created_by, created_at)
			VALUES ('V1', '110117001001', '电梯加装', 'major', TRUE, 'open', 1767225600000, 'u', 1767225600000)`, nil},
		{`INSERT INTO settings (key, value) VALUES ('evaluation.note', '{"a":"引号\"与换行\n"}')`, nil},
	} {
		if _, err := d.W.Exec(q.sql, q.args...); err != nil {
			t.Fatalf("%s: %v", q.sql, err)
		}
	}
	if _, err := d.Secret(context.Background(), "csrf", 32); err != nil {
		t.Fatal(err)
	}
}

// TestExportImportRoundTrip exports a district, imports the export into an
// empty installation of each engine and exports that again: every table's
// file is the same, byte for byte, so every record came through.
func TestExportImportRoundTrip(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, src *db.DB) {
		ctx := context.Background()
		seeded(t, src)
		moreRecords(t, src)
		first := filepath.Join(t.TempDir(), "first")
		m, err := transfer.Export(ctx, src, first, transfer.ExportOptions{Version: "test", Secrets: true})
		if err != nil {
			t.Fatal(err)
		}
		for _, engine := range dbtest.Engines() {
			t.Run("into "+engine, func(t *testing.T) {
				dst := dbtest.Open(t, engine)
				var progress bytes.Buffer
				st, err := transfer.Load(ctx, dst, first, transfer.LoadOptions{Progress: &progress})
				if err != nil {
					t.Fatalf("load: %v\n%s", err, progress.String())
				}
				if st.Tables != len(m.Tables) || len(st.Voided) != 0 {
					t.Fatalf("loaded %d tables of %d, voided %v", st.Tables, len(m.Tables), st.Voided)
				}
				second := filepath.Join(t.TempDir(), "second")
				m2, err := transfer.Export(ctx, dst, second, transfer.ExportOptions{Version: "test", Secrets: true})
				if err != nil {
					t.Fatal(err)
				}
				sameTables(t, m, m2, first, second)
				loadedWorks(t, dst)
				// The database now holds accounts: a second import is refused
				// and changes nothing.
				if _, err := transfer.Load(ctx, dst, first, transfer.LoadOptions{}); !errors.Is(err, transfer.ErrNotEmpty) {
					t.Fatalf("second import: %v", err)
				}
			})
		}
	})
}

// sameTables compares two exports table by table.
func sameTables(t *testing.T, a, b transfer.Manifest, dirA, dirB string) {
	t.Helper()
	if len(a.Tables) != len(b.Tables) {
		t.Fatalf("%d tables exported, %d after the import", len(a.Tables), len(b.Tables))
	}
	var rows int64
	for i, ta := range a.Tables {
		tb := b.Tables[i]
		if ta.Name != tb.Name || ta.Rows != tb.Rows || strings.Join(ta.Columns, ",") != strings.Join(tb.Columns, ",") {
			t.Fatalf("table %d: %s %d rows %v, after the import %s %d rows %v", i, ta.Name, ta.Rows, ta.Columns, tb.Name, tb.Rows, tb.Columns)
		}
		fa := mustRead(t, filepath.Join(dirA, ta.Files["jsonl"].Path))
		fb := mustRead(t, filepath.Join(dirB, tb.Files["jsonl"].Path))
		if !bytes.Equal(fa, fb) {
			t.Errorf("%s differs after the import:\n%.400s\n%.400s", ta.Name, firstDiff(fa, fb), firstDiff(fb, fa))
		}
		rows += ta.Rows
	}
	if rows < 1000 {
		t.Fatalf("only %d rows went round: the test data is too thin", rows)
	}
}

func firstDiff(a, b []byte) []byte {
	la, lb := bytes.Split(a, []byte("\n")), bytes.Split(b, []byte("\n"))
	for i := range la {
		if i >= len(lb) || !bytes.Equal(la[i], lb[i]) {
			return la[i]
		}
	}
	return nil
}

// loadedWorks checks the imported installation is usable: its text index
// rebuilds, an imported password is right (the second factor is asked next), the next ticket number follows
// the imported ones.
func loadedWorks(t *testing.T, d *db.DB) {
	t.Helper()
	ctx := context.Background()
	c := clock.System{}
	tickets := ticket.NewService(d, c, gov.NewService(d, c), slog.New(slog.DiscardHandler))
	for {
		_, done, err := tickets.IndexText(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if done {
			break
		}
	}
	var n int
	if err := d.R.QueryRow(`SELECT COUNT(*) FROM tickets`).Scan(&n); err != nil || n < 400 {
		t.Fatalf("tickets: %d %v", n, err)
	}
	a := auth.NewService(d, c, gov.NewService(d, c), nil, auth.Options{BcryptCost: 4})
	if _, err := a.Login(ctx, "export-admin", "export-secret-pass", auth.KindAPI); err != nil && !strings.Contains(err.Error(), "authenticator") {
		t.Fatalf("an imported account cannot log in: %v", err)
	}
}

// TestImportWithoutSecrets imports an export made without secrets: the
// accounts come without passwords, API keys and webhooks come voided, and
// the flag of a secret ballot (no secret itself) comes through.
func TestImportWithoutSecrets(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, src *db.DB) {
		ctx := context.Background()
		seeded(t, src)
		moreRecords(t, src)
		dir := filepath.Join(t.TempDir(), "plain")
		if _, err := transfer.Export(ctx, src, dir, transfer.ExportOptions{}); err != nil {
			t.Fatal(err)
		}
		dst := dbtest.Open(t, src.Engine)
		st, err := transfer.Load(ctx, dst, dir, transfer.LoadOptions{})
		if err != nil {
			t.Fatal(err)
		}
		if st.Voided["api_keys"] != 1 {
			t.Fatalf("voided: %v", st.Voided)
		}
		var secret bool
		var hashes, keys int
		dst.R.QueryRow(`SELECT secret FROM votes WHERE id = 'V1'`).Scan(&secret)
		dst.R.QueryRow(`SELECT COUNT(*) FROM users WHERE password_hash <> ''`).Scan(&hashes)
		dst.R.QueryRow(`SELECT COUNT(*) FROM settings WHERE key LIKE 'secret.%'`).Scan(&keys)
		if !secret || hashes != 0 || keys != 0 {
			t.Fatalf("secret ballot %v, password hashes %d, installation secrets %d", secret, hashes, keys)
		}
	})
}

// TestImportRefusesTamperedFiles: a file that is not the one the manifest
// describes stops the import before anything is written.
func TestImportRefusesTamperedFiles(t *testing.T) {
	ctx := context.Background()
	src := dbtest.Open(t, db.SQLite)
	seeded(t, src)
	dir := filepath.Join(t.TempDir(), "x")
	if _, err := transfer.Export(ctx, src, dir, transfer.ExportOptions{}); err != nil {
		t.Fatal(err)
	}
	f := filepath.Join(dir, "jsonl", "tickets.jsonl")
	b := mustRead(t, f)
	os.WriteFile(f, bytes.Replace(b, []byte("1"), []byte("2"), 1), 0o640)
	dst := dbtest.Open(t, db.SQLite)
	if _, err := transfer.Load(ctx, dst, dir, transfer.LoadOptions{}); err == nil || !strings.Contains(err.Error(), "SHA-256") {
		t.Fatalf("tampered file: %v", err)
	}
	var n int
	dst.R.QueryRow(`SELECT COUNT(*) FROM categories`).Scan(&n)
	if n == 0 {
		t.Fatal("a refused import cleared the catalogue")
	}
}
