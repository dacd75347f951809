package volunteer

import (
	"strconv"
	"strings"

	"github.com/gongzhi/gongzhi/internal/errs"
)

// Rules are how many points each act earns, whether points are redeemed at
// shops, and how long a redemption code lasts.
type Rules struct {
	Hour    int64 // per confirmed hour of service
	Cosign  int64 // per proposal co-signed
	Meeting int64 // per meeting attended (signed in)
	Survey  int64 // per survey answered
	// Shops switches redemption at partner shops on; off by default.
	Shops bool
	// CodeMinutes is how long a redemption code is good for.
	CodeMinutes int
}

// DefaultRules: 10 points an hour, 2 a co-sign, 5 a meeting, 2 a survey;
// shops off; codes good for two hours.
func DefaultRules() Rules {
	return Rules{Hour: 10, Cosign: 2, Meeting: 5, Survey: 2, CodeMinutes: 120}
}

// Check refuses rules out of bounds.
func (r Rules) Check() error {
	for _, v := range []int64{r.Hour, r.Cosign, r.Meeting, r.Survey} {
		if v < 0 || v > 1000 {
			return errs.Invalidf("积分规则的分值须在0到1000之间", "points of a rule must be 0 to 1000")
		}
	}
	if r.CodeMinutes < 5 || r.CodeMinutes > 7*24*60 {
		return errs.Invalidf("兑换码有效期须在5分钟到7天之间", "a code must last 5 minutes to 7 days")
	}
	return nil
}

// Points returns the points of a cause of participation.
func (r Rules) Points(cause string) int64 {
	switch cause {
	case CauseCosign:
		return r.Cosign
	case CauseMeeting:
		return r.Meeting
	case CauseSurvey:
		return r.Survey
	}
	return 0
}

// ParseRules reads rules like
// "hour=10,cosign=2,meeting=5,survey=2,shops=on,code=120"; what is not
// named keeps its default; empty is the defaults.
func ParseRules(s string) (Rules, error) {
	r := DefaultRules()
	if strings.TrimSpace(s) == "" {
		return r, nil
	}
	bad := errs.Invalidf("积分规则格式不正确：%q", "malformed points rules: %q", s)
	for _, part := range strings.Split(s, ",") {
		k, v, ok := strings.Cut(strings.TrimSpace(part), "=")
		if !ok {
			return r, bad
		}
		if k == "shops" {
			switch v {
			case "on":
				r.Shops = true
			case "off":
				r.Shops = false
			default:
				return r, bad
			}
			continue
		}
		n, err := strconv.ParseInt(v, 10, 64)
		if err != nil {
			return r, bad
		}
		switch k {
		case "hour":
			r.Hour = n
		case "cosign":
			r.Cosign = n
		case "meeting":
			r.Meeting = n
		case "survey":
			r.Survey = n
		case "code":
			r.CodeMinutes = int(n)
		default:
			return r, bad
		}
	}
	return r, r.Check()
}
