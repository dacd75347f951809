package web

// Messages of the audit log page and the auditor's role. Kept apart from
// i18n.go and merged into messages at start.
var auditMessages = map[string][2]string{
	"role.auditor": {"审计员", "Auditor"},
	"nav.audit":    {"审计日志", "Audit log"},

	"audit.title":      {"审计日志", "Audit log"},
	"audit.lead":       {"谁在何时查看或改动了什么。日志只可查询，任何人都不能修改。", "Who saw or changed what, and when. The log can be searched; nobody can change it."},
	"audit.actor":      {"操作人（用户名）", "Who (username)"},
	"audit.ticket":     {"工单编号", "Ticket number"},
	"audit.phone":      {"来电手机号", "Caller's phone"},
	"audit.phone.hint": {"查找谁查询过这个号码的来电记录。日志中不保存号码本身。", "Finds who looked up this caller's history. The log does not keep the number itself."},
	"audit.from":       {"起始日期", "From"},
	"audit.to":         {"截止日期", "To"},
	"audit.search":     {"查询", "Search"},
	"audit.caption":    {"审计记录，最新的在前", "Audit entries, newest first"},
	"audit.at":         {"时间", "When"},
	"audit.action":     {"操作", "Action"},
	"audit.object":     {"对象", "Object"},
	"audit.detail":     {"详情", "Detail"},
	"audit.empty":      {"没有符合条件的记录。", "No entries match."},

	"audit.action.view_personal_data":   {"查看个人信息", "Viewed personal data"},
	"audit.action.create_user":          {"创建用户", "Created a user"},
	"audit.action.disable_user":         {"停用用户", "Disabled a user"},
	"audit.action.enable_user":          {"启用用户", "Enabled a user"},
	"audit.action.read_audit_log":       {"查询审计日志", "Searched the audit log"},
	"audit.action.export_tickets":       {"导出工单", "Exported tickets"},
	"audit.action.create_api_key":       {"创建 API 密钥", "Created an API key"},
	"audit.action.revoke_api_key":       {"吊销 API 密钥", "Revoked an API key"},
	"audit.action.public_page_settings": {"修改公开设置", "Changed the public page"},
	"audit.action.evaluation_settings":  {"修改考核设置", "Changed the evaluation settings"},
	"audit.action.login_failed":         {"登录失败", "Failed login"},
	"audit.action.login_locked":         {"账号被锁定", "Account locked"},
	"audit.action.unlock_account":       {"解锁账号", "Unlocked an account"},
	"audit.action.change_password":      {"修改密码", "Changed a password"},
	"audit.action.reset_password":       {"重置密码", "Reset a password"},
	"audit.action.enrol_totp":           {"启用两步验证", "Turned on two-step login"},
	"audit.action.remove_totp":          {"移除两步验证", "Removed two-step login"},
}
