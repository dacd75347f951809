// Package replyq scores a written reply to a resident's request, as advice
// to whoever writes or reads it. It is never an evaluation indicator: a
// score that ranks units invites replies written for the scorer, so nothing
// stores it, sums it per unit or ranks by it.
//
// A reply gets three scores from 0 to 100 and a list of concrete advice:
//
//   - Relevance: how much the reply speaks of what the request speaks of.
//     Both texts are split into textsearch.Terms (pairs of adjacent Han
//     characters, ASCII words), terms every reply or request uses (您好,
//     反映, 问题, 感谢…) are left out, and the score is the better of two
//     measures: the cosine of the two term-count vectors, scaled so that
//     0.25 or more is 100; and the share of the terms of the request's first
//     line (its title, or the ticket's category and place) that the reply
//     uses, scaled so that 60% or more is 100. The ticket package puts the
//     category and place on that first line, so their words count.
//   - Completeness: five elements a reply should hold, each found by cue
//     words and patterns, 20 points each: what was done (核实, 现场,
//     协调, 已安排…), the result (已修复, 已解决, 恢复, 完成, 不符合,
//     无法…), who (a unit, 社区, 工作人员, 联系人, a phone number), when (a
//     date, 日, 时, 工作日, 目前…; the date stamp at the end of a reply does
//     not count) and what the resident can do next (如有, 如仍, 可拨打,
//     可联系, 请您…). Boilerplate is removed first, so 已收悉 is not work.
//   - Clarity: 100 less penalties: a reply under 15 characters of content
//     (−50), over 1,500 (−10), sentences over 80 characters (up to −40 by
//     their share), and boilerplate (formulaic openings and closings such as
//     "您好！您的留言已收悉，现将有关情况回复如下", up to −50 by its share
//     of the text). A reply without a Han character, letter or digit is 0.
//
// Overall is 0.3 × relevance + 0.4 × completeness + 0.3 × clarity. Advice
// is given for each missing element, for relevance under 40 (when there is
// a request), for a quarter or more of the sentences over 80 characters, for
// boilerplate of 30% or more of the text, and for a reply too short or too
// long. On the 2,816 written replies of tipdm2020_messages_with_replies.csv
// the overall score's median is 77 (p10 43, p90 91); `gongzhi insight
// replies` reports a file's distribution.
package replyq

import (
	"math"
	"regexp"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Advice is one concrete suggestion, in Chinese and English.
type Advice struct {
	Code string `json:"code"`
	Zh   string `json:"zh"`
	En   string `json:"en"`
}

// Elements are the parts of a complete reply that were found.
type Elements struct {
	Done   bool `json:"done"`   // what was done
	Result bool `json:"result"` // what came of it
	Who    bool `json:"who"`    // which unit or person
	When   bool `json:"when"`   // when
	Next   bool `json:"next"`   // what the resident can do next
}

// Result is a reply's scores (each 0–100) and the advice for it.
type Result struct {
	Relevance    int      `json:"relevance"`
	Completeness int      `json:"completeness"`
	Clarity      int      `json:"clarity"`
	Overall      int      `json:"overall"`
	Elements     Elements `json:"elements"`
	Advice       []Advice `json:"advice"`
}

// The advice codes, in the order Score gives them.
const (
	NoContent     = "no_content"
	TooShort      = "too_short"
	WeakRelevance = "weak_relevance"
	NoAction      = "no_action"
	NoResult      = "no_result"
	NoWho         = "no_who"
	NoWhen        = "no_when"
	NoNext        = "no_next"
	LongSentences = "long_sentences"
	Boilerplate   = "boilerplate"
	TooLong       = "too_long"
)

var texts = map[string][2]string{
	NoContent:     {"回复没有实际内容", "the reply has no words in it"},
	TooShort:      {"回复过短，没有说清办理情况", "the reply is too short to say how the request was handled"},
	WeakRelevance: {"回复与诉求关联弱：没有说到居民反映的地点和事情", "the reply has little to do with the request: it does not speak of the place and matter the resident raised"},
	NoAction:      {"没有说明做了什么（如核实、现场查看、协调）", "the reply does not say what was done (checked, visited, coordinated)"},
	NoResult:      {"没有说明处理结果", "the reply does not say what the result was"},
	NoWho:         {"没有写明办理单位或联系人", "the reply does not name the unit or a contact person"},
	NoWhen:        {"没有写明时间（何时处理、何时完成）", "the reply does not say when (when it was handled or will be done)"},
	NoNext:        {"没有告诉居民下一步可以做什么（如仍有问题可联系谁）", "the reply does not tell the resident what she can do next (whom to contact if the problem remains)"},
	LongSentences: {"句子过长，请分成短句", "sentences are too long: split them"},
	Boilerplate:   {"套话多，请直接说明情况", "much boilerplate: say what happened directly"},
	TooLong:       {"回复过长，请突出要点", "the reply is very long: bring out the main points"},
}

// Describe returns the advice of a code (its code alone when unknown).
func Describe(code string) Advice {
	t, ok := texts[code]
	if !ok {
		return Advice{Code: code, Zh: code, En: code}
	}
	return Advice{Code: code, Zh: t[0], En: t[1]}
}

// Codes lists every advice code, in the order Score gives them.
var Codes = []string{NoContent, TooShort, WeakRelevance, NoAction, NoResult, NoWho, NoWhen, NoNext, LongSentences, Boilerplate, TooLong}

// Score scores a reply to a request. It is pure and quick (a few
// milliseconds for a reply of 4,000 characters).
func Score(request, reply string) Result {
	var r Result
	if !hasWords(reply) {
		r.Advice = []Advice{Describe(NoContent)}
		return r
	}
	body := trailingDate.ReplaceAllString(strings.TrimSpace(reply), "")
	plate := boilerplateRunes(body)
	content := stripBoilerplate(body)
	r.Relevance = relevance(request, reply)
	r.Elements = elements(content)
	r.Completeness = completeness(r.Elements)
	var clarityAdvice []string
	r.Clarity, clarityAdvice = clarity(body, content, plate)
	r.Overall = int(math.Round(0.3*float64(r.Relevance) + 0.4*float64(r.Completeness) + 0.3*float64(r.Clarity)))

	var codes []string
	if slicesContains(clarityAdvice, TooShort) {
		codes = append(codes, TooShort)
	}
	if strings.TrimSpace(request) != "" && r.Relevance < 40 {
		codes = append(codes, WeakRelevance)
	}
	e := r.Elements
	for _, c := range []struct {
		ok   bool
		code string
	}{{e.Done, NoAction}, {e.Result, NoResult}, {e.Who, NoWho}, {e.When, NoWhen}, {e.Next, NoNext}} {
		if !c.ok {
			codes = append(codes, c.code)
		}
	}
	for _, c := range clarityAdvice {
		if c != TooShort {
			codes = append(codes, c)
		}
	}
	for _, c := range codes {
		r.Advice = append(r.Advice, Describe(c))
	}
	return r
}

func slicesContains(s []string, x string) bool {
	for _, v := range s {
		if v == x {
			return true
		}
	}
	return false
}

// hasWords reports whether s holds a Han character, a letter or a digit.
func hasWords(s string) bool {
	for _, r := range s {
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			return true
		}
	}
	return false
}

func runes(s string) int { return utf8.RuneCountInString(s) }

// trailingDate is the date stamp many replies end with: the day of the
// reply, not of the work, so it does not count as "when".
var trailingDate = regexp.MustCompile(`[\s。，,]*\d{4}\s*年\s*\d{1,2}\s*月\s*\d{1,2}\s*日[\s。]*$`)
