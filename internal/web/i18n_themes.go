package web

// themeMessages are the words of the monthly themes' page (每月一题).
var themeMessages = map[string][2]string{
	"nav.themes":         {"每月一题", "Monthly themes"},
	"themes.title":       {"每月一题", "Monthly themes"},
	"themes.lead":        {"%s 辖区内 %d 件诉求中反复出现的问题，按工单数、居民数和重复反映率排序。", "The problems that recur among the %[2]d requests of %[1]s in your area, ranked by tickets, residents and repeat rate."},
	"themes.partial":     {"本月尚未结束，数字会继续变化。", "The month is still under way: the figures will change."},
	"themes.sampled":     {"本月工单较多，以 %d 件样本归纳主题，其余按主题关键词归入。", "A large month: the themes come from a sample of %d tickets; the others join them by their words."},
	"themes.none":        {"本月没有反复出现的问题（每个主题至少3件工单）。", "No recurring problem this month (a theme has at least 3 tickets)."},
	"themes.tickets":     {"工单", "Tickets"},
	"themes.residents":   {"居民", "Residents"},
	"themes.repeat":      {"重复反映率", "Repeat rate"},
	"themes.repeat.hint": {"反映人当月就此问题反映不止一次的工单占比", "share of tickets whose reporter raised it more than once this month"},
	"themes.words":       {"关键词", "Words"},
	"themes.areas":       {"地区", "Areas"},
	"themes.units":       {"承办单位", "Units"},
	"themes.categories":  {"分类", "Categories"},
	"themes.dates":       {"时间", "Dates"},
	"themes.span":        {"%s 至 %s", "%s to %s"},
	"themes.list":        {"查看相关工单", "See its tickets"},
	"themes.sample":      {"工单示例（%d）", "Sample tickets (%d)"},
	"themes.rect":        {"转为整改任务", "Make it a rectification task"},
	"themes.rect.unit":   {"整改单位", "Unit"},
	"themes.rect.due":    {"整改期限", "Deadline"},
	"themes.unplaced":    {"未定位", "no area"},
	"themes.unassigned":  {"未派单", "not dispatched"},
}
