package volunteer_test

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/gongzhi/gongzhi/internal/auth"
	"github.com/gongzhi/gongzhi/internal/clock"
	"github.com/gongzhi/gongzhi/internal/db"
	"github.com/gongzhi/gongzhi/internal/db/dbtest"
	"github.com/gongzhi/gongzhi/internal/errs"
	"github.com/gongzhi/gongzhi/internal/gov"
	"github.com/gongzhi/gongzhi/internal/limit"
	"github.com/gongzhi/gongzhi/internal/volunteer"
)

const (
	street    = "110117001"
	community = "110117001001"
	courtyard = "110117001001001"
	other     = "110117002001"
)

type fixture struct {
	s     *volunteer.Service
	d     *db.DB
	clock *clock.Fixed
	admin auth.User
	// committee and office manage the community; agent, property and far
	// do not.
	committee, office, agent, property, far, shop auth.User
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

func staff(id string, role auth.Role, org, area string) auth.User {
	return auth.User{ID: id, Username: id, Role: role, OrgCode: org, AreaCode: area}
}

func resident(i int) auth.User {
	p := fmt.Sprintf("1390000%04d", i)
	return auth.User{ID: "r" + p, Role: auth.RoleResident, Phone: p}
}

var monday = time.Date(2026, 11, 30, 10, 0, 0, 0, clock.BusinessZone())

func setup(t *testing.T, d *db.DB, rules string) *fixture {
	ctx := context.Background()
	c := clock.NewFixed(monday)
	g := gov.NewService(d, c)
	for _, a := range []gov.Area{
		{Code: "110117", Name: "平谷区", Level: gov.LevelDistrict},
		{Code: street, ParentCode: "110117", Name: "滨河街道", Level: gov.LevelStreet},
		{Code: community, ParentCode: street, Name: "承平里社区", Level: gov.LevelCommunity},
		{Code: courtyard, ParentCode: community, Name: "承平里一号院", Level: gov.LevelCourtyard},
		{Code: "110117002", ParentCode: "110117", Name: "兴谷街道", Level: gov.LevelStreet},
		{Code: other, ParentCode: "110117002", Name: "兴谷社区", Level: gov.LevelCommunity},
	} {
		must(t, g.UpsertArea(ctx, a))
	}
	for _, o := range []gov.Org{
		{Code: "HOT", Name: "12345热线中心", Kind: gov.KindHotlineCenter, AreaCode: "110117"},
		{Code: "S1", Name: "滨河街道办事处", Kind: gov.KindStreetOffice, AreaCode: street},
		{Code: "CC1", Name: "承平里社区居委会", Kind: gov.KindCommunityCommittee, AreaCode: community},
		{Code: "CC2", Name: "兴谷社区居委会", Kind: gov.KindCommunityCommittee, AreaCode: other},
		{Code: "PY", Name: "一号院物业", Kind: gov.KindPropertyCompany, AreaCode: courtyard},
		{Code: "SHOP1", Name: "承平里便民超市", Kind: gov.KindCompany, AreaCode: community},
	} {
		must(t, g.UpsertOrg(ctx, o))
	}
	s := volunteer.NewService(d, c, g)
	r, err := volunteer.ParseRules(rules)
	must(t, err)
	must(t, s.SetRules(r))
	f := &fixture{s: s, d: d, clock: c, admin: auth.User{ID: "admin", Role: auth.RoleAdmin}}
	f.committee = staff("u-cc", auth.RoleGridWorker, "CC1", community)
	f.office = staff("u-s1", auth.RoleHandler, "S1", street)
	f.agent = staff("u-hot", auth.RoleAgent, "HOT", "110117")
	f.property = staff("u-py", auth.RoleHandler, "PY", courtyard)
	f.far = staff("u-cc2", auth.RoleGridWorker, "CC2", other)
	f.shop = staff("u-shop", auth.RoleHandler, "SHOP1", community)
	return f
}

// volunteer registers resident i and has the committee approve her.
func (f *fixture) volunteer(t *testing.T, i int) (auth.User, volunteer.Volunteer) {
	t.Helper()
	ctx := context.Background()
	u := resident(i)
	v, err := f.s.Register(ctx, u, volunteer.Registration{Name: fmt.Sprintf("志愿者%d", i), Skills: "陪伴老人", CommunityCode: community, Areas: []string{courtyard}})
	must(t, err)
	v, err = f.s.Decide(ctx, f.committee, v.ID, true, "")
	must(t, err)
	return u, v
}

func (f *fixture) task(t *testing.T, places int64) volunteer.Task {
	t.Helper()
	x, err := f.s.Post(context.Background(), f.committee, volunteer.NewTask{AreaCode: courtyard, Title: "一号院助老送餐", Place: "一号院门口", StartsAt: monday.Add(26 * time.Hour), Places: places})
	must(t, err)
	return x
}

func TestRegisterAndApprove(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		f := setup(t, d, "")
		reg := volunteer.Registration{Name: "王芳", Skills: "理发、量血压", CommunityCode: community, Areas: []string{courtyard}}
		_, err := f.s.Register(ctx, f.committee, reg)
		wantCode(t, err, errs.Forbidden, "staff register")
		_, err = f.s.Register(ctx, auth.User{ID: "r", Role: auth.RoleResident}, reg)
		wantCode(t, err, errs.Forbidden, "no phone")
		for _, bad := range []volunteer.Registration{
			{Name: "", CommunityCode: community},
			{Name: "王\n芳", CommunityCode: community},
			{Name: "王芳", CommunityCode: "x"},
			{Name: "王芳", CommunityCode: street},
			{Name: "王芳", CommunityCode: community, Areas: []string{"110117002001"}},
			{Name: "王芳", CommunityCode: community, Areas: []string{community + "999"}},
			{Name: "王芳", CommunityCode: "110117009009"},
		} {
			_, err := f.s.Register(ctx, resident(1), bad)
			wantCode(t, err, errs.Invalid, fmt.Sprintf("register %+v", bad))
		}
		v, err := f.s.Register(ctx, resident(1), reg)
		must(t, err)
		if v.Status != volunteer.StatusPending || v.CommunityName != "承平里社区" || len(v.Areas) != 1 {
			t.Fatalf("registered: %+v", v)
		}
		// Who approves: the community's and the street's staff, not the
		// hotline, the property company or another community's.
		for _, u := range []auth.User{f.agent, f.property, f.far} {
			_, err := f.s.Decide(ctx, u, v.ID, true, "")
			wantCode(t, err, errs.Forbidden, "decide by "+u.ID)
			_, err = f.s.Volunteers(ctx, u, community, "", 0)
			wantCode(t, err, errs.Forbidden, "list by "+u.ID)
		}
		list, err := f.s.Volunteers(ctx, f.office, "", volunteer.StatusPending, 0)
		must(t, err)
		if len(list) != 1 || list[0].Phone == resident(1).Phone {
			t.Fatalf("pending list (phone masked): %+v", list)
		}
		todo, err := f.s.TodoItems(ctx, f.committee)
		must(t, err)
		if len(todo) != 1 || todo[0].Role != "approve" || !todo[0].NeedsAction {
			t.Fatalf("todo: %+v", todo)
		}
		_, err = f.s.Decide(ctx, f.committee, v.ID, false, "")
		wantCode(t, err, errs.Invalid, "reject without a reason")
		_, err = f.s.Decide(ctx, f.committee, v.ID, false, "请补充联系方式")
		must(t, err)
		// She applies again; the office approves.
		_, err = f.s.Register(ctx, resident(1), reg)
		must(t, err)
		v, err = f.s.Decide(ctx, f.office, v.ID, true, "")
		must(t, err)
		if v.Status != volunteer.StatusApproved {
			t.Fatalf("approved: %+v", v)
		}
		_, err = f.s.Decide(ctx, f.office, v.ID, true, "")
		wantCode(t, err, errs.Conflict, "decide twice")
		_, err = f.s.Register(ctx, resident(1), reg)
		wantCode(t, err, errs.Conflict, "register when approved")
		var events, notes int
		must(t, d.R.QueryRowContext(ctx, `SELECT COUNT(*) FROM volunteer_events WHERE subject = $1`, v.ID).Scan(&events))
		must(t, d.R.QueryRowContext(ctx, `SELECT COUNT(*) FROM notifications WHERE kind = 'volunteer' AND phone = $1`, resident(1).Phone).Scan(&notes))
		if events != 4 || notes != 2 {
			t.Fatalf("events %d, notifications %d", events, notes)
		}
	})
}

