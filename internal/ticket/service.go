package ticket

import (
	"context"
	"database/sql"
	"log/slog"
	"sync/atomic"
	"time"
	"unicode/utf8"

	"github.com/gongzhi/gongzhi/internal/auth"
	"github.com/gongzhi/gongzhi/internal/calendar"
	"github.com/gongzhi/gongzhi/internal/clock"
	"github.com/gongzhi/gongzhi/internal/db"
	"github.com/gongzhi/gongzhi/internal/errs"
	"github.com/gongzhi/gongzhi/internal/gov"
	"github.com/gongzhi/gongzhi/internal/idem"
	"github.com/gongzhi/gongzhi/internal/privacy"
)

// Service runs the ticket loop.
type Service struct {
	db    *db.DB
	clock clock.Clock
	gov   *gov.Service
	log   *slog.Logger
	loc   *time.Location // business time zone: ticket numbers and shown times
	// months are the months whose partitions exist (PostgreSQL).
	months months

	numbers numberer
	refs    refCache
	search  searchState // search_pg.go
	// scoped: every entry of SQLite's text index holds its scopes' words
	// (search_scope.go).
	scoped atomic.Bool
	cal    *calendar.Calendar
	photos PhotoCounter
	sms    SMSSender
	// suggester proposes categories for a resident's words (suggest.go);
	// nil: KeywordSuggester.
	suggester CategorySuggester
	// observe is told what intake chose (intake.go); nil tells no one.
	observe func(Intake)
	auditFn func(ctx context.Context, u auth.User, action, object, detail string) error
	// tolerance is how far, in metres, a location staff give may lie
	// outside the boundary of their area (placeInScope).
	tolerance float64
	// publicPrecision is how coarse locations are in public views, in metres.
	publicPrecision float64
	// publicURL is the site's public address, for links in messages.
	publicURL string
	// duty finds the completion limit an agreement sets (duty.go); nil: none.
	duty DutyLimit
}

// SetAuditor sets how views of personal data are written to the audit log
// (the auth service's Audit, which groups concurrent entries in one commit).
func (s *Service) SetAuditor(f func(ctx context.Context, u auth.User, action, object, detail string) error) {
	s.auditFn = f
}

// auditor writes an audit entry, by the auditor set or in a transaction of its own.
func (s *Service) auditor(ctx context.Context, u auth.User, action, object, detail string) error {
	if s.auditFn != nil {
		return s.auditFn(ctx, u, action, object, detail)
	}
	return s.db.Tx(ctx, func(tx *sql.Tx) error { return auth.AuditTx(ctx, tx, s.clock.Now(), u, action, object, detail) })
}

// PhotoCounter counts a ticket's photos of a purpose (report, before, after,
// reply) inside a transaction; the attachment package provides it.
type PhotoCounter func(ctx context.Context, tx *sql.Tx, number, purpose string) (int, error)

// SetPhotoCounter lets actions that need photos (自办自结) count them.
func (s *Service) SetPhotoCounter(f PhotoCounter) { s.photos = f }

// NewService returns the service; times are shown in Asia/Shanghai.
func NewService(d *db.DB, c clock.Clock, g *gov.Service, log *slog.Logger) *Service {
	if log == nil {
		log = slog.Default()
	}
	return &Service{db: d, clock: c, gov: g, log: log, loc: clock.BusinessZone(), cal: calendar.Default(),
		tolerance: gov.DefaultBoundaryTolerance, publicPrecision: privacy.DefaultPrecision}
}

// SetBoundaryTolerance sets how far, in metres, a location staff give may lie
// outside the boundary of their area and still count as in it.
func (s *Service) SetBoundaryTolerance(metres float64) { s.tolerance = metres }

// SetCalendar replaces the working-day calendar (with imported years, or
// other working hours). Call it before serving.
func (s *Service) SetCalendar(cal *calendar.Calendar) { s.cal = cal }

// Calendar is the working-day calendar deadlines are counted on.
func (s *Service) Calendar() *calendar.Calendar { return s.cal }

