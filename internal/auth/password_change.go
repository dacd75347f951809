package auth

import (
	"context"
	"database/sql"

	"golang.org/x/crypto/bcrypt"

	"github.com/gongzhi/gongzhi/internal/errs"
)

// What an account must do before anything else.
const (
	PendingPassword = "password" // change the temporary password an administrator set
	PendingTOTP     = "totp"     // enrol a second factor (administrators, when required)
)

// Pending returns what the account must do before anything else, or "".
func (s *Service) Pending(u User) string {
	switch {
	case u.MustChangePassword:
		return PendingPassword
	case s.opts.AdminTOTP && u.Role == RoleAdmin && !u.TOTP:
		return PendingTOTP
	}
	return ""
}

// PendingError is the error of anything but the pending step, or nil.
func (s *Service) PendingError(u User) error {
	switch s.Pending(u) {
	case PendingPassword:
		return errs.New(errs.Forbidden, "管理员已重置您的密码，请先修改密码（POST /api/v1/auth/password 或网页“我的账号”）",
			"an administrator reset your password: change it first (POST /api/v1/auth/password, or My account on the web)")
	case PendingTOTP:
		return errs.New(errs.Forbidden, "管理员须启用两步验证，请先在“我的账号”中设置身份验证器（POST /api/v1/auth/totp）",
			"administrators must use two-step login: set up an authenticator first (My account on the web, or POST /api/v1/auth/totp)")
	}
	return nil
}

var errWrongCurrentPassword = errs.New(errs.Invalid, "当前密码不正确", "the current password is wrong")

// ChangePassword sets a new password for the user of a session once her
// current one is checked. Her other sessions end; this one stays. Wrong
// current passwords count as failed logins, so a stolen session cannot
// guess its way to the password.
func (s *Service) ChangePassword(ctx context.Context, sess Session, current, next string) error {
	u := sess.User
	if !u.Role.StaffAccount() {
		return errs.New(errs.Forbidden, "居民账号用手机验证码登录，没有密码", "resident accounts log in with a phone code and have no password")
	}
	keys := []string{"user:" + u.Username}
	if err := s.checkLocked(ctx, keys); err != nil {
		return err
	}
	_, hash, err := s.userWhere(ctx, s.db.R, `id = $1`, u.ID)
	if err != nil {
		return err
	}
	if current == "" || len(current) > maxPasswordBytes || bcrypt.CompareHashAndPassword([]byte(hash), []byte(current)) != nil {
		if err := s.loginFailed(ctx, keys, u, "wrong current password on a password change", ""); err != errBadLogin {
			return err
		}
		return errWrongCurrentPassword
	}
	if err := CheckPassword(u.Username, next); err != nil {
		return err
	}
	if next == current {
		return errs.Invalidf("新密码不能与当前密码相同", "the new password must differ from the current one")
	}
	h, err := bcrypt.GenerateFromPassword([]byte(next), s.opts.BcryptCost)
	if err != nil {
		return errs.Wrap(err, "hash password")
	}
	return s.db.Tx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `UPDATE users SET password_hash = $1, must_change_password = FALSE WHERE id = $2`, string(h), u.ID); err != nil {
			return errs.Wrap(err, "change password")
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM sessions WHERE user_id = $1 AND token_hash <> $2`, u.ID, hashToken(sess.Token)); err != nil {
			return errs.Wrap(err, "end other sessions")
		}
		return AuditTx(ctx, tx, s.clock.Now(), u, AuditChangePassword, "user:"+u.ID, "")
	})
}

// ResetPassword gives a staff account a temporary password, the one given
// or, when that is empty, one made up, and returns it. The account's
// sessions end, a lock on it goes, and at its next login it must change the
// password before anything else. Only an administrator may.
func (s *Service) ResetPassword(ctx context.Context, admin User, userID, temporary string) (string, error) {
	if admin.Role != RoleAdmin {
		return "", errs.ErrForbidden
	}
	u, err := s.User(ctx, userID)
	if err != nil {
		return "", err
	}
	if !u.Role.StaffAccount() {
		return "", errs.Invalidf("居民账号用手机验证码登录，没有密码", "resident accounts log in with a phone code and have no password")
	}
	if temporary == "" {
		temporary = randomPassword(u.Username)
	} else if err := CheckPassword(u.Username, temporary); err != nil {
		return "", err
	}
	h, err := bcrypt.GenerateFromPassword([]byte(temporary), s.opts.BcryptCost)
	if err != nil {
		return "", errs.Wrap(err, "hash password")
	}
	err = s.db.Tx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `UPDATE users SET password_hash = $1, must_change_password = TRUE WHERE id = $2`, string(h), u.ID); err != nil {
			return errs.Wrap(err, "reset password")
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM sessions WHERE user_id = $1`, u.ID); err != nil {
			return errs.Wrap(err, "end sessions")
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM login_failures WHERE key = $1`, "user:"+u.Username); err != nil {
			return errs.Wrap(err, "unlock")
		}
		return AuditTx(ctx, tx, s.clock.Now(), admin, AuditResetPassword, "user:"+u.ID, u.Username)
	})
	if err != nil {
		return "", err
	}
	return temporary, nil
}
