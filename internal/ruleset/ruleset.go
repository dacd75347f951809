// Package ruleset keeps the rules shared across levels (规则分级共享): a
// level (a city, a district) publishes numbered versions of a rule set —
// categories, time limits, evaluation weights, dispatch-catalogue templates,
// disclosure defaults — and the levels below inherit the nearest upper
// level's latest version, overriding only the entries it left overridable,
// each override with a reason the public reads. A version travels between
// installations as a file (Export, Import); the effective set of an area is
// applied to the live settings through the owning capabilities' services
// (Apply).
package ruleset

import (
	"context"
	"database/sql"
	"errors"
	"strconv"
	"strings"
	"time"

	"github.com/gongzhi/gongzhi/internal/auth"
	"github.com/gongzhi/gongzhi/internal/clock"
	"github.com/gongzhi/gongzhi/internal/db"
	"github.com/gongzhi/gongzhi/internal/errs"
	"github.com/gongzhi/gongzhi/internal/evaluation"
	"github.com/gongzhi/gongzhi/internal/gov"
	"github.com/gongzhi/gongzhi/internal/ticket"
)

const (
	eventsTable  = "ruleset_events"
	eventsColumn = "area_code"
	// SourceLocal marks a version published here; SourceImport one read
	// from the upper level's file.
	SourceLocal  = "local"
	SourceImport = "import"
)

// Service keeps the rule sets, the overrides and their log.
type Service struct {
	db      *db.DB
	clock   clock.Clock
	gov     *gov.Service
	tickets *ticket.Service
	eval    *evaluation.Service
}

// NewService returns the service over the capabilities whose settings the
// rules are.
func NewService(d *db.DB, c clock.Clock, g *gov.Service, t *ticket.Service, e *evaluation.Service) *Service {
	return &Service{db: d, clock: c, gov: g, tickets: t, eval: e}
}

// Version is a published version without its entries.
type Version struct {
	AreaCode    string `json:"area_code"`
	AreaName    string `json:"area_name"`
	Version     int    `json:"version"`
	PublishedAt string `json:"published_at"`
	Note        string `json:"note"`
	Source      string `json:"source"`
	Checksum    string `json:"checksum"`
	Entries     int    `json:"entries"`
}

// Home is the area the installation serves: the first district from the
// top of the tree, else the first city.
func (s *Service) Home(ctx context.Context) (gov.Area, error) {
	parent := ""
	var city *gov.Area
	for depth := 0; depth < 4; depth++ {
		kids, err := s.gov.Areas(ctx, parent)
		if err != nil {
			return gov.Area{}, err
		}
		if len(kids) == 0 {
			break
		}
		for _, a := range kids {
			if a.Level == gov.LevelDistrict {
				return a, nil
			}
			if a.Level == gov.LevelCity && city == nil {
				c := a
				city = &c
			}
		}
		parent = kids[0].Code
	}
	if city != nil {
		return *city, nil
	}
	return gov.Area{}, errs.NotFoundf("尚未设置行政区划", "no district has been set up")
}

// area resolves the area asked for: "" is Home; another must be an area of
// the installation's tree.
func (s *Service) area(ctx context.Context, code string) (gov.Area, error) {
	if code == "" {
		return s.Home(ctx)
	}
	if !gov.ValidCode(code) {
		return gov.Area{}, errs.Invalidf("区划代码格式不正确：%q", "malformed area code: %q", code)
	}
	return s.gov.Area(ctx, code)
}

// levelKey is an area code as a prefix of the codes below it: the
// statistical six-digit codes of a province or city end in zeros
// ("110000", "110100"), which the tree spells "11", "1101"; a street's
// nine digits and a community's twelve end in "000" the same way.
func levelKey(code string) string {
	for _, c := range code {
		if c < '0' || c > '9' {
			return code
		}
	}
	if len(code) == 12 && strings.HasSuffix(code, "000") {
		code = code[:9]
	}
	if len(code) == 9 && strings.HasSuffix(code, "000") {
		code = code[:6]
	}
	if len(code) == 6 && strings.HasSuffix(code, "00") {
		code = code[:4]
	}
	if len(code) == 4 && strings.HasSuffix(code, "00") {
		code = code[:2]
	}
	return code
}

// IsUpper reports whether a rule set published for upper governs area:
// its code (as a prefix) is a proper prefix of the area's.
func IsUpper(upper, area string) bool {
	u, a := levelKey(upper), levelKey(area)
	return len(u) < len(a) && strings.HasPrefix(a, u)
}