// Location is the business time zone.
func (s *Service) Location() *time.Location { return s.loc }

func validKind(k Kind) bool {
	for _, x := range Kinds {
		if x == k {
			return true
		}
	}
	return false
}

func validChannel(c Channel) bool {
	for _, x := range Channels {
		if x == c {
			return true
		}
	}
	return false
}

// residentChannels are the channels a resident (or anyone not logged in) may name.
var residentChannels = map[Channel]bool{ChannelWeb: true, ChannelApp: true, ChannelSnapshot: true, ChannelMailbox: true}

// DefaultChannel is the channel of a submission that names none, and the
// one the staff's form proposes.
func DefaultChannel(actor *auth.User) Channel {
	if actor == nil {
		return ChannelWeb
	}
	switch actor.Role {
	case auth.RoleAgent:
		return ChannelHotline
	case auth.RoleGridWorker:
		return ChannelGrid
	case auth.RoleResident:
		return ChannelWeb
	}
	return ChannelProxy
}

func runes(s string) int { return utf8.RuneCountInString(s) }

// check validates a submission and fills in its defaults; actor is nil for
// someone not logged in. It returns the first problem (checkAll finds all).
func (in *NewTicket) check(actor *auth.User) error {
	return in.checkAll(actor).Err()
}

// CheckNew reports whether Create would accept the submission, without
// writing anything: the surfaces count a resident's submissions only once
// they are known to be valid. It returns the first problem; Validate
// returns them all.
func (s *Service) CheckNew(ctx context.Context, actor *auth.User, in NewTicket) error {
	return s.Validate(ctx, actor, in).Err()
}

// checkRefs checks what a checked submission names: its category (none
// for a resident who leaves it to the staff), its area, and that staff
// register it in their own area (fileInScope).
func (s *Service) checkRefs(ctx context.Context, actor *auth.User, in NewTicket) error {
	if err := s.checkCategory(ctx, in.CategoryCode); err != nil {
		return err
	}
	if err := s.checkArea(ctx, in.AreaCode); err != nil {
		return err
	}
	return fileInScope(actor, in.AreaCode)
}

// checkCategory checks that a category named exists and is in use.
func (s *Service) checkCategory(ctx context.Context, code string) error {
	if code == "" {
		return nil
	}
	cat, err := s.category(ctx, code)
	if err != nil {
		return errs.Invalidf("诉求分类 %s 不存在", "unknown category %s", code)
	}
	if !cat.Active {
		return errs.Invalidf("诉求分类 %s 已停用", "category %s is no longer in use", code)
	}
	return nil
}

// checkArea checks that an area named exists.
func (s *Service) checkArea(ctx context.Context, code string) error {
	if code == "" {
		return nil
	}
	if ok, err := s.areaExists(ctx, code); err != nil {
		return err
	} else if !ok {
		return errs.Invalidf("区划 %s 不存在", "unknown area %s", code)
	}
	return nil
}

// Create registers a request and dispatches it by the catalogue when a rule
// applies; otherwise it waits in the dispatchers' queue. actor is nil for
// someone not logged in.
func (s *Service) Create(ctx context.Context, actor *auth.User, in NewTicket) (Ticket, error) {
	return s.create(ctx, actor, in, nil)
}

