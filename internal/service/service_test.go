package service_test

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/gongzhi/gongzhi/internal/auth"
	"github.com/gongzhi/gongzhi/internal/calendar"
	"github.com/gongzhi/gongzhi/internal/clock"
	"github.com/gongzhi/gongzhi/internal/db"
	"github.com/gongzhi/gongzhi/internal/db/dbtest"
	"github.com/gongzhi/gongzhi/internal/errs"
	"github.com/gongzhi/gongzhi/internal/gov"
	"github.com/gongzhi/gongzhi/internal/service"
)

const (
	street     = "110117001"
	community  = "110117001001"
	community2 = "110117001002"
	far        = "110117002001"
)

type fakeTickets struct {
	mu       sync.Mutex
	made     []string // descriptions
	as       []auth.User
	notes    map[string]string
	reporter string
	fail     bool // Complain fails, as a ticket that cannot be written
}

func (f *fakeTickets) Complain(_ context.Context, u auth.User, area, text string) (string, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.fail {
		return "", errs.New(errs.Unavailable, "暂时无法登记", "unavailable")
	}
	f.made = append(f.made, area+"|"+text)
	f.as = append(f.as, u)
	return fmt.Sprintf("2026093000%04d", len(f.made)), nil
}

func (f *fakeTickets) Read(_ context.Context, u auth.User, number string) (string, string, error) {
	if !u.Role.IsStaff() {
		return "", "", errs.NotFoundf("工单不存在", "no such ticket")
	}
	return f.reporter, community, nil
}

func (f *fakeTickets) Note(_ context.Context, _ auth.User, number, text string) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.notes == nil {
		f.notes = map[string]string{}
	}
	f.notes[number] = text
	return nil
}

