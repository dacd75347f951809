package web_test

import (
	"context"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/gongzhi/gongzhi/internal/auth"
	"github.com/gongzhi/gongzhi/internal/kb"
	"github.com/gongzhi/gongzhi/internal/ticket"
)

// guideApps holds, per app, the resident's online application that the
// accessibility lists open.
var guideApps sync.Map

// residentGuideApp is the a11y resident's application under the demo's
// 高龄津贴 guide, returned for more.
func (s *a11ySite) residentGuideApp() string {
	if id, ok := guideApps.Load(s.a); ok {
		return id.(string)
	}
	ctx := context.Background()
	res := auth.User{ID: "r-a11y", Role: auth.RoleResident, Phone: residentPhone, Name: "王芳"}
	p, err := s.a.KB.Apply(ctx, res, "demo-kb-14", kb.ApplyInput{AreaCode: "110117001001", Note: "母亲今年满80岁", Checked: []string{"本人身份证"}})
	if err != nil {
		s.t.Fatal(err)
	}
	if _, err := s.a.KB.Review(ctx, auth.System(), p.ID, kb.DecideReturn, "请补充户口簿"); err != nil {
		s.t.Fatal(err)
	}
	guideApps.Store(s.a, p.ID)
	return p.ID
}

// TestGuidesBrowser: a resident, in the elderly mode at a phone's width,
// types her question on the filing page and sees the published answer
// before filing (fetched as she types); 这解决了我的问题 takes her to the
// guide with nothing filed. The guide pages pass axe-core and the MIIT
// figures in the elderly mode.
func TestGuidesBrowser(t *testing.T) {
	a := newApp(t)
	srv := httptest.NewServer(a.Handler)
	t.Cleanup(srv.Close)
	b := deskBrowser(t, srv.URL, 390, 3*time.Minute)
	b.residentLogin(residentPhone)
	b.open("/big?on=1&back=/submit")
	b.do(chromedp.SendKeys(chromedp.CSS("#description"), "家里老人今年80岁了，高龄津贴怎么申请？"))
	b.do(chromedp.WaitVisible(chromedp.CSS("#kb-demo-kb-14")))
	b.sees("高龄老年人津贴申请", "这解决了我的问题", "还要反映")
	b.click(`#kb-demo-kb-14 button[name="answered"]`)
	b.sees("很高兴帮到您", "本人银行卡或存折", "在线申请")
	tickets, err := a.Tickets.List(context.Background(), auth.System(), ticket.Filter{})
	if err != nil || len(tickets.Items) != 0 {
		t.Fatalf("filed: %v %v", tickets.Items, err)
	}
	// Enter in a one-line field files, never 先看看有没有答案.
	b.open("/submit")
	b.do(chromedp.SendKeys(chromedp.CSS("#description"), "楼道灯坏了一个月"),
		chromedp.SendKeys(chromedp.CSS("#address"), "金谷东园3号楼\r"),
		chromedp.WaitVisible(chromedp.CSS(".done .ticket-no")))
	b.sees("您的诉求已提交")
	src := axeFile()
	for _, p := range []string{"/guides", "/guides/demo-kb-14", "/submit"} {
		checkResidentPage(t, b, src, p)
	}
}
