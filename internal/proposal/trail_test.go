package proposal_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/gongzhi/gongzhi/internal/auth"
	"github.com/gongzhi/gongzhi/internal/calendar"
	"github.com/gongzhi/gongzhi/internal/db"
	"github.com/gongzhi/gongzhi/internal/db/dbtest"
	"github.com/gongzhi/gongzhi/internal/errs"
	"github.com/gongzhi/gongzhi/internal/gov"
	"github.com/gongzhi/gongzhi/internal/proposal"
	"github.com/gongzhi/gongzhi/internal/trail"
)

// A courtyard's proposal accepted by its property company, escalated by it
// with its reasons to the community's committee, which answers late: the
// trail shows both holders, the escalation and its reasons, and the lateness.
func TestTrailOfAProposal(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		f := setup(t, d, monday)
		g := gov.NewService(d, f.clock)
		people := map[string]string{"u-py": "物业王经理", "u-cc": "居委会李主任"}
		tr := trail.New(calendar.Default(), f.clock, trail.Names{Org: g.Org, User: func(_ context.Context, id string) (auth.User, error) {
			return auth.User{ID: id, Name: people[id], Role: auth.RoleHandler}, nil
		}})
		tr.Add(trail.KindProposal, f.s.TrailOf)
		p := f.cosignAll(t, f.raise(t, gov.LevelCourtyard, f.courtyard))
		if p.Status != proposal.StatusAccepted {
			t.Fatalf("accepted: %s", p.Status)
		}
		f.clock.Advance(24 * time.Hour)
		_, err := f.s.Answer(ctx, f.yard, p.Number, proposal.Answer{Decision: proposal.Escalate, Text: "加装电梯超出物业职责"})
		must(t, err)
		f.clock.Advance(20 * 24 * time.Hour)
		_, err = f.s.Answer(ctx, f.committee, p.Number, proposal.Answer{Decision: proposal.Adopt, Text: "列入明年计划"})
		must(t, err)
		got, err := tr.Get(ctx, f.committee, trail.KindProposal, p.Number)
		must(t, err)
		var stages []string
		for _, r := range got.Rows {
			stages = append(stages, r.Stage+"@"+trail.HolderWord(r, false))
		}
		if s := strings.Join(stages, " "); s != "collecting@居民（附议） accepted@一号院物业 escalated@承平里社区居委会 adopted@承平里社区居委会" {
			t.Fatalf("steps: %s", s)
		}
		yard, cc := got.Rows[1], got.Rows[2]
		if yard.EndKind != "escalate" || yard.EndBy != "物业王经理" || yard.Reason != "加装电梯超出物业职责" || yard.Limit != trail.LimitMet || yard.Wall != 24*3600 {
			t.Fatalf("the property company's step: %+v", yard)
		}
		if cc.Limit != trail.LimitOverdue || cc.Overdue <= 0 || cc.Person != "居委会李主任" || cc.EndKind != "adopt" {
			t.Fatalf("the committee's step: %+v", cc)
		}
		if got.Rows[3].To != nil || got.Rows[3].Limit != trail.LimitNone {
			t.Fatalf("adopted, under way: %+v", got.Rows[3])
		}
		// A resident reads the proposal, not its trail; another street's staff neither.
		if _, err := tr.Get(ctx, f.residents[0], trail.KindProposal, p.Number); !errs.Is(err, errs.NotFound) {
			t.Fatalf("the proposer: %v", err)
		}
		_, want := f.s.Get(ctx, f.otherOffice, p.Number)
		if _, err := tr.Get(ctx, f.otherOffice, trail.KindProposal, p.Number); err == nil || errs.CodeOf(err) != errs.CodeOf(want) {
			t.Fatalf("another street: %v (the proposal: %v)", err, want)
		}
	})
}
