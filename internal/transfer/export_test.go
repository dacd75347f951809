package transfer_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/csv"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/gongzhi/gongzhi/internal/auth"
	"github.com/gongzhi/gongzhi/internal/db"
	"github.com/gongzhi/gongzhi/internal/db/dbtest"
	"github.com/gongzhi/gongzhi/internal/seed"
	"github.com/gongzhi/gongzhi/internal/transfer"
)

// seeded fills d with the demo district, tickets with their events, a
// session and an API key, so that every kind of secret is there to leak.
func seeded(t *testing.T, d *db.DB) {
	t.Helper()
	ctx := context.Background()
	log := slog.New(slog.DiscardHandler)
	if _, err := seed.Run(ctx, d, seed.Options{Tickets: 400, Seed: 7, Months: 2, BcryptCost: 4, Log: log}); err != nil {
		t.Fatalf("seed: %v", err)
	}
	svc := seed.NewServices(d, log, 4)
	square := `{"type":"FeatureCollection","features":[{"type":"Feature","properties":{"adcode":110117,"name":"平谷区"},
		"geometry":{"type":"Polygon","coordinates":[[[117.0,40.0],[117.3,40.0],[117.3,40.3],[117.0,40.3],[117.0,40.0]]]}}]}`
	if _, err := svc.Gov.ImportBoundaries(ctx, strings.NewReader(square), "square.json"); err != nil {
		t.Fatalf("boundary: %v", err)
	}
	admin, err := svc.Auth.CreateUser(ctx, auth.System(), auth.NewUser{Username: "export-admin", Password: "export-secret-pass", Role: auth.RoleAdmin, Name: "导出管理员"})
	if err != nil {
		t.Fatalf("create admin: %v", err)
	}
	var dispatcher string
	d.R.QueryRow(`SELECT id FROM users WHERE username = 'demo-dispatcher'`).Scan(&dispatcher)
	if _, _, err := svc.Auth.CreateAPIKey(ctx, admin, "部门系统", dispatcher); err != nil {
		t.Fatalf("api key: %v", err)
	}
	if _, err := svc.Auth.Login(ctx, "export-admin", "export-secret-pass", auth.KindAPI); err != nil {
		t.Fatalf("login: %v", err)
	}
	// A second factor enrolled, and another one being enrolled.
	if _, err := svc.Auth.BeginTOTP(ctx, admin); err != nil {
		t.Fatalf("totp: %v", err)
	}
	if _, err := d.W.ExecContext(ctx, `UPDATE users SET totp_secret = totp_pending_secret WHERE id = $1`, admin.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := svc.Auth.BeginTOTP(ctx, admin); err != nil {
		t.Fatalf("totp: %v", err)
	}
	// A key of the installation's own.
	if _, err := d.Secret(ctx, "export-test", 32); err != nil {
		t.Fatal(err)
	}
}

func TestExportRoundTrip(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		seeded(t, d)
		dir := filepath.Join(t.TempDir(), "out")
		var progress bytes.Buffer
		m, err := transfer.Export(ctx, d, dir, transfer.ExportOptions{Version: "test", Progress: &progress})
		if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(progress.String(), "tickets") {
			t.Fatalf("no progress: %q", progress.String())
		}
		var schema int64
		d.R.QueryRow(`SELECT MAX(version) FROM schema_migrations`).Scan(&schema)
		if m.SchemaVersion != schema || m.Engine != d.Engine || m.GongzhiVersion != "test" || m.TimeZone != "Asia/Shanghai" {
			t.Fatalf("manifest head: %+v", m)
		}
		// The manifest on disk is the one returned.
		var onDisk transfer.Manifest
		raw, _ := os.ReadFile(filepath.Join(dir, "manifest.json"))
		if err := json.Unmarshal(raw, &onDisk); err != nil || len(onDisk.Tables) != len(m.Tables) {
			t.Fatalf("manifest.json: %v", err)
		}
		want := map[string]bool{"areas": true, "orgs": true, "memberships": true, "categories": true, "time_limits": true, "dispatch_rules": true,
			"users": true, "tickets": true, "ticket_events": true, "ticket_helpers": true, "ticket_summons": true, "notifications": true,
			"attachments": true, "kb_articles": true, "audit_log": true, "api_keys": true, "area_boundaries": true}
		secrets := secretValues(t, d)
		for _, tm := range m.Tables {
			delete(want, tm.Name)
			for _, bad := range []string{"sessions", "otp_codes", "idempotency_keys", "login_failures"} {
				if tm.Name == bad {
					t.Fatalf("%s exported", bad)
				}
			}
			var n int64
			count := `SELECT COUNT(*) FROM ` + tm.Name
			if tm.Name == "settings" {
				count += ` WHERE key NOT LIKE 'secret.%'`
			}
			if err := d.R.QueryRow(count).Scan(&n); err != nil {
				t.Fatal(err)
			}
			if n != tm.Rows {
				t.Errorf("%s: %d rows in the manifest, %d in the database", tm.Name, tm.Rows, n)
			}
			for _, c := range tm.Columns {
				flag := c == "must_change_password" || tm.Name == "votes" && c == "secret"
				if !flag && (strings.HasSuffix(c, "_hash") || strings.Contains(c, "password") || strings.Contains(c, "secret")) {
					t.Fatalf("%s exports secret column %s", tm.Name, c)
				}
			}
			jsonl := checkFile(t, dir, tm.Files["jsonl"])
			csvData := checkFile(t, dir, tm.Files["csv"])
			for _, s := range secrets {
				if bytes.Contains(jsonl, []byte(s)) || bytes.Contains(csvData, []byte(s)) {
					t.Fatalf("%s holds a secret value %.12s…", tm.Name, s)
				}
			}
			for _, s := range []string{"password_hash", "key_hash", "token_hash", "code_hash", "export-secret-pass"} {
				if bytes.Contains(jsonl, []byte(s)) || bytes.Contains(csvData, []byte(s)) {
					t.Fatalf("%s mentions %s", tm.Name, s)
				}
			}
			compareFormats(t, tm, jsonl, csvData)
		}
		if len(want) > 0 {
			t.Fatalf("tables missing from the export: %v", want)
		}
		if bytes.Contains(raw, []byte("password_hash")) || bytes.Contains(raw, []byte("key_hash")) {
			t.Fatal("the manifest names a secret column")
		}
		// Times are RFC 3339 in Asia/Shanghai.
		line, _, _ := bytes.Cut(mustRead(t, filepath.Join(dir, "jsonl", "tickets.jsonl")), []byte("\n"))
		var tk map[string]any
		if err := json.Unmarshal(line, &tk); err != nil {
			t.Fatal(err)
		}
		at, err := time.Parse(time.RFC3339, tk["created_at"].(string))
		if err != nil || !strings.HasSuffix(tk["created_at"].(string), "+08:00") {
			t.Fatalf("created_at %v: %v", tk["created_at"], err)
		}
		var ms int64
		d.R.QueryRow(`SELECT created_at FROM tickets WHERE number = $1`, tk["number"]).Scan(&ms)
		if at.UnixMilli() != ms {
			t.Fatalf("created_at %v is not %d", at, ms)
		}
		// A folder with something in it is refused.
		if _, err := transfer.Export(ctx, d, dir, transfer.ExportOptions{}); err == nil || !strings.Contains(err.Error(), "not empty") {
			t.Fatalf("non-empty folder: %v", err)
		}
	})
}

