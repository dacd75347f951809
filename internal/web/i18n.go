package web

import (
	"fmt"
	"html/template"
	"time"
	"unicode/utf8"

	"github.com/gongzhi/gongzhi/internal/ticket"
)

// langs are the page languages; the first is the default.
var langs = []string{"zh", "en"}

// tr translates key into lang, formatting args into it; a missing key shows
// itself so it is easy to spot.
func tr(lang, key string, args ...any) string {
	m, ok := messages[key]
	if !ok {
		return key
	}
	s := m[0]
	if lang == "en" {
		s = m[1]
	}
	if len(args) > 0 {
		return fmt.Sprintf(s, args...)
	}
	return s
}

// funcs are the template functions, bound to one language.
func (s *Server) funcs(lang string) template.FuncMap {
	return template.FuncMap{
		"t":           func(key string, args ...any) string { return tr(lang, key, args...) },
		"date":        s.fmtTime,
		"deref":       func(b *bool) bool { return b != nil && *b },
		"list":        func(xs ...string) []string { return xs },
		"canRegister": canRegister,
		"short": func(text string, n int) string {
			if utf8.RuneCountInString(text) <= n {
				return text
			}
			r := []rune(text)
			return string(r[:n]) + "…"
		},
		// due is the next deadline of an open ticket.
		"due": func(t ticket.Ticket) string {
			var d *time.Time
			switch t.Status {
			case ticket.StatusRegistered, ticket.StatusDispatched:
				d = t.DueSignAt
			case ticket.StatusSigned:
				d = t.DueContactAt
			case ticket.StatusInProgress:
				d = t.DueCompleteAt
			default:
				return "—"
			}
			return s.fmtTime(d)
		},
	}
}

