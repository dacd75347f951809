package agreement

import (
	"context"
	"sort"
	"strings"
	"time"

	"github.com/gongzhi/gongzhi/internal/auth"
	"github.com/gongzhi/gongzhi/internal/clock"
	"github.com/gongzhi/gongzhi/internal/db"
	"github.com/gongzhi/gongzhi/internal/errs"
	"github.com/gongzhi/gongzhi/internal/gov"
)

// MaxReportItems is how many items a user's line names at most; the count
// is always whole.
const MaxReportItems = 200

// maxReportRows bounds the entries one report reads.
const maxReportRows = 200000

// Report is a month's reads of personal data by the staff of the
// organisations outside the government, per organisation and per user.
type Report struct {
	Month string      `json:"month"`
	From  time.Time   `json:"from"`
	To    time.Time   `json:"to"`
	Total int         `json:"total"`
	Orgs  []ReportOrg `json:"orgs"`
}

// ReportOrg is one organisation's reads.
type ReportOrg struct {
	OrgCode string       `json:"org_code"`
	OrgName string       `json:"org_name"`
	OrgKind string       `json:"org_kind"`
	Count   int          `json:"count"`
	Users   []ReportUser `json:"users"`
}

// ReportUser is one account's reads: how many, and which items (ticket:…,
// at most MaxReportItems, each once), with the fields read.
type ReportUser struct {
	UserID   string   `json:"user_id"`
	Username string   `json:"username"`
	Name     string   `json:"name"`
	Count    int      `json:"count"`
	Items    []string `json:"items"`
}

// ParseMonth reads "2026-11" as the month's bounds in business time; empty
// is the month of now.
func ParseMonth(month string, now time.Time) (string, time.Time, time.Time, error) {
	zone := clock.BusinessZone()
	if month == "" {
		month = now.In(zone).Format("2006-01")
	}
	from, err := time.ParseInLocation("2006-01", strings.TrimSpace(month), zone)
	if err != nil {
		return "", time.Time{}, time.Time{}, errs.Invalidf("月份格式应为 2026-11：%q", "month is written 2026-11: %q", month)
	}
	return from.Format("2006-01"), from, from.AddDate(0, 1, 0), nil
}

// outsideKinds are the kinds of organisation outside the government.
func outsideKinds() []string {
	var out []string
	for _, k := range gov.OrgKinds {
		if !k.Government() {
			out = append(out, string(k))
		}
	}
	return out
}

// MonthlyReport returns the month's reads of personal data by the staff of
// organisations outside the government (audit action view_personal_data),
// for one who may read it; the reading itself goes in the audit log.
func (s *Service) MonthlyReport(ctx context.Context, u auth.User, month string) (Report, error) {
	if !CanReadReport(u) {
		return Report{}, errs.New(errs.Forbidden, "只有系统管理员和区级督办人员可以查看个人信息查阅月报", "only the administrator and the district's supervisors read the monthly report of personal data reads")
	}
	m, from, to, err := ParseMonth(month, s.clock.Now())
	if err != nil {
		return Report{}, err
	}
	var qc db.Conds
	qc.Add("l.action = ? AND l.at >= ? AND l.at < ?", auth.AuditViewPersonal, from.UnixMilli(), to.UnixMilli())
	qc.In("o.kind", outsideKinds())
	q := `SELECT l.user_id, l.username, u.name, o.code, o.name, o.kind, l.object, l.detail FROM audit_log l
JOIN users u ON u.id = l.user_id JOIN orgs o ON o.code = u.org_code
WHERE ` + qc.And() + ` ORDER BY o.code, l.username, l.at LIMIT ` + qc.Arg(maxReportRows)
	rows, err := s.db.R.QueryContext(ctx, q, qc.Args...)
	if err != nil {
		return Report{}, errs.Wrap(err, "personal data report")
	}
	defer rows.Close()
	r := Report{Month: m, From: from, To: to, Orgs: []ReportOrg{}}
	seen := map[string]map[string]bool{}
	for rows.Next() {
		var ru ReportUser
		var o ReportOrg
		var object, detail string
		if err := rows.Scan(&ru.UserID, &ru.Username, &ru.Name, &o.OrgCode, &o.OrgName, &o.OrgKind, &object, &detail); err != nil {
			return Report{}, errs.Wrap(err, "personal data report")
		}
		r.add(o, ru, object, detail, seen)
	}
	if err := rows.Err(); err != nil {
		return Report{}, errs.Wrap(err, "personal data report")
	}
	sort.SliceStable(r.Orgs, func(i, j int) bool { return r.Orgs[i].Count > r.Orgs[j].Count })
	if err := s.auth.Audit(ctx, u, auth.AuditReadLog, "audit_log", "personal data report "+m); err != nil {
		return Report{}, err
	}
	return r, nil
}

// add counts one read under its organisation and user (rows come ordered
// by both).
func (r *Report) add(o ReportOrg, ru ReportUser, object, detail string, seen map[string]map[string]bool) {
	r.Total++
	if n := len(r.Orgs); n == 0 || r.Orgs[n-1].OrgCode != o.OrgCode {
		o.Users = []ReportUser{}
		r.Orgs = append(r.Orgs, o)
	}
	org := &r.Orgs[len(r.Orgs)-1]
	org.Count++
	if n := len(org.Users); n == 0 || org.Users[n-1].UserID != ru.UserID {
		ru.Items = []string{}
		org.Users = append(org.Users, ru)
		seen[ru.UserID] = map[string]bool{}
	}
	us := &org.Users[len(org.Users)-1]
	us.Count++
	item := object
	if _, fields, ok := strings.Cut(detail, ": "); ok {
		item += " (" + fields + ")"
	}
	if !seen[us.UserID][item] && len(us.Items) < MaxReportItems {
		seen[us.UserID][item] = true
		us.Items = append(us.Items, item)
	}
}
