package web

// dupesMessages are the words of the list of likely duplicates (duplicates.go).
var dupesMessages = map[string][2]string{
	"nav.dupes":         {"疑似重复", "Likely duplicates"},
	"dupes.title":       {"疑似重复工单", "Likely duplicate tickets"},
	"dupes.lead":        {"近7天辖区内未办结的工单中，与更早一件地点、分类、内容和时间相近而被判为重复者；合并后新工单随原工单办理，原工单答复时告知其诉求人。", "Open tickets of the last 7 days in your area that look like an earlier open one by place, category, words and time. A merged ticket follows the earlier one, and its reporter is told of the reply."},
	"dupes.ticket":      {"工单", "Ticket"},
	"dupes.of":          {"疑似重复于", "Likely duplicate of"},
	"dupes.score":       {"相似度", "Score"},
	"dupes.action":      {"操作", "Action"},
	"dupes.distance":    {"相距%d米", "%d m apart"},
	"dupes.merge":       {"合并到原工单", "Merge into the earlier one"},
	"dupes.merge.label": {"将工单%s合并到%s", "Merge ticket %s into %s"},
	"dupes.nomerge":     {"无权合并", "You may not merge"},
	"dupes.merged":      {"工单%s已合并。", "Ticket %s was merged."},
	"dupes.empty":       {"暂无疑似重复的工单。", "No likely duplicates."},
}
