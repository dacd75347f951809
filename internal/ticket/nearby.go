package ticket

import (
	"context"
	"sort"

	"github.com/gongzhi/gongzhi/internal/auth"
	"github.com/gongzhi/gongzhi/internal/db"
	"github.com/gongzhi/gongzhi/internal/errs"
	"github.com/gongzhi/gongzhi/internal/gov"
)

// Bounds of a nearby search.
const (
	DefaultNearbyRadius = 500  // metres
	MaxNearbyRadius     = 3000 // metres
	MaxNearby           = 50
)

// NearbyTicket is a public request near a place, as anyone may see it
// (PublicList's public view: no reporter, personal numbers masked, the
// place rounded), with how far its rounded place lies and how many joined it.
type NearbyTicket struct {
	Ticket      Ticket  `json:"ticket"`
	DistanceM   float64 `json:"distance_m"`
	CoReporters int     `json:"co_reporters"`
	// Joinable is whether 我也遇到 still takes co-reporters.
	Joinable bool `json:"joinable"`
	// Following is whether actor reported or joined it.
	Following bool `json:"following"`
}

// Nearby returns the public requests within radius metres of a place,
// nearest first (radius 0 takes DefaultNearbyRadius; limit 0 takes 20):
// requests set aside as invalid or merged into another are left out, and
// confidential ones never appear. actor, nil for a guest, only marks the
// requests she already follows.
func (s *Service) Nearby(ctx context.Context, actor *auth.User, lat, lng, radius float64, limit int) ([]NearbyTicket, error) {
	if !ValidPoint(lat, lng) {
		return nil, errs.Invalidf("经纬度超出范围", "lat or lng out of range")
	}
	if radius == 0 {
		radius = DefaultNearbyRadius
	}
	if !(radius >= 10 && radius <= MaxNearbyRadius) {
		return nil, errs.Invalidf("范围须在10到%d米之间", "radius must be 10 to %d metres", MaxNearbyRadius)
	}
	if limit == 0 {
		limit = 20
	}
	if limit < 1 || limit > MaxNearby {
		return nil, errs.Invalidf("条数须在1到%d之间", "limit must be 1 to %d", MaxNearby)
	}
	list, err := s.PublicList(ctx, PublicQuery{Near: &Circle{Lat: lat, Lng: lng, Radius: radius}, Limit: 1000,
		Statuses: []Status{StatusRegistered, StatusDispatched, StatusSigned, StatusInProgress, StatusReplied, StatusReturned, StatusClosed}})
	if err != nil {
		return nil, err
	}
	out := make([]NearbyTicket, 0, len(list))
	numbers := make([]string, 0, len(list))
	for _, t := range list {
		out = append(out, NearbyTicket{Ticket: t, DistanceM: gov.Haversine(lat, lng, *t.Lat, *t.Lng), Joinable: joinable(t)})
	}
	// Open requests first (one may join them), then the nearest.
	sort.SliceStable(out, func(i, j int) bool {
		if out[i].Joinable != out[j].Joinable {
			return out[i].Joinable
		}
		return out[i].DistanceM < out[j].DistanceM
	})
	if len(out) > limit {
		out = out[:limit]
	}
	for _, n := range out {
		numbers = append(numbers, n.Ticket.Number)
	}
	counts, err := s.CoReporterCounts(ctx, numbers)
	if err != nil {
		return nil, err
	}
	mine, err := s.followedAmong(ctx, actor, numbers)
	if err != nil {
		return nil, err
	}
	for i := range out {
		out[i].CoReporters = counts[out[i].Ticket.Number]
		out[i].Following = mine[out[i].Ticket.Number]
	}
	return out, nil
}

// followedAmong returns which of the numbers a resident reported or joined.
func (s *Service) followedAmong(ctx context.Context, u *auth.User, numbers []string) (map[string]bool, error) {
	out := map[string]bool{}
	if u == nil || u.Role != auth.RoleResident || len(numbers) == 0 || (u.ID == "" && u.Phone == "") {
		return out, nil
	}
	var qc db.Conds
	qc.In("number", numbers)
	q := `SELECT number FROM tickets WHERE ` + qc.And() + ` AND ((reporter_user_id <> '' AND reporter_user_id = ` + qc.Arg(u.ID) +
		`) OR (reporter_phone <> '' AND reporter_phone = ` + qc.Arg(u.Phone) + `))
UNION SELECT ticket_number FROM ticket_coreporters WHERE phone = ` + qc.Arg(u.Phone) + ` AND ticket_number IN (SELECT number FROM tickets WHERE ` + qc.And() + `)`
	rows, err := s.db.Reader(ctx).QueryContext(ctx, q, qc.Args...)
	if err != nil {
		return nil, errs.Wrap(err, "find followed")
	}
	defer rows.Close()
	for rows.Next() {
		var n string
		if err := rows.Scan(&n); err != nil {
			return nil, errs.Wrap(err, "find followed")
		}
		out[n] = true
	}
	return out, errs.Wrap(rows.Err(), "find followed")
}
