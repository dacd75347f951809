package ticket

import (
	"context"
	"sort"
	"strings"
	"unicode"

	"github.com/gongzhi/gongzhi/internal/errs"
	"github.com/gongzhi/gongzhi/internal/textsearch"
)

// A resident describes her problem in her own words; the category is
// suggested from the text, and she may always leave it to the staff.

// MaxSuggestText is the longest text a suggestion reads, in characters.
const MaxSuggestText = 2000

// MaxSuggestions is how many categories a suggestion offers.
const MaxSuggestions = 3

// Suggestion is a category proposed for a text, best first.
type Suggestion struct {
	Code   string `json:"code"`
	Name   string `json:"name"`
	NameEn string `json:"name_en"`
	Path   string `json:"path"` // 交通出行 › 路灯照明
	Score  int    `json:"score"`
	// Confidence is the learned router's probability that the category is
	// right (0 to 1); zero from the keyword match, which has none.
	Confidence float64 `json:"confidence,omitempty"`
}

// CategorySuggester proposes categories for a text among the active ones
// given. The keyword match below is the default; a learned router takes its
// place through SetSuggester.
type CategorySuggester interface {
	SuggestCategories(ctx context.Context, text string, cats []Category, limit int) ([]Suggestion, error)
}

// SetSuggester replaces how categories are suggested. Call it before serving.
func (s *Service) SetSuggester(x CategorySuggester) { s.suggester = x }

// SuggestCategory proposes up to three active categories for what a
// resident wrote, best first; none when nothing matches. The text is
// cleaned as a description is and must be at most MaxSuggestText characters.
func (s *Service) SuggestCategory(ctx context.Context, text string) ([]Suggestion, error) {
	text = CleanText(text)
	if runes(text) > MaxSuggestText {
		return nil, errs.Invalidf("文字不能超过%d字", "the text must be at most %d characters", MaxSuggestText)
	}
	if text == "" {
		return []Suggestion{}, nil
	}
	cats, err := s.Categories(ctx)
	if err != nil {
		return nil, err
	}
	var x CategorySuggester = KeywordSuggester{}
	if s.suggester != nil {
		x = s.suggester
	}
	out, err := x.SuggestCategories(ctx, text, cats, MaxSuggestions)
	if err != nil {
		return nil, err
	}
	if len(out) > MaxSuggestions {
		out = out[:MaxSuggestions]
	}
	return out, nil
}

// KeywordSuggester scores each active leaf category by the words of its own
// name and of its parent's, and by the everyday words residents use for it
// (categoryWords, keyed by a part of a category's name, so that any
// district's tree whose names use the usual terms of 12345 catalogues gets
// them). Longer words weigh more; a word counts at most three times. Text
// typed in pinyin is matched against the words' pinyin.
type KeywordSuggester struct{}

// SuggestCategories implements CategorySuggester.
func (KeywordSuggester) SuggestCategories(_ context.Context, text string, cats []Category, limit int) ([]Suggestion, error) {
	byCode := map[string]Category{}
	parent := map[string]bool{}
	for _, c := range cats {
		byCode[c.Code] = c
		parent[c.ParentCode] = true
	}
	hay := strings.ToLower(text)
	pinyin := asciiLetters(hay)
	out := []Suggestion{}
	for _, c := range cats {
		if !c.Active || parent[c.Code] || c.Code == "" {
			continue
		}
		score := 0
		seen := map[string]bool{}
		for _, w := range wordsOf(c) {
			score += weigh(hay, pinyin, w, seen) * 2
		}
		if p, ok := byCode[c.ParentCode]; ok {
			for _, w := range wordsOf(p) {
				score += weigh(hay, pinyin, w, seen)
			}
		}
		if score == 0 {
			continue
		}
		out = append(out, Suggestion{Code: c.Code, Name: c.Name, NameEn: c.NameEn, Path: CategoryPath(byCode, c), Score: score})
	}
	sort.SliceStable(out, func(i, j int) bool {
		if out[i].Score != out[j].Score {
			return out[i].Score > out[j].Score
		}
		return out[i].Code < out[j].Code
	})
	if len(out) > limit {
		out = out[:limit]
	}
	return out, nil
}

