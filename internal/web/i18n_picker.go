package web

// pickerMessages are the words of the unit picker (picker.go, static/picker.js).
var pickerMessages = map[string][2]string{
	"pick.group.departments": {"职能部门", "Departments"},
	"pick.group.streets":     {"街道办事处/乡镇政府", "Street offices and townships"},
	"pick.group.communities": {"社区居委会/村委会", "Residents' and village committees"},
	"pick.group.others":      {"其他单位", "Other units"},
	"pick.ph":                {"输入名称、拼音或首字母，如 bhj", "Type a name, its pinyin or initials, e.g. bhj"},
	"pick.find":              {"查找并添加单位", "Find and add a unit"},
	"pick.none":              {"没有找到单位，请换个写法", "No unit found; try other words"},
	"pick.count":             {"找到 {n} 个单位，用上下键选择，回车确定", "{n} units found; choose with the arrow keys and Enter"},
	"pick.more":              {"只列出前 {n} 个，再多输入几个字可缩小范围", "Only the first {n} are listed; type more to narrow them down"},
	"pick.remove":            {"移除 {name}", "Remove {name}"},
	"pick.added":             {"已添加 {name}", "{name} added"},
	"pick.removed":           {"已移除 {name}", "{name} removed"},
	"pick.chosen":            {"已选单位", "Units chosen"},
	"pick.suggested":         {"推荐", "suggested"},
	"pick.invalid":           {"请从列表中选择一个单位", "Choose a unit from the list"},
	"pick.error":             {"查找失败，请重试或从完整列表中选择", "The search failed; try again or choose from the full list"},
	"pick.all":               {"从全部单位中勾选", "Tick units from the full list"},
}
