package service

import (
	"context"
	"database/sql"
	"errors"
	"math"
	"sort"
	"strings"
	"time"

	"github.com/gongzhi/gongzhi/internal/auth"
	"github.com/gongzhi/gongzhi/internal/db"
	"github.com/gongzhi/gongzhi/internal/errs"
	"github.com/gongzhi/gongzhi/internal/gov"
)

// Offer is one service of a provider.
type Offer struct {
	ID           string   `json:"id"`
	OrgCode      string   `json:"org_code"`
	ProviderName string   `json:"provider_name"`
	Category     Category `json:"category"`
	Name         string   `json:"name"`
	Description  string   `json:"description"`
	Priced       bool     `json:"priced"`
	PriceNote    string   `json:"price_note"`
	Hours        string   `json:"hours"`
	Active       bool     `json:"active"`
	// Shown tells whether residents see it (ShownToResidents).
	Shown bool `json:"shown"`
	// In the directory: the distance from the point asked about, when the
	// provider's place is known, and whether the provider serves the area.
	DistanceM *float64 `json:"distance_m,omitempty"`
	Serves    bool     `json:"serves_area"`
	// Fits tells a resident that it answers a need she registered.
	Fits bool `json:"fits,omitempty"`
	// Lat and Lng are its provider's place, when known (the directory's map).
	Lat   *float64 `json:"lat,omitempty"`
	Lng   *float64 `json:"lng,omitempty"`
	Slots []Slot   `json:"slots"`

	orgArea string
	lapsed  bool
}

// Slot is a bookable time of a service.
type Slot struct {
	ID        string    `json:"id"`
	ServiceID string    `json:"service_id"`
	StartsAt  time.Time `json:"starts_at"`
	EndsAt    time.Time `json:"ends_at"`
	Capacity  int       `json:"capacity"`
	Booked    int       `json:"booked"`
	Free      int       `json:"free"`
}

// OfferInput is a service as staff enter it; ID empty for a new one.
type OfferInput struct {
	ID          string   `json:"id"`
	OrgCode     string   `json:"org_code"`
	Category    Category `json:"category"`
	Name        string   `json:"name"`
	Description string   `json:"description"`
	Priced      bool     `json:"priced"`
	PriceNote   string   `json:"price_note"`
	Active      *bool    `json:"active"`
}

func (in *OfferInput) check() error {
	in.ID, in.OrgCode = strings.TrimSpace(in.ID), strings.TrimSpace(in.OrgCode)
	if !in.Category.Valid() {
		return errCategory
	}
	if err := oneLine(&in.Name, MaxServiceName, false, "服务名称", "the name"); err != nil {
		return err
	}
	if err := text(&in.Description, MaxDescription, true, "服务说明", "the description"); err != nil {
		return err
	}
	if err := oneLine(&in.PriceNote, MaxPriceNote, !in.Priced, "收费标准", "price_note"); err != nil {
		return err
	}
	if !in.Priced {
		in.PriceNote = ""
	}
	return nil
}

