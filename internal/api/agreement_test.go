package api_test

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/gongzhi/gongzhi/internal/agreement"
	"github.com/gongzhi/gongzhi/internal/app"
	"github.com/gongzhi/gongzhi/internal/auth"
	"github.com/gongzhi/gongzhi/internal/clock"
	"github.com/gongzhi/gongzhi/internal/config"
	"github.com/gongzhi/gongzhi/internal/db/dbtest"
	"github.com/gongzhi/gongzhi/internal/demo"
	"github.com/gongzhi/gongzhi/internal/gov"
	"github.com/gongzhi/gongzhi/internal/ticket"
)

// On both engines: a vendor's handler opens a ticket of its agreement's
// scope and not one outside it (403), through a bearer token and an API
// key; a suspension refuses both at once; the month's report lists her
// read.
func TestAgreementScopeOnBothEngines(t *testing.T) {
	for _, engine := range dbtest.Engines() {
		t.Run(engine, func(t *testing.T) { agreementScope(t, engine) })
	}
}

func agreementScope(t *testing.T, engine string) {
	ctx := context.Background()
	cfg := config.Config{Addr: "127.0.0.1:0", DataDir: t.TempDir(), Demo: true, BcryptCost: 4, AdminPassword: "lantern-river-42"}
	if engine != "sqlite" {
		cfg.DB = dbtest.DSN(t, engine)
	}
	a, err := app.New(ctx, cfg, slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { a.Close() })
	srv := httptest.NewServer(a.Handler)
	t.Cleanup(srv.Close)
	vendor, err := a.Auth.CreateUser(ctx, auth.System(), auth.NewUser{Username: "gas-ops", Password: "ember-valley-63", Role: auth.RoleHandler,
		OrgCode: demo.OrgGas, AreaCode: demo.DistrictCode})
	if err != nil {
		t.Fatal(err)
	}
	key, _, err := a.Auth.CreateAPIKey(ctx, auth.System(), "燃气公司系统", vendor.ID)
	if err != nil {
		t.Fatal(err)
	}
	call := func(path, bearer string) (int, string) {
		t.Helper()
		req, _ := http.NewRequest("GET", srv.URL+path, nil)
		req.Header.Set("Authorization", "Bearer "+bearer)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(b)
	}
	mk := func(area string) string {
		tk, err := a.Tickets.Create(ctx, nil, ticket.NewTicket{Kind: ticket.KindHelp, CategoryCode: "0404", Description: "楼道里有燃气味",
			AreaCode: area, ReporterName: "钱先生", ReporterPhone: "13900139011"})
		if err != nil {
			t.Fatal(err)
		}
		return tk.Number
	}
	inScope, outside := mk(demo.CommunityJinguDongyuan), mk(demo.StreetBinhe)
	// The key is Open311's: a request with it and nothing else is refused
	// by the gate (403) or, once admitted, for its missing fields (400).
	open311 := func() (int, string) {
		t.Helper()
		resp, err := http.PostForm(srv.URL+"/open311/v2/requests.json", url.Values{"api_key": {key}})
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(b)
	}
	if code, body := open311(); code != 403 || !strings.Contains(body, "agreement") {
		t.Fatalf("the key before any agreement: %d %s", code, body)
	}
	now := time.Now().In(clock.BusinessZone())
	sup, err := a.Auth.UserByUsername(ctx, "demo-supervisor")
	if err != nil {
		t.Fatal(err)
	}
	sup.AreaLevel = gov.LevelDistrict // as at login
	ag, err := a.Agreements.Create(ctx, sup, agreementInput(demo.OrgGas, demo.CommunityJinguDongyuan, now))
	if err != nil {
		t.Fatal(err)
	}
	_, _, m := post(t, srv, "/api/v1/auth/token", "", "", map[string]string{"username": "gas-ops", "password": "ember-valley-63"})
	token, _ := m["token"].(string)
	if code, body := call("/api/v1/tickets/"+outside, token); code != 403 {
		t.Fatalf("outside the agreement: %d %s", code, body)
	}
	if code, body := call("/api/v1/tickets/"+inScope, token); code != 200 || !strings.Contains(body, "13900139011") || strings.Contains(body, "钱先生") {
		t.Fatalf("inside it: %d %s", code, body)
	}
	if code, body := open311(); code != 400 {
		t.Fatalf("the key under the agreement: %d %s", code, body)
	}
	if _, err := a.Agreements.Suspend(ctx, sup, ag.ID, "安全检查"); err != nil {
		t.Fatal(err)
	}
	if code, body := call("/api/v1/tickets/"+inScope, token); code != 403 || !strings.Contains(body, "suspended") {
		t.Fatalf("the token after the suspension: %d %s", code, body)
	}
	if code, body := open311(); code != 403 || !strings.Contains(body, "suspended") {
		t.Fatalf("the key after the suspension: %d %s", code, body)
	}
	admin := loginAs(t, srv, "admin", "lantern-river-42")
	code, body := call("/api/v1/personal-data-reads?month="+now.Format("2006-01"), admin)
	if code != 200 || !strings.Contains(body, `"username":"gas-ops"`) || !strings.Contains(body, `"count":1`) {
		t.Fatalf("the month's reads: %d %s", code, body)
	}
}

func agreementInput(org, area string, now time.Time) agreement.Input {
	return agreement.Input{OrgCode: org, Title: "燃气服务协议", Areas: []string{area}, Categories: []string{"04"}, SeePhone: true,
		StartsOn: now.AddDate(0, 0, -1).Format(time.DateOnly), EndsOn: now.AddDate(0, 6, 0).Format(time.DateOnly)}
}
