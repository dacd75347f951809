package ticket

// What the Open311 GeoReport v2 surface needs of the ticket service: the
// attributes of a category's service definition, tickets created by another
// system with what it sent besides, the public view of tickets and their
// timeline (no reporter data, no confidential tickets), and status updates
// posted back by a unit's own system.

import (
	"context"
	"database/sql"
	"encoding/json"
	"math"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/gongzhi/gongzhi/internal/auth"
	"github.com/gongzhi/gongzhi/internal/db"
	"github.com/gongzhi/gongzhi/internal/errs"
	"github.com/gongzhi/gongzhi/internal/gov"
	"github.com/gongzhi/gongzhi/internal/idem"
	"github.com/gongzhi/gongzhi/internal/privacy"
)

// Attribute datatypes of a service definition, as GeoReport v2 names them.
const (
	DatatypeString          = "string"
	DatatypeNumber          = "number"
	DatatypeDatetime        = "datetime"
	DatatypeText            = "text"
	DatatypeSingleValueList = "singlevaluelist"
	DatatypeMultiValueList  = "multivaluelist"
)

// Datatypes lists every datatype.
var Datatypes = []string{DatatypeString, DatatypeNumber, DatatypeDatetime, DatatypeText, DatatypeSingleValueList, DatatypeMultiValueList}

// Attribute is one field of a category's service definition: a question an
// Open311 client asks the reporter.
type Attribute struct {
	Code                string           `json:"code"`
	Datatype            string           `json:"datatype"`
	Variable            bool             `json:"variable"`
	Required            bool             `json:"required"`
	DatatypeDescription string           `json:"datatype_description"`
	Order               int              `json:"order"`
	Description         string           `json:"description"`
	Values              []AttributeValue `json:"values"`
}

// AttributeValue is one choice of a value list.
type AttributeValue struct {
	Key  string `json:"key"`
	Name string `json:"name"`
}

var attrCodeRE = regexp.MustCompile(`^[A-Za-z0-9_.-]{1,64}$`)

func (a Attribute) validate() error {
	if !attrCodeRE.MatchString(a.Code) {
		return errs.Invalidf("属性代码格式不正确：%q", "malformed attribute code: %q", a.Code)
	}
	if !oneOf(a.Datatype, Datatypes) {
		return errs.Invalidf("属性 %s 的数据类型不正确：%q", "attribute %s: unknown datatype %q", a.Code, a.Datatype)
	}
	list := a.Datatype == DatatypeSingleValueList || a.Datatype == DatatypeMultiValueList
	if list != (len(a.Values) > 0) {
		return errs.Invalidf("属性 %s：只有单选和多选列表有取值", "attribute %s: value lists, and only they, have values", a.Code)
	}
	if a.Order < 1 || runes(a.Description) > 500 || runes(a.DatatypeDescription) > 500 {
		return errs.Invalidf("属性 %s 的顺序或说明不正确", "attribute %s: order must be positive and descriptions at most 500 characters", a.Code)
	}
	seen := map[string]bool{}
	for _, v := range a.Values {
		if v.Key == "" || seen[v.Key] || runes(v.Key) > 64 || runes(v.Name) > 200 {
			return errs.Invalidf("属性 %s 的取值不正确", "attribute %s: value keys must be unique and 1 to 64 characters", a.Code)
		}
		seen[v.Key] = true
	}
	return nil
}

