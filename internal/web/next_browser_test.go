package web_test

import (
	"bytes"
	"context"
	"encoding/json"
	"image"
	"image/jpeg"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"

	"github.com/gongzhi/gongzhi/internal/app"
)

// newBrowser starts a headless browser for one test and returns a tab of it
// at 390×844, a phone's screen.
func newBrowser(t *testing.T, base string) *browser {
	exe := findBrowser(t)
	ctx, cancel := context.WithTimeout(context.Background(), 150*time.Second)
	t.Cleanup(cancel)
	allocCtx, cancelAlloc := chromedp.NewExecAllocator(ctx, chromedp.ExecPath(exe), chromedp.Headless, chromedp.NoSandbox,
		chromedp.DisableGPU, chromedp.Flag("no-first-run", true), chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("autoplay-policy", "no-user-gesture-required"), chromedp.UserDataDir(t.TempDir()))
	t.Cleanup(cancelAlloc)
	tab, cancelTab := chromedp.NewContext(allocCtx)
	t.Cleanup(cancelTab)
	b := &browser{t: t, ctx: tab, base: base}
	b.do(chromedp.EmulateViewport(390, 844, chromedp.EmulateMobile))
	return b
}

// until waits, up to limit, for the JavaScript condition to hold.
func (b *browser) until(what, cond string, limit time.Duration) {
	b.t.Helper()
	for end := time.Now().Add(limit); time.Now().Before(end); time.Sleep(100 * time.Millisecond) {
		if b.eval(`String(!!(`+cond+`))`) == "true" {
			return
		}
	}
	b.t.Fatalf("waited in vain for %s; the page shows:\n%s", what, b.text("body"))
}

// evalAsync evaluates JavaScript that returns a promise of a string.
func (b *browser) evalAsync(js string) string {
	b.t.Helper()
	s, err := chromedp.Run(b.ctx, chromedp.Evaluate[string](js, chromedp.EvalAwaitPromise))
	if err != nil {
		b.t.Fatal(err)
	}
	return s
}

// network cuts the tab off the network, or gives it back: the requests
// fail and navigator.onLine says so.
func (b *browser) network(online bool) {
	b.t.Helper()
	b.do(chromedp.Func(func(ctx context.Context, t *chromedp.Target) error {
		if _, err := cdp.Call(ctx, t, network.Enable, network.EnableParams{}); err != nil {
			return err
		}
		offline := !online
		rules := network.EmulateNetworkConditionsByRuleParams{EmulateOfflineServiceWorker: &offline, MatchedNetworkConditions: []*network.Conditions{
			{Offline: !online, DownloadThroughput: -1, UploadThroughput: -1}}}
		if _, err := cdp.Call(ctx, t, network.EmulateNetworkConditionsByRule, rules); err != nil {
			return err
		}
		_, err := cdp.Call(ctx, t, network.OverrideNetworkState, network.OverrideNetworkStateParams{Offline: !online,
			DownloadThroughput: -1, UploadThroughput: -1})
		return err
	}))
}

