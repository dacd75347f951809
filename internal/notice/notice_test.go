package notice_test

import (
	"context"
	"github.com/gongzhi/gongzhi/internal/agenda"
	"strings"
	"testing"
	"time"

	"github.com/gongzhi/gongzhi/internal/auth"
	"github.com/gongzhi/gongzhi/internal/clock"
	"github.com/gongzhi/gongzhi/internal/db"
	"github.com/gongzhi/gongzhi/internal/db/dbtest"
	"github.com/gongzhi/gongzhi/internal/disclosure"
	"github.com/gongzhi/gongzhi/internal/errs"
	"github.com/gongzhi/gongzhi/internal/gov"
	"github.com/gongzhi/gongzhi/internal/notice"
)

type fixture struct {
	s     *notice.Service
	d     *db.DB
	clock *clock.Fixed
	admin auth.User
	// Staff: the village committee of 西樊各庄村, the street office above it,
	// the office of another street, a supervisor of the street.
	village, office, otherOffice, supervisor auth.User
	// Residents of the village, of a community of the same street, of the
	// other street; and a guest.
	resident, neighbour, outsider, guest auth.User
}

const (
	villageArea = "110117001001"
	otherComm   = "110117001002"
)

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

// wantMsg fails unless err is invalid input for the reason its English
// message names.
func wantMsg(t *testing.T, err error, en, what string) {
	t.Helper()
	wantCode(t, err, errs.Invalid, what)
	if e := errs.As(err); !strings.Contains(e.MsgEn, en) {
		t.Fatalf("%s: refused for another reason: %s", what, e.MsgEn)
	}
}

func staff(id string, role auth.Role, org, area string) auth.User {
	return auth.User{ID: id, Username: id, Role: role, OrgCode: org, AreaCode: area}
}

func resident(phone string) auth.User {
	return auth.User{ID: "r" + phone, Role: auth.RoleResident, Phone: phone}
}

// monday is 30 November 2026, 10:00 in Beijing.
var monday = time.Date(2026, 11, 30, 10, 0, 0, 0, clock.BusinessZone())

func setup(t *testing.T, d *db.DB, at time.Time) *fixture {
	ctx := context.Background()
	c := clock.NewFixed(at)
	g := gov.NewService(d, c)
	for _, a := range []gov.Area{
		{Code: "110117", Name: "平谷区", Level: gov.LevelDistrict},
		{Code: "110117001", ParentCode: "110117", Name: "滨河街道", Level: gov.LevelStreet},
		{Code: villageArea, ParentCode: "110117001", Name: "西樊各庄村", Level: gov.LevelCommunity},
		{Code: otherComm, ParentCode: "110117001", Name: "承平里社区", Level: gov.LevelCommunity},
		{Code: "110117002", ParentCode: "110117", Name: "兴谷街道", Level: gov.LevelStreet},
		{Code: "110117002001", ParentCode: "110117002", Name: "东鹿角村", Level: gov.LevelCommunity},
	} {
		must(t, g.UpsertArea(ctx, a))
	}
	for _, o := range []gov.Org{
		{Code: "S1", Name: "滨河街道办事处", Kind: gov.KindStreetOffice, AreaCode: "110117001"},
		{Code: "S2", Name: "兴谷街道办事处", Kind: gov.KindStreetOffice, AreaCode: "110117002"},
		{Code: "VC1", Name: "西樊各庄村委会", Kind: gov.KindVillageCommittee, AreaCode: villageArea},
		{Code: "CC2", Name: "承平里社区居委会", Kind: gov.KindCommunityCommittee, AreaCode: otherComm},
		{Code: "VC2", Name: "东鹿角村委会", Kind: gov.KindVillageCommittee, AreaCode: "110117002001"},
	} {
		must(t, g.UpsertOrg(ctx, o))
	}
	f := &fixture{s: notice.NewService(d, c, g), d: d, clock: c, admin: auth.System()}
	f.village = staff("u-vc", auth.RoleHandler, "VC1", villageArea)
	f.office = staff("u-s1", auth.RoleHandler, "S1", "110117001")
	f.otherOffice = staff("u-s2", auth.RoleHandler, "S2", "110117002")
	f.supervisor = staff("u-sup", auth.RoleSupervisor, "S1", "110117001")
	f.resident, f.neighbour, f.outsider = resident("13900000001"), resident("13900000002"), resident("13700000000")
	for phone, area := range map[string]string{f.resident.Phone: villageArea, f.neighbour.Phone: otherComm, f.outsider.Phone: "110117002"} {
		_, err := d.W.ExecContext(ctx, `INSERT INTO area_residents (area_code, phone, verified_by, verified_at, source) VALUES ($1, $2, 'admin', 0, 'staff')`, area, phone)
		must(t, err)
	}
	return f
}

