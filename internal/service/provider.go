package service

import (
	"context"
	"database/sql"
	"errors"
	"math"
	"sort"
	"strings"
	"time"

	"github.com/gongzhi/gongzhi/internal/auth"
	"github.com/gongzhi/gongzhi/internal/db"
	"github.com/gongzhi/gongzhi/internal/errs"
	"github.com/gongzhi/gongzhi/internal/gov"
)

// ProviderKinds are the kinds of organisation that may provide services:
// community service points (the committees), social organisations and
// volunteer teams, service providers, companies and property companies.
var ProviderKinds = []gov.OrgKind{gov.KindServiceProvider, gov.KindSocialOrg, gov.KindCompany, gov.KindPropertyCompany,
	gov.KindCommunityCommittee, gov.KindVillageCommittee}

func providerKind(k gov.OrgKind) bool {
	for _, x := range ProviderKinds {
		if x == k {
			return true
		}
	}
	return false
}

// Provider is an organisation with its agreement.
type Provider struct {
	OrgCode   string      `json:"org_code"`
	Name      string      `json:"name"`
	Kind      gov.OrgKind `json:"kind"`
	AreaCode  string      `json:"area_code"`
	Phone     string      `json:"phone"`
	Provides  string      `json:"provides"`
	Hours     string      `json:"hours"`
	Priced    bool        `json:"priced"`
	PriceNote string      `json:"price_note"`
	Lat       *float64    `json:"lat"`
	Lng       *float64    `json:"lng"`
	Active    bool        `json:"active"`
	// Areas are the areas it serves; Lapsed tells that a qualification has
	// expired, which hides its services from residents.
	Areas          []string        `json:"areas"`
	Qualifications []Qualification `json:"qualifications"`
	Lapsed         bool            `json:"lapsed"`
	Offers         []Offer         `json:"services"`
	// For the reader: whether she keeps its agreement and services, and
	// its slots.
	CanKeep  bool `json:"can_keep"`
	CanSlots bool `json:"can_keep_slots"`
}

// Qualification is a licence or certificate of a provider.
type Qualification struct {
	ID        string    `json:"id"`
	Name      string    `json:"name"`
	Number    string    `json:"number"`
	ExpiresOn string    `json:"expires_on"` // YYYY-MM-DD, the last day it is in force
	Expired   bool      `json:"expired"`
	expiresAt time.Time // the end of that day
}

// ProviderInput is a provider's agreement as staff enter it.
type ProviderInput struct {
	OrgCode   string   `json:"org_code"`
	Provides  string   `json:"provides"`
	Hours     string   `json:"hours"`
	Priced    bool     `json:"priced"`
	PriceNote string   `json:"price_note"`
	Lat       *float64 `json:"lat"`
	Lng       *float64 `json:"lng"`
	Areas     []string `json:"areas"`
	Active    *bool    `json:"active"`
}

func (in *ProviderInput) check() error {
	in.OrgCode = strings.TrimSpace(in.OrgCode)
	if !gov.ValidCode(in.OrgCode) {
		return errs.Invalidf("机构代码格式不正确", "malformed organisation code")
	}
	if err := text(&in.Provides, MaxProvides, false, "服务内容", "provides"); err != nil {
		return err
	}
	if err := oneLine(&in.Hours, MaxHours, false, "服务时间", "hours"); err != nil {
		return err
	}
	if err := oneLine(&in.PriceNote, MaxPriceNote, !in.Priced, "收费标准", "price_note"); err != nil {
		return err
	}
	if !in.Priced {
		in.PriceNote = ""
	}
	if (in.Lat == nil) != (in.Lng == nil) {
		return errs.Invalidf("经纬度须同时给出", "give both lat and lng, or neither")
	}
	if in.Lat != nil && !validPoint(*in.Lat, *in.Lng) {
		return errs.Invalidf("经纬度超出范围", "lat or lng out of range")
	}
	if len(in.Areas) == 0 || len(in.Areas) > MaxAreas {
		return errs.Invalidf("服务区域须有1到%d个", "a provider serves 1 to %d areas", MaxAreas)
	}
	seen := map[string]bool{}
	var areas []string
	for _, a := range in.Areas {
		a = strings.TrimSpace(a)
		if !gov.ValidCode(a) {
			return errArea
		}
		if !seen[a] {
			seen[a] = true
			areas = append(areas, a)
		}
	}
	in.Areas = areas
	return nil
}

