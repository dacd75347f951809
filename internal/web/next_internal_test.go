package web

import (
	"strings"
	"testing"
	"time"

	"github.com/gongzhi/gongzhi/internal/clock"
)

func TestPlainTime(t *testing.T) {
	s := &Server{loc: clock.BusinessZone()}
	loc := s.loc
	now := time.Date(2026, 12, 2, 9, 0, 0, 0, loc) // a Wednesday
	for _, tt := range []struct {
		at     time.Time
		zh, en string
	}{
		{time.Date(2026, 12, 2, 17, 30, 0, 0, loc), "今天 17:30", "today, 17:30"},
		{time.Date(2026, 12, 3, 9, 0, 0, 0, loc), "明天（周四）09:00", "tomorrow (Thu), 09:00"},
		{time.Date(2026, 12, 4, 17, 30, 0, 0, loc), "12月4日（周五）17:30", "Fri 4 Dec, 17:30"},
		{time.Date(2027, 1, 5, 12, 0, 0, 0, loc), "2027年1月5日（周二）12:00", "Tue 5 Jan 2027, 12:00"},
	} {
		if got := s.plainTime("zh", tt.at, now); got != tt.zh {
			t.Errorf("zh %v: %q, want %q", tt.at, got, tt.zh)
		}
		if got := s.plainTime("en", tt.at, now); got != tt.en {
			t.Errorf("en %v: %q, want %q", tt.at, got, tt.en)
		}
	}
}

// TestMainText: what is read of a page is its main part (or the part
// asked for), one line a block, hidden parts and controls left out, cut at
// the limit.
func TestMainText(t *testing.T) {
	page := `<html><body><header>头部</header><main id="main"><h1>工单 1</h1>
<button>朗读</button><p hidden>藏起来的</p><div data-nospeak>不读</div>
<section id="timeline"><ol><li><time>2026-12-02 09:00</time><div><strong>已派单至 滨河街道办事处</strong></div></li></ol></section>
<form><label>描述</label><textarea>输入的字</textarea><select><option>选项</option></select></form></main></body></html>`
	got := mainText([]byte(page), "", "zh")
	want := "工单 1。\n2026-12-02 09:00。\n已派单至 滨河街道办事处。\n描述。"
	if got != want {
		t.Errorf("main: %q, want %q", got, want)
	}
	if got := mainText([]byte(page), "timeline", "zh"); got != "2026-12-02 09:00。\n已派单至 滨河街道办事处。" {
		t.Errorf("timeline: %q", got)
	}
	if got := mainText([]byte(page), "nope", "zh"); got != "" {
		t.Errorf("a missing part: %q", got)
	}
	long := "<main id=main>" + strings.Repeat("<p>"+strings.Repeat("字", 99)+"</p>", 40) + "</main>"
	if n := len([]rune(mainText([]byte(long), "", "zh"))); n > maxSpeakRunes+40 || n < maxSpeakRunes-200 {
		t.Errorf("long page: %d runes", n)
	}
}
