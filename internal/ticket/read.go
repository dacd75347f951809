package ticket

import (
	"context"
	"database/sql"
	"encoding/base64"
	"strings"
	"time"

	"github.com/gongzhi/gongzhi/internal/auth"
	"github.com/gongzhi/gongzhi/internal/db"
	"github.com/gongzhi/gongzhi/internal/errs"
	"github.com/gongzhi/gongzhi/internal/gov"
)

// Get returns a ticket as u may see it: reporter details in full only where
// u's duty needs them, and every staff view of them written to the audit log.
func (s *Service) Get(ctx context.Context, u auth.User, number string) (Ticket, error) {
	t, err := s.viewable(ctx, u, number)
	if err != nil {
		return Ticket{}, err
	}
	if coReaderOnly(u, t) {
		return s.publicTicket(t), nil
	}
	if !u.Role.IsStaff() {
		staffNotesOut(&t)
	}
	if !seesReporter(u, t) {
		mask(&t)
		s.grantMask(u, &t)
		return t, nil
	}
	if u.Grant != nil {
		return t, s.auditGranted(ctx, u, &t)
	}
	if u.Role.IsStaff() && (t.ReporterName != "" || t.ReporterPhone != "") {
		if err := s.audit(ctx, u, t); err != nil {
			return Ticket{}, err
		}
	}
	return t, nil
}

// auditGranted masks what the grant of u withholds and writes the read of
// what it shows to the audit log, naming the fields and her organisation.
func (s *Service) auditGranted(ctx context.Context, u auth.User, t *Ticket) error {
	has := map[string]bool{auth.FieldName: t.ReporterName != "", auth.FieldPhone: t.ReporterPhone != "", auth.FieldAddress: t.Address != ""}
	var read []string
	for _, f := range s.grantMask(u, t) {
		if has[f] {
			read = append(read, f)
		}
	}
	if len(read) == 0 {
		return nil
	}
	return s.auditor(ctx, u, auth.AuditViewPersonal, "ticket:"+t.Number, "org "+u.OrgCode+": "+strings.Join(read, ","))
}

// Visible returns the ticket if u may see it, with the reporter masked and
// nothing written to the audit log: for checks that show no personal data,
// such as serving a ticket's photos.
func (s *Service) Visible(ctx context.Context, u auth.User, number string) (Ticket, error) {
	t, err := s.viewable(ctx, u, number)
	if err == nil && coReaderOnly(u, t) {
		return s.publicTicket(t), nil
	}
	if err == nil && !isReporter(u, t) {
		mask(&t)
		s.grantMask(u, &t)
	}
	return t, err
}

// coReaderOnly reports whether u reads t only as one who joined it (我也遇到):
// she sees it as the public does, masked and with its place rounded, not
// as its reporter wrote it.
func coReaderOnly(u auth.User, t Ticket) bool {
	return u.Role == auth.RoleResident && !isReporter(u, t)
}

// viewable reads a ticket with its parts if u may see it at all.
func (s *Service) viewable(ctx context.Context, u auth.User, number string) (Ticket, error) {
	if !ValidNumber(number) {
		return Ticket{}, errNoTicket(number)
	}
	t, err := s.getFull(ctx, s.db.R, number)
	if err != nil {
		return Ticket{}, err
	}
	if !canView(u, t) {
		return Ticket{}, errNotYours(u, number)
	}
	return t, nil
}

func (s *Service) audit(ctx context.Context, u auth.User, t Ticket) error {
	detail := "reporter name and phone"
	if t.Confidential {
		detail = "confidential reporter name and phone"
	}
	return s.auditor(ctx, u, auth.AuditViewPersonal, "ticket:"+t.Number, detail)
}

// errNotYours is the error for a ticket u may not see: staff learn that it is
// outside their scope; anyone else learns nothing, not even that it exists.
func errNotYours(u auth.User, number string) error {
	if u.Grant != nil {
		return errs.New(errs.Forbidden, "该工单不在本单位服务协议的范围内", "this ticket is outside your organisation's agreement")
	}
	if u.Role.IsStaff() {
		return errs.New(errs.Forbidden, "该工单不在您的管辖范围内", "this ticket is outside your scope")
	}
	return errNoTicket(number)
}

func mask(t *Ticket) {
	t.ReporterName = auth.MaskName(t.ReporterName)
	t.ReporterPhone = auth.MaskPhone(t.ReporterPhone)
	if t.ReporterIDLast4 != "" {
		t.ReporterIDLast4 = "****"
	}
	t.ReporterMasked = true
}

