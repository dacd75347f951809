package warning

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/gongzhi/gongzhi/internal/db"
	"github.com/gongzhi/gongzhi/internal/errs"
	"github.com/gongzhi/gongzhi/internal/gov"
)

// Shortfall is a community's need for one kind of neighbourhood service that
// went unmet over the supply window: what the service capability's figures
// of supply against need say, handed to the warnings.
type Shortfall struct {
	AreaCode string // the community
	Category string // the service category's code
	Name     string // its name, for the notification
	Requests int    // requests made in the window
	Unmet    int    // of them declined by the provider or expired unanswered
}

// Supply warnings: over SupplyWindow, a community × service category warns
// when at least SupplyMinUnmet requests went unmet and they are at least
// SupplyMinShare of the requests, so one busy week of a well-served
// community does not warn and a small community's every refusal does not.
const (
	SupplyWindow   = 30 * 24 * time.Hour
	SupplyMinUnmet = 3
	SupplyMinShare = 0.3
	// SupplyEvery is how often the background work looks: the figures of a
	// month move slowly.
	SupplyEvery = time.Hour
	// SupplyPrefix begins a supply warning's category_code.
	SupplyPrefix = "service:"
)

// supplyState keeps when supply was last looked at and the names of the
// service categories seen, for the warnings' words.
type supplyState struct {
	mu    sync.Mutex
	last  time.Time
	names map[string]string
}

// SupplyDue reports whether the hour since the last look has passed, and
// notes the look.
func (s *Service) SupplyDue() bool {
	now := s.clock.Now()
	s.supply.mu.Lock()
	defer s.supply.mu.Unlock()
	if !s.supply.last.IsZero() && now.Sub(s.supply.last) < SupplyEvery {
		return false
	}
	s.supply.last = now
	return true
}

// Short reports whether a community's requests and unmet requests warn.
func Short(requests, unmet int) bool {
	return unmet >= SupplyMinUnmet && requests > 0 && float64(unmet) >= SupplyMinShare*float64(requests)
}

// RaiseSupply raises a supply warning for each shortfall that warns and has
// none active, told to the community's committee and the supervisors of the
// area, or brings the active one's figures up to date. It answers how many
// it raised.
func (s *Service) RaiseSupply(ctx context.Context, list []Shortfall) (int, error) {
	raised := 0
	now := s.clock.Now()
	for _, sf := range list {
		if !Short(sf.Requests, sf.Unmet) {
			continue
		}
		s.supply.mu.Lock()
		if s.supply.names == nil {
			s.supply.names = map[string]string{}
		}
		s.supply.names[sf.Category] = sf.Name
		s.supply.mu.Unlock()
		org, err := s.committeeOf(ctx, sf.AreaCode)
		if err != nil {
			return raised, err
		}
		err = s.db.Tx(ctx, func(tx *sql.Tx) error {
			cat := SupplyPrefix + sf.Category
			w, err := s.latest(ctx, tx, sf.AreaCode, cat)
			if err != nil {
				return err
			}
			share := float64(sf.Unmet) / float64(sf.Requests)
			if w != nil && w.Active() {
				_, err := s.db.Exec(ctx, tx, `UPDATE warnings SET count = $1, baseline = $2, score = $3, last_at = $4, updated_at = $4 WHERE id = $5`,
					sf.Unmet, sf.Requests, round2(share), now.UnixMilli(), w.ID)
				return errs.Wrap(err, "update supply warning")
			}
			nw := Warning{ID: db.NewID(), Kind: KindSupply, Level: LevelCommunity, Place: sf.AreaCode, AreaCode: sf.AreaCode, CategoryCode: cat,
				OrgCode: org, WindowDays: int(SupplyWindow / (24 * time.Hour)), Count: sf.Unmet, Baseline: float64(sf.Requests),
				Score: round2(share), FirstAt: now.Add(-SupplyWindow), LastAt: now, CreatedAt: now, Status: StatusOpen}
			if err := s.insert(ctx, tx, nw); err != nil {
				return err
			}
			raised++
			return s.notify(ctx, tx, now, nw)
		})
		if err != nil {
			return raised, err
		}
	}
	return raised, nil
}

// committeeOf is the code of the residents' or villagers' committee of a
// community, or "" when it has none.
func (s *Service) committeeOf(ctx context.Context, area string) (string, error) {
	for _, k := range []gov.OrgKind{gov.KindCommunityCommittee, gov.KindVillageCommittee} {
		orgs, err := s.gov.Orgs(ctx, gov.OrgFilter{AreaCode: area, Kind: k})
		if err != nil {
			return "", err
		}
		for _, o := range orgs {
			if o.AreaCode == area {
				return o.Code, nil
			}
		}
	}
	return "", nil
}

// describeSupply says what a supply warning is about.
func (s *Service) describeSupply(ctx context.Context, w Warning) string {
	where := w.AreaCode
	if a, err := s.gov.Area(ctx, w.AreaCode); err == nil {
		where = a.Name
	}
	cat := strings.TrimPrefix(w.CategoryCode, SupplyPrefix)
	s.supply.mu.Lock()
	if n := s.supply.names[cat]; n != "" {
		cat = n
	}
	s.supply.mu.Unlock()
	return fmt.Sprintf("服务供给预警：%s「%s」近%d日服务预约%.0f件，其中%d件未能满足（机构婉拒或逾期未确认），请统筹增加供给。",
		where, cat, w.WindowDays, w.Baseline, w.Count)
}