// SetCategoryAttributes replaces the attributes of a category's service definition.
func (s *Service) SetCategoryAttributes(ctx context.Context, categoryCode string, attrs []Attribute) error {
	codes, orders := map[string]bool{}, map[int]bool{}
	for _, a := range attrs {
		if err := a.validate(); err != nil {
			return err
		}
		if codes[a.Code] || orders[a.Order] {
			return errs.Invalidf("属性代码和顺序不能重复", "attribute codes and orders must be unique within a category")
		}
		codes[a.Code], orders[a.Order] = true, true
	}
	return s.db.Tx(ctx, func(tx *sql.Tx) error {
		if _, err := categoryQ(ctx, tx, categoryCode); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM category_attributes WHERE category_code = $1`, categoryCode); err != nil {
			return errs.Wrap(err, "clear attributes")
		}
		for _, a := range attrs {
			vals := a.Values
			if vals == nil {
				vals = []AttributeValue{}
			}
			b, _ := json.Marshal(vals)
			_, err := tx.ExecContext(ctx, `INSERT INTO category_attributes (category_code, code, datatype, variable, required, datatype_description, attr_order, description, value_list)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`, categoryCode, a.Code, a.Datatype, a.Variable, a.Required, a.DatatypeDescription, a.Order, a.Description, string(b))
			if err != nil {
				return errs.Wrap(err, "insert attribute")
			}
		}
		return nil
	})
}

// CategoryAttributes returns the attributes of a category in their order.
func (s *Service) CategoryAttributes(ctx context.Context, categoryCode string) ([]Attribute, error) {
	rows, err := s.db.Reader(ctx).QueryContext(ctx, `SELECT code, datatype, variable, required, datatype_description, attr_order, description, value_list
FROM category_attributes WHERE category_code = $1 ORDER BY attr_order, code`, categoryCode)
	if err != nil {
		return nil, errs.Wrap(err, "list attributes")
	}
	defer rows.Close()
	items := []Attribute{}
	for rows.Next() {
		var a Attribute
		var vals string
		if err := rows.Scan(&a.Code, &a.Datatype, &a.Variable, &a.Required, &a.DatatypeDescription, &a.Order, &a.Description, &vals); err != nil {
			return nil, errs.Wrap(err, "scan attribute")
		}
		if err := json.Unmarshal([]byte(vals), &a.Values); err != nil {
			return nil, errs.Wrap(err, "attribute values")
		}
		items = append(items, a)
	}
	return items, errs.Wrap(rows.Err(), "list attributes")
}

// CategoriesWithAttributes returns the codes of the categories that have a
// service definition.
func (s *Service) CategoriesWithAttributes(ctx context.Context) (map[string]bool, error) {
	rows, err := s.db.Reader(ctx).QueryContext(ctx, `SELECT DISTINCT category_code FROM category_attributes`)
	if err != nil {
		return nil, errs.Wrap(err, "list attributes")
	}
	defer rows.Close()
	out := map[string]bool{}
	for rows.Next() {
		var c string
		if err := rows.Scan(&c); err != nil {
			return nil, errs.Wrap(err, "scan attribute")
		}
		out[c] = true
	}
	return out, errs.Wrap(rows.Err(), "list attributes")
}

// External is what another system sent with a request besides the ticket:
// kept beside it. Email, DeviceID and AccountID are the reporter's personal
// data and are never read back by the public view (see ExternalInfo).
type External struct {
	APIKeyID   string              `json:"-"`
	AddressID  string              `json:"address_id"`
	MediaURL   string              `json:"media_url"`
	Attributes map[string][]string `json:"attributes"`
	Email      string              `json:"-"`
	DeviceID   string              `json:"-"`
	AccountID  string              `json:"-"`
}

// CreateExternal registers a request another system sent, as actor (the
// account its API key acts as), and keeps what it sent besides. The ticket
// is created exactly as Create does, so the catalogue dispatches it; the
// extras follow in a second transaction, and a failure there is logged, not
// undone: the request itself is registered either way.
func (s *Service) CreateExternal(ctx context.Context, actor auth.User, in NewTicket, ext External) (Ticket, error) {
	t, err := s.Create(ctx, &actor, in)
	if err != nil {
		return Ticket{}, err
	}
	attrs := map[string][]string{}
	for k, vs := range ext.Attributes {
		clean := make([]string, len(vs))
		for i, v := range vs {
			clean[i] = CleanText(v)
		}
		attrs[CleanText(k)] = clean
	}
	ext.AddressID, ext.Email, ext.DeviceID, ext.AccountID = CleanText(ext.AddressID), CleanText(ext.Email), CleanText(ext.DeviceID), CleanText(ext.AccountID)
	b, _ := json.Marshal(attrs)
	err = s.db.Tx(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `INSERT INTO open311_requests (ticket_number, api_key_id, address_id, media_url, attributes, email, device_id, account_id, created_at)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) ON CONFLICT (ticket_number) DO NOTHING`,
			t.Number, ext.APIKeyID, ext.AddressID, ext.MediaURL, string(b), ext.Email, ext.DeviceID, ext.AccountID, db.Millis(s.clock.Now()))
		return errs.Wrap(err, "insert open311 request")
	})
	if err != nil {
		s.log.Error("open311 extras not saved", "ticket", t.Number, "err", err)
	}
	return t, nil
}

// ExternalInfo returns the public part of what was sent with the tickets
// (address_id, media_url, attributes), by ticket number, with personal
// numbers masked as in the public view.
func (s *Service) ExternalInfo(ctx context.Context, numbers []string) (map[string]External, error) {
	out := map[string]External{}
	for start := 0; start < len(numbers); start += 500 {
		part := numbers[start:min(start+500, len(numbers))]
		args := make([]any, len(part))
		ph := make([]string, len(part))
		for i, n := range part {
			args[i], ph[i] = n, "$"+strconv.Itoa(i+1)
		}
		rows, err := s.db.Reader(ctx).QueryContext(ctx, `SELECT ticket_number, address_id, media_url, attributes FROM open311_requests WHERE ticket_number IN (`+strings.Join(ph, ",")+`)`, args...)
		if err != nil {
			return nil, errs.Wrap(err, "read open311 requests")
		}
		for rows.Next() {
			var n, attrs string
			var e External
			if err := rows.Scan(&n, &e.AddressID, &e.MediaURL, &attrs); err != nil {
				rows.Close()
				return nil, errs.Wrap(err, "scan open311 request")
			}
			_ = json.Unmarshal([]byte(attrs), &e.Attributes)
			e.AddressID = privacy.Mask(e.AddressID)
			for k, vs := range e.Attributes {
				for i, v := range vs {
					vs[i] = privacy.Mask(v)
				}
				e.Attributes[k] = vs
			}
			out[n] = e
		}
		err = rows.Err()
		rows.Close()
		if err != nil {
			return nil, errs.Wrap(err, "read open311 requests")
		}
	}
	return out, nil
}

// PublicQuery narrows the public list of tickets. Empty fields match all.
type PublicQuery struct {
	Numbers    []string // when set, the other filters except paging are ignored
	Categories []string
	Statuses   []Status
	// Creation and update time ranges, each bound inclusive; nil is open.
	CreatedFrom, CreatedTo, UpdatedFrom, UpdatedTo *time.Time
	// BBox is min_lng, min_lat, max_lng, max_lat.
	BBox *[4]float64
	// Near keeps tickets within Radius metres of (Lat, Lng).
	Near   *Circle
	Offset int
	Limit  int
}

// Circle is a point and a radius in metres.
type Circle struct{ Lat, Lng, Radius float64 }

// publicConds are the conditions of a public query: never a confidential
// ticket, the numbers asked for, or the filters and the place.
func (s *Service) publicConds(q PublicQuery) db.Conds {
	var qc db.Conds
	add, in := qc.Add, qc.In
	add("confidential = ?", false)
	if len(q.Numbers) > 0 {
		in("number", q.Numbers)
	} else {
		if len(q.Categories) > 0 {
			in("category_code", q.Categories)
		}
		if len(q.Statuses) > 0 {
			st := make([]string, len(q.Statuses))
			for i, x := range q.Statuses {
				st[i] = string(x)
			}
			in("status", st)
		}
		if q.CreatedFrom != nil {
			add("created_at >= ? AND number >= ?", db.Millis(*q.CreatedFrom), CreatedFrom(*q.CreatedFrom, s.loc))
		}
		if q.CreatedTo != nil {
			add("created_at <= ? AND "+NumberBelow("number", "?"), db.Millis(*q.CreatedTo), CreatedBefore(q.CreatedTo.Add(time.Millisecond), s.loc))
		}
		if q.UpdatedFrom != nil {
			add("updated_at >= ?", db.Millis(*q.UpdatedFrom))
		}
		if q.UpdatedTo != nil {
			add("updated_at <= ?", db.Millis(*q.UpdatedTo))
		}
		// Places are matched on the rounded points the public sees, so
		// that a small box drawn around a guess cannot find a home the
		// rounding hides. SQL narrows the rows by a box widened by one
		// grid step; the rounded point is checked below.
		mLat := 2 * s.publicPrecision / gov.EarthRadius * 180 / math.Pi
		if b := q.BBox; b != nil {
			mLng := math.Min(180, mLat/math.Max(1e-6, math.Min(math.Cos(b[1]*math.Pi/180), math.Cos(b[3]*math.Pi/180))))
			add("lng >= ? AND lat >= ? AND lng <= ? AND lat <= ?", b[0]-mLng, b[1]-mLat, b[2]+mLng, b[3]+mLat)
		}
		if c := q.Near; c != nil {
			dLat := c.Radius/gov.EarthRadius*180/math.Pi + mLat
			dLng := 180.0
			if cos := math.Cos(c.Lat * math.Pi / 180); cos > 1e-6 {
				dLng = math.Min(180, dLat/cos)
			}
			add("lat >= ? AND lat <= ? AND lng >= ? AND lng <= ?", c.Lat-dLat, c.Lat+dLat, c.Lng-dLng, c.Lng+dLng)
		}
	}
	return qc
}

// PublicList returns tickets as anyone may see them: newest first, without
// confidential tickets and without any reporter data.
func (s *Service) PublicList(ctx context.Context, q PublicQuery) ([]Ticket, error) {
	if q.Limit < 1 || q.Limit > 1000 || q.Offset < 0 {
		return nil, errs.Invalidf("分页参数不正确", "bad page or page_size")
	}
	qc := s.publicConds(q)
	geo := len(q.Numbers) == 0 && (q.Near != nil || q.BBox != nil)
	query := `SELECT ` + ticketCols + ` FROM tickets WHERE ` + qc.And() + ` ORDER BY created_at DESC, number DESC`
	if !geo {
		query += ` LIMIT ` + qc.Arg(q.Limit) + ` OFFSET ` + qc.Arg(q.Offset)
	}
	rows, err := s.db.Reader(ctx).QueryContext(ctx, query, qc.Args...)
	if err != nil {
		return nil, errs.Wrap(err, "list public tickets")
	}
	defer rows.Close()
	items := []Ticket{}
	skip := q.Offset
	for rows.Next() {
		t, err := s.scanTicket(rows)
		if err != nil {
			return nil, errs.Wrap(err, "scan ticket")
		}
		t = s.publicTicket(t)
		if geo {
			if t.Lat == nil || t.Lng == nil {
				continue
			}
			if b := q.BBox; b != nil && (*t.Lng < b[0] || *t.Lat < b[1] || *t.Lng > b[2] || *t.Lat > b[3]) {
				continue
			}
			if c := q.Near; c != nil && gov.Haversine(c.Lat, c.Lng, *t.Lat, *t.Lng) > c.Radius {
				continue
			}
			if skip > 0 {
				skip--
				continue
			}
		}
		items = append(items, t)
		if len(items) == q.Limit {
			break
		}
	}
	return items, errs.Wrap(rows.Err(), "list public tickets")
}

// publicTicket strips what the public never sees: the reporter, her
// rating, the personal numbers written into the text (privacy.Mask), and
// the exact location (rounded to the public precision).
func (s *Service) publicTicket(t Ticket) Ticket {
	t.ReporterName, t.ReporterPhone, t.ReporterMasked = "", "", true
	t.ReporterUserID, t.CreatedBy = "", ""
	t.CreditCode = "" // staff and the reporter only
	t.Rating = nil
	t.Description, t.Address, t.ReplyText = privacy.Mask(t.Description), privacy.Mask(t.Address), privacy.Mask(t.ReplyText)
	staffNotesOut(&t)
	if t.Lat != nil && t.Lng != nil {
		lat, lng := s.publicPoint(*t.Lat, *t.Lng)
		t.Lat, t.Lng = &lat, &lng
	}
	return t
}

// publicPoint is a location as the public sees it.
func (s *Service) publicPoint(lat, lng float64) (float64, float64) {
	return privacy.RoundCoord(lat, lng, s.publicPrecision)
}

// SetPublicPrecision sets how coarse, in metres, locations are in public
// views (privacy.DefaultPrecision unless set; 0 shows them exactly).
// Staff and the reporter see them exactly either way.
func (s *Service) SetPublicPrecision(metres float64) { s.publicPrecision = metres }

// PublicGet returns one ticket as anyone may see it, with its merged
// children; a confidential ticket is not found.
func (s *Service) PublicGet(ctx context.Context, number string) (Ticket, error) {
	if !ValidNumber(number) {
		return Ticket{}, errNoTicket(number)
	}
	t, err := s.getFull(ctx, s.db.Reader(ctx), number)
	if err != nil {
		return Ticket{}, err
	}
	if t.Confidential {
		return Ticket{}, errNoTicket(number)
	}
	return s.publicTicket(t), nil
}

// PublicEvents returns the timeline of a ticket anyone may see, as the
// public sees it (Timeline): oldest first, masked, actors named by role.
func (s *Service) PublicEvents(ctx context.Context, number string) ([]Event, error) {
	if _, err := s.PublicGet(ctx, number); err != nil {
		return nil, err
	}
	evs, err := s.events(ctx, s.db.Reader(ctx), number)
	if err != nil {
		return nil, err
	}
	return Timeline(evs, AudiencePublic), nil
}

// ActionExternalUpdate is the timeline line of an update another system posted.
const ActionExternalUpdate = "external_update"

// ExternalUpdate is a status update posted by a unit's own system (Open311
// servicerequestupdates): "open" with a note, or "closed" when the unit says
// the request is dealt with.
type ExternalUpdate struct {
	Closed      bool
	Description string
	UpdatedAt   *time.Time // the other system's time of the update, if given
}

// RecordExternalUpdate takes an update from the system of the unit a ticket
// is assigned to, acting as u (the account of that system's API key, a
// handler of the unit). It always appends an "external_update" line with
// the description. A "closed" update is then the unit's answer: the ticket
// goes through the unit's normal steps — sign and contact if not yet done,
// then reply with the description as the reply text, marked resolved — so
// the reporter is asked to rate it and the dispatcher closes it as with any
// reply. The unit cannot close a ticket itself in gongzhi, and neither can
// its system. An update to a ticket already replied or closed only adds the
// line. It returns the ticket and the sequence number of the line.
func (s *Service) RecordExternalUpdate(ctx context.Context, u auth.User, number string, up ExternalUpdate) (Ticket, int, error) {
	up.Description = CleanText(up.Description)
	if up.Description == "" {
		return Ticket{}, 0, errs.Invalidf("请填写更新说明", "description is required")
	}
	if n := runes(up.Description); n > MaxReply {
		return Ticket{}, 0, errs.Invalidf("说明不能超过%d字", "description must be at most %d characters", MaxReply)
	}
	if !ValidNumber(number) {
		return Ticket{}, 0, errNoTicket(number)
	}
	now := s.clock.Now()
	var seq int
	var status Status
	err := s.db.Tx(ctx, func(tx *sql.Tx) error {
		t, err := s.getFull(ctx, tx, number)
		if err != nil {
			return err
		}
		if t.Confidential {
			return errNoTicket(number)
		}
		if !isLeadHandler(u, t) {
			return errs.New(errs.Forbidden, "该工单未派给此密钥所属单位", "the ticket is not assigned to this key's unit")
		}
		status = t.Status
		// A retried update records nothing more; its close steps below
		// still run from the ticket's status now, so a retry after a crash
		// between the two finishes them.
		done, err := idem.ClaimTx(ctx, tx, now, number+"/"+ActionExternalUpdate+"/"+strconv.Itoa(t.Version+1))
		if err != nil {
			return err
		}
		if done != "" {
			seq, _ = strconv.Atoi(done[strings.LastIndexByte(done, '/')+1:])
			return nil
		}
		note := up.Description
		if up.UpdatedAt != nil {
			note += "（外部系统时间 / external time " + up.UpdatedAt.In(s.loc).Format(time.RFC3339) + "）"
		}
		c := &change{s: s, tx: tx, u: &u, now: now, before: t, t: t, action: ActionExternalUpdate, note: note}
		c.t.UpdatedAt = now
		if err := c.commit(ctx); err != nil {
			return err
		}
		seq = c.t.Version
		return nil
	})
	if err != nil {
		return Ticket{}, 0, err
	}
	// The key was spent on the update: the steps are changes of their own.
	ctx = idem.With(ctx, idem.Key{})
	if up.Closed {
		steps := map[Status][]string{
			StatusDispatched: {ActionSign, ActionContact, ActionReply},
			StatusSigned:     {ActionContact, ActionReply},
			StatusInProgress: {ActionReply},
		}[status]
		for _, a := range steps {
			in := ActionInput{Note: "由外部系统同步 / synced from the unit's system"}
			if a == ActionReply {
				in = ActionInput{ReplyText: up.Description, Resolved: boolp(true)}
			}
			if _, err := s.Act(ctx, u, number, a, in); err != nil {
				return Ticket{}, seq, err
			}
		}
	}
	t, err := s.PublicGet(ctx, number)
	return t, seq, err
}

// Now is the service's business time, for callers that build queries
// relative to it (Open311's default 90-day window).
func (s *Service) Now() time.Time { return s.clock.Now() }