func TestTaskSignUpAndHours(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		f := setup(t, d, "hour=12")
		good := volunteer.NewTask{AreaCode: courtyard, Title: "助老送餐", Place: "一号院", StartsAt: monday.Add(26 * time.Hour), Places: 2}
		for _, u := range []auth.User{f.agent, f.property, f.far, resident(1)} {
			_, err := f.s.Post(ctx, u, good)
			wantCode(t, err, errs.Forbidden, "post by "+u.ID)
		}
		for _, bad := range []volunteer.NewTask{
			{AreaCode: courtyard, Title: "", Place: "一号院", StartsAt: good.StartsAt, Places: 2},
			{AreaCode: courtyard, Title: "助老", Place: "", StartsAt: good.StartsAt, Places: 2},
			{AreaCode: courtyard, Title: "助老", Place: "一号院", StartsAt: monday.Add(-time.Hour), Places: 2},
			{AreaCode: courtyard, Title: "助老", Place: "一号院", StartsAt: good.StartsAt, Places: 0},
			{AreaCode: courtyard, Title: "助老", Place: "一号院", StartsAt: good.StartsAt, Places: volunteer.MaxPlaces + 1},
			{AreaCode: street, Title: "助老", Place: "一号院", StartsAt: good.StartsAt, Places: 2},
		} {
			_, err := f.s.Post(ctx, f.committee, bad)
			wantCode(t, err, errs.Invalid, fmt.Sprintf("post %+v", bad))
		}
		task, err := f.s.Post(ctx, f.committee, good)
		must(t, err)
		if task.CommunityCode != community || !volunteer.ValidTaskID(task.ID) {
			t.Fatalf("task: %+v", task)
		}
		// Not registered, then pending: no sign-up.
		_, err = f.s.SignUp(ctx, resident(1), task.ID)
		wantCode(t, err, errs.Forbidden, "sign up unregistered")
		_, err = f.s.Register(ctx, resident(1), volunteer.Registration{Name: "王芳", CommunityCode: community})
		must(t, err)
		_, err = f.s.SignUp(ctx, resident(1), task.ID)
		wantCode(t, err, errs.Forbidden, "sign up pending")
		u1, v1 := f.volunteer(t, 2)
		u2, v2 := f.volunteer(t, 3)
		u3, _ := f.volunteer(t, 4)
		tasks, err := f.s.Tasks(ctx, u1, "", 0)
		must(t, err)
		if len(tasks) != 1 || tasks[0].Mine != "" {
			t.Fatalf("her tasks: %+v", tasks)
		}
		x, err := f.s.SignUp(ctx, u1, task.ID)
		must(t, err)
		if x.Mine != volunteer.SignupSigned || x.Taken != 1 {
			t.Fatalf("signed up: %+v", x)
		}
		_, err = f.s.SignUp(ctx, u1, task.ID)
		wantCode(t, err, errs.Conflict, "sign up twice")
		_, err = f.s.SignUp(ctx, u2, task.ID)
		must(t, err)
		_, err = f.s.SignUp(ctx, u3, task.ID)
		wantCode(t, err, errs.Conflict, "no places")
		// She withdraws, another takes the place.
		_, err = f.s.Withdraw(ctx, u2, task.ID)
		must(t, err)
		_, err = f.s.SignUp(ctx, u3, task.ID)
		must(t, err)
		mine, err := f.s.MineItems(ctx, u1)
		must(t, err)
		if len(mine) != 1 || mine[0].Ref != task.ID {
			t.Fatalf("her items: %+v", mine)
		}
		// Another community's volunteer does not see it.
		_, err = f.s.Register(ctx, resident(9), volunteer.Registration{Name: "李四", CommunityCode: other})
		must(t, err)
		_, err = f.s.Task(ctx, resident(9), task.ID)
		wantCode(t, err, errs.NotFound, "other community reads")

		// Hours: not before it begins; by its staff only.
		_, err = f.s.ConfirmHours(ctx, f.committee, task.ID, v1.ID, 2.5)
		wantCode(t, err, errs.Conflict, "hours before it begins")
		f.clock.Set(monday.Add(30 * time.Hour))
		_, err = f.s.SignUp(ctx, u2, task.ID)
		wantCode(t, err, errs.Conflict, "sign up once begun")
		_, err = f.s.Withdraw(ctx, u1, task.ID)
		wantCode(t, err, errs.Conflict, "withdraw once begun")
		_, err = f.s.ConfirmHours(ctx, f.far, task.ID, v1.ID, 2.5)
		wantCode(t, err, errs.Forbidden, "hours by another community")
		_, err = f.s.ConfirmHours(ctx, f.committee, task.ID, v1.ID, 25)
		wantCode(t, err, errs.Invalid, "too many hours")
		todo, err := f.s.TodoItems(ctx, f.committee)
		must(t, err)
		if len(todo) != 2 || todo[0].Role != "hours" || todo[1].Role != "approve" { // and resident 1's registration
			t.Fatalf("todo: %+v", todo)
		}
		x, err = f.s.ConfirmHours(ctx, f.committee, task.ID, v1.ID, 2.5)
		must(t, err)
		_, err = f.s.ConfirmHours(ctx, f.committee, task.ID, v1.ID, 2.5)
		wantCode(t, err, errs.Conflict, "hours twice")
		_, err = f.s.ConfirmHours(ctx, f.committee, task.ID, v2.ID, 1)
		wantCode(t, err, errs.Conflict, "hours of a withdrawn sign-up")
		b, err := f.s.Balance(ctx, u1)
		must(t, err)
		if b != 30 { // 2.5 h × 12
			t.Fatalf("balance %d, want 30", b)
		}
		ledger, err := f.s.Ledger(ctx, u1, 0)
		must(t, err)
		if len(ledger) != 1 || ledger[0].CauseKind != volunteer.CauseHours || ledger[0].CauseRef != task.ID {
			t.Fatalf("ledger: %+v", ledger)
		}
		recs, total, err := f.s.Records(ctx, u1, 0)
		must(t, err)
		if len(recs) != 1 || total != 2.5 || recs[0].Status != volunteer.SignupConfirmed || recs[0].Hours != 2.5 {
			t.Fatalf("her records: %+v %v", recs, total)
		}
		_, _, err = f.s.Records(ctx, f.committee, 0)
		wantCode(t, err, errs.Forbidden, "staff records")
		for _, sg := range x.Signups {
			if sg.VolunteerID == v1.ID && (sg.Status != volunteer.SignupConfirmed || sg.Hours != 2.5) {
				t.Fatalf("sign-up: %+v", sg)
			}
		}
	})
}