type fixture struct {
	s       *service.Service
	d       *db.DB
	clock   *clock.Fixed
	tickets *fakeTickets
	admin   auth.User
	// committee keeps the providers of its community; provider and provider2
	// are the staff of the two providers; other is staff elsewhere; agent a
	// hotline agent over the district.
	committee, provider, provider2, other, agent auth.User
	residents                                    []auth.User
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

func resident(phone string) auth.User {
	return auth.User{ID: "r" + phone, Role: auth.RoleResident, Phone: phone}
}

// An ordinary Wednesday: working days to the end of next week.
var wednesday = time.Date(2026, 9, 16, 10, 0, 0, 0, clock.BusinessZone())

func setup(t *testing.T, d *db.DB) *fixture {
	ctx := context.Background()
	c := clock.NewFixed(wednesday)
	g := gov.NewService(d, c)
	for _, a := range []gov.Area{
		{Code: "110117", Name: "平谷区", Level: gov.LevelDistrict},
		{Code: street, ParentCode: "110117", Name: "滨河街道", Level: gov.LevelStreet},
		{Code: community, ParentCode: street, Name: "承平里社区", Level: gov.LevelCommunity},
		{Code: community2, ParentCode: street, Name: "西寺渠社区", Level: gov.LevelCommunity},
		{Code: "110117002", ParentCode: "110117", Name: "兴谷街道", Level: gov.LevelStreet},
		{Code: far, ParentCode: "110117002", Name: "兴谷社区", Level: gov.LevelCommunity},
	} {
		must(t, g.UpsertArea(ctx, a))
	}
	for _, o := range []gov.Org{
		{Code: "HOT", Name: "12345热线中心", Kind: gov.KindHotlineCenter, AreaCode: "110117"},
		{Code: "CC1", Name: "承平里社区居委会", Kind: gov.KindCommunityCommittee, AreaCode: community},
		{Code: "SP1", Name: "承平里养老驿站", Kind: gov.KindServiceProvider, AreaCode: community},
		{Code: "SP2", Name: "西寺渠家政服务社", Kind: gov.KindServiceProvider, AreaCode: community2},
		{Code: "DEP", Name: "区民政局", Kind: gov.KindDepartment, AreaCode: "110117"},
		{Code: "S2", Name: "兴谷街道办事处", Kind: gov.KindStreetOffice, AreaCode: "110117002"},
	} {
		must(t, g.UpsertOrg(ctx, o))
	}
	// The community's boundary: a small square around 40.14, 117.12.
	_, err := d.W.ExecContext(ctx, `INSERT INTO area_boundaries (area_code, geometry, points, min_lat, min_lng, max_lat, max_lng, source, updated_at)
VALUES ($1, '{"type":"Polygon","coordinates":[[[117.11,40.13],[117.13,40.13],[117.13,40.15],[117.11,40.15],[117.11,40.13]]]}', 5, 40.13, 117.11, 40.15, 117.13, 'test', 0)`, community)
	must(t, err)
	f := &fixture{s: service.NewService(d, c, g), d: d, clock: c, tickets: &fakeTickets{reporter: "13900009999"}, admin: auth.System()}
	f.s.SetTickets(f.tickets)
	f.committee = staff("u-cc", auth.RoleGridWorker, "CC1", community)
	f.provider = staff("u-sp1", auth.RoleHandler, "SP1", community)
	f.provider2 = staff("u-sp2", auth.RoleHandler, "SP2", community2)
	f.other = staff("u-s2", auth.RoleHandler, "S2", "110117002")
	f.agent = staff("u-hot", auth.RoleAgent, "HOT", "110117")
	for i := 0; i < 3; i++ {
		r := resident(fmt.Sprintf("1390000%04d", i))
		_, err := d.W.ExecContext(ctx, `INSERT INTO area_residents (area_code, phone, verified_by, verified_at, source) VALUES ($1, $2, 'u-cc', 0, 'staff')`, community, r.Phone)
		must(t, err)
		f.residents = append(f.residents, r)
	}
	return f
}

func ptr(v float64) *float64 { return &v }

// providers registers SP1 (serving the community, with a qualification
// expiring on 31 October, at the community's middle) and SP2 (serving the
// other community, 600 m away from the community's middle), each with one
// service; it returns their IDs.
func (f *fixture) providers(t *testing.T) (elderly, cleaning string) {
	t.Helper()
	ctx := context.Background()
	p, err := f.s.SaveProvider(ctx, f.committee, service.ProviderInput{OrgCode: "SP1", Provides: "助老、助餐、上门探访", Hours: "周一至周五 8:30-17:30",
		Lat: ptr(40.14), Lng: ptr(117.12), Areas: []string{community}})
	must(t, err)
	if len(p.Areas) != 1 || p.Lapsed {
		t.Fatalf("provider %+v", p)
	}
	_, err = f.s.AddQualification(ctx, f.committee, "SP1", service.QualificationInput{Name: "养老机构备案", Number: "BJ-2026-001", ExpiresOn: "2026-10-31"})
	must(t, err)
	_, err = f.s.SaveProvider(ctx, f.admin, service.ProviderInput{OrgCode: "SP2", Provides: "保洁、家电清洗", Hours: "每天 8:00-20:00", Priced: true, PriceNote: "每小时50元",
		Lat: ptr(40.1454), Lng: ptr(117.12), Areas: []string{community2}})
	must(t, err)
	o, err := f.s.SaveOffer(ctx, f.committee, service.OfferInput{OrgCode: "SP1", Category: service.CatElderly, Name: "助浴上门", Description: "为行动不便的老人上门助浴"})
	must(t, err)
	elderly = o.ID
	o, err = f.s.SaveOffer(ctx, f.admin, service.OfferInput{OrgCode: "SP2", Category: service.CatHousekeeping, Name: "家庭保洁", Priced: true, PriceNote: "每小时50元"})
	must(t, err)
	return elderly, o.ID
}

func (f *fixture) slot(t *testing.T, u auth.User, serviceID string, capacity int) service.Slot {
	t.Helper()
	o, err := f.s.AddSlot(context.Background(), u, serviceID, service.SlotInput{StartsAt: wednesday.Add(49 * time.Hour), EndsAt: wednesday.Add(50 * time.Hour), Capacity: capacity})
	must(t, err)
	return o.Slots[len(o.Slots)-1]
}

func TestDirectory(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		f := setup(t, d)
		// Who keeps providers: staff of an area covering the organisation.
		_, err := f.s.SaveProvider(ctx, f.other, service.ProviderInput{OrgCode: "SP1", Provides: "x", Hours: "y", Areas: []string{community}})
		wantCode(t, err, errs.Forbidden, "staff elsewhere keep a provider")
		_, err = f.s.SaveProvider(ctx, f.agent, service.ProviderInput{OrgCode: "SP1", Provides: "x", Hours: "y", Areas: []string{community}})
		wantCode(t, err, errs.Forbidden, "an agent keeps a provider")
		_, err = f.s.SaveProvider(ctx, f.admin, service.ProviderInput{OrgCode: "DEP", Provides: "x", Hours: "y", Areas: []string{community}})
		wantCode(t, err, errs.Invalid, "a department as a provider")
		_, err = f.s.SaveProvider(ctx, f.admin, service.ProviderInput{OrgCode: "SP1", Provides: "x", Hours: "y", Priced: true, Areas: []string{community}})
		wantCode(t, err, errs.Invalid, "priced without a price")
		_, err = f.s.SaveProvider(ctx, f.admin, service.ProviderInput{OrgCode: "SP1", Provides: "x", Hours: "y", Areas: []string{"110117999"}})
		wantCode(t, err, errs.Invalid, "an unknown area")
		elderly, cleaning := f.providers(t)
		_, err = f.s.SaveOffer(ctx, f.committee, service.OfferInput{OrgCode: "SP1", Category: "pets", Name: "遛狗"})
		wantCode(t, err, errs.Invalid, "unknown category")
		_, err = f.s.SaveOffer(ctx, f.provider2, service.OfferInput{OrgCode: "SP1", Category: service.CatMeals, Name: "助餐"})
		wantCode(t, err, errs.Forbidden, "another provider's staff add a service")
		_, err = f.s.AddQualification(ctx, f.provider, "SP1", service.QualificationInput{Name: "自我认证", ExpiresOn: "2030-12-31"})
		wantCode(t, err, errs.Forbidden, "a provider vouches for itself")
		_, err = f.s.SaveProvider(ctx, f.provider, service.ProviderInput{OrgCode: "SP1", Provides: "x", Hours: "y", Areas: []string{community, community2}})
		wantCode(t, err, errs.Forbidden, "a provider widens its own agreement")
		_, err = f.s.AddSlot(ctx, f.provider2, elderly, service.SlotInput{StartsAt: wednesday.Add(time.Hour), EndsAt: wednesday.Add(2 * time.Hour), Capacity: 1})
		wantCode(t, err, errs.Forbidden, "another provider opens a slot")
		_, err = f.s.AddSlot(ctx, f.provider, elderly, service.SlotInput{StartsAt: wednesday.Add(-time.Hour), EndsAt: wednesday, Capacity: 1})
		wantCode(t, err, errs.Invalid, "a slot in the past")
		f.slot(t, f.provider, elderly, 2) // its own staff open slots

		r := f.residents[0]
		near, err := f.s.Near(ctx, r, service.NearQuery{AreaCode: community})
		must(t, err)
		if near.Lat == nil || len(near.Items) != 2 || near.Items[0].ID != elderly || !near.Items[0].Serves || near.Items[1].ID != cleaning || near.Items[1].Serves {
			t.Fatalf("near the community: %+v", near)
		}
		if d := *near.Items[1].DistanceM; d < 550 || d > 650 {
			t.Fatalf("distance %v", d)
		}
		// What fits her own needs is marked and comes first; nobody
		// else's directory changes.
		f.s.SetNeeds(func(ctx context.Context, phone string) ([]string, error) {
			if phone == r.Phone {
				return []string{"elderly"}, nil
			}
			return nil, nil
		})
		near, err = f.s.Near(ctx, r, service.NearQuery{AreaCode: community})
		must(t, err)
		if !near.Items[0].Fits || near.Items[0].ID != elderly || near.Items[1].Fits {
			t.Fatalf("what fits her: %+v", near.Items)
		}
		for _, u := range []auth.User{f.residents[1], f.committee} {
			if near, err := f.s.Near(ctx, u, service.NearQuery{AreaCode: community}); err != nil || near.Items[0].Fits || near.Items[1].Fits {
				t.Fatalf("fits shown to %s: %+v %v", u.ID, near.Items, err)
			}
		}
		if fits := service.Fits([]string{"alone", "other"}); !fits[service.CatMeals] || fits[service.CatChildcare] || len(fits) != 4 {
			t.Errorf("fits of living alone: %v", fits)
		}
		f.s.SetNeeds(nil)
		near, err = f.s.Near(ctx, r, service.NearQuery{AreaCode: community, Radius: 300})
		must(t, err)
		if len(near.Items) != 1 {
			t.Fatalf("within 300 m: %+v", near.Items)
		}
		near, err = f.s.Near(ctx, r, service.NearQuery{AreaCode: community, Category: service.CatHousekeeping})
		must(t, err)
		if len(near.Items) != 1 || near.Items[0].ID != cleaning {
			t.Fatalf("housekeeping: %+v", near.Items)
		}
		near, err = f.s.Near(ctx, r, service.NearQuery{Lat: ptr(40.1454), Lng: ptr(117.12), Radius: 200})
		must(t, err)
		if len(near.Items) != 1 || near.Items[0].ID != cleaning {
			t.Fatalf("from a place: %+v", near.Items)
		}
		near, err = f.s.Near(ctx, r, service.NearQuery{AreaCode: far})
		must(t, err)
		if len(near.Items) != 0 {
			t.Fatalf("far: %+v", near.Items)
		}
		_, err = f.s.Near(ctx, r, service.NearQuery{})
		wantCode(t, err, errs.Invalid, "neither area nor place")
		_, err = f.s.Near(ctx, r, service.NearQuery{AreaCode: community, Radius: 50000})
		wantCode(t, err, errs.Invalid, "radius")

		// The qualification expires at the end of 31 October: then the
		// provider's services leave the residents' directory, and the staff
		// see why.
		f.clock.Set(time.Date(2026, 10, 31, 23, 0, 0, 0, clock.BusinessZone()))
		near, _ = f.s.Near(ctx, r, service.NearQuery{AreaCode: community})
		if len(near.Items) != 2 {
			t.Fatalf("on the last day: %d", len(near.Items))
		}
		f.clock.Set(time.Date(2026, 11, 1, 0, 0, 1, 0, clock.BusinessZone()))
		near, _ = f.s.Near(ctx, r, service.NearQuery{AreaCode: community})
		if len(near.Items) != 1 || near.Items[0].ID != cleaning {
			t.Fatalf("after the expiry: %+v", near.Items)
		}
		_, err = f.s.Offer(ctx, r, elderly)
		wantCode(t, err, errs.NotFound, "a lapsed provider's service for a resident")
		_, err = f.s.Create(ctx, r, service.NewRequest{ServiceID: elderly})
		wantCode(t, err, errs.Conflict, "booking a lapsed provider")
		ps, err := f.s.Providers(ctx, f.committee)
		must(t, err)
		if len(ps) != 1 || ps[0].OrgCode != "SP1" || !ps[0].Lapsed || !ps[0].Qualifications[0].Expired || len(ps[0].Offers) != 1 || ps[0].Offers[0].Shown {
			t.Fatalf("staff page: %+v", ps)
		}
		p, err := f.s.Provider(ctx, r, "SP2")
		must(t, err)
		if len(p.Offers) != 1 {
			t.Fatalf("resident reads SP2: %+v", p)
		}
		evs, err := f.s.Events(ctx, f.committee, "SP1")
		must(t, err)
		if len(evs) != 2 || evs[0].Kind != "provider" || evs[1].Kind != "qualification" {
			t.Fatalf("provider events %+v", evs)
		}
	})
}

