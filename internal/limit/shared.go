package limit

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"math"
	"time"

	"github.com/gongzhi/gongzhi/internal/db"
	"github.com/gongzhi/gongzhi/internal/errs"
)

// Allower is a rate limit: Allow takes a token for key, or says how long
// until one will be. Limiter keeps its buckets in the process, Shared in
// the database.
type Allower interface {
	Allow(key string) (bool, time.Duration)
}

// Shared is a token bucket per key kept in the database (rate_buckets), so
// that it holds across every server on it and across restarts: with three
// servers behind a load balancer an address still gets n, not 3n. Each
// Allow is one conditional upsert (and a read when refused), so Shared is
// for the limits that guard a secret or a cost (login codes, look-ups by
// number and phone, a submitter's quota), whose requests write anyway;
// the floods' shields per address stay in the process (Limiter).
type Shared struct {
	db    *db.DB
	name  string
	rate  float64 // tokens per millisecond
	burst float64
	now   func() time.Time
}

// NewShared returns a limit named name (its keys' prefix in the table)
// allowing n events per period per key, all at once if need be.
func NewShared(d *db.DB, name string, n int, period time.Duration) *Shared {
	return &Shared{db: d, name: name, rate: float64(n) / float64(period.Milliseconds()), burst: float64(n), now: time.Now}
}

// refill is a bucket's tokens at $3, capped at the burst $2.
const refill = `(CASE WHEN rate_buckets.tokens + (CAST($3 AS BIGINT) - rate_buckets.at) * CAST($5 AS DOUBLE PRECISION) > CAST($2 AS DOUBLE PRECISION)
 THEN CAST($2 AS DOUBLE PRECISION) ELSE rate_buckets.tokens + (CAST($3 AS BIGINT) - rate_buckets.at) * CAST($5 AS DOUBLE PRECISION) END)`

const takeSQL = `INSERT INTO rate_buckets (key, tokens, at, full_at) VALUES ($1, CAST($2 AS DOUBLE PRECISION) - 1, $3, CAST($3 AS BIGINT) + CAST($4 AS BIGINT))
ON CONFLICT (key) DO UPDATE SET tokens = ` + refill + ` - 1, at = $3,
 full_at = CAST($3 AS BIGINT) + CAST((CAST($2 AS DOUBLE PRECISION) - ` + refill + ` + 1) / CAST($5 AS DOUBLE PRECISION) AS BIGINT)
WHERE ` + refill + ` >= 1`

// Allow takes one token for key. When none is left it returns false and
// how long until one will be. A database that does not answer lets the
// request through: what the limit guards needs the database too.
func (s *Shared) Allow(key string) (bool, time.Duration) {
	ok, wait, err := s.take(key)
	if err != nil {
		return true, 0
	}
	return ok, wait
}

func (s *Shared) take(key string) (bool, time.Duration, error) {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	k := s.name + ":" + key
	if len(k) > 96 { // a stranger's long key is stored as its hash
		sum := sha256.Sum256([]byte(key))
		k = s.name + ":#" + hex.EncodeToString(sum[:])
	}
	now := db.Millis(s.now())
	res, err := s.db.W.ExecContext(ctx, takeSQL, k, s.burst, now, int64(math.Ceil(1/s.rate)), s.rate)
	if err != nil {
		return false, 0, errs.Wrap(err, "take a rate token")
	}
	if n, err := res.RowsAffected(); err != nil || n == 1 {
		return true, 0, err
	}
	var tokens float64
	var at int64
	if err := s.db.W.QueryRowContext(ctx, `SELECT tokens, at FROM rate_buckets WHERE key = $1`, k).Scan(&tokens, &at); err != nil {
		return false, 0, errs.Wrap(err, "read a rate bucket")
	}
	have := math.Min(s.burst, tokens+float64(max(now-at, 0))*s.rate)
	wait := time.Duration((1 - have) / s.rate * float64(time.Millisecond))
	return false, max(wait, time.Millisecond), nil
}

// PruneShared deletes the buckets that are full again, which are the same
// as none; the background work calls it every hour.
func PruneShared(ctx context.Context, d *db.DB, now time.Time) (int64, error) {
	res, err := d.W.ExecContext(ctx, `DELETE FROM rate_buckets WHERE full_at < $1`, db.Millis(now))
	if err != nil {
		return 0, errs.Wrap(err, "prune rate buckets")
	}
	return res.RowsAffected()
}
