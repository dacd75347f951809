package open311

import (
	"fmt"
	"math"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/gongzhi/gongzhi/internal/ticket"
)

// Lengths of attribute answers, in characters.
const (
	maxStringAttr = 200
	maxTextAttr   = 4000
)

// parseAttributes collects attribute[code]=v and attribute[code][]=v pairs.
// multi reports, per code, whether the [] form was used. A key that starts
// with "attribute" but has neither shape is an error.
func parseAttributes(form url.Values) (vals map[string][]string, multi map[string]bool, problems []string) {
	vals, multi = map[string][]string{}, map[string]bool{}
	keys := make([]string, 0, len(form))
	for k := range form {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		if !strings.HasPrefix(k, "attribute") {
			continue
		}
		rest, ok := strings.CutPrefix(k, "attribute[")
		code, tail, closed := strings.Cut(rest, "]")
		if !ok || !closed || code == "" || strings.ContainsAny(code, "[]") || (tail != "" && tail != "[]") {
			problems = append(problems, fmt.Sprintf("属性参数格式不正确 / malformed attribute parameter %q: use attribute[code]=value or attribute[code][]=value", k))
			continue
		}
		if _, seen := vals[code]; seen && multi[code] != (tail == "[]") {
			problems = append(problems, fmt.Sprintf("属性 %s 不能同时用两种写法 / attribute %s is sent both as attribute[%s] and attribute[%s][]", code, code, code, code))
			continue
		}
		multi[code] = tail == "[]"
		vals[code] = append(vals[code], form[k]...)
	}
	return vals, multi, problems
}

// checkAttributes validates the answers against a service definition and
// returns the problems found, all of them, in the definition's order.
func checkAttributes(defs []ticket.Attribute, vals map[string][]string, multi map[string]bool, loc *time.Location) []string {
	var problems []string
	known := map[string]bool{}
	for _, a := range defs {
		known[a.Code] = true
		if !a.Variable {
			continue // shown to the user, never answered
		}
		got := nonEmpty(vals[a.Code])
		if len(got) == 0 {
			if a.Required {
				problems = append(problems, fmt.Sprintf("缺少必填属性 %s / required attribute %s is missing", a.Code, a.Code))
			}
			continue
		}
		if a.Datatype != ticket.DatatypeMultiValueList && (len(got) > 1 || multi[a.Code]) {
			problems = append(problems, fmt.Sprintf("属性 %s 只能有一个值 / attribute %s takes one value (attribute[%s]=value)", a.Code, a.Code, a.Code))
			continue
		}
		if p := checkValue(a, got, loc); p != "" {
			problems = append(problems, p)
		}
	}
	unknown := []string{}
	for code := range vals {
		if !known[code] {
			unknown = append(unknown, code)
		}
	}
	sort.Strings(unknown)
	for _, code := range unknown {
		problems = append(problems, fmt.Sprintf("该服务没有属性 %s / this service has no attribute %s", code, code))
	}
	return problems
}

func nonEmpty(in []string) []string {
	var out []string
	for _, v := range in {
		if v = strings.TrimSpace(v); v != "" {
			out = append(out, v)
		}
	}
	return out
}

func checkValue(a ticket.Attribute, got []string, loc *time.Location) string {
	v := got[0]
	bad := func(zh, en string) string {
		return fmt.Sprintf("属性 %s %s / attribute %s %s", a.Code, zh, a.Code, en)
	}
	if !utf8.ValidString(strings.Join(got, "")) {
		return bad("不是有效的 UTF-8", "is not valid UTF-8")
	}
	switch a.Datatype {
	case ticket.DatatypeString:
		if strings.ContainsAny(v, "\r\n") {
			return bad("不能换行", "must be a single line (string)")
		}
		if utf8.RuneCountInString(v) > maxStringAttr {
			return bad(fmt.Sprintf("不能超过%d字", maxStringAttr), fmt.Sprintf("must be at most %d characters", maxStringAttr))
		}
	case ticket.DatatypeText:
		if utf8.RuneCountInString(v) > maxTextAttr {
			return bad(fmt.Sprintf("不能超过%d字", maxTextAttr), fmt.Sprintf("must be at most %d characters", maxTextAttr))
		}
	case ticket.DatatypeNumber:
		f, err := strconv.ParseFloat(v, 64)
		if err != nil || math.IsNaN(f) || math.IsInf(f, 0) {
			return bad("须为数字", "must be a number")
		}
	case ticket.DatatypeDatetime:
		if _, ok := parseW3C(v, loc); !ok {
			return bad("须为 W3C 日期时间", "must be a W3C datetime, e.g. 2026-03-02T09:00:00+08:00")
		}
	case ticket.DatatypeSingleValueList, ticket.DatatypeMultiValueList:
		keys := map[string]bool{}
		for _, x := range a.Values {
			keys[x.Key] = true
		}
		seen := map[string]bool{}
		for _, g := range got {
			if !keys[g] {
				return bad("的取值不在列表中："+g, "has a value that is not in its list: "+g)
			}
			if seen[g] {
				return bad("的取值重复："+g, "repeats a value: "+g)
			}
			seen[g] = true
		}
	}
	return ""
}

// attributeNote renders the answers for the ticket's description, so that
// staff see them where they read the request.
func attributeNote(defs []ticket.Attribute, vals map[string][]string) string {
	var lines []string
	for _, a := range defs {
		got := nonEmpty(vals[a.Code])
		if !a.Variable || len(got) == 0 {
			continue
		}
		names := map[string]string{}
		for _, x := range a.Values {
			names[x.Key] = x.Name
		}
		shown := make([]string, len(got))
		for i, g := range got {
			shown[i] = g
			if n := names[g]; n != "" {
				shown[i] = n
			}
		}
		label := a.Description
		if label == "" {
			label = a.Code
		}
		lines = append(lines, label+"："+strings.Join(shown, "、"))
	}
	return strings.Join(lines, "\n")
}
