package app

import (
	"context"
	"testing"
	"time"

	"github.com/gongzhi/gongzhi/internal/auth"
	"github.com/gongzhi/gongzhi/internal/config"
	"github.com/gongzhi/gongzhi/internal/errs"
	"github.com/gongzhi/gongzhi/internal/mediation"
	"github.com/gongzhi/gongzhi/internal/screening"
	"github.com/gongzhi/gongzhi/internal/service"
)

// TestFindingsBecomeCasesAndRequests: in a round of the demo district, a
// neighbours' quarrel becomes a mediation case of the street's committee
// and a lonely elder a service request for her, each made by the grid
// worker through its own capability; a finding missing what its kind needs
// is refused and leaves the place to record again.
func TestFindingsBecomeCasesAndRequests(t *testing.T) {
	a := newTestApp(t, func(c *config.Config) { c.Demo = true })
	ctx := context.Background()
	sup, err := a.Auth.UserByUsername(ctx, "demo-supervisor")
	if err != nil {
		t.Fatal(err)
	}
	grid, err := a.Auth.UserByUsername(ctx, "demo-grid")
	if err != nil {
		t.Fatal(err)
	}
	now := a.Clock.Now()
	r, err := a.Screening.Create(ctx, sup, screening.New{AreaCode: "110117001001", Title: "矛盾纠纷排查", StartsAt: now.Add(-time.Hour),
		EndsAt: now.Add(72 * time.Hour), Places: "金谷东园3号楼201\n金谷东园3号楼301\n金谷东园5号楼102"})
	if err != nil {
		t.Fatal(err)
	}
	if k := a.Screening.ConvertKinds(); len(k) != 3 {
		t.Fatalf("kinds %v", k)
	}
	// Without its parties a dispute is refused, and the place stays to record.
	_, err = a.Screening.Record(ctx, grid, r.ID, screening.Check{Seq: 1, Result: screening.ResultFinding, Note: "楼上楼下漏水纠纷", ConvertTo: screening.ConvertMediation})
	if !errs.Is(err, errs.Invalid) {
		t.Fatalf("a dispute without parties: %v", err)
	}
	p, err := a.Screening.Record(ctx, grid, r.ID, screening.Check{Seq: 1, Result: screening.ResultFinding, Note: "楼上楼下漏水纠纷，双方多次争吵",
		ConvertTo: screening.ConvertMediation, Dispute: &screening.Dispute{Type: "neighbour", Parties: []screening.DisputeParty{
			{Name: "赵敏", Phone: "13900002001"}, {Name: "钱伟", Phone: "13900002002"}}}})
	if err != nil {
		t.Fatal(err)
	}
	c, err := a.Mediation.Get(ctx, auth.System(), p.Ref)
	if err != nil || p.ConvertedTo != "mediation" {
		t.Fatalf("case %s: %v", p.Ref, err)
	}
	if c.Source != mediation.SourceInitiative || c.Committee != demoMediation || len(c.Parties) != 2 || c.Parties[0].Address != "金谷东园3号楼201" {
		t.Fatalf("case %+v", c)
	}
	// A resident in need becomes a request for the demo's visiting service.
	near, err := a.Services.Near(ctx, grid, service.NearQuery{AreaCode: "110117001001", Category: service.CatElderly})
	if err != nil || len(near.Items) == 0 {
		t.Fatalf("no elderly service near: %v", err)
	}
	p, err = a.Screening.Record(ctx, grid, r.ID, screening.Check{Seq: 2, Result: screening.ResultFinding, Note: "独居老人行动不便，需要上门探访",
		ConvertTo: screening.ConvertService, ForResident: &screening.ForResident{ServiceID: near.Items[0].ID, Phone: "13900002003", Name: "孙大妈"}})
	if err != nil {
		t.Fatal(err)
	}
	q, err := a.Services.Get(ctx, auth.System(), p.Ref)
	if err != nil || p.ConvertedTo != "service" || q.AreaCode != "110117001001" || !q.OnBehalf {
		t.Fatalf("request %+v: %v", q, err)
	}
}