func notifications(t *testing.T, d *db.DB, phone, org string) int {
	t.Helper()
	var n int
	must(t, d.R.QueryRow(`SELECT COUNT(*) FROM notifications WHERE kind = 'service' AND phone = $1 AND org_code = $2`, phone, org).Scan(&n))
	return n
}

func TestRequestWalk(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		f := setup(t, d)
		elderly, _ := f.providers(t)
		sl := f.slot(t, f.provider, elderly, 2)
		r := f.residents[0]
		_, err := f.s.Create(ctx, r, service.NewRequest{ServiceID: elderly})
		wantCode(t, err, errs.Invalid, "a slotted service without a slot")
		_, err = f.s.Create(ctx, f.committee, service.NewRequest{ServiceID: elderly, SlotID: sl.ID})
		wantCode(t, err, errs.Forbidden, "staff without on_behalf_of")
		q, err := f.s.Create(ctx, r, service.NewRequest{ServiceID: elderly, SlotID: sl.ID, Note: "周五上午方便"})
		must(t, err)
		if q.Status != service.StatusRequested || q.AreaCode != community || q.OnBehalf || q.Phone != r.Phone || !q.CanResident || q.CanAnswer {
			t.Fatalf("booked %+v", q)
		}
		// One working day: from Wednesday 10:00 to Thursday 10:00.
		if want := wednesday.AddDate(0, 0, 1); !q.DueAt.Equal(want) {
			t.Fatalf("due %v, want %v", q.DueAt, want)
		}
		_, err = f.s.Create(ctx, r, service.NewRequest{ServiceID: elderly, SlotID: sl.ID})
		wantCode(t, err, errs.Conflict, "the same slot twice")
		if notifications(t, d, "", "SP1") != 1 {
			t.Fatal("the provider was not told")
		}
		// Others read it masked; the provider reads her contact.
		seen, err := f.s.Get(ctx, f.committee, q.Number)
		must(t, err)
		if seen.Phone == r.Phone || seen.CanAnswer {
			t.Fatalf("committee sees %+v", seen)
		}
		_, err = f.s.Get(ctx, f.residents[1], q.Number)
		wantCode(t, err, errs.NotFound, "another resident")
		_, err = f.s.Get(ctx, f.provider2, q.Number)
		wantCode(t, err, errs.NotFound, "another provider")
		_, err = f.s.Confirm(ctx, f.committee, q.Number)
		wantCode(t, err, errs.Forbidden, "the committee confirms for the provider")
		_, err = f.s.Complete(ctx, r, q.Number)
		wantCode(t, err, errs.Conflict, "complete before confirmation")
		todo, err := f.s.TodoItems(ctx, f.provider)
		must(t, err)
		if len(todo) != 1 || !todo[0].NeedsAction || todo[0].Ref != q.Number {
			t.Fatalf("to-do %+v", todo)
		}
		q, err = f.s.Confirm(ctx, f.provider, q.Number)
		must(t, err)
		if q.Status != service.StatusConfirmed || q.Phone != r.Phone {
			t.Fatalf("confirmed %+v", q)
		}
		_, err = f.s.Confirm(ctx, f.provider, q.Number)
		wantCode(t, err, errs.Conflict, "confirm twice")
		_, err = f.s.Rate(ctx, r, q.Number, 5, "")
		wantCode(t, err, errs.Conflict, "rate before done")
		q, err = f.s.Complete(ctx, f.provider, q.Number)
		must(t, err)
		if q.Status != service.StatusConfirmed || q.ProviderDoneAt == nil {
			t.Fatalf("provider done %+v", q)
		}
		_, err = f.s.Complete(ctx, f.provider, q.Number)
		wantCode(t, err, errs.Conflict, "provider done twice")
		mine, err := f.s.MineItems(ctx, r)
		must(t, err)
		if len(mine) != 1 || !mine[0].NeedsAction {
			t.Fatalf("mine %+v", mine)
		}
		q, err = f.s.Complete(ctx, r, q.Number)
		must(t, err)
		if q.Status != service.StatusDone || q.DoneAt == nil {
			t.Fatalf("done %+v", q)
		}
		_, err = f.s.Rate(ctx, r, q.Number, 6, "")
		wantCode(t, err, errs.Invalid, "six stars")
		q, err = f.s.Rate(ctx, r, q.Number, 4, "师傅很耐心")
		must(t, err)
		if q.Rating != 4 || q.RatingText != "师傅很耐心" {
			t.Fatalf("rated %+v", q)
		}
		_, err = f.s.Rate(ctx, r, q.Number, 5, "")
		wantCode(t, err, errs.Conflict, "rate twice")
		// A complaint becomes a ticket of her community, as her.
		_, err = f.s.Complain(ctx, r, q.Number, "")
		wantCode(t, err, errs.Invalid, "an empty complaint")
		q, err = f.s.Complain(ctx, r, q.Number, "约定时间迟到一小时")
		must(t, err)
		if q.ComplaintTicket == "" || len(f.tickets.made) != 1 || f.tickets.as[0].Phone != r.Phone || f.tickets.made[0][:len(community)] != community {
			t.Fatalf("complaint %+v %v", q, f.tickets.made)
		}
		_, err = f.s.Complain(ctx, r, q.Number, "again")
		wantCode(t, err, errs.Conflict, "complain twice")
		evs, err := f.s.Events(ctx, f.committee, q.Number)
		must(t, err)
		var kinds []string
		for _, e := range evs {
			kinds = append(kinds, e.Kind)
		}
		if fmt.Sprint(kinds) != "[create confirm complete complete rate complain]" {
			t.Fatalf("events %v", kinds)
		}
		mine, _ = f.s.MineItems(ctx, r)
		if len(mine) != 0 {
			t.Fatalf("mine after all %+v", mine)
		}
		if notifications(t, d, r.Phone, "") != 3 { // confirmed, provider done, done
			t.Fatalf("resident told %d times", notifications(t, d, r.Phone, ""))
		}
	})
}

