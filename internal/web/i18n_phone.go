package web

// phoneMessages are the words of 我的事项, the look-up by phone on /track
// and the registration of a resident with no phone (代老人登记).
var phoneMessages = map[string][2]string{
	"items.rate":        {"去评价", "Rate it"},
	"items.all":         {"全部", "All"},
	"items.awaiting":    {"待评价", "To rate"},
	"items.members":     {"家庭成员：", "Family members:"},
	"items.guest":       {"以下是此手机号名下的全部事项（30分钟内有效）。", "Everything under this phone number (for the next 30 minutes)."},
	"items.guest.empty": {"此手机号名下没有事项。", "Nothing under this phone number."},
	"items.forget":      {"退出查询", "Leave"},
	"nav.mine":          {"我的事项", "My items"},

	"track.phone.title":  {"按手机号查询", "Look up by phone"},
	"track.phone.lead":   {"输入提交或来电时的手机号，收到验证码后即可看到名下全部诉求，不需要记编号。", "Enter the phone number you gave; with the code we send you see all your requests, no number needed."},
	"track.phone.list":   {"查看我的诉求", "Show my requests"},
	"track.number.title": {"按编号查询", "Look up by number"},

	"nav.proxy":        {"代老人登记", "Register for a resident"},
	"proxy.title":      {"代老人登记", "Register for a resident with no phone"},
	"proxy.lead":       {"为没有手机的居民（如独居老人）登记诉求：记下她的姓名和身份证后四位，她可以凭编号或找工作人员查询进度。", "Register a request for a resident with no phone (an elderly person living alone, say): note her name and the last four of her ID card; she follows it by its number or through staff."},
	"proxy.name":       {"居民姓名", "Resident's name"},
	"proxy.idlast4":    {"身份证后四位", "Last four of her ID card"},
	"proxy.idlast4.ph": {"如 123X", "e.g. 123X"},
	"proxy.phone":      {"手机号（没有可不填）", "Phone (leave empty if she has none)"},
	"proxy.button":     {"代为登记", "Register for her"},
	"proxy.slip":       {"请把工单编号抄给居民，她可凭编号查询或来社区询问。", "Give the resident the ticket number: she can look it up or ask at the community office."},
}
