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
	var slotStart int64
	if n.SlotID != "" {
		var sid string
		err := tx.QueryRowContext(ctx, `SELECT service_id, starts_at FROM service_slots WHERE id = $1`, n.SlotID).Scan(&sid, &slotStart)
		if errors.Is(err, sql.ErrNoRows) || (err == nil && sid != o.ID) {
			return "", errNoSlot
		}
		if err != nil {
			return "", errs.Wrap(err, "read slot")
		}
		if slotStart <= db.Millis(now) {
			return "", errs.Conflictf("该时段已开始，不能再预约", "the slot has begun")
		}
		var dup int
		if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM service_requests WHERE slot_id = $1 AND phone = $2 AND status IN ('requested', 'confirmed')`, n.SlotID, phone).Scan(&dup); err != nil {
			return "", errs.Wrap(err, "her bookings")
		}
		if dup > 0 {
			return "", errSlotTaken
		}
		// The place: taken only while one is free, in one statement.
		x, err := tx.ExecContext(ctx, `UPDATE service_slots SET booked = booked + 1 WHERE id = $1 AND booked < capacity`, n.SlotID)
		if err != nil {
			return "", errs.Wrap(err, "take place")
		}
		if k, _ := x.RowsAffected(); k == 0 {
			return "", errs.Conflictf("该时段已约满", "the slot is full")
		}
		if st := s.at(slotStart); st.Before(expires) {
			expires = st
		}
		if st := s.at(slotStart); st.Before(due) {
			due = st
		}
	} else {
		var k int
		if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM service_slots WHERE service_id = $1 AND starts_at > $2`, o.ID, db.Millis(now)).Scan(&k); err != nil {
			return "", errs.Wrap(err, "count slots")
		}
		if k > 0 {
			return "", errs.Invalidf("该服务需预约时段，请选择一个时段", "the service is booked by slot: choose one")
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

// release gives the request's place in its slot back.
func release(ctx context.Context, tx *sql.Tx, x stored) error {
	if x.SlotID == "" {
		return nil
	}
	_, err := tx.ExecContext(ctx, `UPDATE service_slots SET booked = booked - 1 WHERE id = $1 AND booked > 0`, x.SlotID)
	return errs.Wrap(err, "release place")
}

// Confirm accepts the request for the provider; the resident is told.
func (s *Service) Confirm(ctx context.Context, u auth.User, number string) (Request, error) {
	return s.step(ctx, u, number, func(tx *sql.Tx, x stored, now time.Time) (string, string, map[string]any, error) {
		if !CanAnswer(u, x.OrgCode) {
			return "", "", nil, errForbiddenAnswer
		}
		if x.Status != StatusRequested {
			return "", "", nil, errState(x.Status)
		}
		if _, err := tx.ExecContext(ctx, `UPDATE service_requests SET status = 'confirmed', confirmed_at = $2, answered_by = $3 WHERE number = $1`, x.Number, db.Millis(now), u.ID); err != nil {
			return "", "", nil, errs.Wrap(err, "confirm")
		}
		late := now.After(x.DueAt)
		return "confirm", "", map[string]any{"late": late}, s.notify(ctx, tx, now, x.phone, "", fmt.Sprintf("您的服务申请 %s（%s · %s）已确认。", x.Number, x.ProviderName, x.ServiceName))
	})
}

// Decline refuses the request for the provider, with the reason the
// resident is told; its place is given back.
func (s *Service) Decline(ctx context.Context, u auth.User, number, reason string) (Request, error) {
	if err := text(&reason, MaxReason, false, "婉拒理由", "the reason"); err != nil {
		return Request{}, err
	}
	return s.step(ctx, u, number, func(tx *sql.Tx, x stored, now time.Time) (string, string, map[string]any, error) {
		if !CanAnswer(u, x.OrgCode) {
			return "", "", nil, errForbiddenAnswer
		}
		if x.Status != StatusRequested && x.Status != StatusConfirmed {
			return "", "", nil, errState(x.Status)
		}
		if _, err := tx.ExecContext(ctx, `UPDATE service_requests SET status = 'declined', declined_at = $2, decline_reason = $3, answered_by = $4, closed_at = $2 WHERE number = $1`,
			x.Number, db.Millis(now), reason, u.ID); err != nil {
			return "", "", nil, errs.Wrap(err, "decline")
		}
		if err := release(ctx, tx, x); err != nil {
			return "", "", nil, err
		}
		return "decline", "", map[string]any{"reason": reason}, s.notify(ctx, tx, now, x.phone, "", fmt.Sprintf("很抱歉，您的服务申请 %s（%s）未能安排：%s", x.Number, x.ServiceName, reason))
	})
}

// Cancel withdraws the request on the resident's side before it is done;
// its place is given back and the provider told.
func (s *Service) Cancel(ctx context.Context, u auth.User, number string) (Request, error) {
	return s.step(ctx, u, number, func(tx *sql.Tx, x stored, now time.Time) (string, string, map[string]any, error) {
		ok, proxy := ResidentSide(u, x.Request)
		if !ok {
			return "", "", nil, errs.ErrForbidden
		}
		if !x.Status.Open() {
			return "", "", nil, errState(x.Status)
		}
		if _, err := tx.ExecContext(ctx, `UPDATE service_requests SET status = 'cancelled', closed_at = $2 WHERE number = $1`, x.Number, db.Millis(now)); err != nil {
			return "", "", nil, errs.Wrap(err, "cancel")
		}
		if err := release(ctx, tx, x); err != nil {
			return "", "", nil, err
		}
		return "cancel", behalf(proxy, x), nil, s.notify(ctx, tx, now, "", x.OrgCode, fmt.Sprintf("服务申请 %s（%s）已由居民取消。", x.Number, x.ServiceName))
	})
}

func behalf(proxy bool, x stored) string {
	if proxy {
		return x.phone
	}
	return ""
}

// Complete confirms the completion on u's side: the provider's or the
// resident's. Once both have, the request is done and she may rate it.
func (s *Service) Complete(ctx context.Context, u auth.User, number string) (Request, error) {
	return s.step(ctx, u, number, func(tx *sql.Tx, x stored, now time.Time) (string, string, map[string]any, error) {
		if x.Status != StatusConfirmed {
			return "", "", nil, errState(x.Status)
		}
		resident, proxy := ResidentSide(u, x.Request)
		provider := CanAnswer(u, x.OrgCode)
		side := ""
		switch {
		case provider && x.ProviderDoneAt == nil && !(resident && !proxy):
			side = "provider"
			x.ProviderDoneAt = &now
		case resident && x.ResidentDoneAt == nil:
			side = "resident"
			x.ResidentDoneAt = &now
		case provider || resident:
			return "", "", nil, errs.Conflictf("您这一方已确认完成，等待另一方确认", "your side has confirmed; waiting for the other")
		default:
			return "", "", nil, errs.ErrForbidden
		}
		col := side + "_done_at"
		if _, err := tx.ExecContext(ctx, `UPDATE service_requests SET `+col+` = $2 WHERE number = $1`, x.Number, db.Millis(now)); err != nil {
			return "", "", nil, errs.Wrap(err, "complete")
		}
		onBehalf := ""
		if side == "resident" {
			onBehalf = behalf(proxy, x)
		}
		if x.ProviderDoneAt != nil && x.ResidentDoneAt != nil {
			if _, err := tx.ExecContext(ctx, `UPDATE service_requests SET status = 'done', done_at = $2, closed_at = $2 WHERE number = $1`, x.Number, db.Millis(now)); err != nil {
				return "", "", nil, errs.Wrap(err, "done")
			}
			if err := s.notify(ctx, tx, now, x.phone, "", fmt.Sprintf("服务申请 %s（%s）已完成，欢迎评价。", x.Number, x.ServiceName)); err != nil {
				return "", "", nil, err
			}
		} else if side == "provider" {
			if err := s.notify(ctx, tx, now, x.phone, "", fmt.Sprintf("%s 已确认服务 %s 完成，请您确认。", x.ProviderName, x.Number)); err != nil {
				return "", "", nil, err
			}
		} else if err := s.notify(ctx, tx, now, "", x.OrgCode, fmt.Sprintf("居民已确认服务申请 %s 完成，请机构确认。", x.Number)); err != nil {
			return "", "", nil, err
		}
		return "complete", onBehalf, map[string]any{"side": side}, nil
	})
}

// Rate records the resident's rating (1–5) and her words, once, on a done
// request.
func (s *Service) Rate(ctx context.Context, u auth.User, number string, stars int, words string) (Request, error) {
	if stars < 1 || stars > 5 {
		return Request{}, errs.Invalidf("评分须为1到5星", "the rating must be 1 to 5")
	}
	if err := text(&words, MaxRatingText, true, "评价", "the words"); err != nil {
		return Request{}, err
	}
	return s.step(ctx, u, number, func(tx *sql.Tx, x stored, now time.Time) (string, string, map[string]any, error) {
		ok, proxy := ResidentSide(u, x.Request)
		if !ok {
			return "", "", nil, errs.ErrForbidden
		}
		if x.Status != StatusDone {
			return "", "", nil, errState(x.Status)
		}
		if x.Rating != 0 {
			return "", "", nil, errs.Conflictf("已评价过", "already rated")
		}
		if _, err := tx.ExecContext(ctx, `UPDATE service_requests SET rating = $2, rating_text = $3, rated_at = $4 WHERE number = $1`, x.Number, stars, words, db.Millis(now)); err != nil {
			return "", "", nil, errs.Wrap(err, "rate")
		}
		return "rate", behalf(proxy, x), map[string]any{"rating": stars, "text": words}, s.notify(ctx, tx, now, "", x.OrgCode, fmt.Sprintf("服务申请 %s 收到评价：%d星。", x.Number, stars))
	})
}

// Complain makes the resident's complaint about the provider a ticket for
// her community, reported as her, and keeps its number on the request. One
// complaint per request.
func (s *Service) Complain(ctx context.Context, u auth.User, number, words string) (Request, error) {
	if s.tickets == nil {
		return Request{}, errNoTickets
	}
	if err := text(&words, MaxComplaint, false, "投诉内容", "the complaint"); err != nil {
		return Request{}, err
	}
	r, err := s.Get(ctx, u, number)
	if err != nil {
		return Request{}, err
	}
	ok, proxy := ResidentSide(u, r)
	if !ok {
		return Request{}, errs.ErrForbidden
	}
	if r.Status == StatusRequested {
		return Request{}, errs.Conflictf("机构尚未答复，暂不能投诉；可先取消申请", "the provider has not answered yet; you may cancel instead")
	}
	if r.ComplaintTicket != "" {
		return Request{}, errs.Conflictf("已就此申请投诉过，工单 %s", "already complained: ticket %s", r.ComplaintTicket)
	}
	var phone string
	if err := s.db.R.QueryRowContext(ctx, `SELECT phone FROM service_requests WHERE number = $1`, number).Scan(&phone); err != nil {
		return Request{}, errs.Wrap(err, "her phone")
	}
	resident := u
	if proxy {
		resident = auth.User{Role: auth.RoleResident, Phone: phone}
	}
	desc := fmt.Sprintf("对服务机构「%s」的投诉（服务申请 %s，%s）：%s", r.ProviderName, r.Number, r.ServiceName, words)
	ticketNo, err := s.tickets.Complain(ctx, resident, r.AreaCode, desc)
	if err != nil {
		return Request{}, err
	}
	return s.step(ctx, u, number, func(tx *sql.Tx, x stored, now time.Time) (string, string, map[string]any, error) {
		if x.ComplaintTicket != "" {
			return "", "", nil, errs.Conflictf("已就此申请投诉过，工单 %s", "already complained: ticket %s", x.ComplaintTicket)
		}
		if _, err := tx.ExecContext(ctx, `UPDATE service_requests SET complaint_ticket = $2 WHERE number = $1`, x.Number, ticketNo); err != nil {
			return "", "", nil, errs.Wrap(err, "keep complaint")
		}
		return "complain", behalf(proxy, x), map[string]any{"ticket": ticketNo}, nil
	})
}
