// Package demo loads the demo district, Beijing 平谷区 (110117): its streets,
// townships, communities and villages from the 2023 statistical division
// codes, the district's departments and the offices and committees below
// them, a 12345 category tree with its dispatch catalogue, and one account
// per role. A newcomer runs `gongzhi serve --demo` and sees a working system.
package demo

import (
	"context"
	"database/sql"
	_ "embed"
	"encoding/csv"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"time"

	"github.com/gongzhi/gongzhi/internal/auth"
	"github.com/gongzhi/gongzhi/internal/db"
	"github.com/gongzhi/gongzhi/internal/errs"
	"github.com/gongzhi/gongzhi/internal/gov"
	"github.com/gongzhi/gongzhi/internal/ticket"
)

// divisionsCSV is the subset of the 2023 statistical division codes that
// covers 平谷区 and its ancestors (see data/SOURCE.md).
//
//go:embed data/pinggu_divisions.csv
var divisionsCSV string

// settingKey marks, in table settings, that the demo has been loaded.
const settingKey = "demo_loaded"

// Areas returns the demo areas, parents before children.
func Areas() ([]gov.Area, error) {
	r := csv.NewReader(strings.NewReader(divisionsCSV))
	recs, err := r.ReadAll()
	if err != nil {
		return nil, fmt.Errorf("demo divisions: %w", err)
	}
	if len(recs) < 2 || strings.Join(recs[0], ",") != "code,name,level,parent_code" {
		return nil, errors.New("demo divisions: unexpected header")
	}
	known := map[string]bool{"": true}
	areas := make([]gov.Area, 0, len(recs)-1)
	for i, rec := range recs[1:] {
		a := gov.Area{Code: rec[0], Name: rec[1], Level: gov.Level(rec[2]), ParentCode: rec[3]}
		// The embedded file is ours, so a broken line is a bug worth failing
		// on: an orphan would be invisible in every subtree query.
		if !gov.ValidCode(a.Code) || !known[a.ParentCode] || !strings.HasPrefix(a.Code, a.ParentCode) || a.Code == a.ParentCode {
			return nil, fmt.Errorf("demo divisions line %d: bad code %q or parent %q", i+2, a.Code, a.ParentCode)
		}
		if a.Code == DistrictCode {
			a.Population = DistrictPopulation
		}
		known[a.Code] = true
		areas = append(areas, a)
	}
	return areas, nil
}

// officeName names the office of a street: 街道 and 地区 have an 办事处, towns
// (镇) and townships (乡) a people's government.
func officeName(street string) string {
	if strings.HasSuffix(street, "镇") || strings.HasSuffix(street, "乡") {
		return street + "人民政府"
	}
	return street + "办事处"
}

// committeeKind tells a village committee (村委会/村民委员会) from a residents'
// committee (社区居委会, 居民委员会).
func committeeKind(name string) gov.OrgKind {
	if strings.HasSuffix(name, "村委会") || strings.HasSuffix(name, "村民委员会") {
		return gov.KindVillageCommittee
	}
	return gov.KindCommunityCommittee
}

// Orgs returns the demo organisations: the district's departments and units,
// then one office per street and one committee per community.
func Orgs(areas []gov.Area) []gov.Org {
	orgs := make([]gov.Org, 0, len(districtOrgs)+len(areas))
	for _, o := range districtOrgs {
		if o.AreaCode == "" {
			o.AreaCode = DistrictCode
		}
		orgs = append(orgs, o)
	}
	// The property company serves compounds in 滨河街道.
	for i := range orgs {
		if orgs[i].Code == OrgProperty {
			orgs[i].AreaCode = StreetBinhe
		}
	}
	for _, a := range areas {
		switch {
		case a.Level == gov.LevelStreet && a.ParentCode == DistrictCode:
			orgs = append(orgs, gov.Org{Code: StreetOfficeCode(a.Code), Name: officeName(a.Name), Kind: gov.KindStreetOffice, AreaCode: a.Code})
		case a.Level == gov.LevelCommunity && strings.HasPrefix(a.Code, DistrictCode):
			orgs = append(orgs, gov.Org{Code: CommitteeCode(a.Code), Name: a.Name, Kind: committeeKind(a.Name), AreaCode: a.Code, ParentCode: StreetOfficeCode(a.ParentCode)})
		}
	}
	return orgs
}

