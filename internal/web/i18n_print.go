package web

// printMessages are the words of a ticket's print page (print.go) and of
// the staff ticket page's forms sent without a page load (ticketflow.js).
var printMessages = map[string][2]string{
	"print.title":    {"工单打印", "Ticket for printing"},
	"print.heading":  {"接诉即办工单", "Citizen request ticket"},
	"print.status":   {"状态：%s", "Status: %s"},
	"print.at":       {"打印时间：%s", "Printed at: %s"},
	"print.by":       {"打印人：%s", "Printed by: %s"},
	"print.button":   {"打印 / 存为 PDF", "Print / save as PDF"},
	"print.hint":     {"在打印对话框中选择“另存为 PDF”即可保存为 PDF 文件。", "Choose “Save as PDF” in the print dialog to keep it as a PDF file."},
	"print.back":     {"返回工单", "Back to the ticket"},
	"print.facts":    {"基本信息", "Facts"},
	"print.times":    {"时限", "Time limits"},
	"print.parts":    {"协办与吹哨报到", "Co-handling and summoned units"},
	"print.timeline": {"办理过程", "Handling record"},
	"print.when":     {"时间", "When"},
	"print.what":     {"事项", "What"},
	"print.who":      {"办理人", "By"},
	"print.note":     {"说明", "Note"},
	"print.none":     {"暂无记录", "Nothing yet"},
	"print.end":      {"（以下空白）", "(end of the ticket)"},
	"print.sign":     {"经办人签字：", "Signature:"},
	"print.date":     {"日期：", "Date:"},
	"print.copy":     {"内部资料，注意保密。", "For internal use; keep it confidential."},
	"flow.busy":      {"正在提交…", "Sending…"},
	"flow.failed":    {"未能提交：网络异常，请检查网络后重试。", "Could not send: the network failed; check it and try again."},
}