func (f *fixture) publish(t *testing.T, u auth.User, n notice.New) notice.Notice {
	t.Helper()
	if n.Title == "" {
		n.Title = "村道硬化工程方案公示"
	}
	if n.Body == "" {
		n.Body = "拟对村内主干道进行硬化，工期两个月。"
	}
	if n.Kind == "" {
		n.Kind = notice.KindAnnouncement
	}
	if n.AreaCode == "" {
		n.AreaCode = villageArea
	}
	x, err := f.s.Create(context.Background(), u, n)
	must(t, err)
	return x
}

func (f *fixture) object(t *testing.T, u auth.User, number, text string) notice.Notice {
	t.Helper()
	x, err := f.s.Object(context.Background(), u, number, notice.NewObjection{Text: text})
	must(t, err)
	return x
}

// The public-notice period of 7 calendar days opened on Monday 30 November
// at 10:00 runs to the end of Monday 7 December: an objection a millisecond
// before midnight is taken, one at midnight refused.
func TestNoticePeriodBoundaries(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		f := setup(t, d, monday)
		n := f.publish(t, f.village, notice.New{})
		end := time.Date(2026, 12, 8, 0, 0, 0, 0, clock.BusinessZone())
		if n.Status != notice.StatusNoticing || n.Level != disclosure.Public || n.NoticeDays != 7 || n.NoticeUntil == nil || !n.NoticeUntil.Equal(end) {
			t.Fatalf("published: %+v", n)
		}
		if n.Number != "GS202611300001" || n.OrgCode != "VC1" || n.OrgName != "西樊各庄村委会" {
			t.Fatalf("number and org: %s %s %s", n.Number, n.OrgCode, n.OrgName)
		}
		if left := f.s.DaysLeft(n.NoticeUntil); left != 8 {
			t.Errorf("days left on the first day: %d", left)
		}
		f.clock.Set(end.Add(-time.Millisecond))
		x := f.object(t, f.resident, n.Number, "施工期间大货车通行不便，请安排便道。")
		if x.Objections != 1 || x.Pending != 1 || x.Mine != 1 || len(x.List) != 1 || !x.List[0].Mine {
			t.Fatalf("after the objection: %+v", x)
		}
		if f.s.DaysLeft(x.NoticeUntil) != 1 {
			t.Errorf("days left in the last millisecond: %d", f.s.DaysLeft(x.NoticeUntil))
		}
		f.clock.Set(end)
		_, err := f.s.Object(ctx, f.neighbour, n.Number, notice.NewObjection{Text: "反对"})
		wantCode(t, err, errs.Conflict, "objection at the end of the period")
		if f.s.DaysLeft(x.NoticeUntil) != 0 {
			t.Errorf("days left at the end: %d", f.s.DaysLeft(x.NoticeUntil))
		}
		x, err = f.s.Get(ctx, f.resident, n.Number)
		must(t, err)
		if x.Objections != 1 {
			t.Errorf("the refused objection was counted: %d", x.Objections)
		}
	})
}