// Categories returns the demo category tree, parents before children.
func Categories() []ticket.Category {
	out := make([]ticket.Category, len(categories))
	for i, c := range categories {
		c.Sort = i + 1
		out[i] = c.Category
	}
	return out
}

// TimeLimits returns the lines of the time-limit table for the demo
// categories whose completion limit is not the default.
func TimeLimits() []ticket.TimeLimit {
	var out []ticket.TimeLimit
	for _, c := range categories {
		if c.complete != hoursNormal {
			out = append(out, ticket.TimeLimit{CategoryCode: c.Code, Urgency: ticket.UrgencyNormal,
				Sign: ticket.Limit{Amount: 2, Unit: ticket.WorkingHours}, Contact: ticket.Limit{Amount: 1, Unit: ticket.WorkingDays}, Complete: c.complete})
		}
	}
	return out
}

// Rules returns the demo dispatch catalogue: department matters go to the
// department for the whole district, street-level matters to the office of
// each street. Two categories have no rule on purpose (供电, 政策咨询).
func Rules(areas []gov.Area) []ticket.Rule {
	var rules []ticket.Rule
	for _, c := range categories {
		switch {
		case c.route.streetLevel:
			for _, a := range areas {
				if a.Level == gov.LevelStreet && a.ParentCode == DistrictCode {
					rules = append(rules, ticket.Rule{CategoryCode: c.Code, AreaCode: a.Code, OrgCode: StreetOfficeCode(a.Code)})
				}
			}
		case c.route.org != "":
			rules = append(rules, ticket.Rule{CategoryCode: c.Code, AreaCode: DistrictCode, OrgCode: c.route.org})
		}
	}
	return rules
}

// Loaded reports whether the demo has been loaded into the database.
func Loaded(ctx context.Context, d *db.DB) (bool, error) {
	var v string
	err := d.R.QueryRowContext(ctx, `SELECT value FROM settings WHERE key = $1`, settingKey).Scan(&v)
	if errors.Is(err, sql.ErrNoRows) {
		return false, nil
	}
	return err == nil, errs.Wrap(err, "read demo marker")
}

// Load loads the demo district once. It returns loaded=false, changing
// nothing, when the demo is already there. Every step is an upsert, so a load
// that failed half way can simply be run again.
func Load(ctx context.Context, d *db.DB, g *gov.Service, a *auth.Service, t *ticket.Service, log *slog.Logger) (loaded bool, err error) {
	if log == nil {
		log = slog.Default()
	}
	if done, err := Loaded(ctx, d); err != nil || done {
		return false, err
	}
	start := time.Now() // measures the load for the log, not business time
	areas, err := Areas()
	if err != nil {
		return false, errs.Wrap(err, "demo areas")
	}
	orgs := Orgs(areas)

	if err := loadAreas(ctx, d, areas); err != nil {
		return false, err
	}
	first, err := loadOrgs(ctx, d, g, orgs)
	if err != nil {
		return false, err
	}
	cats, rules := Categories(), Rules(areas)
	if err := loadCatalogue(ctx, t, cats, rules); err != nil {
		return false, err
	}
	if err := loadAccounts(ctx, a); err != nil {
		return false, err
	}

	// The marker goes last, so that only a complete load counts as loaded.
	err = d.Tx(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `INSERT INTO settings (key, value) VALUES ($1, $2) ON CONFLICT (key) DO UPDATE SET value = excluded.value`,
			settingKey, first.CreatedAt.UTC().Format(time.RFC3339))
		return errs.Wrap(err, "mark demo loaded")
	})
	if err != nil {
		return false, err
	}
	log.Info("demo district loaded", "district", "平谷区 "+DistrictCode, "areas", len(areas), "orgs", len(orgs),
		"categories", len(cats), "rules", len(rules), "accounts", len(Accounts), "took", time.Since(start).Round(time.Millisecond))
	return true, nil
}

