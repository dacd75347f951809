package web

// Messages of the reporter's own actions (撤回, 催办, 补充) and of the state
// machine's new status. Kept apart from i18n.go and merged into messages at
// start.
var smMessages = map[string][2]string{
	"action.withdraw":   {"撤回诉求", "Withdraw the request"},
	"action.urge":       {"催办", "Urge"},
	"action.supplement": {"补充情况", "Add information"},

	"status.withdrawn":  {"已撤回", "Withdrawn"},
	"rstatus.withdrawn": {"您已撤回", "Withdrawn by you"},

	"ev.withdraw":    {"诉求人撤回了诉求", "The reporter withdrew the request"},
	"ev.urge":        {"诉求人催办", "The reporter urged the unit on"},
	"ev.supplement":  {"诉求人补充了情况", "The reporter added information"},
	"rev.withdraw":   {"您撤回了诉求", "You withdrew the request"},
	"rev.urge":       {"您催办了一次", "You urged the unit on"},
	"rev.supplement": {"您补充了情况", "You added information"},

	"notif.urge":       {"诉求人催办", "The reporter urges"},
	"notif.supplement": {"诉求人补充情况", "The reporter added information"},

	"flash.withdraw":   {"您的诉求已撤回。", "Your request has been withdrawn."},
	"flash.urge":       {"已催办，承办单位会收到提醒。", "Done: the unit has been reminded."},
	"flash.supplement": {"补充的情况已送达承办单位。", "Your information has been added to the request."},

	"ra.title":             {"我还可以", "What you can do"},
	"ra.withdraw.hint":     {"诉求尚未派给承办单位，如果问题已经解决或不再需要办理，可以撤回。撤回后不能恢复。", "No unit has the request yet. If the problem is solved or no longer needs handling, you can withdraw it. This cannot be undone."},
	"ra.withdraw.note":     {"撤回原因（可不填）", "Why (optional)"},
	"ra.withdraw.button":   {"确认撤回", "Withdraw it"},
	"ra.urge.hint":         {"承办单位会收到提醒。每个诉求每天可以催办一次。", "The unit gets a reminder. You can urge each request once a day."},
	"ra.urge.note":         {"想对承办单位说的话（可不填）", "A word to the unit (optional)"},
	"ra.urge.button":       {"催办", "Urge"},
	"ra.supplement.hint":   {"补充新的情况、地点或联系方式，承办单位会看到。", "Add new facts, the place or how to reach you; the unit will see it."},
	"ra.supplement.note":   {"补充的内容（2000字以内）", "What to add (up to 2000 characters)"},
	"ra.supplement.button": {"提交补充", "Add it"},

	"f.urges": {"诉求人催办", "Urged by the reporter"},
	"urges.n": {"%d 次", "%d times"},
}
