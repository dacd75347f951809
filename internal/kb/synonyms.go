package kb

import "strings"

// synonyms are the groups of words residents and the articles use for one
// thing; the first of each group stands for it. A text that holds any of a
// group's words is searched as if it also held the first, so 来暖 finds an
// article about 供暖 and 暂住证 one about 居住证. Kept small and by hand:
// the words of this district's questions, not a thesaurus.
var synonyms = [][]string{
	{"供暖", "暖气", "采暖", "来暖", "供热"},
	{"社保卡", "社会保障卡"},
	{"社保", "社会保险"},
	{"医保", "医疗保险"},
	{"补办", "丢失", "丢了", "遗失", "挂失"},
	{"居住证", "暂住证"},
	{"优待卡", "老年卡", "养老助残卡", "老年人优待"},
	{"欠薪", "拖欠工资", "讨薪", "不发工资", "欠工资"},
	{"入学", "上学", "入园", "报名"},
	{"证明", "开证明", "开具证明", "出具证明"},
	{"补贴", "补助", "津贴"},
	{"登记", "备案"},
	{"公交", "公交车", "公共汽车", "巴士"},
	{"垃圾分类", "分类投放", "厨余"},
	{"低保", "最低生活保障"},
	{"残疾", "残障"},
	{"投诉", "维权", "举报"},
	{"退款", "退费", "退钱"},
	{"养老", "助餐", "老年餐"},
	{"材料", "证件", "带什么"},
}

// canon maps each word of a group to the group's first.
var canon = func() map[string]string {
	m := map[string]string{}
	for _, g := range synonyms {
		for _, w := range g {
			m[w] = g[0]
		}
	}
	return m
}()

// expand returns the text followed by the first word of every group one of
// whose words it holds.
func expand(text string) string {
	var b strings.Builder
	b.WriteString(text)
	for _, g := range synonyms {
		for _, w := range g {
			if strings.Contains(text, w) {
				b.WriteString(" ")
				b.WriteString(g[0])
				break
			}
		}
	}
	return b.String()
}

// generic are words of asking rather than of the matter: any question may
// hold them, so they lead to no answer.
var generic = map[string]bool{}

func init() {
	for _, w := range strings.Fields(`办理 如何 怎么 怎么办 怎样 咨询 想问 请问 了解 告知 方式 答复 解答 有关 部门 有关部门 反映 希望 问题
		情况 请给 给予 需要 可以 是否 一下 市民 来电 来电人 居民 本人 附近 门口 楼下 社区 小区 号楼 单元 村口 东侧 西侧 南门 北门 旁边 示例`) {
		generic[w] = true
	}
}