func validPoint(lat, lng float64) bool {
	return !math.IsNaN(lat) && !math.IsNaN(lng) && lat >= -90 && lat <= 90 && lng >= -180 && lng <= 180
}

// SaveProvider writes a provider's agreement and the areas it serves:
// making the organisation a provider, or changing its agreement.
func (s *Service) SaveProvider(ctx context.Context, u auth.User, in ProviderInput) (Provider, error) {
	if err := in.check(); err != nil {
		return Provider{}, err
	}
	now := s.clock.Now()
	err := s.db.Tx(ctx, func(tx *sql.Tx) error {
		org, err := gov.OrgQ(ctx, tx, in.OrgCode)
		if errs.Is(err, errs.NotFound) {
			return errs.Invalidf("机构 %s 不存在", "organisation %s does not exist", in.OrgCode)
		}
		if err != nil {
			return err
		}
		keeper, err := s.keeper(ctx, tx, u)
		if err != nil {
			return err
		}
		if !CanKeep(u, keeper, org.AreaCode) {
			return errForbiddenKeep
		}
		if !providerKind(org.Kind) {
			return errs.Invalidf("%s 不是可提供服务的机构类型（服务机构、社会组织、企业、物业或社区居委会）", "%s is not a kind of organisation that provides services", org.Name)
		}
		for _, a := range in.Areas {
			if _, err := gov.AreaQ(ctx, tx, a); errs.Is(err, errs.NotFound) {
				return errs.Invalidf("区划 %s 不存在", "area %s does not exist", a)
			} else if err != nil {
				return err
			}
		}
		active := true
		if in.Active != nil {
			active = *in.Active
		}
		var lat, lng sql.NullFloat64
		if in.Lat != nil {
			lat, lng = sql.NullFloat64{Float64: *in.Lat, Valid: true}, sql.NullFloat64{Float64: *in.Lng, Valid: true}
		}
		_, err = tx.ExecContext(ctx, `INSERT INTO service_providers (org_code, provides, hours, priced, price_note, lat, lng, active, created_by, created_at, updated_at)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $10)
ON CONFLICT (org_code) DO UPDATE SET provides = excluded.provides, hours = excluded.hours, priced = excluded.priced, price_note = excluded.price_note,
lat = excluded.lat, lng = excluded.lng, active = excluded.active, updated_at = excluded.updated_at`,
			org.Code, in.Provides, in.Hours, in.Priced, in.PriceNote, lat, lng, active, u.ID, db.Millis(now))
		if err != nil {
			return errs.Wrap(db.MapError(err), "save provider")
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM service_provider_areas WHERE org_code = $1`, org.Code); err != nil {
			return errs.Wrap(err, "provider areas")
		}
		for _, a := range in.Areas {
			if _, err := tx.ExecContext(ctx, `INSERT INTO service_provider_areas (org_code, area_code) VALUES ($1, $2)`, org.Code, a); err != nil {
				return errs.Wrap(err, "provider area")
			}
		}
		return s.event(ctx, tx, org.Code, u, "", "provider", map[string]any{"provides": in.Provides, "hours": in.Hours, "priced": in.Priced,
			"price_note": in.PriceNote, "areas": in.Areas, "active": active}, now)
	})
	if err != nil {
		return Provider{}, err
	}
	return s.Provider(ctx, u, in.OrgCode)
}

// QualificationInput is a licence or certificate with its expiry.
type QualificationInput struct {
	Name      string `json:"name"`
	Number    string `json:"number"`
	ExpiresOn string `json:"expires_on"` // YYYY-MM-DD
}

// AddQualification records a qualification of the provider.
func (s *Service) AddQualification(ctx context.Context, u auth.User, orgCode string, in QualificationInput) (Provider, error) {
	if err := oneLine(&in.Name, MaxQualName, false, "资质名称", "the qualification's name"); err != nil {
		return Provider{}, err
	}
	if err := oneLine(&in.Number, MaxQualNumber, true, "证书编号", "the certificate number"); err != nil {
		return Provider{}, err
	}
	day, err := time.ParseInLocation("2006-01-02", strings.TrimSpace(in.ExpiresOn), s.loc)
	if err != nil || day.Year() < 2000 || day.Year() > 2100 {
		return Provider{}, errs.Invalidf("有效期至须为 YYYY-MM-DD 格式的日期", "expires_on must be a date YYYY-MM-DD")
	}
	end := day.AddDate(0, 0, 1).Add(-time.Millisecond)
	now := s.clock.Now()
	err = s.db.Tx(ctx, func(tx *sql.Tx) error {
		p, err := s.providerQ(ctx, tx, orgCode)
		if err != nil {
			return err
		}
		keeper, err := s.keeper(ctx, tx, u)
		if err != nil {
			return err
		}
		if !CanKeep(u, keeper, p.AreaCode) {
			return errForbiddenKeep
		}
		var n int
		if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM service_qualifications WHERE org_code = $1`, orgCode).Scan(&n); err != nil {
			return errs.Wrap(err, "count qualifications")
		}
		if n >= MaxQualsPer {
			return errs.Invalidf("每个机构最多登记%d项资质", "at most %d qualifications per provider", MaxQualsPer)
		}
		id := db.NewID()
		if _, err := tx.ExecContext(ctx, `INSERT INTO service_qualifications (id, org_code, name, number, expires_at, created_by, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7)`,
			id, orgCode, in.Name, in.Number, db.Millis(end), u.ID, db.Millis(now)); err != nil {
			return errs.Wrap(err, "add qualification")
		}
		return s.event(ctx, tx, orgCode, u, "", "qualification", map[string]any{"id": id, "name": in.Name, "number": in.Number, "expires_on": day.Format("2006-01-02")}, now)
	})
	if err != nil {
		return Provider{}, err
	}
	return s.Provider(ctx, u, orgCode)
}

