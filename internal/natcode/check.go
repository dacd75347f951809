package natcode

import (
	"fmt"
	"sort"
	"strings"

	"github.com/gongzhi/gongzhi/internal/errs"
	"github.com/gongzhi/gongzhi/internal/ticket"
)

// Mapped is one national class a category is mapped to.
type Mapped struct {
	Scheme string `json:"scheme"`
	Code   string `json:"code"`
	Name   string `json:"name,omitempty"` // the class's name, filled on reading
}

// Decision is the district's decision for one category: whether it counts
// as 城市管理, its national classes, or why it has none.
type Decision struct {
	CategoryCode string   `json:"category_code"`
	Urban        bool     `json:"urban"`
	Classes      []Mapped `json:"classes"`
	NAReason     string   `json:"not_applicable,omitempty"`
}

// Grid is the unit-grid code of one grid cell. Community is the code of the
// community the cell lies in and Level the cell's level, filled on reading.
type Grid struct {
	AreaCode  string `json:"area_code"`
	UnitCode  string `json:"unit_code"`
	Community string `json:"community_code"`
	Level     string `json:"level"`
}

// Problem is one finding of the conformance check.
type Problem struct {
	Subject   string `json:"subject"` // "category:<code>" or "grid:<code>"
	Rule      string `json:"rule"`
	Message   string `json:"message"`
	MessageEn string `json:"message_en"`
}

// Conformance rules, the Problem.Rule values.
const (
	RuleUnknownCategory = "unknown_category"
	RuleUnknownScheme   = "unknown_scheme"
	RuleMalformedCode   = "malformed_code"
	RuleUnknownClass    = "unknown_class"
	RuleKindMismatch    = "kind_mismatch"
	RuleDuplicate       = "duplicate_mapping"
	RuleContradiction   = "mapped_and_not_applicable"
	RuleUnmapped        = "urban_unmapped"
	RuleGridCode        = "grid_code"
	RuleGridLevel       = "grid_level"
	RuleGridDuplicate   = "grid_duplicate"
)

func problem(subject, rule string, e *errs.Error) Problem {
	return Problem{Subject: subject, Rule: rule, Message: e.Msg, MessageEn: e.MsgEn}
}

// checkClass checks one mapped class on its own: a known scheme, a code of
// the right shape, present in the class table, of the scheme's kind.
func checkClass(m Mapped) (rule string, err *errs.Error) {
	kind := SchemeKind(m.Scheme)
	if kind == "" {
		return RuleUnknownScheme, errs.Invalidf("未知的国家分类体系 %q", "unknown national scheme %q", m.Scheme)
	}
	if !wellFormedClassCode(m.Code) {
		return RuleMalformedCode, errs.Invalidf("国家分类代码须为2位（大类）或4位（小类）数字：%q", "a national class code is 2 digits (major class) or 4 (minor class): %q", m.Code)
	}
	if _, ok := FindClass(m.Scheme, m.Code); ok {
		return "", nil
	}
	for _, c := range Classes {
		if c.Code == m.Code && c.Kind != kind {
			return RuleKindMismatch, errs.Invalidf("代码 %s 是%s类（%s），不能用作%s", "code %s is a %s class (%s), not a %s class",
				m.Code, kindZh(c.Kind), c.Name, kindZh(kind))
		}
	}
	return RuleUnknownClass, errs.Invalidf("%s 中没有代码 %s", "%s has no class %s", m.Scheme, m.Code)
}

func kindZh(k Kind) string {
	if k == KindComponent {
		return "部件"
	}
	return "事件"
}

// Check is the conformance check over a mapping: every mapped code exists in
// the class table with the scheme's kind, one class per category and scheme,
// no category both mapped and marked not applicable, every active category
// the district counts as 城市管理 (itself or through an ancestor) with an
// event class or marked not applicable (itself or through an ancestor), and
// every grid code well formed and under its community's code. It returns the
// problems, in a stable order; none means the mapping conforms.
func Check(cats []ticket.Category, decisions []Decision, grids []Grid) []Problem {
	var out []Problem
	known := map[string]ticket.Category{}
	for _, c := range cats {
		known[c.Code] = c
	}
	byCode := map[string]Decision{}
	for _, d := range decisions {
		subj := "category:" + d.CategoryCode
		if _, ok := known[d.CategoryCode]; !ok {
			out = append(out, problem(subj, RuleUnknownCategory, errs.Invalidf("映射指向不存在的诉求分类 %s", "the mapping names a category that does not exist: %s", d.CategoryCode)))
		}
		if _, dup := byCode[d.CategoryCode]; dup {
			out = append(out, problem(subj, RuleDuplicate, errs.Invalidf("诉求分类 %s 有两条映射", "category %s is mapped twice", d.CategoryCode)))
		}
		byCode[d.CategoryCode] = d
		out = append(out, checkDecision(subj, d)...)
	}
	for _, c := range cats {
		if !c.Active || !urban(c.Code, known, byCode) {
			continue
		}
		if r := resolve(c.Code, known, byCode); r.Event == nil && r.Component == nil && r.NAReason == "" {
			out = append(out, problem("category:"+c.Code, RuleUnmapped, errs.Invalidf("城市管理类诉求分类 %s %s 既未对应国家标准事件或部件类，也未标明不适用",
				"urban-management category %s %s has no national event or component class and is not marked not applicable", c.Code, c.Name)))
		}
	}
	out = append(out, checkGrids(grids)...)
	sort.SliceStable(out, func(i, j int) bool { return out[i].Subject < out[j].Subject })
	return out
}