func ticketsAbout(t *testing.T, a *app.App, description string) int {
	t.Helper()
	var n int
	if err := a.DB.R.QueryRow(`SELECT COUNT(*) FROM tickets WHERE description = $1`, description).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

// twelveMegapixels writes a 4000×3000 JPEG as a phone's camera makes one.
func twelveMegapixels(t *testing.T) string {
	img := image.NewRGBA(image.Rect(0, 0, 4000, 3000))
	for y := 0; y < 3000; y++ {
		for x := 0; x < 4000; x++ {
			i := img.PixOffset(x, y)
			img.Pix[i], img.Pix[i+1], img.Pix[i+2], img.Pix[i+3] = uint8(x/16), uint8(y/12), uint8((x*7+y*13+(x*y)%97)%256), 255
		}
	}
	var buf bytes.Buffer
	if err := jpeg.Encode(&buf, img, &jpeg.Options{Quality: 95}); err != nil {
		t.Fatal(err)
	}
	p := filepath.Join(t.TempDir(), "IMG_0001.jpg")
	if err := os.WriteFile(p, buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	t.Logf("the camera's photo: 4000×3000, %d bytes", buf.Len())
	return p
}

// outboxJS reads the phone's outbox and keeps its first item in
// window.keptItem, to put back later as a resend would.
const outboxJS = `new Promise(function (resolve, reject) {
  var open = indexedDB.open("gongzhi", 1);
  open.onerror = function () { reject(open.error); };
  open.onsuccess = function () {
    var req = open.result.transaction("outbox").objectStore("outbox").getAll();
    req.onsuccess = function () {
      var items = req.result;
      open.result.close();
      if (items.length) window.keptItem = items[0];
      var f = items.length && items[0].files[0];
      if (!f) { resolve(JSON.stringify({n: items.length})); return; }
      createImageBitmap(f.blob).then(function (bmp) {
        resolve(JSON.stringify({n: items.length, key: items[0].key, size: f.blob.size, type: f.blob.type, w: bmp.width, h: bmp.height}));
      });
    };
  };
})`

// resendJS puts the kept item back in the outbox, as if the phone had
// never heard the server's answer, and tells the page the network is back.
const resendJS = `new Promise(function (resolve, reject) {
  var open = indexedDB.open("gongzhi", 1);
  open.onsuccess = function () {
    var tx = open.result.transaction("outbox", "readwrite");
    tx.objectStore("outbox").put(window.keptItem);
    tx.oncomplete = function () {
      open.result.close();
      document.getElementById("pwa-note").textContent = "";
      window.dispatchEvent(new Event("online"));
      resolve("ok");
    };
    tx.onerror = function () { reject(tx.error); };
  };
})`

// TestBrowserOfflineSubmission: with no network, a submission with a 12 MP
// photo is kept on the phone (photo made smaller), no ticket yet; when the
// network returns it is sent, one ticket; sent again (the answer lost), a
// reload: still one ticket.
func TestBrowserOfflineSubmission(t *testing.T) {
	findBrowser(t)
	a := newApp(t)
	srv := httptest.NewServer(a.Handler)
	defer srv.Close()
	photo := twelveMegapixels(t)
	b := newBrowser(t, srv.URL)
	const desc = "离线提交：金谷东园北门路灯不亮已经一周"
	b.open("/submit")
	b.until("the phone app's script", `document.querySelector("input[name=idem_key]")`, 5*time.Second)
	// Voice input where the browser offers speech recognition.
	if b.eval(`String(!!(window.SpeechRecognition || window.webkitSpeechRecognition))`) == "true" {
		b.until("the microphone button", `document.querySelector("#description + .mic-btn")`, 5*time.Second)
	} else {
		t.Log("this browser has no speech recognition: no microphone button to check")
	}
	b.do(
		chromedp.SetValue(chromedp.CSS("#street"), "110117001"),
		chromedp.SetValue(chromedp.CSS("#community"), "110117001001"),
		chromedp.SendKeys(chromedp.CSS("#description"), desc),
		chromedp.SendKeys(chromedp.CSS("#reporter_phone"), "13900005555"),
		chromedp.SetUploadFiles(chromedp.CSS("#photos"), []string{photo}),
	)
	b.network(false)
	b.until("the page to know it is offline", `!navigator.onLine`, 5*time.Second)
	b.do(chromedp.Click(chromedp.CSS("form.card button.primary")))
	b.until("the note that it is kept", `(document.getElementById("pwa-note")||{}).textContent.indexOf("已保存在手机上") >= 0`, 30*time.Second)
	b.sees("联网后会自动发送")
	b.shot("next-offline-kept-390", 390)
	if n := ticketsAbout(t, a, desc); n != 0 {
		t.Fatalf("%d tickets while offline, want 0", n)
	}
	var kept struct {
		N, Size, W, H int
		Key, Type     string
	}
	if err := json.Unmarshal([]byte(b.evalAsync(outboxJS)), &kept); err != nil {
		t.Fatal(err)
	}
	t.Logf("kept on the phone: %+v", kept)
	if kept.N != 1 || kept.Size == 0 || kept.Size >= 1<<20 || max(kept.W, kept.H) > 2048 || kept.Type != "image/jpeg" {
		t.Fatalf("the outbox holds %+v, want one submission with a JPEG under 1 MB, at most 2048 px", kept)
	}

	b.network(true)
	number := sentOnce(t, a, b, desc)
	resentOnce(t, a, b, desc, number)

	// The service worker keeps the form: with no network it still opens.
	b.until("the service worker to control the page", `navigator.serviceWorker.controller`, 15*time.Second)
	b.network(false)
	b.open("/submit")
	b.until("the kept form", `document.querySelector("textarea[name=description]") && document.querySelector("input[name=idem_key]")`, 10*time.Second)
	b.network(true)
}

// shotView saves what the screen shows now (not the whole page) under
// GONGZHI_SHOTS, when that is set.
func (b *browser) shotView(name string) {
	dir := os.Getenv("GONGZHI_SHOTS")
	if dir == "" {
		return
	}
	b.t.Helper()
	buf, err := chromedp.Run(b.ctx, chromedp.CaptureScreenshot())
	if err != nil {
		b.t.Fatal(err)
	}
	os.MkdirAll(dir, 0o755)
	if err := os.WriteFile(filepath.Join(dir, name+".png"), buf, 0o644); err != nil {
		b.t.Fatal(err)
	}
}

// box is the size of an element and of its text, as the browser lays it out.
type box struct{ W, H, Font float64 }

func (b *browser) box(sel string) box {
	b.t.Helper()
	js := `(function(){var e=document.querySelector(` + "`" + sel + "`" + `);if(!e)return "{}";var r=e.getBoundingClientRect();
return JSON.stringify({W:r.width,H:r.height,Font:parseFloat(getComputedStyle(e).fontSize)})})()`
	var out box
	if err := json.Unmarshal([]byte(b.eval(js)), &out); err != nil {
		b.t.Fatal(err)
	}
	return out
}

// TestBrowserTicketNextAndSpeak: the resident's ticket page on a phone, in
// normal and elderly mode: what happens next at the top, the read-aloud
// spoken by the server when the browser has no voice, and "去评价" one tap
// from the form.
func TestBrowserTicketNextAndSpeak(t *testing.T) {
	findBrowser(t)
	a := newApp(t)
	srv := httptest.NewServer(a.Handler)
	defer srv.Close()
	number, handler := signedTicket(t, a)
	b := newBrowser(t, srv.URL)
	b.open("/login")
	b.do(chromedp.SendKeys(chromedp.CSS("#phone"), "13800138000"))
	b.click("form button")
	code := b.text("#demo-code strong")
	b.do(chromedp.SendKeys(chromedp.CSS("#code"), code))
	b.click("form button")

	b.open("/tickets/" + number)
	b.sees("接下来", "平谷区城市管理委员会", "前答复", "拨打 010-69961234", "承办单位已接手")
	b.shotView("next-ticket-390")
	if top := b.box(".next"); top.H == 0 {
		t.Fatal("no next-steps block")
	}

	// The browser has no voice here: the server speaks the page.
	b.eval(`(function(){ if (window.speechSynthesis) speechSynthesis.getVoices = function () { return []; }; return ""; })()`)
	b.do(chromedp.Click(chromedp.CSS("#speak")))
	b.until("the server's audio of the page", `(function(){var a=document.getElementById("speak-audio");
return a.getAttribute("src")&&a.getAttribute("src").indexOf("/speak?page=%2Ftickets%2F`+number+`")===0&&a.readyState>=1&&a.duration>2})()`, 30*time.Second)
	if b.eval(`document.getElementById("speak").getAttribute("aria-pressed")`) != "true" {
		t.Error("the read-aloud button does not say it is on")
	}
	b.do(chromedp.Click(chromedp.CSS("#speak")))
	b.until("the reading to stop", `!document.getElementById("speak-audio").getAttribute("src")`, 5*time.Second)
	b.do(chromedp.Click(chromedp.CSS(".speak-part")))
	b.until("the audio of the timeline", `(function(){var a=document.getElementById("speak-audio");
return (a.getAttribute("src")||"").indexOf("part=timeline")>0&&a.readyState>=1&&a.duration>1})()`, 30*time.Second)
	b.do(chromedp.Click(chromedp.CSS(".speak-part")))

	// Elderly mode: the same page, large.
	b.click(`a[href^="/big?on=1"]`)
	b.sees("接下来", "前答复")
	b.shotView("next-ticket-big-390")
	for _, sel := range []string{"#speak", ".next-phone a", ".speak-part"} {
		if x := b.box(sel); x.W < 60 || x.H < 60 || x.Font < 24 {
			t.Errorf("elderly mode: %s is %.0f×%.0f px with %.0f px text, want ≥ 60×60 and ≥ 24", sel, x.W, x.H, x.Font)
		}
	}
	for _, sel := range []string{".next-step", ".next-by strong", ".next-facts dt"} {
		if x := b.box(sel); x.Font < 24 {
			t.Errorf("elderly mode: %s has %.0f px text, want ≥ 24", sel, x.Font)
		}
	}

	// Answered: "去评价" is near the top and leads to the form.
	answer(t, a, handler, number)
	b.open("/tickets/" + number)
	if r := b.box(".rate-jump"); r.H < 60 {
		t.Errorf("elderly mode: 去评价 is %.0f px tall", r.H)
	}
	b.shotView("next-ticket-replied-big-390")
	formTop := `String(Math.round(document.getElementById("rate").getBoundingClientRect().top + scrollY))`
	t.Logf("the rating form starts %s px down (elderly mode)", b.eval(formTop))
	b.do(chromedp.Click(chromedp.CSS(".rate-jump")))
	b.until("the rating form in view", `(function(){var r=document.getElementById("rate").getBoundingClientRect();return r.top>-5&&r.top<innerHeight/2})()`, 5*time.Second)
	b.click(`a[href^="/big?on=0"]`)
	b.open("/tickets/" + number)
	b.shotView("next-ticket-replied-390")
	t.Logf("the rating form starts %s px down", b.eval(formTop))
	b.until("the rating form within 1,300 px of the top", formTop+` < 1300`, time.Second)
}

// sentOnce waits for the kept submission to be sent when the network is
// back, checks it made one ticket with its photo, and returns its number.
func sentOnce(t *testing.T, a *app.App, b *browser, desc string) string {
	t.Helper()
	b.until("the note that it was sent", `(document.getElementById("pwa-note")||{}).textContent.indexOf("已发送") >= 0`, 30*time.Second)
	if n := ticketsAbout(t, a, desc); n != 1 {
		t.Fatalf("%d tickets once online, want 1", n)
	}
	note := b.text("#pwa-note")
	var number string
	if err := a.DB.R.QueryRow(`SELECT number FROM tickets WHERE description = $1`, desc).Scan(&number); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(note, number) {
		t.Errorf("the note %q does not give the number %s", note, number)
	}
	var w, h int
	if err := a.DB.R.QueryRow(`SELECT width, height FROM attachments WHERE ticket_number = $1`, number).Scan(&w, &h); err != nil {
		t.Fatalf("the photo did not arrive: %v", err)
	}
	if max(w, h) > 2048 {
		t.Errorf("the photo arrived at %dx%d", w, h)
	}

	return number
}

// resentOnce puts the sent submission back in the outbox, as if the phone
// had never heard the answer, and checks the resend made nothing new.
func resentOnce(t *testing.T, a *app.App, b *browser, desc, number string) {
	t.Helper()
	b.evalAsync(resendJS)
	b.until("the note of the resend", `(document.getElementById("pwa-note")||{}).textContent.indexOf("已发送") >= 0`, 30*time.Second)
	if got := b.text("#pwa-note"); !strings.Contains(got, number) {
		t.Errorf("the resend led to %q, not to %s", got, number)
	}
	var photos int
	a.DB.R.QueryRow(`SELECT COUNT(*) FROM attachments WHERE ticket_number = $1`, number).Scan(&photos)
	if photos != 1 {
		t.Errorf("%d photos after the resend, want 1", photos)
	}
	b.open("/submit")
	time.Sleep(time.Second)
	if n := ticketsAbout(t, a, desc); n != 1 {
		t.Fatalf("%d tickets after a resend and a reload, want 1", n)
	}
	if left := b.evalAsync(outboxJS); left != `{"n":0}` {
		t.Errorf("the outbox still holds %s", left)
	}

}
