package web

import (
	"fmt"
	"github.com/gongzhi/gongzhi/internal/auth"
	"html/template"
	"strconv"
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
		"agendaStatus": func(kind, status string) string { return agendaStatus(lang, kind, status) },
		"deref":        func(b *bool) bool { return b != nil && *b },
		"list":         func(xs ...string) []string { return xs },
		"rqZero":       func() *QualityView { return &QualityView{} },
		"canRegister":  canRegister,
		"consoleRole":  consoleRole,
		"canDashboard": seesAll,
		"canUnitDash":  canUnitDash,
		"canRectList":  canRectList,
		"canThemes":    canThemes,
		"canWarnings":  canWarnings,
		"canVotes":     canVotes,
		"canProposals": canProposals,
		"canElections": canElections,
		"canSurveys":   canSurveys,
		"canProjects":  canProjects,
		"canMeetings":  canMeetings,
		"canScreening": canScreening,
		"canVisits":    canVisits,
		"canServices":  canServices,
		"canVolunteer": canVolunteer,
		"canMediation": canMediation,
		"canCitylink":  canCitylink,
		"canResidents": canResidents,
		"canNotices":   canNotices,
		"canModerate":  canModeration,
		"canReplies":   canReplies,
		"canDupes":     canDupes,
		"canRouter":    canRouter,
		"canOpenData":  canOpenData,
		"pct":          func(x float64) string { return strconv.Itoa(percent(x)) + "%" },
		"deref0": func(p *int) int {
			if p == nil {
				return 0
			}
			return *p
		},
		"isGrid":    isGridWorker,
		"canAudit":  func(u *auth.User) bool { return u != nil && u.CanReadAudit() },
		"coord":     coord,
		"inc":       func(i int) int { return i + 1 },
		"short":     shorten,
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
		"lightOf": lightOf,
		"dict":    dict,
		"due":     s.due,
		"ptime":   func(t time.Time) *time.Time { return &t },

		"canAgreements": canAgreements,
		"canStatus":     canStatus,
		"canIndicators": canIndicators,
		"canRequesters": canRequesters,
		"canRules":      canRules,
		"canKiosks":     canKiosks,
		"canNational":   canNational,
		"canTraining":   canTraining,
		"helpRole":      helpRole,
	}
}

// shorten cuts text to n characters and an ellipsis.
func shorten(text string, n int) string {
	if utf8.RuneCountInString(text) <= n {
		return text
	}
	r := []rune(text)
	return string(r[:n]) + "…"
}

// lightOf is the light a page shows: the service's yellow or red, and
// green while a clock runs short of its 75% point.
func lightOf(t ticket.Ticket) string {
	switch t.Light {
	case ticket.LightYellow, ticket.LightRed:
		return string(t.Light)
	}
	if t.DueAt != nil {
		return "green"
	}
	return ""
}

// dict builds the argument of a sub-template: "K1" v1 "K2" v2 ...
func dict(kv ...any) (map[string]any, error) {
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
}

// due is the next deadline of an open ticket.
func (s *Server) due(t ticket.Ticket) string {
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
	coreMessages, staffMessages, accountMessages, auditMessages, consoleMessages, evalMessages, photoMessages, smMessages, nextMessages, phoneMessages, fileMessages, placeMessages, a11yMessages, printMessages, pickerMessages, fairMessages, workbenchMessages, notesMessages, replyMessages, replyQualityMessages, dupesMessages, routerMessages, themeMessages, warnMessages, voteMessages, proposalMessages,
	participateMessages, agendaMessages,
	electionMessages,
	surveyMessages,
	noticeMessages,
	projectMessages,
	deliberationMessages,
	meetingMessages,
	screeningMessages,
	serviceMessages,
	volunteerMessages,
	mediationMessages,
	openDataMessages,
	trailMessages,
	citylinkMessages,
	guideMessages,
	agreementMessages,
	statusMessages,
	indicatorMessages,
	indicatorReportMessages,
	kioskMessages,
	trainingMessages,
	requesterMessages,
	nationalMessages,
	workloadMessages,
	ruleMessages,
	practiceMessages,
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

	"my.title": {"我的事项", "My items"},
	"my.empty": {"您还没有提交过诉求。", "You have not submitted any requests yet."},

	"pager.next": {"下一页", "Next page"},

	"error.title":       {"出错了", "Something went wrong"},
	"error.unavailable": {"服务暂时不可用", "Service temporarily unavailable"},
	"form.error":        {"未能完成：", "Could not complete:"},
}
