package web

import "strconv"

// Messages of photos and of the grid worker's patrol page. Kept apart from
// i18n.go and merged into messages at start.
var photoMessages = map[string][2]string{
	"nav.patrol": {"巡查", "Patrol"},

	"photo.title":          {"照片", "Photos"},
	"photo.label":          {"照片（可选，最多9张）", "Photos (optional, up to 9)"},
	"photo.add":            {"选择照片", "Choose photos"},
	"photo.after":          {"处置后照片", "Photo after the work"},
	"photo.reply":          {"答复附图（可选）", "Photos with the reply (optional)"},
	"photo.check":          {"核查照片（可选）", "Photo of the check (optional)"},
	"photo.hint":           {"JPEG、PNG 或 WebP，每张不超过10MB；手机上可直接拍照。", "JPEG, PNG or WebP, up to 10 MB each; on a phone you can take one now."},
	"photo.upload":         {"上传照片", "Upload"},
	"photo.purpose":        {"照片用途", "What the photo shows"},
	"photo.purpose.report": {"群众上传", "From the reporter"},
	"photo.purpose.before": {"处置前", "Before the work"},
	"photo.purpose.after":  {"处置后", "After the work"},
	"photo.purpose.reply":  {"答复附件", "With the reply"},
	"photo.none":           {"暂无照片。", "No photos yet."},
	"photo.full":           {"本工单照片已满9张，不能再添加。", "This ticket has 9 photos, the most it can hold."},
	"photo.alt":            {"工单照片", "Photo of the ticket"},
	"photo.added":          {"已上传照片 %d 张。", "%d photo(s) added."},
	"photo.bad":            {"以下照片未被接收：", "These photos were not accepted:"},
	"photo.bad.hint":       {"诉求本身已保存，可在工单页面补传照片。", "The request itself is saved; you can add photos on the ticket page."},
	"photo.unnamed":        {"（未命名）", "(no name)"},
	"ev.attach":            {"添加照片（%s）", "Photo added (%s)"},
	"ev.import":            {"从其他系统导入", "Imported from another system"},
	"ev.external_update":   {"承办单位业务系统更新", "Update from the unit's own system"},

	"f.lat":    {"纬度", "Latitude"},
	"f.lng":    {"经度", "Longitude"},
	"f.latlng": {"位置（经纬度）", "Location (lat, lng)"},

	"patrol.title":          {"网格巡查", "Grid patrol"},
	"patrol.report":         {"巡查上报", "Report a problem"},
	"patrol.own":            {"自办自结", "Fix it yourself"},
	"patrol.own.hint":       {"您巡查上报、尚未派出或刚派出的工单，现场已解决的，上传处置后照片并填写处理情况即可办结。", "Your own patrol reports not yet handled: if you fixed it on the spot, add an after photo and say what was done to close it."},
	"patrol.own.none":       {"没有可自办自结的工单。", "No reports of yours to close."},
	"patrol.checks":         {"待核查", "Checks to do"},
	"patrol.checks.none":    {"辖区内暂无待核查的工单。", "No checks waiting in your area."},
	"patrol.check.ask":      {"核查要求", "What to check"},
	"patrol.check.submit":   {"提交核查结果", "Record the check"},
	"patrol.place":          {"地点", "Place"},
	"patrol.geo":            {"使用当前位置", "Use my location"},
	"patrol.geo.busy":       {"正在定位…", "Finding your location…"},
	"patrol.geo.done":       {"已填入当前位置。", "Your location is filled in."},
	"patrol.geo.fail":       {"无法获取位置，请选择社区并填写地址。", "Could not get your location; choose the community and give the address."},
	"patrol.submit":         {"上报", "Report"},
	"patrol.ticket":         {"工单编号", "Ticket"},
	"patrol.description.ph": {"发现了什么问题？在哪个位置？", "What did you find, and where exactly?"},
	"patrol.reply.ph":       {"现场如何处理的", "What was done on the spot"},
	"patrol.more":           {"工单较多，仅显示最近的一部分；完整列表请到工作台查看。", "There are many tickets; only the latest are shown. See the workbench for all."},
	"flash.patrol":          {"已上报。", "Reported."},
	"flash.photos":          {"照片已上传。", "Photos uploaded."},
}

// coord shows a latitude or longitude.
func coord(f *float64) string {
	if f == nil {
		return ""
	}
	return strconv.FormatFloat(*f, 'f', 6, 64)
}
