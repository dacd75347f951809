package app

// practice.go is practice mode: an account that switched it on (the
// practice capability) is served, request by request, by a sandbox — a
// second gongzhi on a SQLite database of its own under <data>/practice/,
// built once when first needed and seeded from the real database with the
// reference tables (areas, units, categories, the dispatch rules, the time
// limits, the calendar, the settings) and the practising account with her
// session. Whatever she files or dispatches there stays there: it reaches
// no unit, no webhook, no 12345 platform and no indicator of the real
// database. The switch itself, logging out and the static files are always
// served by the real server.

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"fmt"
	"net/http"
	"path/filepath"
	"strings"
	"sync"

	"github.com/gongzhi/gongzhi/internal/auth"
	"github.com/gongzhi/gongzhi/internal/db"
	"github.com/gongzhi/gongzhi/internal/errs"
	"github.com/gongzhi/gongzhi/internal/practice"
)

// practiceState is the practice mode's part of an App.
type practiceState struct {
	// Practice keeps who practises; nil in the sandbox itself.
	Practice *practice.Service

	sandboxMu sync.Mutex
	sandbox   *App // built on first use
	inSandbox bool
	entered   sync.Map // hashes of the sessions copied into the sandbox
}

type sandboxKey struct{}

// practiceNode is the node id the sandbox numbers its tickets with, so a
// practice ticket's number is never one the real server hands out.
const practiceNode = 9

// wirePractice gives the real server its practice capability; the sandbox
// has none (its switch is the real server's).
func wirePractice(ctx context.Context, a *App) {
	if ctx.Value(sandboxKey{}) != nil {
		a.inSandbox = true
		a.Tickets.SetNode(practiceNode)
		return
	}
	a.Practice = practice.NewService(a.DB, a.Clock)
}

// practiceTables are the reference tables the sandbox is seeded with, in
// an order that keeps their references whole.
var practiceTables = []struct{ name, order string }{
	{"settings", ""},
	{"areas", "ORDER BY LENGTH(code), code"},
	{"area_boundaries", ""},
	{"orgs", "ORDER BY LENGTH(parent_code), code"},
	{"users", "WHERE role = 'admin'"}, // the sandbox's own start finds its administrator
	{"categories", "ORDER BY LENGTH(parent_code), code"},
	{"category_attributes", ""},
	{"dispatch_rules", ""},
	{"time_limits", ""},
	{"calendar_days", ""},
	{"category_national", ""},
	{"category_national_classes", ""},
	{"grid_unit_codes", ""},
	{"agreements", ""},
	{"agreement_duties", ""},
}

// Sandbox is the practice sandbox, built and seeded on first use.
func (a *App) Sandbox(ctx context.Context) (*App, error) {
	a.sandboxMu.Lock()
	defer a.sandboxMu.Unlock()
	if a.sandbox != nil {
		return a.sandbox, nil
	}
	cfg := a.Config
	cfg.DataDir = filepath.Join(a.Config.DataDir, "practice")
	cfg.DB, cfg.DBRead, cfg.Demo, cfg.NoWorker = "", "", false, true
	d, err := openDB(ctx, cfg, a.Log)
	if err != nil {
		return nil, fmt.Errorf("practice sandbox: %w", err)
	}
	if err := d.Migrate(ctx); err != nil {
		d.Close()
		return nil, fmt.Errorf("practice sandbox: migrate: %w", err)
	}
	for _, t := range practiceTables {
		if err := copyRows(ctx, a.DB, d, t.name, t.order); err != nil {
			d.Close()
			return nil, fmt.Errorf("practice sandbox: %w", err)
		}
	}
	sb, err := build(context.WithValue(ctx, sandboxKey{}, true), cfg, a.Log.With("practice", true), d)
	if err != nil {
		d.Close()
		return nil, fmt.Errorf("practice sandbox: %w", err)
	}
	a.sandbox = sb
	return sb, nil
}

// closeSandbox releases the sandbox's database, if it was built.
func (a *App) closeSandbox() {
	a.sandboxMu.Lock()
	defer a.sandboxMu.Unlock()
	if a.sandbox != nil {
		a.sandbox.Close()
		a.sandbox = nil
		a.entered.Clear()
	}
}