// TestSignUpRace: 50 volunteers sign up at once for 5 places; exactly 5 win.
func TestSignUpRace(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		f := setup(t, d, "")
		task := f.task(t, 5)
		var users []auth.User
		for i := 0; i < 50; i++ {
			u, _ := f.volunteer(t, 100+i)
			users = append(users, u)
		}
		var wg sync.WaitGroup
		var mu sync.Mutex
		won, full := 0, 0
		for _, u := range users {
			wg.Add(1)
			go func(u auth.User) {
				defer wg.Done()
				_, err := f.s.SignUp(ctx, u, task.ID)
				mu.Lock()
				defer mu.Unlock()
				switch {
				case err == nil:
					won++
				case errs.Is(err, errs.Conflict):
					full++
				default:
					t.Errorf("sign up: %v", err)
				}
			}(u)
		}
		wg.Wait()
		x, err := f.s.Task(ctx, f.committee, task.ID)
		must(t, err)
		if won != 5 || full != 45 || x.Taken != 5 || len(x.Signups) != 5 {
			t.Fatalf("won %d, refused %d, taken %d, sign-ups %d", won, full, x.Taken, len(x.Signups))
		}
	})
}

// give credits points to u through confirmed hours of a task.
func (f *fixture) give(t *testing.T, u auth.User, v volunteer.Volunteer, hours float64) {
	t.Helper()
	ctx := context.Background()
	task := f.task(t, 1)
	_, err := f.s.SignUp(ctx, u, task.ID)
	must(t, err)
	f.clock.Set(task.StartsAt.Add(time.Hour))
	_, err = f.s.ConfirmHours(ctx, f.committee, task.ID, v.ID, hours)
	must(t, err)
	f.clock.Set(monday)
}

