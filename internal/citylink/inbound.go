package citylink

import (
	"context"
	"database/sql"
	"encoding/json"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/gongzhi/gongzhi/internal/auth"
	"github.com/gongzhi/gongzhi/internal/db"
	"github.com/gongzhi/gongzhi/internal/errs"
	"github.com/gongzhi/gongzhi/internal/ticket"
)

// Request is a ticket an upper platform dispatches down, in GeoReport v2
// terms (POST requests): its own number (service_request_id), service_code,
// description, lat and long or address_string or address_id,
// jurisdiction_id, and the reporter's first_name, last_name and phone.
type Request struct {
	RequestID    string
	ServiceCode  string
	Description  string
	Lat, Lng     *float64
	Address      string
	AddressID    string
	Jurisdiction string
	FirstName    string
	LastName     string
	Phone        string
	// Confidential (the extension confidential=true): the reporter asked
	// that the request stay private; it is never shown in public.
	Confidential bool
}

// Receive files the ticket an upper platform dispatched, as that platform,
// through the ticket service, or, when the platform sent that number
// before, returns the ticket it made then (existed true): a platform that
// retries never makes a second ticket.
func (s *Service) Receive(ctx context.Context, platformID, key string, in Request) (t ticket.Ticket, existed bool, err error) {
	p, err := s.authenticate(ctx, platformID, key)
	if err != nil {
		return ticket.Ticket{}, false, err
	}
	if p.Role != RoleUpper {
		return ticket.Ticket{}, false, errs.New(errs.Forbidden, "该平台登记为下级平台，不能向本平台派单", "this platform is registered as a lower one: it does not dispatch tickets to us")
	}
	in.RequestID = strings.TrimSpace(in.RequestID)
	if in.RequestID == "" {
		return ticket.Ticket{}, false, errs.Invalidf("缺少 service_request_id（上级平台的工单编号）", "service_request_id (the platform's own request number) is required")
	}
	// A retry is answered before anything else is checked: its ticket may
	// have moved on, and the mapping may have changed since.
	if n, err := s.tickets.SourceOf(ctx, SourcePrefix+p.ID, in.RequestID); err != nil || n != "" {
		if err != nil {
			return ticket.Ticket{}, false, err
		}
		t, err := s.tickets.Get(ctx, p.actor(), n)
		return t, true, err
	}
	nt, err := s.newTicket(ctx, p, in)
	if err != nil {
		return ticket.Ticket{}, false, err
	}
	return s.tickets.CreateFromSource(ctx, p.actor(), nt, SourcePrefix+p.ID, in.RequestID)
}

// newTicket maps a platform's request onto ours: its service code through
// the service map (or one of our category codes as it is), its
// jurisdiction or address id through the area map (or the platform's area).
func (s *Service) newTicket(ctx context.Context, p Platform, in Request) (ticket.NewTicket, error) {
	code := strings.TrimSpace(in.ServiceCode)
	if code == "" {
		return ticket.NewTicket{}, errs.Invalidf("缺少 service_code", "service_code was not provided")
	}
	cat := p.ServiceMap[code]
	if cat == "" {
		if _, err := s.tickets.Category(ctx, code); err != nil {
			return ticket.NewTicket{}, errs.NotFoundf("service_code %s 未对应本平台的类别，请管理员补充映射", "service_code %s is not mapped onto a category of ours; the administrator must add it", code)
		}
		cat = code
	}
	area := p.AreaMap[strings.TrimSpace(in.Jurisdiction)]
	if area == "" {
		area = p.AreaMap[strings.TrimSpace(in.AddressID)]
	}
	if area == "" {
		area = p.AreaCode
	}
	nt := ticket.NewTicket{CategoryCode: cat, Description: in.Description, AreaCode: area, Lat: in.Lat, Lng: in.Lng,
		Address: strings.TrimSpace(in.Address), Channel: ticket.ChannelOpen311, ReporterPhone: strings.TrimSpace(in.Phone),
		ReporterName: strings.TrimSpace(strings.TrimSpace(in.LastName) + strings.TrimSpace(in.FirstName)), Confidential: in.Confidential}
	if nt.Address == "" && in.AddressID != "" {
		nt.Address = strings.TrimSpace(in.AddressID)
	}
	if nt.Description == "" {
		if c, err := s.tickets.Category(ctx, cat); err == nil {
			nt.Description = c.Name
		}
	}
	if nt.Description != "" {
		nt.Description = "【" + p.Name + "转办 " + in.RequestID + "】" + nt.Description
		if utf8.RuneCountInString(nt.Description) > ticket.MaxDescription {
			return ticket.NewTicket{}, errs.Invalidf("description 不能超过%d字", "description must be at most %d characters", ticket.MaxDescription-50)
		}
	}
	return nt, nil
}

