package evaluation

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"

	"github.com/gongzhi/gongzhi/internal/db"
	"github.com/gongzhi/gongzhi/internal/errs"
)

// CategoryCount is how many of a period's tickets a category had.
type CategoryCount struct {
	Code string `json:"code"`
	N    int64  `json:"n"`
}

// TopCategories counts the period's tickets (the evaluation's population:
// closed in the period) by category, most first.
func (s *Service) TopCategories(ctx context.Context, p Period, n int) ([]CategoryCount, error) {
	if n <= 0 || n > 100 {
		n = 10
	}
	rows, err := s.db.Reader(ctx).QueryContext(ctx, `SELECT category_code, COUNT(*) FROM tickets t
WHERE `+prefixed(baseCond)+` GROUP BY category_code ORDER BY 2 DESC, 1 LIMIT $3`,
		db.Millis(p.From), db.Millis(p.To), n)
	if err != nil {
		return nil, errs.Wrap(err, "top categories")
	}
	defer rows.Close()
	out := []CategoryCount{}
	for rows.Next() {
		var c CategoryCount
		if err := rows.Scan(&c.Code, &c.N); err != nil {
			return nil, errs.Wrap(err, "top categories")
		}
		out = append(out, c)
	}
	return out, errs.Wrap(rows.Err(), "top categories")
}

// PublicSettings says what the district discloses on its public page.
type PublicSettings struct {
	Totals  bool `json:"totals"`  // the monthly number of tickets, twelve months
	Rates   bool `json:"rates"`   // the district's response, resolution and satisfaction rates
	Ranking bool `json:"ranking"` // the ranking of the streets
}

// DefaultPublicSettings: totals and the district's rates shown, rankings hidden.
func DefaultPublicSettings() PublicSettings { return PublicSettings{Totals: true, Rates: true} }

const publicKey = "public_page"

// PublicSettings returns what the public page shows.
func (s *Service) PublicSettings(ctx context.Context) (PublicSettings, error) {
	ps := DefaultPublicSettings()
	var v string
	err := s.db.R.QueryRowContext(ctx, `SELECT value FROM settings WHERE key = $1`, publicKey).Scan(&v)
	if errors.Is(err, sql.ErrNoRows) {
		return ps, nil
	}
	if err != nil {
		return ps, errs.Wrap(err, "read public page settings")
	}
	if err := json.Unmarshal([]byte(v), &ps); err != nil {
		return DefaultPublicSettings(), errs.Wrap(err, "decode public page settings")
	}
	return ps, nil
}

// SavePublicSettings sets what the public page shows.
func (s *Service) SavePublicSettings(ctx context.Context, ps PublicSettings) error {
	b, err := json.Marshal(ps)
	if err != nil {
		return errs.Wrap(err, "encode public page settings")
	}
	return s.db.Tx(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `INSERT INTO settings (key, value) VALUES ($1, $2)
ON CONFLICT (key) DO UPDATE SET value = excluded.value`, publicKey, string(b))
		return errs.Wrap(err, "save public page settings")
	})
}