// messages is the one translation table: key → {Chinese, English}.
var messages = map[string][2]string{
	"site.name":   {"共治", "Gongzhi"},
	"site.staff":  {"工作台", "Staff"},
	"site.footer": {"共治 · 基层治理接诉即办平台", "Gongzhi · grassroots governance, requests handled on receipt"},

	"nav.skip":       {"跳到正文", "Skip to content"},
	"nav.home":       {"返回首页", "Back to home"},
	"nav.login":      {"登录", "Log in"},
	"nav.logout":     {"退出", "Log out"},
	"nav.big":        {"大字模式", "Large text"},
	"nav.small":      {"标准字号", "Normal text"},
	"nav.stafflogin": {"工作人员登录", "Staff login"},
	"nav.workbench":  {"工作台", "Workbench"},
	"nav.register":   {"登记诉求", "Register a request"},
	"nav.users":      {"用户管理", "Users"},

	"home.title":       {"首页", "Home"},
	"home.heading":     {"有事您说话，我们马上办", "Tell us what's wrong — we act on it"},
	"home.lead":        {"反映身边的问题、提出建议或咨询政策，诉求直达责任单位，限时办理，办完请您评价。", "Report a problem, make a suggestion or ask a question. Your request goes straight to the responsible unit, is handled within a time limit, and you rate the result."},
	"home.submit":      {"我要反映", "Submit a request"},
	"home.submit.hint": {"问题、求助、投诉、建议", "Problems, help, complaints, suggestions"},
	"home.track":       {"查询进度", "Track my request"},
	"home.track.hint":  {"凭工单编号和手机号查询", "With the ticket number and your phone"},
	"home.my":          {"我的诉求", "My requests"},
	"home.my.hint":     {"查看办理情况并评价", "Follow and rate them"},
	"home.login":       {"登录", "Log in"},
	"home.login.hint":  {"手机号 + 验证码", "Phone number and one-time code"},
	"home.how":         {"办理流程", "How it works"},
	"home.step1":       {"提交诉求，获得工单编号", "Submit and get a ticket number"},
	"home.step2":       {"派单到责任单位", "It is sent to the responsible unit"},
	"home.step3":       {"单位联系您并办理答复", "The unit contacts you, handles it and replies"},
	"home.step4":       {"您评价办理结果", "You rate the result"},
	"home.hotline":     {"不方便上网？请拨打 12345 热线，或请社区网格员代为登记。", "Not online? Call the 12345 hotline, or ask your community grid worker to register it for you."},

	"submit.title":  {"我要反映", "Submit a request"},
	"submit.lead":   {"带 * 的为必填项。请尽量写清时间、地点和具体情况。", "Fields marked * are required. Please say when, where and what happened."},
	"submit.button": {"提交", "Submit"},

	"submitted.title":   {"提交成功", "Submitted"},
	"submitted.heading": {"您的诉求已提交", "Your request has been submitted"},
	"submitted.number":  {"工单编号", "Ticket number"},
	"submitted.keep":    {"请记下工单编号。凭编号和手机号可随时查询办理进度；答复后请您评价。", "Please keep the ticket number. With it and your phone number you can follow the request at any time; after the reply, please rate it."},
	"submitted.view":    {"查看工单", "View the ticket"},

	"track.title":  {"查询进度", "Track a request"},
	"track.lead":   {"输入工单编号和提交时填写的手机号。", "Enter the ticket number and the phone number you gave."},
	"track.button": {"查询", "Look up"},

	"ticket.title":        {"工单详情", "Ticket"},
	"ticket.no":           {"工单", "Ticket"},
	"ticket.reply":        {"办理答复", "Reply"},
	"ticket.rating":       {"评价", "Rating"},
	"ticket.timeline":     {"办理进度", "Progress"},
	"ticket.times":        {"办理时限", "Time limits"},
	"ticket.confidential": {"保密", "Confidential"},
	"ticket.masked":       {"已脱敏", "masked"},
	"ticket.unassigned":   {"尚未派单", "Not yet dispatched"},
	"reply.resolved":      {"承办单位答复：已解决", "The unit says: resolved"},
	"reply.unresolved":    {"承办单位答复：未解决", "The unit says: not resolved"},

	"rate.title":        {"请您评价", "Please rate the answer"},
	"rate.staff":        {"录入回访评价", "Record the follow-up rating"},
	"rate.resolved":     {"问题是否已解决？", "Has the problem been resolved?"},
	"rate.satisfaction": {"您对办理结果是否满意？", "Are you satisfied with the result?"},
	"rate.comment":      {"评价内容（选填）", "Comment (optional)"},
	"rate.submit":       {"提交评价", "Submit rating"},
	"yes.resolved":      {"已解决", "Resolved"},
	"no.resolved":       {"未解决", "Not resolved"},

	"login.title":    {"居民登录", "Resident login"},
	"login.lead":     {"使用手机号和短信验证码登录，无需注册。", "Log in with your phone number and a one-time code; no sign-up needed."},
	"login.getcode":  {"获取验证码", "Send me a code"},
	"login.sent":     {"验证码已发送，5 分钟内有效。", "A code has been sent; it is valid for 5 minutes."},
	"login.phone":    {"手机号", "Phone"},
	"login.democode": {"演示模式验证码：", "Demo mode code: "},
	"login.button":   {"登录", "Log in"},
	"login.other":    {"换一个手机号", "Use another phone number"},

	"my.title": {"我的诉求", "My requests"},
	"my.empty": {"您还没有提交过诉求。", "You have not submitted any requests yet."},

	"pager.next": {"下一页", "Next page"},

	"error.title": {"出错了", "Something went wrong"},
	"form.error":  {"未能完成：", "Could not complete:"},

	"f.kind":               {"诉求类型", "Kind"},
	"f.category":           {"诉求分类", "Category"},
	"f.choose":             {"请选择", "Choose…"},
	"f.description":        {"诉求内容", "Description"},
	"f.description.ph":     {"例如：小区北门路灯坏了一周，晚上很黑。", "e.g. The street light at the north gate has been out for a week."},
	"f.street":             {"街道/乡镇", "Street / township"},
	"f.community":          {"社区/村", "Community / village"},
	"f.place":              {"所在地", "Place"},
	"f.address":            {"详细地址", "Address"},
	"f.address.ph":         {"门牌号、楼号或附近地标", "House number, building or a landmark"},
	"f.name":               {"姓名", "Name"},
	"f.phone":              {"手机号", "Mobile phone"},
	"f.confidential":       {"保密（对经办人员隐藏姓名电话）", "Confidential (hide my name and phone from staff handling it)"},
	"f.number":             {"工单编号", "Ticket number"},
	"f.code":               {"验证码", "Code"},
	"f.created":            {"提交时间", "Submitted"},
	"f.closed":             {"办结时间", "Closed"},
	"f.org":                {"承办单位", "Responsible unit"},
	"f.channel":            {"来源渠道", "Channel"},
	"f.reporter":           {"诉求人", "Reporter"},
	"f.status":             {"状态", "Status"},
	"f.due":                {"下一时限", "Next deadline"},
	"f.note":               {"备注", "Note"},
	"f.reply":              {"答复内容", "Reply"},
	"f.username":           {"用户名", "Username"},
	"f.password":           {"密码", "Password"},
	"f.role":               {"角色", "Role"},
	"f.orgcode":            {"组织代码", "Organisation code"},
	"f.areacode":           {"区划代码", "Area code"},
	"due.sign":             {"签收时限", "Sign by"},
	"due.contact":          {"联系时限", "Contact by"},
	"due.complete":         {"办结时限", "Complete by"},
	"done.at":              {"完成于", "done"},
	"done.replied":         {"答复于", "replied"},
	"staff.login.title":    {"工作人员登录", "Staff login"},
	"staff.login.button":   {"登录", "Log in"},
	"staff.login.demo":     {"演示账号：demo-dispatcher、demo-handler、demo-agent 等，密码 gongzhi-demo。", "Demo accounts: demo-dispatcher, demo-handler, demo-agent and others; password gongzhi-demo."},
	"staff.login.resident": {"居民请由此进入 →", "Residents: go here →"},
	"staff.home.title":     {"工作台", "Workbench"},
	"staff.new.title":      {"登记诉求", "Register a request"},
	"staff.inbox":          {"%s 的待办工单", "Tickets for %s"},
	"staff.queue":          {"派单队列与辖区工单", "Dispatch queue and tickets in scope"},
	"staff.scope":          {"辖区工单", "Tickets in scope"},
	"staff.empty":          {"没有符合条件的工单。", "No tickets here."},
	"tab.all":              {"全部", "All"},

	"action.none":             {"您对此工单暂无可执行的操作。", "There is nothing for you to do on this ticket now."},
	"action.sign":             {"签收", "Sign for it"},
	"action.sign.hint":        {"签收后开始计算办结时限。", "The completion clock starts when you sign."},
	"action.contact":          {"联系诉求人", "Contact the reporter"},
	"action.contact.ph":       {"联系方式与沟通情况", "How you reached them and what was said"},
	"action.contact.button":   {"已联系", "Mark as contacted"},
	"action.reply":            {"答复", "Reply"},
	"action.reply.button":     {"提交答复", "Send the reply"},
	"action.dispatch":         {"派单", "Dispatch"},
	"action.dispatch.suggest": {"★ 为派单目录建议的单位，已预先选中。", "★ marks the unit the catalogue suggests; it is preselected."},
	"action.dispatch.button":  {"派单", "Dispatch"},
	"action.close":            {"结案", "Close"},
	"action.close.ph":         {"结案原因", "Why it is closed"},
	"action.close.button":     {"结案", "Close the ticket"},

	"users.title":         {"用户管理", "Users"},
	"users.create":        {"新建账号", "New account"},
	"users.create.button": {"创建", "Create"},
	"users.disable":       {"停用", "Disable"},
	"users.enable":        {"启用", "Enable"},
	"users.disabled":      {"已停用", "Disabled"},
	"users.active":        {"正常", "Active"},
	"flash.user.created":  {"账号已创建。", "The account has been created."},
	"flash.user.disabled": {"账号已停用。", "The account has been disabled."},
	"flash.user.enabled":  {"账号已启用。", "The account has been enabled."},
	"flash.rated":         {"感谢您的评价！", "Thank you for your rating!"},
	"flash.created":       {"诉求已登记。", "The request has been registered."},
	"flash.dispatch":      {"已派单。", "Dispatched."},
	"flash.sign":          {"已签收。", "Signed."},
	"flash.contact":       {"已记录联系。", "Contact recorded."},
	"flash.reply":         {"答复已提交。", "Reply sent."},
	"flash.rate":          {"评价已录入。", "Rating recorded."},
	"flash.close":         {"工单已结案。", "Ticket closed."},

	"ev.create":    {"已受理", "Registered"},
	"ev.dispatch":  {"已派单至 %s", "Dispatched to %s"},
	"ev.auto":      {"按派单目录自动派单", "Dispatched automatically by the catalogue"},
	"ev.sign":      {"已签收", "Signed for"},
	"ev.contact":   {"已联系诉求人", "Reporter contacted"},
	"ev.reply":     {"已答复", "Replied"},
	"ev.rate":      {"已评价", "Rated"},
	"ev.close":     {"已结案", "Closed"},
	"who.reporter": {"诉求人", "Reporter"},
	"who.system":   {"系统", "System"},

	"status.registered":  {"已受理", "Registered"},
	"status.dispatched":  {"已派单", "Dispatched"},
	"status.signed":      {"已签收", "Signed"},
	"status.in_progress": {"办理中", "In progress"},
	"status.replied":     {"已答复", "Replied"},
	"status.closed":      {"已办结", "Closed"},

	"kind.consultation": {"咨询", "Consultation"},
	"kind.help":         {"求助", "Help"},
	"kind.complaint":    {"投诉", "Complaint"},
	"kind.report":       {"举报", "Report"},
	"kind.suggestion":   {"建议", "Suggestion"},

	"channel.hotline":  {"12345 热线", "12345 hotline"},
	"channel.web":      {"网站", "Website"},
	"channel.app":      {"移动端", "Mobile app"},
	"channel.snapshot": {"随手拍", "Snapshot"},
	"channel.mailbox":  {"居民信箱", "Mailbox"},
	"channel.grid":     {"网格巡查", "Grid patrol"},
	"channel.proxy":    {"代办", "On behalf"},
	"channel.open311":  {"Open311", "Open311"},

	"sat.satisfied":   {"满意", "Satisfied"},
	"sat.basic":       {"基本满意", "Basically satisfied"},
	"sat.unsatisfied": {"不满意", "Unsatisfied"},

	"role.admin":       {"系统管理员", "Administrator"},
	"role.supervisor":  {"督办", "Supervisor"},
	"role.dispatcher":  {"派单员", "Dispatcher"},
	"role.handler":     {"承办人", "Handler"},
	"role.agent":       {"话务员", "Hotline agent"},
	"role.grid_worker": {"网格员", "Grid worker"},
	"role.resident":    {"居民", "Resident"},
	"role.system":      {"系统", "System"},

	"orgkind.department":          {"职能部门", "Departments"},
	"orgkind.street_office":       {"街道办事处/乡镇政府", "Street offices and townships"},
	"orgkind.community_committee": {"社区居委会", "Residents' committees"},
	"orgkind.village_committee":   {"村委会", "Village committees"},
	"orgkind.hotline_center":      {"热线中心", "Hotline centre"},
	"orgkind.grid_station":        {"网格化服务管理中心", "Grid management centre"},
	"orgkind.party_org":           {"党组织", "Party organisations"},
	"orgkind.property_company":    {"物业服务企业", "Property companies"},
	"orgkind.social_org":          {"社会组织", "Social organisations"},
	"orgkind.service_provider":    {"服务机构", "Service providers"},
	"orgkind.mediation_committee": {"人民调解委员会", "Mediation committees"},
	"orgkind.company":             {"驻区单位/企业", "Companies and utilities"},
}
