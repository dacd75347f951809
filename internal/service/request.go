package service

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/gongzhi/gongzhi/internal/auth"
	"github.com/gongzhi/gongzhi/internal/db"
	"github.com/gongzhi/gongzhi/internal/errs"
	"github.com/gongzhi/gongzhi/internal/gov"
	"github.com/gongzhi/gongzhi/internal/privacy"
)

// Request is a resident's booking of a slot or request for a service.
type Request struct {
	Number       string     `json:"number"`
	ServiceID    string     `json:"service_id"`
	ServiceName  string     `json:"service_name"`
	OrgCode      string     `json:"org_code"`
	ProviderName string     `json:"provider_name"`
	Category     Category   `json:"category"`
	SlotID       string     `json:"slot_id"`
	SlotStartsAt *time.Time `json:"slot_starts_at"`
	SlotEndsAt   *time.Time `json:"slot_ends_at"`
	AreaCode     string     `json:"area_code"`
	AreaName     string     `json:"area_name"`
	// Phone and Name are masked to all but the resident and the provider's
	// staff (SeesContact).
	Phone    string `json:"phone"`
	Name     string `json:"name"`
	Note     string `json:"note"`
	OnBehalf bool   `json:"on_behalf"` // staff made it for her
	Status   Status `json:"status"`
	// DueAt is by when the provider must answer; Overdue that it has not.
	DueAt           time.Time  `json:"due_at"`
	Overdue         bool       `json:"overdue"`
	ConfirmedAt     *time.Time `json:"confirmed_at"`
	DeclinedAt      *time.Time `json:"declined_at"`
	DeclineReason   string     `json:"decline_reason"`
	ResidentDoneAt  *time.Time `json:"resident_done_at"`
	ProviderDoneAt  *time.Time `json:"provider_done_at"`
	DoneAt          *time.Time `json:"done_at"`
	Rating          int        `json:"rating"`
	RatingText      string     `json:"rating_text"`
	FromTicket      string     `json:"from_ticket"`
	ComplaintTicket string     `json:"complaint_ticket"`
	CreatedAt       time.Time  `json:"created_at"`
	UpdatedAt       time.Time  `json:"updated_at"`
	// What the reader may do now (policy.go on the request).
	CanAnswer   bool `json:"can_answer"`
	CanResident bool `json:"can_resident"`

	phone string
}

// NewRequest is what it takes to book or ask: the service, the slot when it
// has slots, a note; OnBehalfOf (with Name and AreaCode) when staff act for
// a resident; FromTicket when staff make it from a ticket. AreaCode is her
// community: for a resident, one she is linked to unless she names another.
type NewRequest struct {
	ServiceID  string `json:"service_id"`
	SlotID     string `json:"slot_id"`
	Note       string `json:"note"`
	AreaCode   string `json:"area_code"`
	Name       string `json:"name"`
	OnBehalfOf string `json:"on_behalf_of"`
	FromTicket string `json:"from_ticket"`
}

// ValidNumber reports whether n is shaped as a request number.
func ValidNumber(n string) bool { return db.ValidDayNumber(n, "FW") }

func (n *NewRequest) check() error {
	n.ServiceID, n.SlotID, n.AreaCode = strings.TrimSpace(n.ServiceID), strings.TrimSpace(n.SlotID), strings.TrimSpace(n.AreaCode)
	n.OnBehalfOf, n.FromTicket = strings.TrimSpace(n.OnBehalfOf), strings.TrimSpace(n.FromTicket)
	if n.ServiceID == "" {
		return errs.Invalidf("请选择服务", "service_id is required")
	}
	if n.AreaCode != "" && !gov.ValidCode(n.AreaCode) {
		return errArea
	}
	if err := text(&n.Note, MaxNote, true, "需求说明", "the note"); err != nil {
		return err
	}
	if err := oneLine(&n.Name, 30, true, "称呼", "the name"); err != nil {
		return err
	}
	if n.FromTicket != "" && (len(n.FromTicket) != 14 || strings.Trim(n.FromTicket, "0123456789") != "") {
		return errs.Invalidf("工单编号不正确：%q", "malformed ticket number: %q", n.FromTicket)
	}
	return nil
}