func TestShopsOffByDefault(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		f := setup(t, d, "")
		u, v := f.volunteer(t, 1)
		f.give(t, u, v, 2)
		_, err := f.s.MakeCode(ctx, u, 5)
		wantCode(t, err, errs.Conflict, "code while off")
		if err != volunteer.ErrShopsOff {
			t.Fatalf("want the shops-off answer, got %v", err)
		}
		must(t, f.s.AddShop(ctx, f.admin, "SHOP1"))
		_, err = f.s.ConfirmCode(ctx, f.shop, "ABCDEFGH")
		if err != volunteer.ErrShopsOff {
			t.Fatalf("confirm while off: %v", err)
		}
		// Earning still works.
		b, err := f.s.Balance(ctx, u)
		must(t, err)
		if b != 20 {
			t.Fatalf("balance %d", b)
		}
	})
}

func TestRedeem(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		f := setup(t, d, "shops=on,code=30")
		u, v := f.volunteer(t, 1)
		f.give(t, u, v, 3) // 30 points
		err := f.s.AddShop(ctx, f.committee, "SHOP1")
		wantCode(t, err, errs.Forbidden, "shop added by staff")
		must(t, f.s.AddShop(ctx, f.admin, "SHOP1"))
		wantCode(t, f.s.AddShop(ctx, f.admin, "SHOP1"), errs.Conflict, "shop twice")
		wantCode(t, f.s.AddShop(ctx, f.admin, "NOPE"), errs.Invalid, "no such org")
		for _, p := range []int64{0, -1, volunteer.MaxRedeem + 1} {
			_, err := f.s.MakeCode(ctx, u, p)
			wantCode(t, err, errs.Invalid, fmt.Sprint("points ", p))
		}
		_, err = f.s.MakeCode(ctx, u, 31)
		wantCode(t, err, errs.Conflict, "more than she holds")
		c, err := f.s.MakeCode(ctx, u, 20)
		must(t, err)
		if len(c.Code) != 8 {
			t.Fatalf("code %+v", c)
		}
		mine, err := f.s.MineItems(ctx, u)
		must(t, err)
		if len(mine) != 1 || mine[0].Role != "code" {
			t.Fatalf("her items: %+v", mine)
		}
		// Only a partner shop's staff confirm.
		_, err = f.s.ConfirmCode(ctx, f.committee, c.Code)
		wantCode(t, err, errs.Forbidden, "confirm by a committee")
		_, err = f.s.ConfirmCode(ctx, f.shop, "22222222")
		wantCode(t, err, errs.NotFound, "wrong code")
		r, err := f.s.ConfirmCode(ctx, f.shop, " "+c.Code[:4]+"-"+c.Code[4:]+" ")
		must(t, err)
		if r.Points != 20 || r.Phone == u.Phone {
			t.Fatalf("redeemed: %+v", r)
		}
		_, err = f.s.ConfirmCode(ctx, f.shop, c.Code)
		wantCode(t, err, errs.NotFound, "used twice")
		b, err := f.s.Balance(ctx, u)
		must(t, err)
		if b != 10 {
			t.Fatalf("balance %d", b)
		}
		// Expired.
		c2, err := f.s.MakeCode(ctx, u, 5)
		must(t, err)
		f.clock.Set(monday.Add(31 * time.Minute))
		_, err = f.s.ConfirmCode(ctx, f.shop, c2.Code)
		wantCode(t, err, errs.NotFound, "expired")
		codes, err := f.s.Codes(ctx, u, 0)
		must(t, err)
		if len(codes) != 2 {
			t.Fatalf("codes: %+v", codes)
		}
		for _, x := range codes {
			if x.ID == c2.ID && (x.Status != volunteer.CodeExpired || x.Code != "") {
				t.Fatalf("expired code: %+v", x)
			}
		}
		// Withdrawn.
		c3, err := f.s.MakeCode(ctx, u, 5)
		must(t, err)
		wantCode(t, f.s.WithdrawCode(ctx, resident(7), c3.ID), errs.NotFound, "someone else withdraws")
		must(t, f.s.WithdrawCode(ctx, u, c3.ID))
		_, err = f.s.ConfirmCode(ctx, f.shop, c3.Code)
		wantCode(t, err, errs.NotFound, "withdrawn")
		// The ledger keeps every entry: +30, −20.
		ledger, err := f.s.Ledger(ctx, u, 0)
		must(t, err)
		if len(ledger) != 2 || ledger[0].Delta+ledger[1].Delta != 10 {
			t.Fatalf("ledger: %+v", ledger)
		}
		must(t, f.s.RemoveShop(ctx, f.admin, "SHOP1"))
		_, err = f.s.ConfirmCode(ctx, f.shop, c2.Code)
		wantCode(t, err, errs.Forbidden, "no longer a shop")
	})
}

