package volunteer

import (
	"context"
	"crypto/rand"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/gongzhi/gongzhi/internal/auth"
	"github.com/gongzhi/gongzhi/internal/db"
	"github.com/gongzhi/gongzhi/internal/errs"
	"github.com/gongzhi/gongzhi/internal/gov"
	"github.com/gongzhi/gongzhi/internal/limit"
)

// credit appends an entry to phone's ledger in tx, making her account row
// first; a cause already entered for her is left as it is (false).
func (s *Service) credit(ctx context.Context, tx *sql.Tx, phone string, delta int64, kind, ref, by string, now time.Time) (bool, error) {
	if err := s.account(ctx, tx, phone, now); err != nil {
		return false, err
	}
	x, err := tx.ExecContext(ctx, `INSERT INTO volunteer_points (id, phone, delta, cause_kind, cause_ref, at, by_user) VALUES ($1, $2, $3, $4, $5, $6, $7)
ON CONFLICT (phone, cause_kind, cause_ref) DO NOTHING`, db.NewID(), phone, delta, kind, ref, db.Millis(now), by)
	if err != nil {
		return false, errs.Wrap(err, "ledger entry")
	}
	n, _ := x.RowsAffected()
	return n > 0, nil
}

func (s *Service) account(ctx context.Context, tx *sql.Tx, phone string, now time.Time) error {
	_, err := tx.ExecContext(ctx, `INSERT INTO volunteer_accounts (phone, created_at) VALUES ($1, $2) ON CONFLICT (phone) DO NOTHING`, phone, db.Millis(now))
	return errs.Wrap(err, "points account")
}

// lockAccount holds phone's account row until tx ends (PostgreSQL; SQLite
// has one writer) and returns her balance, read after the lock.
func (s *Service) lockAccount(ctx context.Context, tx *sql.Tx, phone string, now time.Time) (int64, error) {
	if err := s.account(ctx, tx, phone, now); err != nil {
		return 0, err
	}
	if s.db.Engine == db.Postgres {
		var p string
		if err := tx.QueryRowContext(ctx, `SELECT phone FROM volunteer_accounts WHERE phone = $1 FOR UPDATE`, phone).Scan(&p); err != nil {
			return 0, errs.Wrap(err, "lock account")
		}
	}
	return balance(ctx, tx, phone)
}

func balance(ctx context.Context, q db.Queryer, phone string) (int64, error) {
	var b int64
	err := q.QueryRowContext(ctx, `SELECT COALESCE(SUM(delta), 0) FROM volunteer_points WHERE phone = $1`, phone).Scan(&b)
	return b, errs.Wrap(err, "balance")
}

// Balance is u's points: the sum of her ledger.
func (s *Service) Balance(ctx context.Context, u auth.User) (int64, error) {
	if !CanSeeOwn(u) {
		return 0, errs.ErrForbidden
	}
	return balance(ctx, s.db.R, u.Phone)
}

// Ledger is u's entries, newest first.
func (s *Service) Ledger(ctx context.Context, u auth.User, n int) ([]Entry, error) {
	if !CanSeeOwn(u) {
		return nil, errs.ErrForbidden
	}
	if n <= 0 || n > MaxList {
		n = DefaultList
	}
	rows, err := s.db.R.QueryContext(ctx, `SELECT delta, cause_kind, cause_ref, at FROM volunteer_points WHERE phone = $1 ORDER BY at DESC, id DESC LIMIT $2`, u.Phone, n)
	if err != nil {
		return nil, errs.Wrap(err, "ledger")
	}
	defer rows.Close()
	out := []Entry{}
	for rows.Next() {
		var e Entry
		var at int64
		if err := rows.Scan(&e.Delta, &e.CauseKind, &e.CauseRef, &at); err != nil {
			return nil, errs.Wrap(err, "scan ledger")
		}
		e.At = s.at(at)
		out = append(out, e)
	}
	return out, errs.Wrap(rows.Err(), "ledger")
}

// codeAlphabet has no letters or digits read alike (0/O, 1/I/L).
const codeAlphabet = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"

func newCode() string {
	b := make([]byte, codeLen)
	if _, err := rand.Read(b); err != nil {
		panic(err)
	}
	for i := range b {
		b[i] = codeAlphabet[int(b[i])%len(codeAlphabet)]
	}
	return string(b)
}

// NormalizeCode reads a code as typed: upper case, without spaces or dashes.
func NormalizeCode(s string) string {
	s = strings.ToUpper(strings.TrimSpace(s))
	return strings.NewReplacer(" ", "", "-", "", "　", "").Replace(s)
}

