package agreement

import (
	"context"
	"strings"
	"time"

	"github.com/gongzhi/gongzhi/internal/auth"
	"github.com/gongzhi/gongzhi/internal/clock"
	"github.com/gongzhi/gongzhi/internal/errs"
	"github.com/gongzhi/gongzhi/internal/gov"
	"github.com/gongzhi/gongzhi/internal/ticket"
)

// Why the staff of an organisation outside the government are refused.
var (
	errNone      = errs.New(errs.Forbidden, "本单位没有生效的服务协议，暂不能使用系统；请联系区政府签订协议", "your organisation has no agreement in force and cannot use the system; ask the district for one")
	errSuspended = errs.New(errs.Forbidden, "本单位的服务协议已暂停，暂不能使用系统", "your organisation's agreement is suspended; access is closed")
	errExpired   = errs.New(errs.Forbidden, "本单位的服务协议已到期，暂不能使用系统", "your organisation's agreement has expired; access is closed")
	errNotYet    = errs.New(errs.Forbidden, "本单位的服务协议尚未生效，暂不能使用系统", "your organisation's agreement has not started yet")
	errEnded     = errs.New(errs.Forbidden, "本单位的服务协议已终止，不能使用系统", "your organisation's agreement has ended; access is closed")
)

// Admit is the auth.Gate: at every authentication of a staff account of an
// organisation, nil for the government's organisations, the grant of the
// agreement in force for the others, and 403 when there is none — at once
// when an agreement is suspended or ended, and from the day after its end
// date. One query: the organisation's kind and its agreements, active first.
func (s *Service) Admit(ctx context.Context, u auth.User) (*auth.Grant, error) {
	rows, err := s.db.R.QueryContext(ctx, `SELECT o.kind, COALESCE(a.id, ''), COALESCE(a.status, ''), COALESCE(a.starts_on, ''), COALESCE(a.ends_on, ''),
COALESCE(a.areas, ''), COALESCE(a.categories, ''), COALESCE(a.data_areas, ''), COALESCE(a.see_phone, FALSE), COALESCE(a.see_name, FALSE), COALESCE(a.see_address, FALSE)
FROM orgs o LEFT JOIN agreements a ON a.org_code = o.code WHERE o.code = $1
ORDER BY CASE WHEN a.status = 'active' THEN 0 ELSE 1 END, a.ends_on DESC LIMIT 20`, u.OrgCode)
	if err != nil {
		return nil, errs.Wrap(err, "admit")
	}
	defer rows.Close()
	today := s.today()
	var why error = errNone
	for rows.Next() {
		var kind gov.OrgKind
		var a Agreement
		var g auth.Grant
		var areas, cats, data string
		if err := rows.Scan(&kind, &a.ID, &a.Status, &a.StartsOn, &a.EndsOn, &areas, &cats, &data, &g.Phone, &g.Name, &g.Address); err != nil {
			return nil, errs.Wrap(err, "admit")
		}
		if kind.Government() {
			return nil, nil
		}
		if a.inForce(today) {
			g.Agreement, g.Areas, g.Categories, g.DataAreas = a.ID, strings.Fields(areas), strings.Fields(cats), strings.Fields(data)
			return &g, nil
		}
		if why == errNone && a.ID != "" {
			why = refusal(a, today)
		}
	}
	if err := rows.Err(); err != nil {
		return nil, errs.Wrap(err, "admit")
	}
	return nil, why
}

// refusal says why the latest agreement admits nobody today.
func refusal(a Agreement, today string) error {
	switch {
	case a.Status == StatusSuspended:
		return errSuspended
	case a.Status == StatusEnded:
		return errEnded
	case today < a.StartsOn:
		return errNotYet
	}
	return errExpired
}

// DutyLimit is the ticket.DutyLimit: the limit of the duty for the
// category, or the nearest one above it, in the organisation's agreement in
// force at the moment.
func (s *Service) DutyLimit(ctx context.Context, orgCode, categoryCode string, at time.Time) (ticket.Limit, bool, error) {
	day := at.In(clock.BusinessZone()).Format(dateLayout)
	rows, err := s.db.R.QueryContext(ctx, `SELECT d.category_code, d.time_limit FROM agreement_duties d JOIN agreements a ON a.id = d.agreement_id
WHERE a.org_code = $1 AND a.status = 'active' AND a.starts_on <= $2 AND a.ends_on >= $2`, orgCode, day)
	if err != nil {
		return ticket.Limit{}, false, errs.Wrap(err, "duty limit")
	}
	defer rows.Close()
	var best ticket.Limit
	bestLen := -1
	for rows.Next() {
		var code, lim string
		if err := rows.Scan(&code, &lim); err != nil {
			return ticket.Limit{}, false, errs.Wrap(err, "duty limit")
		}
		if !strings.HasPrefix(categoryCode, code) || len(code) <= bestLen {
			continue
		}
		l, err := ticket.ParseLimit(lim)
		if err != nil {
			return ticket.Limit{}, false, errs.Wrap(err, "duty limit")
		}
		best, bestLen = l, len(code)
	}
	return best, bestLen >= 0, errs.Wrap(rows.Err(), "duty limit")
}