// weigh is what one word adds: its length in characters for each time it
// occurs (at most three), once per category.
func weigh(hay, pinyin, w string, seen map[string]bool) int {
	if seen[w] {
		return 0
	}
	seen[w] = true
	n := strings.Count(hay, w)
	if n == 0 && len(pinyin) >= 4 {
		if py := textsearch.KeysOf(w).Pinyin; len(py) >= 4 && strings.Contains(pinyin, py) {
			n = 1
		}
	}
	return min(n, 3) * runes(w)
}

// asciiLetters returns the ASCII letters of s, for matching pinyin typed
// with or without spaces; empty when s holds Chinese characters.
func asciiLetters(s string) string {
	var b strings.Builder
	for _, r := range s {
		switch {
		case r > unicode.MaxASCII && unicode.Is(unicode.Han, r):
			return ""
		case r >= 'a' && r <= 'z':
			b.WriteRune(r)
		}
	}
	return b.String()
}

// wordsOf returns the words a category is known by: the parts of its name
// (split at 与, 和, 及, 、 and brackets), and the everyday words of each
// part of categoryWords its name contains.
func wordsOf(c Category) []string {
	var out []string
	parts := strings.FieldsFunc(c.Name, func(r rune) bool { return strings.ContainsRune("与和及、（）()，, /", r) })
	for _, p := range parts {
		if runes(p) >= 2 {
			out = append(out, p)
		}
	}
	for _, e := range categoryWords {
		if strings.Contains(c.Name, e.part) {
			out = append(out, e.words...)
		}
	}
	return out
}

