package seed

import (
	"math/rand/v2"
	"strconv"
	"strings"
)

// The words the seed writes with. Descriptions are built from a phrase of the
// category, a place word joined to a real community name, how long it has
// lasted, and what the caller asks for, so that full-text and duplicate
// detection later meet text that looks like what a 12345 centre receives.

// catText is what we know to say about a leaf category.
type catText struct {
	weight  float64  // relative frequency among tickets
	consult bool     // mostly consultations
	issues  []string // the problem, to follow a place
}

// texts is keyed by category code; unknown codes (categories added later)
// fall back to generic phrases.
var texts = map[string]catText{
	"0101": {8, false, []string{"垃圾长时间无人清理，散发异味", "路面有大量积土和落叶，清扫不及时", "有人乱倒建筑垃圾，影响通行"}},
	"0102": {5, false, []string{"垃圾桶满溢，清运车几天没来", "垃圾分类桶站破损，没有人值守"}},
	"0103": {3, false, []string{"有住户私自搭建彩钢房", "一楼住户圈占绿地私建小院"}},
	"0104": {3, false, []string{"早市摊贩占道经营，堵塞道路", "夜间烧烤摊占用人行道，油烟很大"}},
	"0105": {1, false, []string{"商铺牌匾松动，有掉落危险", "违规设置的广告牌遮挡视线"}},
	"0106": {2, false, []string{"树枝过长遮挡窗户和路灯", "绿地内有枯树，担心倒伏伤人"}},
	"0201": {7, false, []string{"物业不作为，楼道灯坏了很久没人修", "物业费上涨但服务没有改善", "小区门禁坏了，外来车辆随意进出"}},
	"0202": {3, false, []string{"楼顶漏水，屋内墙面发霉", "楼道墙皮脱落，有安全隐患"}},
	"0203": {2, false, []string{"老旧小区改造施工进度缓慢", "改造后管线仍未恢复使用"}},
	"0204": {2, false, []string{"电梯频繁故障，经常困人", "电梯年检标志过期"}},
	"0205": {3, false, []string{"楼上住户夜间噪音扰民，协商无果", "邻居在楼道堆放杂物，影响消防安全"}},
	"0206": {1, false, []string{"宅基地确权有争议，想了解办理流程", "邻居翻建房屋占用自家宅基地"}},
	"0301": {3, false, []string{"路面坑洼严重，雨天积水", "井盖破损缺失，存在安全隐患"}},
	"0302": {2, true, []string{"公交车发车间隔太长，等车困难", "想咨询公交线路调整后的站点位置"}},
	"0303": {5, false, []string{"车辆乱停乱放，堵塞消防通道", "停车收费标准不清楚，收费员乱收费"}},
	"0304": {3, false, []string{"路灯不亮，晚上出行不安全", "路灯白天常亮，浪费电"}},
	"0305": {2, false, []string{"路口红绿灯时间设置不合理", "大货车超速行驶，存在安全隐患"}},
	"0401": {3, false, []string{"自来水发黄有异味", "小区停水没有提前通知"}},
	"0402": {3, false, []string{"雨后路面大面积积水", "下水道堵塞返味"}},
	"0403": {5, false, []string{"暖气不热，室温不到十八度", "供暖管道漏水"}},
	"0404": {2, false, []string{"楼道内有燃气味", "燃气表异常，想申请检修"}},
	"0405": {3, false, []string{"频繁停电，影响正常生活", "电线老化垂落，存在安全隐患"}},
	"0501": {3, false, []string{"预付卡商家关门跑路，无法退费", "网购商品质量问题，商家拒绝退货"}},
	"0502": {2, false, []string{"餐馆后厨卫生条件差", "超市销售过期食品"}},
	"0503": {1, false, []string{"停车场收费不明码标价", "商户价格欺诈，结账金额与标价不符"}},
	"0504": {1, false, []string{"有无证无照的小作坊生产加工", "无证经营的小诊所"}},
	"0601": {3, false, []string{"工地拖欠农民工工资", "公司解除劳动合同不支付补偿"}},
	"0602": {2, true, []string{"想咨询灵活就业人员社保缴费办法", "想咨询医保异地就医备案流程"}},
	"0603": {2, false, []string{"社区养老驿站服务时间太短", "想了解居家养老助餐服务如何申请"}},
	"0604": {1, false, []string{"家庭困难，想申请低保", "残疾人补贴迟迟没有发放"}},
	"0701": {2, false, []string{"社区卫生服务站看病排队时间长", "医院挂号难，想反映服务态度问题"}},
	"0702": {1, false, []string{"小区内蚊虫鼠害严重", "公共厕所卫生状况差"}},
	"0801": {2, true, []string{"想咨询小学入学的条件和材料", "想咨询幼儿园报名时间"}},
	"0802": {1, false, []string{"校外培训机构违规收费", "培训机构停课不退费"}},
	"0901": {5, false, []string{"工地夜间施工噪音扰民", "商户音响声音太大扰民"}},
	"0902": {2, false, []string{"有人露天焚烧垃圾，烟味很大", "饭店油烟直排，影响居民"}},
	"0903": {1, false, []string{"河道有污水排入，水面发黑", "沟渠内漂浮大量垃圾"}},
	"1001": {2, false, []string{"有人聚集喝酒闹事", "小区内有可疑人员出入"}},
	"1002": {2, false, []string{"电动车在楼道内充电，存在火灾隐患", "废弃房屋有倒塌危险"}},
	"1003": {2, false, []string{"消防通道被车辆长期占用", "消防通道堆放杂物"}},
	"1101": {4, true, []string{"想咨询居住证办理需要的材料", "想咨询老年人优待卡怎么办理", "想咨询惠民政策的申请条件"}},
}