// ValidNumber reports whether n has the shape of a ticket number.
func ValidNumber(n string) bool {
	if len(n) < 8 || len(n) > 32 {
		return false
	}
	for _, r := range n {
		if (r < '0' || r > '9') && (r < 'A' || r > 'Z') && r != '-' {
			return false
		}
	}
	return true
}

// Lookup finds a ticket by its number and the reporter's phone, for someone
// who is not logged in. A wrong phone looks exactly like a wrong number.
func (s *Service) Lookup(ctx context.Context, number, phone string) (Ticket, auth.User, error) {
	phone = auth.NormalizePhone(phone)
	number = strings.TrimSpace(number)
	if !ValidNumber(number) || !auth.ValidPhone(phone) {
		return Ticket{}, auth.User{}, errs.NotFoundf("未找到该工单，请核对编号和手机号", "no ticket with that number and phone")
	}
	t, err := s.get(ctx, s.db.R, number)
	if err != nil || t.ReporterPhone != phone {
		return Ticket{}, auth.User{}, errs.NotFoundf("未找到该工单，请核对编号和手机号", "no ticket with that number and phone")
	}
	// The guest proved the phone: she acts as the reporter for this ticket.
	staffNotesOut(&t)
	return t, auth.User{Role: auth.RoleResident, Phone: phone}, nil
}

// Events returns the ticket's timeline as u sees it (Timeline, for the
// audience u is), oldest first, if u may see the ticket.
func (s *Service) Events(ctx context.Context, u auth.User, number string) ([]Event, error) {
	t, err := s.Get(ctx, u, number)
	if err != nil {
		return nil, err
	}
	evs, err := s.events(ctx, s.db.R, number)
	if err != nil {
		return nil, err
	}
	return Timeline(evs, AudienceOf(u, t)), nil
}

// Filter narrows a ticket list. Every field narrows within the caller's
// scope (scopeConds); none widens it.
type Filter struct {
	// Q is free text (at most MaxQuery characters): a ticket number
	// (exact), a phone (full, or exactly four digits: the last four of the
	// reporter's phone), or words of the description and replies (every
	// term of textsearch.QueryTerms must occur).
	Q            string
	CategoryCode string // the category and every category under it
	Status       Status
	OrgCode      string
	AreaCode     string  // the area and everything under it
	Light        Light   // yellow: 75% of a running limit used; red: overdue; none: neither
	Channel      Channel // how the request came in
	// From and To bound the creation time: From <= created_at < To (To is
	// exclusive; for "to the 5th inclusive" pass the start of the 6th).
	// Zero means unbounded.
	From, To time.Time
	Overdue  bool   // only tickets past a running deadline
	Part     string // for handlers: "lead" (default), "helper" (co-handled), "summoned"
	// ReporterPhone narrows to one caller's tickets (see CallerHistory).
	ReporterPhone string
	Limit         int
	Cursor        string

	// ReporterName narrows a resident's list to one member of her family
	// who shares her phone (ReporterNames lists them); residents only.
	ReporterName string

	// RequesterKind narrows to residents' or enterprises' requests.
	RequesterKind RequesterKind
}

// Page is one page of a list; NextCursor is empty on the last page.
type Page struct {
	Items      []Ticket `json:"items"`
	NextCursor string   `json:"next_cursor"`
}

// Page sizes.
const (
	DefaultLimit = 20
	MaxLimit     = 100
)

func encodeCursor(number string) string { return base64.RawURLEncoding.EncodeToString([]byte(number)) }

func decodeCursor(c string) (string, error) {
	b, err := base64.RawURLEncoding.DecodeString(c)
	if err != nil || !ValidNumber(string(b)) {
		return "", errs.Invalidf("分页游标无效", "malformed cursor")
	}
	return string(b), nil
}

// List returns tickets u may see, newest first, reporters masked.
func (s *Service) List(ctx context.Context, u auth.User, f Filter) (Page, error) {
	qc, cols, err := s.listConds(ctx, u, f)
	if err != nil {
		return Page{}, err
	}
	if f.Limit == 0 {
		f.Limit = DefaultLimit
	}
	return s.listPage(ctx, u, &qc, cols, f.Limit)
}

