package web_test

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// miitMeasure measures the open page in the browser against MIIT's 2021
// elderly-friendly rules (《互联网网站适老化通用设计规范》): the computed
// font size, line height and contrast of every visible text, the spacing of
// paragraphs, and the size of every target (a chart's text as drawn, after
// the scaling of its viewBox: ≥ 12px in any mode). big selects the elderly
// figures (text ≥ 24 px, targets ≥ 60×60 px) over the normal ones
// (targets ≥ 44×44 px; a link inside a sentence is exempt there, as in
// WCAG 2.5.5). Paragraph spacing ≥ 1.3× the line spacing is read as: the
// step from one paragraph to the next is at least 1.3 lines, so the gap
// between them is at least 0.3 of a line.
const miitMeasure = `((big) => {
const minFont = big ? 24 : 0, minTarget = big ? 60 : 44;
const shown = el => {
	if (!el.checkVisibility({visibilityProperty: true, opacityProperty: true})) return false;
	const r = el.getBoundingClientRect();
	return r.width > 1 && r.height > 1 && r.right > 0 && r.bottom > 0;
};
const name = el => {
	let s = el.tagName.toLowerCase();
	if (el.id) s += '#' + el.id;
	else if (el.classList && el.classList.length) s += '.' + [...el.classList].join('.');
	const txt = (el.textContent || el.value || '').trim().replace(/\s+/g, ' ').slice(0, 20);
	return txt ? s + ' "' + txt + '"' : s;
};
const rgb = s => { const m = s.match(/[\d.]+/g).map(Number); return [m[0], m[1], m[2], m.length > 3 ? m[3] : 1]; };
const lum = c => { const f = v => { v /= 255; return v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4); };
	return 0.2126 * f(c[0]) + 0.7152 * f(c[1]) + 0.0722 * f(c[2]); };
const over = (top, under) => { const a = top[3]; return [0, 1, 2].map(i => top[i] * a + under[i] * (1 - a)).concat([1]); };
const background = el => {
	const layers = [];
	for (let e = el; e; e = e.parentElement) {
		const c = rgb(getComputedStyle(e).backgroundColor);
		if (c[3] > 0) { layers.push(c); if (c[3] >= 1) break; }
	}
	let bg = [255, 255, 255, 1];
	for (let i = layers.length - 1; i >= 0; i--) bg = over(layers[i], bg);
	return bg;
};
const contrast = el => {
	const cs = getComputedStyle(el), bg = background(el);
	const fg = over(rgb(el instanceof SVGElement ? cs.fill : cs.color), bg);
	const a = lum(fg), b = lum(bg);
	return (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05);
};
const out = {minFont: 1e9, chars: 0, bigChars: 0, minLH: 1e9, minContrast: 1e9, minW: 1e9, minH: 1e9, targets: 0, bad: []};
const seen = new Set();
const walk = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
for (let n = walk.nextNode(); n; n = walk.nextNode()) {
	const el = n.parentElement, chars = n.data.replace(/\s/g, '').length;
	if (!chars || !el || /^(SCRIPT|STYLE|NOSCRIPT|OPTION|OPTGROUP|TITLE)$/.test(el.tagName) || !shown(el)) continue;
	const cs = getComputedStyle(el);
	let fs = parseFloat(cs.fontSize);
	if (el instanceof SVGElement) { const m = el.getScreenCTM(); if (m) fs *= Math.hypot(m.a, m.b); }
	out.chars += chars;
	if (fs >= 23.95) out.bigChars += chars;
	out.minFont = Math.min(out.minFont, fs);
	if (seen.has(el)) continue;
	seen.add(el);
	if (fs < minFont - 0.05) out.bad.push('text ' + fs.toFixed(1) + 'px < ' + minFont + 'px: ' + name(el));
	if (el instanceof SVGElement && fs < 12 - 0.05) out.bad.push('chart text ' + fs.toFixed(1) + 'px < 12px: ' + name(el));
	if (!(el instanceof SVGElement)) {
		const lh = cs.lineHeight === 'normal' ? 1.2 : parseFloat(cs.lineHeight) / parseFloat(cs.fontSize);
		out.minLH = Math.min(out.minLH, lh);
		if (big && lh < 1.3 - 0.005) out.bad.push('line height ' + lh.toFixed(2) + ' < 1.3: ' + name(el));
	}
	const c = contrast(el);
	out.minContrast = Math.min(out.minContrast, c);
	if (c < 4.5) out.bad.push('contrast ' + c.toFixed(2) + ' < 4.5: ' + name(el));
}
for (const p of document.querySelectorAll('main p + p, main li + li')) {
	const prev = p.previousElementSibling;
	if (!big || !shown(p) || !shown(prev) || getComputedStyle(p).display !== 'block' || getComputedStyle(prev).display !== 'block') continue;
	const lh = parseFloat(getComputedStyle(p).lineHeight), gap = p.getBoundingClientRect().top - prev.getBoundingClientRect().bottom;
	if (lh && gap < 0.3 * lh - 0.5) out.bad.push('paragraph gap ' + gap.toFixed(0) + 'px < 0.3 × line ' + lh.toFixed(0) + 'px: ' + name(p));
}
const inline = a => {
	if (big || a.tagName !== 'A') return false;
	const parent = a.parentElement;
	return getComputedStyle(a).display === 'inline' && parent.textContent.trim().length > a.textContent.trim().length + 1;
};
const sel = 'a[href], button, input:not([type=hidden]), select, textarea, summary, [role=button], [tabindex]:not([tabindex="-1"])';
const done = new Set();
for (let el of document.querySelectorAll(sel)) {
	if ((el.type === 'radio' || el.type === 'checkbox') && (el.closest('label') || el.labels && el.labels[0])) el = el.closest('label') || el.labels[0];
	if (done.has(el) || !shown(el) || inline(el)) continue;
	done.add(el);
	const r = el.getBoundingClientRect();
	out.targets++;
	out.minW = Math.min(out.minW, r.width); out.minH = Math.min(out.minH, r.height);
	if (r.width < minTarget - 0.5 || r.height < minTarget - 0.5)
		out.bad.push('target ' + r.width.toFixed(0) + '×' + r.height.toFixed(0) + ' < ' + minTarget + '×' + minTarget + ': ' + name(el));
	if (big) { const c = contrast(el); if (c < 4.5 && el.matches('input, select, textarea')) out.bad.push('contrast ' + c.toFixed(2) + ' < 4.5: ' + name(el)); }
}
for (const el of document.querySelectorAll('a[target], form[target], [onclick], [onsubmit]'))
	if (el.target !== '_self' && el.target !== '' || el.hasAttribute('onclick') || el.hasAttribute('onsubmit')) out.bad.push('opens a new window or runs inline script: ' + name(el));
return JSON.stringify(out);
})`

