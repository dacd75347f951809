package deliberation_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/gongzhi/gongzhi/internal/auth"
	"github.com/gongzhi/gongzhi/internal/clock"
	"github.com/gongzhi/gongzhi/internal/db"
	"github.com/gongzhi/gongzhi/internal/db/dbtest"
	"github.com/gongzhi/gongzhi/internal/deliberation"
	"github.com/gongzhi/gongzhi/internal/disclosure"
	"github.com/gongzhi/gongzhi/internal/errs"
	"github.com/gongzhi/gongzhi/internal/gov"
	"github.com/gongzhi/gongzhi/internal/proposal"
)

// fixture: 滨河街道 with 承平里社区 and its courtyard; residents of the
// courtyard, one of 兴谷街道; staff of the community committee (who answers
// a courtyard proposal without a courtyard organisation), of the street
// office, of the other street; a proposal raised in the courtyard; and a
// public item of a kind "notice" that the test describes itself.
type fixture struct {
	s         *deliberation.Service
	p         *proposal.Service
	d         *db.DB
	clock     *clock.Fixed
	admin     auth.User
	committee auth.User // CC1, scope: the community
	office    auth.User // S1, scope: the street
	other     auth.User // S2, scope: the other street
	residents []auth.User
	outsider  auth.User // lives in the other street
	number    string    // the proposal
	ref       string
	notice    string // the public item's reference
	open      map[string]bool
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

func wantCode(t *testing.T, err error, code errs.Code, what string) {
	t.Helper()
	if !errs.Is(err, code) {
		t.Fatalf("%s: got %v, want %s", what, err, code)
	}
}

var monday = time.Date(2026, 11, 30, 10, 0, 0, 0, clock.BusinessZone())

func setup(t *testing.T, d *db.DB) *fixture {
	ctx := context.Background()
	c := clock.NewFixed(monday)
	g := gov.NewService(d, c)
	for _, a := range []gov.Area{
		{Code: "110117", Name: "平谷区", Level: gov.LevelDistrict},
		{Code: "110117001", ParentCode: "110117", Name: "滨河街道", Level: gov.LevelStreet},
		{Code: "110117001001", ParentCode: "110117001", Name: "承平里社区", Level: gov.LevelCommunity},
		{Code: "110117002", ParentCode: "110117", Name: "兴谷街道", Level: gov.LevelStreet},
	} {
		must(t, g.UpsertArea(ctx, a))
	}
	for _, o := range []gov.Org{
		{Code: "S1", Name: "滨河街道办事处", Kind: gov.KindStreetOffice, AreaCode: "110117001"},
		{Code: "S2", Name: "兴谷街道办事处", Kind: gov.KindStreetOffice, AreaCode: "110117002"},
		{Code: "CC1", Name: "承平里社区居委会", Kind: gov.KindCommunityCommittee, AreaCode: "110117001001"},
	} {
		must(t, g.UpsertOrg(ctx, o))
	}
	f := &fixture{s: deliberation.NewService(d, c), p: proposal.NewService(d, c, g), d: d, clock: c, admin: auth.System(), open: map[string]bool{"N1": true}}
	f.committee = staff("u-cc", auth.RoleHandler, "CC1", "110117001001")
	f.office = staff("u-s1", auth.RoleHandler, "S1", "110117001")
	f.other = staff("u-s2", auth.RoleHandler, "S2", "110117002")
	yard, err := f.p.CreateCourtyard(ctx, f.committee, "110117001001", "承平里一号院")
	must(t, err)
	for i := 0; i < 4; i++ {
		r := auth.User{ID: fmt.Sprintf("r%d", i), Role: auth.RoleResident, Phone: fmt.Sprintf("139000000%d%d", i, i+1)}
		_, err := f.p.VerifyResident(ctx, f.committee, yard.Code, r.Phone)
		must(t, err)
		f.residents = append(f.residents, r)
	}
	f.outsider = auth.User{ID: "rx", Role: auth.RoleResident, Phone: "13700000000"}
	_, err = f.p.VerifyResident(ctx, f.other, "110117002", f.outsider.Phone)
	must(t, err)
	p, err := f.p.Create(ctx, f.residents[0], proposal.New{Level: gov.LevelCourtyard, AreaCode: yard.Code, Title: "加装电梯", Body: "一号院老人多。"})
	must(t, err)
	f.number, f.ref = p.Number, deliberation.Ref(proposal.CommentKind, p.Number)
	f.s.Register(proposal.CommentKind, f.p.CommentTarget)
	f.s.Register("notice", f.noticeTarget)
	f.notice = "notice:N1"
	return f
}

// noticeTarget is a public notice of the community, answered by its
// committee, open while f.open says so.
func (f *fixture) noticeTarget(_ context.Context, u auth.User, id string) (deliberation.Target, error) {
	if id != "N1" {
		return deliberation.Target{}, errs.NotFoundf("无", "none")
	}
	return deliberation.Target{Kind: "notice", ID: id, Title: "停水公告", URL: "/notices/N1", AreaCode: "110117001001", OrgCode: "CC1",
		Level: disclosure.Public, Open: f.open[id], Official: u.IsAdmin() || u.OrgCode == "CC1"}, nil
}

func staff(id string, role auth.Role, org, area string) auth.User {
	return auth.User{ID: id, Username: id, Role: role, OrgCode: org, AreaCode: area}
}

func (f *fixture) post(t *testing.T, u auth.User, ref string, pos deliberation.Position, body, parent string) deliberation.Comment {
	t.Helper()
	f.clock.Advance(time.Second)
	c, err := f.s.Post(context.Background(), u, deliberation.New{Target: ref, Position: pos, Body: body, ParentID: parent})
	must(t, err)
	return c
}

func (f *fixture) list(t *testing.T, u auth.User, ref string) deliberation.Thread {
	t.Helper()
	th, err := f.s.List(context.Background(), u, ref, "", 0)
	must(t, err)
	return th
}

func TestPositionsRepliesAndCounts(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		f := setup(t, d)
		r := f.residents
		_, err := f.s.Post(ctx, r[1], deliberation.New{Target: f.ref, Body: "没有立场"})
		wantCode(t, err, errs.Invalid, "a top-level comment without a position")
		_, err = f.s.Post(ctx, r[1], deliberation.New{Target: f.ref, Position: "maybe", Body: "x"})
		wantCode(t, err, errs.Invalid, "an unknown position")
		_, err = f.s.Post(ctx, r[1], deliberation.New{Target: f.ref, Position: deliberation.Support, Body: strings.Repeat("长", deliberation.MaxBody+1)})
		wantCode(t, err, errs.Invalid, "a body too long")
		_, err = f.s.Post(ctx, r[1], deliberation.New{Target: f.ref, Position: deliberation.Support, Body: " \u200b "})
		wantCode(t, err, errs.Invalid, "an empty body")
		_, err = f.s.Post(ctx, r[1], deliberation.New{Target: "proposal", Position: deliberation.Support, Body: "x"})
		wantCode(t, err, errs.Invalid, "a malformed target")
		_, err = f.s.Post(ctx, r[1], deliberation.New{Target: "meeting:M1", Position: deliberation.Support, Body: "x"})
		wantCode(t, err, errs.Invalid, "a kind nobody registered")
		a := f.post(t, r[1], f.ref, deliberation.Support, "支持，我家老人上楼很难。电话13912345678", "")
		if a.Status != deliberation.StatusPublished || a.Depth != 0 || !a.Mine || a.Author != "居民**12" || !strings.Contains(a.Body, "13912345678") {
			t.Fatalf("comment: %+v", a)
		}
		f.post(t, r[2], f.ref, deliberation.Oppose, "反对，一楼住户采光受影响", "")
		f.post(t, r[3], f.ref, deliberation.Oppose, "费用分摊不清楚", "")
		f.post(t, r[3], f.ref, deliberation.Neutral, "听了解释，先中立", "") // her latest position counts
		_, err = f.s.Post(ctx, r[2], deliberation.New{Target: f.ref, Position: deliberation.Oppose, Body: "回复带立场", ParentID: a.ID})
		wantCode(t, err, errs.Invalid, "a reply with a position")
		b := f.post(t, r[2], f.ref, "", "采光可以评估", a.ID)
		c := f.post(t, r[1], f.ref, "", "谢谢", b.ID)
		if b.Depth != 1 || c.Depth != 2 || c.ParentID != b.ID {
			t.Fatalf("replies: %+v %+v", b, c)
		}
		_, err = f.s.Post(ctx, r[2], deliberation.New{Target: f.ref, Body: "第三层回复", ParentID: c.ID})
		wantCode(t, err, errs.Conflict, "a reply beyond the depth")
		_, err = f.s.Post(ctx, r[2], deliberation.New{Target: f.notice, Body: "回复别处的评论", ParentID: a.ID})
		wantCode(t, err, errs.NotFound, "a reply to a comment of another item")
		th := f.list(t, r[2], f.ref)
		if th.Counts != (deliberation.Counts{Support: 1, Neutral: 1, Oppose: 1, Comments: 6}) {
			t.Errorf("counts: %+v", th.Counts)
		}
		if len(th.Items) != 4 || th.Items[3].ID != a.ID || len(th.Items[3].Replies) != 2 || th.Items[3].Replies[1].ID != c.ID {
			t.Fatalf("thread: %+v", th.Items)
		}
		if body := th.Items[3].Body; strings.Contains(body, "13912345678") || !strings.Contains(body, "139****5678") {
			t.Errorf("the phone in a comment is not masked for another reader: %q", body)
		}
		if !th.CanComment || th.Official || th.Held || th.Moderator {
			t.Errorf("the neighbour's thread: %+v", th)
		}
		page, err := f.s.List(ctx, r[2], f.ref, "", 3)
		must(t, err)
		if len(page.Items) != 3 || page.Next == "" {
			t.Fatalf("first page: %d %q", len(page.Items), page.Next)
		}
		page, err = f.s.List(ctx, r[2], f.ref, page.Next, 3)
		must(t, err)
		if len(page.Items) != 1 || page.Items[0].ID != a.ID || page.Next != "" {
			t.Fatalf("second page: %+v %q", page.Items, page.Next)
		}
		_, err = f.s.List(ctx, r[2], f.ref, "nope", 3)
		wantCode(t, err, errs.Invalid, "a malformed cursor")
		_, err = f.s.List(ctx, r[2], f.ref, "", deliberation.MaxList+1)
		wantCode(t, err, errs.Invalid, "a limit too large")
	})
}