// listConds checks f and builds the conditions of the tickets u may see
// that match it.
func (s *Service) listConds(ctx context.Context, u auth.User, f Filter) (db.Conds, listCols, error) {
	var qc db.Conds
	if err := checkFilter(&f); err != nil {
		return qc, listCols{}, err
	}
	if err := checkSearch(&f); err != nil {
		return qc, listCols{}, err
	}
	cols := s.listColumns(f)
	if err := scopeConds(&qc, u, &f, cols); err != nil {
		return qc, listCols{}, err
	}
	grantConds(&qc, u, cols)
	if err := filterConds(&qc, f, cols, db.Millis(s.clock.Now())); err != nil {
		return qc, listCols{}, err
	}
	if err := s.searchConds(ctx, &qc, &cols, u, f); err != nil {
		return qc, listCols{}, err
	}
	return qc, cols, nil
}

// checkFilter fills in the default limit and refuses a filter out of range.
func checkFilter(f *Filter) error {
	if f.Limit == 0 {
		f.Limit = DefaultLimit
	}
	if f.Limit < 1 || f.Limit > MaxLimit {
		return errs.Invalidf("每页条数须在1到%d之间", "limit must be between 1 and %d", MaxLimit)
	}
	if f.Status != "" && !validStatus(f.Status) {
		return errs.Invalidf("未知的状态：%q", "unknown status: %q", f.Status)
	}
	if f.OrgCode != "" && !gov.ValidCode(f.OrgCode) || f.AreaCode != "" && !gov.ValidCode(f.AreaCode) {
		return errs.Invalidf("组织或区划代码格式不正确", "malformed org_code or area_code")
	}
	if f.RequesterKind != "" && !validRequester(f.RequesterKind) {
		return errRequesterKind(f.RequesterKind)
	}
	return nil
}

// listCols are the columns a list filters and sorts by, as its SQL names them.
type listCols struct {
	from, area, org, order string
	// PostgreSQL's search by words (listWindowed): its terms, the keys of
	// the list's scope (scopeKeys) and the cursor's number.
	window      bool
	terms, keys []string
	cursor      string
}

// listColumns names the columns so that each engine walks the index it
// should. An area scope matches many tickets: newest first is a walk back
// along the ticket numbers, filtering by area. SQLite would rather sort the
// whole range of an area index (every ticket of a district, for its
// dispatcher); the unary + keeps it on the walk.
func (s *Service) listColumns(f Filter) listCols {
	c := listCols{from: "tickets", area: "area_code", org: "assigned_org_code", order: "number"}
	if s.db.Engine == db.Postgres && strings.TrimSpace(f.Q) != "" {
		// A search by q finds few tickets by its own index (a number, a
		// phone, its last four digits, the GIN index of words) and filters
		// them by area: an index of the area would only add a bitmap of
		// the district's every ticket (search_pg.go).
		c.area = "(area_code || '')"
	}
	if s.db.Engine == db.SQLite {
		c.area = "+area_code"
		// Few tickets are yellow or red: find them by their deadline (the
		// due_at and warn_at indexes) and sort those, rather than walk the
		// numbers or a unit's every ticket.
		if f.Overdue || f.Light == LightRed || f.Light == LightYellow {
			c.org, c.order = "+assigned_org_code", "+number"
		}
	}
	return c
}

// scopeConds limits a list to the tickets the user's role may list: the
// area of staff, the unit of a handler (its lead, helper or summoned part),
// a resident's own. A handler's org_code is her own unit's and is cleared.
func scopeConds(qc *db.Conds, u auth.User, f *Filter, c listCols) error {
	switch u.Role {
	case auth.RoleAdmin:
	case auth.RoleSupervisor, auth.RoleDispatcher, auth.RoleAgent, auth.RoleGridWorker:
		lo, hi := gov.UnderRange(u.AreaCode)
		if u.InArea("") {
			qc.Add("("+c.area+" = '' OR ("+c.area+" >= ? AND "+c.area+" < ?))", lo, hi)
		} else {
			qc.Add(c.area+" >= ? AND "+c.area+" < ?", lo, hi)
		}
	case auth.RoleHandler:
		if f.OrgCode != "" && f.OrgCode != u.OrgCode {
			return errs.New(errs.Forbidden, "只能查看本单位的工单", "you can only list your own unit's tickets")
		}
		switch f.Part {
		case "", "lead":
			qc.Add(c.org+" = ?", u.OrgCode)
		case "helper":
			qc.Add("number IN (SELECT ticket_number FROM ticket_helpers WHERE org_code = ?)", u.OrgCode)
		case "summoned":
			qc.Add("number IN (SELECT ticket_number FROM ticket_summons WHERE org_code = ?)", u.OrgCode)
		default:
			return errs.Invalidf("part 须为 lead、helper 或 summoned", "part must be lead, helper or summoned")
		}
		f.OrgCode = ""
	case auth.RoleResident:
		cond, args := reporterCond(u)
		if cond == "" {
			return errs.ErrUnauthorized
		}
		qc.Add(cond, args...)
		if runes(f.ReporterName) > MaxName {
			return errs.Invalidf("姓名不能超过%d字", "reporter_name must be at most %d characters", MaxName)
		}
		if f.ReporterName != "" {
			qc.Add("reporter_name = ?", f.ReporterName)
		}
	default:
		return errs.ErrForbidden
	}
	return nil
}