func TestOnBehalfAndFromTicket(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		f := setup(t, d)
		elderly, cleaning := f.providers(t)
		sl := f.slot(t, f.provider, elderly, 1)
		_, err := f.s.Create(ctx, f.other, service.NewRequest{ServiceID: elderly, SlotID: sl.ID, OnBehalfOf: f.residents[1].Phone})
		wantCode(t, err, errs.Forbidden, "staff elsewhere act for her")
		_, err = f.s.Create(ctx, f.residents[0], service.NewRequest{ServiceID: elderly, SlotID: sl.ID, OnBehalfOf: f.residents[1].Phone})
		wantCode(t, err, errs.Forbidden, "a resident acts for another")
		q, err := f.s.Create(ctx, f.committee, service.NewRequest{ServiceID: elderly, SlotID: sl.ID, OnBehalfOf: f.residents[1].Phone, Name: "王秀兰"})
		must(t, err)
		if !q.OnBehalf || q.AreaCode != community {
			t.Fatalf("on behalf %+v", q)
		}
		evs, err := f.s.Events(ctx, f.committee, q.Number)
		must(t, err)
		if evs[0].OnBehalf != auth.MaskPhone(f.residents[1].Phone) {
			t.Fatalf("event %+v", evs[0])
		}
		// She reads it as her own; the slot is full now.
		if _, err := f.s.Get(ctx, f.residents[1], q.Number); err != nil {
			t.Fatal(err)
		}
		_, err = f.s.Create(ctx, f.residents[0], service.NewRequest{ServiceID: elderly, SlotID: sl.ID})
		wantCode(t, err, errs.Conflict, "a full slot")
		// Cancelling gives the place back.
		_, err = f.s.Cancel(ctx, f.residents[1], q.Number)
		must(t, err)
		if _, err := f.s.Create(ctx, f.residents[0], service.NewRequest{ServiceID: elderly, SlotID: sl.ID}); err != nil {
			t.Fatal(err)
		}
		// From a ticket: the reporter's phone and area, the ticket noted.
		_, err = f.s.Create(ctx, f.residents[0], service.NewRequest{ServiceID: cleaning, FromTicket: "20260930000001"})
		wantCode(t, err, errs.Forbidden, "a resident from a ticket")
		q, err = f.s.Create(ctx, f.committee, service.NewRequest{ServiceID: cleaning, FromTicket: "20260930000001"})
		must(t, err)
		if q.FromTicket != "20260930000001" || !q.OnBehalf || f.tickets.notes["20260930000001"] != "已转为服务申请 "+q.Number {
			t.Fatalf("from ticket %+v %v", q, f.tickets.notes)
		}
	})
}

