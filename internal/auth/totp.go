package auth

import (
	"context"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha1"
	"crypto/subtle"
	"database/sql"
	"encoding/base32"
	"encoding/binary"
	"errors"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/gongzhi/gongzhi/internal/errs"
)

// A second factor for staff: time-based one-time passwords (TOTP, RFC 6238)
// as every authenticator app makes them: HMAC-SHA-1, 6 digits, a step of 30
// seconds, and one step of clock drift allowed either way. A code works
// once. The secret is stored as base32 in a column the export leaves out
// (its name holds "secret"); it is shown once, when it is enrolled.
const (
	totpDigits = 6
	totpPeriod = 30 // seconds
	totpSkew   = 1  // steps either way
	// TOTPIssuer names gongzhi in authenticator apps.
	TOTPIssuer = "gongzhi"
)

var b32 = base32.StdEncoding.WithPadding(base32.NoPadding)

// hotp is RFC 4226's code of a counter: HMAC-SHA-1 of the counter,
// dynamically truncated to 31 bits, its last digits.
func hotp(key []byte, counter uint64, digits int) string {
	var msg [8]byte
	binary.BigEndian.PutUint64(msg[:], counter)
	m := hmac.New(sha1.New, key)
	m.Write(msg[:])
	sum := m.Sum(nil)
	off := sum[len(sum)-1] & 0x0f
	v := binary.BigEndian.Uint32(sum[off:off+4]) & 0x7fffffff
	mod := uint32(1)
	for range digits {
		mod *= 10
	}
	s := strconv.FormatUint(uint64(v%mod), 10)
	return strings.Repeat("0", digits-len(s)) + s
}

// totpStep is the RFC 6238 time step of t.
func totpStep(t time.Time) int64 { return t.Unix() / totpPeriod }

// checkTOTP returns the step whose code is code, within the allowed drift of
// now, or false.
func checkTOTP(key []byte, code string, now time.Time) (int64, bool) {
	code = strings.TrimSpace(code)
	if len(code) != totpDigits {
		return 0, false
	}
	step := totpStep(now)
	found, match := int64(0), 0
	for d := int64(-totpSkew); d <= totpSkew; d++ {
		// Every candidate is compared, in constant time.
		if subtle.ConstantTimeCompare([]byte(hotp(key, uint64(step+d), totpDigits)), []byte(code)) == 1 && match == 0 {
			found, match = step+d, 1
		}
	}
	return found, match == 1
}

// TOTPEnrolment is a secret being enrolled, shown once: as an otpauth://
// URI (what a QR code would hold) and as base32 text to type in.
type TOTPEnrolment struct {
	Secret string `json:"secret"`
	URI    string `json:"uri"`
}

// BeginTOTP makes a new secret for the user's authenticator app; it takes
// effect once ConfirmTOTP sees a first code from it.
func (s *Service) BeginTOTP(ctx context.Context, u User) (TOTPEnrolment, error) {
	if !u.Role.StaffAccount() {
		return TOTPEnrolment{}, errs.New(errs.Forbidden, "两步验证仅用于工作人员账号", "two-step login is for staff accounts")
	}
	if u.TOTP {
		return TOTPEnrolment{}, errs.Conflictf("已启用两步验证", "two-step login is already on")
	}
	key := make([]byte, 20)
	if _, err := rand.Read(key); err != nil {
		return TOTPEnrolment{}, errs.Wrap(err, "totp secret")
	}
	secret := b32.EncodeToString(key)
	err := s.db.Tx(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `UPDATE users SET totp_pending_secret = $1 WHERE id = $2`, secret, u.ID)
		return errs.Wrap(err, "begin totp")
	})
	if err != nil {
		return TOTPEnrolment{}, err
	}
	q := url.Values{"secret": {secret}, "issuer": {TOTPIssuer}, "algorithm": {"SHA1"},
		"digits": {strconv.Itoa(totpDigits)}, "period": {strconv.Itoa(totpPeriod)}}
	uri := "otpauth://totp/" + url.PathEscape(TOTPIssuer+":"+u.Username) + "?" + q.Encode()
	return TOTPEnrolment{Secret: secret, URI: uri}, nil
}

