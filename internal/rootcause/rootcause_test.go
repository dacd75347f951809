package rootcause_test

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
	"github.com/gongzhi/gongzhi/internal/rootcause"
)

// Writers of one record at once, its first writers too, each get a version
// of their own: none fails and none is lost.
func TestSavesAtOnce(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		s := rootcause.New(d, clock.NewFixed(time.Date(2026, 12, 3, 10, 0, 0, 0, clock.BusinessZone())))
		u := auth.User{ID: "sup", Username: "sup", Role: auth.RoleSupervisor, AreaCode: "110117"}
		const n = 8
		var wg sync.WaitGroup
		errc := make(chan error, n)
		for i := 0; i < n; i++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				_, err := s.Save(context.Background(), u, rootcause.KindTheme, rootcause.ThemeKey("2026-11", "楼道堆物"),
					rootcause.Input{RootCause: fmt.Sprintf("物业清理不及时（第%d稿）", i+1)})
				errc <- err
			}()
		}
		wg.Wait()
		close(errc)
		for err := range errc {
			if err != nil {
				t.Fatal(err)
			}
		}
		r, ok, err := s.Get(context.Background(), rootcause.KindTheme, rootcause.ThemeKey("2026-11", "楼道堆物"))
		if err != nil || !ok || r.Version != n {
			t.Fatalf("after %d saves: version %d, %v %v", n, r.Version, ok, err)
		}
	})
}
