package web_test

import (
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// TestBrowserThemes: the supervisor opens the month's themes on a phone's
// width, reads the lights with their community and unit (nothing wider
// than the screen, no serious axe-core violation), and makes them a
// rectification task with one press.
func TestBrowserThemes(t *testing.T) {
	s := newA11ySite(t, 3*time.Minute)
	numbers := lightsLastMonth(t, s.a)
	b := s.as("demo-supervisor")
	b.open("/staff/themes")
	b.sees("每月一题", "金谷东园社区", "滨河街道办事处", "转为整改任务")
	axeIfThere(b, "themes at 1366 px")
	b.do(chromedp.EmulateViewport(390, 800))
	b.open("/staff/themes")
	wide, err := chromedp.Run(b.ctx, chromedp.Evaluate[bool](`document.documentElement.scrollWidth > window.innerWidth`))
	if err != nil {
		t.Fatal(err)
	}
	if wide {
		t.Error("the themes are wider than a 390 px screen")
	}
	axeIfThere(b, "themes at 390 px")
	shotOf(b, "themes-390", "main")
	id, err := chromedp.Run(b.ctx, chromedp.Evaluate[string](
		`[...document.querySelectorAll("li.theme")].find(li => li.innerHTML.includes("`+numbers[0]+`")).id`))
	if err != nil || id == "" {
		t.Fatalf("the lights' theme: %q %v", id, err)
	}
	b.click("#" + id + " .th-rect button")
	b.sees("整改任务已下达", "每月一题", "滨河街道办事处")
}