// filterConds adds the filter's own conditions: status, phone, light,
// overdue, unit, area and the cursor, with now (in milliseconds) for the
// lights.
func filterConds(qc *db.Conds, f Filter, c listCols, now int64) error {
	switch f.Status {
	case "":
	case StatusOpen:
		vals := make([]any, len(active))
		for i, st := range active {
			vals[i] = string(st)
		}
		qc.Add("status IN (?"+strings.Repeat(", ?", len(active)-1)+")", vals...)
	default:
		qc.Add("status = ?", string(f.Status))
	}
	if f.ReporterPhone != "" {
		qc.Add("reporter_phone = ?", f.ReporterPhone)
	}
	if f.RequesterKind != "" {
		qc.Add("requester_kind = ?", string(f.RequesterKind))
	}
	switch f.Light {
	case "":
	case LightNone:
		qc.Add("(due_at IS NULL OR (warn_at > ? AND due_at > ?))", now, now)
	case LightRed:
		qc.Add("due_at <= ?", now)
	case LightYellow:
		qc.Add("warn_at <= ? AND due_at > ?", now, now)
	default:
		return errs.Invalidf("light 须为 none、yellow 或 red", "light must be none, yellow or red")
	}
	if f.Overdue {
		qc.Add("due_at <= ?", now)
	}
	if f.OrgCode != "" {
		qc.Add(c.org+" = ?", f.OrgCode)
	}
	if f.AreaCode != "" {
		lo, hi := gov.UnderRange(f.AreaCode)
		qc.Add(c.area+" >= ? AND "+c.area+" < ?", lo, hi)
	}
	if f.Cursor != "" {
		after, err := decodeCursor(f.Cursor)
		if err != nil {
			return err
		}
		qc.Add("number < ?", after)
	}
	return nil
}

// listPage reads a page of at most limit tickets newest first, masked for
// all but their reporter, and the cursor of the next page if there is one.
func (s *Service) listPage(ctx context.Context, u auth.User, qc *db.Conds, cols listCols, limit int) (Page, error) {
	if cols.window {
		return s.listWindowed(ctx, u, qc, cols, limit)
	}
	q := `SELECT ` + ticketCols + ` FROM ` + cols.from
	if len(qc.Where) > 0 {
		q += ` WHERE ` + qc.And()
	}
	q += ` ORDER BY ` + cols.order + ` DESC LIMIT ` + qc.Arg(limit+1)
	rows, err := s.db.Reader(ctx).QueryContext(ctx, q, qc.Args...)
	if err != nil {
		return Page{}, errs.Wrap(err, "list tickets")
	}
	defer rows.Close()
	return s.readPage(u, rows, limit)
}

// readPage reads the rows of a list query (limit+1 at most).
func (s *Service) readPage(u auth.User, rows *sql.Rows, limit int) (Page, error) {
	page := Page{Items: []Ticket{}}
	for rows.Next() {
		t, err := s.scanTicket(rows)
		if err != nil {
			return Page{}, errs.Wrap(err, "scan ticket")
		}
		if !isReporter(u, t) {
			mask(&t)
			s.grantMask(u, &t)
		}
		page.Items = append(page.Items, t)
	}
	if err := rows.Err(); err != nil {
		return Page{}, errs.Wrap(err, "list tickets")
	}
	if len(page.Items) > limit {
		page.Items = page.Items[:limit]
		page.NextCursor = encodeCursor(page.Items[limit-1].Number)
	}
	return page, nil
}

func validStatus(st Status) bool {
	if st == StatusOpen {
		return true
	}
	for _, x := range Statuses {
		if x == st {
			return true
		}
	}
	return false
}
