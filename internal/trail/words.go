package trail

import (
	"fmt"
	"time"
)

// The words of a trail in Chinese and English, for its page and its files.
// A word the table lacks shows as its code.

var stageWords = map[string][2]string{
	"registered": {"待派单", "awaiting dispatch"},
	"dispatched": {"待签收", "awaiting signature"},
	"handling":   {"办理中", "being handled"},
	"returned":   {"退单待审", "return under review"},
	"replied":    {"待评价", "awaiting the rating"},
	"collecting": {"征集附议", "collecting co-signatures"},
	"accepted":   {"已受理待答复", "accepted, awaiting the answer"},
	"escalated":  {"提级待答复", "escalated, awaiting the answer"},
	"adopted":    {"已采纳办理中", "adopted, being carried out"},
	"planning":   {"需求征集", "collecting needs"},
	"building":   {"实施", "works"},
	"evaluating": {"居民评价", "residents' evaluation"},
	"screening":  {"受理评估", "screening"},
	"mediating":  {"调解中", "mediating"},
	"ended":      {"调解结束待转办", "ended, to be handed over"},
	"requested":  {"待机构确认", "awaiting the provider"},
	"confirmed":  {"已确认待服务", "confirmed, to be served"},
	"helper":     {"协办", "helping (co-handling)"},
}

var deskWords = map[string][2]string{
	"dispatch":  {"派单中心", "dispatch desk"},
	"reporter":  {"诉求人（评价）", "the reporter (rating)"},
	"residents": {"居民（附议）", "residents (co-signing)"},
	"committee": {"调解委员会", "mediation committee"},
}

var endWords = map[string][2]string{
	"dispatch":          {"派单", "dispatched"},
	"redispatch":        {"改派", "re-dispatched"},
	"return":            {"申请退单", "return asked"},
	"approve_return":    {"同意退单并转派", "return approved, passed on"},
	"reject_return":     {"驳回退单", "return refused"},
	"sign":              {"签收", "signed"},
	"reply":             {"答复", "replied"},
	"rate":              {"评价", "rated"},
	"close":             {"结案", "closed"},
	"answer":            {"答复", "answered"},
	"self_resolve":      {"自办自结", "resolved on the spot"},
	"invalidate":        {"无效", "invalid"},
	"merge":             {"合并", "merged"},
	"withdraw":          {"撤回", "withdrawn"},
	"redo":              {"重办", "redo"},
	"escalate":          {"督办/提级", "escalated"},
	"whistle":           {"吹哨", "whistle"},
	"check":             {"核查未通过", "check failed"},
	"accept":            {"受理", "accepted"},
	"lapse":             {"未达门槛", "lapsed"},
	"adopt":             {"采纳", "adopted"},
	"reject":            {"不予采纳", "rejected"},
	"progress":          {"办结", "completed"},
	"phase":             {"进入下一阶段", "next phase"},
	"mediators":         {"指定调解员", "mediators named"},
	"agree":             {"达成调解协议", "agreement"},
	"refuse":            {"当事人拒绝调解", "refused"},
	"terminate":         {"终止调解", "terminated"},
	"to_ticket":         {"转办为工单", "handed over as a ticket"},
	"confirm":           {"确认", "confirmed"},
	"decline":           {"婉拒", "declined"},
	"cancel":            {"居民取消", "cancelled"},
	"expire":            {"逾期失效", "expired"},
	"complete":          {"双方确认完成", "done"},
	"approve_extension": {"同意延期", "extension approved"},
	"helper_reply":      {"协办答复", "helper replied"},
}

var limitWords = map[string][2]string{
	LimitNone:    {"无时限", "no time limit"},
	LimitRunning: {"时限内（进行中）", "within the limit (running)"},
	LimitMet:     {"按时", "met"},
	LimitOverdue: {"超时", "overdue"},
}

var kindWords = map[string][2]string{
	KindTicket:    {"工单", "ticket"},
	KindProposal:  {"居民提案", "proposal"},
	KindProject:   {"重点项目", "key project"},
	KindMediation: {"调解案件", "mediation case"},
	KindService:   {"服务申请", "service request"},
}

func word(m map[string][2]string, code string, en bool) string {
	w, ok := m[code]
	switch {
	case !ok:
		return code
	case en:
		return w[1]
	}
	return w[0]
}

// StageWord names a stage.
func StageWord(stage string, en bool) string { return word(stageWords, stage, en) }

// EndWord names how a step ended ("" for a step held still).
func EndWord(kind string, en bool) string { return word(endWords, kind, en) }

// LimitWord names how a step stands against its limit.
func LimitWord(state string, en bool) string { return word(limitWords, state, en) }

// KindWord names a kind of item.
func KindWord(kind string, en bool) string { return word(kindWords, kind, en) }

// HolderWord is who held a step: the unit's name, or the desk.
func HolderWord(r Row, en bool) string {
	if r.Holder != "" {
		return r.Holder
	}
	return word(deskWords, r.Desk, en)
}

// Span words a duration of seconds: days, hours and minutes of wall time
// (2天3小时5分), or, with working set, hours and minutes (working days are
// of differing length, so they are not counted in days).
func Span(seconds int64, working, en bool) string {
	d := time.Duration(seconds) * time.Second
	days, hours, mins := int64(0), int64(d/time.Hour), int64(d%time.Hour/time.Minute)
	if !working {
		days, hours = hours/24, hours%24
	}
	switch {
	case en && days > 0:
		return fmt.Sprintf("%dd %dh %dm", days, hours, mins)
	case en:
		return fmt.Sprintf("%dh %dm", hours, mins)
	case days > 0:
		return fmt.Sprintf("%d天%d小时%d分", days, hours, mins)
	}
	return fmt.Sprintf("%d小时%d分", hours, mins)
}