// RemoveQualification takes a qualification off the provider's record.
func (s *Service) RemoveQualification(ctx context.Context, u auth.User, orgCode, id string) (Provider, error) {
	now := s.clock.Now()
	err := s.db.Tx(ctx, func(tx *sql.Tx) error {
		p, err := s.providerQ(ctx, tx, orgCode)
		if err != nil {
			return err
		}
		keeper, err := s.keeper(ctx, tx, u)
		if err != nil {
			return err
		}
		if !CanKeep(u, keeper, p.AreaCode) {
			return errForbiddenKeep
		}
		x, err := tx.ExecContext(ctx, `DELETE FROM service_qualifications WHERE id = $1 AND org_code = $2`, id, orgCode)
		if err != nil {
			return errs.Wrap(err, "remove qualification")
		}
		if n, _ := x.RowsAffected(); n == 0 {
			return errs.NotFoundf("资质不存在", "no such qualification")
		}
		return s.event(ctx, tx, orgCode, u, "", "qualification_removed", map[string]any{"id": id}, now)
	})
	if err != nil {
		return Provider{}, err
	}
	return s.Provider(ctx, u, orgCode)
}

const providerCols = `p.org_code, o.name, o.kind, o.area_code, o.phone, p.provides, p.hours, p.priced, p.price_note, p.lat, p.lng, p.active`

func (s *Service) scanProvider(sc interface{ Scan(...any) error }) (Provider, error) {
	var p Provider
	var lat, lng sql.NullFloat64
	err := sc.Scan(&p.OrgCode, &p.Name, &p.Kind, &p.AreaCode, &p.Phone, &p.Provides, &p.Hours, &p.Priced, &p.PriceNote, &lat, &lng, &p.Active)
	if lat.Valid && lng.Valid {
		p.Lat, p.Lng = &lat.Float64, &lng.Float64
	}
	return p, err
}