// create is Create; src, when not nil, is the other system's record the
// ticket comes from, kept in ticket_sources in the ticket's transaction (see
// CreateFromSource).
func (s *Service) create(ctx context.Context, actor *auth.User, in NewTicket, src *sourceRef) (Ticket, error) {
	if err := in.check(actor); err != nil {
		return Ticket{}, err
	}
	if actor != nil && actor.Role != auth.RoleResident && !CanCreate(*actor) {
		return Ticket{}, errs.ErrForbidden
	}
	if err := s.placeGiven(ctx, in); err != nil {
		return Ticket{}, err
	}
	// Before the shared transaction: it reads a boundary, which can take a
	// while, and a refused request should not use up a number.
	if err := s.placeFromPoint(ctx, actor, &in); err != nil {
		return Ticket{}, err
	}
	if err := s.placeInScope(ctx, actor, in); err != nil {
		return Ticket{}, err
	}
	now := s.clock.Now()
	number, err := s.numbers.take(ctx, s.db, now.In(s.loc))
	if err != nil {
		return Ticket{}, err
	}
	if err := s.ensureMonths(ctx, false, number); err != nil {
		return Ticket{}, err
	}
	var created *Ticket
	err = s.db.GroupTx(ctx, func(ctx context.Context, tx *sql.Tx) error {
		created = nil
		// A retried submission returns the ticket its first run made.
		if existing, err := idem.ClaimTx(ctx, tx, now, number); err != nil || existing != "" {
			number = existing
			return err
		}
		if src != nil {
			if existing, err := sourcedQ(ctx, tx, src.source, src.externalID); err != nil || existing != "" {
				number = existing
				return err
			}
		}
		if err := s.checkRefs(ctx, actor, in); err != nil {
			return err
		}
		t, err := s.insertNew(ctx, tx, actor, newRow(actor, in, number, now), now)
		if err != nil {
			return err
		}
		if src != nil {
			if err := src.insert(ctx, tx, number, now); err != nil {
				return err
			}
		}
		created = &t
		return nil
	})
	if err != nil {
		return Ticket{}, err
	}
	if created != nil {
		// What was written, as a read would return it.
		t := s.settled(*created)
		s.observeCreated(t)
		return t, nil
	}
	// A retry: the reader pool sees the first run's ticket.
	return s.get(ctx, s.db.R, number)
}

// newRow is the row of a new ticket as it is registered.
func newRow(actor *auth.User, in NewTicket, number string, now time.Time) Ticket {
	t := Ticket{Number: number, Kind: in.Kind, Status: StatusRegistered, CategoryCode: in.CategoryCode, AreaCode: in.AreaCode,
		Description: in.Description, Address: in.Address, Lat: in.Lat, Lng: in.Lng, Channel: in.Channel, Urgency: in.Urgency,
		Confidential: in.Confidential, ReporterName: in.ReporterName, ReporterPhone: in.ReporterPhone, ReporterIDLast4: in.ReporterIDLast4,
		RequesterKind: in.RequesterKind, CreditCode: in.CreditCode,
		CreatedAt: now, UpdatedAt: now, Version: 1}
	if actor != nil {
		t.CreatedBy = actor.ID
		if actor.Role == auth.RoleResident {
			t.ReporterUserID = actor.ID
		}
	}
	return t
}

// insertNew writes a new ticket in tx with its clocks started, dispatched
// by the catalogue when a rule applies, with its events and the messages it
// sends, and returns it as written.
func (s *Service) insertNew(ctx context.Context, tx *sql.Tx, actor *auth.User, t Ticket, now time.Time) (Ticket, error) {
	lim, err := s.limitsFor(ctx, t.CategoryCode, t.Kind, t.Urgency)
	if err != nil {
		return Ticket{}, err
	}
	s.startContact(&t, lim, now)
	refreshClocks(&t)
	// Dispatch by the catalogue before the first write, so a new ticket
	// costs one insert and its events.
	org, err := s.firstRoute(ctx, t)
	if err != nil {
		return Ticket{}, err
	}
	// The ticket, its events and the unit's notification travel together
	// (one round trip on PostgreSQL).
	var b db.Batch
	var dispatched *change
	if org != "" {
		dispatched = &change{s: s, tx: tx, now: now, before: t, t: t, action: ActionDispatch, note: "按派单目录自动派单 / dispatched by the catalogue", batch: &b}
		if err := s.dispatchTo(ctx, dispatched, org); err != nil {
			return Ticket{}, err
		}
		refreshClocks(&dispatched.t)
		dispatched.t.Version = t.Version + 1
		t = dispatched.t
	}
	s.insertTicket(&b, t)
	b.Add(insertEventSQL, eventArgs(t.Number, eventFor(actor, 1, now, ActionCreate, "", StatusRegistered, "", createNote(actor, t)))...)
	if dispatched != nil {
		b.Add(insertEventSQL, eventArgs(t.Number, eventFor(nil, 2, now, ActionDispatch, StatusRegistered, StatusDispatched, org, dispatched.note))...)
	}
	if n, ok := s.filedNotice(ctx, t); ok {
		b.Add(insertNotificationSQL, notificationArgs(now, n)...)
	}
	askToClassify(&b, now, t)
	err = s.db.ExecBatch(ctx, tx, &b)
	if db.IsUnique(err) {
		return Ticket{}, errs.Conflictf("工单编号重复", "duplicate ticket number")
	}
	if err != nil {
		return Ticket{}, errs.Wrap(err, "insert ticket")
	}
	return t, nil
}