func TestGuessLimit(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		f := setup(t, d, "shops=on")
		f.s.SetGuessLimiter(limit.New(3, time.Hour))
		must(t, f.s.AddShop(ctx, f.admin, "SHOP1"))
		for i := 0; i < 3; i++ {
			_, err := f.s.ConfirmCode(ctx, f.shop, "2222222"+fmt.Sprint(i+2))
			wantCode(t, err, errs.NotFound, "wrong code")
		}
		_, err := f.s.ConfirmCode(ctx, f.shop, "22222229")
		wantCode(t, err, errs.TooMany, "fourth guess")
	})
}

// TestRedeemRace: 50 codes of 10 points each against a balance of 120 are
// confirmed at once; exactly 12 succeed and the balance ends at 0.
func TestRedeemRace(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		f := setup(t, d, "shops=on,hour=10")
		f.s.SetGuessLimiter(limit.New(1000, time.Hour))
		u, v := f.volunteer(t, 1)
		f.give(t, u, v, 12) // 120 points
		must(t, f.s.AddShop(ctx, f.admin, "SHOP1"))
		var codes []string
		for i := 0; i < 50; i++ {
			c, err := f.s.MakeCode(ctx, u, 10)
			must(t, err)
			codes = append(codes, c.Code)
		}
		_, err := f.s.MakeCode(ctx, u, 10)
		wantCode(t, err, errs.Conflict, "a code past the pending bound")
		var wg sync.WaitGroup
		var mu sync.Mutex
		won, short := 0, 0
		for _, c := range codes {
			wg.Add(1)
			go func(c string) {
				defer wg.Done()
				_, err := f.s.ConfirmCode(ctx, f.shop, c)
				mu.Lock()
				defer mu.Unlock()
				switch {
				case err == nil:
					won++
				case errs.Is(err, errs.Conflict):
					short++
				default:
					t.Errorf("confirm: %v", err)
				}
			}(c)
		}
		wg.Wait()
		b, err := f.s.Balance(ctx, u)
		must(t, err)
		if won != 12 || short != 38 || b != 0 {
			t.Fatalf("won %d, refused %d, balance %d", won, short, b)
		}
		var neg int
		must(t, d.R.QueryRowContext(ctx, `SELECT COUNT(*) FROM volunteer_points WHERE phone = $1 AND delta < 0`, u.Phone).Scan(&neg))
		if neg != 12 {
			t.Fatalf("%d negative entries", neg)
		}
	})
}