// providerQ reads the provider's row with its areas and qualifications.
func (s *Service) providerQ(ctx context.Context, q db.Queryer, orgCode string) (Provider, error) {
	if !gov.ValidCode(orgCode) {
		return Provider{}, errNoProvider
	}
	p, err := s.scanProvider(q.QueryRowContext(ctx, `SELECT `+providerCols+` FROM service_providers p JOIN orgs o ON o.code = p.org_code WHERE p.org_code = $1`, orgCode))
	if errors.Is(err, sql.ErrNoRows) {
		return Provider{}, errNoProvider
	}
	if err != nil {
		return Provider{}, errs.Wrap(err, "read provider")
	}
	if p.Areas, err = s.areasOf(ctx, q, orgCode); err != nil {
		return Provider{}, err
	}
	if p.Qualifications, err = s.qualsOf(ctx, q, orgCode); err != nil {
		return Provider{}, err
	}
	p.Lapsed = lapsed(p.Qualifications)
	return p, nil
}

func lapsed(qs []Qualification) bool {
	for _, q := range qs {
		if q.Expired {
			return true
		}
	}
	return false
}

func (s *Service) areasOf(ctx context.Context, q db.Queryer, orgCode string) ([]string, error) {
	rows, err := q.QueryContext(ctx, `SELECT area_code FROM service_provider_areas WHERE org_code = $1 ORDER BY area_code`, orgCode)
	if err != nil {
		return nil, errs.Wrap(err, "provider areas")
	}
	defer rows.Close()
	out := []string{}
	for rows.Next() {
		var a string
		if err := rows.Scan(&a); err != nil {
			return nil, errs.Wrap(err, "scan area")
		}
		out = append(out, a)
	}
	return out, errs.Wrap(rows.Err(), "provider areas")
}

func (s *Service) qualsOf(ctx context.Context, q db.Queryer, orgCode string) ([]Qualification, error) {
	rows, err := q.QueryContext(ctx, `SELECT id, name, number, expires_at FROM service_qualifications WHERE org_code = $1 ORDER BY expires_at, id`, orgCode)
	if err != nil {
		return nil, errs.Wrap(err, "qualifications")
	}
	defer rows.Close()
	now := s.clock.Now()
	out := []Qualification{}
	for rows.Next() {
		var x Qualification
		var exp int64
		if err := rows.Scan(&x.ID, &x.Name, &x.Number, &exp); err != nil {
			return nil, errs.Wrap(err, "scan qualification")
		}
		x.expiresAt = s.at(exp)
		x.ExpiresOn, x.Expired = x.expiresAt.Format("2006-01-02"), now.After(x.expiresAt)
		out = append(out, x)
	}
	return out, errs.Wrap(rows.Err(), "qualifications")
}

// lapsedOrgs are the providers with an expired qualification now.
func (s *Service) lapsedOrgs(ctx context.Context, q db.Queryer) (map[string]bool, error) {
	rows, err := q.QueryContext(ctx, `SELECT DISTINCT org_code FROM service_qualifications WHERE expires_at < $1`, db.Millis(s.clock.Now()))
	if err != nil {
		return nil, errs.Wrap(err, "lapsed providers")
	}
	defer rows.Close()
	out := map[string]bool{}
	for rows.Next() {
		var o string
		if err := rows.Scan(&o); err != nil {
			return nil, errs.Wrap(err, "scan lapsed")
		}
		out[o] = true
	}
	return out, errs.Wrap(rows.Err(), "lapsed providers")
}

// Provider returns a provider with its services as u may see them: those
// who keep it see every service, others those shown to residents.
func (s *Service) Provider(ctx context.Context, u auth.User, orgCode string) (Provider, error) {
	if !CanUseDirectory(u) {
		return Provider{}, errs.ErrForbidden
	}
	p, err := s.providerQ(ctx, s.db.R, orgCode)
	if err != nil {
		return Provider{}, err
	}
	keeper, err := s.keeper(ctx, s.db.R, u)
	if err != nil {
		return Provider{}, err
	}
	p.CanKeep, p.CanSlots = CanKeep(u, keeper, p.AreaCode), CanKeepSlots(u, keeper, p.OrgCode, p.AreaCode)
	if !p.CanSlots && !ShownToResidents(p, true) {
		return Provider{}, errNoProvider
	}
	offers, err := s.offers(ctx, `s.org_code = $1`, []any{orgCode})
	if err != nil {
		return Provider{}, err
	}
	p.Offers = []Offer{}
	for _, o := range offers {
		o.Shown = ShownToResidents(p, o.Active)
		if p.CanSlots || o.Shown {
			p.Offers = append(p.Offers, o)
		}
	}
	if !p.CanKeep && !CanAnswer(u, p.OrgCode) {
		p.Qualifications = qualsForReaders(p.Qualifications)
	}
	return p, nil
}