// copyRows copies the rows of table (those matching where, when given)
// from the real database to the sandbox's, keeping rows already there.
func copyRows(ctx context.Context, from, to *db.DB, table, rest string, args ...any) error {
	rows, err := from.W.QueryContext(ctx, `SELECT * FROM `+table+` `+rest, args...)
	if err != nil {
		return errs.Wrap(err, "read "+table)
	}
	defer rows.Close()
	cols, err := rows.Columns()
	if err != nil {
		return errs.Wrap(err, "read "+table)
	}
	marks := make([]string, len(cols))
	for i := range marks {
		marks[i] = fmt.Sprintf("$%d", i+1)
	}
	q := `INSERT INTO ` + table + ` (` + strings.Join(cols, ", ") + `) VALUES (` + strings.Join(marks, ", ") + `) ON CONFLICT DO NOTHING`
	var all [][]any
	for rows.Next() {
		v := make([]any, len(cols))
		p := make([]any, len(cols))
		for i := range v {
			p[i] = &v[i]
		}
		if err := rows.Scan(p...); err != nil {
			return errs.Wrap(err, "read "+table)
		}
		all = append(all, v)
	}
	if err := rows.Err(); err != nil {
		return errs.Wrap(err, "read "+table)
	}
	if len(all) == 0 {
		return nil
	}
	return to.Tx(ctx, func(tx *sql.Tx) error {
		for _, v := range all {
			if _, err := tx.ExecContext(ctx, q, v...); err != nil {
				return errs.Wrap(err, "seed "+table)
			}
		}
		return nil
	})
}

// enter copies the practising account and her session into the sandbox,
// when they are not there yet.
func enter(ctx context.Context, main, sb *App, userID, token string) error {
	h := sha256.Sum256([]byte(token))
	hash := hex.EncodeToString(h[:])
	if _, ok := main.entered.Load(hash); ok {
		return nil
	}
	if err := copyRows(ctx, main.DB, sb.DB, "users", `WHERE id = $1`, userID); err != nil {
		return err
	}
	if err := copyRows(ctx, main.DB, sb.DB, "memberships", `WHERE user_id = $1`, userID); err != nil {
		return err
	}
	if err := copyRows(ctx, main.DB, sb.DB, "sessions", `WHERE token_hash = $1`, hash); err != nil {
		return err
	}
	main.entered.Store(hash, true)
	return nil
}

// alwaysReal reports whether the request is served by the real server even
// while its caller practises: the switch, logging out, static files.
func alwaysReal(r *http.Request) bool {
	p := r.URL.Path
	return p == "/api/v1/practice" || p == "/staff/practice" || p == "/logout" ||
		strings.HasPrefix(p, "/static/") || p == "/healthz" || p == "/readyz" || p == "/metrics"
}

// callerToken is the request's session token and its kind: the bearer
// token of the API, or the browser's session cookie.
func callerToken(r *http.Request) (string, string) {
	if t, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer "); ok {
		return strings.TrimSpace(t), auth.KindAPI
	}
	if c, err := r.Cookie("gz_session"); err == nil {
		return c.Value, auth.KindWeb
	}
	return "", ""
}

// routePractice sends the requests of a practising caller to the sandbox.
func routePractice(a *App, next http.Handler) http.Handler {
	if a.Practice == nil {
		return next
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		token, kind := callerToken(r)
		if token == "" || alwaysReal(r) {
			next.ServeHTTP(w, r)
			return
		}
		if anyone, err := a.Practice.Anyone(r.Context()); err != nil || !anyone {
			next.ServeHTTP(w, r) // nobody practises: no look-up of the session here
			return
		}
		sess, err := a.Auth.Authenticate(r.Context(), token, kind)
		if err != nil {
			next.ServeHTTP(w, r) // the real server answers as it would
			return
		}
		on, err := a.Practice.IsOn(r.Context(), sess.User.ID)
		if err != nil || !on {
			next.ServeHTTP(w, r)
			return
		}
		// The sandbox is built for the server, not for this request: a
		// caller who goes away does not leave it half made.
		sb, err := a.Sandbox(context.WithoutCancel(r.Context()))
		if err == nil {
			err = enter(r.Context(), a, sb, sess.User.ID, token)
		}
		if err != nil {
			a.Log.Error("practice sandbox", "err", err)
			http.Error(w, "practice sandbox unavailable", http.StatusServiceUnavailable)
			return
		}
		sb.Handler.ServeHTTP(w, r)
	})
}
