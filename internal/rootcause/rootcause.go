// Package rootcause keeps root-cause records (根源分析) on a monthly theme
// or a rectification task: the root cause (根源), the groups affected
// (相关群体), the main obstacles (主要障碍) and the responsible departments
// (责任部门, organisations that exist), who wrote it and when. Every edit is
// an event in the same transaction (root_cause_events, migration 0235).
//
// The package decides nothing about who may read or write a record: the
// capability that owns the subject does (themes for a theme, evaluation for
// a rectification task) and calls it only once it has.
package rootcause

import (
	"context"
	"database/sql"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/gongzhi/gongzhi/internal/auth"
	"github.com/gongzhi/gongzhi/internal/clock"
	"github.com/gongzhi/gongzhi/internal/db"
	"github.com/gongzhi/gongzhi/internal/errs"
	"github.com/gongzhi/gongzhi/internal/gov"
	"github.com/gongzhi/gongzhi/internal/plaintext"
)

// Kinds of subject.
const (
	KindTheme         = "theme"
	KindRectification = "rectification"
)

// Limits of a record.
const (
	MaxText        = 2000 // characters of each text
	MaxDepartments = 20
)

// Input is what a writer gives.
type Input struct {
	RootCause   string   `json:"root_cause"`
	Affected    string   `json:"affected"`
	Obstacles   string   `json:"obstacles"`
	Departments []string `json:"departments"`
}

// Record is a subject's record as it stands, or one of its versions.
type Record struct {
	Kind        string    `json:"kind"`
	Key         string    `json:"key"`
	RootCause   string    `json:"root_cause"`
	Affected    string    `json:"affected"`
	Obstacles   string    `json:"obstacles"`
	Departments []string  `json:"departments"`
	Version     int       `json:"version"`
	By          string    `json:"by"` // the account that wrote this version
	ByName      string    `json:"by_name"`
	At          time.Time `json:"at"`
}

// Store reads and writes the records.
type Store struct {
	db    *db.DB
	clock clock.Clock
}

// New returns the store.
func New(d *db.DB, c clock.Clock) *Store { return &Store{db: d, clock: c} }

// ThemeKey is the key of a monthly theme: its month and label, as a
// proposal keeps them.
func ThemeKey(month, label string) string { return month + "|" + label }

func (in *Input) check() error {
	for _, p := range []*string{&in.RootCause, &in.Affected, &in.Obstacles} {
		*p = strings.TrimSpace(*p)
		if err := plaintext.Check(*p); err != nil {
			return err
		}
		if utf8.RuneCountInString(*p) > MaxText {
			return errs.Invalidf("每项不能超过%d字", "each text may hold at most %d characters", MaxText)
		}
	}
	if in.RootCause == "" {
		return errs.Invalidf("请填写根源", "root_cause is required")
	}
	if len(in.Departments) > MaxDepartments {
		return errs.Invalidf("责任部门不能超过%d个", "at most %d responsible departments", MaxDepartments)
	}
	seen := map[string]bool{}
	var deps []string
	for _, d := range in.Departments {
		d = strings.TrimSpace(d)
		if d == "" || seen[d] {
			continue
		}
		if !gov.ValidCode(d) {
			return errs.Invalidf("责任部门代码格式不正确：%q", "malformed department code: %q", d)
		}
		seen[d] = true
		deps = append(deps, d)
	}
	in.Departments = deps
	return nil
}

// Save writes the record of (kind, key) as u: the caller has decided that
// u may. The departments must exist; the edit is an event.
func (s *Store) Save(ctx context.Context, u auth.User, kind, key string, in Input) (Record, error) {
	if err := in.check(); err != nil {
		return Record{}, err
	}
	now := s.clock.Now()
	deps := strings.Join(in.Departments, " ")
	err := s.db.Tx(ctx, func(tx *sql.Tx) error {
		for _, d := range in.Departments {
			if _, err := gov.OrgQ(ctx, tx, d); errs.Is(err, errs.NotFound) {
				return errs.Invalidf("责任部门 %s 不存在", "no organisation %s to be responsible", d)
			} else if err != nil {
				return err
			}
		}
		// One statement makes the record or its next version, so writers of
		// the same record at once (the first two too) take turns on its row.
		var v int
		err := tx.QueryRowContext(ctx, `INSERT INTO root_causes (subject_kind, subject_key, root_cause, affected, obstacles, departments, version,
created_by, created_at, updated_by, updated_at) VALUES ($1, $2, $3, $4, $5, $6, 1, $7, $8, $7, $8)
ON CONFLICT (subject_kind, subject_key) DO UPDATE SET root_cause = excluded.root_cause, affected = excluded.affected,
obstacles = excluded.obstacles, departments = excluded.departments, version = root_causes.version + 1,
updated_by = excluded.updated_by, updated_at = excluded.updated_at
RETURNING version`, kind, key, in.RootCause, in.Affected, in.Obstacles, deps, u.ID, db.Millis(now)).Scan(&v)
		if err != nil {
			return errs.Wrap(err, "save root cause")
		}
		_, err = tx.ExecContext(ctx, `INSERT INTO root_cause_events (subject_kind, subject_key, version, at, actor_id, actor_name,
root_cause, affected, obstacles, departments) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`,
			kind, key, v, db.Millis(now), u.ID, actorName(u), in.RootCause, in.Affected, in.Obstacles, deps)
		return errs.Wrap(err, "root cause event")
	})
	if err != nil {
		return Record{}, err
	}
	r, _, err := s.Get(ctx, kind, key)
	return r, err
}

func actorName(u auth.User) string {
	if u.Name != "" {
		return u.Name
	}
	return u.Username
}

// Get reads the record of (kind, key) as it stands; ok is false for none.
func (s *Store) Get(ctx context.Context, kind, key string) (Record, bool, error) {
	h, err := s.history(ctx, kind, key, 1)
	if err != nil || len(h) == 0 {
		return Record{}, false, err
	}
	return h[0], true, nil
}

// History is every version of the record of (kind, key), newest first.
func (s *Store) History(ctx context.Context, kind, key string) ([]Record, error) {
	return s.history(ctx, kind, key, 500)
}

func (s *Store) history(ctx context.Context, kind, key string, limit int) ([]Record, error) {
	rows, err := s.db.R.QueryContext(ctx, `SELECT version, at, actor_id, actor_name, root_cause, affected, obstacles, departments
FROM root_cause_events WHERE subject_kind = $1 AND subject_key = $2 ORDER BY version DESC LIMIT $3`, kind, key, limit)
	if err != nil {
		return nil, errs.Wrap(err, "read root cause")
	}
	defer rows.Close()
	out := []Record{}
	for rows.Next() {
		r := Record{Kind: kind, Key: key, Departments: []string{}}
		var at int64
		var deps string
		if err := rows.Scan(&r.Version, &at, &r.By, &r.ByName, &r.RootCause, &r.Affected, &r.Obstacles, &deps); err != nil {
			return nil, errs.Wrap(err, "read root cause")
		}
		r.At = time.UnixMilli(at).In(clock.BusinessZone())
		if deps != "" {
			r.Departments = strings.Fields(deps)
		}
		out = append(out, r)
	}
	return out, errs.Wrap(rows.Err(), "read root cause")
}
