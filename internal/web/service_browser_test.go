package web_test

import (
	"context"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/gongzhi/gongzhi/internal/app"
	"github.com/gongzhi/gongzhi/internal/auth"
	"github.com/gongzhi/gongzhi/internal/clock"
	"github.com/gongzhi/gongzhi/internal/errs"
	"github.com/gongzhi/gongzhi/internal/gov"
	"github.com/gongzhi/gongzhi/internal/service"
)

const (
	svcStation  = "110117001001-SVC"
	svcUser     = "svc-station"
	svcPassword = "quiet-harbor-78"
)

// serviceSetup makes 金谷东园's elderly-care station a provider of the
// community, as its grid worker, with a qualification in force and a
// bath service at home with a slot of two places tomorrow; the station's
// staff get an account; the residents of the phones are linked to the
// community. It returns the service.
func serviceSetup(t *testing.T, a *app.App, phones ...string) service.Offer {
	t.Helper()
	ctx := context.Background()
	grid, err := a.Auth.UserByUsername(ctx, "demo-grid")
	if err != nil {
		t.Fatal(err)
	}
	if err := a.Gov.UpsertOrg(ctx, gov.Org{Code: svcStation, Name: "金谷东园养老驿站", Kind: gov.KindServiceProvider, AreaCode: "110117001001"}); err != nil {
		t.Fatal(err)
	}
	if _, err := a.Auth.CreateUser(ctx, auth.System(), auth.NewUser{Username: svcUser, Password: svcPassword, Name: "驿站站长", Role: auth.RoleHandler,
		OrgCode: svcStation, AreaCode: "110117001001"}); err != nil && !errs.Is(err, errs.Conflict) {
		t.Fatal(err)
	}
	agreeOnce(t, a, svcStation, "110117001001")
	for _, p := range phones {
		if _, err := a.Proposals.VerifyResident(ctx, grid, "110117001001", p); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := a.Services.SaveProvider(ctx, grid, service.ProviderInput{OrgCode: svcStation, Provides: "助老、助浴、助餐、上门探访", Hours: "周一至周六 8:00-18:00",
		Areas: []string{"110117001001"}}); err != nil {
		t.Fatal(err)
	}
	if _, err := a.Services.AddQualification(ctx, grid, svcStation, service.QualificationInput{Name: "养老服务机构备案", Number: "JG-2026-01",
		ExpiresOn: time.Now().In(clock.BusinessZone()).AddDate(1, 0, 0).Format(time.DateOnly)}); err != nil {
		t.Fatal(err)
	}
	o, err := a.Services.SaveOffer(ctx, grid, service.OfferInput{OrgCode: svcStation, Category: service.CatElderly, Name: "上门助浴", Description: "为行动不便的老人上门助浴，两名护理员同行"})
	if err != nil {
		t.Fatal(err)
	}
	starts := time.Now().In(clock.BusinessZone()).Add(26 * time.Hour).Truncate(time.Hour)
	if o, err = a.Services.AddSlot(ctx, grid, o.ID, service.SlotInput{StartsAt: starts, EndsAt: starts.Add(time.Hour), Capacity: 2}); err != nil {
		t.Fatal(err)
	}
	return o
}

// residentServices is the a11y site's service and the resident's booking
// of it, made once.
func (s *a11ySite) residentServices() (offer, number string) {
	if s.serviceNo == "" {
		o := serviceSetup(s.t, s.a, residentPhone)
		q, err := s.a.Services.Create(context.Background(), s.resident(), service.NewRequest{ServiceID: o.ID, SlotID: o.Slots[0].ID, Note: "需要两人搀扶"})
		if err != nil {
			s.t.Fatal(err)
		}
		s.serviceOffer, s.serviceNo = o.ID, q.Number
	}
	return s.serviceOffer, s.serviceNo
}

// TestServiceBrowser walks a booking of the neighbourhood service circle:
// the resident, in the elderly mode at a phone's width, goes from the home
// page through 参与议事 to 邻里服务 (three screens), opens the bath service
// at home and books its slot by keyboard alone; the station's staff find
// it among their bookings, confirm it and, once done, confirm the
// completion; she confirms it too and rates it five stars. The resident
// pages pass axe-core and the MIIT figures in the elderly mode.
func TestServiceBrowser(t *testing.T) {
	a := newApp(t)
	srv := httptest.NewServer(a.Handler)
	t.Cleanup(srv.Close)
	o := serviceSetup(t, a, residentPhone)
	slot := o.Slots[0].ID

	b := deskBrowser(t, srv.URL, 390, 4*time.Minute)
	b.residentLogin(residentPhone)
	b.open("/big?on=1&back=/")
	b.click("#door-part")
	b.click("#part-services")
	b.sees("邻里服务", "上门助浴", "金谷东园养老驿站", "服务本社区", "1 个可约时段")
	// By keyboard: Enter on the service, Space on the time, the note typed,
	// Enter on the button.
	b.pressEnter("#svc-open-" + o.ID)
	b.sees("预约这项服务", "余 2 位", "免费")
	b.do(chromedp.Focus(chromedp.CSS("#slot-" + slot)))
	b.keys(" ")
	if b.eval(`String(document.querySelector("#slot-`+slot+`").checked)`) != "true" {
		t.Fatal("space did not choose the time")
	}
	b.tabTo("svc-note", 5)
	b.keys("需要两人搀扶")
	b.pressEnter("#svc-book")
	b.sees("预约已提交，请等待服务机构确认", "待机构确认", "需要两人搀扶")
	path := b.location()
	number := strings.TrimPrefix(strings.SplitN(path, "?", 2)[0], srv.URL+"/services/requests/")
	if !service.ValidNumber(number) {
		t.Fatalf("booked at %s", path)
	}
	b.open("/services")
	b.sees("我的服务预约", "待机构确认")
	src := axeFile()
	for _, p := range []string{"/participate", "/services", "/services/offers/" + o.ID, "/services/requests/" + number} {
		checkResidentPage(t, b, src, p)
	}
	// Measured from a place, the directory has its map too.
	checkResidentPage(t, b, src, "/services?area=110117001001&lat=40.1400&lng=117.1200")
	b.sees("红色标记为您的社区")
	b.shot("service-map", 390)

	sctx, cancel := chromedp.NewContext(b.ctx, chromedp.WithNewBrowserContext())
	t.Cleanup(cancel)
	st := &browser{t: t, ctx: sctx, base: srv.URL}
	st.do(chromedp.EmulateViewport(1366, 900))
	st.open("/staff/login")
	st.do(chromedp.SendKeys(chromedp.CSS("#username"), svcUser), chromedp.SendKeys(chromedp.CSS("#password"), svcPassword))
	st.click("form button")
	st.open("/staff/services")
	st.sees("本机构待办的预约", number, "上门助浴")
	st.click(`a[href="/staff/services/requests/` + number + `"]`)
	st.sees("待机构确认", "需要两人搀扶", residentPhone) // the provider calls her
	st.click("#svc-confirm")
	st.sees("已确认，居民会收到通知", "已确认")
	if src != "" {
		for _, v := range axeRun(st, src) {
			if v.Impact == "critical" || v.Impact == "serious" {
				t.Errorf("staff service page: %s [%s] %s", v.ID, v.Impact, v.Help)
			}
		}
	}
	st.click("#svc-provider-complete")
	st.sees("机构确认完成")

	b.open("/services/requests/" + number)
	b.sees("已确认", "服务机构已确认完成，请您也确认")
	b.pressEnter("#svc-complete")
	b.sees("已确认完成", "已完成", "评价这次服务")
	b.do(chromedp.Focus(chromedp.CSS("#star-5")))
	b.keys(" ")
	b.tabTo("svc-rate-text", 8)
	b.keys("护理员很细心")
	b.pressEnter("#svc-rate")
	b.sees("感谢您的评价", "5 星", "护理员很细心")
	checkResidentPage(t, b, src, "/services/requests/"+number)
	b.shot("service-resident", 390)

	st.open("/staff/services/requests/" + number)
	st.sees("已完成", "5 星", "提交预约", "机构确认", "确认完成", "评价")
	st.open("/staff/services")
	st.shot("service-staff", 1366)
}

// serviceOf is the a11y site's service (0) or booking (1).
func (s *a11ySite) serviceOf(i int) string {
	o, n := s.residentServices()
	return [2]string{o, n}[i]
}
