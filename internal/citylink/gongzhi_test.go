package citylink_test

import (
	"context"
	"log/slog"
	"net/http/httptest"
	"testing"

	"github.com/gongzhi/gongzhi/internal/app"
	"github.com/gongzhi/gongzhi/internal/auth"
	"github.com/gongzhi/gongzhi/internal/citylink"
	"github.com/gongzhi/gongzhi/internal/config"
	"github.com/gongzhi/gongzhi/internal/db/dbtest"
	"github.com/gongzhi/gongzhi/internal/gov"
	"github.com/gongzhi/gongzhi/internal/ticket"
)

// startGongzhi starts a gongzhi with the demo district on engine, serving
// over loopback, without its background work (the test runs the rounds).
func startGongzhi(t *testing.T, engine string) (*app.App, *httptest.Server) {
	t.Helper()
	cfg := config.Default()
	cfg.Addr, cfg.DataDir, cfg.DB, cfg.BcryptCost, cfg.AdminPassword = "127.0.0.1:0", t.TempDir(), dbtest.DSN(t, engine), 4, "lantern-river-42"
	cfg.Demo, cfg.NoWorker, cfg.CitylinkAllowPrivate = true, true, true
	a, err := app.New(context.Background(), cfg, slog.New(slog.DiscardHandler))
	must(t, err)
	t.Cleanup(func() { a.Close() })
	srv := httptest.NewServer(a.Handler)
	t.Cleanup(srv.Close)
	return a, srv
}

// TestCityGongzhiForwards: a gongzhi playing the city forwards a ticket to a
// district's gongzhi by dispatching it to the unit that stands for the
// district's platform; the district handles and closes it; its reply comes
// back up as the city ticket's reply, and its progress as lines.
func TestCityGongzhiForwards(t *testing.T) {
	for _, engine := range dbtest.Engines() {
		t.Run(engine, func(t *testing.T) {
			ctx := context.Background()
			city, citySrv := startGongzhi(t, engine)
			district, districtSrv := startGongzhi(t, engine)
			sys := auth.System()
			const cityToDistrict, districtToCity = "key-of-city-at-district-01", "key-of-district-at-city-01"
			must(t, city.Gov.UpsertOrg(ctx, gov.Org{Code: "PG-12345", Name: "平谷区12345平台", Kind: gov.KindDepartment, AreaCode: "110117"}))
			_, err := city.Citylink.Register(ctx, sys, citylink.NewPlatform{ID: "pinggu", Name: "平谷区接诉即办平台", Role: citylink.RoleLower,
				BaseURL: districtSrv.URL + "/open311/v2/citylink/bjcity", OrgCode: "PG-12345", InboundKey: districtToCity, OutboundKey: cityToDistrict})
			must(t, err)
			_, err = district.Citylink.Register(ctx, sys, citylink.NewPlatform{ID: "bjcity", Name: "北京市12345", Role: citylink.RoleUpper,
				BaseURL: citySrv.URL + "/open311/v2/citylink/pinggu", AreaCode: "110117001001", InboundKey: cityToDistrict, OutboundKey: districtToCity,
				AreaMap: map[string]string{"110117001001": "110117001001"}})
			must(t, err)

			// The city files a ticket and dispatches it to the district's platform.
			tk, err := city.Tickets.Create(ctx, &sys, ticket.NewTicket{Kind: ticket.KindComplaint, CategoryCode: "0101",
				Description: "金谷东园3号楼前路面塌陷", AreaCode: "110117001001", Address: "金谷东园3号楼前", ReporterName: "李女士",
				ReporterPhone: "13712345678", Channel: ticket.ChannelHotline})
			must(t, err)
			action := ticket.ActionDispatch
			if tk.Status != ticket.StatusRegistered {
				action = ticket.ActionRedispatch
			}
			_, err = city.Tickets.Act(ctx, sys, tk.Number, action, ticket.ActionInput{OrgCode: "PG-12345", Note: "转平谷区办理"})
			must(t, err)
			st, err := city.Citylink.RunOnce(ctx)
			must(t, err)
			if st.Delivered != 1 {
				t.Fatalf("the city's round: %+v", st)
			}
			var remote string
			must(t, city.DB.R.QueryRow(`SELECT remote_number FROM citylink_forwards WHERE platform_id = 'pinggu' AND ticket_number = $1`, tk.Number).Scan(&remote))
			got, err := district.Tickets.SourceOf(ctx, citylink.SourcePrefix+"bjcity", tk.Number)
			must(t, err)
			if got == "" || got != remote {
				t.Fatalf("the district's ticket %q, the number the city kept %q", got, remote)
			}
			// A second round sends nothing again.
			if st, err := city.Citylink.RunOnce(ctx); err != nil || st.Queued != 0 {
				t.Fatalf("a second round: %+v %v", st, err)
			}

			// The district handles and closes it.
			dt, err := district.Tickets.Get(ctx, sys, got)
			must(t, err)
			if dt.Status == ticket.StatusRegistered {
				_, err = district.Tickets.Act(ctx, sys, got, ticket.ActionDispatch, ticket.ActionInput{OrgCode: "110117001-SO"})
				must(t, err)
			}
			yes := true
			for _, s := range []struct {
				action string
				in     ticket.ActionInput
			}{
				{ticket.ActionSign, ticket.ActionInput{}},
				{ticket.ActionContact, ticket.ActionInput{Note: "已联系诉求人"}},
				{ticket.ActionReply, ticket.ActionInput{ReplyText: "已修复塌陷路面并设置警示", Resolved: &yes}},
			} {
				_, err := district.Tickets.Act(ctx, sys, got, s.action, s.in)
				must(t, err)
			}
			st, err = district.Citylink.RunOnce(ctx)
			must(t, err)
			if st.Delivered < 4 || st.Failed != 0 || st.Retried != 0 {
				t.Fatalf("the district's round: %+v", st)
			}
			back, err := city.Tickets.Get(ctx, sys, tk.Number)
			must(t, err)
			if back.Status != ticket.StatusReplied || back.ReplyText != "已修复塌陷路面并设置警示" || back.ReplyResolved == nil || !*back.ReplyResolved {
				t.Fatalf("the city's ticket after the district's reply: %s %q", back.Status, back.ReplyText)
			}
			// A second round applies nothing twice.
			if st, err := district.Citylink.RunOnce(ctx); err != nil || st.Queued != 0 {
				t.Fatalf("the district's second round: %+v %v", st, err)
			}
			log, err := district.Citylink.Deliveries(ctx, sys, "bjcity", 0)
			must(t, err)
			for _, d := range log {
				if d.Status != citylink.StatusDelivered {
					t.Fatalf("a delivery of the district: %+v", d)
				}
			}
		})
	}
}