// miitShot saves a picture of the whole page under GONGZHI_SHOTS, when set.
func miitShot(b *browser, name string) {
	dir := os.Getenv("GONGZHI_SHOTS")
	if dir == "" {
		return
	}
	buf, err := chromedp.Run(b.ctx, chromedp.FullScreenshot(100))
	if err != nil {
		b.t.Fatal(err)
	}
	name = strings.NewReplacer("/", "_", "?", "_", "&", "_", "=", "_").Replace(name)
	os.MkdirAll(dir, 0o755)
	if err := os.WriteFile(filepath.Join(dir, name+".png"), buf, 0o644); err != nil {
		b.t.Fatal(err)
	}
}

type miitFigures struct {
	MinFont, MinLH, MinContrast, MinW, MinH float64
	Chars, BigChars, Targets                int
	Bad                                     []string
}

func miitRun(b *browser, big bool) miitFigures {
	b.t.Helper()
	out, err := chromedp.Run(b.ctx, chromedp.Evaluate[string](fmt.Sprintf("%s(%v)", miitMeasure, big)))
	if err != nil {
		b.t.Fatal(err)
	}
	var f miitFigures
	if err := json.Unmarshal([]byte(out), &f); err != nil {
		b.t.Fatal(err)
	}
	return f
}

// TestMIITFigures measures every page a resident reaches, in the elderly
// mode and in the normal one, on a phone and a desktop, and fails listing
// every text, target or paragraph that misses the figures; it logs a table
// of the figures per page.
func TestMIITFigures(t *testing.T) {
	s := newA11ySite(t, 15*time.Minute)
	pages := a11yOnly(s.residentPages())
	var bad []string
	rows := []string{fmt.Sprintf("%-8s %-5s %-34s %9s %8s %9s %8s %8s", "mode", "width", "page", "min font", "≥24px", "min line", "target", "contrast")}
	for _, big := range []bool{true, false} {
		mode := "normal"
		if big {
			mode = "elderly"
		}
		for _, who := range []string{"guest", "resident"} {
			s.setBig(s.as(who), big)
		}
		for _, pg := range pages {
			b := s.as(pg.who)
			for _, size := range a11ySizes {
				s.visit(b, pg, size[0], size[1])
				f := miitRun(b, big)
				miitShot(b, fmt.Sprintf("%s-%d-%s%s", mode, size[0], pg.who, pg.path))
				label := pg.path
				if pg.who == "resident" {
					label += " (logged in)"
				}
				rows = append(rows, fmt.Sprintf("%-8s %-5d %-34s %7.1fpx %7.0f%% %9.2f %4.0f×%-3.0f %8.2f",
					mode, size[0], label, f.MinFont, 100*float64(f.BigChars)/float64(max(f.Chars, 1)), f.MinLH, f.MinW, f.MinH, f.MinContrast))
				for _, m := range f.Bad {
					bad = append(bad, fmt.Sprintf("%s %dpx %s: %s", mode, size[0], label, m))
				}
			}
		}
	}
	t.Logf("MIIT figures measured in the browser:\n%s", strings.Join(rows, "\n"))
	for _, js := range []string{"/static/app.js"} {
		resp, err := http.Get(s.srv.URL + js)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		for _, popup := range []string{"alert(", "confirm(", "prompt(", "window.open("} {
			if strings.Contains(string(body), popup) {
				bad = append(bad, js+" opens a pop-up: "+popup)
			}
		}
	}
	if len(bad) > 0 {
		t.Fatalf("%d places miss the elderly-friendly figures:\n%s", len(bad), strings.Join(bad, "\n"))
	}
}
