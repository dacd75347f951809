package notice_test

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/gongzhi/gongzhi/internal/auth"
	"github.com/gongzhi/gongzhi/internal/db"
	"github.com/gongzhi/gongzhi/internal/db/dbtest"
	"github.com/gongzhi/gongzhi/internal/disclosure"
	"github.com/gongzhi/gongzhi/internal/errs"
	"github.com/gongzhi/gongzhi/internal/notice"
)

// The disclosure levels hold in one item and in lists: a guest sees public
// items only, a resident of another area no residents' item, a draft only
// its organisation; the list agrees with the one-item rule for everyone.
func TestDisclosureLevels(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		f := setup(t, d, monday)
		var all []notice.Notice
		for _, l := range disclosure.Levels {
			for _, draft := range []bool{false, true} {
				all = append(all, f.publish(t, f.village, notice.New{Level: l, Draft: draft, Title: fmt.Sprintf("村委会 %s %v", l, draft)}))
				all = append(all, f.publish(t, f.office, notice.New{Level: l, Draft: draft, AreaCode: "110117001", Title: fmt.Sprintf("街道 %s %v", l, draft)}))
			}
		}
		all = append(all, f.publish(t, f.otherOffice, notice.New{Level: disclosure.Residents, AreaCode: "110117002", Title: "兴谷街道居民公示"}))
		users := map[string]auth.User{"guest": f.guest, "resident": f.resident, "neighbour": f.neighbour, "outsider": f.outsider,
			"village": f.village, "office": f.office, "other office": f.otherOffice, "supervisor": f.supervisor, "admin": f.admin,
			"auditor": {ID: "u-au", Role: auth.RoleAuditor}}
		for name, u := range users {
			var want []string
			for _, n := range all {
				if _, err := f.s.Get(ctx, u, n.Number); err == nil {
					want = append(want, n.Title)
				} else {
					wantCode(t, err, errs.NotFound, name+" reads "+n.Title)
				}
			}
			page, err := f.s.List(ctx, u, notice.Filter{Limit: notice.MaxList})
			must(t, err)
			var got []string
			for _, n := range page.Items {
				got = append(got, n.Title)
			}
			sort.Strings(want)
			sort.Strings(got)
			if strings.Join(got, "|") != strings.Join(want, "|") {
				t.Errorf("%s lists\n\t%v\nbut reads\n\t%v", name, got, want)
			}
			switch name {
			case "guest":
				for _, n := range page.Items {
					if n.Level != disclosure.Public || n.Status == notice.StatusDraft {
						t.Errorf("a guest sees %s", n.Title)
					}
				}
				if len(page.Items) != 2 {
					t.Errorf("a guest sees %d items", len(page.Items))
				}
			case "outsider", "neighbour":
				for _, n := range page.Items {
					home := map[string]string{"neighbour": "110117001", "outsider": "110117002"}[name] // the street of her home
					if n.Level != disclosure.Public && n.AreaCode != home {
						t.Errorf("%s sees %s", name, n.Title)
					}
				}
			case "resident":
				if len(page.Items) != 4 { // public and residents', of the village and of the street
					t.Errorf("the resident sees %d: %v", len(page.Items), got)
				}
			}
		}
	})
}

func TestListPagesAndFilters(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		f := setup(t, d, monday)
		var numbers []string
		for i := 0; i < 3; i++ {
			numbers = append(numbers, f.publish(t, f.village, notice.New{}).Number)
		}
		topic := f.publish(t, f.village, notice.New{Kind: notice.KindTopic, Level: disclosure.Public, Title: "村内停车如何管理"})
		page, err := f.s.List(ctx, f.guest, notice.Filter{Limit: 2})
		must(t, err)
		if len(page.Items) != 2 || page.Items[0].Number != topic.Number || page.Next != numbers[2] {
			t.Fatalf("first page: %d next %q", len(page.Items), page.Next)
		}
		page, err = f.s.List(ctx, f.guest, notice.Filter{Limit: 2, Cursor: page.Next})
		must(t, err)
		if len(page.Items) != 2 || page.Items[0].Number != numbers[1] || page.Next != "" {
			t.Fatalf("second page: %+v next %q", page.Items, page.Next)
		}
		page, err = f.s.List(ctx, f.guest, notice.Filter{Kind: notice.KindTopic, Status: notice.StatusCommenting, AreaCode: "110117001"})
		must(t, err)
		if len(page.Items) != 1 || page.Items[0].Number != topic.Number {
			t.Errorf("topics: %d", len(page.Items))
		}
		page, err = f.s.List(ctx, f.guest, notice.Filter{AreaCode: "110117002"})
		must(t, err)
		if len(page.Items) != 0 {
			t.Errorf("another street: %d", len(page.Items))
		}
		for _, bad := range []notice.Filter{{Kind: "poster"}, {Status: "open"}, {Cursor: "x"}, {AreaCode: "!"}, {Limit: 101}} {
			_, err := f.s.List(ctx, f.guest, bad)
			wantCode(t, err, errs.Invalid, fmt.Sprintf("filter %+v", bad))
		}
	})
}