// Versions lists the versions held, newest first: those of areaCode, or of
// every area when it is "".
func (s *Service) Versions(ctx context.Context, areaCode string) ([]Version, error) {
	q := `SELECT area_code, version, source, document FROM rule_sets`
	args := []any{}
	if areaCode != "" {
		q += ` WHERE area_code = $1`
		args = append(args, areaCode)
	}
	rows, err := s.db.R.QueryContext(ctx, q+` ORDER BY area_code, version DESC`, args...)
	if err != nil {
		return nil, errs.Wrap(err, "rule sets")
	}
	defer rows.Close()
	out := []Version{}
	for rows.Next() {
		var area, source, doc string
		var v int
		if err := rows.Scan(&area, &v, &source, &doc); err != nil {
			return nil, errs.Wrap(err, "rule sets")
		}
		d, err := Decode([]byte(doc))
		if err != nil {
			return nil, errs.Wrap(err, "stored rule set "+area+" v"+strconv.Itoa(v))
		}
		out = append(out, versionOf(d, source))
	}
	return out, errs.Wrap(rows.Err(), "rule sets")
}

func versionOf(d Document, source string) Version {
	return Version{AreaCode: d.AreaCode, AreaName: d.AreaName, Version: d.Version, PublishedAt: d.PublishedAt,
		Note: d.Note, Source: source, Checksum: d.Checksum, Entries: len(d.Entries)}
}

// stored reads a version's file; version 0 is the latest.
func (s *Service) stored(ctx context.Context, q db.Queryer, areaCode string, version int) ([]byte, string, error) {
	var doc, source string
	var err error
	if version == 0 {
		err = q.QueryRowContext(ctx, `SELECT document, source FROM rule_sets WHERE area_code = $1 ORDER BY version DESC LIMIT 1`, areaCode).Scan(&doc, &source)
	} else {
		err = q.QueryRowContext(ctx, `SELECT document, source FROM rule_sets WHERE area_code = $1 AND version = $2`, areaCode, version).Scan(&doc, &source)
	}
	if errors.Is(err, sql.ErrNoRows) {
		return nil, "", errs.NotFoundf("没有这一版规则集", "no such version of the rule set")
	}
	if err != nil {
		return nil, "", errs.Wrap(err, "rule set")
	}
	return []byte(doc), source, nil
}

// Document returns a stored version; version 0 is the latest.
func (s *Service) Document(ctx context.Context, areaCode string, version int) (Document, error) {
	b, _, err := s.stored(ctx, s.db.R, areaCode, version)
	if err != nil {
		return Document{}, err
	}
	return Decode(b)
}

// Export returns a version's file exactly as stored (version 0: the latest)
// and a file name for it.
func (s *Service) Export(ctx context.Context, areaCode string, version int) ([]byte, string, error) {
	if areaCode == "" {
		v, err := s.exportable(ctx)
		if err != nil {
			return nil, "", err
		}
		areaCode = v
	}
	b, _, err := s.stored(ctx, s.db.R, areaCode, version)
	if err != nil {
		return nil, "", err
	}
	d, err := Decode(b)
	if err != nil {
		return nil, "", err
	}
	return b, "rules-" + d.AreaCode + "-v" + strconv.Itoa(d.Version) + ".json", nil
}

// exportable is the area whose versions Export gives when none is named:
// the home area if it published any, else the one area with versions.
func (s *Service) exportable(ctx context.Context) (string, error) {
	if h, err := s.Home(ctx); err == nil {
		var n int
		if err := s.db.R.QueryRowContext(ctx, `SELECT COUNT(*) FROM rule_sets WHERE area_code = $1`, h.Code).Scan(&n); err != nil {
			return "", errs.Wrap(err, "rule sets")
		}
		if n > 0 {
			return h.Code, nil
		}
	}
	var code string
	err := s.db.R.QueryRowContext(ctx, `SELECT area_code FROM rule_sets ORDER BY area_code LIMIT 1`).Scan(&code)
	if errors.Is(err, sql.ErrNoRows) {
		return "", errs.NotFoundf("还没有发布过规则集", "no rule set has been published")
	}
	return code, errs.Wrap(err, "rule sets")
}

func (s *Service) event(ctx context.Context, tx *sql.Tx, u auth.User, at time.Time, area, kind string, detail any) error {
	return db.AppendEvent(ctx, tx, db.Event{Table: eventsTable, KeyColumn: eventsColumn, Key: area, At: at, Actor: u.ID, Kind: kind, Detail: detail})
}
