package auth

import (
	"context"

	"github.com/gongzhi/gongzhi/internal/errs"
)

// SetLargeText records the account's choice of the elderly mode (large
// text and targets). It is the user's own display setting: anyone may set
// it for her own account and for no other, and it is not audited.
func (s *Service) SetLargeText(ctx context.Context, u User, on bool) error {
	if u.ID == "" {
		return errs.New(errs.Unauthorized, "请先登录", "please log in first")
	}
	if _, err := s.db.W.ExecContext(ctx, `UPDATE users SET large_text = $1 WHERE id = $2`, on, u.ID); err != nil {
		return errs.Wrap(err, "set large text")
	}
	return nil
}

// LargeText reports the account's choice of the elderly mode.
func (s *Service) LargeText(ctx context.Context, u User) (bool, error) {
	var on bool
	if err := s.db.R.QueryRowContext(ctx, `SELECT large_text FROM users WHERE id = $1`, u.ID).Scan(&on); err != nil {
		return false, errs.Wrap(err, "get large text")
	}
	return on, nil
}