func TestAward(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		f := setup(t, d, "cosign=3,meeting=5,survey=0")
		at := monday.Add(-time.Hour).UnixMilli()
		exec := func(q string, args ...any) {
			t.Helper()
			_, err := d.W.ExecContext(ctx, q, args...)
			must(t, err)
		}
		exec(`INSERT INTO proposals (number, level, area_code, origin_area_code, title, body, proposer_phone, status, population, threshold, collect_until, created_at, updated_at)
VALUES ('TA202611300001', 'community', $1, $1, '加装电梯', '加装电梯', $2, 'collecting', 100, 10, $3, $3, $3)`, community, resident(1).Phone, at)
		for i := 2; i <= 4; i++ {
			exec(`INSERT INTO proposal_cosigns (number, phone, at) VALUES ('TA202611300001', $1, $2)`, resident(i).Phone, at+int64(i))
		}
		exec(`INSERT INTO meetings (id, area_code, title, agenda, place, starts_at, quorum, level, status, created_by, created_at, updated_at)
VALUES ('YS202611300001', $1, '议事', '议程', '会议室', $2, 'majority', 'residents', 'open', 'u', $2, $2)`, community, at)
		exec(`INSERT INTO meeting_members (meeting_id, rep_id, seq, name, kind, phone, notice, signed_at) VALUES ('YS202611300001', 'r1', 1, '甲', 'resident', $1, 'sms', $2)`, resident(2).Phone, at)
		exec(`INSERT INTO meeting_members (meeting_id, rep_id, seq, name, kind, phone, notice) VALUES ('YS202611300001', 'r2', 2, '乙', 'resident', $1, 'sms')`, resident(3).Phone)
		exec(`INSERT INTO surveys (id, area_code, level, title, status, closes_at, created_by, created_at, updated_at) VALUES ('DC202611300001', $1, 'residents', '调查', 'open', $2, 'u', $2, $2)`, community, at)
		exec(`INSERT INTO survey_respondents (survey_id, respondent, channel, at) VALUES ('DC202611300001', $1, 'online', $2)`, resident(4).Phone, at)
		// A co-sign a moment ago waits for the lag.
		exec(`INSERT INTO proposal_cosigns (number, phone, at) VALUES ('TA202611300001', $1, $2)`, resident(5).Phone, monday.UnixMilli())
		n, err := f.s.Award(ctx)
		must(t, err)
		if n != 4 { // 3 co-signs, 1 meeting; surveys earn 0
			t.Fatalf("awarded %d", n)
		}
		n, err = f.s.Award(ctx)
		must(t, err)
		if n != 0 {
			t.Fatalf("awarded again %d", n)
		}
		// Even with the watermark reset, nothing is awarded twice.
		exec(`UPDATE volunteer_watermarks SET at = 0, ref = '', phone = ''`)
		n, err = f.s.Award(ctx)
		must(t, err)
		if n != 0 {
			t.Fatalf("awarded after reset %d", n)
		}
		f.clock.Set(monday.Add(10 * time.Minute))
		n, err = f.s.Award(ctx)
		must(t, err)
		if n != 1 {
			t.Fatalf("awarded late co-sign %d", n)
		}
		for i, want := range map[int]int64{2: 8, 3: 3, 4: 3, 5: 3} {
			b, err := f.s.Balance(ctx, resident(i))
			must(t, err)
			if b != want {
				t.Fatalf("resident %d: %d, want %d", i, b, want)
			}
		}
	})
}

