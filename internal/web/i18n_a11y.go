package web

// a11yMessages are the words of the error pages and of the elderly mode's
// switch.
var a11yMessages = map[string][2]string{
	"error.notfound":     {"页面不存在", "Page not found"},
	"error.notfound.msg": {"您要找的页面不存在，可能是地址输错了，或页面已经移除。您可以回到首页，或直接反映问题、查询进度。", "The page you are looking for does not exist: the address may be mistyped, or the page has been removed. Go back to the home page, or report a problem or follow a request from here."},
	"error.internal":     {"系统出错了", "Something went wrong on our side"},
	"error.internal.msg": {"系统内部出错，您的操作可能没有完成。请稍后再试；急事请拨打 12345 热线。", "An internal error stopped this page; what you did may not have been saved. Please try again later, or call the 12345 hotline if it is urgent."},
	"error.hotline":      {"拨打 12345 热线", "Call the 12345 hotline"},
	"big.on":             {"切换到长辈版（大字）", "Switch to large-text mode"},
	"big.off":            {"返回标准版", "Back to standard mode"},
	"big.on.short":       {"长辈版", "Large text"},
	"big.off.short":      {"标准版", "Standard"},
	"big.lead":           {"字大、按钮大，看得清、点得准。", "Bigger text and buttons, easier to read and tap."},
}