// categoryWords are the words residents use for what a category covers,
// keyed by a term of the category's name.
var categoryWords = []struct {
	part  string
	words []string
}{
	{"环境卫生", []string{"垃圾", "脏", "乱扔", "清扫", "保洁", "卫生", "粪便", "小广告", "堆放", "杂物", "脏乱"}},
	{"垃圾", []string{"垃圾", "垃圾桶", "垃圾分类", "清运", "垃圾站", "臭", "厨余"}},
	{"违法建设", []string{"违建", "违章建筑", "私搭乱建", "乱建", "加盖", "搭建", "扩建", "私建", "圈占"}},
	{"占道", []string{"占道", "摆摊", "小贩", "摊贩", "流动商贩", "出摊", "占用人行道", "夜市"}},
	{"广告", []string{"广告", "牌匾", "招牌", "横幅", "灯箱"}},
	{"绿化", []string{"树", "树木", "绿化", "草坪", "砍伐", "修剪", "枯枝", "绿地", "花坛", "杨絮"}},
	{"物业", []string{"物业", "物业费", "物业公司", "保安", "门禁", "业主", "业委会", "开发商", "小区"}},
	{"房屋", []string{"漏水", "渗水", "墙皮", "裂缝", "房屋", "屋顶", "防水", "危房", "楼房", "交房", "房子"}},
	{"老旧小区", []string{"老旧小区", "改造", "加装电梯", "外墙", "保温", "拆迁", "安置"}},
	{"电梯", []string{"电梯", "困人", "停运"}},
	{"纠纷", []string{"邻居", "邻里", "楼上", "楼下", "纠纷", "吵架", "矛盾"}},
	{"宅基地", []string{"宅基地", "农村", "村民", "翻建", "村委会", "土地", "征地", "村里"}},
	{"道路", []string{"道路", "路面", "坑", "井盖", "破损", "塌陷", "护栏", "人行道", "马路", "盲道", "修路", "公路"}},
	{"公交", []string{"公交", "公交车", "站点", "线路", "班次", "末班车", "司机", "地铁", "出租车", "车站"}},
	{"停车", []string{"停车", "车位", "乱停", "停车场", "僵尸车", "停车费"}},
	{"照明", []string{"路灯", "灯不亮", "照明", "灯坏", "太黑", "灯杆", "不亮"}},
	{"交通秩序", []string{"违章停车", "红绿灯", "信号灯", "拥堵", "堵车", "超速", "闯红灯", "交警", "电动车", "渣土车", "驾驶", "驾照", "车辆"}},
	{"供水", []string{"停水", "自来水", "水压", "水质", "水管", "水表", "水费", "没水", "供水"}},
	{"排水", []string{"积水", "下水道", "排水", "堵塞", "雨水", "污水", "化粪池", "反水", "下水"}},
	{"供暖", []string{"暖气", "供暖", "不热", "温度低", "采暖", "取暖", "供热"}},
	{"燃气", []string{"燃气", "煤气", "天然气", "漏气", "液化气", "燃气费"}},
	{"供电", []string{"停电", "电压", "电费", "电表", "断电", "供电", "电线", "变压器", "电力"}},
	{"消费", []string{"退款", "退费", "消费", "商家", "欺诈", "预付卡", "售后", "网购", "质量问题", "商场", "超市", "旅游", "旅行社", "景区", "导游", "酒店"}},
	{"食品", []string{"食品", "过期", "变质", "餐馆", "饭店", "外卖", "食物中毒", "餐饮", "吃"}},
	{"价格", []string{"价格", "乱收费", "涨价", "标价", "费用", "收费"}},
	{"无证无照", []string{"无证", "无照", "黑作坊", "非法经营", "营业执照", "传销"}},
	{"欠薪", []string{"工资", "欠薪", "拖欠", "劳动", "劳动合同", "辞退", "加班", "工伤", "仲裁", "农民工", "用人单位", "公司", "员工", "上班", "单位"}},
	{"社会保险", []string{"社保", "医保", "养老保险", "失业", "公积金", "缴费", "报销", "退休", "养老金", "参保", "保险", "人才", "职称", "编制", "待遇"}},
	{"养老", []string{"养老", "老人", "养老院", "敬老", "老年", "助餐", "高龄"}},
	{"救助", []string{"低保", "救助", "困难", "补助", "残疾", "特困", "补贴", "扶贫"}},
	{"医疗", []string{"医院", "医生", "看病", "挂号", "医疗", "诊所", "药", "护士", "卫生院", "患者", "病人", "住院"}},
	{"公共卫生", []string{"疫苗", "接种", "疫情", "传染", "消毒", "防疫", "老鼠", "蚊子", "蟑螂", "计生", "生育", "二胎", "独生子女", "计划生育", "卫生"}},
	{"入学", []string{"入学", "学校", "上学", "学位", "招生", "转学", "幼儿园", "学区", "小学", "中学", "教师", "老师", "学生", "教育", "高考", "孩子"}},
	{"培训", []string{"培训", "补课", "辅导班", "培训机构", "学费"}},
	{"噪声", []string{"噪音", "噪声", "吵", "扰民", "广场舞", "夜间施工", "鸣笛", "施工"}},
	{"大气", []string{"油烟", "粉尘", "扬尘", "焚烧", "异味", "臭味", "空气", "雾霾", "排放", "废气", "烟", "污染", "环保", "环评"}},
	{"水体", []string{"河道", "水体", "排污", "污染", "废水", "黑臭", "水库", "河", "湖"}},
	{"治安", []string{"治安", "盗窃", "偷", "诈骗", "打架", "赌博", "报警", "派出所", "可疑", "黑恶", "户口", "身份证"}},
	{"安全隐患", []string{"隐患", "安全", "危险", "倒塌", "脱落", "火灾", "飞线", "充电"}},
	{"消防通道", []string{"消防通道", "消防", "楼道", "堆物", "通道"}},
	{"咨询", []string{"政策", "咨询", "怎么办理", "办理", "请问", "如何", "手续", "证明", "落户", "申请"}},
}

// CategoryPath names a category with its ancestors: 交通出行 › 路灯照明.
func CategoryPath(byCode map[string]Category, c Category) string {
	path := c.Name
	for p, n := c.ParentCode, 0; p != "" && n < 16; p, n = byCode[p].ParentCode, n+1 {
		path = byCode[p].Name + " › " + path
	}
	return path
}