func TestOverdueExpiryAndFigures(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		f := setup(t, d)
		_, cleaning := f.providers(t)
		r := f.residents[0]
		a, err := f.s.Create(ctx, r, service.NewRequest{ServiceID: cleaning})
		must(t, err)
		f.clock.Advance(time.Hour)
		b, err := f.s.Create(ctx, f.residents[1], service.NewRequest{ServiceID: cleaning})
		must(t, err)
		c, err := f.s.Create(ctx, f.residents[2], service.NewRequest{ServiceID: cleaning})
		must(t, err)
		// b is confirmed after 2 hours, c declined.
		f.clock.Set(wednesday.Add(3 * time.Hour))
		_, err = f.s.Confirm(ctx, f.provider2, b.Number)
		must(t, err)
		_, err = f.s.Decline(ctx, f.provider2, c.Number, "")
		wantCode(t, err, errs.Invalid, "decline without reason")
		_, err = f.s.Decline(ctx, f.provider2, c.Number, "该时段人手不足")
		must(t, err)
		// Thursday 8:30: a is due within the lead time.
		f.clock.Set(wednesday.Add(22*time.Hour + 30*time.Minute))
		n, err := f.s.Remind(ctx)
		must(t, err)
		if n != 1 {
			t.Fatalf("reminded %d", n)
		}
		// Thursday 12:00: a is overdue.
		f.clock.Set(wednesday.Add(26 * time.Hour))
		n, err = f.s.Remind(ctx)
		must(t, err)
		if n != 1 {
			t.Fatalf("swept %d", n)
		}
		n, _ = f.s.Remind(ctx)
		if n != 0 {
			t.Fatalf("swept again %d", n)
		}
		todo, err := f.s.TodoItems(ctx, f.provider2)
		must(t, err)
		if len(todo) != 2 || todo[0].Ref != a.Number || !todo[0].NeedsAction {
			t.Fatalf("to-do %+v", todo)
		}
		got, _ := f.s.Get(ctx, f.provider2, a.Number)
		if !got.Overdue {
			t.Fatal("not overdue")
		}
		if notifications(t, d, "", "SP2") != 3+2 { // three new, the reminder, the overdue
			t.Fatalf("provider told %d times", notifications(t, d, "", "SP2"))
		}
		// Five working days after Wednesday, a lapses.
		lapse := calendar.Default().AddWorkingDays(wednesday, service.ExpireAfterDays)
		f.clock.Set(lapse.Add(-time.Minute))
		n, _ = f.s.Remind(ctx)
		if n != 0 {
			t.Fatalf("expired early: %d", n)
		}
		f.clock.Set(lapse)
		n, _ = f.s.Remind(ctx)
		if n != 1 {
			t.Fatalf("expired %d", n)
		}
		got, _ = f.s.Get(ctx, r, a.Number)
		if got.Status != service.StatusExpired {
			t.Fatalf("a %+v", got)
		}
		figs, err := f.s.Figures(ctx, f.committee, "", wednesday.AddDate(0, 0, -1), wednesday.AddDate(0, 0, 30))
		must(t, err)
		if len(figs) != 1 {
			t.Fatalf("figures %+v", figs)
		}
		g := figs[0]
		if g.AreaCode != community || g.Category != service.CatHousekeeping || g.Requests != 3 || g.Declines != 1 || g.Expired != 1 || g.Unmet != 2 || g.Confirmed != 1 ||
			g.MedianWaitMinutes == nil || *g.MedianWaitMinutes != 120 {
			t.Fatalf("figure %+v", g)
		}
		_, err = f.s.Figures(ctx, r, "", wednesday, wednesday.AddDate(0, 0, 1))
		wantCode(t, err, errs.Forbidden, "a resident reads figures")
		_, err = f.s.Figures(ctx, f.committee, far, wednesday, wednesday.AddDate(0, 0, 1))
		wantCode(t, err, errs.Forbidden, "figures outside her area")
		_, err = f.s.Figures(ctx, f.committee, "", wednesday, wednesday)
		wantCode(t, err, errs.Invalid, "an empty period")
	})
}

