package auth

import (
	"context"
	"encoding/base64"
	"strconv"
	"strings"
	"time"

	"github.com/gongzhi/gongzhi/internal/db"
	"github.com/gongzhi/gongzhi/internal/errs"
)

// auditSearch is a checked search: its conditions with their arguments.
type auditSearch struct {
	db.Conds
	limit int
}

var errAuditCursor = errs.Invalidf("翻页参数无效", "malformed cursor")

// auditQuery checks f and turns it into conditions, and into the detail of
// the search's own entry (the phone as its hash).
func (s *Service) auditQuery(ctx context.Context, f AuditFilter) (auditSearch, string, error) {
	q := auditSearch{limit: f.Limit}
	if q.limit == 0 {
		q.limit = DefaultAuditLimit
	}
	if q.limit < 1 || q.limit > MaxAuditLimit {
		return q, "", errs.Invalidf("每页条数须在1到%d之间", "limit must be between 1 and %d", MaxAuditLimit)
	}
	var detail []string
	if f.Actor != "" {
		if len(f.Actor) > 100 {
			return q, "", errs.Invalidf("操作人过长", "actor is too long")
		}
		q.Add("(username = ? OR user_id = ?)", strings.ToLower(f.Actor), f.Actor)
		detail = append(detail, "actor="+f.Actor)
	}
	if f.Ticket != "" && f.Phone != "" {
		return q, "", errs.Invalidf("工单和手机号请分开查询", "search by ticket or by phone, not both at once")
	}
	if f.Ticket != "" {
		if len(f.Ticket) > 32 {
			return q, "", errs.Invalidf("工单编号格式不正确", "malformed ticket number")
		}
		q.Add("object = ?", "ticket:"+f.Ticket)
		detail = append(detail, "ticket="+f.Ticket)
	}
	if f.Phone != "" {
		phone := NormalizePhone(f.Phone)
		if !ValidPhone(phone) {
			return q, "", errs.Invalidf("请输入11位手机号", "please enter an 11-digit mobile number")
		}
		ref, err := s.phoneRef(ctx, phone)
		if err != nil {
			return q, "", err
		}
		q.Add("object = ?", ref)
		detail = append(detail, "phone="+strings.TrimPrefix(ref, "phone:"))
	}
	if !f.From.IsZero() {
		q.Add("at >= ?", db.Millis(f.From))
		detail = append(detail, "from="+f.From.Format(time.RFC3339))
	}
	if !f.To.IsZero() {
		q.Add("at < ?", db.Millis(f.To))
		detail = append(detail, "to="+f.To.Format(time.RFC3339))
	}
	if f.Cursor != "" {
		at, id, err := parseAuditCursor(f.Cursor)
		if err != nil {
			return q, "", err
		}
		q.Add("(at < ? OR (at = ? AND id < ?))", at, at, id)
	}
	return q, strings.Join(detail, " "), nil
}

// searchAudit reads a page, newest first, by (at, id): the keyset goes on
// from the last entry of the page before, whatever is added meanwhile.
func (s *Service) searchAudit(ctx context.Context, q auditSearch) (AuditPage, error) {
	sqlText := `SELECT id, at, user_id, username, action, object, detail FROM audit_log`
	if len(q.Where) > 0 {
		sqlText += ` WHERE ` + q.And()
	}
	sqlText += ` ORDER BY at DESC, id DESC LIMIT ` + q.Arg(q.limit+1)
	rows, err := s.db.R.QueryContext(ctx, sqlText, q.Args...)
	if err != nil {
		return AuditPage{}, errs.Wrap(err, "search audit log")
	}
	defer rows.Close()
	p := AuditPage{Items: []AuditEntry{}}
	var lastAt int64
	for rows.Next() {
		var e AuditEntry
		var at int64
		if err := rows.Scan(&e.ID, &at, &e.UserID, &e.Username, &e.Action, &e.Object, &e.Detail); err != nil {
			return AuditPage{}, errs.Wrap(err, "scan audit")
		}
		if len(p.Items) == q.limit {
			last := p.Items[len(p.Items)-1]
			p.NextCursor = auditCursor(lastAt, last.ID)
			break
		}
		e.At = time.UnixMilli(at)
		lastAt = at
		p.Items = append(p.Items, e)
	}
	return p, errs.Wrap(rows.Err(), "search audit log")
}

func auditCursor(at int64, id string) string {
	return base64.RawURLEncoding.EncodeToString([]byte(strconv.FormatInt(at, 10) + ":" + id))
}

func parseAuditCursor(c string) (int64, string, error) {
	b, err := base64.RawURLEncoding.DecodeString(c)
	if err != nil {
		return 0, "", errAuditCursor
	}
	a, id, ok := strings.Cut(string(b), ":")
	at, err := strconv.ParseInt(a, 10, 64)
	if !ok || err != nil || id == "" || len(id) > 64 {
		return 0, "", errAuditCursor
	}
	return at, id, nil
}