func TestWhoReadsAndComments(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		f := setup(t, d)
		a := f.post(t, f.residents[1], f.ref, deliberation.Support, "支持", "")
		for _, u := range []auth.User{f.outsider, f.other, {}} {
			_, err := f.s.List(ctx, u, f.ref, "", 0)
			wantCode(t, err, errs.NotFound, "one who cannot read the proposal lists its comments")
			_, err = f.s.Post(ctx, u, deliberation.New{Target: f.ref, Position: deliberation.Support, Body: "x"})
			if u.ID == "" {
				wantCode(t, err, errs.Unauthorized, "a guest comments")
			} else {
				wantCode(t, err, errs.NotFound, "one who cannot read the proposal comments")
			}
			if u.ID != "" {
				wantCode(t, f.s.Report(ctx, u, a.ID, deliberation.Report{Reason: deliberation.ReasonAd}), errs.NotFound, "one who cannot read it reports")
				_, err = f.s.Moderate(ctx, u, a.ID, deliberation.Decision{Decision: deliberation.Hide, Reason: deliberation.ReasonAd})
				wantCode(t, err, errs.NotFound, "one who cannot read it moderates")
			}
		}
		// The street's office reads the courtyard's proposal but does not
		// answer it, so does not comment.
		th := f.list(t, f.office, f.ref)
		if th.CanComment || th.Official || !th.Moderator {
			t.Errorf("the street office's thread: %+v", th)
		}
		_, err := f.s.Post(ctx, f.office, deliberation.New{Target: f.ref, Body: "街道意见"})
		wantCode(t, err, errs.Forbidden, "staff of another unit comments")
		// The outsider comments on a public item she may read; a guest
		// reads it but does not comment.
		f.post(t, f.outsider, f.notice, deliberation.Neutral, "请问几点恢复供水？", "")
		if th := f.list(t, auth.User{}, f.notice); th.CanComment || len(th.Items) != 0 {
			t.Errorf("a guest's view of the notice: %+v", th)
		}
		// A proposal that no longer takes comments.
		f.open["N1"] = false
		_, err = f.s.Post(ctx, f.residents[1], deliberation.New{Target: f.notice, Position: deliberation.Support, Body: "x"})
		wantCode(t, err, errs.Conflict, "a comment on a closed item")
	})
}

