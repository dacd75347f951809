package auth

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"net/url"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/gongzhi/gongzhi/internal/db"
	"github.com/gongzhi/gongzhi/internal/errs"

	"github.com/gongzhi/gongzhi/internal/clock"
)

// AuditEntry is one line of the audit log.
type AuditEntry struct {
	ID       string    `json:"id"`
	At       time.Time `json:"at"`
	UserID   string    `json:"user_id"`
	Username string    `json:"username"`
	Action   string    `json:"action"`
	Object   string    `json:"object"`
	Detail   string    `json:"detail"`
}

// Audit actions.
const (
	AuditViewPersonal = "view_personal_data" // a staff member saw a resident's name or phone
	AuditCreateUser   = "create_user"
	AuditDisableUser  = "disable_user"
	AuditEnableUser   = "enable_user"
	AuditReadLog      = "read_audit_log" // the audit log was searched

	AuditExportTickets      = "export_tickets"       // tickets were downloaded as a file
	AuditPublicPageSettings = "public_page_settings" // what the public page shows was changed
	AuditEvaluationSettings = "evaluation_settings"  // the evaluation's weights or shares were changed
	AuditOpenData           = "opendata_publication" // an open-data dataset was published or withdrawn

	// Bulk reads: who asked for each copy of data that leaves the system.
	AuditDownload   = "download_file" // a list or figures were downloaded as a file (XLSX, CSV)
	AuditExportData = "export_data"   // every table was exported (gongzhi export)
	AuditBackup     = "backup"        // the database was backed up (gongzhi backup)
	AuditRestore    = "restore"       // the database was restored from a backup (gongzhi restore)

	AuditDispatchRule = "dispatch_rule" // a line of the dispatch catalogue was set
)

// AuditActions lists every action the audit log holds, so the pages can name
// each one.
var AuditActions = []string{AuditViewPersonal, AuditCreateUser, AuditDisableUser, AuditEnableUser, AuditReadLog,
	AuditExportTickets, AuditPublicPageSettings, AuditEvaluationSettings, AuditCreateAPIKey, AuditRevokeAPIKey,
	AuditLoginFailed, AuditLoginLocked, AuditUnlock, AuditChangePassword, AuditResetPassword, AuditEnrolTOTP, AuditRemoveTOTP,
	AuditOpenData, AuditDownload, AuditExportData, AuditBackup, AuditRestore,
	AuditDispatchRule}

// AuditTx appends an entry inside the caller's transaction. An object that
// names a phone in clear ("phone:13812345678") is kept masked: only the
// service's Audit, which holds the key, can keep it searchable (phoneRef).
func AuditTx(ctx context.Context, tx *sql.Tx, at time.Time, u User, action, object, detail string) error {
	if p, ok := strings.CutPrefix(object, "phone:"); ok && ValidPhone(NormalizePhone(p)) {
		object = "phone:" + MaskPhone(NormalizePhone(p))
	}
	_, err := tx.ExecContext(ctx, `INSERT INTO audit_log (id, at, user_id, username, action, object, detail) VALUES ($1, $2, $3, $4, $5, $6, $7)`,
		db.NewID(), db.Millis(at), u.ID, u.Username, action, object, detail)
	return errs.Wrap(err, "audit")
}

// Audit appends an entry to the audit log and returns once it is committed.
// Entries written at the same moment share one transaction (group commit),
// so busy ticket pages do not queue one by one behind the database writer.
// An object that names a phone ("phone:13812345678") is kept as the phone's
// keyed hash: the log holds no phone in clear, and an auditor who knows the
// number finds its entries.
func (s *Service) Audit(ctx context.Context, u User, action, object, detail string) error {
	if p, ok := strings.CutPrefix(object, "phone:"); ok && ValidPhone(NormalizePhone(p)) {
		ref, err := s.phoneRef(ctx, p)
		if err != nil {
			return err
		}
		object = ref
	}
	s.auditOnce.Do(func() {
		s.audits = make(chan auditReq, 1024)
		go s.writeAudits()
	})
	req := auditReq{at: s.clock.Now(), u: u, action: action, object: object, detail: detail, done: make(chan error, 1)}
	select {
	case s.audits <- req:
	case <-ctx.Done():
		return errs.Wrap(ctx.Err(), "audit")
	}
	select {
	case err := <-req.done:
		return err
	case <-ctx.Done():
		return errs.Wrap(ctx.Err(), "audit")
	}
}

type auditReq struct {
	at                     time.Time
	u                      User
	action, object, detail string
	done                   chan error
}

// auditBatch bounds one group commit.
const auditBatch = 256

// writeAudits takes the waiting entries, writes them in one transaction and
// tells each writer the outcome; it runs for the life of the service.
func (s *Service) writeAudits() {
	for first := range s.audits {
		batch := []auditReq{first}
	more:
		for len(batch) < auditBatch {
			select {
			case r := <-s.audits:
				batch = append(batch, r)
			default:
				break more
			}
		}
		err := s.db.Tx(context.Background(), func(tx *sql.Tx) error {
			for _, r := range batch {
				if err := AuditTx(context.Background(), tx, r.at, r.u, r.action, r.object, r.detail); err != nil {
					return err
				}
			}
			return nil
		})
		for _, r := range batch {
			r.done <- err
		}
	}
}

