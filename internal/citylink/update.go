package citylink

import (
	"context"
	"database/sql"
	"encoding/json"
	"strings"
	"unicode/utf8"

	"github.com/gongzhi/gongzhi/internal/auth"
	"github.com/gongzhi/gongzhi/internal/db"
	"github.com/gongzhi/gongzhi/internal/errs"
	"github.com/gongzhi/gongzhi/internal/ticket"
)

// Change is what an administrator changes of a platform; nil leaves a
// field as it is. Its id, role and inbound key stay: a new key is a new
// registration.
type Change struct {
	Active      *bool              `json:"active"`
	Name        *string            `json:"name"`
	BaseURL     *string            `json:"base_url"`
	OrgCode     *string            `json:"org_code"`
	AreaCode    *string            `json:"area_code"`
	OutboundKey *string            `json:"outbound_key"`
	ServiceMap  *map[string]string `json:"service_map"`
	AreaMap     *map[string]string `json:"area_map"`
}

// Update changes a platform (administrators only). Paused (Active false),
// its key is refused and nothing is sent to it; what waits is sent on
// resuming. A changed map applies to what arrives or leaves from then on.
func (s *Service) Update(ctx context.Context, u auth.User, id string, c Change) (Platform, error) {
	if !CanManage(u) {
		return Platform{}, errManage
	}
	p, err := s.get(ctx, s.db.R, id)
	if err != nil {
		return Platform{}, err
	}
	changed, err := s.apply(ctx, &p, c)
	if err != nil {
		return Platform{}, err
	}
	if len(changed) == 0 {
		return Platform{}, errs.Invalidf("请指定要修改的内容，如 active", "nothing to change: give active or another field")
	}
	now := s.clock.Now()
	sm, _ := json.Marshal(p.ServiceMap)
	am, _ := json.Marshal(p.AreaMap)
	err = s.db.Tx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE citylink_platforms SET active = $1, name = $2, base_url = $3, org_code = $4, area_code = $5,
  outbound_key = $6, service_map = $7, area_map = $8, updated_at = $9 WHERE id = $10`,
			p.Active, p.Name, p.BaseURL, p.OrgCode, p.AreaCode, p.outboundKey, string(sm), string(am), db.Millis(now), id)
		if err != nil {
			return errs.Wrap(err, "update platform")
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return errs.NotFoundf("平台 %s 未登记", "no platform %s", id)
		}
		return db.AppendEvent(ctx, tx, db.Event{Table: "citylink_events", KeyColumn: "platform_id", Key: id, At: now,
			Actor: u.ID, Kind: "update", Detail: map[string]any{"fields": changed}})
	})
	if err != nil {
		return Platform{}, err
	}
	return s.get(ctx, s.db.R, id)
}

// SetActive pauses (false) or resumes a platform.
func (s *Service) SetActive(ctx context.Context, u auth.User, id string, active bool) (Platform, error) {
	return s.Update(ctx, u, id, Change{Active: &active})
}

// apply checks a change and makes it on p; it returns the fields changed.
func (s *Service) apply(ctx context.Context, p *Platform, c Change) ([]string, error) {
	var changed []string
	set := func(name string, dst *string, v *string) {
		if v != nil {
			*dst = strings.TrimSpace(*v)
			changed = append(changed, name)
		}
	}
	if c.Active != nil {
		p.Active = *c.Active
		changed = append(changed, "active")
	}
	if c.Name != nil {
		name := ticket.CleanText(*c.Name)
		if name == "" || utf8.RuneCountInString(name) > MaxName {
			return nil, errs.Invalidf("请填写平台名称（不超过%d字）", "name is required, at most %d characters", MaxName)
		}
		p.Name = name
		changed = append(changed, "name")
	}
	set("org_code", &p.OrgCode, c.OrgCode)
	set("area_code", &p.AreaCode, c.AreaCode)
	set("outbound_key", &p.outboundKey, c.OutboundKey)
	if len(p.outboundKey) > MaxKey || !printable(p.outboundKey) {
		return nil, errs.Invalidf("密钥不能超过%d个可见字符", "keys must be at most %d visible characters", MaxKey)
	}
	if c.BaseURL != nil {
		u, err := s.checkBase(*c.BaseURL)
		if err != nil {
			return nil, err
		}
		p.BaseURL = u
		changed = append(changed, "base_url")
	}
	var err error
	if c.ServiceMap != nil {
		if p.ServiceMap, err = checkMap(*c.ServiceMap, "service_map"); err != nil {
			return nil, err
		}
		changed = append(changed, "service_map")
	}
	if c.AreaMap != nil {
		if p.AreaMap, err = checkMap(*c.AreaMap, "area_map"); err != nil {
			return nil, err
		}
		changed = append(changed, "area_map")
	}
	p.HasOutboundKey = p.outboundKey != ""
	return changed, s.checkRefs(ctx, *p)
}
