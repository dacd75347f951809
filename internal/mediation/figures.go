package mediation

import (
	"context"
	"sort"

	"github.com/gongzhi/gongzhi/internal/auth"
	"github.com/gongzhi/gongzhi/internal/errs"
)

// Figures are the figures of mediation in an area, for the evaluation.
type Figures struct {
	AreaCode string `json:"area_code"`
	Cases    int    `json:"cases"`
	// ByType counts the cases by dispute type and colour.
	ByType map[string]map[Risk]int `json:"by_type"`
	ByRisk map[Risk]int            `json:"by_risk"`
	Open   int                     `json:"open"`
	Ended  int                     `json:"ended"`
	Agreed int                     `json:"agreed"`
	// SuccessRate is agreements over ended cases (agreed, refused or
	// terminated), 0 to 1; nil with no ended case.
	SuccessRate *float64 `json:"success_rate"`
	// MedianDaysToAgreement is the median of the days from opening to
	// agreement.
	MedianDaysToAgreement *float64 `json:"median_days_to_agreement"`
	FollowedUp            int      `json:"followed_up"`
	// PerformanceRate is the agreements performed in full over those
	// followed up.
	PerformanceRate *float64 `json:"performance_rate"`
	Written         int      `json:"written"`
	Applied         int      `json:"confirmation_applied"`
	Granted         int      `json:"confirmation_granted"`
	// ConfirmationRate is the written agreements whose parties applied for
	// judicial confirmation over the written agreements.
	ConfirmationRate *float64 `json:"confirmation_rate"`
}

func rate(n, d int) *float64 {
	if d == 0 {
		return nil
	}
	r := float64(n) / float64(d)
	return &r
}

// Figures counts the cases of the area (every area with "", for the
// administrator and auditors; staff's own area otherwise) opened in
// [from, to) (milliseconds; zero for no bound).
func (s *Service) Figures(ctx context.Context, u auth.User, areaCode string, from, to int64) (Figures, error) {
	if areaCode == "" && !u.IsAdmin() && u.Role != auth.RoleAuditor {
		areaCode = u.AreaCode // staff read their own area unless they name one within it
	}
	if !CanReadFigures(u, areaCode) {
		return Figures{}, errs.ErrForbidden
	}
	lo, hi := areaCode, areaCode+"~"
	if to == 0 {
		to = 1 << 62
	}
	rows, err := s.db.R.QueryContext(ctx, `SELECT dispute_type, risk, status, agreement, performed, confirmation, created_at, agreed_at FROM mediation_cases
WHERE area_code >= $1 AND area_code < $2 AND created_at >= $3 AND created_at < $4`, lo, hi, from, to)
	if err != nil {
		return Figures{}, errs.Wrap(err, "mediation figures")
	}
	defer rows.Close()
	f := Figures{AreaCode: areaCode, ByType: map[string]map[Risk]int{}, ByRisk: map[Risk]int{}}
	var days []float64
	performed := 0
	for rows.Next() {
		var typ, risk, status, kind, perf, conf string
		var created int64
		var agreed *int64
		if err := rows.Scan(&typ, &risk, &status, &kind, &perf, &conf, &created, &agreed); err != nil {
			return Figures{}, errs.Wrap(err, "scan figures")
		}
		f.Cases++
		if f.ByType[typ] == nil {
			f.ByType[typ] = map[Risk]int{}
		}
		f.ByType[typ][Risk(risk)]++
		f.ByRisk[Risk(risk)]++
		if Status(status).Open() {
			f.Open++
			continue
		}
		f.Ended++
		if status != string(StatusAgreed) {
			continue
		}
		f.Agreed++
		if agreed != nil {
			days = append(days, float64(*agreed-created)/86400000)
		}
		if perf != "" {
			f.FollowedUp++
			if perf == Performed {
				performed++
			}
		}
		if kind == AgreementWritten {
			f.Written++
			if conf != ConfirmNone {
				f.Applied++
			}
			if conf == ConfirmGranted {
				f.Granted++
			}
		}
	}
	if err := rows.Err(); err != nil {
		return Figures{}, errs.Wrap(err, "mediation figures")
	}
	f.SuccessRate = rate(f.Agreed, f.Ended)
	f.PerformanceRate = rate(performed, f.FollowedUp)
	f.ConfirmationRate = rate(f.Applied, f.Written)
	if len(days) > 0 {
		sort.Float64s(days)
		m := days[len(days)/2]
		if len(days)%2 == 0 {
			m = (days[len(days)/2-1] + days[len(days)/2]) / 2
		}
		f.MedianDaysToAgreement = &m
	}
	return f, nil
}
