package ticket

import "slices"

// Event kinds the ticket service writes besides the actions a user takes
// (Actions): registration, helper units' parts, the clocks, news of the
// ticket a request was merged into, photos (ActionAttach), updates from
// other systems (ActionExternalUpdate), and imported history. Every reader
// of ticket_events names kinds by these constants, never by literals.
const (
	ActionCreate            = "create"             // 受理
	ActionHelperSign        = "helper_sign"        // 协办单位签收
	ActionHelperReply       = "helper_reply"       // 协办单位答复
	ActionYellowLight       = "yellow_light"       // 黄灯预警 (the sweep)
	ActionOverdue           = "overdue"            // 超时 (the sweep)
	ActionUnsignedEscalated = "unsigned_escalated" // 超时未签收，升级 (the sweep)
	ActionSummonsMissed     = "summons_missed"     // 被召集单位未按时报到 (the sweep)
	ActionParentReply       = "parent_reply"       // 合并办理的诉求已答复
	ActionParentClosed      = "parent_closed"      // 合并办理的诉求已办结
	ActionImport            = "import"             // 导入的历史工单
)

// EventKinds lists every kind an event of a ticket can carry: the actions,
// then the kinds above. A reader that treats kinds one by one (the webhook's
// subscriptions, the pages' labels) is tested against this list, so a new
// kind cannot be forgotten.
var EventKinds = slices.Concat(Actions, []string{ActionCreate, ActionHelperSign, ActionHelperReply,
	ActionYellowLight, ActionOverdue, ActionUnsignedEscalated, ActionSummonsMissed,
	ActionParentReply, ActionParentClosed, ActionAttach, ActionExternalUpdate, ActionImport})