func TestPublishRules(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		f := setup(t, d, monday)
		base := notice.New{Kind: notice.KindAnnouncement, AreaCode: villageArea, Title: "公告", Body: "内容"}
		with := func(change func(*notice.New)) notice.New {
			n := base
			change(&n)
			return n
		}
		for what, c := range map[string]struct {
			u    auth.User
			n    notice.New
			code errs.Code
			en   string // the reason, for invalid input
		}{
			"a resident publishes":            {f.resident, base, errs.Forbidden, ""},
			"a guest publishes":               {f.guest, base, errs.Forbidden, ""},
			"outside her scope":               {f.village, with(func(n *notice.New) { n.AreaCode = otherComm }), errs.Forbidden, ""},
			"another street's office":         {f.otherOffice, base, errs.Forbidden, ""},
			"for another organisation":        {f.village, with(func(n *notice.New) { n.OrgCode = "S1" }), errs.Forbidden, ""},
			"no such area":                    {f.admin, with(func(n *notice.New) { n.AreaCode = "110117001999" }), errs.NotFound, ""},
			"unknown kind":                    {f.village, with(func(n *notice.New) { n.Kind = "poster" }), errs.Invalid, "kind must be"},
			"unknown level":                   {f.village, with(func(n *notice.New) { n.Level = "friends" }), errs.Invalid, "visibility must be"},
			"a title of two lines":            {f.village, with(func(n *notice.New) { n.Title = "一\n二" }), errs.Invalid, "the title must be"},
			"a period too short":              {f.village, with(func(n *notice.New) { n.NoticeDays = notice.MinNoticeDays - 1 }), errs.Invalid, "public-notice period must be"},
			"a period too long":               {f.village, with(func(n *notice.New) { n.NoticeDays = notice.MaxNoticeDays + 1 }), errs.Invalid, "public-notice period must be"},
			"comment days on an announcement": {f.village, with(func(n *notice.New) { n.CommentDays = 7 }), errs.Invalid, "only topics have a comment period"},
			"finance without a period":        {f.village, with(func(n *notice.New) { n.Kind = notice.KindFinance }), errs.Invalid, "the period must be a month"},
			"finance of a future month":       {f.village, with(func(n *notice.New) { n.Kind, n.Period = notice.KindFinance, "2026-12" }), errs.Invalid, "the period must be a month"},
			"finance of month 13":             {f.village, with(func(n *notice.New) { n.Kind, n.Period = notice.KindFinance, "2026-13" }), errs.Invalid, "the period must be a month"},
			"a period on an announcement":     {f.village, with(func(n *notice.New) { n.Period = "2026-10" }), errs.Invalid, "only village affairs and finance items name a period"},
			"lines on an announcement":        {f.village, with(func(n *notice.New) { n.Lines = []notice.Line{{Direction: notice.Income, Item: "租金", AmountFen: 1}} }), errs.Invalid, "only finance items carry"},
			"a line of no amount": {f.village, with(func(n *notice.New) {
				n.Kind, n.Period, n.Lines = notice.KindFinance, "2026-10", []notice.Line{{Direction: notice.Income, Item: "租金"}}
			}), errs.Invalid, "line 1: the amount must be above 0"},
		} {
			_, err := f.s.Create(ctx, c.u, c.n)
			if c.code == errs.Invalid {
				wantMsg(t, err, c.en, what)
			}
			wantCode(t, err, c.code, what)
		}
		// The street office publishes for the village; the admin for any
		// organisation; nothing refused above was written.
		x, err := f.s.Create(ctx, f.office, base)
		must(t, err)
		if x.OrgCode != "S1" {
			t.Errorf("the office's item is of %s", x.OrgCode)
		}
		x, err = f.s.Create(ctx, f.admin, with(func(n *notice.New) { n.OrgCode = "VC1"; n.Draft = true }))
		must(t, err)
		if x.OrgCode != "VC1" || x.Status != notice.StatusDraft || x.Number != "GS202611300002" {
			t.Errorf("the admin's draft: %+v", x)
		}
		if _, err := f.s.Get(ctx, f.village, x.Number); err != nil {
			t.Errorf("the committee reads the admin's draft for it: %v", err)
		}
		_, err = f.s.Object(ctx, f.resident, x.Number, notice.NewObjection{Text: "x"})
		wantCode(t, err, errs.NotFound, "object to a draft")
		x, err = f.s.Open(ctx, f.village, x.Number, notice.OpenInput{NoticeDays: 10})
		must(t, err)
		if x.Status != notice.StatusNoticing || x.NoticeDays != 10 || x.PublishedAt == nil {
			t.Errorf("opened: %+v", x)
		}
		_, err = f.s.Open(ctx, f.village, x.Number, notice.OpenInput{})
		wantCode(t, err, errs.Conflict, "open twice")
		_, err = f.s.Withdraw(ctx, f.office, x.Number, "撤回")
		wantCode(t, err, errs.Forbidden, "another organisation withdraws")
		_, err = f.s.Withdraw(ctx, f.village, x.Number, "")
		wantCode(t, err, errs.Invalid, "withdraw without a reason")
		x, err = f.s.Withdraw(ctx, f.village, x.Number, "方案需重新论证")
		must(t, err)
		if x.Status != notice.StatusWithdrawn || x.Reason != "方案需重新论证" {
			t.Errorf("withdrawn: %+v", x)
		}
		_, err = f.s.Object(ctx, f.resident, x.Number, notice.NewObjection{Text: "x"})
		wantCode(t, err, errs.Conflict, "object to a withdrawn item")
		var n int
		must(t, d.R.QueryRow(`SELECT COUNT(*) FROM notices`).Scan(&n))
		if n != 2 {
			t.Errorf("%d items written", n)
		}
	})
}