func TestRules(t *testing.T) {
	r, err := volunteer.ParseRules("hour=8,shops=on,code=60")
	must(t, err)
	if r.Hour != 8 || !r.Shops || r.CodeMinutes != 60 || r.Cosign != volunteer.DefaultRules().Cosign {
		t.Fatalf("rules: %+v", r)
	}
	if volunteer.DefaultRules().Shops {
		t.Fatal("shops on by default")
	}
	for _, bad := range []string{"hour", "hour=x", "shops=yes", "nope=1", "hour=-1", "code=1", "meeting=5000"} {
		if _, err := volunteer.ParseRules(bad); err == nil {
			t.Fatalf("%q accepted", bad)
		}
	}
}

func TestPolicy(t *testing.T) {
	cc := staff("a", auth.RoleGridWorker, "CC1", community)
	if !volunteer.Manager(cc, gov.KindCommunityCommittee) || volunteer.Manager(cc, gov.KindPropertyCompany) {
		t.Fatal("manager by kind")
	}
	if volunteer.Manager(staff("b", auth.RoleAgent, "CC1", community), gov.KindCommunityCommittee) {
		t.Fatal("agents manage none")
	}
	if !volunteer.CanManage(cc, true, community) || volunteer.CanManage(cc, true, other) || volunteer.CanManage(cc, false, community) {
		t.Fatal("manage by scope")
	}
	if !volunteer.CanRegister(resident(1)) || volunteer.CanRegister(cc) || volunteer.CanRegister(auth.User{Role: auth.RoleResident}) {
		t.Fatal("register")
	}
	if volunteer.CanConfirmCode(resident(1), true) || !volunteer.CanConfirmCode(cc, true) || volunteer.CanConfirmCode(cc, false) {
		t.Fatal("confirm code")
	}
	if !volunteer.CanKeepShops(auth.User{Role: auth.RoleAdmin}) || volunteer.CanKeepShops(cc) {
		t.Fatal("keep shops")
	}
	v := volunteer.Volunteer{Status: volunteer.StatusApproved, CommunityCode: community}
	task := volunteer.Task{Status: volunteer.TaskOpen, CommunityCode: community, StartsAt: monday.Add(time.Hour)}
	if !volunteer.CanSignUp(v, task, monday) || volunteer.CanSignUp(v, task, monday.Add(2*time.Hour)) {
		t.Fatal("sign up by time")
	}
	v.Status = volunteer.StatusPending
	if volunteer.CanSignUp(v, task, monday) {
		t.Fatal("pending signs up")
	}
}