// MakeCode makes a one-use code for points u holds now, good for the
// rules' minutes; the points leave her ledger when a shop confirms it.
func (s *Service) MakeCode(ctx context.Context, u auth.User, points int64) (Code, error) {
	if !s.rules.Shops {
		return Code{}, ErrShopsOff
	}
	if !CanSeeOwn(u) {
		return Code{}, errs.New(errs.Forbidden, "请先用手机号登录", "sign in with your phone first")
	}
	if points < 1 || points > MaxRedeem {
		return Code{}, errs.Invalidf("兑换积分须在1到%d之间", "points must be 1 to %d", MaxRedeem)
	}
	now := s.clock.Now()
	c := Code{Points: points, Status: CodePending, CreatedAt: now, ExpiresAt: now.Add(time.Duration(s.rules.CodeMinutes) * time.Minute)}
	for try := 0; try < 4; try++ {
		c.ID, c.Code = db.NewID(), newCode()
		err := s.db.Tx(ctx, func(tx *sql.Tx) error {
			bal, err := s.lockAccount(ctx, tx, u.Phone, now)
			if err != nil {
				return err
			}
			if bal < points {
				return errs.Conflictf("积分不足：现有%d分", "not enough points: %d held", bal)
			}
			var pending int
			if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM volunteer_codes WHERE phone = $1 AND status = 'pending' AND expires_at > $2`, u.Phone, db.Millis(now)).Scan(&pending); err != nil {
				return errs.Wrap(err, "pending codes")
			}
			if pending >= MaxPendingCodes {
				return errs.Conflictf("未使用的兑换码已有%d个，请先使用或作废", "%d codes wait to be used; use or withdraw some first", pending)
			}
			_, err = tx.ExecContext(ctx, `INSERT INTO volunteer_codes (id, code, phone, points, status, created_at, expires_at) VALUES ($1, $2, $3, $4, 'pending', $5, $6)`,
				c.ID, c.Code, u.Phone, points, db.Millis(now), db.Millis(c.ExpiresAt))
			if err != nil {
				return errs.Wrap(db.MapError(err), "insert code")
			}
			return s.event(ctx, tx, c.ID, u, "", "code", map[string]any{"points": points, "expires_at": c.ExpiresAt}, now)
		})
		if !db.IsUnique(err) {
			return c, err
		}
	}
	return Code{}, errs.Conflictf("兑换码冲突，请重试", "code taken; try again")
}

// Codes are u's codes, newest first; a pending one past its time reads
// expired.
func (s *Service) Codes(ctx context.Context, u auth.User, n int) ([]Code, error) {
	if !CanSeeOwn(u) {
		return nil, errs.ErrForbidden
	}
	if n <= 0 || n > MaxList {
		n = DefaultList
	}
	rows, err := s.db.R.QueryContext(ctx, `SELECT id, code, points, status, created_at, expires_at, shop_org, redeemed_at FROM volunteer_codes WHERE phone = $1 ORDER BY created_at DESC, id LIMIT $2`, u.Phone, n)
	if err != nil {
		return nil, errs.Wrap(err, "codes")
	}
	defer rows.Close()
	now := s.clock.Now()
	out := []Code{}
	for rows.Next() {
		var c Code
		var created, expires int64
		var red sql.NullInt64
		if err := rows.Scan(&c.ID, &c.Code, &c.Points, &c.Status, &created, &expires, &c.ShopOrg, &red); err != nil {
			return nil, errs.Wrap(err, "scan code")
		}
		c.CreatedAt, c.ExpiresAt, c.RedeemedAt = s.at(created), s.at(expires), s.opt(red)
		if c.Status == CodePending && !c.ExpiresAt.After(now) {
			c.Status = CodeExpired
		}
		if c.Status != CodePending {
			c.Code = ""
		}
		out = append(out, c)
	}
	return out, errs.Wrap(rows.Err(), "codes")
}

// WithdrawCode voids u's pending code.
func (s *Service) WithdrawCode(ctx context.Context, u auth.User, id string) error {
	if !CanSeeOwn(u) {
		return errs.ErrForbidden
	}
	now := s.clock.Now()
	return s.db.Tx(ctx, func(tx *sql.Tx) error {
		x, err := tx.ExecContext(ctx, `UPDATE volunteer_codes SET status = 'withdrawn' WHERE id = $1 AND phone = $2 AND status = 'pending'`, id, u.Phone)
		if err != nil {
			return errs.Wrap(err, "withdraw code")
		}
		if n, _ := x.RowsAffected(); n == 0 {
			return errBadCode
		}
		return s.event(ctx, tx, id, u, "", "withdraw_code", nil, now)
	})
}

// ConfirmCode redeems a code at u's partner shop: the points leave its
// maker's ledger (a negative entry caused by the code) unless her balance
// no longer covers them. Every try takes one of the shop account's
// guesses, so codes cannot be found by trying.
func (s *Service) ConfirmCode(ctx context.Context, u auth.User, code string) (Code, error) {
	if !s.rules.Shops {
		return Code{}, ErrShopsOff
	}
	shop, err := s.shop(ctx, s.db.R, u)
	if err != nil {
		return Code{}, err
	}
	if !CanConfirmCode(u, shop) {
		return Code{}, errs.New(errs.Forbidden, "只有积分兑换合作商户的工作人员可以核销兑换码", "only the staff of a partner shop confirm codes")
	}
	if err := limit.Check(s.guesses, "u:"+u.ID); err != nil {
		return Code{}, err
	}
	code = NormalizeCode(code)
	if len(code) != codeLen || strings.Trim(code, codeAlphabet) != "" {
		return Code{}, errBadCode
	}
	now := s.clock.Now()
	var c Code
	var phone string
	err = s.db.Tx(ctx, func(tx *sql.Tx) error {
		var created, expires int64
		err := tx.QueryRowContext(ctx, `SELECT id, phone, points, status, created_at, expires_at FROM volunteer_codes WHERE code = $1`, code).
			Scan(&c.ID, &phone, &c.Points, &c.Status, &created, &expires)
		if errors.Is(err, sql.ErrNoRows) {
			return errBadCode
		}
		if err != nil {
			return errs.Wrap(err, "read code")
		}
		if c.Status != CodePending || expires <= db.Millis(now) {
			return errBadCode
		}
		bal, err := s.lockAccount(ctx, tx, phone, now)
		if err != nil {
			return err
		}
		if bal < c.Points {
			return errs.Conflictf("该居民积分不足（现有%d分），不能兑换", "her balance (%d) does not cover the code", bal)
		}
		x, err := tx.ExecContext(ctx, `UPDATE volunteer_codes SET status = 'redeemed', shop_org = $2, redeemed_by = $3, redeemed_at = $4 WHERE id = $1 AND status = 'pending'`,
			c.ID, u.OrgCode, u.ID, db.Millis(now))
		if err != nil {
			return errs.Wrap(err, "redeem code")
		}
		if n, _ := x.RowsAffected(); n == 0 {
			return errBadCode
		}
		ok, err := s.credit(ctx, tx, phone, -c.Points, CauseRedeem, c.ID, u.ID, now)
		if err != nil {
			return err
		}
		if !ok {
			return errBadCode
		}
		if err := s.event(ctx, tx, c.ID, u, "", "redeem", map[string]any{"points": c.Points, "shop": u.OrgCode}, now); err != nil {
			return err
		}
		return s.notify(ctx, tx, now, phone, "", fmt.Sprintf("您的兑换码已在商户核销，扣减%d积分，余%d分。", c.Points, bal-c.Points))
	})
	if err != nil {
		return Code{}, err
	}
	c.Status, c.ShopOrg, c.RedeemedAt, c.Phone = CodeRedeemed, u.OrgCode, &now, auth.MaskPhone(phone)
	c.CreatedAt = now
	return c, nil
}

// AddShop makes an organisation a partner shop.
func (s *Service) AddShop(ctx context.Context, u auth.User, org string) error {
	if !CanKeepShops(u) {
		return errs.New(errs.Forbidden, "只有管理员可以维护合作商户", "only the administrator keeps the partner shops")
	}
	now := s.clock.Now()
	return s.db.Tx(ctx, func(tx *sql.Tx) error {
		if _, err := gov.OrgQ(ctx, tx, org); err != nil {
			if errs.Is(err, errs.NotFound) {
				return errs.Invalidf("单位 %s 不存在", "organisation %s does not exist", org)
			}
			return err
		}
		x, err := tx.ExecContext(ctx, `INSERT INTO volunteer_shops (org_code, added_by, added_at) VALUES ($1, $2, $3) ON CONFLICT (org_code) DO NOTHING`, org, u.ID, db.Millis(now))
		if err != nil {
			return errs.Wrap(err, "add shop")
		}
		if n, _ := x.RowsAffected(); n == 0 {
			return errs.Conflictf("该单位已是合作商户", "the organisation is a partner shop already")
		}
		return s.event(ctx, tx, "shop:"+org, u, "", "add_shop", nil, now)
	})
}

// RemoveShop ends an organisation's partnership.
func (s *Service) RemoveShop(ctx context.Context, u auth.User, org string) error {
	if !CanKeepShops(u) {
		return errs.New(errs.Forbidden, "只有管理员可以维护合作商户", "only the administrator keeps the partner shops")
	}
	now := s.clock.Now()
	return s.db.Tx(ctx, func(tx *sql.Tx) error {
		x, err := tx.ExecContext(ctx, `DELETE FROM volunteer_shops WHERE org_code = $1`, org)
		if err != nil {
			return errs.Wrap(err, "remove shop")
		}
		if n, _ := x.RowsAffected(); n == 0 {
			return errs.NotFoundf("该单位不是合作商户", "the organisation is not a partner shop")
		}
		return s.event(ctx, tx, "shop:"+org, u, "", "remove_shop", nil, now)
	})
}

// Shops lists the partner shops, to everyone: residents choose where to go.
func (s *Service) Shops(ctx context.Context) ([]Shop, error) {
	rows, err := s.db.R.QueryContext(ctx, `SELECT s.org_code, o.name, s.added_at FROM volunteer_shops s JOIN orgs o ON o.code = s.org_code ORDER BY o.name, s.org_code`)
	if err != nil {
		return nil, errs.Wrap(err, "shops")
	}
	defer rows.Close()
	out := []Shop{}
	for rows.Next() {
		var x Shop
		var at int64
		if err := rows.Scan(&x.OrgCode, &x.Name, &at); err != nil {
			return nil, errs.Wrap(err, "scan shop")
		}
		x.AddedAt = s.at(at)
		out = append(out, x)
	}
	return out, errs.Wrap(rows.Err(), "shops")
}