// TestLastPlace books the one last place of a slot from 50 clients at once:
// exactly one wins.
func TestLastPlace(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		f := setup(t, d)
		elderly, _ := f.providers(t)
		sl := f.slot(t, f.provider, elderly, 3)
		for i := 0; i < 2; i++ {
			_, err := f.s.Create(ctx, f.residents[i], service.NewRequest{ServiceID: elderly, SlotID: sl.ID})
			must(t, err)
		}
		const clients = 50
		var wg sync.WaitGroup
		start := make(chan struct{})
		results := make([]error, clients)
		for i := 0; i < clients; i++ {
			wg.Add(1)
			go func(i int) {
				defer wg.Done()
				<-start
				_, results[i] = f.s.Create(ctx, f.committee, service.NewRequest{ServiceID: elderly, SlotID: sl.ID, OnBehalfOf: fmt.Sprintf("1380000%04d", i), AreaCode: community})
			}(i)
		}
		close(start)
		wg.Wait()
		won := 0
		for _, err := range results {
			switch {
			case err == nil:
				won++
			case !errs.Is(err, errs.Conflict):
				t.Fatalf("a booking failed otherwise: %v", err)
			}
		}
		if won != 1 {
			t.Fatalf("%d won the last place", won)
		}
		var booked, held int
		must(t, d.R.QueryRow(`SELECT booked FROM service_slots WHERE id = $1`, sl.ID).Scan(&booked))
		must(t, d.R.QueryRow(`SELECT COUNT(*) FROM service_requests WHERE slot_id = $1`, sl.ID).Scan(&held))
		if booked != 3 || held != 3 {
			t.Fatalf("booked %d, requests %d", booked, held)
		}
	})
}

