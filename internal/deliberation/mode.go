package deliberation

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"time"

	"github.com/gongzhi/gongzhi/internal/auth"
	"github.com/gongzhi/gongzhi/internal/db"
	"github.com/gongzhi/gongzhi/internal/errs"
)

// Mode is how the district reviews comments on public items.
type Mode string

const (
	ModePre  Mode = "pre"  // 先审后发: held until a moderator publishes them (the default)
	ModePost Mode = "post" // 先发后审: shown at once, reviewed when reported
)

// Valid reports whether m is a mode.
func (m Mode) Valid() bool { return m == ModePre || m == ModePost }

// ModeSetting is the district's mode and since when it holds; Since is nil
// for the default, in force since the start.
type ModeSetting struct {
	Mode  Mode       `json:"mode"`
	Since *time.Time `json:"since"`
}

const modeKey = "deliberation.mode"

type storedMode struct {
	Mode  Mode  `json:"mode"`
	Since int64 `json:"since"`
}

// Mode returns the district's review mode.
func (s *Service) Mode(ctx context.Context) (ModeSetting, error) {
	return s.mode(ctx, s.db.R)
}

func (s *Service) mode(ctx context.Context, q db.Queryer) (ModeSetting, error) {
	var v string
	err := q.QueryRowContext(ctx, `SELECT value FROM settings WHERE key = $1`, modeKey).Scan(&v)
	if errors.Is(err, sql.ErrNoRows) {
		return ModeSetting{Mode: ModePre}, nil
	}
	if err != nil {
		return ModeSetting{Mode: ModePre}, errs.Wrap(err, "read review mode")
	}
	var st storedMode
	if json.Unmarshal([]byte(v), &st) != nil || !st.Mode.Valid() {
		return ModeSetting{Mode: ModePre}, nil
	}
	since := s.at(st.Since)
	return ModeSetting{Mode: st.Mode, Since: &since}, nil
}

// SetMode sets the district's review mode; setting the mode in force
// changes nothing. The change is an event of its own.
func (s *Service) SetMode(ctx context.Context, u auth.User, m Mode) (ModeSetting, error) {
	if !m.Valid() {
		return ModeSetting{}, errs.Invalidf("审核方式应为 pre（先审后发）或 post（先发后审）", "mode must be pre (review first) or post (review after)")
	}
	if !CanSetMode(u) {
		return ModeSetting{}, errs.New(errs.Forbidden, "只有系统管理员可以设置评论审核方式", "only the administrator sets how comments are reviewed")
	}
	var out ModeSetting
	err := s.db.Tx(ctx, func(tx *sql.Tx) error {
		cur, err := s.mode(ctx, tx)
		if err != nil {
			return err
		}
		if cur.Mode == m {
			out = cur
			return nil
		}
		now := s.clock.Now()
		b, _ := json.Marshal(storedMode{Mode: m, Since: db.Millis(now)})
		if _, err := tx.ExecContext(ctx, `INSERT INTO settings (key, value) VALUES ($1, $2) ON CONFLICT (key) DO UPDATE SET value = excluded.value`,
			modeKey, string(b)); err != nil {
			return errs.Wrap(err, "save review mode")
		}
		since := now.In(s.loc)
		out = ModeSetting{Mode: m, Since: &since}
		return s.event(ctx, tx, "", u, now, event{Kind: "mode", From: Status(cur.Mode), To: Status(m)})
	})
	return out, err
}