var errBadEnrolCode = errs.New(errs.Invalid, "动态验证码不正确，请核对手机时间后重试", "wrong code; check the phone's clock and try again")

// ConfirmTOTP turns two-step login on once a code from the new secret
// checks. Wrong codes count as failed logins.
func (s *Service) ConfirmTOTP(ctx context.Context, u User, code string) error {
	keys := []string{"user:" + u.Username}
	if err := s.checkLocked(ctx, keys); err != nil {
		return err
	}
	var pending string
	if err := s.db.R.QueryRowContext(ctx, `SELECT totp_pending_secret FROM users WHERE id = $1`, u.ID).Scan(&pending); err != nil {
		return errs.Wrap(err, "get totp")
	}
	if pending == "" {
		return errs.Invalidf("请先开始设置两步验证", "start setting up two-step login first")
	}
	key, err := b32.DecodeString(pending)
	if err != nil {
		return errs.Wrap(err, "decode totp secret")
	}
	step, ok := checkTOTP(key, code, s.clock.Now())
	if !ok {
		if err := s.loginFailed(ctx, keys, u, "wrong authenticator code on enrolment", ""); err != errBadLogin {
			return err
		}
		return errBadEnrolCode
	}
	return s.db.Tx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE users SET totp_secret = totp_pending_secret, totp_pending_secret = '', totp_last_step = $1
WHERE id = $2 AND totp_pending_secret = $3`, step, u.ID, pending)
		if err != nil {
			return errs.Wrap(err, "confirm totp")
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return errs.Conflictf("设置已被另一次操作更改，请重新开始", "the setup was changed meanwhile; start again")
		}
		return AuditTx(ctx, tx, s.clock.Now(), u, AuditEnrolTOTP, "user:"+u.ID, "")
	})
}

// useTOTP checks a login's code against the user's secret and uses it up:
// a code, or an older one, never works twice.
func (s *Service) useTOTP(ctx context.Context, userID, code string) (bool, error) {
	var secret string
	var last int64
	err := s.db.R.QueryRowContext(ctx, `SELECT totp_secret, totp_last_step FROM users WHERE id = $1`, userID).Scan(&secret, &last)
	if errors.Is(err, sql.ErrNoRows) {
		return false, nil
	}
	if err != nil {
		return false, errs.Wrap(err, "get totp")
	}
	key, err := b32.DecodeString(secret)
	if err != nil {
		return false, errs.Wrap(err, "decode totp secret")
	}
	step, ok := checkTOTP(key, code, s.clock.Now())
	if !ok || step <= last {
		return false, nil
	}
	var used bool
	err = s.db.Tx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE users SET totp_last_step = $1 WHERE id = $2 AND totp_last_step < $1`, step, userID)
		if err != nil {
			return errs.Wrap(err, "use totp")
		}
		n, _ := res.RowsAffected()
		used = n == 1
		return nil
	})
	return used, err
}

// RemoveTOTP turns a staff member's two-step login off, for one who lost her
// authenticator; her sessions end, and she may enrol again (an administrator
// must, when they are required to). Only an administrator may, and not for
// her own account.
func (s *Service) RemoveTOTP(ctx context.Context, admin User, userID string) error {
	if admin.Role != RoleAdmin {
		return errs.ErrForbidden
	}
	if userID == admin.ID {
		return errs.Invalidf("不能移除自己的两步验证，请由另一位管理员操作", "you cannot remove your own two-step login; ask another administrator")
	}
	u, err := s.User(ctx, userID)
	if err != nil {
		return err
	}
	return s.db.Tx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `UPDATE users SET totp_secret = '', totp_pending_secret = '', totp_last_step = 0 WHERE id = $1`, u.ID); err != nil {
			return errs.Wrap(err, "remove totp")
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM sessions WHERE user_id = $1`, u.ID); err != nil {
			return errs.Wrap(err, "end sessions")
		}
		return AuditTx(ctx, tx, s.clock.Now(), admin, AuditRemoveTOTP, "user:"+u.ID, u.Username)
	})
}
