package web

// requesterMessages are the words of enterprises' requests (企业诉求): the
// choice on the filing forms and the staff's figures by requester.
var requesterMessages = map[string][2]string{
	"ent.legend":          {"诉求主体", "Who is asking"},
	"ent.kind.resident":   {"我是居民", "I am a resident"},
	"ent.kind.enterprise": {"我代表企业", "I speak for an enterprise"},
	"ent.code":            {"统一社会信用代码（代表企业时填写）", "Unified social credit code (for an enterprise)"},
	"ent.code.hint":       {"18位，见营业执照；联系电话填写企业联系人的手机号。", "18 characters, on the business licence; the phone is the enterprise contact's."},
	"ent.fig.title":       {"居民与企业诉求", "Residents' and enterprises' requests"},
	"ent.fig.lead":        {"期内办结的工单按诉求主体分列：件数、响应率、按期办结率、解决率和满意率。", "Tickets closed in the period, by who asked: counts, response, on-time, resolution and satisfaction rates."},
	"ent.fig.caption":     {"%s 按诉求主体", "%s by requester"},
	"ent.fig.kind":        {"诉求主体", "Requester"},
	"ent.fig.tickets":     {"办结件数", "Closed"},
	"ent.fig.rated":       {"已评价", "Rated"},
	"ent.fig.response":    {"响应率", "Response"},
	"ent.fig.ontime":      {"按期办结率", "On time"},
	"ent.fig.resolved":    {"解决率", "Resolved"},
	"ent.fig.satisfied":   {"满意率", "Satisfied"},
	"ent.fig.month":       {"月份", "Month"},
	"ent.fig.show":        {"查看", "Show"},
	"ent.fig.list":        {"查看工单", "Tickets"},
	"ent.fig.units":       {"按牵头单位", "By lead unit"},
	"ent.fig.units.lead":  {"期内办结过企业诉求的单位，企业诉求多者在前；同一单位的居民诉求列在旁边以便比较。", "The units that closed an enterprise's request in the period, the most first, each beside its residents' requests."},
	"ent.fig.units.none":  {"本期没有办结的企业诉求。", "No enterprise's request was closed in the period."},
	"ent.fig.unit":        {"单位", "Unit"},
	"ent.code.short":      {"统一社会信用代码", "Credit code"},
	"ent.row.resident":    {"居民诉求", "Residents"},
	"ent.row.enterprise":  {"企业诉求", "Enterprises"},
}
