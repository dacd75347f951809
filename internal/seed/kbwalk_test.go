package seed

import (
	"math/rand/v2"
	"sort"
	"strings"
	"testing"

	"github.com/gongzhi/gongzhi/internal/demo/demokb"
	"github.com/gongzhi/gongzhi/internal/kb"
	"github.com/gongzhi/gongzhi/internal/ticket"
)

// answeredBy is, for each problem the seed writes, the demo article that
// answers it, judged by reading both; a problem missing here has no
// published answer in the demo (a complaint, or a question no article
// covers).
var answeredBy = map[string]string{
	"想咨询公交线路调整后的站点位置": "demo-kb-08",
	"想咨询灵活就业人员社保缴费办法": "demo-kb-11",
	"想咨询医保异地就医备案流程":   "demo-kb-12",
	"想咨询小学入学的条件和材料":   "demo-kb-05",
	"想咨询幼儿园报名时间":      "demo-kb-13",
	"想咨询居住证办理需要的材料":   "demo-kb-06",
	"想咨询老年人优待卡怎么办理":   "demo-kb-09",
	"想了解居家养老助餐服务如何申请": "demo-kb-15",
}

// TestKBWalk is the scripted walk over the demo's consultations: tickets
// drawn as the seed draws them (category by weight, kind, channel, words),
// the consultations among them put to the residents' search of the demo
// knowledge base as published, and the share whose top result is the
// answer. Run it with
//
//	go test ./internal/seed/ -run TestKBWalk -v
func TestKBWalk(t *testing.T) {
	var pub []kb.Article
	for _, a := range demokb.Articles {
		if a.Public && a.ReviewBy == "" { // current: Import gives it a year
			a.ReviewBy = "2099-12-31"
		}
		if kb.Published(a, "2026-12-01") {
			pub = append(pub, a)
		}
	}
	codes := make([]string, 0, len(texts))
	for c := range texts {
		codes = append(codes, c)
	}
	sort.Strings(codes)
	cum := make([]float64, len(codes))
	sum := 0.0
	for i, c := range codes {
		sum += texts[c].weight
		cum[i] = sum
	}
	r := rand.New(rand.NewPCG(17, 3))
	var n, answered, wrong, covered int
	for i := 0; i < 20000; i++ {
		ct := texts[codes[draw(r, cum)]]
		consult := ct.consult && r.IntN(10) < 7
		if pickKind(consult, r.IntN(100)) != ticket.KindConsultation {
			continue
		}
		desc := description(r, string(pickChannel(r.IntN(100))), ct, true, "承平里社区"+pick(r, places))
		want := ""
		for _, issue := range ct.issues {
			if strings.Contains(desc, issue) {
				want = answeredBy[issue]
			}
		}
		n++
		if want != "" {
			covered++
		}
		top := kb.Rank(pub, desc)
		switch {
		case len(top) == 0 || top[0].Score < kb.MinScore:
		case top[0].ID == want:
			answered++
		default:
			wrong++
			if wrong <= 3 {
				t.Logf("e.g. %s → %s (%d)", desc, top[0].Title, top[0].Score)
			}
		}
	}
	t.Logf("KB walk: demo consultations: %d; with a published answer in the demo: %d (%.1f%%); answered by the top result: %d (%.1f%%); a wrong answer on top: %d (%.1f%%)",
		n, covered, pct(covered, n), answered, pct(answered, n), wrong, pct(wrong, n))
	if covered > 0 && answered*10 < covered*8 {
		t.Errorf("the top result answers %d of the %d consultations that have an answer, fewer than 80%%", answered, covered)
	}
}

func pct(a, b int) float64 {
	if b == 0 {
		return 0
	}
	return 100 * float64(a) / float64(b)
}
