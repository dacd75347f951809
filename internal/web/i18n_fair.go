package web

// fairMessages: the dashboards' month under way, the minimum sample, empty
// charts and the dashboard's contents.
var fairMessages = map[string][2]string{
	"dash.partial":       {"本月至今（未完结）", "month to date (partial)"},
	"dash.partial.note":  {"本月尚未结束，数字仍会变化，不作考核结论；默认显示上一个完整月。", "This month is not over: its figures still change and are no verdict; the last complete month is shown by default."},
	"dash.partial.opt":   {"（本月至今，未完结）", "(month to date, partial)"},
	"dash.small":         {"样本不足", "sample too small"},
	"dash.small.note":    {"本月评价少于 %d 条的单位显示“样本不足”：不排名、不分类、不进红黑榜，也不据此下达整改。", "Units with fewer than %d rated tickets this month show “sample too small”: not ranked, classed or listed, and set no rectification."},
	"dash.small.count":   {"另有 %d 个单位样本不足（本月评价少于 %d 条），未排名。", "%d more units had too few rated tickets (fewer than %d) to be ranked."},
	"chart.nodata":       {"暂无数据", "No data"},
	"dash.toc":           {"本页内容", "On this page"},
	"dash.toc.kpis":      {"概况", "Overview"},
	"dash.lists":         {"红榜与黑榜", "Red and black lists"},
	"dash.depts.summary": {"职能部门考核排名（%d 个单位）", "Departments ranked (%d units)"},
	"unit.small":         {"本月评价 %d 条，少于 %d 条：样本不足，不排名、不分类。", "%d rated tickets this month, fewer than %d: sample too small, not ranked or classed."},
}
