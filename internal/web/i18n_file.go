package web

// fileMessages are the words of the resident's home page and of filing a
// request: its doors, the suggested categories, the mistakes shown beside
// their fields and the photos kept.
var fileMessages = map[string][2]string{
	"home.doors":       {"您可以办的事", "What you can do here"},
	"door.report":      {"随手拍 · 反映问题", "Report a problem"},
	"door.report.hint": {"拍照片、说地点", "With a photo and the place"},
	"door.ask":         {"咨询", "Ask a question"},
	"door.ask.hint":    {"政策、办事怎么办", "Policies and how to get things done"},
	"door.my":          {"我的事项", "My requests"},
	"door.my.hint":     {"看办理进度", "See how they are going"},
	"door.awaiting":    {"%d 件待评价", "%d to rate"},
	"door.rate":        {"评价", "Rate"},
	"door.rate.hint":   {"办得好不好，您说了算", "Say how well it was handled"},
	"door.part":        {"参与议事", "Take part"},
	"door.service":     {"找服务", "Find a service"},
	"door.soon":        {"即将开放", "Coming soon"},
	"home.call":        {"拨打 12345 热线", "Call the 12345 hotline"},
	"home.call.hint":   {"不方便上网？打电话说，或请社区网格员帮您登记。", "Not online? Call us, or ask your community grid worker to file it for you."},

	"file.ask.title":      {"我要咨询", "Ask a question"},
	"file.lead":           {"写清楚什么问题、在哪里就能提交。标“必填”的必须填写。", "Say what the problem is and where, and submit. Fields marked “required” must be filled in."},
	"file.required":       {"必填", "required"},
	"file.errors":         {"有 %d 处需要修改，请看下面标红的地方：", "%d things need fixing, marked in red below:"},
	"file.what":           {"遇到了什么问题？", "What is the problem?"},
	"file.what.hint":      {"用您自己的话说：什么事、在哪里、多久了。", "In your own words: what happened, where, and since when."},
	"file.cat":            {"问题属于哪一类？", "What kind of problem is it?"},
	"file.cat.hint":       {"根据您写的内容推荐。拿不准就选“不清楚”，工作人员会帮您分类。", "Suggested from what you wrote. If unsure, choose “not sure” and staff will classify it."},
	"file.cat.unknown":    {"不清楚，由工作人员分类", "Not sure — let staff classify it"},
	"file.cat.none":       {"写下问题后，这里会推荐分类。", "Once you have described the problem, categories are suggested here."},
	"file.match":          {"（匹配度{n}%）", " ({n}% match)"},
	"file.suggest":        {"根据描述推荐分类", "Suggest a category from my words"},
	"file.where":          {"在哪里？", "Where is it?"},
	"file.where.hint":     {"选街道和社区，或填写地址，至少一项。", "Choose the street and community, or type an address: at least one."},
	"file.photos.held":    {"已保存 %d 张照片，不用重新选择：", "%d photo(s) kept; no need to choose them again:"},
	"file.photos.refused": {"以下照片没有收下：", "These photos were not accepted:"},
	"file.photo.alt":      {"已保存的照片", "Photo kept"},
	"file.unclassified":   {"待分类", "Unclassified"},
	"file.dispatch.cat":   {"诉求分类（派单时确定）", "Category (set as it is dispatched)"},
	"file.dispatch.keep":  {"保持不变", "Keep as it is"},
}
