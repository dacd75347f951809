package auth

import (
	"context"
	"crypto/rand"
	"crypto/subtle"
	"database/sql"
	"errors"
	"fmt"
	"math/big"
	"time"

	"github.com/gongzhi/gongzhi/internal/db"
	"github.com/gongzhi/gongzhi/internal/errs"
)

// Limits of one-time login codes.
const (
	CodeTTL         = 5 * time.Minute
	CodeResendAfter = time.Minute // one code a minute per phone
	CodesPerHour    = 5           // per phone
	CodeMaxAttempts = 5           // wrong guesses before a code is dead
)

var errBadCode = errs.New(errs.Unauthorized, "验证码错误或已失效", "wrong or expired code")

// RequestCode makes a one-time login code for a phone and sends it. In demo
// mode it also returns the code, so it can be shown; otherwise it returns "".
func (s *Service) RequestCode(ctx context.Context, phone string) (devCode string, err error) {
	phone = NormalizePhone(phone)
	if !ValidPhone(phone) {
		return "", errs.Invalidf("请输入11位手机号", "please enter an 11-digit mobile number")
	}
	n, err := rand.Int(rand.Reader, big.NewInt(1000000))
	if err != nil {
		return "", errs.Wrap(err, "random code")
	}
	code := fmt.Sprintf("%06d", n.Int64())
	now := s.clock.Now()
	err = s.db.Tx(ctx, func(tx *sql.Tx) error {
		var recent, lastHour int
		err := tx.QueryRowContext(ctx, `SELECT
  COALESCE(SUM(CASE WHEN created_at > $2 THEN 1 ELSE 0 END), 0),
  COUNT(*)
FROM otp_codes WHERE phone = $1 AND created_at > $3`,
			phone, db.Millis(now.Add(-CodeResendAfter)), db.Millis(now.Add(-time.Hour))).Scan(&recent, &lastHour)
		if err != nil {
			return errs.Wrap(err, "count codes")
		}
		if recent > 0 {
			e := errs.New(errs.TooMany, "验证码发送过于频繁，请一分钟后再试", "a code was sent less than a minute ago; please wait")
			e.RetryAfter = 60
			return e
		}
		if lastHour >= CodesPerHour {
			return errs.New(errs.TooMany, "一小时内验证码次数已达上限，请稍后再试", "too many codes this hour; please try later")
		}
		// Old codes of this phone die when a new one is made.
		if _, err := tx.ExecContext(ctx, `UPDATE otp_codes SET used_at = $1 WHERE phone = $2 AND used_at IS NULL`, db.Millis(now), phone); err != nil {
			return errs.Wrap(err, "retire codes")
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM otp_codes WHERE phone = $1 AND created_at < $2`, phone, db.Millis(now.Add(-24*time.Hour))); err != nil {
			return errs.Wrap(err, "prune codes")
		}
		_, err = tx.ExecContext(ctx, `INSERT INTO otp_codes (id, phone, code_hash, created_at, expires_at, attempts) VALUES ($1, $2, $3, $4, $5, 0)`,
			db.NewID(), phone, hashToken(phone+":"+code), db.Millis(now), db.Millis(now.Add(CodeTTL)))
		return errs.Wrap(err, "insert code")
	})
	if err != nil {
		return "", err
	}
	if s.opts.Sender != nil {
		if err := s.opts.Sender.SendCode(phone, code); err != nil {
			return "", errs.Wrap(err, "send code")
		}
	} else {
		s.log.Info("one-time code made; no SMS sender is configured", "phone", MaskPhone(phone))
	}
	if s.opts.Demo {
		return code, nil
	}
	return "", nil
}

// VerifyCode checks a one-time code sent to phone and uses it up: the proof
// that whoever typed it holds the phone, without logging in (a guest
// listing her tickets). It returns the phone as stored.
func (s *Service) VerifyCode(ctx context.Context, phone, code string) (string, error) {
	phone = NormalizePhone(phone)
	if !ValidPhone(phone) {
		return "", errs.Invalidf("请输入11位手机号", "please enter an 11-digit mobile number")
	}
	if len(code) != 6 {
		return "", errBadCode
	}
	now := s.clock.Now()
	var ok bool
	err := s.db.Tx(ctx, func(tx *sql.Tx) error {
		var id, hash string
		var attempts int
		err := tx.QueryRowContext(ctx, `SELECT id, code_hash, attempts FROM otp_codes
WHERE phone = $1 AND used_at IS NULL AND expires_at > $2 ORDER BY created_at DESC LIMIT 1`, phone, db.Millis(now)).Scan(&id, &hash, &attempts)
		if errors.Is(err, sql.ErrNoRows) {
			return nil
		}
		if err != nil {
			return errs.Wrap(err, "get code")
		}
		if attempts >= CodeMaxAttempts {
			return nil
		}
		if subtle.ConstantTimeCompare([]byte(hash), []byte(hashToken(phone+":"+code))) == 1 {
			ok = true
			_, err = tx.ExecContext(ctx, `UPDATE otp_codes SET used_at = $1 WHERE id = $2`, db.Millis(now), id)
		} else {
			_, err = tx.ExecContext(ctx, `UPDATE otp_codes SET attempts = attempts + 1 WHERE id = $1`, id)
		}
		return errs.Wrap(err, "use code")
	})
	if err != nil {
		return "", err
	}
	if !ok {
		return "", errBadCode
	}
	return phone, nil
}

// LoginWithCode checks a one-time code and opens a session for the resident
// with that phone, creating the account on first login.
func (s *Service) LoginWithCode(ctx context.Context, phone, code, kind string) (Session, error) {
	phone, err := s.VerifyCode(ctx, phone, code)
	if err != nil {
		return Session{}, err
	}
	u, _, err := s.userWhere(ctx, s.db.R, `phone = $1`, phone)
	if errs.Is(err, errs.NotFound) {
		// Her own first login makes a resident's account: nobody
		// administered it, so there is no one to audit.
		u, err = s.createUser(ctx, NewUser{Phone: phone, Role: RoleResident}, nil)
		if errs.Is(err, errs.Conflict) { // made by a parallel login
			u, _, err = s.userWhere(ctx, s.db.R, `phone = $1`, phone)
		}
	}
	if err != nil {
		return Session{}, err
	}
	if u.Role != RoleResident {
		return Session{}, errs.New(errs.Unauthorized, "工作人员请使用用户名和密码登录", "staff log in with username and password")
	}
	if u.Disabled {
		return Session{}, errs.New(errs.Unauthorized, "账号已停用", "this account is disabled")
	}
	return s.openSession(ctx, u, kind, "")
}