func TestObjectionRules(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		f := setup(t, d, monday)
		pub := f.publish(t, f.village, notice.New{})
		res := f.publish(t, f.village, notice.New{Level: disclosure.Residents, Title: "村民代表会议决议公示"})
		obj := func(u auth.User, number string) error {
			_, err := f.s.Object(ctx, u, number, notice.NewObjection{Text: "有不同意见"})
			return err
		}
		// A public item takes objections from any resident; a residents'
		// item only from those of the area, whom it is hidden from otherwise.
		must(t, obj(f.outsider, pub.Number))
		wantCode(t, obj(f.outsider, res.Number), errs.NotFound, "an outsider objects to a residents' item")
		wantCode(t, obj(f.neighbour, res.Number), errs.NotFound, "a resident of another community objects")
		wantCode(t, obj(f.guest, pub.Number), errs.Forbidden, "a guest objects")
		wantMsg(t, obj(f.office, pub.Number), "give the mobile number", "staff object without the resident's phone")
		_, err := f.s.Object(ctx, f.resident, pub.Number, notice.NewObjection{Text: " "})
		wantMsg(t, err, "the objection must be", "an empty objection")
		_, err = f.s.Object(ctx, f.resident, pub.Number, notice.NewObjection{Text: "x", Phone: "13900000002"})
		wantMsg(t, err, "a phone is given only by staff", "a resident names a phone")
		for i := 0; i < notice.MaxPerResident; i++ {
			must(t, obj(f.resident, res.Number))
		}
		wantCode(t, obj(f.resident, res.Number), errs.Conflict, "one objection over the limit")
		x, err := f.s.Get(ctx, f.resident, res.Number)
		must(t, err)
		if x.Mine != notice.MaxPerResident || notice.OffersObjection(f.resident, x, true) {
			t.Errorf("after the limit: mine %d, offered %v", x.Mine, notice.OffersObjection(f.resident, x, true))
		}
		// Staff enter an objection on a resident's behalf, recorded as such;
		// it counts against her limit.
		x, err = f.s.Object(ctx, f.office, pub.Number, notice.NewObjection{Text: "代村民登记：希望夜间不施工", Phone: "+86 139 0000 0001"})
		must(t, err)
		if x.Objections != 2 || !x.List[1].OnBehalf || x.List[1].Mine {
			t.Fatalf("on behalf: %+v", x.List)
		}
		seen, err := f.s.Get(ctx, f.resident, pub.Number)
		must(t, err)
		if seen.Mine != 1 || !seen.List[1].Mine || seen.List[0].Mine {
			t.Errorf("the resident's own: mine %d, %+v", seen.Mine, seen.List)
		}
		_, err = f.s.Object(ctx, f.office, res.Number, notice.NewObjection{Text: "代登记", Phone: f.outsider.Phone})
		wantCode(t, err, errs.Forbidden, "on behalf of a resident of elsewhere, on a residents' item")
		_, err = f.s.Object(ctx, f.otherOffice, pub.Number, notice.NewObjection{Text: "代登记", Phone: f.resident.Phone})
		wantCode(t, err, errs.Forbidden, "another street's staff act for a resident")
		evs, err := f.s.Events(ctx, f.admin, pub.Number)
		must(t, err)
		behalf := 0
		for _, e := range evs {
			if e.OnBehalf {
				behalf++
			}
			if e.Kind == "object" && e.Text != "" {
				t.Errorf("an objection's event carries its text: %+v", e)
			}
		}
		if behalf != 1 {
			t.Errorf("%d events on a resident's behalf", behalf)
		}
		var actor, phone string
		must(t, d.R.QueryRow(`SELECT actor_id, on_behalf FROM notice_events WHERE number = $1 AND kind = 'object' AND on_behalf <> ''`, pub.Number).Scan(&actor, &phone))
		if actor != f.office.ID || phone != f.resident.Phone {
			t.Errorf("the event on her behalf: %s for %s", actor, phone)
		}
	})
}

