package app

import (
	"context"
	"strings"
	"testing"

	"github.com/gongzhi/gongzhi/internal/auth"
	"github.com/gongzhi/gongzhi/internal/config"
	"github.com/gongzhi/gongzhi/internal/gov"
	"github.com/gongzhi/gongzhi/internal/service"
	"github.com/gongzhi/gongzhi/internal/ticket"
)

// TestServiceFromTicket: the street's handler, holding a resident's signed
// ticket, makes a service request of it for her: the request keeps the
// ticket's number and her phone, and the ticket's log names the request,
// written by its ordinary contact action. A complaint about the provider
// is a complaint ticket of her community, reported by her.
func TestServiceFromTicket(t *testing.T) {
	a := newTestApp(t, func(c *config.Config) { c.Demo = true })
	ctx := context.Background()
	tk, err := a.Tickets.Create(ctx, nil, ticket.NewTicket{CategoryCode: "0101", AreaCode: "110117001001",
		Description: "独居老人家中水管漏水无人帮忙", Address: "金谷东园3号楼", ReporterName: "王芳", ReporterPhone: "13900007778"})
	if err != nil {
		t.Fatal(err)
	}
	handler, err := a.Auth.UserByUsername(ctx, "demo-handler")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := a.Tickets.Act(ctx, handler, tk.Number, ticket.ActionSign, ticket.ActionInput{}); err != nil {
		t.Fatal(err)
	}
	grid, err := a.Auth.UserByUsername(ctx, "demo-grid")
	if err != nil {
		t.Fatal(err)
	}
	if err := a.Gov.UpsertOrg(ctx, gov.Org{Code: "110117001001-FIX", Name: "金谷东园便民维修点", Kind: gov.KindCompany, AreaCode: "110117001001"}); err != nil {
		t.Fatal(err)
	}
	if _, err := a.Services.SaveProvider(ctx, grid, service.ProviderInput{OrgCode: "110117001001-FIX", Provides: "水电维修", Hours: "每天 8:00-20:00", Areas: []string{"110117001001"}}); err != nil {
		t.Fatal(err)
	}
	o, err := a.Services.SaveOffer(ctx, grid, service.OfferInput{OrgCode: "110117001001-FIX", Category: service.CatRepairs, Name: "水管维修"})
	if err != nil {
		t.Fatal(err)
	}
	q, err := a.Services.Create(ctx, handler, service.NewRequest{ServiceID: o.ID, FromTicket: tk.Number})
	if err != nil {
		t.Fatal(err)
	}
	if q.FromTicket != tk.Number || !q.OnBehalf || q.AreaCode != "110117001001" {
		t.Fatalf("request %+v", q)
	}
	evs, err := a.Tickets.Events(ctx, handler, tk.Number)
	if err != nil {
		t.Fatal(err)
	}
	noted := false
	for _, e := range evs {
		if e.Action == ticket.ActionContact && strings.Contains(e.Note, q.Number) {
			noted = true
		}
	}
	if !noted {
		t.Fatalf("the ticket does not name the request: %+v", evs)
	}
	// The resident's side: staff of her area complain for her once the
	// provider has answered.
	if _, err := a.Services.Decline(ctx, handler, q.Number, "x"); err == nil {
		t.Fatal("the street's handler declined for the provider")
	}
	if _, err := a.Services.Decline(ctx, auth.System(), q.Number, "今日师傅已约满"); err != nil {
		t.Fatal(err)
	}
	q, err = a.Services.Complain(ctx, grid, q.Number, "婉拒后无人联系")
	if err != nil {
		t.Fatal(err)
	}
	c, err := a.Tickets.Get(ctx, grid, q.ComplaintTicket)
	if err != nil {
		t.Fatal(err)
	}
	if c.Kind != ticket.KindComplaint || c.ReporterPhone != "13900007778" || c.AreaCode != "110117001001" || !strings.Contains(c.Description, q.Number) {
		t.Fatalf("complaint ticket %+v", c)
	}
}

// TestSupplyFeedsWarnings: when a community's requests for a kind of service
// are declined, the background step hands supply against need to the
// warnings, and the community's committee is warned of the shortfall.
func TestSupplyFeedsWarnings(t *testing.T) {
	a := newTestApp(t, func(c *config.Config) { c.Demo = true })
	ctx := context.Background()
	grid, err := a.Auth.UserByUsername(ctx, "demo-grid")
	if err != nil {
		t.Fatal(err)
	}
	if err := a.Gov.UpsertOrg(ctx, gov.Org{Code: "110117001001-HK", Name: "金谷东园家政服务站", Kind: gov.KindServiceProvider, AreaCode: "110117001001"}); err != nil {
		t.Fatal(err)
	}
	if _, err := a.Services.SaveProvider(ctx, grid, service.ProviderInput{OrgCode: "110117001001-HK", Provides: "家政保洁", Hours: "每天 8:00-18:00", Areas: []string{"110117001001"}}); err != nil {
		t.Fatal(err)
	}
	o, err := a.Services.SaveOffer(ctx, grid, service.OfferInput{OrgCode: "110117001001-HK", Category: service.CatHousekeeping, Name: "上门保洁"})
	if err != nil {
		t.Fatal(err)
	}
	for i, phone := range []string{"13900001001", "13900001002", "13900001003", "13900001004"} {
		q, err := a.Services.Create(ctx, grid, service.NewRequest{ServiceID: o.ID, OnBehalfOf: phone, Name: "居民", AreaCode: "110117001001"})
		if err != nil {
			t.Fatal(err)
		}
		if i < 3 {
			if _, err := a.Services.Decline(ctx, auth.System(), q.Number, "人手不足"); err != nil {
				t.Fatal(err)
			}
		}
	}
	a.participationSteps(ctx)
	var kind, cat string
	var count int
	if err := a.DB.R.QueryRow(`SELECT kind, category_code, count FROM warnings WHERE area_code = '110117001001'`).Scan(&kind, &cat, &count); err != nil {
		t.Fatalf("no supply warning: %v", err)
	}
	if kind != "supply" || cat != "service:housekeeping" || count != 3 {
		t.Fatalf("warning %s %s %d", kind, cat, count)
	}
}