// Create books a slot or asks for a service. The provider is told and has
// the working days the service gives (1 unless set) to confirm or decline.
// A slot's place is taken by a conditional update of its count, so
// concurrent bookings of its last place let exactly one through.
func (s *Service) Create(ctx context.Context, u auth.User, n NewRequest) (Request, error) {
	if err := n.check(); err != nil {
		return Request{}, err
	}
	phone := u.Phone
	if n.OnBehalfOf != "" {
		if !u.Role.IsStaff() {
			return Request{}, errs.New(errs.Forbidden, "只有工作人员可以代居民办理", "only staff act for a resident")
		}
		phone = auth.NormalizePhone(n.OnBehalfOf)
		if !auth.ValidPhone(phone) {
			return Request{}, errs.Invalidf("居民手机号应为11位数字", "the resident's phone must be 11 digits")
		}
	} else if u.Role != auth.RoleResident && n.FromTicket == "" {
		return Request{}, errs.New(errs.Forbidden, "工作人员代居民预约时须填写居民手机号（on_behalf_of）", "staff booking for a resident give her phone (on_behalf_of)")
	}
	if n.FromTicket != "" {
		if s.tickets == nil {
			return Request{}, errNoTickets
		}
		if !u.Role.IsStaff() {
			return Request{}, errs.New(errs.Forbidden, "只有工作人员可以由工单转为服务申请", "only staff make a request from a ticket")
		}
		tphone, tarea, err := s.tickets.Read(ctx, u, n.FromTicket)
		if err != nil {
			return Request{}, err
		}
		if n.OnBehalfOf == "" && tphone != "" {
			phone = tphone
		}
		if n.AreaCode == "" {
			n.AreaCode = tarea
		}
		if phone == "" || !auth.ValidPhone(phone) {
			return Request{}, errs.Invalidf("工单没有诉求人手机号，请填写居民手机号（on_behalf_of）", "the ticket has no reporter's phone: give on_behalf_of")
		}
	}
	if n.AreaCode == "" {
		homes, err := s.HomeAreas(ctx, auth.User{Role: auth.RoleResident, Phone: phone})
		if err != nil {
			return Request{}, err
		}
		if len(homes) == 0 {
			return Request{}, errs.Invalidf("请指明所在社区（area_code）", "name her community (area_code)")
		}
		n.AreaCode = homes[0].Code
	}
	ok, proxy := CanRequestFor(u, phone, n.AreaCode)
	if !ok {
		return Request{}, errs.New(errs.Forbidden, "只有居民本人或辖区工作人员可以预约", "only the resident, or staff of her area, book")
	}
	onBehalf := ""
	if proxy {
		onBehalf = phone
	}
	var number string
	for try := 0; try < 6; try++ {
		err := s.db.Tx(ctx, func(tx *sql.Tx) error {
			var err error
			number, err = s.insert(ctx, tx, u, n, phone, onBehalf)
			return err
		})
		if errors.Is(err, errSlotTaken) {
			return Request{}, errs.Conflictf("您已预约过这个时段", "she has already booked this slot")
		}
		if !db.IsUnique(err) {
			if err != nil {
				return Request{}, err
			}
			if n.FromTicket != "" {
				// The ticket's own log names the request: a note by its
				// ordinary actions, where the ticket takes one.
				_ = s.tickets.Note(ctx, u, n.FromTicket, fmt.Sprintf("已转为服务申请 %s", number))
			}
			return s.Get(ctx, u, number)
		}
	}
	return Request{}, errs.Conflictf("服务申请编号冲突，请重试", "request number taken; try again")
}

var errSlotTaken = errors.New("slot booked by her")

