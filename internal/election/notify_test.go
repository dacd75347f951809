package election_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/gongzhi/gongzhi/internal/db"
	"github.com/gongzhi/gongzhi/internal/db/dbtest"
	"github.com/gongzhi/gongzhi/internal/election"
)

// notes are the notifications of kind to a phone, oldest first.
func notes(t *testing.T, d *db.DB, phone string) []string {
	t.Helper()
	return dbtest.Strings(t, d.R, `SELECT text FROM notifications WHERE phone = $1 AND kind = 'election' ORDER BY at, text`, phone)
}

// TestElectionNotifies: the roll is told once when the polls open (not
// before; an owners' register that is still empty waits), and again when
// the result is out; nobody off the roll is told.
func TestElectionNotifies(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		f := setup(t, d)
		ctx := context.Background()
		f.live(t, community, "13700000001", "13700000002")
		f.live(t, neighbour, "13700000009")
		res, err := f.svc.Create(ctx, f.grid, election.New{Kind: election.KindResidents, AreaCode: community, Title: "居民代表选举", Seats: 1,
			OpensAt: f.clock.Now().Add(24 * time.Hour), ClosesAt: f.clock.Now().Add(48 * time.Hour)})
		if err != nil {
			t.Fatal(err)
		}
		owners := f.create(t, election.KindOwnersCommittee, 1)
		if n, err := f.svc.Announce(ctx); err != nil || n != 0 {
			t.Fatalf("announced %d before anything opened or had a register: %v", n, err)
		}
		if _, err := f.svc.AddUnits(ctx, f.grid, owners.ID, register); err != nil {
			t.Fatal(err)
		}
		if n, err := f.svc.Announce(ctx); err != nil || n != 1 {
			t.Fatalf("announced %d, want the owners' election: %v", n, err)
		}
		if got := notes(t, d, "13800000001"); len(got) != 1 || !strings.Contains(got[0], "第三届业主委员会选举") {
			t.Errorf("the owner of two units was told %q", got)
		}
		if got := notes(t, d, "13700000001"); len(got) != 0 {
			t.Errorf("a resident told before her polls open: %q", got)
		}
		f.clock.Advance(25 * time.Hour)
		for i := 0; i < 2; i++ {
			want := 1 - i
			if n, err := f.svc.Announce(ctx); err != nil || n != want {
				t.Fatalf("pass %d announced %d, want %d: %v", i, n, want, err)
			}
		}
		if got := notes(t, d, "13700000002"); len(got) != 1 || !strings.Contains(got[0], "居民代表选举") || !strings.Contains(got[0], "开始投票") {
			t.Errorf("a resident of the area was told %q", got)
		}
		if got := notes(t, d, "13700000009"); len(got) != 0 {
			t.Errorf("a resident of another community was told %q", got)
		}
		if _, err := f.svc.Close(ctx, f.grid, res.ID); err != nil {
			t.Fatal(err)
		}
		if got := notes(t, d, "13700000001"); len(got) != 2 || !strings.Contains(strings.Join(got, " "), "结果已公布") {
			t.Errorf("the result told %q", got)
		}
	})
}