// An item cannot be final while an objection awaits its answer, nor before
// its period ends; once answered, the summary is required.
func TestFinalRefusedWhileUnanswered(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		f := setup(t, d, monday)
		n := f.publish(t, f.village, notice.New{NoticeDays: 5})
		f.object(t, f.resident, n.Number, "施工噪音扰民")
		if mine, err := f.s.MineItems(ctx, f.resident); err != nil || len(mine) != 1 || mine[0].Ref != n.Number || mine[0].Role != "objected" {
			t.Fatalf("her 我的事项: %+v %v", mine, err)
		}
		_, err := f.s.Finalise(ctx, f.village, n.Number, "已听取意见")
		wantCode(t, err, errs.Conflict, "final during the period")
		f.clock.Set(*n.NoticeUntil)
		_, err = f.s.Finalise(ctx, f.village, n.Number, "已听取意见")
		wantCode(t, err, errs.Conflict, "final with an objection unanswered")
		if e := errs.As(err); !strings.Contains(e.Msg, "尚有1条异议未答复") || !strings.Contains(e.MsgEn, "1 still unanswered") {
			t.Errorf("the refusal does not say why: %v", err)
		}
		todo, err := f.s.TodoItems(ctx, f.village)
		must(t, err)
		var objections int
		for _, it := range todo {
			if it.Role == "objection" && it.Ref == n.Number && it.NeedsAction {
				objections++
			}
		}
		if objections != 1 {
			t.Fatalf("the village committee's to-do: %+v", todo)
		}
		_, err = f.s.Answer(ctx, f.otherOffice, n.Number, 1, notice.AnswerInput{Text: "好"})
		wantCode(t, err, errs.Forbidden, "another street's office answers")
		_, err = f.s.Answer(ctx, f.resident, n.Number, 1, notice.AnswerInput{Text: "好"})
		wantCode(t, err, errs.Forbidden, "the objector answers")
		_, err = f.s.Answer(ctx, f.village, n.Number, 2, notice.AnswerInput{Text: "好"})
		wantCode(t, err, errs.NotFound, "answer an objection that is not there")
		x, err := f.s.Answer(ctx, f.village, n.Number, 1, notice.AnswerInput{Text: "采纳，施工时间调整为8:00-18:00", Changed: true})
		must(t, err)
		if x.Pending != 0 || x.List[0].Answer == "" || !x.List[0].Changed || x.List[0].AnsweredAt == nil {
			t.Fatalf("answered: %+v", x.List)
		}
		_, err = f.s.Answer(ctx, f.village, n.Number, 1, notice.AnswerInput{Text: "再答"})
		wantCode(t, err, errs.Conflict, "answer twice")
		if todo, err = f.s.TodoItems(ctx, f.village); err != nil || len(todo) != countRole(todo, "disclose") {
			t.Fatalf("the to-do keeps an answered objection: %+v %v", todo, err)
		}
		_, err = f.s.Finalise(ctx, f.village, n.Number, "")
		wantMsg(t, err, "write the summary", "final without a summary after objections")
		x, err = f.s.Finalise(ctx, f.village, n.Number, "收到异议1条，已采纳：调整施工时间。")
		must(t, err)
		if x.Status != notice.StatusFinal || x.Summary == "" || x.FinalAt == nil {
			t.Fatalf("final: %+v", x)
		}
		seen, err := f.s.Get(ctx, f.resident, n.Number)
		must(t, err)
		if seen.Summary != x.Summary || seen.List[0].Answer != "采纳，施工时间调整为8:00-18:00" {
			t.Errorf("the resident reads: %+v", seen)
		}
		var notes int
		must(t, d.R.QueryRow(`SELECT COUNT(*) FROM notifications WHERE kind = 'notice' AND phone = $1`, f.resident.Phone).Scan(&notes))
		if notes != 2 { // the answer, and the final
			t.Errorf("the objector was told %d times", notes)
		}
		_, err = f.s.Withdraw(ctx, f.village, n.Number, "撤回")
		wantCode(t, err, errs.Conflict, "withdraw a final item")
	})
}