func (s *Service) insert(ctx context.Context, tx *sql.Tx, u auth.User, n NewRequest, phone, onBehalf string) (string, error) {
	now := s.clock.Now()
	var open int
	if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM service_requests WHERE phone = $1 AND status IN ($2, $3)`,
		phone, string(StatusRequested), string(StatusConfirmed)).Scan(&open); err != nil {
		return "", errs.Wrap(err, "count open requests")
	}
	if open >= MaxOpenRequests {
		return "", errs.Conflictf("每位居民同时最多有%d项未完成的服务预约，请待其完成或取消后再预约", "a resident has at most %d service requests under way; book more when one is done or cancelled", MaxOpenRequests)
	}
	o, err := s.offerQ(ctx, tx, n.ServiceID)
	if err != nil {
		return "", err
	}
	if !o.Shown {
		return "", errs.Conflictf("该服务暂停接受预约", "the service is not taking requests")
	}
	area, err := gov.AreaQ(ctx, tx, n.AreaCode)
	if errs.Is(err, errs.NotFound) {
		return "", errs.Invalidf("区划 %s 不存在", "area %s does not exist", n.AreaCode)
	}
	if err != nil {
		return "", err
	}
	// A courtyard or a grid counts for its community: the figures are the
	// communities'.
	for (area.Level == gov.LevelCourtyard || area.Level == gov.LevelGrid) && area.ParentCode != "" {
		if area, err = gov.AreaQ(ctx, tx, area.ParentCode); err != nil {
			return "", err
		}
	}
	due := s.cal.AddWorkingDays(now, s.confirmDays)
	expires := s.cal.AddWorkingDays(now, ExpireAfterDays)
	slotStart, err := s.takePlace(ctx, tx, o, n.SlotID, phone, now)
	if err != nil {
		return "", err
	}
	if slotStart > 0 {
		if st := s.at(slotStart); st.Before(expires) {
			expires = st
		}
		if st := s.at(slotStart); st.Before(due) {
			due = st
		}
	}
	number, err := db.NextDayNumber(ctx, tx, "service_requests", "number", "FW", now.In(s.loc), [2]string{"服务申请", "service requests"})
	if err != nil {
		return "", err
	}
	_, err = tx.ExecContext(ctx, `INSERT INTO service_requests (number, service_id, org_code, category, slot_id, area_code, phone, name, note, on_behalf_of, status,
due_at, expires_at, from_ticket, created_by, created_at, updated_at)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $16)`,
		number, o.ID, o.OrgCode, string(o.Category), n.SlotID, area.Code, phone, n.Name, n.Note, onBehalf, string(StatusRequested),
		db.Millis(due), db.Millis(expires), n.FromTicket, u.ID, db.Millis(now))
	if err != nil {
		return "", errs.Wrap(db.MapError(err), "insert request")
	}
	detail := map[string]any{"service_id": o.ID, "slot_id": n.SlotID, "area_code": area.Code, "due_at": due, "from_ticket": n.FromTicket}
	if err := s.event(ctx, tx, number, u, onBehalf, "create", detail, now); err != nil {
		return "", err
	}
	when := ""
	if slotStart > 0 {
		when = "，时段 " + s.at(slotStart).Format("01-02 15:04")
	}
	return number, s.notify(ctx, tx, now, "", o.OrgCode, fmt.Sprintf("新的服务申请 %s：%s（%s%s），请于%s前确认或婉拒。", number, o.Name, area.Name, when, due.In(s.loc).Format("01-02 15:04")))
}

// takePlace takes a place in the slot for the phone, in one conditional
// update of its count, and returns when the slot starts; a service that has
// open slots is booked by one, one without by none (0).
func (s *Service) takePlace(ctx context.Context, tx *sql.Tx, o Offer, slotID, phone string, now time.Time) (int64, error) {
	if slotID == "" {
		var k int
		if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM service_slots WHERE service_id = $1 AND starts_at > $2`, o.ID, db.Millis(now)).Scan(&k); err != nil {
			return 0, errs.Wrap(err, "count slots")
		}
		if k > 0 {
			return 0, errs.Invalidf("该服务需预约时段，请选择一个时段", "the service is booked by slot: choose one")
		}
		return 0, nil
	}
	var sid string
	var start int64
	err := tx.QueryRowContext(ctx, `SELECT service_id, starts_at FROM service_slots WHERE id = $1`, slotID).Scan(&sid, &start)
	if errors.Is(err, sql.ErrNoRows) || (err == nil && sid != o.ID) {
		return 0, errNoSlot
	}
	if err != nil {
		return 0, errs.Wrap(err, "read slot")
	}
	if start <= db.Millis(now) {
		return 0, errs.Conflictf("该时段已开始，不能再预约", "the slot has begun")
	}
	var dup int
	if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM service_requests WHERE slot_id = $1 AND phone = $2 AND status IN ('requested', 'confirmed')`, slotID, phone).Scan(&dup); err != nil {
		return 0, errs.Wrap(err, "her bookings")
	}
	if dup > 0 {
		return 0, errSlotTaken
	}
	// The place: taken only while one is free, in one statement.
	x, err := tx.ExecContext(ctx, `UPDATE service_slots SET booked = booked + 1 WHERE id = $1 AND booked < capacity`, slotID)
	if err != nil {
		return 0, errs.Wrap(err, "take place")
	}
	if k, _ := x.RowsAffected(); k == 0 {
		return 0, errs.Conflictf("该时段已约满", "the slot is full")
	}
	return start, nil
}

const reqCols = `r.number, r.service_id, s.name, r.org_code, o.name, r.category, r.slot_id, sl.starts_at, sl.ends_at, r.area_code, a.name, r.phone, r.name, r.note,
r.on_behalf_of, r.status, r.due_at, r.confirmed_at, r.declined_at, r.decline_reason, r.resident_done_at, r.provider_done_at, r.done_at, r.rating, r.rating_text,
r.from_ticket, r.complaint_ticket, r.created_at, r.updated_at, r.expires_at`

const reqFrom = ` FROM service_requests r JOIN services s ON s.id = r.service_id JOIN orgs o ON o.code = r.org_code JOIN areas a ON a.code = r.area_code
LEFT JOIN service_slots sl ON sl.id = r.slot_id`

// stored is a request as stored, before the reader's view.
type stored struct {
	Request
	onBehalf  string
	expiresAt time.Time
}

func (s *Service) scan(sc interface{ Scan(...any) error }) (stored, error) {
	var x stored
	var st, en, conf, decl, rdone, pdone, done sql.NullInt64
	var due, created, updated, expires int64
	err := sc.Scan(&x.Number, &x.ServiceID, &x.ServiceName, &x.OrgCode, &x.ProviderName, &x.Category, &x.SlotID, &st, &en, &x.AreaCode, &x.AreaName,
		&x.phone, &x.Name, &x.Note, &x.onBehalf, &x.Status, &due, &conf, &decl, &x.DeclineReason, &rdone, &pdone, &done, &x.Rating, &x.RatingText,
		&x.FromTicket, &x.ComplaintTicket, &created, &updated, &expires)
	if err != nil {
		return x, err
	}
	x.SlotStartsAt, x.SlotEndsAt = s.opt(st), s.opt(en)
	x.DueAt, x.CreatedAt, x.UpdatedAt, x.expiresAt = s.at(due), s.at(created), s.at(updated), s.at(expires)
	x.ConfirmedAt, x.DeclinedAt, x.ResidentDoneAt, x.ProviderDoneAt, x.DoneAt = s.opt(conf), s.opt(decl), s.opt(rdone), s.opt(pdone), s.opt(done)
	x.OnBehalf = x.onBehalf != ""
	x.Overdue = x.Status == StatusRequested && s.clock.Now().After(x.DueAt)
	return x, nil
}

// view is the request as u may read it.
func (s *Service) view(u auth.User, x stored) Request {
	r := x.Request
	r.Phone = r.phone
	if r.ComplaintTicket == complaintClaimed {
		r.ComplaintTicket = ""
	}
	if !SeesContact(u, r) {
		r.Phone, r.Name = auth.MaskPhone(r.phone), auth.MaskName(r.Name)
		r.Note = privacy.Mask(r.Note)
	}
	r.CanAnswer = CanAnswer(u, r.OrgCode)
	r.CanResident, _ = ResidentSide(u, r)
	return r
}

func (s *Service) lock(ctx context.Context, tx *sql.Tx, number string) (stored, error) {
	if !ValidNumber(number) {
		return stored{}, errNotFound
	}
	q := `SELECT ` + reqCols + reqFrom + ` WHERE r.number = $1`
	if s.db.Engine == db.Postgres {
		q += ` FOR UPDATE OF r`
	}
	x, err := s.scan(tx.QueryRowContext(ctx, q, number))
	if errors.Is(err, sql.ErrNoRows) {
		return stored{}, errNotFound
	}
	return x, errs.Wrap(err, "lock request")
}

// Get returns a request as u may read it.
func (s *Service) Get(ctx context.Context, u auth.User, number string) (Request, error) {
	if !ValidNumber(number) {
		return Request{}, errNotFound
	}
	x, err := s.scan(s.db.R.QueryRowContext(ctx, `SELECT `+reqCols+reqFrom+` WHERE r.number = $1`, number))
	if errors.Is(err, sql.ErrNoRows) {
		return Request{}, errNotFound
	}
	if err != nil {
		return Request{}, errs.Wrap(err, "read request")
	}
	if !CanSee(u, x.Request) {
		return Request{}, errNotFound
	}
	return s.view(u, x), nil
}

// step changes a request in one transaction: check says whether u may and
// the status allows, apply writes the change and returns the event's kind
// and detail.
func (s *Service) step(ctx context.Context, u auth.User, number string, apply func(tx *sql.Tx, x stored, now time.Time) (kind, onBehalf string, detail map[string]any, err error)) (Request, error) {
	err := s.db.Tx(ctx, func(tx *sql.Tx) error {
		x, err := s.lock(ctx, tx, number)
		if err != nil {
			return err
		}
		if !CanSee(u, x.Request) {
			return errNotFound
		}
		now := s.clock.Now()
		kind, onBehalf, detail, err := apply(tx, x, now)
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE service_requests SET updated_at = $2 WHERE number = $1`, number, db.Millis(now)); err != nil {
			return errs.Wrap(err, "touch request")
		}
		return s.event(ctx, tx, number, u, onBehalf, kind, detail, now)
	})
	if err != nil {
		return Request{}, err
	}
	return s.Get(ctx, u, number)
}
