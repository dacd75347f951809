// Package indicator is the catalogue of indicators by which a district
// judges how well it governs with the platform, anchored on the idea of
// smart-city evaluation indicators of GB/T 33356 (方式、手段、内容、成本),
// in definitions of its own. The standard catalogue is a Go table; the
// district's overrides (a weight, on or off) and the cost settings live in
// tables, each change an event with who, when and why, shown publicly beside
// the standard (标准化兼顾差异化). Values are computed per month from the
// platform's own tables, read only.
package indicator

// Dimension is one of the four sides an indicator looks at.
type Dimension string

// The dimensions.
const (
	Means   Dimension = "means"   // 方式: how residents and the government meet
	Tools   Dimension = "tools"   // 手段: the platform as an instrument
	Content Dimension = "content" // 内容: what is done with the requests
	Cost    Dimension = "cost"    // 成本: what it costs
)

// DimensionNames are the dimensions' Chinese names.
var DimensionNames = map[Dimension]string{Means: "方式", Tools: "手段", Content: "内容", Cost: "成本"}

// Indicator is one line of the standard catalogue.
type Indicator struct {
	Code           string    `json:"code"`
	Name           string    `json:"name"`    // Chinese
	NameEn         string    `json:"name_en"` // English
	Dimension      Dimension `json:"dimension"`
	Definition     string    `json:"definition"`
	Formula        string    `json:"formula"`       // over gongzhi's data, in words
	Normalisation  string    `json:"normalisation"` // how the value becomes a score of 0–100
	Unit           string    `json:"unit"`
	StandardWeight float64   `json:"standard_weight"`
	Source         string    `json:"source"` // the tables it reads
}

// The indicators' codes.
const (
	CodeOnline        = "T1"
	CodeShared        = "T2"
	CodeDigital       = "M1"
	CodeParticipation = "M2"
	CodeHandling      = "C1"
	CodeOnTime        = "C2"
	CodeFirstContact  = "C3"
	CodeCost          = "K1"
	CodeStaffTrained  = "T3"
)

// Scales of the normalisation (documented in each line's Normalisation).
const (
	HandlingCeilingHours = 120.0  // median working hours that score 0 (15 working days)
	ParticipationFull    = 100.0  // participants per 1,000 residents that score 100
	SharedFull           = 1000.0 // deliveries in a month that score 100
)