// Update is a service request update a lower platform sends up about a
// ticket we dispatched to it: service_request_id is our number.
type Update struct {
	UpdateID         string         `json:"update_id"`
	ServiceRequestID string         `json:"service_request_id"`
	Status           string         `json:"status"`
	StatusNotes      string         `json:"status_notes"`
	UpdatedDatetime  string         `json:"updated_datetime"`
	Extensions       map[string]any `json:"extensions,omitempty"`
}

// ReceiveUpdate applies an update of a lower platform to the ticket we
// dispatched to it, as a handler of the unit that stands for it: "open" adds
// a line to the ticket, "closed" is that unit's reply, resolved, which the
// reporter is asked to rate (ticket.RecordExternalUpdate). An update whose
// update_id was applied before is not applied again.
func (s *Service) ReceiveUpdate(ctx context.Context, platformID, key string, up Update) (ticket.Ticket, error) {
	p, err := s.authenticate(ctx, platformID, key)
	if err != nil {
		return ticket.Ticket{}, err
	}
	if p.Role != RoleLower {
		return ticket.Ticket{}, errs.New(errs.Forbidden, "只有下级平台可以报送办理进展", "only a lower platform reports progress to us")
	}
	ext, err := checkUpdate(&up, s.tickets.Location())
	if err != nil {
		return ticket.Ticket{}, err
	}
	var n int
	if err := s.db.R.QueryRowContext(ctx, `SELECT COUNT(*) FROM citylink_forwards WHERE platform_id = $1 AND ticket_number = $2`,
		p.ID, up.ServiceRequestID).Scan(&n); err != nil {
		return ticket.Ticket{}, errs.Wrap(err, "read forward")
	}
	if n == 0 {
		return ticket.Ticket{}, errs.NotFoundf("工单 %s 未派往该平台", "ticket %s was not dispatched to this platform", up.ServiceRequestID)
	}
	if up.UpdateID != "" {
		if seen, err := s.received(ctx, p.ID, "update", up.UpdateID); err != nil || seen {
			if err != nil {
				return ticket.Ticket{}, err
			}
			return s.tickets.Get(ctx, p.actor(), up.ServiceRequestID)
		}
	}
	t, _, err := s.tickets.RecordExternalUpdate(ctx, p.actor(), up.ServiceRequestID, ext)
	if err != nil {
		return ticket.Ticket{}, err
	}
	if up.UpdateID != "" {
		body, _ := json.Marshal(up)
		if err := s.keep(ctx, p.ID, "update", up.UpdateID, string(body)); err != nil {
			s.log.Error("citylink update applied but not recorded", "platform", p.ID, "update", up.UpdateID, "err", err)
		}
	}
	return t, nil
}