func TestCancelAbsentAndScope(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		f := setup(t, d, "")
		u1, v1 := f.volunteer(t, 1)
		u2, _ := f.volunteer(t, 2)
		task := f.task(t, 3)
		_, err := f.s.SignUp(ctx, u1, task.ID)
		must(t, err)
		// A volunteer of another community neither sees nor signs up.
		far := resident(8)
		fv, err := f.s.Register(ctx, far, volunteer.Registration{Name: "赵六", CommunityCode: other})
		must(t, err)
		_, err = f.s.Decide(ctx, f.committee, fv.ID, true, "")
		wantCode(t, err, errs.Forbidden, "approve another community's volunteer")
		_, err = f.s.Decide(ctx, f.far, fv.ID, true, "")
		must(t, err)
		_, err = f.s.SignUp(ctx, far, task.ID)
		wantCode(t, err, errs.NotFound, "sign up in another community")
		list, err := f.s.Tasks(ctx, far, "", 0)
		must(t, err)
		if len(list) != 0 {
			t.Fatalf("another community's tasks: %+v", list)
		}
		// Staff lists: the committee sees its task, the other community not.
		list, err = f.s.Tasks(ctx, f.office, "", 0)
		must(t, err)
		if len(list) != 1 {
			t.Fatalf("office's tasks: %+v", list)
		}
		list, err = f.s.Tasks(ctx, f.far, "", 0)
		must(t, err)
		if len(list) != 0 {
			t.Fatalf("far's tasks: %+v", list)
		}
		_, err = f.s.Tasks(ctx, f.far, community, 0)
		wantCode(t, err, errs.Forbidden, "far lists the community")
		// Cancel: not by another community; her sign-up is told; no more
		// sign-ups.
		_, err = f.s.Cancel(ctx, f.far, task.ID)
		wantCode(t, err, errs.Forbidden, "cancel by another community")
		x, err := f.s.Cancel(ctx, f.committee, task.ID)
		must(t, err)
		if x.Status != volunteer.TaskCancelled {
			t.Fatalf("cancelled: %+v", x)
		}
		_, err = f.s.Cancel(ctx, f.committee, task.ID)
		wantCode(t, err, errs.Conflict, "cancel twice")
		_, err = f.s.SignUp(ctx, u2, task.ID)
		wantCode(t, err, errs.Conflict, "sign up to a cancelled task")
		var told int
		must(t, d.R.QueryRowContext(ctx, `SELECT COUNT(*) FROM notifications WHERE phone = $1 AND text LIKE '%已取消%'`, u1.Phone).Scan(&told))
		if told != 1 {
			t.Fatalf("told of the cancellation %d times", told)
		}
		// Absent: 0 hours, no points.
		t2 := f.task(t, 2)
		_, err = f.s.SignUp(ctx, u1, t2.ID)
		must(t, err)
		f.clock.Set(t2.StartsAt.Add(time.Hour))
		x, err = f.s.Cancel(ctx, f.committee, t2.ID)
		wantCode(t, err, errs.Conflict, "cancel once begun")
		x, err = f.s.ConfirmHours(ctx, f.committee, t2.ID, v1.ID, 0)
		must(t, err)
		if !x.Begun || x.Signups[0].Status != volunteer.SignupAbsent {
			t.Fatalf("absent: %+v", x)
		}
		b, err := f.s.Balance(ctx, u1)
		must(t, err)
		if b != 0 {
			t.Fatalf("points for an absence: %d", b)
		}
		// Her own: staff have none; one who never registered has nothing.
		_, err = f.s.Balance(ctx, f.committee)
		wantCode(t, err, errs.Forbidden, "staff balance")
		_, err = f.s.Mine(ctx, resident(77))
		wantCode(t, err, errs.NotFound, "no registration")
		items, err := f.s.TodoItems(ctx, f.property)
		must(t, err)
		if len(items) != 0 {
			t.Fatalf("property's todo: %+v", items)
		}
	})
}

func TestHomeAndCommunities(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		f := setup(t, d, "")
		cs, err := f.s.Communities(ctx)
		must(t, err)
		if len(cs) != 2 || cs[0].Code != community {
			t.Fatalf("communities: %+v", cs)
		}
		u := resident(3)
		h, err := f.s.Home(ctx, u)
		must(t, err)
		if h != "" {
			t.Fatalf("home before verification: %q", h)
		}
		_, err = d.W.ExecContext(ctx, `INSERT INTO area_residents (area_code, phone, verified_by, verified_at, source) VALUES ($1, $2, 'u-cc', 0, 'staff')`, courtyard, u.Phone)
		must(t, err)
		if h, err = f.s.Home(ctx, u); err != nil || h != community {
			t.Fatalf("home: %q %v", h, err)
		}
	})
}