// secretValues are the stored secrets: password, key and session hashes.
func secretValues(t *testing.T, d *db.DB) []string {
	var out []string
	for _, q := range []string{`SELECT password_hash FROM users WHERE password_hash <> ''`, `SELECT key_hash FROM api_keys`, `SELECT token_hash FROM sessions`,
		`SELECT totp_secret FROM users WHERE totp_secret <> ''`, `SELECT value FROM settings WHERE key LIKE 'secret.%'`, `SELECT totp_pending_secret FROM users WHERE totp_pending_secret <> ''`} {
		rows, err := d.R.Query(q)
		if err != nil {
			t.Fatal(err)
		}
		for rows.Next() {
			var s string
			rows.Scan(&s)
			out = append(out, s)
		}
		rows.Close()
	}
	if len(out) < 2 {
		t.Fatalf("expected stored secrets to look for, found %d", len(out))
	}
	return out
}

func mustRead(t *testing.T, path string) []byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func checkFile(t *testing.T, dir string, fi transfer.FileInfo) []byte {
	t.Helper()
	b := mustRead(t, filepath.Join(dir, filepath.FromSlash(fi.Path)))
	sum := sha256.Sum256(b)
	if hex.EncodeToString(sum[:]) != fi.SHA256 || int64(len(b)) != fi.Bytes {
		t.Fatalf("%s: sha256 or size differs from the manifest", fi.Path)
	}
	return b
}

// compareFormats parses both files of a table and checks they hold the same rows.
func compareFormats(t *testing.T, tm transfer.TableManifest, jsonl, csvData []byte) {
	t.Helper()
	if !bytes.HasPrefix(csvData, []byte("\uFEFF")) {
		t.Fatalf("%s.csv has no byte order mark", tm.Name)
	}
	recs, err := csv.NewReader(bytes.NewReader(csvData[3:])).ReadAll()
	if err != nil {
		t.Fatalf("%s.csv: %v", tm.Name, err)
	}
	if strings.Join(recs[0], ",") != strings.Join(tm.Columns, ",") {
		t.Fatalf("%s.csv header %v, manifest %v", tm.Name, recs[0], tm.Columns)
	}
	lines := bytes.Split(bytes.TrimSuffix(jsonl, []byte("\n")), []byte("\n"))
	if len(jsonl) == 0 {
		lines = nil
	}
	if int64(len(recs)-1) != tm.Rows || int64(len(lines)) != tm.Rows {
		t.Fatalf("%s: %d csv rows, %d jsonl lines, manifest %d", tm.Name, len(recs)-1, len(lines), tm.Rows)
	}
	for i, line := range lines {
		dec := json.NewDecoder(bytes.NewReader(line))
		dec.UseNumber()
		var obj map[string]any
		if err := dec.Decode(&obj); err != nil {
			t.Fatalf("%s.jsonl line %d: %v", tm.Name, i+1, err)
		}
		if len(obj) != len(tm.Columns) {
			t.Fatalf("%s.jsonl line %d has %d keys", tm.Name, i+1, len(obj))
		}
		for j, c := range tm.Columns {
			got, want := recs[i+1][j], ""
			switch v := obj[c].(type) {
			case nil:
			case string:
				want = v
			case bool:
				want = strconv.FormatBool(v)
			case json.Number:
				f1, _ := v.Float64()
				f2, err := strconv.ParseFloat(got, 64)
				if err != nil || f1 != f2 {
					t.Fatalf("%s row %d %s: csv %q, jsonl %v", tm.Name, i+1, c, got, v)
				}
				continue
			default:
				want = fmt.Sprint(v)
			}
			if got != want {
				t.Fatalf("%s row %d %s: csv %q, jsonl %q", tm.Name, i+1, c, got, want)
			}
		}
	}
}
