package web_test

import (
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// TestBrowserReplyQuality: 滨河街道's handler types a poor reply on a
// ticket's reply form and the advice appears under it without a reload;
// she writes a good one instead and the score rises. She sends it less its
// last sentence, and the supervisor reads beside the reply in the timeline
// that it does not tell the resident what she can do next.
func TestBrowserReplyQuality(t *testing.T) {
	s := newA11ySite(t, 5*time.Minute)
	n := replyingTicket(t, s.a, residentPhone)
	b := s.as("demo-handler")
	b.open("/staff/tickets/" + n)
	eval := func(js string) string {
		t.Helper()
		v, err := chromedp.Run(b.ctx, chromedp.Evaluate[string](js))
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	// waitFor asks js until it is "true".
	waitFor := func(what, js string) {
		t.Helper()
		for end := time.Now().Add(10 * time.Second); time.Now().Before(end); time.Sleep(100 * time.Millisecond) {
			if eval(`String(`+js+`)`) == "true" {
				return
			}
		}
		t.Fatalf("%s: never; the box shows %q", what, eval(`document.getElementById('reply_text-quality').innerText`))
	}
	if eval(`String(document.getElementById('reply_text-quality').hidden)`) != "true" {
		t.Fatal("the advice shows before anything is typed")
	}
	eval(`window.__samePage = "yes"`)
	b.do(chromedp.SendKeys(chromedp.CSS("#reply_text"), "已处理。"))
	waitFor("advice on the poor reply", `!document.getElementById('reply_text-quality').hidden && document.querySelectorAll('#reply_text-quality [data-rq-advice] li').length > 0`)
	box := b.text("#reply_text-quality")
	for _, want := range []string{"答复质量建议", "仅供参考", "没有告诉居民下一步可以做什么", "没有写明办理单位或联系人"} {
		if !strings.Contains(box, want) {
			t.Errorf("the advice lacks %q: %s", want, box)
		}
	}
	axeIfThere(b, "the handler's form with advice")
	poor, _ := strconv.Atoi(eval(`document.querySelector('#reply_text-quality [data-rq=overall]').textContent`))
	b.shot("replyq-poor-1366", 1366)
	shotOf(b, "replyq-poor-form", "#act-reply")

	good := "金谷东园北门的垃圾，滨河街道工作人员今天上午到现场查看，已组织保洁人员清运完毕。如仍有问题，请拨打街道电话010-69961234。"
	eval(`document.getElementById('reply_text').value = ''`)
	b.do(chromedp.SendKeys(chromedp.CSS("#reply_text"), good))
	waitFor("the score rises", `Number(document.querySelector('#reply_text-quality [data-rq=overall]').textContent) > `+strconv.Itoa(poor)+` && !document.querySelector('#reply_text-quality [data-rq-good]').hidden`)
	if eval(`window.__samePage`) != "yes" {
		t.Fatal("the advice reloaded the page")
	}
	b.shot("replyq-good-1366", 1366)
	b.shot("replyq-good-390", 390)
	shotOf(b, "replyq-good-form", "#act-reply")

	// She sends it without its last sentence, what the resident can do next.
	eval(`document.getElementById('reply_text').value = document.getElementById('reply_text').value.replace(/如仍有问题.*$/, '')`)
	b.do(chromedp.Click(chromedp.CSS(`#act-reply input[name=resolved][value=yes]`)))
	b.click("#act-reply > button")
	sup := s.as("demo-supervisor")
	sup.open("/staff/tickets/" + n)
	sup.sees("答复质量建议（仅供参考，不计入考核）", "没有告诉居民下一步可以做什么")
	axeIfThere(sup, "the supervisor's timeline with advice")
	sup.shot("replyq-timeline-1366", 1366)
	shotOf(sup, "replyq-timeline", `.timeline li[data-event="reply"]`)
}

// axeIfThere runs axe-core on the open page when it is installed (see
// axeSource; TestAxe skips without it, this test goes on): no critical or
// serious violation.
func axeIfThere(b *browser, what string) {
	b.t.Helper()
	p := os.Getenv("GONGZHI_AXE")
	if p == "" {
		p = filepath.Join("testdata", "axe", "node_modules", "axe-core", "axe.min.js")
	}
	src, err := os.ReadFile(p)
	if err != nil {
		return
	}
	for _, v := range axeRun(b, string(src)) {
		if v.Impact == "critical" || v.Impact == "serious" {
			b.t.Errorf("%s: %s [%s] %s\n\t%s", what, v.ID, v.Impact, v.Help, strings.Join(v.Nodes, "\n\t"))
		}
	}
}

// shotOf saves a screenshot of one element in GONGZHI_SHOTS, when set.
func shotOf(b *browser, name, sel string) {
	dir := os.Getenv("GONGZHI_SHOTS")
	if dir == "" {
		return
	}
	b.t.Helper()
	buf, err := chromedp.Run(b.ctx, chromedp.Screenshot(chromedp.CSS(sel)))
	if err != nil {
		b.t.Fatal(err)
	}
	os.MkdirAll(dir, 0o755)
	if err := os.WriteFile(filepath.Join(dir, name+".png"), buf, 0o644); err != nil {
		b.t.Fatal(err)
	}
}
