package service

import (
	"context"

	"github.com/gongzhi/gongzhi/internal/errs"
)

// MaxPublished bounds how many services Published returns.
const MaxPublished = 5000

// PublishedOffer is a service as the open-data catalogue publishes it: one
// that residents see (ShownToResidents), with its provider — an
// organisation, never a resident — the area the provider belongs to and its
// place when known.
type PublishedOffer struct {
	Offer
	AreaCode string `json:"area_code"`
}

// Published lists the services residents see now, by category and name,
// at most MaxPublished, without their slots (who booked what is nobody's
// business).
func (s *Service) Published(ctx context.Context) ([]PublishedOffer, error) {
	rows, err := s.db.R.QueryContext(ctx, `SELECT `+offerCols+offerFrom+` WHERE s.active AND p.active ORDER BY s.category, s.name, s.id LIMIT $1`, MaxPublished)
	if err != nil {
		return nil, errs.Wrap(err, "published services")
	}
	var all []Offer
	for rows.Next() {
		o, err := scanOffer(rows)
		if err != nil {
			rows.Close()
			return nil, errs.Wrap(err, "scan service")
		}
		all = append(all, o)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, errs.Wrap(err, "published services")
	}
	lapsed, err := s.lapsedOrgs(ctx, s.db.R)
	if err != nil {
		return nil, err
	}
	points, err := s.providerPoints(ctx)
	if err != nil {
		return nil, err
	}
	out := []PublishedOffer{}
	for _, o := range all {
		if lapsed[o.OrgCode] || !o.Active {
			continue
		}
		o.Shown, o.Slots = true, nil
		if pt, ok := points[o.OrgCode]; ok {
			o.Lat, o.Lng = &pt[0], &pt[1]
		}
		out = append(out, PublishedOffer{Offer: o, AreaCode: o.orgArea})
	}
	return out, nil
}
