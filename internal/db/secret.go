package db

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"fmt"
)

// Secret returns the named secret of n random bytes, kept in the settings
// table (never exported) and made on first use, so that every process of
// one server — and the server after a restart — shares it.
func (d *DB) Secret(ctx context.Context, name string, n int) ([]byte, error) {
	key := "secret." + name
	fresh := make([]byte, n)
	if _, err := rand.Read(fresh); err != nil {
		return nil, err
	}
	// DO NOTHING: a process that made one first wins, and every other reads it.
	err := d.Tx(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `INSERT INTO settings (key, value) VALUES ($1, $2) ON CONFLICT (key) DO NOTHING`, key, hex.EncodeToString(fresh))
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("keep secret %s: %w", name, err)
	}
	var v string
	if err := d.W.QueryRowContext(ctx, `SELECT value FROM settings WHERE key = $1`, key).Scan(&v); err != nil {
		return nil, fmt.Errorf("read secret %s: %w", name, err)
	}
	b, err := hex.DecodeString(v)
	if err != nil || len(b) != n {
		return nil, fmt.Errorf("secret %s in settings is not %d hex-encoded bytes", name, n)
	}
	return b, nil
}