// qualsForReaders drops the certificate numbers for those who do not keep
// the provider.
func qualsForReaders(qs []Qualification) []Qualification {
	out := make([]Qualification, len(qs))
	for i, q := range qs {
		q.Number = ""
		out[i] = q
	}
	return out
}

// Providers lists the providers u keeps (all for the administrator), with
// what hides them: lapsed qualifications first.
func (s *Service) Providers(ctx context.Context, u auth.User) ([]Provider, error) {
	if !u.Role.IsStaff() && !u.IsAdmin() {
		return nil, errs.ErrForbidden
	}
	rows, err := s.db.R.QueryContext(ctx, `SELECT `+providerCols+` FROM service_providers p JOIN orgs o ON o.code = p.org_code ORDER BY o.area_code, p.org_code LIMIT 1000`)
	if err != nil {
		return nil, errs.Wrap(err, "providers")
	}
	keeper, err := s.keeper(ctx, s.db.R, u)
	if err != nil {
		rows.Close()
		return nil, err
	}
	var all []Provider
	for rows.Next() {
		p, err := s.scanProvider(rows)
		if err != nil {
			rows.Close()
			return nil, errs.Wrap(err, "scan provider")
		}
		if CanKeepSlots(u, keeper, p.OrgCode, p.AreaCode) {
			all = append(all, p)
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, errs.Wrap(err, "providers")
	}
	out := []Provider{}
	for _, p := range all {
		full, err := s.Provider(ctx, u, p.OrgCode)
		if err != nil {
			return nil, err
		}
		out = append(out, full)
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].Lapsed && !out[j].Lapsed })
	return out, nil
}

// Events returns the log of a provider, a service or a request, for those
// who keep the provider (and, for a request, those who may read it).
func (s *Service) Events(ctx context.Context, u auth.User, subject string) ([]Event, error) {
	if !u.Role.IsStaff() && !u.IsAdmin() {
		return nil, errs.ErrForbidden
	}
	if ValidNumber(subject) {
		if _, err := s.Get(ctx, u, subject); err != nil {
			return nil, err
		}
	} else {
		org := subject
		var so string
		if err := s.db.R.QueryRowContext(ctx, `SELECT org_code FROM services WHERE id = $1`, subject).Scan(&so); err == nil {
			org = so
		}
		p, err := s.providerQ(ctx, s.db.R, org)
		if err != nil {
			return nil, err
		}
		keeper, err := s.keeper(ctx, s.db.R, u)
		if err != nil {
			return nil, err
		}
		if !CanKeepSlots(u, keeper, p.OrgCode, p.AreaCode) {
			return nil, errs.ErrForbidden
		}
	}
	rows, err := s.db.R.QueryContext(ctx, `SELECT seq, at, actor, on_behalf, kind, detail FROM service_events WHERE subject = $1 ORDER BY seq`, subject)
	if err != nil {
		return nil, errs.Wrap(err, "service events")
	}
	defer rows.Close()
	out := []Event{}
	for rows.Next() {
		var e Event
		var at int64
		var detail string
		if err := rows.Scan(&e.Seq, &at, &e.Actor, &e.OnBehalf, &e.Kind, &detail); err != nil {
			return nil, errs.Wrap(err, "scan event")
		}
		e.At, e.Detail, e.OnBehalf = s.at(at), []byte(detail), auth.MaskPhone(e.OnBehalf)
		out = append(out, e)
	}
	return out, errs.Wrap(rows.Err(), "service events")
}
