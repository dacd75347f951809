package disclosure

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"sort"

	"github.com/gongzhi/gongzhi/internal/db"
	"github.com/gongzhi/gongzhi/internal/errs"
)

// The default level of each kind of item: what an item gets when whoever
// makes it names no level. BuiltinDefaults are the platform's; a district
// may keep its own (a rule set's disclosure defaults, applied by the
// ruleset capability), stored under the settings key "disclosure_defaults".

// BuiltinDefaults are the default levels before the district sets any.
var BuiltinDefaults = map[string]Level{
	"proposal": Residents, "topic": Residents, "announcement": Public, "village_affairs": Public,
	"finance": Public, "project": Public, "meeting": Residents, "survey": Residents, "election": Residents,
}

const defaultsKey = "disclosure_defaults"

// DefaultKinds lists the kinds that have a default level, sorted.
func DefaultKinds() []string {
	out := make([]string, 0, len(BuiltinDefaults))
	for k := range BuiltinDefaults {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// Defaults returns the default level of every kind: the district's where it
// set one, the builtin otherwise.
func Defaults(ctx context.Context, q db.Queryer) (map[string]Level, error) {
	out := make(map[string]Level, len(BuiltinDefaults))
	for k, v := range BuiltinDefaults {
		out[k] = v
	}
	var v string
	err := q.QueryRowContext(ctx, `SELECT value FROM settings WHERE key = $1`, defaultsKey).Scan(&v)
	if errors.Is(err, sql.ErrNoRows) {
		return out, nil
	}
	if err != nil {
		return out, errs.Wrap(err, "disclosure defaults")
	}
	var stored map[string]Level
	if err := json.Unmarshal([]byte(v), &stored); err != nil {
		return out, errs.Wrap(err, "disclosure defaults")
	}
	for k, l := range stored {
		if _, ok := BuiltinDefaults[k]; ok && l.Valid() {
			out[k] = l
		}
	}
	return out, nil
}

// DefaultFor is the default level of a kind; fallback when the kind has
// none or the settings cannot be read.
func DefaultFor(ctx context.Context, q db.Queryer, kind string, fallback Level) Level {
	m, err := Defaults(ctx, q)
	if l, ok := m[kind]; err == nil && ok {
		return l
	}
	return fallback
}

// SaveDefaults stores the district's default levels of the kinds given
// (others keep theirs), in tx.
func SaveDefaults(ctx context.Context, tx *sql.Tx, m map[string]Level) error {
	cur, err := Defaults(ctx, tx)
	if err != nil {
		return err
	}
	for k, l := range m {
		if _, ok := BuiltinDefaults[k]; !ok {
			return errs.Invalidf("没有这类事项：%q", "no such kind of item: %q", k)
		}
		if !l.Valid() {
			return errs.Invalidf("公开范围须为 public、residents、members 或 internal", "visibility must be public, residents, members or internal")
		}
		cur[k] = l
	}
	b, err := json.Marshal(cur)
	if err != nil {
		return errs.Wrap(err, "disclosure defaults")
	}
	_, err = tx.ExecContext(ctx, `INSERT INTO settings (key, value) VALUES ($1, $2)
ON CONFLICT (key) DO UPDATE SET value = excluded.value`, defaultsKey, string(b))
	return errs.Wrap(err, "disclosure defaults")
}

// Fill sets an empty level to the district's default for the kind
// (fallback when it cannot be read); a level given is kept.
func Fill(ctx context.Context, q db.Queryer, l *Level, kind string, fallback Level) {
	if *l == "" {
		*l = DefaultFor(ctx, q, kind, fallback)
	}
}
