package notice

import (
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/gongzhi/gongzhi/internal/errs"
	"github.com/gongzhi/gongzhi/internal/plaintext"
)

// A finance item's table: lines of income and expense, each an item and an
// amount in fen (分) held in BIGINT, shown as yuan with two decimals. Sums
// are exact: at most MaxLines lines of at most MaxAmountFen each.

// Directions of a line.
const (
	Income  = "income"
	Expense = "expense"
)

// Line is one line of a finance item's table.
type Line struct {
	Direction string `json:"direction"`
	Item      string `json:"item"`
	AmountFen int64  `json:"amount_fen"`
	// Amount is AmountFen in yuan, "1234.50", filled in when read.
	Amount string `json:"amount"`
}

func checkLines(lines []Line) error {
	if len(lines) > MaxLines {
		return errs.Invalidf("收支明细最多%d行", "at most %d lines", MaxLines)
	}
	for i := range lines {
		l := &lines[i]
		l.Item = strings.TrimSpace(plaintext.Clean(l.Item))
		if l.Direction != Income && l.Direction != Expense {
			return errs.Invalidf("第%d行：收支方向应为 income 或 expense", "line %d: direction must be income or expense", i+1)
		}
		if l.Item == "" || utf8.RuneCountInString(l.Item) > MaxItem || strings.ContainsAny(l.Item, "\r\n") {
			return errs.Invalidf("第%d行：项目名称不能为空且不超过%d字", "line %d: the item must be 1 to %d characters", i+1, MaxItem)
		}
		if l.AmountFen <= 0 || l.AmountFen > MaxAmountFen {
			return errs.Invalidf("第%d行：金额应大于0且不超过一万亿元", "line %d: the amount must be above 0 and at most ten trillion yuan", i+1)
		}
	}
	return nil
}

// totals sums the lines' income and expense.
func totals(lines []Line) (income, expense int64) {
	for _, l := range lines {
		if l.Direction == Income {
			income += l.AmountFen
		} else {
			expense += l.AmountFen
		}
	}
	return income, expense
}

// Yuan writes an amount in fen as yuan with two decimals: 123450 → "1234.50",
// -5 → "-0.05".
func Yuan(fen int64) string {
	sign := ""
	u := uint64(fen)
	if fen < 0 {
		sign, u = "-", uint64(-(fen+1))+1
	}
	cents := u % 100
	return sign + strconv.FormatUint(u/100, 10) + "." + string(rune('0'+cents/10)) + string(rune('0'+cents%10))
}

var errAmount = errs.Invalidf("金额格式不正确，应为元，最多两位小数，如 1234.50", "malformed amount: yuan with at most two decimals, like 1234.50")

// ParseYuan reads an amount of yuan with at most two decimals ("1234.5",
// "0.05") into fen, exactly; no sign and no thousands separator is taken.
func ParseYuan(s string) (int64, error) {
	s = strings.TrimSpace(s)
	whole, frac, dot := strings.Cut(s, ".")
	if whole == "" || len(whole) > 13 || strings.Trim(whole, "0123456789") != "" || (dot && (frac == "" || len(frac) > 2)) ||
		strings.Trim(frac, "0123456789") != "" {
		return 0, errAmount
	}
	for len(frac) < 2 {
		frac += "0"
	}
	w, err := strconv.ParseInt(whole, 10, 64)
	if err != nil {
		return 0, errAmount
	}
	f, _ := strconv.ParseInt(frac, 10, 64)
	return w*100 + f, nil
}

// ParseLines reads a finance table written one line a line as
// "item,收入|支出,amount" (income or expense in English too; a Chinese
// comma as well as a comma), for the staff's form.
func ParseLines(text string) ([]Line, error) {
	var out []Line
	for i, raw := range strings.Split(strings.ReplaceAll(text, "\r\n", "\n"), "\n") {
		raw = strings.TrimSpace(strings.ReplaceAll(raw, "，", ","))
		if raw == "" {
			continue
		}
		if len(out) >= MaxLines {
			return nil, errs.Invalidf("收支明细最多%d行", "at most %d lines", MaxLines)
		}
		parts := strings.Split(raw, ",")
		if len(parts) < 3 {
			return nil, errs.Invalidf("第%d行应为：项目,收入或支出,金额", "line %d must be: item,income or expense,amount", i+1)
		}
		amount := parts[len(parts)-1]
		dir := strings.TrimSpace(parts[len(parts)-2])
		l := Line{Item: strings.TrimSpace(strings.Join(parts[:len(parts)-2], ","))}
		switch strings.ToLower(dir) {
		case "收入", Income:
			l.Direction = Income
		case "支出", Expense:
			l.Direction = Expense
		default:
			return nil, errs.Invalidf("第%d行：应写明收入或支出", "line %d: say income or expense", i+1)
		}
		fen, err := ParseYuan(amount)
		if err != nil {
			return nil, errs.Invalidf("第%d行：金额格式不正确，如 1234.50", "line %d: malformed amount, like 1234.50", i+1)
		}
		l.AmountFen = fen
		out = append(out, l)
	}
	return out, checkLines(out)
}

// FormatLines writes lines as ParseLines reads them back, one a line:
// "item,收入|支出,amount".
func FormatLines(lines []Line) string {
	var b strings.Builder
	for _, l := range lines {
		dir := "收入"
		if l.Direction == Expense {
			dir = "支出"
		}
		b.WriteString(l.Item + "," + dir + "," + Yuan(l.AmountFen) + "\n")
	}
	return b.String()
}
