package proposal

import (
	"strconv"
	"strings"

	"github.com/gongzhi/gongzhi/internal/errs"
	"github.com/gongzhi/gongzhi/internal/gov"
)

// LevelRule is how many co-signatures a proposal of a level needs: at least
// Floor, and at least RatePer10k ten-thousandths of the area's population,
// rounded up.
type LevelRule struct {
	Floor      int64 `json:"floor"`
	RatePer10k int64 `json:"rate_per_10k"`
}

// Rules are the thresholds per level and the periods.
type Rules struct {
	Levels map[gov.Level]LevelRule
	// CollectDays is how long a proposal collects co-signatures (calendar days).
	CollectDays int
	// AnswerDays is how many working days the responsible organisation has
	// to answer an accepted or escalated proposal.
	AnswerDays int
}

// DefaultRules: 院落 5 / 1%, 社区 20 / 0.5%, 街道 100 / 0.1%, 区 500 / 0.05%;
// 30 days of collecting, 10 working days to answer.
func DefaultRules() Rules {
	return Rules{
		Levels: map[gov.Level]LevelRule{
			gov.LevelCourtyard: {Floor: 5, RatePer10k: 100},
			gov.LevelCommunity: {Floor: 20, RatePer10k: 50},
			gov.LevelStreet:    {Floor: 100, RatePer10k: 10},
			gov.LevelDistrict:  {Floor: 500, RatePer10k: 5},
		},
		CollectDays: 30,
		AnswerDays:  10,
	}
}

// Check refuses rules that cannot work.
func (r Rules) Check() error {
	for _, l := range Levels {
		x, ok := r.Levels[l]
		if !ok || x.Floor < 1 || x.Floor > 1_000_000 || x.RatePer10k < 0 || x.RatePer10k > 10_000 {
			return errs.Invalidf("提案门槛设置不正确：%s", "bad proposal threshold for %s", l)
		}
	}
	if r.CollectDays < 1 || r.CollectDays > 365 || r.AnswerDays < 1 || r.AnswerDays > 100 {
		return errs.Invalidf("提案期限设置不正确", "bad proposal periods")
	}
	return nil
}

// Threshold is max(floor, ⌈rate × population⌉) in exact integer arithmetic:
// population is at most MaxPopulation and the rate at most 10,000, so the
// product stays far inside int64.
func (r Rules) Threshold(level gov.Level, population int64) int64 {
	x := r.Levels[level]
	population = max(0, min(population, MaxPopulation))
	byRate := (x.RatePer10k*population + 9_999) / 10_000
	return max(x.Floor, byRate)
}

// ParseRules reads rules from "courtyard=5/100,community=20/50,street=100/10,
// district=500/5,collect=30,answer=10": per level a floor and a rate in
// ten-thousandths of the population, the days of collecting and the
// working days to answer. Parts left out keep their defaults.
func ParseRules(s string) (Rules, error) {
	r := DefaultRules()
	if strings.TrimSpace(s) == "" {
		return r, nil
	}
	bad := errs.Invalidf("提案规则格式不正确：%q", "malformed proposal rules: %q", s)
	for _, part := range strings.Split(s, ",") {
		k, v, ok := strings.Cut(strings.TrimSpace(part), "=")
		if !ok {
			return r, bad
		}
		switch k {
		case "collect", "answer":
			n, err := strconv.Atoi(v)
			if err != nil {
				return r, bad
			}
			if k == "collect" {
				r.CollectDays = n
			} else {
				r.AnswerDays = n
			}
		default:
			floor, rate, ok := strings.Cut(v, "/")
			f, err1 := strconv.ParseInt(floor, 10, 64)
			x, err2 := strconv.ParseInt(rate, 10, 64)
			if !ok || err1 != nil || err2 != nil || !ValidLevel(gov.Level(k)) {
				return r, bad
			}
			r.Levels[gov.Level(k)] = LevelRule{Floor: f, RatePer10k: x}
		}
	}
	return r, r.Check()
}
