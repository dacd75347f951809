package web

import (
	"fmt"
	"github.com/gongzhi/gongzhi/internal/auth"
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
		"t":            func(key string, args ...any) string { return tr(lang, key, args...) },
		"date":         s.fmtTime,
		"deref":        func(b *bool) bool { return b != nil && *b },
		"list":         func(xs ...string) []string { return xs },
		"canRegister":  canRegister,
		"consoleRole":  consoleRole,
		"canDashboard": seesAll,
		"canUnitDash":  canUnitDash,
		"canRectList":  canRectList,
		"isGrid":       isGridWorker,
		"canAudit":     func(u *auth.User) bool { return u != nil && u.CanReadAudit() },
		"coord":        coord,
		"inc":          func(i int) int { return i + 1 },
		"short": func(text string, n int) string {
			if utf8.RuneCountInString(text) <= n {
				return text
			}
			r := []rune(text)
			return string(r[:n]) + "…"
		},
		"left":      func(d *time.Time) *Left { return leftUntil(lang, d, time.Now()) },
		"clock":     func(t ticket.Ticket, which string) *Left { return clockLeft(lang, t, which, time.Now()) },
		"limitText": func(l ticket.Limit) string { return tr(lang, "unit."+string(l.Unit), l.Amount) },
		"inputTime": func(d *time.Time) string {
			if d == nil {
				return ""
			}
			return d.In(s.loc).Format("2006-01-02T15:04")
		},
		"msg": func(prefix, key string) string {
			if _, ok := messages[prefix+key]; ok {
				return tr(lang, prefix+key)
			}
			return key
		},
		// lightOf is the light a page shows: the service's yellow or red, and
		// green while a clock runs short of its 75% point.
		"lightOf": func(t ticket.Ticket) string {
			switch t.Light {
			case ticket.LightYellow, ticket.LightRed:
				return string(t.Light)
			}
			if t.DueAt != nil {
				return "green"
			}
			return ""
		},
		"ptime": func(t time.Time) *time.Time { return &t },
		// dict builds the argument of a sub-template: "K1" v1 "K2" v2 ...
		"dict": func(kv ...any) (map[string]any, error) {
			if len(kv)%2 != 0 {
				return nil, fmt.Errorf("dict needs pairs")
			}
			m := map[string]any{}
			for i := 0; i < len(kv); i += 2 {
				k, ok := kv[i].(string)
				if !ok {
					return nil, fmt.Errorf("dict key %v is not a string", kv[i])
				}
				m[k] = kv[i+1]
			}
			return m, nil
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

// Left is the time to a deadline in words: remaining, or overdue by.
type Left struct {
	Text string
	Over bool
}

// span writes a duration as days and hours, or hours and minutes.
func span(lang string, d time.Duration) string {
	d = d.Round(time.Minute)
	days, hours, mins := int(d/(24*time.Hour)), int(d%(24*time.Hour)/time.Hour), int(d%time.Hour/time.Minute)
	switch {
	case days > 0:
		return tr(lang, "span.dh", days, hours)
	case hours > 0:
		return tr(lang, "span.hm", hours, mins)
	}
	return tr(lang, "span.m", mins)
}

func leftUntil(lang string, d *time.Time, now time.Time) *Left {
	if d == nil {
		return nil
	}
	if !now.Before(*d) {
		return &Left{Text: tr(lang, "left.over", span(lang, now.Sub(*d))), Over: true}
	}
	return &Left{Text: tr(lang, "left.remain", span(lang, d.Sub(now)))}
}

// clockLeft is the time left on one of the ticket's clocks (sign, contact,
// complete) while it runs, nil when it does not.
func clockLeft(lang string, t ticket.Ticket, which string, now time.Time) *Left {
	switch t.Status {
	case ticket.StatusRegistered, ticket.StatusDispatched, ticket.StatusSigned, ticket.StatusInProgress, ticket.StatusReturned:
	default:
		return nil
	}
	switch which {
	case "sign":
		if t.SignedAt == nil && t.DispatchedAt != nil {
			return leftUntil(lang, t.DueSignAt, now)
		}
	case "contact":
		if t.ContactedAt == nil {
			return leftUntil(lang, t.DueContactAt, now)
		}
	case "complete":
		if t.SignedAt != nil && t.RepliedAt == nil {
			return leftUntil(lang, t.DueCompleteAt, now)
		}
	}
	return nil
}

// messages is the one translation table: key → {Chinese, English}. Each
// area of the site keeps its words in a file of its own; they are joined
// here, and a test holds every key to one table.
var messages = joinMessages(messageTables...)

// messageTables are the areas' tables that make up messages.
var messageTables = []map[string][2]string{
	coreMessages, accountMessages, auditMessages, consoleMessages, evalMessages, photoMessages,
}

// joinMessages joins tables into one; a key in two tables keeps the last
// text, which TestMessageKeysDefinedOnce forbids.
func joinMessages(tables ...map[string][2]string) map[string][2]string {
	out := map[string][2]string{}
	for _, t := range tables {
		for k, v := range t {
			out[k] = v
		}
	}
	return out
}

// coreMessages are the words shared by the site and those of the ticket
// pages.
var coreMessages = map[string][2]string{
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
	"rate.staff":        {"录入诉求人电话回访中的评价", "Record the rating the reporter gave on a follow-up call"},
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

	"error.title":       {"出错了", "Something went wrong"},
	"error.unavailable": {"服务暂时不可用", "Service temporarily unavailable"},
	"form.error":        {"未能完成：", "Could not complete:"},

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

	// API keys.
	"nav.apikeys":         {"API 密钥", "API keys"},
	"keys.title":          {"API 密钥", "API keys"},
	"keys.intro":          {"API 密钥供其他系统（如 Open311 上报应用、部门业务系统）代表一个工作人员账号调用接口，权限与该账号相同。", "An API key lets another system (an Open311 reporting app, a department's own system) act through a staff account, with that account's permissions."},
	"keys.name":           {"名称", "Name"},
	"keys.name.hint":      {"如：随手拍 App", "e.g. Snapshot app"},
	"keys.prefix":         {"前缀", "Prefix"},
	"keys.account":        {"代表账号", "Acts as"},
	"keys.account.choose": {"请选择账号", "Choose an account"},
	"keys.account.hint":   {"只能选择派单员、话务员、承办人或网格员账号；停用该账号即停用其全部密钥。", "Only dispatcher, agent, handler or grid worker accounts; disabling the account stops all its keys."},
	"keys.created":        {"创建时间", "Created"},
	"keys.lastused":       {"最近使用", "Last used"},
	"keys.uses":           {"使用次数", "Uses"},
	"keys.revoked":        {"已吊销", "Revoked"},
	"keys.active":         {"有效", "Active"},
	"keys.revoke":         {"吊销", "Revoke"},
	"keys.empty":          {"还没有 API 密钥。", "There are no API keys yet."},
	"keys.create":         {"新建密钥", "New key"},
	"keys.create.button":  {"生成密钥", "Make the key"},
	"keys.new.title":      {"密钥「%s」已生成", "The key “%s” has been made"},
	"keys.new.warning":    {"请立即复制并妥善保存：此密钥只显示这一次，离开或刷新本页后将无法再次查看。如遗失，请吊销后重新生成。", "Copy it now and keep it safe: the key is shown this once and cannot be seen again after you leave or reload this page. If it is lost, revoke it and make a new one."},
	"flash.key.revoked":   {"密钥已吊销。", "The key has been revoked."},
	"wb.export.xlsx":      {"导出 Excel", "Export Excel"},
	"wb.export.csv":       {"导出 CSV", "Export CSV"},
	"flash.rated":         {"感谢您的评价！", "Thank you for your rating!"},
	"flash.created":       {"诉求已登记。", "The request has been registered."},
	"flash.registered":    {"诉求已登记，工单编号 %s。它由其他单位承办，您无法打开。", "The request has been registered as ticket %s. Another unit handles it, so you cannot open it."},
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

	// A rating that an agent or dispatcher recorded on a follow-up call.
	"ev.rate.phone": {"电话回访，代诉求人录入评价", "Rating given by the reporter on a follow-up call, recorded by staff"},

	"status.registered":  {"已受理", "Registered"},
	"status.dispatched":  {"已派单", "Dispatched"},
	"status.signed":      {"已签收", "Signed"},
	"status.in_progress": {"办理中", "In progress"},
	"status.replied":     {"已答复", "Replied"},
	"status.closed":      {"已办结", "Closed"},

	"nav.notifications": {"通知", "Notifications"},
	"nav.timelimits":    {"办理时限", "Time limits"},

	"status.returned": {"退单待审", "Return pending"},
	"status.merged":   {"已合并", "Merged"},
	"status.invalid":  {"无效", "Invalid"},

	// What residents see of a status.
	"rstatus.registered":    {"已受理", "Received"},
	"rstatus.dispatched":    {"已派单", "Sent to a unit"},
	"rstatus.signed":        {"办理中", "Being handled"},
	"rstatus.in_progress":   {"办理中", "Being handled"},
	"rstatus.replied":       {"已答复，待评价", "Answered — please rate"},
	"rstatus.closed":        {"已办结", "Closed"},
	"rstatus.returned":      {"重新派单中", "Being reassigned"},
	"rstatus.merged":        {"合并办理", "Handled together"},
	"rstatus.invalid":       {"不予受理", "Not accepted"},
	"r.merged":              {"与您反映相同问题的还有其他居民，您的诉求已并入工单 %s 一并办理，办理结果会同步告诉您。", "Others reported the same problem; your request is handled together with ticket %s, and you will hear the result."},
	"r.invalid":             {"经核实，该诉求不予受理。", "After checking, this request was not accepted. "},
	"r.returned":            {"我们正在为您的诉求确认最合适的承办单位，很快会重新派单。", "We are finding the right unit for your request; it will be reassigned shortly."},
	"r.review":              {"已收到您的评价，我们正在复核办理情况，必要时将重新办理。", "We have your rating and are reviewing the result; it will be handled again if needed."},
	"rinvalid.spam":         {"原因：内容与诉求无关。", "Reason: the content is not a request."},
	"rinvalid.out_of_scope": {"原因：不属于本平台受理范围，可咨询 12345 了解办理渠道。", "Reason: it is outside what this platform handles; call 12345 to learn where to go."},
	"rinvalid.redirected":   {"原因：已转由其他渠道办理。", "Reason: it has been passed to another channel."},

	"urgency.normal":         {"一般", "Normal"},
	"urgency.urgent":         {"紧急", "Urgent"},
	"urgency.emergency":      {"特急", "Emergency"},
	"urgency.normal.hint":    {"按常规时限办理", "usual time limits"},
	"urgency.urgent.hint":    {"缩短时限，优先办理", "shorter limits, handled first"},
	"urgency.emergency.hint": {"按自然小时昼夜计时", "clock hours, day and night"},

	"light.green":       {"绿灯", "Green"},
	"light.yellow":      {"黄灯", "Yellow"},
	"light.red":         {"红灯", "Red"},
	"light.green.hint":  {"时限充足", "Well within the time limit"},
	"light.yellow.hint": {"时限已用去75%以上", "Over 75% of the time limit used"},
	"light.red.hint":    {"已超过时限", "Past the time limit"},
	"left.remain":       {"剩余 %s", "%s left"},
	"left.over":         {"已超时 %s", "overdue by %s"},
	"span.dh":           {"%d天%d小时", "%dd %dh"},
	"span.hm":           {"%d小时%d分", "%dh %dm"},
	"span.m":            {"%d分钟", "%d min"},
	"due.next":          {"当前时限", "Next deadline"},
	"due.hint":          {"剩余时间按自然时间计算；工作小时、工作日时限已按工作日历折算为具体时刻。", "Time left is clock time; limits in working hours or days have already been turned into the times shown."},

	"flag.review":      {"待审核", "Review"},
	"flag.extension":   {"延期待批", "Extension asked"},
	"filter.label":     {"时限", "Deadline"},
	"filter.anytime":   {"不限", "Any"},
	"filter.overdue":   {"已超时", "Overdue"},
	"part.label":       {"办理角色", "Part"},
	"part.lead":        {"主办", "Lead"},
	"part.helper":      {"协办", "Co-handling"},
	"part.summoned":    {"被召集", "Summoned"},
	"wb.returned":      {"有 %d 件退单待审核。", "%d returns wait for your decision."},
	"wb.returned.link": {"去审核 →", "Review them →"},

	"f.urgency":          {"紧急程度", "Urgency"},
	"f.parent":           {"并入工单", "Merged into"},
	"f.children":         {"已并入本单", "Merged into this"},
	"f.counts":           {"异常记录", "Exceptions"},
	"count.return":       {"退单", "Returns"},
	"count.redo":         {"重办", "Redos"},
	"count.extension":    {"延期", "Extensions"},
	"f.current":          {"（当前承办单位）", "(current unit)"},
	"f.neworg":           {"改派至", "Send to"},
	"f.helperorg":        {"协办单位", "Co-handling unit"},
	"f.helper.note":      {"协办事项（该单位负责的部分）", "Its part of the work"},
	"f.reason":           {"理由", "Reason"},
	"f.reject.reason":    {"驳回理由", "Why it is rejected"},
	"f.return.note":      {"情况说明", "Explanation"},
	"f.until":            {"延期至", "Extend until"},
	"f.extension.reason": {"延期理由", "Why more time is needed"},
	"f.summoned":         {"被召集单位（可多选）", "Units to summon (one or more)"},
	"f.within":           {"报到时限（小时）", "Report within (hours)"},
	"f.summons.note":     {"事项说明", "What is asked"},
	"f.escalate.org":     {"督办单位", "Unit to escalate to"},
	"f.escalate.default": {"当前承办单位", "The current unit"},
	"f.into":             {"并入的工单编号", "Merge into ticket number"},
	"f.report":           {"报到情况", "Report"},

	"review.banner":    {"诉求人不满意：请选择重办或结案", "The reporter is not satisfied: choose redo or close"},
	"merged.banner":    {"此工单已合并，随主工单办理：", "This ticket is merged and followed through"},
	"invalid.banner":   {"此工单已判定为无效", "This ticket was found invalid"},
	"part.banner":      {"协办部分：", "Your part (co-handling):"},
	"part.banner.hint": {"本工单由 %s 主办，您单位是协办单位；您签收和答复的是本单位负责的部分。", "%s leads this ticket; your unit co-handles it, and you sign and reply for your unit's part."},
	"part.status":      {"本单位部分", "Your part"},

	"helpers.title":     {"协办单位", "Co-handling units"},
	"helpers.added":     {"加入于", "added"},
	"helpers.signed":    {"签收于", "signed"},
	"helper.dispatched": {"待签收", "To sign"},
	"helper.signed":     {"办理中", "Handling"},
	"helper.replied":    {"已答复", "Replied"},

	"summons.title":       {"召集与督办", "Summons and escalations"},
	"summons.whistle":     {"吹哨报到", "Whistle"},
	"summons.escalation":  {"督办", "Escalation"},
	"summons.st.pending":  {"待报到", "Pending"},
	"summons.st.reported": {"已报到", "Reported"},
	"summons.st.missed":   {"逾期未报到", "Missed"},
	"summons.due":         {"报到时限", "Report by"},
	"summons.reported":    {"报到于", "reported"},
	"summons.ask":         {"事项", "Asked"},

	"pending.return":         {"退单申请待审核", "Return waiting for review"},
	"pending.return.wait":    {"已提交退单申请，等待派单员审核。", "The return has been asked for and waits for the dispatcher."},
	"pending.extension":      {"延期申请待审批", "Extension waiting for approval"},
	"pending.extension.wait": {"已提交延期申请，等待派单员审批。", "The extension has been asked for and waits for the dispatcher."},
	"pending.by":             {"申请单位", "Asked by"},
	"pending.at":             {"申请时间", "Asked at"},
	"pending.until":          {"申请延期至", "Until"},
	"pending.was":            {"原时限", "was"},

	"reason.wrong_area":         {"属地不符", "Wrong area"},
	"reason.unclear_ownership":  {"权属不清", "Unclear ownership"},
	"reason.overlapping_duties": {"职能交叉", "Overlapping duties"},
	"reason.not_our_duty":       {"非本单位职责", "Not our duty"},
	"invalid.spam":              {"骚扰/恶意", "Spam or abuse"},
	"invalid.out_of_scope":      {"不属受理范围", "Out of scope"},
	"invalid.redirected":        {"已转其他渠道", "Passed to another channel"},

	"action.answer":                 {"直接答复办结", "Answer and close"},
	"action.answer.hint":            {"咨询类诉求可按知识库当场答复，答复后直接办结。", "A consultation can be answered on the spot from the knowledge base and closed."},
	"action.sign.part":              {"签收协办部分", "Sign for our part"},
	"action.sign.part.hint":         {"您单位是协办单位，签收的是本单位负责的部分。", "Your unit co-handles this ticket; you sign for your unit's part."},
	"action.reply.part":             {"答复协办部分", "Reply for our part"},
	"action.reply.part.hint":        {"答复本单位负责的部分，主办单位汇总后统一答复诉求人。", "Reply for your unit's part; the lead unit answers the reporter for all."},
	"rate.resolved.part":            {"本单位部分是否已解决？", "Is your unit's part resolved?"},
	"action.reply.helpers":          {"有协办单位时，须等各协办单位答复后再答复。", "With co-handling units, reply after each of them has replied."},
	"action.report":                 {"报到", "Report"},
	"action.request_extension":      {"申请延期", "Ask for an extension"},
	"action.request_extension.hint": {"当前办结时限 %s；延期须经派单员批准，最多延至%d天内，只能申请一次。", "Current deadline %s; an extension needs the dispatcher's approval, reaches at most %d days ahead and can be asked once."},
	"action.return":                 {"退单", "Return"},
	"action.return.hint":            {"确非本单位办理的，可申请退单，由派单员审核后改派。", "If this is not yours to handle, ask to return it; the dispatcher reviews and reassigns it."},
	"action.return.ph":              {"例如：该地址属于××街道", "e.g. the address belongs to another street"},
	"action.approve_return":         {"同意退单并改派", "Approve the return and reassign"},
	"action.approve_return.hint":    {"同意后须改派给另一个单位，重新计算签收时限。", "An approved return goes to another unit; the sign clock starts again."},
	"action.reject_return":          {"驳回退单", "Reject the return"},
	"action.reject_return.hint":     {"驳回后工单回到原单位继续办理。", "The ticket goes back to the unit to carry on."},
	"action.approve_extension":      {"同意延期", "Approve the extension"},
	"action.approve_extension.hint": {"同意后办结时限改为 %s。", "The completion deadline becomes %s."},
	"action.reject_extension":       {"驳回延期", "Reject the extension"},
	"action.redispatch":             {"改派", "Reassign"},
	"action.redispatch.hint":        {"改派给另一个单位，重新计算签收时限。", "Send it to another unit; the sign clock starts again."},
	"action.add_helper":             {"增加协办单位", "Add a co-handling unit"},
	"action.add_helper.hint":        {"协办单位签收并答复各自负责的部分，主办单位汇总答复。", "Co-handling units sign and reply for their parts; the lead unit answers for all."},
	"action.whistle":                {"吹哨报到", "Whistle: summon units"},
	"action.whistle.hint":           {"召集相关单位在时限内就此工单报到，最多%d个单位。", "Call up to %d units to report on this ticket within the time."},
	"action.remind":                 {"催办", "Remind"},
	"action.remind.hint":            {"提醒承办单位抓紧办理。", "Remind the unit to get on with it."},
	"action.escalate":               {"督办", "Escalate"},
	"action.escalate.hint":          {"要求单位在时限内报告办理情况。", "Require the unit to report on progress within the time."},
	"action.redo":                   {"重办", "Redo"},
	"action.redo.hint":              {"退回 %s 重新办理，时限重新计算。", "Send it back to %s to handle again; the clocks restart."},
	"action.redo.ph":                {"需重点解决的问题", "What must be solved this time"},
	"action.merge":                  {"合并", "Merge"},
	"action.merge.hint":             {"重复诉求并入主工单，主工单的答复和结案会同步告知本单诉求人。", "A duplicate goes into the main ticket; its reply and close reach this reporter too."},
	"action.invalidate":             {"判定无效", "Mark invalid"},
	"action.close.review":           {"维持结案", "Confirm the close"},
	"action.close.review.hint":      {"确认不再重办，工单保持已办结。", "No redo; the ticket stays closed."},

	"notif.title":              {"通知", "Notifications"},
	"notif.lead":               {"发给您单位、您所在辖区本岗位的最新通知。", "The latest notifications to your unit and to your role in your area."},
	"notif.empty":              {"暂无通知。", "No notifications."},
	"notif.dispatched":         {"新派单", "Dispatched"},
	"notif.review":             {"评价待审核", "Rating to review"},
	"notif.return":             {"退单申请", "Return asked"},
	"notif.return_rejected":    {"退单被驳回", "Return rejected"},
	"notif.extension":          {"延期申请", "Extension asked"},
	"notif.extension_approved": {"延期已批准", "Extension approved"},
	"notif.extension_rejected": {"延期被驳回", "Extension rejected"},
	"notif.remind":             {"催办", "Reminder"},
	"notif.whistle":            {"吹哨报到", "Whistle"},
	"notif.escalation":         {"督办", "Escalation"},
	"notif.helper":             {"协办", "Co-handling"},
	"notif.helper_reply":       {"协办答复", "Co-handling reply"},
	"notif.redo":               {"重办", "Redo"},
	"notif.replied":            {"已答复", "Replied"},
	"notif.red":                {"超时", "Overdue"},
	"notif.yellow":             {"黄灯预警", "Yellow light"},
	"notif.unsigned":           {"超时未签收", "Not signed in time"},
	"notif.summons_missed":     {"未按时报到", "Summons missed"},
	"notif.parent_reply":       {"合并工单答复", "Reply of the main ticket"},
	"notif.parent_closed":      {"合并工单办结", "Main ticket closed"},
	"my.notes":                 {"最新消息", "Latest news"},

	"tl.title":         {"办理时限", "Time limits"},
	"tl.lead":          {"每张工单按分类、类型和紧急程度匹配一行时限：分类越具体越优先，同一分类下指定类型的行优先。修改只影响之后开始计时的工单。", "Each ticket takes the line of its category, kind and urgency: the most specific category wins, then a line for the kind. Changes apply to clocks started afterwards."},
	"tl.allcats":       {"全部分类", "All categories"},
	"tl.allkinds":      {"全部类型", "All kinds"},
	"tl.wholeclass":    {"整类", "whole class"},
	"tl.default":       {"默认行，可改不可删", "Default: change, not delete"},
	"tl.delete":        {"删除", "Delete"},
	"tl.rule":          {"每个紧急程度都有一行“全部分类 · 全部类型”的默认时限。", "Every urgency has a default line for all categories and kinds."},
	"tl.set":           {"设置一行时限", "Set a line"},
	"tl.set.hint":      {"已有相同分类、类型和紧急程度的行时将被替换。", "A line with the same category, kind and urgency is replaced."},
	"tl.limits":        {"时限", "Limits"},
	"tl.units":         {"单位：h = 工作小时，d = 工作日，ch = 自然小时（昼夜连续计算，用于特急）。例如 2h、5d、24ch。", "Units: h = working hours, d = working days, ch = clock hours (day and night, for emergencies). E.g. 2h, 5d, 24ch."},
	"tl.save":          {"保存", "Save"},
	"unit.h":           {"%d 工作小时", "%d working hours"},
	"unit.d":           {"%d 工作日", "%d working days"},
	"unit.ch":          {"%d 自然小时", "%d clock hours"},
	"flash.tl.set":     {"时限已保存。", "The time limit has been saved."},
	"flash.tl.deleted": {"时限已删除。", "The time limit has been deleted."},

	"flash.request_check":     {"已要求现场核查。", "On-site check requested."},
	"flash.check":             {"核查结果已录入。", "Check recorded."},
	"flash.self_resolve":      {"已自办自结。", "Fixed and closed."},
	"flash.answer":            {"已答复并办结。", "Answered and closed."},
	"flash.report":            {"已报到。", "Reported."},
	"flash.request_extension": {"延期申请已提交，等待审批。", "Extension asked for; waiting for approval."},
	"flash.return":            {"退单申请已提交，等待派单员审核。", "Return asked for; waiting for the dispatcher."},
	"flash.approve_return":    {"已同意退单并改派。", "Return approved and reassigned."},
	"flash.reject_return":     {"已驳回退单。", "Return rejected."},
	"flash.approve_extension": {"已同意延期。", "Extension approved."},
	"flash.reject_extension":  {"已驳回延期。", "Extension rejected."},
	"flash.redispatch":        {"已改派。", "Reassigned."},
	"flash.add_helper":        {"已增加协办单位。", "Co-handling unit added."},
	"flash.whistle":           {"已吹哨，等待各单位报到。", "Whistle blown; waiting for the units to report."},
	"flash.remind":            {"已催办。", "Reminder sent."},
	"flash.escalate":          {"已督办。", "Escalated."},
	"flash.redo":              {"已退回重办。", "Sent back to be handled again."},
	"flash.merge":             {"已合并。", "Merged."},
	"flash.invalidate":        {"已判定无效。", "Marked invalid."},

	// Residents read some lines in plainer words.
	"rev.return":                {"正在为您重新确定承办单位", "Finding the right unit for your request"},
	"rev.approve_return":        {"已重新派单至 %s", "Reassigned to %s"},
	"rev.invalidate":            {"经核实，不予受理", "Not accepted after checking"},
	"rev.helper_reply":          {"协同办理单位 %s 已完成其负责部分", "%s finished its part"},
	"ev.request_check":          {"要求现场核查", "On-site check requested"},
	"ev.check":                  {"现场核查", "Checked on site"},
	"ev.self_resolve":           {"网格员现场自办自结", "Fixed on the spot by the grid worker"},
	"action.request_check":      {"要求现场核查", "Request an on-site check"},
	"action.request_check.hint": {"请网格员到现场核查整改是否到位，核查期间不能评价或结案。", "A grid worker checks on site that it is really fixed; no rating or closing meanwhile."},
	"action.check":              {"录入核查结果", "Record the check"},
	"action.rate":               {"录入回访评价", "Record the reporter's rating"},
	"action.check.passed":       {"核查是否通过？", "Did it pass?"},
	"check.yes":                 {"通过", "Passed"},
	"check.no":                  {"未通过，退回继续办理", "Failed: back to the unit"},
	"action.self_resolve":       {"自办自结", "Fixed on the spot"},
	"action.self_resolve.hint":  {"网格员已现场解决的，填写处理情况后直接办结（须已上传处理后照片）。", "If you fixed it on the spot, describe it and close (an after photo is needed)."},
	"action.generic":            {"执行", "Go"},
	"notif.check":               {"现场核查", "On-site check"},
	"notif.check_failed":        {"核查未通过", "Check failed"},
	"ev.redispatch":             {"已改派至 %s", "Reassigned to %s"},
	"ev.return":                 {"承办单位申请退单", "The unit asked to return it"},
	"ev.approve_return":         {"同意退单，改派至 %s", "Return approved, reassigned to %s"},
	"ev.reject_return":          {"退单被驳回，继续办理", "Return rejected; handling continues"},
	"ev.request_extension":      {"申请延期", "Extension asked for"},
	"ev.approve_extension":      {"办理期限已延长", "More time granted"},
	"ev.reject_extension":       {"延期被驳回", "Extension rejected"},
	"ev.add_helper":             {"%s 参与协同办理", "%s joins to co-handle"},
	"ev.helper_sign":            {"协办单位 %s 已签收", "Co-handling unit %s signed"},
	"ev.helper_reply":           {"协办单位 %s 已答复其负责部分", "Co-handling unit %s replied for its part"},
	"ev.whistle":                {"吹哨召集相关单位", "Units summoned (whistle)"},
	"ev.escalate":               {"督办", "Escalated"},
	"ev.summons.note":           {"召集 %s，%s 小时内报到", "%s, to report within %s hours"},
	"ev.report":                 {"%s 已报到", "%s reported"},
	"ev.summons_missed":         {"%s 未按时报到", "%s did not report in time"},
	"ev.remind":                 {"催办", "Reminded"},
	"ev.redo":                   {"诉求人不满意，重新办理", "Handled again after the reporter's rating"},
	"ev.merge":                  {"与相同诉求合并办理（工单 %s）", "Handled together with ticket %s"},
	"ev.parent_reply":           {"合并办理的工单已答复", "The ticket it was merged into was answered"},
	"ev.parent_closed":          {"合并办理的工单已办结", "The ticket it was merged into was closed"},
	"ev.invalidate":             {"不予受理", "Not accepted"},
	"ev.answer":                 {"已答复并办结", "Answered and closed"},
	"ev.yellow_light":           {"亮黄灯：时限已用去75%", "Yellow light: 75% of the time limit used"},
	"ev.overdue":                {"已超时（红灯）", "Overdue (red light)"},
	"ev.unsigned_escalated":     {"超时未签收，已提请派单员处理", "Not signed in time; passed to the dispatcher"},

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