var genericIssues = []string{"存在问题，影响居民正常生活", "情况反映多次仍未解决"}

var places = []string{"号楼楼下", "号楼东侧", "号楼西侧", "单元门口", "小区南门", "小区北门", "菜市场旁", "主干道路口", "公交站附近", "幼儿园门口", "超市门前", "停车场", "健身广场", "村口", "村委会附近", "胡同里"}

var openings = map[string][]string{
	"hotline": {"市民来电反映：", "来电人称，", "来电人反映，", "市民来电："},
	"grid":    {"网格员巡查发现：", "巡查中发现，"},
	"proxy":   {"居民到社区反映，", "代居民登记："},
	"":        {"", "我家住在附近，", "本人反映："},
}

var durations = []string{"已持续一周左右", "已有半个多月", "近几天一直如此", "反映过多次仍未解决", "今天早上发现", "最近一个月经常出现", ""}

var requests = []string{"希望有关部门尽快处理。", "请相关部门核实处理。", "希望尽快解决。", "请给予答复。", "要求尽快解决并回复。"}

var consultRequests = []string{"请给予答复。", "希望有关部门解答。", "请告知办理方式。"}

var replies = []string{
	"经现场核实，已安排人员处理完毕，并已电话告知诉求人。",
	"接诉后我单位立即派人到现场查看，问题已整改到位。",
	"经核实，已协调相关单位处理，诉求人表示认可。",
	"已向诉求人详细解释相关政策和办理流程，诉求人表示理解。",
	"我单位已约谈责任方，责令限期整改，现已整改完毕。",
	"已纳入近期工作计划，将持续跟进，并已向诉求人说明。",
}

var unresolvedReplies = []string{
	"经核实，该问题涉及历史遗留原因，暂时无法解决，已向诉求人做好解释工作。",
	"该事项需多部门协调，目前正在推进，已向诉求人说明进展。",
}

var comments = []string{"处理及时，感谢", "态度很好", "问题还没有彻底解决", "希望以后多关注", "速度太慢了"}

var surnames = []rune("王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董程曹袁邓许傅沈曾彭吕苏卢蒋蔡贾丁魏薛叶阎余潘杜戴夏钟汪田任姜范方石姚谭廖邹熊金陆郝孔白崔康毛邱秦江史顾侯邵孟龙万段雷钱汤尹黎易常武乔贺赖龚文")

var givenChars = []rune("伟芳娜敏静丽强磊军洋勇艳杰娟涛明超兰霞平刚桂英华玉萍红娥建国志海燕淑珍凤凯鹏辉宇浩欣怡秀梅玲丹雪莉晨阳博文亮斌")

var mobilePrefixes = []string{"130", "131", "132", "133", "135", "136", "137", "138", "139", "150", "151", "152", "153", "155", "156", "157", "158", "159", "166", "176", "177", "180", "181", "182", "183", "185", "186", "187", "188", "189", "198", "199"}

// personName returns a name as a caller gives it: a full name, or for some
// hotline callers only the surname and 先生/女士.
func personName(r *rand.Rand, hotline bool) string {
	s := string(surnames[r.IntN(len(surnames))])
	if hotline && r.IntN(5) == 0 {
		if r.IntN(2) == 0 {
			return s + "先生"
		}
		return s + "女士"
	}
	n := 1 + r.IntN(2)
	var b strings.Builder
	b.WriteString(s)
	for range n {
		b.WriteRune(givenChars[r.IntN(len(givenChars))])
	}
	return b.String()
}

// phone returns a mainland mobile number (1xx and eight digits).
func phone(r *rand.Rand) string {
	b := make([]byte, 0, 11)
	b = append(b, mobilePrefixes[r.IntN(len(mobilePrefixes))]...)
	for range 8 {
		b = append(b, byte('0'+r.IntN(10)))
	}
	return string(b)
}

// place returns a place word inside a community, with a building number
// where the word needs one.
func place(r *rand.Rand, community string) string {
	p := places[r.IntN(len(places))]
	if strings.HasPrefix(p, "号楼") || strings.HasPrefix(p, "单元") {
		return community + strconv.Itoa(1+r.IntN(30)) + p
	}
	return community + p
}

func pick(r *rand.Rand, xs []string) string { return xs[r.IntN(len(xs))] }

// description writes a request in the words of its channel.
func description(r *rand.Rand, channel string, ct catText, consult bool, where string) string {
	op, ok := openings[channel]
	if !ok {
		op = openings[""]
	}
	issues := ct.issues
	if len(issues) == 0 {
		issues = genericIssues
	}
	var b strings.Builder
	b.Grow(160)
	b.WriteString(pick(r, op))
	b.WriteString(where)
	b.WriteString(pick(r, issues))
	if consult {
		b.WriteString("，")
		b.WriteString(pick(r, consultRequests))
		return b.String()
	}
	if d := pick(r, durations); d != "" {
		b.WriteString("，")
		b.WriteString(d)
	}
	b.WriteString("，")
	b.WriteString(pick(r, requests))
	return b.String()
}
