package replyq

import (
	"math"
	"regexp"
	"strings"

	"github.com/gongzhi/gongzhi/internal/textsearch"
)

// common are terms nearly every request or reply uses; they say nothing of
// what a particular request is about.
var common = toSet(`您好 你好 网友 市民 反映 反应 问题 情况 回复 如下 有关 相关 工作 我们 感谢 收悉 留言 来信
进行 已经 关于 这个 一个 没有 可以 希望 请问 谢谢 部门 政府 现将 针对 对于 您的 您反 您所 的问 题回 复如
将有 关情 况回 的留 言已 已收 的情 及时 领导 书记 市长 尊敬 是否 什么 为什 怎么 能否 由于 因为
所以 但是 目前 现在 他们 你们 支持 关心 关注 理解 监督 表示 需要 要求 不是 就是 还是 以及 并且 同时`)

func toSet(words string) map[string]bool {
	m := map[string]bool{}
	for _, w := range strings.Fields(words) {
		m[w] = true
	}
	return m
}

// counts returns the term counts of a text, common terms and lone Han
// characters left out.
func counts(s string) map[string]float64 {
	m := map[string]float64{}
	for _, t := range termsWithRepeats(s) {
		if common[t] || len([]rune(t)) < 2 {
			continue
		}
		m[t]++
	}
	return m
}

// termsWithRepeats is textsearch.Terms of each sentence, so a term that
// recurs across sentences counts again.
func termsWithRepeats(s string) []string {
	var out []string
	for _, part := range sentenceEnd.Split(s, -1) {
		out = append(out, textsearch.Terms(part)...)
	}
	return out
}

// relevance is the cosine of the request's and the reply's term counts,
// scaled so that 0.25 and more is 100.
func relevance(request, reply string) int {
	a, b := counts(request), counts(reply)
	var dot, na, nb float64
	for t, x := range a {
		na += x * x
		dot += x * b[t]
	}
	for _, y := range b {
		nb += y * y
	}
	if na == 0 || nb == 0 {
		return 0
	}
	cos := math.Min(1, dot/math.Sqrt(na*nb)/0.25)
	return int(math.Round(math.Max(cos, headCoverage(request, b)) * 100))
}

// headCoverage is the share of the terms of the request's first line (its
// title or subject, at most 60 characters) that the reply uses, scaled so
// that 60% and more is 1: a long request's detail would otherwise drown
// what it is about.
func headCoverage(request string, reply map[string]float64) float64 {
	head, _, _ := strings.Cut(strings.TrimSpace(request), "\n")
	if r := []rune(head); len(r) > 60 {
		head = string(r[:60])
	}
	terms := counts(head)
	if len(terms) == 0 {
		return 0
	}
	found := 0
	for t := range terms {
		if reply[t] > 0 {
			found++
		}
	}
	return math.Min(1, float64(found)/float64(len(terms))/0.6)
}

// The cues of the five elements of a complete reply, looked for in the text
// without its boilerplate.
var (
	cueDone   = regexp.MustCompile(`核实|核查|现场|处理|协调|调查|检查|查看|勘查|勘察|安排|督促|责令|约谈|走访|了解|整改|巡查|排查|清理|维修|抢修|派出|派员|组织|对接|沟通|联系了|回访|已于|已经|已对|已将|已安排|已联系|已责成|交由|转交|召开|测量|检测|执法|查处|立案|研究`)
	cueResult = regexp.MustCompile(`已修复|修复|修好|完毕|已清运|已办好|已解决|解决了|得到解决|恢复|完成|办结|不符合|符合|无法|不能|不予|不属于|属于|已拆除|拆除|已清理|清理完毕|已整改|整改到位|已更换|更换|已疏通|疏通|已落实|落实到位|已到位|已安装|安装|已补|正常|已停止|停止|已取缔|取缔|已退还|退还|已发放|发放|规定|标准为|可以享受|不享受|享受|可以办理|无需|不需要|计划|预计|将于|暂无|暂不|尚未|已纳入|纳入`)
	cueWho    = regexp.MustCompile(`单位|部门|街道|社区|居委会|村委|工作人员|联系人|负责人|[局厅]|党委|纪委|管委会|委员会|办事处|街道办|办公室|政府|镇|乡|村|中心|公司|物业|大队|中队|派出所|供电|自来水|燃气|同志|主任|书记|科长|经理|\d{7,}|\d{3,4}-\d{7,8}`)
	cueWhen   = regexp.MustCompile(`\d{1,4}\s*年|\d{1,2}\s*月|\d{1,2}\s*[日号]|\d{1,2}\s*[:：时点]|\d+\s*个?工作日|\d+\s*天|[一二三四五六七八九十两]+个?(工作日|天|月|周|小时)|今天|今日|昨天|昨日|近日|日前|目前|当天|当日|次日|本周|下周|本月|下月|月底|年底|年内|上午|下午|晚上|近期|近期内|立即|随即|第一时间`)
	cueNext   = regexp.MustCompile(`如有|如仍|如还|如您|如果您|若您|若有|若仍|可拨打|可致电|可联系|可与|可咨询|可携带|可前往|可到|可向|可通过|可直接|可登录|请您|请与|请到|请拨打|请联系|请携带|建议您|欢迎您|联系电话|咨询电话|服务热线|热线电话|电话[:：]`)
)