func TestPolicy(t *testing.T) {
	admin := auth.System()
	cc := staff("cc", auth.RoleGridWorker, "CC1", community)
	sp := staff("sp", auth.RoleHandler, "SP1", community)
	agent := staff("ag", auth.RoleAgent, "HOT", "110117")
	res := resident("13900000000")
	for _, c := range []struct {
		name string
		got  bool
		want bool
	}{
		{"admin keeps", service.CanKeep(admin, service.Keeper(admin, ""), community), true},
		{"committee keeps its community's", service.CanKeep(cc, service.Keeper(cc, gov.KindCommunityCommittee), community), true},
		{"committee keeps another's", service.CanKeep(cc, true, community2), false},
		{"agent is no keeper", service.Keeper(agent, gov.KindHotlineCenter), false},
		{"agent of a committee is no keeper", service.Keeper(staff("ag2", auth.RoleAgent, "CC1", community), gov.KindCommunityCommittee), false},
		{"resident keeps", service.CanKeep(res, service.Keeper(res, gov.KindCommunityCommittee), community), false},
		{"provider is no keeper", service.Keeper(sp, gov.KindServiceProvider), false},
		{"provider keeps its own agreement", service.CanKeep(sp, false, community), false},
		{"provider keeps its slots", service.CanKeepSlots(sp, false, "SP1", community), true},
		{"provider keeps another's slots", service.CanKeepSlots(sp, false, "SP2", community), false},
		{"provider answers", service.CanAnswer(sp, "SP1"), true},
		{"committee answers", service.CanAnswer(cc, "SP1"), false},
		{"resident answers", service.CanAnswer(res, "SP1"), false},
		{"figures for the committee", service.CanSeeFigures(cc), true},
		{"figures for the agent", service.CanSeeFigures(agent), false},
		{"figures for a resident", service.CanSeeFigures(res), false},
		{"lapsed shown", service.ShownToResidents(service.Provider{Active: true, Lapsed: true}, true), false},
		{"inactive shown", service.ShownToResidents(service.Provider{Active: true}, false), false},
		{"in force shown", service.ShownToResidents(service.Provider{Active: true}, true), true},
	} {
		if c.got != c.want {
			t.Errorf("%s: %v", c.name, c.got)
		}
	}
	if ok, proxy := service.CanRequestFor(res, res.Phone, community); !ok || proxy {
		t.Error("she books for herself")
	}
	if ok, _ := service.CanRequestFor(res, "13900000001", community); ok {
		t.Error("she books for another")
	}
	if ok, proxy := service.CanRequestFor(cc, "13900000001", community); !ok || !proxy {
		t.Error("the committee books for her")
	}
	if ok, _ := service.CanRequestFor(cc, "13900000001", far); ok {
		t.Error("the committee books elsewhere")
	}
}

