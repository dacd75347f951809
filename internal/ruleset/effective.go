package ruleset

import (
	"context"
	"database/sql"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/gongzhi/gongzhi/internal/auth"
	"github.com/gongzhi/gongzhi/internal/clock"
	"github.com/gongzhi/gongzhi/internal/errs"
)

// Where an entry of the effective set comes from.
const (
	FromUpper = "upper" // the upper level's published version
	FromLocal = "local" // the area's own override
)

// Rule is an entry of an area's effective set.
type Rule struct {
	Entry
	Source     string `json:"source"`                // FromUpper or FromLocal
	UpperValue string `json:"upper_value,omitempty"` // the upper level's value, where overridden
	Reason     string `json:"reason,omitempty"`      // the override's reason
}

// Override is an area's own value of an inherited entry.
type Override struct {
	AreaCode   string    `json:"area_code"`
	Section    Section   `json:"section"`
	Key        string    `json:"key"`
	Value      string    `json:"value"`
	Reason     string    `json:"reason"`
	UpperValue string    `json:"upper_value"`
	UpdatedAt  time.Time `json:"updated_at"`
	UpdatedBy  string    `json:"updated_by,omitempty"` // staff readers only
	// Active is false while the upper level's current version has no such
	// entry or no longer lets it be overridden: the override is kept but
	// the upper value holds.
	Active bool `json:"active"`
}

// Effective is the rules in force in an area.
type Effective struct {
	AreaCode  string     `json:"area_code"`
	AreaName  string     `json:"area_name"`
	Upper     *Version   `json:"upper"` // nil while no upper level has published
	Rules     []Rule     `json:"rules"`
	Overrides []Override `json:"overrides"`
}