func TestOfficialReply(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		f := setup(t, d)
		for i := 1; i < 4; i++ { // the threshold of an empty courtyard is 5: accept it by hand
			_, err := f.p.Cosign(ctx, f.residents[i], f.number)
			must(t, err)
		}
		_, err := d.W.ExecContext(ctx, `UPDATE proposals SET status = 'accepted', org_code = 'CC1' WHERE number = $1`, f.number)
		must(t, err)
		a := f.post(t, f.residents[1], f.ref, deliberation.Oppose, "反对", "")
		top := f.post(t, f.committee, f.ref, deliberation.Support, "居委会将组织协商会", "")
		if !top.Official || top.Position != "" || top.Author != "承平里社区居委会" || top.AuthorKind != "unit" || top.Status != deliberation.StatusPublished {
			t.Fatalf("official reply: %+v", top)
		}
		r := f.post(t, f.committee, f.ref, "", "已记录您的意见", a.ID)
		if !r.Official {
			t.Fatalf("official reply to a comment: %+v", r)
		}
		th := f.list(t, f.residents[2], f.ref)
		if th.Counts.Support != 0 || th.Counts.Oppose != 1 || !th.Items[0].Official || !th.Items[1].Replies[0].Official {
			t.Fatalf("thread with official replies: %+v", th)
		}
		if th := f.list(t, f.admin, f.ref); !th.Official {
			t.Error("the administrator does not speak officially")
		}
		_, err = f.s.Post(ctx, f.other, deliberation.New{Target: f.notice, Body: "兴谷街道的意见"})
		wantCode(t, err, errs.Forbidden, "another unit comments on a public item")
	})
}

func TestDayLimit(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		f := setup(t, d)
		for i := 0; i < deliberation.MaxPerDay; i++ {
			f.post(t, f.residents[1], f.ref, deliberation.Support, fmt.Sprintf("第%d条", i+1), "")
		}
		_, err := f.s.Post(ctx, f.residents[1], deliberation.New{Target: f.ref, Position: deliberation.Support, Body: "再来一条"})
		wantCode(t, err, errs.TooMany, "one comment too many")
		if e := errs.As(err); e.RetryAfter <= 0 || e.RetryAfter > 24*3600 {
			t.Errorf("retry after %d s", e.RetryAfter)
		}
		f.post(t, f.residents[2], f.ref, deliberation.Support, "别人不受影响", "")
		f.clock.Set(time.Date(2026, 12, 1, 0, 0, 1, 0, clock.BusinessZone()))
		f.post(t, f.residents[1], f.ref, deliberation.Support, "第二天", "")
	})
}
