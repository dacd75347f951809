package warning_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/gongzhi/gongzhi/internal/db"
	"github.com/gongzhi/gongzhi/internal/db/dbtest"
	"github.com/gongzhi/gongzhi/internal/demo"
	"github.com/gongzhi/gongzhi/internal/insight/warning"
)

// TestSupplyWarnings: a community whose requests for housekeeping went
// unmet is warned of once, told to its committee and the supervisors; the
// warning follows the figures while active; a shortfall under the
// thresholds warns of nothing; a supply warning cannot become a ticket.
func TestSupplyWarnings(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		f := setup(t, d, time.Date(2026, 6, 10, 10, 0, 0, 0, cst))
		if !warning.Short(10, 3) || warning.Short(20, 3) || warning.Short(2, 2) {
			t.Fatal("thresholds: 3 of 10 warns, 3 of 20 and 2 of 2 do not")
		}
		list := []warning.Shortfall{
			{AreaCode: community, Category: "housekeeping", Name: "家政", Requests: 8, Unmet: 4},
			{AreaCode: community, Category: "meals", Name: "助餐", Requests: 30, Unmet: 3}, // 10%: no warning
		}
		n, err := f.svc.RaiseSupply(ctx, list)
		if err != nil || n != 1 {
			t.Fatalf("raised %d: %v", n, err)
		}
		got := f.active(t, f.super)
		if len(got) != 1 || got[0].Kind != warning.KindSupply || got[0].CategoryCode != "service:housekeeping" || got[0].Count != 4 ||
			got[0].Baseline != 8 || got[0].Score != 0.5 || got[0].OrgCode != demo.CommitteeCode(community) {
			t.Fatalf("supply warning: %+v", got)
		}
		var text string
		d.R.QueryRow(`SELECT text FROM notifications WHERE kind = 'warning' AND org_code = $1`, demo.CommitteeCode(community)).Scan(&text)
		if !strings.Contains(text, "家政") || !strings.Contains(text, "4件未能满足") {
			t.Fatalf("committee told %q", text)
		}
		// Again, with worse figures: the same warning, brought up to date.
		list[0].Requests, list[0].Unmet = 10, 6
		if n, err := f.svc.RaiseSupply(ctx, list); err != nil || n != 0 {
			t.Fatalf("second look raised %d: %v", n, err)
		}
		got = f.active(t, f.super)
		if len(got) != 1 || got[0].Count != 6 || got[0].Baseline != 10 {
			t.Fatalf("updated: %+v", got)
		}
		for _, a := range warning.Actions(f.super, got[0]) {
			if a == "convert_ticket" {
				t.Fatal("a supply warning offered as a ticket")
			}
		}
		// The hourly gate.
		if !f.svc.SupplyDue() || f.svc.SupplyDue() {
			t.Fatal("supply is looked at once an hour")
		}
		f.clock.Advance(time.Hour)
		if !f.svc.SupplyDue() {
			t.Fatal("an hour later supply is due again")
		}
	})
}
