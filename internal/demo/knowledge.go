package demo

import "github.com/gongzhi/gongzhi/internal/kb"

// Articles is the demo knowledge base: answers a hotline agent gives on the
// spot. They describe how things usually work in a Beijing district and are
// examples, not official statements; a real district writes its own.
var Articles = []kb.Article{
	{ID: "demo-kb-01", CategoryCode: "0602", Title: "社保卡丢失如何补办", Keywords: "社保卡 补办 挂失 丢了",
		Body: "社保卡丢失后请先拨打社保服务热线或通过官方应用办理临时挂失，再携带本人身份证到区政务服务中心社保窗口或合作银行网点办理补卡（示例答复）。"},
	{ID: "demo-kb-02", CategoryCode: "0403", Title: "供暖季起止时间", Keywords: "供暖 暖气 什么时候 来暖",
		Body: "本市法定供暖期一般为每年11月15日至次年3月15日，遇气温异常可能提前或延后，以市政府公告为准（示例答复）。"},
	{ID: "demo-kb-03", CategoryCode: "0403", Title: "暖气不热怎么办", Keywords: "暖气不热 温度低 室温",
		Body: "供暖期内室温应不低于18℃。请先检查阀门是否全开、暖气片是否需要放气；仍不热的，可联系供热单位报修，或通过本热线反映，我们将派单给供热单位上门测温（示例答复）。"},
	{ID: "demo-kb-04", CategoryCode: "0102", Title: "垃圾分类投放时间", Keywords: "垃圾分类 投放 厨余 时间",
		Body: "居民小区一般在早晚高峰设定时定点投放，厨余垃圾、其他垃圾、可回收物、有害垃圾分类投放；具体时间以所在社区公示为准（示例答复）。"},
	{ID: "demo-kb-05", CategoryCode: "0801", Title: "小学入学信息采集", Keywords: "入学 小学 一年级 信息采集 学区",
		Body: "适龄儿童入学信息采集一般在每年5月进行，家长可通过区教委公布的平台登记，需准备户口簿、房产或居住证明等材料，具体以当年区教委入学政策为准（示例答复）。"},
	{ID: "demo-kb-06", CategoryCode: "1101", Title: "居住证办理", Keywords: "居住证 暂住证 办理 流动人口",
		Body: "来京人员在居住地登记满半年、符合条件的，可携带身份证、居住登记凭证等材料到居住地派出所或社区服务站申领居住证（示例答复）。"},
	{ID: "demo-kb-07", CategoryCode: "0601", Title: "被拖欠工资如何维权", Keywords: "欠薪 拖欠工资 讨薪 劳动仲裁",
		Body: "可先与用人单位协商；协商不成的，可向区人力社保局劳动保障监察部门投诉，或向劳动人事争议仲裁委员会申请仲裁，请保留劳动合同、考勤、工资条等证据（示例答复）。"},
	{ID: "demo-kb-08", CategoryCode: "0302", Title: "公交线路查询", Keywords: "公交 线路 末班车 站点",
		Body: "公交线路和首末班时间可在官方公交出行应用或公交站牌查询；对线路调整有建议的，我们将记录并转交区交通局（示例答复）。"},
	{ID: "demo-kb-09", CategoryCode: "0603", Title: "老年人优待卡办理", Keywords: "老年卡 优待卡 养老助残卡 65岁",
		Body: "年满65周岁的常住老年人可申领老年人优待卡，持身份证到户籍或居住地社区服务站办理，享受公交等优待（示例答复）。"},
	{ID: "demo-kb-10", CategoryCode: "0501", Title: "消费纠纷投诉渠道", Keywords: "消费 退款 商家 投诉 12315",
		Body: "消费纠纷请先与商家协商，保留购物凭证；协商不成的，可向市场监管部门投诉，我们也可直接派单给区市场监管局处理（示例答复）。"},
}

func init() {
	for i := range Articles {
		Articles[i].Active = true
	}
}