// upper finds the nearest upper level's version of area held here (version
// 0: the latest); ok is false when none is held.
func (s *Service) upper(ctx context.Context, area string, version int) (Document, string, bool, error) {
	rows, err := s.db.R.QueryContext(ctx, `SELECT DISTINCT area_code FROM rule_sets`)
	if err != nil {
		return Document{}, "", false, errs.Wrap(err, "rule sets")
	}
	best := ""
	for rows.Next() {
		var code string
		if err := rows.Scan(&code); err != nil {
			rows.Close()
			return Document{}, "", false, errs.Wrap(err, "rule sets")
		}
		if IsUpper(code, area) && len(levelKey(code)) > len(levelKey(best)) {
			best = code
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return Document{}, "", false, errs.Wrap(err, "rule sets")
	}
	if best == "" {
		return Document{}, "", false, nil
	}
	b, source, err := s.stored(ctx, s.db.R, best, version)
	if err != nil {
		return Document{}, "", false, err
	}
	d, err := Decode(b)
	return d, source, err == nil, err
}

// Effective is the area's rules ("" the installation's area): the nearest
// upper level's latest version with the area's permitted overrides. The
// overrides name who made them for CanRead readers only.
func (s *Service) Effective(ctx context.Context, u auth.User, areaCode string) (Effective, error) {
	a, err := s.area(ctx, areaCode)
	if err != nil {
		return Effective{}, err
	}
	up, source, ok, err := s.upper(ctx, a.Code, 0)
	if err != nil {
		return Effective{}, err
	}
	ovs, err := s.overrides(ctx, a.Code, CanRead(u))
	if err != nil {
		return Effective{}, err
	}
	out := Effective{AreaCode: a.Code, AreaName: a.Name, Rules: []Rule{}}
	if ok {
		v := versionOf(up, source)
		out.Upper = &v
	}
	out.Rules, out.Overrides = merge(up.Entries, ovs)
	return out, nil
}

// merge lays the overrides over the upper entries.
func merge(upper []Entry, ovs []Override) ([]Rule, []Override) {
	byID := map[string]int{}
	rules := make([]Rule, 0, len(upper))
	for _, e := range upper {
		byID[e.ID()] = len(rules)
		rules = append(rules, Rule{Entry: e, Source: FromUpper})
	}
	for i, o := range ovs {
		j, ok := byID[string(o.Section)+"/"+o.Key]
		if !ok {
			continue
		}
		ovs[i].UpperValue = rules[j].Value
		if !rules[j].Overridable {
			continue
		}
		ovs[i].Active = true
		r := &rules[j]
		r.UpperValue, r.Value, r.Source, r.Reason = r.Value, o.Value, FromLocal, o.Reason
	}
	return rules, ovs
}

func (s *Service) overrides(ctx context.Context, area string, staff bool) ([]Override, error) {
	rows, err := s.db.R.QueryContext(ctx, `SELECT section, entry_key, value, reason, updated_by, updated_at FROM rule_overrides
WHERE area_code = $1 ORDER BY section, entry_key`, area)
	if err != nil {
		return nil, errs.Wrap(err, "rule overrides")
	}
	defer rows.Close()
	out := []Override{}
	for rows.Next() {
		o := Override{AreaCode: area}
		var at int64
		if err := rows.Scan(&o.Section, &o.Key, &o.Value, &o.Reason, &o.UpdatedBy, &at); err != nil {
			return nil, errs.Wrap(err, "rule overrides")
		}
		o.UpdatedAt = time.UnixMilli(at).In(clock.BusinessZone())
		if !staff {
			o.UpdatedBy = ""
		}
		out = append(out, o)
	}
	sortOverrides(out)
	return out, errs.Wrap(rows.Err(), "rule overrides")
}

func sortOverrides(os []Override) {
	es := make([]Entry, len(os))
	idx := map[string]Override{}
	for i, o := range os {
		es[i] = Entry{Section: o.Section, Key: o.Key}
		idx[es[i].ID()] = o
	}
	sortEntries(es)
	for i, e := range es {
		os[i] = idx[e.ID()]
	}
}

// OverrideInput sets (or, with Withdraw, removes) an area's own value of an
// inherited entry, always with a reason.
type OverrideInput struct {
	AreaCode string  `json:"area_code"` // "" is the installation's area
	Section  Section `json:"section"`
	Key      string  `json:"key"`
	Value    string  `json:"value"`
	Reason   string  `json:"reason"`
	Withdraw bool    `json:"withdraw"`
}

var errLocked = errs.New(errs.Conflict, "上级规则不允许本级调整此项", "the upper level does not let this entry be changed here")

// SetOverride records an override (or its withdrawal) and its event.
func (s *Service) SetOverride(ctx context.Context, u auth.User, in OverrideInput) (Override, error) {
	if !CanChange(u) {
		return Override{}, errs.ErrForbidden
	}
	reason := strings.TrimSpace(in.Reason)
	if reason == "" {
		return Override{}, errs.Invalidf("请说明调整的理由", "give the reason for the change")
	}
	if err := checkText(reason, MaxReason); err != nil || utf8.RuneCountInString(reason) > MaxReason {
		return Override{}, errs.Invalidf("理由不能超过%d个字", "the reason may have at most %d characters", MaxReason)
	}
	a, err := s.area(ctx, in.AreaCode)
	if err != nil {
		return Override{}, err
	}
	up, _, ok, err := s.upper(ctx, a.Code, 0)
	if err != nil {
		return Override{}, err
	}
	if !ok {
		return Override{}, errs.NotFoundf("上级尚未发布规则集", "no upper level has published a rule set")
	}
	var entry *Entry
	for i := range up.Entries {
		if up.Entries[i].Section == in.Section && up.Entries[i].Key == in.Key {
			entry = &up.Entries[i]
		}
	}
	if entry == nil {
		return Override{}, errs.NotFoundf("上级规则集中没有 %s/%s", "the upper rule set has no entry %s/%s", string(in.Section), in.Key)
	}
	if !entry.Overridable && !in.Withdraw {
		return Override{}, errLocked
	}
	if !in.Withdraw {
		if err := CheckValue(in.Section, in.Key, in.Value); err != nil {
			return Override{}, err
		}
	}
	now := s.clock.Now()
	o := Override{AreaCode: a.Code, Section: in.Section, Key: in.Key, Value: in.Value, Reason: reason, UpperValue: entry.Value,
		UpdatedAt: now.In(clock.BusinessZone()), UpdatedBy: u.ID, Active: !in.Withdraw}
	err = s.db.Tx(ctx, func(tx *sql.Tx) error {
		var prev string
		err := tx.QueryRowContext(ctx, `SELECT value FROM rule_overrides WHERE area_code = $1 AND section = $2 AND entry_key = $3`, a.Code, in.Section, in.Key).Scan(&prev)
		had := err == nil
		if err != nil && err != sql.ErrNoRows {
			return errs.Wrap(err, "rule overrides")
		}
		if in.Withdraw {
			if !had {
				return errs.NotFoundf("本级没有调整 %s/%s", "this area has no override of %s/%s", string(in.Section), in.Key)
			}
			if _, err := tx.ExecContext(ctx, `DELETE FROM rule_overrides WHERE area_code = $1 AND section = $2 AND entry_key = $3`, a.Code, in.Section, in.Key); err != nil {
				return errs.Wrap(err, "rule overrides")
			}
			return s.event(ctx, tx, u, now, a.Code, "withdraw", map[string]any{"section": in.Section, "key": in.Key, "from": prev, "reason": reason, "role": u.Role})
		}
		_, err = tx.ExecContext(ctx, `INSERT INTO rule_overrides (area_code, section, entry_key, value, reason, updated_by, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7)
ON CONFLICT (area_code, section, entry_key) DO UPDATE SET value = excluded.value, reason = excluded.reason, updated_by = excluded.updated_by, updated_at = excluded.updated_at`,
			a.Code, in.Section, in.Key, in.Value, reason, u.ID, now.UnixMilli())
		if err != nil {
			return errs.Wrap(err, "rule overrides")
		}
		from := entry.Value
		if had {
			from = prev
		}
		return s.event(ctx, tx, u, now, a.Code, "override", map[string]any{"section": in.Section, "key": in.Key, "from": from, "to": in.Value, "reason": reason, "role": u.Role})
	})
	return o, err
}

// Overrides is the public list of an area's overrides with their reasons
// beside the upper level's value, and the versions held.
func (s *Service) Overrides(ctx context.Context, u auth.User, areaCode string) (Effective, []Version, error) {
	e, err := s.Effective(ctx, u, areaCode)
	if err != nil {
		return Effective{}, nil, err
	}
	vs, err := s.Versions(ctx, "")
	return e, vs, err
}
