// Package natcode holds gongzhi's ties to national codes: the district's
// categories mapped to the classes of GB/T 30428.2 (城市管理部件和事件), the
// unit-grid codes of GB/T 30428.1 for the grid cells a district draws, and the
// conformance check over both. Areas already carry the statistical division
// codes (gov); this package checks the codes the grids build on.
package natcode

import "strings"

// Schemes of national classes.
const (
	SchemeEvent     = "gbt30428-event"     // GB/T 30428.2 城市管理事件
	SchemeComponent = "gbt30428-component" // GB/T 30428.2 城市管理部件
)

// Schemes lists the schemes a category may be mapped in, events first.
var Schemes = []string{SchemeEvent, SchemeComponent}

// Kind is what a class classifies.
type Kind string

const (
	KindEvent     Kind = "event"     // 事件: a state or act that needs handling
	KindComponent Kind = "component" // 部件: a facility in public space
)

// Class is one national class.
type Class struct {
	Scheme string `json:"scheme"`
	Code   string `json:"code"`
	Kind   Kind   `json:"kind"`
	Name   string `json:"name"`
	NameEn string `json:"name_en"`
}

// Classes are the national classes gongzhi ships: the major classes (大类,
// two digits) of GB/T 30428.2. Minor classes (小类: four digits, the major
// class's two and two of their own) are not shipped: their numbering could
// not be checked against the standard's own text, and a wrong code is worse
// than none. The names are those several public sources give for the
// standard and its predecessor CJ/T 214; the numbers follow the order of its
// tables, and must be checked against the standard's text before codes are
// exchanged with a city's 城市运行管理服务 platform.
var Classes = []Class{
	{SchemeEvent, "01", KindEvent, "市容环境", "City appearance and environment"},
	{SchemeEvent, "02", KindEvent, "宣传广告", "Publicity and advertising"},
	{SchemeEvent, "03", KindEvent, "施工管理", "Construction management"},
	{SchemeEvent, "04", KindEvent, "突发事件", "Emergencies"},
	{SchemeEvent, "05", KindEvent, "街面秩序", "Street order"},
	{SchemeComponent, "01", KindComponent, "公用设施", "Public utilities"},
	{SchemeComponent, "02", KindComponent, "道路交通设施", "Road and traffic facilities"},
	{SchemeComponent, "03", KindComponent, "市容环境设施", "City appearance facilities"},
	{SchemeComponent, "04", KindComponent, "园林绿化设施", "Landscaping and greening facilities"},
	{SchemeComponent, "05", KindComponent, "房屋土地", "Buildings and land"},
	{SchemeComponent, "06", KindComponent, "其他设施", "Other facilities"},
}

// SchemeKind is the kind of class a scheme holds ("" for an unknown scheme).
func SchemeKind(scheme string) Kind {
	switch scheme {
	case SchemeEvent:
		return KindEvent
	case SchemeComponent:
		return KindComponent
	}
	return ""
}

// FindClass returns the class of the scheme with the code.
func FindClass(scheme, code string) (Class, bool) {
	for _, c := range Classes {
		if c.Scheme == scheme && c.Code == code {
			return c, true
		}
	}
	return Class{}, false
}

// ClassesOf returns the classes of one scheme in order.
func ClassesOf(scheme string) []Class {
	var out []Class
	for _, c := range Classes {
		if c.Scheme == scheme {
			out = append(out, c)
		}
	}
	return out
}

// wellFormedClassCode reports whether code has the shape of a GB/T 30428.2
// class code: two digits (major class) or four (minor class).
func wellFormedClassCode(code string) bool {
	return (len(code) == 2 || len(code) == 4) && digits(code)
}

func digits(s string) bool {
	return s != "" && strings.Trim(s, "0123456789") == ""
}
