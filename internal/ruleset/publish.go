package ruleset

import (
	"context"
	"database/sql"
	"strings"
	"time"

	"github.com/gongzhi/gongzhi/internal/auth"
	"github.com/gongzhi/gongzhi/internal/clock"
	"github.com/gongzhi/gongzhi/internal/errs"
)

// PublishInput is a new version of an area's rule set for the levels
// below. With FromLive the entries are read from the live settings, every
// one overridable except those named in Locked ("section/key").
type PublishInput struct {
	AreaCode string   `json:"area_code"` // "" is the installation's area
	Note     string   `json:"note"`
	Entries  []Entry  `json:"entries"`
	FromLive bool     `json:"from_live"`
	Locked   []string `json:"locked"`
}

// Publish stores the next version of the area's rule set and logs it.
func (s *Service) Publish(ctx context.Context, u auth.User, in PublishInput) (Version, error) {
	if !CanChange(u) {
		return Version{}, errs.ErrForbidden
	}
	a, err := s.area(ctx, in.AreaCode)
	if err != nil {
		return Version{}, err
	}
	if err := checkText(in.Note, MaxNote); err != nil {
		return Version{}, err
	}
	entries := in.Entries
	if in.FromLive {
		if len(entries) > 0 {
			return Version{}, errs.Invalidf("给出规则或从现行设置读取，二者选一", "give the entries or read them from the live settings, not both")
		}
		if entries, err = s.Live(ctx); err != nil {
			return Version{}, err
		}
		locked := map[string]bool{}
		for _, l := range in.Locked {
			locked[strings.TrimSpace(l)] = true
		}
		for i := range entries {
			entries[i].Overridable = !locked[entries[i].ID()]
		}
	}
	if len(entries) == 0 {
		return Version{}, errs.Invalidf("规则集不能为空", "a rule set needs at least one entry")
	}
	if err := CheckEntries(entries); err != nil {
		return Version{}, err
	}
	now := s.clock.Now()
	var out Version
	err = s.db.Tx(ctx, func(tx *sql.Tx) error {
		if err := noImported(ctx, tx, a.Code); err != nil {
			return err
		}
		var last int
		if err := tx.QueryRowContext(ctx, `SELECT COALESCE(MAX(version), 0) FROM rule_sets WHERE area_code = $1`, a.Code).Scan(&last); err != nil {
			return errs.Wrap(err, "rule sets")
		}
		b, d, err := Encode(Document{AreaCode: a.Code, AreaName: a.Name, Version: last + 1,
			PublishedAt: now.In(clock.BusinessZone()).Format("2006-01-02T15:04:05Z07:00"), Note: strings.TrimSpace(in.Note), Entries: entries})
		if err != nil {
			return err
		}
		if err := insertSet(ctx, tx, d, b, SourceLocal, u.ID, now); err != nil {
			return err
		}
		out = versionOf(d, SourceLocal)
		return s.event(ctx, tx, u, now, a.Code, "publish", map[string]any{"version": d.Version, "checksum": d.Checksum, "entries": len(d.Entries), "note": d.Note})
	})
	return out, err
}

func noImported(ctx context.Context, tx *sql.Tx, area string) error {
	var n int
	if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM rule_sets WHERE area_code = $1 AND source = $2`, area, SourceImport).Scan(&n); err != nil {
		return errs.Wrap(err, "rule sets")
	}
	if n > 0 {
		return errs.New(errs.Conflict, "该区划的规则集由上级文件导入，不能在本系统发布", "this area's rule set is imported from its own file and cannot be published here")
	}
	return nil
}

func insertSet(ctx context.Context, tx *sql.Tx, d Document, b []byte, source, by string, now time.Time) error {
	_, err := tx.ExecContext(ctx, `INSERT INTO rule_sets (area_code, version, published_at, publisher, source, document, checksum, stored_at)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`, d.AreaCode, d.Version, now.UnixMilli(), by, source, string(b), d.Checksum, now.UnixMilli())
	return errs.Wrap(err, "store rule set")
}

// Import stores a version read from the upper level's file. The same file
// again changes nothing; another file of a version already held, or of an
// area that publishes here, is a conflict; a bad file is refused before
// anything is written.
func (s *Service) Import(ctx context.Context, u auth.User, file []byte) (Version, error) {
	if !CanChange(u) {
		return Version{}, errs.ErrForbidden
	}
	d, err := Decode(file)
	if err != nil {
		return Version{}, err
	}
	b, d, err := Encode(d)
	if err != nil {
		return Version{}, err
	}
	now := s.clock.Now()
	var out Version
	err = s.db.Tx(ctx, func(tx *sql.Tx) error {
		held, source, err := s.stored(ctx, tx, d.AreaCode, d.Version)
		if err == nil {
			if string(held) == string(b) {
				out = versionOf(d, source)
				return nil
			}
			return errs.New(errs.Conflict, "已有同一版本号但内容不同的规则集", "a different rule set of the same version is already held")
		}
		if !errs.Is(err, errs.NotFound) {
			return err
		}
		var local int
		if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM rule_sets WHERE area_code = $1 AND source = $2`, d.AreaCode, SourceLocal).Scan(&local); err != nil {
			return errs.Wrap(err, "rule sets")
		}
		if local > 0 {
			return errs.New(errs.Conflict, "该区划的规则集在本系统发布，不能导入", "this area's rule set is published here and cannot be imported")
		}
		if err := insertSet(ctx, tx, d, b, SourceImport, u.ID, now); err != nil {
			return err
		}
		out = versionOf(d, SourceImport)
		return s.event(ctx, tx, u, now, d.AreaCode, "import", map[string]any{"version": d.Version, "checksum": d.Checksum, "entries": len(d.Entries)})
	})
	return out, err
}
