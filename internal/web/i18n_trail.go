package web

// trailMessages are the words of the responsibility trail's page (责任链).
var trailMessages = map[string][2]string{
	"trail.title":      {"责任链", "Responsibility trail"},
	"trail.link":       {"责任链", "Responsibility trail"},
	"trail.summary":    {"共 %d 步，超时 %d 步，退回、转派或升级 %d 次", "%d steps, %d past their limit, %d returns, re-dispatches or escalations"},
	"trail.asof":       {"统计至", "as of"},
	"trail.csv":        {"下载 CSV", "Download CSV"},
	"trail.xlsx":       {"下载 Excel", "Download Excel"},
	"trail.none":       {"暂无流转记录。", "Nothing has happened to it yet."},
	"trail.col.stage":  {"阶段", "Stage"},
	"trail.col.holder": {"承办单位", "Held by"},
	"trail.col.when":   {"起止时间", "From – to"},
	"trail.col.time":   {"历时", "Time taken"},
	"trail.col.limit":  {"时限", "Time limit"},
	"trail.col.end":    {"流转", "Passed on"},
	"trail.person":     {"经办人", "Person"},
	"trail.held":       {"仍在办理", "held still"},
	"trail.wall":       {"历时", "Wall"},
	"trail.working":    {"工作时间", "Working"},
	"trail.due":        {"时限", "Due"},
	"trail.by":         {"操作人", "By"},
	"trail.reason":     {"原因", "Reason"},
}
