package project

import (
	"strconv"
	"strings"

	"github.com/gongzhi/gongzhi/internal/errs"
)

// Budgets are kept in fen (分) and written in yuan with at most two
// decimals: "1250000", "1250000.5", "1,250,000.50".

// ParseYuan reads an amount of yuan as fen, exactly; "" is no amount.
func ParseYuan(s string) (*int64, error) {
	s = strings.ReplaceAll(strings.TrimSpace(s), ",", "")
	s = strings.TrimPrefix(strings.TrimPrefix(s, "¥"), "￥")
	if s == "" {
		return nil, nil
	}
	bad := errs.Invalidf("预算应为以元计的金额，最多两位小数，如 1250000.50", "the budget is an amount of yuan with at most two decimals, such as 1250000.50")
	whole, frac, _ := strings.Cut(s, ".")
	if whole == "" || len(whole) > 13 || len(frac) > 2 || strings.Trim(whole, "0123456789") != "" || strings.Trim(frac, "0123456789") != "" {
		return nil, bad
	}
	for len(frac) < 2 {
		frac += "0"
	}
	w, err := strconv.ParseInt(whole, 10, 64)
	if err != nil {
		return nil, bad
	}
	f, _ := strconv.ParseInt(frac, 10, 64)
	fen := w*100 + f
	if fen > MaxBudgetFen {
		return nil, errs.Invalidf("预算须为0到一万亿元", "the budget must be from 0 to one trillion yuan")
	}
	return &fen, nil
}

// FormatYuan writes fen as yuan with thousands separated: "1,250,000.50".
func FormatYuan(fen int64) string {
	neg := fen < 0
	if neg {
		fen = -fen
	}
	whole := strconv.FormatInt(fen/100, 10)
	var b strings.Builder
	for i, c := range whole {
		if i > 0 && (len(whole)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(c)
	}
	out := b.String() + "." + strconv.FormatInt(fen%100/10, 10) + strconv.FormatInt(fen%10, 10)
	if neg {
		return "-" + out
	}
	return out
}
