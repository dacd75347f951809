package web

// agendaMessages are the words of the one list of what a resident takes
// part in (我的事项) and of the staff's to-do (待办).
var agendaMessages = map[string][2]string{
	"my.agenda":             {"我参与的事项", "What I take part in"},
	"nav.todo":              {"待办事项", "To do"},
	"todo.title":            {"待办事项", "To do"},
	"todo.lead":             {"本人或本单位须答复、办理的参与事项（提案、异议、议事会任务等），期限最近的在前。工单在工作台。", "What you or your unit must answer in participation (proposals, objections, meeting tasks, …), the earliest due first. Tickets are on the workbench."},
	"todo.q":                {"按标题或编号筛选", "Filter by title or reference"},
	"todo.search":           {"筛选", "Filter"},
	"todo.none":             {"没有待办事项。", "Nothing to do."},
	"agenda.due":            {"期限 %s", "due %s"},
	"agenda.needs":          {"待您处理", "Waiting for you"},
	"agenda.kind.proposal":  {"提案", "Proposal"},
	"agenda.kind.vote":      {"业主表决", "Owners' vote"},
	"agenda.role.raised":    {"我提出的", "Raised by me"},
	"agenda.role.cosigned":  {"我附议的", "Co-signed"},
	"agenda.role.owner":     {"我是业主", "As an owner"},
	"unit.part.ontime":      {"提案按时答复率", "Proposals answered on time"},
	"unit.part.perthousand": {"每千名居民参与人数", "Residents taking part per 1,000"},
	"unit.part.projects":    {"重点项目居民评价率", "Key projects evaluated by residents"},
	"agenda.role.answer":    {"本单位须答复", "My unit must answer"},
}