// TestOpenRequestsCap: a resident has at most MaxOpenRequests requests
// under way; one more is refused and writes nothing, and a cancelled one
// makes room.
func TestOpenRequestsCap(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		f := setup(t, d)
		_, cleaning := f.providers(t)
		r := f.residents[0]
		var first service.Request
		for i := 0; i < service.MaxOpenRequests; i++ {
			q, err := f.s.Create(ctx, r, service.NewRequest{ServiceID: cleaning})
			must(t, err)
			if i == 0 {
				first = q
			}
		}
		_, err := f.s.Create(ctx, r, service.NewRequest{ServiceID: cleaning})
		wantCode(t, err, errs.Conflict, "one request too many")
		var n int
		must(t, d.R.QueryRowContext(ctx, `SELECT COUNT(*) FROM service_requests WHERE phone = $1`, r.Phone).Scan(&n))
		if n != service.MaxOpenRequests {
			t.Fatalf("%d requests written", n)
		}
		_, err = f.s.Cancel(ctx, r, first.Number)
		must(t, err)
		_, err = f.s.Create(ctx, r, service.NewRequest{ServiceID: cleaning})
		must(t, err)
	})
}

// TestComplaintRace: twenty complaints about one declined request at once
// make one ticket; a ticket that cannot be made leaves the request free to
// complain about again.
func TestComplaintRace(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		f := setup(t, d)
		elderly, _ := f.providers(t)
		r := f.residents[0]
		q, err := f.s.Create(ctx, r, service.NewRequest{ServiceID: elderly})
		must(t, err)
		_, err = f.s.Decline(ctx, f.provider, q.Number, "本周人手不足")
		must(t, err)
		f.tickets.fail = true
		_, err = f.s.Complain(ctx, r, q.Number, "婉拒后无人联系")
		if err == nil || errs.Is(err, errs.Conflict) {
			t.Fatalf("a ticket that could not be made: %v", err)
		}
		f.tickets.fail = false
		const clients = 20
		var wg sync.WaitGroup
		start := make(chan struct{})
		results := make([]error, clients)
		for i := range clients {
			wg.Add(1)
			go func() {
				defer wg.Done()
				<-start
				_, results[i] = f.s.Complain(ctx, r, q.Number, "婉拒后无人联系")
			}()
		}
		close(start)
		wg.Wait()
		won := 0
		for _, err := range results {
			if err == nil {
				won++
			} else if !errs.Is(err, errs.Conflict) {
				t.Fatalf("a complaint failed otherwise: %v", err)
			}
		}
		if won != 1 || len(f.tickets.made) != 1 {
			t.Fatalf("%d complaints taken, %d tickets made", won, len(f.tickets.made))
		}
		got, err := f.s.Get(ctx, r, q.Number)
		must(t, err)
		if got.ComplaintTicket == "" || got.ComplaintTicket == "claimed" {
			t.Fatalf("complaint ticket %q", got.ComplaintTicket)
		}
	})
}
