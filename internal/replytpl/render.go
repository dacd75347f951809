package replytpl

import (
	"fmt"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/gongzhi/gongzhi/internal/clock"
	"github.com/gongzhi/gongzhi/internal/errs"
)

// Placeholder is one name a template may hold in braces, {编号}, filled
// from the ticket when the template is rendered.
type Placeholder struct {
	Name string `json:"name"`
	Zh   string `json:"zh"` // what it becomes, for the staff
	En   string `json:"en"`
}

// Placeholder names.
const (
	PNumber     = "编号"
	PSalutation = "诉求人称呼"
	PCreated    = "受理时间"
	PCategory   = "诉求分类"
	PPlace      = "地点"
	PUnit       = "承办单位"
	PUnitPhone  = "单位电话"
	PDue        = "办结时限"
	PToday      = "答复日期"
)

// Placeholders are the names a template may use, in the order the pages
// list them. The reply goes to the resident and may be published (masked),
// so none of them is her phone or her full name.
var Placeholders = []Placeholder{
	{PNumber, "工单编号，如 20261202000123", "the ticket's number"},
	{PSalutation, "诉求人称呼：记录为“王女士”的照写；只知姓名时写“王女士/先生”；不知道或保密时写“市民”，从不写全名和电话",
		"how the reporter is addressed: 王女士 as recorded, 王女士/先生 from a full name, 市民 when unknown or confidential; never her full name or phone"},
	{PCreated, "受理时间，如 2026年12月2日 09:30", "when the request was registered"},
	{PCategory, "诉求分类名称", "the category's name"},
	{PPlace, "地点：诉求地址（门牌室号、电话等已隐去），没有地址时为所在社区", "the place: the address with room and phone numbers hidden, or its community"},
	{PUnit, "承办单位名称（尚未派单时为答复人所在单位）", "the handling unit (before dispatch, the replying staff member's unit)"},
	{PUnitPhone, "承办单位的对外电话", "the handling unit's public phone"},
	{PDue, "办结时限，如 2026年12月9日 17:30", "the completion deadline"},
	{PToday, "答复日期（今天）", "today's date, the day of the reply"},
}

func known(name string) bool {
	for _, p := range Placeholders {
		if p.Name == name {
			return true
		}
	}
	return false
}

// KnownList is the placeholders as they are written, joined by sep, for
// messages.
func KnownList(sep string) string {
	names := make([]string, len(Placeholders))
	for i, p := range Placeholders {
		names[i] = "{" + p.Name + "}"
	}
	return strings.Join(names, sep)
}

// scan walks body, calling text for plain text and name for each
// placeholder. A brace that does not open a known placeholder, or closes
// none, is an error that lists the known ones.
func scan(body string, text func(string), name func(string)) error {
	for body != "" {
		i := strings.IndexAny(body, "{}")
		if i < 0 {
			text(body)
			return nil
		}
		text(body[:i])
		rest := body[i:]
		end := strings.IndexByte(rest, '}')
		if rest[0] == '}' || end < 0 || !known(rest[1:end]) {
			bad := rest
			if end >= 0 && rest[0] == '{' {
				bad = rest[:end+1]
			}
			if utf8.RuneCountInString(bad) > 12 {
				bad = string([]rune(bad)[:12]) + "…"
			}
			return errs.New(errs.Invalid, fmt.Sprintf("模板中有未知的占位符 %s；大括号只用于占位符，可用的有：%s", bad, KnownList("、")),
				fmt.Sprintf("the template has an unknown placeholder %s; braces only mark placeholders, which are: %s", bad, KnownList(", ")))
		}
		name(rest[1:end])
		body = rest[end+1:]
	}
	return nil
}

// CheckBody reports an unknown placeholder in body.
func CheckBody(body string) error { return scan(body, func(string) {}, func(string) {}) }

// Fill puts the values into body's placeholders. It returns the text and
// the placeholders that had no value (left empty), each once.
func Fill(body string, values map[string]string) (string, []string) {
	var b strings.Builder
	missing := []string{}
	err := scan(body, func(s string) { b.WriteString(s) }, func(n string) {
		v := values[n]
		if v == "" && !contains(missing, n) {
			missing = append(missing, n)
		}
		b.WriteString(v)
	})
	if err != nil { // a template saved before a placeholder was withdrawn
		return body, missing
	}
	return b.String(), missing
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// dateTime writes a time as the reply does: 2026年12月2日 09:30.
func dateTime(t time.Time) string {
	t = t.In(clock.BusinessZone())
	return fmt.Sprintf("%d年%d月%d日 %02d:%02d", t.Year(), int(t.Month()), t.Day(), t.Hour(), t.Minute())
}

func date(t time.Time) string {
	t = t.In(clock.BusinessZone())
	return fmt.Sprintf("%d年%d月%d日", t.Year(), int(t.Month()), t.Day())
}

// Generic is how a reporter is addressed when her name is not to be used.
const Generic = "市民"

// compound are the two-character surnames common enough to be met.
var compound = []string{"欧阳", "司马", "诸葛", "上官", "东方", "皇甫", "尉迟", "公孙", "慕容", "令狐", "长孙", "宇文", "司徒", "夏侯", "轩辕", "端木", "南宫", "西门"}

// Salutation is how the reply addresses the reporter: a name recorded as
// 王女士 or 李先生 as it is; a full Chinese name as its surname and
// 女士/先生, since the gender is not recorded; anything else, and any
// reporter who asked for confidentiality or whose name the reader may not
// see, as 市民. The full name is never written.
func Salutation(name string, confidential bool) string {
	name = strings.TrimSpace(name)
	if confidential || name == "" || !allHan(name) {
		return Generic
	}
	n := utf8.RuneCountInString(name)
	for _, title := range []string{"女士", "先生"} {
		if strings.HasSuffix(name, title) && n >= 3 && n <= 4 {
			return name
		}
	}
	switch name {
	case "匿名", "市民", "居民", "未知", "不详", "无":
		return Generic
	}
	if n < 2 || n > 4 {
		return Generic
	}
	for _, c := range compound {
		if strings.HasPrefix(name, c) && n >= 3 {
			return c + "女士/先生"
		}
	}
	return string([]rune(name)[:1]) + "女士/先生"
}

func allHan(s string) bool {
	for _, r := range s {
		if !unicode.Is(unicode.Han, r) {
			return false
		}
	}
	return true
}