// SaveOffer adds a service to a provider, or changes one.
func (s *Service) SaveOffer(ctx context.Context, u auth.User, in OfferInput) (Offer, error) {
	if err := in.check(); err != nil {
		return Offer{}, err
	}
	now := s.clock.Now()
	id := in.ID
	err := s.db.Tx(ctx, func(tx *sql.Tx) error {
		if id != "" {
			var org string
			err := tx.QueryRowContext(ctx, `SELECT org_code FROM services WHERE id = $1`, id).Scan(&org)
			if errors.Is(err, sql.ErrNoRows) {
				return errNoService
			}
			if err != nil {
				return errs.Wrap(err, "read service")
			}
			in.OrgCode = org
		}
		p, err := s.providerQ(ctx, tx, in.OrgCode)
		if err != nil {
			return err
		}
		keeper, err := s.keeper(ctx, tx, u)
		if err != nil {
			return err
		}
		if !CanKeep(u, keeper, p.AreaCode) {
			return errForbiddenKeep
		}
		active := true
		if in.Active != nil {
			active = *in.Active
		}
		if id == "" {
			var n int
			if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM services WHERE org_code = $1`, p.OrgCode).Scan(&n); err != nil {
				return errs.Wrap(err, "count services")
			}
			if n >= MaxServicesPer {
				return errs.Invalidf("每个机构最多登记%d项服务", "at most %d services per provider", MaxServicesPer)
			}
			id = db.NewID()
			_, err = tx.ExecContext(ctx, `INSERT INTO services (id, org_code, category, name, description, priced, price_note, active, created_by, created_at, updated_at)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $10)`, id, p.OrgCode, string(in.Category), in.Name, in.Description, in.Priced, in.PriceNote, active, u.ID, db.Millis(now))
		} else {
			_, err = tx.ExecContext(ctx, `UPDATE services SET category = $2, name = $3, description = $4, priced = $5, price_note = $6, active = $7, updated_at = $8 WHERE id = $1`,
				id, string(in.Category), in.Name, in.Description, in.Priced, in.PriceNote, active, db.Millis(now))
		}
		if err != nil {
			return errs.Wrap(err, "save service")
		}
		return s.event(ctx, tx, id, u, "", "service", map[string]any{"org_code": p.OrgCode, "category": in.Category, "name": in.Name,
			"priced": in.Priced, "price_note": in.PriceNote, "active": active}, now)
	})
	if err != nil {
		return Offer{}, err
	}
	return s.Offer(ctx, u, id)
}

// SlotInput is a bookable time with its capacity.
type SlotInput struct {
	StartsAt time.Time `json:"starts_at"`
	EndsAt   time.Time `json:"ends_at"`
	Capacity int       `json:"capacity"`
}

// AddSlot opens a bookable time of the service.
func (s *Service) AddSlot(ctx context.Context, u auth.User, serviceID string, in SlotInput) (Offer, error) {
	now := s.clock.Now()
	switch {
	case in.Capacity < 1 || in.Capacity > MaxSlotCapacity:
		return Offer{}, errs.Invalidf("名额须为1到%d", "capacity must be 1 to %d", MaxSlotCapacity)
	case in.StartsAt.IsZero() || !in.StartsAt.After(now) || in.StartsAt.After(now.AddDate(0, 0, MaxAheadDays)):
		return Offer{}, errs.Invalidf("开始时间须在现在之后%d天之内", "starts_at must be in the next %d days", MaxAheadDays)
	case !in.EndsAt.After(in.StartsAt) || in.EndsAt.Sub(in.StartsAt) > MaxSlotHours*time.Hour:
		return Offer{}, errs.Invalidf("结束时间须晚于开始时间，且一个时段不超过%d小时", "ends_at must be after starts_at, a slot at most %d hours", MaxSlotHours)
	}
	err := s.db.Tx(ctx, func(tx *sql.Tx) error {
		o, err := s.offerQ(ctx, tx, serviceID)
		if err != nil {
			return err
		}
		keeper, err := s.keeper(ctx, tx, u)
		if err != nil {
			return err
		}
		if !CanKeepSlots(u, keeper, o.OrgCode, o.orgArea) {
			return errs.New(errs.Forbidden, "只有该机构的工作人员或辖区工作人员可以开放预约时段", "only the provider's staff or the staff of its area open slots")
		}
		var n int
		if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM service_slots WHERE service_id = $1 AND starts_at > $2`, serviceID, db.Millis(now)).Scan(&n); err != nil {
			return errs.Wrap(err, "count slots")
		}
		if n >= MaxSlotsPer {
			return errs.Invalidf("每项服务最多开放%d个未来时段", "at most %d open slots per service", MaxSlotsPer)
		}
		id := db.NewID()
		if _, err := tx.ExecContext(ctx, `INSERT INTO service_slots (id, service_id, starts_at, ends_at, capacity, booked, created_by, created_at) VALUES ($1, $2, $3, $4, $5, 0, $6, $7)`,
			id, serviceID, db.Millis(in.StartsAt), db.Millis(in.EndsAt), in.Capacity, u.ID, db.Millis(now)); err != nil {
			return errs.Wrap(err, "add slot")
		}
		return s.event(ctx, tx, serviceID, u, "", "slot", map[string]any{"slot": id, "starts_at": in.StartsAt.In(s.loc), "ends_at": in.EndsAt.In(s.loc), "capacity": in.Capacity}, now)
	})
	if err != nil {
		return Offer{}, err
	}
	return s.Offer(ctx, u, serviceID)
}