// A topic takes comments for its comment period, then puts its decision up
// for public notice, and ends final with the summary given then.
func TestTopicAndCommentTarget(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		f := setup(t, d, monday)
		tp := f.publish(t, f.village, notice.New{Kind: notice.KindTopic, Title: "村内停车如何管理", CommentDays: 10})
		if tp.Status != notice.StatusCommenting || tp.Level != disclosure.Residents || tp.CommentUntil == nil ||
			!tp.CommentUntil.Equal(time.Date(2026, 12, 11, 0, 0, 0, 0, monday.Location())) {
			t.Fatalf("topic: %+v", tp)
		}
		target, err := f.s.CommentTarget(ctx, f.resident, tp.Number)
		must(t, err)
		if target.Kind != "notice" || target.URL != "/notices/"+tp.Number || !target.Open || target.Official || target.Level != disclosure.Residents || target.OrgCode != "VC1" {
			t.Errorf("the resident's target: %+v", target)
		}
		target, err = f.s.CommentTarget(ctx, f.village, tp.Number)
		must(t, err)
		if !target.Official {
			t.Error("the committee does not speak officially")
		}
		if target, err = f.s.CommentTarget(ctx, f.admin, tp.Number); err != nil || target.Official {
			t.Errorf("the admin speaks officially: %v", err)
		}
		for _, u := range []auth.User{f.outsider, f.neighbour, f.guest} {
			_, err = f.s.CommentTarget(ctx, u, tp.Number)
			wantCode(t, err, errs.NotFound, "the target for "+u.ID)
		}
		_, err = f.s.Object(ctx, f.resident, tp.Number, notice.NewObjection{Text: "x"})
		wantCode(t, err, errs.Conflict, "object while commenting")
		_, err = f.s.Open(ctx, f.village, tp.Number, notice.OpenInput{Decision: "划定停车位", Summary: "收到意见12条"})
		wantCode(t, err, errs.Conflict, "decide during the comment period")
		_, err = f.s.Finalise(ctx, f.village, tp.Number, "收到意见12条")
		wantCode(t, err, errs.Conflict, "final during the comment period")
		f.clock.Set(*tp.CommentUntil)
		if target, _ = f.s.CommentTarget(ctx, f.resident, tp.Number); target.Open {
			t.Error("comments open after the comment period")
		}
		_, err = f.s.Open(ctx, f.village, tp.Number, notice.OpenInput{Decision: "划定停车位"})
		wantMsg(t, err, "the summary of what was heard must be", "decide without the summary")
		x, err := f.s.Open(ctx, f.village, tp.Number, notice.OpenInput{Decision: "在村委会东侧划定停车位40个", Summary: "收到意见12条，采纳8条：增加车位、禁停主路。"})
		must(t, err)
		if x.Status != notice.StatusNoticing || x.Decision == "" || x.NoticeUntil == nil {
			t.Fatalf("decided: %+v", x)
		}
		if target, _ = f.s.CommentTarget(ctx, f.resident, tp.Number); !target.Open {
			t.Error("comments closed while the decision is on notice")
		}
		f.clock.Set(*x.NoticeUntil)
		st, err := f.s.EndPeriods(ctx)
		must(t, err)
		x, err = f.s.Get(ctx, f.resident, tp.Number)
		must(t, err)
		if st.Final != 1 || x.Status != notice.StatusFinal || x.Summary != "收到意见12条，采纳8条：增加车位、禁停主路。" {
			t.Errorf("after the notice: %+v %+v", st, x)
		}
		evs, err := f.s.Events(ctx, f.resident, tp.Number)
		must(t, err)
		var kinds []string
		for _, e := range evs {
			kinds = append(kinds, e.Kind)
		}
		if strings.Join(kinds, " ") != "create open decide final" {
			t.Errorf("history: %v", kinds)
		}
		// A topic finalised straight from its comments needs the summary.
		t2 := f.publish(t, f.village, notice.New{Kind: notice.KindTopic, Title: "村史馆开放时间", CommentDays: notice.MinCommentDays})
		f.clock.Set(*t2.CommentUntil)
		_, err = f.s.Finalise(ctx, f.village, t2.Number, "")
		wantMsg(t, err, "write the summary", "a topic final without a summary")
		if x, err = f.s.Finalise(ctx, f.village, t2.Number, "未收到不同意见，按原方案执行。"); err != nil || x.Status != notice.StatusFinal {
			t.Errorf("the topic final: %v", err)
		}
	})
}
