package web_test

import (
	"context"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/gongzhi/gongzhi/internal/auth"
	"github.com/gongzhi/gongzhi/internal/deliberation"
	"github.com/gongzhi/gongzhi/internal/proposal"
)

// commentedProposal is the a11y site's proposal with a neighbour's comment,
// reported, the resident's reply to it and her own comment; it returns the
// neighbour's comment, which the pages reply to and report.
func (s *a11ySite) commentedProposal() (number, comment string) {
	number = s.residentProposal()
	if s.comment != "" {
		return number, s.comment
	}
	ctx := context.Background()
	ref := proposal.CommentKind + ":" + number
	grid, err := s.a.Auth.UserByUsername(ctx, "demo-grid")
	if err != nil {
		s.t.Fatal(err)
	}
	const neighbour = "13900139077"
	x, err := s.a.Proposals.Get(ctx, s.resident(), number)
	if err != nil {
		s.t.Fatal(err)
	}
	if _, err := s.a.Proposals.VerifyResident(ctx, grid, x.AreaCode, neighbour); err != nil {
		s.t.Fatal(err)
	}
	nb := s.resident()
	nb.ID, nb.Phone = "a11y-neighbour", neighbour
	c, err := s.a.Deliberation.Post(ctx, nb, deliberation.New{Target: ref, Position: deliberation.Oppose, Body: "一楼住户担心采光，建议先开协商会。"})
	if err != nil {
		s.t.Fatal(err)
	}
	if _, err := s.a.Deliberation.Post(ctx, s.resident(), deliberation.New{Target: ref, Body: "同意先开协商会。", ParentID: c.ID}); err != nil {
		s.t.Fatal(err)
	}
	if _, err := s.a.Deliberation.Post(ctx, s.resident(), deliberation.New{Target: ref, Position: deliberation.Support, Body: "支持加装电梯。"}); err != nil {
		s.t.Fatal(err)
	}
	// Reported, so that the moderation queue has a comment to show.
	if err := s.a.Deliberation.Report(ctx, auth.System(), c.ID, deliberation.Report{Reason: deliberation.ReasonOffTopic, Text: "与加装电梯无关"}); err != nil {
		s.t.Fatal(err)
	}
	s.comment = c.ID
	return number, c.ID
}

// commentOf is the comment of commentedProposal.
func (s *a11ySite) commentOf() string {
	_, c := s.commentedProposal()
	return c
}

// TestCommentsBrowser: in the elderly mode at a phone's width, a resident
// takes a position on her proposal and comments, a neighbour replies to
// her by the reply link, and the community's grid worker reads both on the
// staff page; the proposal page with its comments and the public figures
// of moderation pass axe-core and the MIIT figures.
func TestCommentsBrowser(t *testing.T) {
	a := newApp(t)
	srv := httptest.NewServer(a.Handler)
	t.Cleanup(srv.Close)
	const neighbour = "13900139001"
	yard := proposalSetup(t, a, residentPhone, neighbour)
	b := deskBrowser(t, srv.URL, 390, 4*time.Minute)
	b.residentLogin(residentPhone)
	b.open("/big?on=1&back=/proposals/new")
	b.do(chromedp.SetValue(chromedp.CSS("#prop-area"), "courtyard:"+yard),
		chromedp.SendKeys(chromedp.CSS("#prop-title"), "一号院加装电梯"),
		chromedp.SendKeys(chromedp.CSS("#prop-body"), "一号院老人多，上下楼不便。"))
	b.click("#prop-submit")
	b.sees("一号院加装电梯", "居民议事", "还没有评论")
	path := strings.TrimPrefix(strings.SplitN(b.location(), "?", 2)[0], srv.URL)
	b.do(chromedp.Click(chromedp.CSS("#position-support")))
	b.do(chromedp.SendKeys(chromedp.CSS("#comment-body"), "支持，老人上下楼太难了。"))
	b.click("#comment-submit")
	b.sees("您的意见已发表", "居民**00", "支持，老人上下楼太难了。")
	if got := b.text("#comment-counts .pos-support strong"); got != "1" {
		t.Errorf("support counted %q", got)
	}
	src := axeFile()
	checkResidentPage(t, b, src, path)
	b.shot("comments-resident", 390)

	nctx, cancel := chromedp.NewContext(b.ctx, chromedp.WithNewBrowserContext())
	t.Cleanup(cancel)
	nb := &browser{t: t, ctx: nctx, base: srv.URL}
	nb.do(chromedp.EmulateViewport(390, 900))
	nb.residentLogin(neighbour)
	nb.open("/big?on=1&back=" + path)
	nb.click(".comment-actions a[id^=reply-]")
	nb.sees("回复 居民**00")
	if n, err := chromedp.Run(nb.ctx, chromedp.Evaluate[int](`document.querySelectorAll("#position-support").length`)); err != nil || n != 0 {
		t.Fatalf("the reply form offers a position: %d %v", n, err)
	}
	nb.do(chromedp.SendKeys(chromedp.CSS("#comment-body"), "同意，我家也是。"))
	nb.click("#comment-submit")
	nb.sees("您的意见已发表", "同意，我家也是。")
	nb.shot("comments-reply", 390)
	checkResidentPage(t, nb, src, "/participate/moderation")
	nb.shot("moderation-public", 390)

	sctx, cancel := chromedp.NewContext(b.ctx, chromedp.WithNewBrowserContext())
	t.Cleanup(cancel)
	staff := &browser{t: t, ctx: sctx, base: srv.URL}
	staff.do(chromedp.EmulateViewport(1366, 900))
	staff.staffLogin("demo-grid")
	staff.open("/staff" + path)
	staff.sees("居民议事", "支持，老人上下楼太难了。", "同意，我家也是。", "回复 居民**00")
	axeIfThere(staff, "the staff proposal page with comments")
	staff.open("/staff/moderation")
	staff.sees("评论审核", "没有待处理的评论")
	axeIfThere(staff, "the moderation queue")
}