// checkUpdate validates an update and returns it as the ticket service takes it.
func checkUpdate(up *Update, loc *time.Location) (ticket.ExternalUpdate, error) {
	up.ServiceRequestID, up.UpdateID = strings.TrimSpace(up.ServiceRequestID), strings.TrimSpace(up.UpdateID)
	if up.ServiceRequestID == "" {
		return ticket.ExternalUpdate{}, errs.Invalidf("缺少 service_request_id", "service_request_id was not provided")
	}
	if len(up.UpdateID) > 100 || !printable(up.UpdateID) {
		return ticket.ExternalUpdate{}, errs.Invalidf("update_id 不能超过100个可见字符", "update_id must be at most 100 visible characters")
	}
	ext := ticket.ExternalUpdate{Description: up.StatusNotes}
	switch strings.ToLower(strings.TrimSpace(up.Status)) {
	case "open":
	case "closed":
		ext.Closed = true
	default:
		return ticket.ExternalUpdate{}, errs.Invalidf("status 须为 open 或 closed", "status must be open or closed")
	}
	// A request the platform set aside (invalid, merged into another) is
	// not an answer: it becomes a line, and the dispatchers decide.
	if a, _ := up.Extensions["action"].(string); ext.Closed && (a == ticket.ActionInvalidate || a == ticket.ActionMerge) {
		ext.Closed = false
		ext.Description = "下级平台未办理而结束 / set aside by the platform: " + ext.Description
	}
	if strings.TrimSpace(ext.Description) == "" {
		ext.Description = map[bool]string{true: "下级平台已办结 / closed by the platform", false: "下级平台办理中 / in progress at the platform"}[ext.Closed]
	}
	if v := strings.TrimSpace(up.UpdatedDatetime); v != "" {
		at, err := time.Parse(time.RFC3339, v)
		if err != nil {
			return ticket.ExternalUpdate{}, errs.Invalidf("updated_datetime 须为 W3C 日期时间", "updated_datetime must be a W3C datetime")
		}
		at = at.In(loc)
		ext.UpdatedAt = &at
	}
	return ext, nil
}

// received reports whether the platform's item was taken before.
func (s *Service) received(ctx context.Context, platformID, kind, ref string) (bool, error) {
	var n int
	err := s.db.R.QueryRowContext(ctx, `SELECT COUNT(*) FROM citylink_received WHERE platform_id = $1 AND kind = $2 AND ref = $3`,
		platformID, kind, ref).Scan(&n)
	return n > 0, errs.Wrap(err, "read received")
}

// keep records an item a platform sent (the latest body for its ref).
func (s *Service) keep(ctx context.Context, platformID, kind, ref, body string) error {
	now := s.clock.Now()
	return s.db.Tx(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `INSERT INTO citylink_received (platform_id, kind, ref, body, received_at) VALUES ($1, $2, $3, $4, $5)
ON CONFLICT (platform_id, kind, ref) DO UPDATE SET body = $4, received_at = $5`, platformID, kind, ref, body, db.Millis(now))
		return errs.Wrap(err, "keep received")
	})
}

// MaxStats is the largest monthly report a platform may send, in bytes.
const MaxStats = 256 << 10

// ReceiveStats keeps the monthly figures a lower platform reports (the
// latest report of a month replaces the one before).
func (s *Service) ReceiveStats(ctx context.Context, platformID, key string, st Stats) error {
	p, err := s.authenticate(ctx, platformID, key)
	if err != nil {
		return err
	}
	if p.Role != RoleLower {
		return errs.New(errs.Forbidden, "只有下级平台可以报送月度统计", "only a lower platform reports its monthly figures to us")
	}
	if _, err := time.Parse("2006-01", st.Month); err != nil {
		return errs.Invalidf("month 须为 YYYY-MM", "month must be YYYY-MM")
	}
	body, _ := json.Marshal(st)
	if len(body) > MaxStats {
		return errs.Invalidf("统计报告过大", "the report is too large")
	}
	return s.keep(ctx, p.ID, "stats", st.Month, string(body))
}

// ReceivedStats returns the monthly figures a lower platform reported, by
// month (administrators only).
func (s *Service) ReceivedStats(ctx context.Context, u auth.User, platformID string) (map[string]Stats, error) {
	if !CanManage(u) {
		return nil, errManage
	}
	rows, err := s.db.R.QueryContext(ctx, `SELECT ref, body FROM citylink_received WHERE platform_id = $1 AND kind = 'stats' ORDER BY ref`, platformID)
	if err != nil {
		return nil, errs.Wrap(err, "read stats")
	}
	defer rows.Close()
	out := map[string]Stats{}
	for rows.Next() {
		var m, b string
		if err := rows.Scan(&m, &b); err != nil {
			return nil, errs.Wrap(err, "read stats")
		}
		var st Stats
		_ = json.Unmarshal([]byte(b), &st)
		out[m] = st
	}
	return out, errs.Wrap(rows.Err(), "read stats")
}