func checkDecision(subj string, d Decision) []Problem {
	var out []Problem
	seen := map[string]bool{}
	for _, m := range d.Classes {
		if seen[m.Scheme] {
			out = append(out, problem(subj, RuleDuplicate, errs.Invalidf("诉求分类 %s 在 %s 中对应了多个类", "category %s has more than one class in %s", d.CategoryCode, m.Scheme)))
		}
		seen[m.Scheme] = true
		if rule, err := checkClass(m); err != nil {
			out = append(out, problem(subj, rule, err))
		}
	}
	if len(d.Classes) > 0 && strings.TrimSpace(d.NAReason) != "" {
		out = append(out, problem(subj, RuleContradiction, errs.Invalidf("诉求分类 %s 既有国家分类又标明不适用", "category %s is both mapped and marked not applicable", d.CategoryCode)))
	}
	return out
}

func checkGrids(grids []Grid) []Problem {
	var out []Problem
	seen := map[string]string{}
	for _, g := range grids {
		subj := "grid:" + g.AreaCode
		if g.Level != "grid" {
			out = append(out, problem(subj, RuleGridLevel, errs.Invalidf("区划 %s 不是网格（层级为 %s）", "area %s is not a grid cell (level %s)", g.AreaCode, g.Level)))
		}
		if err := CheckGridCode(g.Community, g.UnitCode); err != nil {
			out = append(out, problem(subj, RuleGridCode, errs.As(err)))
		}
		if other, dup := seen[g.UnitCode]; dup {
			out = append(out, problem(subj, RuleGridDuplicate, errs.Invalidf("单元网格代码 %s 与网格 %s 重复", "unit-grid code %s is also that of grid %s", g.UnitCode, other)))
		}
		seen[g.UnitCode] = g.AreaCode
	}
	return out
}

// Resolved is a category's national classes as they apply: its own, or the
// nearest ancestor's, per scheme.
type Resolved struct {
	Event     *Mapped `json:"event,omitempty"`
	Component *Mapped `json:"component,omitempty"`
	NAReason  string  `json:"not_applicable,omitempty"`
	Urban     bool    `json:"urban"`
}

// ancestors returns code and its ancestors, nearest first.
func ancestors(code string, known map[string]ticket.Category) []string {
	var out []string
	for i := 0; code != "" && i < 32; i++ {
		out = append(out, code)
		code = known[code].ParentCode
	}
	return out
}

func urban(code string, known map[string]ticket.Category, by map[string]Decision) bool {
	for _, a := range ancestors(code, known) {
		if by[a].Urban {
			return true
		}
	}
	return false
}

// resolve finds the classes that apply to a category: for each scheme the
// nearest decision (its own first) that names one; a not-applicable mark
// applies only where no class was found nearer.
func resolve(code string, known map[string]ticket.Category, by map[string]Decision) Resolved {
	r := Resolved{Urban: urban(code, known, by)}
	for _, a := range ancestors(code, known) {
		d, ok := by[a]
		if !ok {
			continue
		}
		for _, m := range d.Classes {
			m := m
			if c, ok := FindClass(m.Scheme, m.Code); ok {
				m.Name = c.Name
			}
			switch {
			case m.Scheme == SchemeEvent && r.Event == nil:
				r.Event = &m
			case m.Scheme == SchemeComponent && r.Component == nil:
				r.Component = &m
			}
		}
		if d.NAReason != "" {
			if r.Event == nil && r.Component == nil {
				r.NAReason = d.NAReason
			}
			break
		}
	}
	return r
}

// String is a problem as one line, for logs and tests.
func (p Problem) String() string { return fmt.Sprintf("%s %s: %s", p.Subject, p.Rule, p.MessageEn) }
