package replyq

import (
	"strings"
	"testing"
)

const request = "朝阳路12号路灯不亮\n朝阳路12号门口的路灯坏了一个月，晚上很黑，老人出门不安全。"

func codes(r Result) map[string]bool {
	m := map[string]bool{}
	for _, a := range r.Advice {
		m[a.Code] = true
	}
	return m
}

// A poor reply is boilerplate that says nothing; a good one tells what was
// done, the result, who, when and what the resident can do next.
func TestPoorAndGoodReply(t *testing.T) {
	poor := Score(request, "您好！您的留言已收悉，感谢您对我们工作的支持！")
	good := Score(request, "朝阳路12号的路灯，城管科工作人员张师傅5月6日上午到现场查看，"+
		"是线路老化，当天已更换线路，路灯已恢复照明。如仍有问题，请拨打社区电话010-69961234。")
	if poor.Overall >= 30 || good.Overall < 85 {
		t.Fatalf("poor %+v good %+v", poor, good)
	}
	c := codes(poor)
	for _, want := range []string{TooShort, WeakRelevance, NoAction, NoResult, NoNext, Boilerplate} {
		if !c[want] {
			t.Errorf("poor reply lacks advice %s: %+v", want, poor.Advice)
		}
	}
	if e := good.Elements; !(e.Done && e.Result && e.Who && e.When && e.Next) {
		t.Errorf("good reply's elements: %+v", e)
	}
	if len(good.Advice) != 0 {
		t.Errorf("good reply gets advice: %+v", good.Advice)
	}
	for _, a := range poor.Advice {
		if a.Zh == "" || a.En == "" || a.Zh == a.Code {
			t.Errorf("advice %s without its words", a.Code)
		}
	}
}

func TestEdges(t *testing.T) {
	for _, s := range []string{"", "   ", "。。。！！！", "……"} {
		r := Score(request, s)
		if r.Overall != 0 || len(r.Advice) != 1 || r.Advice[0].Code != NoContent {
			t.Errorf("%q: %+v", s, r)
		}
	}
	// Without a request there is nothing to be relevant to: no advice on it.
	if c := codes(Score("", "已于5月6日更换路灯，恢复照明。")); c[WeakRelevance] {
		t.Error("weak relevance advised without a request")
	}
	// The date stamp at the end of a reply is not "when".
	if Score(request, "路灯已修复。2019年1月23日").Elements.When {
		t.Error("the trailing date counted as when")
	}
	long := strings.Repeat("朝阳路路灯维修工作由社区负责并且已经安排人员进行处理但是由于线路老化需要更换整条线路因此需要一定时间", 3) + "。"
	if !codes(Score(request, long))[LongSentences] {
		t.Error("a sentence of 150 characters is not long")
	}
	huge := strings.Repeat("社区已于5月6日更换朝阳路路灯。", 120)
	if !codes(Score(request, huge))[TooLong] {
		t.Error("a reply of 1,800 characters is not too long")
	}
	if Describe("nope").Code != "nope" || len(Codes) != len(texts) {
		t.Error("codes and texts disagree")
	}
}

// Relevance follows the request's words: the same reply is more relevant to
// the request it answers than to another.
func TestRelevance(t *testing.T) {
	reply := "朝阳路12号路灯已更换线路，恢复照明。"
	if a, b := Score(request, reply).Relevance, Score("幼儿园收费过高\n孩子上幼儿园收费太贵。", reply).Relevance; a <= b || a < 60 {
		t.Errorf("relevance to its request %d, to another %d", a, b)
	}
}

func BenchmarkScore(b *testing.B) {
	reply := strings.Repeat("社区已于5月6日更换朝阳路路灯，恢复照明，如有问题请拨打010-69961234。", 60)
	for b.Loop() {
		Score(request, reply)
	}
}

// Boilerplate is cut at its own end: the work written after a thank-you in
// the same sentence still counts.
func TestBoilerplateKeepsContent(t *testing.T) {
	got := stripBoilerplate("很感谢您的建议，我局经实地勘察后，在下一步线网优化中考虑您的建议，感谢您对我们工作的关心、监督与支持。")
	if !strings.Contains(got, "我局经实地勘察后") || strings.Contains(got, "感谢") {
		t.Errorf("%q", got)
	}
	for _, s := range []string{"网友“UU008957”：您好！您的留言已收悉。现将有关情况回复如下：", "感谢您对我们工作的支持、理解与监督！", "祝您生活愉快！"} {
		if got := stripBoilerplate(s); hasWords(got) {
			t.Errorf("%q left %q", s, got)
		}
	}
}