// Catalogue is the standard catalogue, in the order pages show it.
var Catalogue = []Indicator{
	{Code: CodeDigital, Name: "线上诉求占比", NameEn: "Digital share of requests", Dimension: Means,
		Definition:    "居民通过线上渠道提出的诉求在当月全部诉求中所占的比例，反映群众与政府打交道的方式是否已转向线上。",
		Formula:       "当月受理的工单中渠道为网站、移动端、随手拍、居民信箱或 Open311 接口的件数 ÷ 当月受理的全部工单件数 × 100。",
		Normalisation: "百分比即得分。",
		Unit:          "%", StandardWeight: 15, Source: "tickets.channel, tickets.created_at"},
	{Code: CodeParticipation, Name: "千人参与度", NameEn: "Participation per 1,000 residents", Dimension: Means,
		Definition:    "当月参与议事、联名、表决、问卷、评论等公共事务的居民人数相对于已登记居民的规模。",
		Formula:       "当月提出或联名提议、投票、答卷、评论等的不同居民（按手机号去重）人数 ÷ 居民名册（area_residents）中不同居民人数 × 1000。",
		Normalisation: "每千人 100 人及以上得 100 分，按比例递减至 0。",
		Unit:          "人/千人", StandardWeight: 10, Source: "proposals, votes, surveys, comments, area_residents"},
	{Code: CodeOnline, Name: "平台在线率", NameEn: "Platform online rate", Dimension: Tools,
		Definition:    "平台在当月可以为居民和工作人员提供服务的时间所占的比例，包括服务器和设在服务大厅、社区的自助终端。",
		Formula:       "服务器在线率（当月有心跳记录 health_minutes 的分钟数 ÷ 当月的分钟数 × 100；首次记录之前和当前时刻之后的分钟不计）与自助终端在线率（已登记终端当月在线的终端分钟数 ÷ 应在线的终端分钟数 × 100）的平均；没有登记终端时只看服务器，服务器没有记录时只看终端。分区比较时终端只计本区的。",
		Normalisation: "百分比即得分。",
		Unit:          "%", StandardWeight: 10, Source: "health_minutes, kiosk_terminals, kiosk_beats"},
	{Code: CodeShared, Name: "数据共享次数", NameEn: "Data shared with other systems", Dimension: Tools,
		Definition:    "平台当月向其他系统成功推送数据的次数，反映与其他系统的协同。",
		Formula:       "当月成功送达的 Webhook 推送件数 + 当月成功送达上级或下级 12345 平台（Open311）的推送件数。",
		Normalisation: "每月 1000 次及以上得 100 分，按比例递减至 0。",
		Unit:          "次", StandardWeight: 10, Source: "webhook_deliveries, citylink_deliveries"},
	{Code: CodeHandling, Name: "办理时长中位数", NameEn: "Median handling time", Dimension: Content,
		Definition:    "当月答复的诉求从受理到答复所用工作时间的中位数。",
		Formula:       "当月答复的工单，按工作日历计算从受理到答复的工作小时数，取中位数（偶数件取中间两件的平均）。",
		Normalisation: "0 小时得 100 分，120 个工作小时（15 个工作日）及以上得 0 分，中间按比例。",
		Unit:          "工作小时", StandardWeight: 15, Source: "tickets.created_at, tickets.replied_at"},
	{Code: CodeOnTime, Name: "按时答复率", NameEn: "On-time reply rate", Dimension: Content,
		Definition:    "当月答复的诉求中在办理时限内答复的比例。",
		Formula:       "当月答复的工单中答复时间不晚于办结时限（或无时限）的件数 ÷ 当月答复的工单件数 × 100。",
		Normalisation: "百分比即得分。",
		Unit:          "%", StandardWeight: 15, Source: "tickets.replied_at, tickets.due_complete_at"},
	{Code: CodeFirstContact, Name: "一次办结率", NameEn: "First-contact resolution", Dimension: Content,
		Definition:    "当月办结的诉求中未经退单、改派或重办即办结的比例。",
		Formula:       "当月办结的工单中没有退单、同意退单、改派、重办记录的件数 ÷ 当月办结的工单件数 × 100。",
		Normalisation: "百分比即得分。",
		Unit:          "%", StandardWeight: 15, Source: "tickets.closed_at, ticket_events.action"},
	{Code: CodeCost, Name: "件均办理成本", NameEn: "Cost per closed matter", Dimension: Cost,
		Definition:    "当月每办结一件诉求所花费的人力和固定成本。",
		Formula:       "（当月办结工单从首次签收到最后答复的工作小时数之和 × 每小时人力成本 + 每月固定成本）÷ 当月办结工单件数；成本参数由区里设定。分区比较时每月固定成本按各区办结件数分摊（每件相同）。",
		Normalisation: "0 元得 100 分，达到设定的成本上限及以上得 0 分，中间按比例。",
		Unit:          "元/件", StandardWeight: 10, Source: "ticket_events (sign, reply), tickets.closed_at, indicator_costs"},
	{Code: CodeStaffTrained, Name: "工作人员培训覆盖率", NameEn: "Share of staff trained", Dimension: Tools,
		Definition:    "在岗工作人员中近 12 个月内参加过至少一次平台使用培训的比例，反映平台这一手段是否有人会用、用得好。",
		Formula:       "截至当月末，近 12 个月内开始的培训中登记参加过至少一场的在岗工作人员账号数 ÷ 当月末前开设且未停用的工作人员账号数 × 100；工作人员指管理员、督办、派单、承办、代办和网格员角色。本平台登记第一场培训之前的月份不计（无数据，不记为 0）。",
		Normalisation: "百分比即得分。",
		Unit:          "%", StandardWeight: 5, Source: "training_attendance, training_sessions, users"},
}

// Find returns the catalogue's line of the code.
func Find(code string) (Indicator, bool) {
	for _, in := range Catalogue {
		if in.Code == code {
			return in, true
		}
	}
	return Indicator{}, false
}