// The background work ends the periods: final with nothing awaited, else
// answering, the organisation told.
func TestEndPeriods(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		f := setup(t, d, monday)
		quiet := f.publish(t, f.village, notice.New{Title: "无异议的公示"})
		pending := f.publish(t, f.village, notice.New{Title: "有异议未答复"})
		answered := f.publish(t, f.village, notice.New{Title: "有异议已答复"})
		f.object(t, f.resident, pending.Number, "不同意")
		f.object(t, f.resident, answered.Number, "不同意")
		_, err := f.s.Answer(ctx, f.village, answered.Number, 1, notice.AnswerInput{Text: "已说明情况"})
		must(t, err)
		f.clock.Set(quiet.NoticeUntil.Add(-time.Millisecond))
		st, err := f.s.EndPeriods(ctx)
		must(t, err)
		if st != (notice.Ended{}) {
			t.Fatalf("ended early: %+v", st)
		}
		f.clock.Set(*quiet.NoticeUntil)
		st, err = f.s.EndPeriods(ctx)
		must(t, err)
		if st.Final != 1 || st.Answering != 2 {
			t.Fatalf("ended: %+v", st)
		}
		for number, want := range map[string]notice.Status{quiet.Number: notice.StatusFinal, pending.Number: notice.StatusAnswering, answered.Number: notice.StatusAnswering} {
			x, err := f.s.Get(ctx, f.village, number)
			must(t, err)
			if x.Status != want {
				t.Errorf("%s: %s, want %s", x.Title, x.Status, want)
			}
		}
		var text string
		must(t, d.R.QueryRow(`SELECT text FROM notifications WHERE kind = 'notice' AND org_code = 'VC1' AND text LIKE '%未答复%'`).Scan(&text))
		if st, err = f.s.EndPeriods(ctx); err != nil || st != (notice.Ended{}) {
			t.Errorf("a second run: %+v %v", st, err)
		}
		_, err = f.s.Object(ctx, f.resident, pending.Number, notice.NewObjection{Text: "再提"})
		wantCode(t, err, errs.Conflict, "object while answering")
		_, err = f.s.Finalise(ctx, f.village, pending.Number, "说明")
		wantCode(t, err, errs.Conflict, "final while answering with one unanswered")
		x, err := f.s.Finalise(ctx, f.village, answered.Number, "收到异议1条，已答复，方案不变。")
		must(t, err)
		if x.Status != notice.StatusFinal {
			t.Errorf("finalised: %s", x.Status)
		}
	})
}

// TestConcurrentObjections: a resident sending objections at once gets her
// limit and no more; each is numbered once and counted once.
func TestConcurrentObjections(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		f := setup(t, d, monday)
		n := f.publish(t, f.village, notice.New{})
		errc := make(chan error, 8)
		for i := 0; i < 8; i++ {
			go func() {
				_, err := f.s.Object(ctx, f.resident, n.Number, notice.NewObjection{Text: "同时提出的异议"})
				errc <- err
			}()
		}
		ok := 0
		for i := 0; i < 8; i++ {
			if err := <-errc; err == nil {
				ok++
			} else if !errs.Is(err, errs.Conflict) {
				t.Errorf("object: %v", err)
			}
		}
		x, err := f.s.Get(ctx, f.resident, n.Number)
		must(t, err)
		if ok != notice.MaxPerResident || x.Objections != ok || x.Pending != ok || len(x.List) != ok || x.List[ok-1].ID != ok {
			t.Fatalf("%d taken: %d counted, %d pending, %d listed", ok, x.Objections, x.Pending, len(x.List))
		}
	})
}

// countRole counts the items whose role starts with prefix.
func countRole(items []agenda.Item, prefix string) int {
	n := 0
	for _, it := range items {
		if strings.HasPrefix(it.Role, prefix) {
			n++
		}
	}
	return n
}