func elements(content string) Elements {
	return Elements{
		Done:   cueDone.MatchString(content),
		Result: cueResult.MatchString(content),
		Who:    cueWho.MatchString(content),
		When:   cueWhen.MatchString(content),
		Next:   cueNext.MatchString(content),
	}
}

func completeness(e Elements) int {
	n := 0
	for _, ok := range []bool{e.Done, e.Result, e.Who, e.When, e.Next} {
		if ok {
			n += 20
		}
	}
	return n
}

// boilerplate are the formulaic phrases of replies: greetings, 已收悉,
// 现将…回复如下, thanks and wishes. They are not wrong, but they say nothing.
var boilerplate = []*regexp.Regexp{
	regexp.MustCompile(`(尊敬的)?(网友|市民|居民|群众)?\s*[“"]?[A-Za-z0-9_]*[”"]?\s*[:：,，]?\s*(您好|你好)\s*[!！,，。：:]?`),
	regexp.MustCompile(`(您|你)?(在[^，,。！!]{0,20}上)?的?(留言|来信|来邮|来电|诉求|网帖|信件|反映)(已|我们已)?收悉[。，,！!；;]?`),
	regexp.MustCompile(`收悉您[^。！!]{0,60}?(留言|来信|网帖|诉求|问题)[，,。]?`),
	regexp.MustCompile(`(针对|关于|对于|就)?您?(在[^，,。]{0,20})?(所)?(反映|咨询|提出|来信反映)的[^，,。！!]{0,60}?(问题|事项|情况)[，,。]?`),
	regexp.MustCompile(`(经[^，,。]{0,10})?现将(有关|相关|调查|办理|处理)?(的)?(情况|问题|结果)?(回复|答复|说明)如下[:：。，,]?`),
	regexp.MustCompile(`(非常|十分|很)?(感谢|谢谢)(您|你)[^。！!，,]{0,30}?(关心|关注|支持|理解|监督|信任|来信|留言|建议|反映)([与和、及]|[^。！!，,]{0,12}?(关心|关注|支持|理解|监督|信任))*[。！!]?`),
	regexp.MustCompile(`(以上|特此)[^。！!]{0,12}(回复|答复)[。！!]?`),
	regexp.MustCompile(`祝(您|你|大家)[^。！!，,]{0,15}[。！!]?`),
	regexp.MustCompile(`(谢谢|感谢)[！!。]`),
}

// boilerplateRunes counts the characters of s inside boilerplate.
func boilerplateRunes(s string) int {
	n := 0
	for _, re := range boilerplate {
		for _, m := range re.FindAllString(s, -1) {
			n += runes(m)
		}
	}
	return n
}

func stripBoilerplate(s string) string {
	for _, re := range boilerplate {
		s = re.ReplaceAllString(s, " ")
	}
	return strings.TrimSpace(s)
}

// sentenceEnd splits a text into sentences.
var sentenceEnd = regexp.MustCompile(`[。！？!?；;\n]+`)

// clarity scores how readable the reply is and says what to change.
func clarity(body, content string, plate int) (int, []string) {
	score := 100.0
	var advice []string
	if !hasWords(content) || runes(content) < 15 {
		score -= 50
		advice = append(advice, TooShort)
	}
	total, long := 0, 0
	for _, s := range sentenceEnd.Split(body, -1) {
		n := runes(strings.TrimSpace(s))
		if n == 0 {
			continue
		}
		total++
		if n > 80 {
			long++
		}
	}
	if total > 0 && long > 0 {
		share := float64(long) / float64(total)
		score -= 40 * share
		if share >= 0.25 {
			advice = append(advice, LongSentences)
		}
	}
	if n := runes(body); n > 0 {
		share := math.Min(1, float64(plate)/float64(n))
		score -= 50 * share
		if share >= 0.3 {
			advice = append(advice, Boilerplate)
		}
	}
	if runes(body) > 1500 {
		score -= 10
		advice = append(advice, TooLong)
	}
	return int(math.Round(math.Max(0, score))), advice
}
