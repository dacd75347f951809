// Package demokb is the demo district's knowledge base, apart from the demo
// package so that the packages the knowledge base uses may load the demo
// district in their tests.
package demokb

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

// The public ones, with their service guides (办事指南): residents read
// these before they file, and one takes an online application. The guides'
// hours, places and fees are examples, as the answers are; the online links
// lead to the municipality's government service site.
var publicGuides = map[string]kb.Guide{
	"demo-kb-01": {Hours: "工作日 9:00-17:00", Place: "区政务服务中心社保窗口", Materials: []string{"本人身份证"}, Fees: "补卡工本费以经办机构公布为准", OnlineURL: "https://banshi.beijing.gov.cn/"},
	"demo-kb-02": {},
	"demo-kb-04": {},
	"demo-kb-05": {Hours: "每年5月信息采集期", Place: "区教委公布的入学服务平台", Materials: []string{"户口簿", "房产或居住证明", "儿童出生证明"}, Fees: "免费"},
	"demo-kb-06": {Hours: "工作日 9:00-17:00", Place: "居住地派出所或社区服务站", Materials: []string{"本人身份证", "居住登记凭证", "近期照片"}, Fees: "免费", OnlineURL: "https://banshi.beijing.gov.cn/"},
	"demo-kb-08": {},
	"demo-kb-09": {Hours: "工作日 9:00-17:00", Place: "户籍或居住地社区服务站", Materials: []string{"本人身份证", "近期照片"}, Fees: "免费"},
	"demo-kb-11": {Hours: "工作日 9:00-17:00", Place: "社区服务站", Materials: []string{"本人身份证", "社保卡"}, Fees: "免费", OnlineURL: "https://banshi.beijing.gov.cn/"},
	"demo-kb-12": {Hours: "工作日 9:00-17:00", Place: "区医保经办机构或社区服务站", Materials: []string{"本人身份证", "社保卡"}, Fees: "免费", OnlineURL: "https://banshi.beijing.gov.cn/"},
	"demo-kb-13": {Hours: "每年4月至5月", Place: "区教委公布的学前教育报名平台", Materials: []string{"户口簿", "儿童出生证明", "房产或居住证明"}, Fees: "报名免费"},
	"demo-kb-14": {Hours: "工作日 9:00-17:00", Place: "社区服务站", Materials: []string{"本人身份证", "户口簿", "本人银行卡或存折"}, Fees: "免费", ApplyCategory: "0603"},
	"demo-kb-15": {Hours: "养老驿站每日 10:30-13:00", Place: "所在社区养老服务驿站", Materials: []string{"本人身份证"}, Fees: "按驿站公示的餐费，符合条件的老人有补贴"},
}

// staleGuides are past their review date: the staff page flags them and
// residents do not see them until they are reviewed.
var staleGuides = map[string]string{"demo-kb-02": "2025-11-01"}

func init() {
	Articles = append(Articles,
		kb.Article{ID: "demo-kb-11", CategoryCode: "0602", Title: "灵活就业人员社保缴费", Keywords: "灵活就业 社保 缴费 个体",
			Body: "灵活就业人员可在户籍或居住地社保经办机构办理就业登记和参保，按月或按年缴纳养老、医疗保险，缴费基数在当年公布的上下限之间自选（示例答复）。"},
		kb.Article{ID: "demo-kb-12", CategoryCode: "0602", Title: "医保异地就医备案", Keywords: "医保 异地就医 备案 外地看病",
			Body: "长期在外地居住或临时外出就医的参保人，可在就医前通过国家医保服务平台或经办窗口办理异地就医备案，备案后在定点医院可直接结算（示例答复）。"},
		kb.Article{ID: "demo-kb-13", CategoryCode: "0801", Title: "幼儿园报名时间", Keywords: "幼儿园 报名 入园 托育",
			Body: "本区公办幼儿园一般在每年4月至5月集中报名，按区教委公布的片区和时间在平台登记，材料审核后统一派位（示例答复）。"},
		kb.Article{ID: "demo-kb-14", CategoryCode: "0603", Title: "高龄老年人津贴申请", Keywords: "高龄津贴 高龄补贴 80岁 老人补贴 津贴",
			Body: "年满80周岁的户籍老年人可申请高龄津贴，由社区受理、街道审核后按月发放到本人账户。可在网上申请并上传材料，也可到社区服务站办理（示例答复）。"},
		kb.Article{ID: "demo-kb-15", CategoryCode: "0603", Title: "居家养老助餐服务", Keywords: "助餐 老年餐 养老驿站 吃饭",
			Body: "社区养老服务驿站为老年人提供助餐服务，可堂食或送餐上门，行动不便的老人可请社区登记送餐（示例答复）。"},
	)
	for i := range Articles {
		Articles[i].Active = true
		if g, ok := publicGuides[Articles[i].ID]; ok {
			Articles[i].Public, Articles[i].Guide = true, g
			Articles[i].ReviewBy = staleGuides[Articles[i].ID]
		}
	}
}