// AuditLog returns the latest entries, newest first; object narrows to one
// object (a ticket number, say).
func (s *Service) AuditLog(ctx context.Context, object string, limit int) ([]AuditEntry, error) {
	if limit <= 0 || limit > 500 {
		limit = 100
	}
	q := `SELECT id, at, user_id, username, action, object, detail FROM audit_log`
	args := []any{limit}
	if object != "" {
		q += ` WHERE object = $2`
		args = append(args, object)
	}
	rows, err := s.db.R.QueryContext(ctx, q+` ORDER BY at DESC LIMIT $1`, args...)
	if err != nil {
		return nil, errs.Wrap(err, "read audit log")
	}
	defer rows.Close()
	items := []AuditEntry{}
	for rows.Next() {
		var e AuditEntry
		var at int64
		if err := rows.Scan(&e.ID, &at, &e.UserID, &e.Username, &e.Action, &e.Object, &e.Detail); err != nil {
			return nil, errs.Wrap(err, "scan audit")
		}
		e.At = time.UnixMilli(at)
		items = append(items, e)
	}
	return items, errs.Wrap(rows.Err(), "read audit log")
}

// AuditFilter narrows a search of the audit log. Every field may be empty.
type AuditFilter struct {
	Actor  string    // username or user id of who acted
	Ticket string    // ticket number
	Phone  string    // a phone: the look-ups of its history, found by its hash
	From   time.Time // entries at or after
	To     time.Time // entries before
	Limit  int       // 1 to MaxAuditLimit; 0 means DefaultAuditLimit
	Cursor string    // next_cursor of the page before
}

// AuditPage is one page of a search, newest first.
type AuditPage struct {
	Items      []AuditEntry `json:"items"`
	NextCursor string       `json:"next_cursor"`
}

// Audit search page sizes.
const (
	DefaultAuditLimit = 50
	MaxAuditLimit     = 200
)

var errNoAuditRead = errs.New(errs.Forbidden, "只有系统管理员和审计员可以查看审计日志", "only administrators and auditors may read the audit log")

// SearchAudit returns the entries of the audit log that match f, newest
// first, for the administrator or an auditor. The search itself is written
// to the log, with the phone as its hash.
func (s *Service) SearchAudit(ctx context.Context, u User, f AuditFilter) (AuditPage, error) {
	if !u.CanReadAudit() {
		return AuditPage{}, errNoAuditRead
	}
	q, detail, err := s.auditQuery(ctx, f)
	if err != nil {
		return AuditPage{}, err
	}
	if err := s.Audit(ctx, u, AuditReadLog, "audit_log", detail); err != nil {
		return AuditPage{}, err
	}
	return s.searchAudit(ctx, q)
}

// ParseAuditQuery reads a search from the query of a page or API call:
// actor, ticket, phone, from and to (2026-01-02, a day in Beijing time, to
// inclusive; or RFC 3339), limit and cursor.
func ParseAuditQuery(v url.Values) (AuditFilter, error) {
	f := AuditFilter{Actor: strings.TrimSpace(v.Get("actor")), Ticket: strings.TrimSpace(v.Get("ticket")),
		Phone: strings.TrimSpace(v.Get("phone")), Cursor: v.Get("cursor")}
	var err error
	if f.From, err = auditTime(v.Get("from"), false); err != nil {
		return f, err
	}
	if f.To, err = auditTime(v.Get("to"), true); err != nil {
		return f, err
	}
	if l := v.Get("limit"); l != "" {
		n, err := strconv.Atoi(l)
		if err != nil || n < 1 || n > MaxAuditLimit {
			return f, errs.Invalidf("每页条数须在1到%d之间", "limit must be between 1 and %d", MaxAuditLimit)
		}
		f.Limit = n
	}
	return f, nil
}

// auditTime reads a date (the start of that day in Beijing, or the start of
// the next for the end of a range) or an RFC 3339 time.
func auditTime(v string, end bool) (time.Time, error) {
	v = strings.TrimSpace(v)
	if v == "" {
		return time.Time{}, nil
	}
	if d, err := time.ParseInLocation("2006-01-02", v, clock.BusinessZone()); err == nil {
		if end {
			d = d.AddDate(0, 0, 1)
		}
		return d, nil
	}
	if t, err := time.Parse(time.RFC3339, v); err == nil {
		return t, nil
	}
	return time.Time{}, errs.Invalidf("时间格式应为 2026-01-02 或 2026-01-02T08:00:00+08:00：%q", "a time is 2026-01-02 or 2026-01-02T08:00:00+08:00: %q", v)
}

// phoneRef is how the audit log names a phone: "phone:" and the hex of its
// HMAC-SHA256 under a key made once and kept in the settings table, so the
// same phone always has the same name and the name does not give the phone
// back (11-digit numbers are too few to hide behind a plain hash).
func (s *Service) phoneRef(ctx context.Context, phone string) (string, error) {
	s.phoneKeyMu.Lock()
	defer s.phoneKeyMu.Unlock()
	if s.phoneKey == nil {
		k, err := s.db.Secret(ctx, "audit.phone", 32)
		if err != nil {
			return "", errs.Wrap(err, "audit phone key")
		}
		s.phoneKey = k
	}
	m := hmac.New(sha256.New, s.phoneKey)
	m.Write([]byte(NormalizePhone(phone)))
	return "phone:" + hex.EncodeToString(m.Sum(nil)), nil
}

// MaskPhone shows a mobile number as 138****1234.
func MaskPhone(p string) string {
	if len(p) < 7 {
		return strings.Repeat("*", len(p))
	}
	return p[:3] + strings.Repeat("*", len(p)-7) + p[len(p)-4:]
}

// MaskName keeps the first character of a name: 张**.
func MaskName(n string) string {
	if n == "" {
		return ""
	}
	r, size := utf8.DecodeRuneInString(n)
	return string(r) + strings.Repeat("*", utf8.RuneCountInString(n[size:]))
}