const offerCols = `s.id, s.org_code, o.name, o.area_code, s.category, s.name, s.description, s.priced, s.price_note, p.hours, s.active AND p.active`

const offerFrom = ` FROM services s JOIN service_providers p ON p.org_code = s.org_code JOIN orgs o ON o.code = s.org_code`

func scanOffer(sc interface{ Scan(...any) error }) (Offer, error) {
	var o Offer
	err := sc.Scan(&o.ID, &o.OrgCode, &o.ProviderName, &o.orgArea, &o.Category, &o.Name, &o.Description, &o.Priced, &o.PriceNote, &o.Hours, &o.Active)
	return o, err
}

func (s *Service) offerQ(ctx context.Context, q db.Queryer, id string) (Offer, error) {
	o, err := scanOffer(q.QueryRowContext(ctx, `SELECT `+offerCols+offerFrom+` WHERE s.id = $1`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return Offer{}, errNoService
	}
	if err != nil {
		return Offer{}, errs.Wrap(err, "read service")
	}
	lapsed, err := s.lapsedOrgs(ctx, q)
	if err != nil {
		return Offer{}, err
	}
	o.lapsed = lapsed[o.OrgCode]
	o.Shown = o.Active && !o.lapsed
	return o, nil
}

// offers lists the services matching cond (over args), with their open
// slots, as stored.
func (s *Service) offers(ctx context.Context, cond string, args []any) ([]Offer, error) {
	rows, err := s.db.R.QueryContext(ctx, `SELECT `+offerCols+offerFrom+` WHERE `+cond+` ORDER BY s.category, s.name, s.id LIMIT 1000`, args...)
	if err != nil {
		return nil, errs.Wrap(err, "services")
	}
	var out []Offer
	for rows.Next() {
		o, err := scanOffer(rows)
		if err != nil {
			rows.Close()
			return nil, errs.Wrap(err, "scan service")
		}
		out = append(out, o)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, errs.Wrap(err, "services")
	}
	lapsed, err := s.lapsedOrgs(ctx, s.db.R)
	if err != nil {
		return nil, err
	}
	for i := range out {
		out[i].lapsed = lapsed[out[i].OrgCode]
		out[i].Shown = out[i].Active && !out[i].lapsed
		if out[i].Slots, err = s.slots(ctx, s.db.R, out[i].ID); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// slots are the service's slots that have not begun.
func (s *Service) slots(ctx context.Context, q db.Queryer, serviceID string) ([]Slot, error) {
	rows, err := q.QueryContext(ctx, `SELECT id, service_id, starts_at, ends_at, capacity, booked FROM service_slots WHERE service_id = $1 AND starts_at > $2 ORDER BY starts_at, id LIMIT $3`,
		serviceID, db.Millis(s.clock.Now()), MaxSlotsPer)
	if err != nil {
		return nil, errs.Wrap(err, "slots")
	}
	defer rows.Close()
	out := []Slot{}
	for rows.Next() {
		var x Slot
		var st, en int64
		if err := rows.Scan(&x.ID, &x.ServiceID, &st, &en, &x.Capacity, &x.Booked); err != nil {
			return nil, errs.Wrap(err, "scan slot")
		}
		x.StartsAt, x.EndsAt, x.Free = s.at(st), s.at(en), x.Capacity-x.Booked
		out = append(out, x)
	}
	return out, errs.Wrap(rows.Err(), "slots")
}

// Offer returns one service with its open slots: to residents only when it
// is shown to them.
func (s *Service) Offer(ctx context.Context, u auth.User, id string) (Offer, error) {
	if !CanUseDirectory(u) {
		return Offer{}, errs.ErrForbidden
	}
	os, err := s.offers(ctx, `s.id = $1`, []any{id})
	if err != nil {
		return Offer{}, err
	}
	if len(os) == 0 {
		return Offer{}, errNoService
	}
	o := os[0]
	keeper, err := s.keeper(ctx, s.db.R, u)
	if err != nil {
		return Offer{}, err
	}
	if !o.Shown && !CanKeepSlots(u, keeper, o.OrgCode, o.orgArea) {
		return Offer{}, errNoService
	}
	return o, nil
}

// NearQuery asks what is near a community or a place.
type NearQuery struct {
	AreaCode string   `json:"area_code"`
	Lat      *float64 `json:"lat"`
	Lng      *float64 `json:"lng"`
	Radius   float64  `json:"radius_m"`
	Category Category `json:"category"`
}

// Near is the directory's answer: the point it measured from, when known,
// and the services in reach.
type Near struct {
	AreaCode string   `json:"area_code"`
	AreaName string   `json:"area_name"`
	Lat      *float64 `json:"lat"`
	Lng      *float64 `json:"lng"`
	Radius   float64  `json:"radius_m"`
	Items    []Offer  `json:"items"`
}

// Near lists the services shown to residents that are in reach of the
// community or the place: those whose provider serves the area (or an area
// above it), and those whose provider lies within the radius of the point
// (the given place, or else the middle of the community's boundary). The
// nearest come first, then those serving the area, by category and name.
func (s *Service) Near(ctx context.Context, u auth.User, q NearQuery) (Near, error) {
	if !CanUseDirectory(u) {
		return Near{}, errs.ErrForbidden
	}
	if q.Category != "" && !q.Category.Valid() {
		return Near{}, errCategory
	}
	if q.Radius == 0 {
		q.Radius = DefaultRadius
	}
	if q.Radius < 100 || q.Radius > MaxRadius {
		return Near{}, errs.Invalidf("半径须为100到%d米", "radius_m must be 100 to %d metres", MaxRadius)
	}
	if (q.Lat == nil) != (q.Lng == nil) || (q.Lat != nil && !validPoint(*q.Lat, *q.Lng)) {
		return Near{}, errs.Invalidf("经纬度须同时给出且在范围内", "give both lat and lng, within range")
	}
	q.AreaCode = strings.TrimSpace(q.AreaCode)
	if q.AreaCode == "" && q.Lat == nil {
		return Near{}, errs.Invalidf("请指明社区（area_code）或位置（lat、lng）", "name a community (area_code) or a place (lat, lng)")
	}
	out := Near{AreaCode: q.AreaCode, Lat: q.Lat, Lng: q.Lng, Radius: q.Radius, Items: []Offer{}}
	ancestors, err := s.origin(ctx, &out)
	if err != nil {
		return Near{}, err
	}
	cond := `s.active AND p.active`
	var args []any
	if q.Category != "" {
		cond += ` AND s.category = $1`
		args = append(args, string(q.Category))
	}
	all, err := s.offers(ctx, cond, args)
	if err != nil {
		return Near{}, err
	}
	serves, err := s.servingOrgs(ctx, ancestors)
	if err != nil {
		return Near{}, err
	}
	points, err := s.providerPoints(ctx)
	if err != nil {
		return Near{}, err
	}
	for _, o := range all {
		if !o.Shown {
			continue
		}
		o.Serves = serves[o.OrgCode]
		if pt, ok := points[o.OrgCode]; ok {
			o.Lat, o.Lng = &pt[0], &pt[1]
			if out.Lat != nil {
				d := gov.Haversine(*out.Lat, *out.Lng, pt[0], pt[1])
				o.DistanceM = &d
			}
		}
		if o.Serves || (o.DistanceM != nil && *o.DistanceM <= q.Radius) {
			out.Items = append(out.Items, o)
		}
	}
	sort.SliceStable(out.Items, func(i, j int) bool {
		a, b := out.Items[i], out.Items[j]
		if (a.DistanceM != nil) != (b.DistanceM != nil) {
			return a.DistanceM != nil
		}
		if a.DistanceM != nil && *a.DistanceM != *b.DistanceM {
			return *a.DistanceM < *b.DistanceM
		}
		return false
	})
	s.markFits(ctx, u, out.Items)
	return out, nil
}

// origin reads the community of the answer: its name, the areas it lies in
// (itself first among them, then up) and, unless a place was given, its
// point.
func (s *Service) origin(ctx context.Context, out *Near) ([]string, error) {
	if out.AreaCode == "" {
		return nil, nil
	}
	if !gov.ValidCode(out.AreaCode) {
		return nil, errArea
	}
	path, err := s.gov.AreaPath(ctx, out.AreaCode)
	if errs.Is(err, errs.NotFound) || (err == nil && len(path) == 0) {
		return nil, errs.Invalidf("区划 %s 不存在", "area %s does not exist", out.AreaCode)
	}
	if err != nil {
		return nil, err
	}
	var ancestors []string
	for _, a := range path {
		ancestors = append(ancestors, a.Code)
	}
	out.AreaName = path[len(path)-1].Name
	if out.Lat == nil {
		lat, lng, ok, err := s.areaPoint(ctx, out.AreaCode)
		if err != nil {
			return nil, err
		}
		if ok {
			out.Lat, out.Lng = &lat, &lng
		}
	}
	return ancestors, nil
}

// areaPoint is the middle of the area's boundary box, when it has one on
// record.
func (s *Service) areaPoint(ctx context.Context, code string) (lat, lng float64, ok bool, err error) {
	var a, b, c, d float64
	err = s.db.R.QueryRowContext(ctx, `SELECT min_lat, min_lng, max_lat, max_lng FROM area_boundaries WHERE area_code = $1`, code).Scan(&a, &b, &c, &d)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, 0, false, nil
	}
	if err != nil {
		return 0, 0, false, errs.Wrap(err, "area point")
	}
	return (a + c) / 2, (b + d) / 2, true, nil
}

// servingOrgs are the providers that serve one of the areas.
func (s *Service) servingOrgs(ctx context.Context, areas []string) (map[string]bool, error) {
	out := map[string]bool{}
	if len(areas) == 0 {
		return out, nil
	}
	var c db.Conds
	c.In("area_code", areas)
	rows, err := s.db.R.QueryContext(ctx, `SELECT DISTINCT org_code FROM service_provider_areas WHERE `+c.And(), c.Args...)
	if err != nil {
		return nil, errs.Wrap(err, "serving providers")
	}
	defer rows.Close()
	for rows.Next() {
		var o string
		if err := rows.Scan(&o); err != nil {
			return nil, errs.Wrap(err, "scan provider")
		}
		out[o] = true
	}
	return out, errs.Wrap(rows.Err(), "serving providers")
}

func (s *Service) providerPoints(ctx context.Context) (map[string][2]float64, error) {
	rows, err := s.db.R.QueryContext(ctx, `SELECT org_code, lat, lng FROM service_providers WHERE lat IS NOT NULL AND lng IS NOT NULL AND active`)
	if err != nil {
		return nil, errs.Wrap(err, "provider points")
	}
	defer rows.Close()
	out := map[string][2]float64{}
	for rows.Next() {
		var o string
		var lat, lng float64
		if err := rows.Scan(&o, &lat, &lng); err != nil {
			return nil, errs.Wrap(err, "scan point")
		}
		out[o] = [2]float64{lat, lng}
	}
	return out, errs.Wrap(rows.Err(), "provider points")
}

// HomeAreas are the communities (and other areas) the resident's phone is
// linked to, for the directory's default.
func (s *Service) HomeAreas(ctx context.Context, u auth.User) ([]gov.Area, error) {
	out := []gov.Area{}
	if u.Role != auth.RoleResident || u.Phone == "" {
		return out, nil
	}
	rows, err := s.db.R.QueryContext(ctx, `SELECT a.code, a.parent_code, a.name, a.level FROM area_residents r JOIN areas a ON a.code = r.area_code WHERE r.phone = $1 ORDER BY a.code LIMIT 20`, u.Phone)
	if err != nil {
		return nil, errs.Wrap(err, "home areas")
	}
	defer rows.Close()
	for rows.Next() {
		var a gov.Area
		if err := rows.Scan(&a.Code, &a.ParentCode, &a.Name, &a.Level); err != nil {
			return nil, errs.Wrap(err, "scan area")
		}
		out = append(out, a)
	}
	return out, errs.Wrap(rows.Err(), "home areas")
}

// Metres is the distance rounded to whole metres, -1 when unknown.
func (o Offer) Metres() int {
	if o.DistanceM == nil {
		return -1
	}
	return int(math.Round(*o.DistanceM))
}