// firstRoute returns the unit the catalogue names for a new ticket; none
// for one its reporter left unclassified, which waits for a dispatcher.
func (s *Service) firstRoute(ctx context.Context, t Ticket) (string, error) {
	if t.CategoryCode == "" {
		return "", nil
	}
	return s.matchRule(ctx, t.CategoryCode, t.AreaCode)
}

// askToClassify tells the dispatchers of its area about a new ticket with
// no category.
func askToClassify(b *db.Batch, now time.Time, t Ticket) {
	if t.CategoryCode == "" {
		b.Add(insertNotificationSQL, notificationArgs(now, Notification{Role: string(auth.RoleDispatcher), AreaCode: t.AreaCode,
			TicketNumber: t.Number, Kind: "classify", Text: "居民未选分类的新诉求，请分类后派单"})...)
	}
}

// settled returns t as a read returns it: times as stored (whole
// milliseconds, in the service's time zone) and the light worked out.
func (s *Service) settled(t Ticket) Ticket {
	ms := func(v time.Time) time.Time { return time.UnixMilli(v.UnixMilli()).In(s.loc) }
	t.CreatedAt, t.UpdatedAt = ms(t.CreatedAt), ms(t.UpdatedAt)
	for _, p := range []**time.Time{&t.DispatchedAt, &t.SignedAt, &t.ContactedAt, &t.RepliedAt, &t.ClosedAt,
		&t.DueSignAt, &t.DueContactAt, &t.DueCompleteAt, &t.WarnAt, &t.DueAt, &t.ExtensionUntil,
		&t.warnSignAt, &t.warnContactAt, &t.warnCompleteAt} {
		if *p != nil {
			v := ms(**p)
			*p = &v
		}
	}
	t.Light = lightAt(t, s.clock.Now())
	return t
}

// eventFor describes who did something: the actor, or the system when nil.
func eventFor(actor *auth.User, seq int, at time.Time, action string, from, to Status, org, note string) Event {
	e := Event{Seq: seq, At: at, Action: action, FromStatus: from, ToStatus: to, OrgCode: org, Note: note}
	switch {
	case actor == nil && action == ActionCreate:
		e.Actor, e.ActorRole = "reporter", string(auth.RoleResident)
	case actor == nil:
		e.Actor, e.ActorRole = "system", "system"
	case actor.Role == auth.RoleResident:
		e.Actor, e.ActorRole = "reporter", string(auth.RoleResident)
	default:
		e.Actor, e.ActorRole = actor.Username, string(actor.Role)
	}
	if actor != nil {
		e.actorID = actor.ID
	}
	return e
}

func checkUpdated(res sql.Result, err error) error {
	if err != nil {
		return errs.Wrap(err, "update ticket")
	}
	if n, _ := res.RowsAffected(); n != 1 {
		return errs.Conflictf("工单已被他人更新，请刷新后重试", "the ticket was changed by someone else; reload and try again")
	}
	return nil
}

// SuggestOrg returns the organisation the catalogue names for a ticket, if any.
func (s *Service) SuggestOrg(ctx context.Context, categoryCode, areaCode string) (string, error) {
	return s.matchRule(ctx, categoryCode, areaCode)
}
