package status

import (
	"context"
	"database/sql"
	"time"

	"github.com/gongzhi/gongzhi/internal/auth"
	"github.com/gongzhi/gongzhi/internal/clock"
	"github.com/gongzhi/gongzhi/internal/errs"
)

// Feature is one feature of the platform and the table whose new rows show
// it in use; a month without any is a month it went unused.
type Feature struct {
	Key   string `json:"key"`
	Table string `json:"table"`
	Rows  int64  `json:"rows"` // created in the month
}

// features lists feature → table; each table has created_at in unix ms.
var features = []struct{ key, table string }{
	{"tickets", "tickets"},
	{"proposals", "proposals"},
	{"votes", "votes"},
	{"elections", "elections"},
	{"surveys", "surveys"},
	{"meetings", "meetings"},
	{"notices", "notices"},
	{"projects", "projects"},
	{"services", "service_requests"},
	{"volunteers", "volunteer_tasks"},
	{"mediation", "mediation_cases"},
	{"screening", "screening_rounds"},
	{"needs", "needs_registrations"},
	{"agreements", "agreements"},
}

// Dormant is a staff account without a session in DormantDays.
type Dormant struct {
	Username string     `json:"username"`
	Role     auth.Role  `json:"role"`
	OrgCode  string     `json:"org_code"`
	Created  time.Time  `json:"created_at"`
	LastSeen *time.Time `json:"last_seen"` // the last use of a session still kept, if any
}

// Usage is the monthly list of dormant accounts and unused features.
type Usage struct {
	Month    string    `json:"month"`
	Features []Feature `json:"features"`
	Unused   []string  `json:"unused"`
	Dormant  []Dormant `json:"dormant_accounts"`
}

// monthRange gives the month's bounds in business time; "" is the last
// complete month before now.
func monthRange(now time.Time, month string) (string, time.Time, time.Time) {
	loc := clock.BusinessZone()
	var from time.Time
	if month == "" {
		n := now.In(loc)
		from = time.Date(n.Year(), n.Month()-1, 1, 0, 0, 0, 0, loc)
	} else {
		t, _ := time.ParseInLocation("2006-01", month, loc)
		from = t
	}
	return from.Format("2006-01"), from, from.AddDate(0, 1, 0)
}

func (s *Service) usage(ctx context.Context, now time.Time, month string) (Usage, error) {
	m, from, to := monthRange(now, month)
	u := Usage{Month: m, Features: []Feature{}, Unused: []string{}}
	for _, f := range features {
		row := Feature{Key: f.key, Table: f.table}
		err := s.db.R.QueryRowContext(ctx, `SELECT COUNT(*) FROM `+f.table+` WHERE created_at >= $1 AND created_at < $2`,
			from.UnixMilli(), to.UnixMilli()).Scan(&row.Rows)
		if err != nil {
			return u, errs.Wrap(err, "status: "+f.table)
		}
		u.Features = append(u.Features, row)
		if row.Rows == 0 {
			u.Unused = append(u.Unused, f.key)
		}
	}
	var err error
	u.Dormant, err = s.dormant(ctx, now)
	return u, err
}

// dormant lists the enabled staff accounts made before the cut-off that
// have no session created or used since it.
func (s *Service) dormant(ctx context.Context, now time.Time) ([]Dormant, error) {
	cut := now.AddDate(0, 0, -DormantDays).UnixMilli()
	rows, err := s.db.R.QueryContext(ctx, `SELECT u.username, u.role, COALESCE(u.org_code, ''), u.created_at,
(SELECT MAX(CASE WHEN x.last_seen > x.created_at THEN x.last_seen ELSE x.created_at END) FROM sessions x WHERE x.user_id = u.id)
FROM users u
WHERE u.role <> $1 AND u.disabled = FALSE AND u.username IS NOT NULL AND u.created_at < $2
AND NOT EXISTS (SELECT 1 FROM sessions x WHERE x.user_id = u.id AND (x.created_at >= $2 OR x.last_seen >= $2))
ORDER BY u.username LIMIT $3`, string(auth.RoleResident), cut, MaxDormant)
	if err != nil {
		return nil, errs.Wrap(err, "status")
	}
	defer rows.Close()
	out := []Dormant{}
	for rows.Next() {
		var d Dormant
		var created int64
		var seen sql.NullInt64
		if err := rows.Scan(&d.Username, &d.Role, &d.OrgCode, &created, &seen); err != nil {
			return nil, errs.Wrap(err, "status")
		}
		d.Created = time.UnixMilli(created)
		if seen.Valid {
			t := time.UnixMilli(seen.Int64)
			d.LastSeen = &t
		}
		out = append(out, d)
	}
	return out, rows.Err()
}

// FeatureKeys are the keys of the features counted, in order.
func FeatureKeys() []string {
	out := make([]string, len(features))
	for i, f := range features {
		out[i] = f.key
	}
	return out
}