// loadAreas writes the district's areas. Hundreds of rows: one transaction
// with a prepared statement keeps this to milliseconds on SQLite instead of
// one commit per row.
func loadAreas(ctx context.Context, d *db.DB, areas []gov.Area) error {
	return d.Tx(ctx, func(tx *sql.Tx) error {
		// A population already set (by an administrator, or here for the
		// district) is kept when the demo brings none.
		stmt, err := tx.PrepareContext(ctx, `INSERT INTO areas (code, parent_code, name, level, population) VALUES ($1, $2, $3, $4, $5)
ON CONFLICT (code) DO UPDATE SET parent_code = excluded.parent_code, name = excluded.name, level = excluded.level,
  population = CASE WHEN excluded.population > 0 THEN excluded.population ELSE areas.population END`)
		if err != nil {
			return errs.Wrap(err, "prepare demo areas")
		}
		defer stmt.Close()
		for _, ar := range areas {
			if _, err := stmt.ExecContext(ctx, ar.Code, ar.ParentCode, ar.Name, string(ar.Level), ar.Population); err != nil {
				return errs.Wrap(err, "demo area "+ar.Code)
			}
		}
		return nil
	})

}

// loadOrgs writes the district's organisations and returns the first.
func loadOrgs(ctx context.Context, d *db.DB, g *gov.Service, orgs []gov.Org) (gov.Org, error) {
	// The first org goes through the gov service, which validates it and
	// stamps created_at with the injected clock; the batch reuses that
	// stamp, so the demo follows business time without a clock of its own.
	if err := g.UpsertOrg(ctx, orgs[0]); err != nil {
		return gov.Org{}, err
	}
	first, err := g.Org(ctx, orgs[0].Code)
	if err != nil {
		return gov.Org{}, err
	}
	created := db.Millis(first.CreatedAt)
	err = d.Tx(ctx, func(tx *sql.Tx) error {
		stmt, err := tx.PrepareContext(ctx, `INSERT INTO orgs (code, name, kind, area_code, parent_code, phone, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7)
ON CONFLICT (code) DO UPDATE SET name = excluded.name, kind = excluded.kind, area_code = excluded.area_code, parent_code = excluded.parent_code, phone = excluded.phone`)
		if err != nil {
			return errs.Wrap(err, "prepare demo orgs")
		}
		defer stmt.Close()
		for _, o := range orgs[1:] {
			if _, err := stmt.ExecContext(ctx, o.Code, o.Name, string(o.Kind), o.AreaCode, o.ParentCode, o.Phone, created); err != nil {
				return errs.Wrap(err, "demo org "+o.Code)
			}
		}
		return nil
	})
	return first, err
}

// loadCatalogue writes the categories, their time limits and the dispatch
// rules.
func loadCatalogue(ctx context.Context, t *ticket.Service, cats []ticket.Category, rules []ticket.Rule) error {
	for _, c := range cats {
		if err := t.UpsertCategory(ctx, c); err != nil {
			return fmt.Errorf("demo category %s: %w", c.Code, err)
		}
	}
	for _, tl := range TimeLimits() {
		if err := t.SetTimeLimit(ctx, tl); err != nil {
			return fmt.Errorf("demo time limit %s: %w", tl.CategoryCode, err)
		}
	}
	for _, r := range rules {
		if err := t.UpsertRule(ctx, r); err != nil {
			return fmt.Errorf("demo rule %s/%s: %w", r.CategoryCode, r.AreaCode, err)
		}
	}

	return nil
}

// loadAccounts creates the demo's accounts.
func loadAccounts(ctx context.Context, a *auth.Service) error {
	// Password hashing dominates the load (bcrypt at the production cost is
	// about 0.1 s per account), so the accounts are created in parallel; the
	// database writes still queue on the single writer.
	accErrs := make([]error, len(Accounts))
	var wg sync.WaitGroup
	for i, acc := range Accounts {
		wg.Add(1)
		go func() {
			defer wg.Done()
			nu := auth.NewUser{Username: acc.Username, Name: acc.Name, Phone: acc.Phone, Role: acc.Role, OrgCode: acc.OrgCode, AreaCode: acc.AreaCode}
			if acc.Username != "" {
				nu.Password = Password
			}
			// An account left by an earlier, interrupted load is fine as it is.
			if _, err := a.CreateUser(ctx, auth.System(), nu); err != nil && !errs.Is(err, errs.Conflict) {
				accErrs[i] = fmt.Errorf("demo account %s%s: %w", acc.Username, acc.Phone, err)
			}
		}()
	}
	wg.Wait()
	return errors.Join(accErrs...)
}
