package auth

import (
	"context"
	"database/sql"
	"errors"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/gongzhi/gongzhi/internal/db"
	"github.com/gongzhi/gongzhi/internal/errs"
)

// API keys let another system act through an account without a password or a
// session: a reporting app posting Open311 requests, or a department's own
// system syncing the status of its tickets back. Each key acts as one staff
// account the administrator chooses (usually a service account made for the
// purpose), so the key has exactly that account's area scope and
// organisation; disabling the account stops all its keys, and revoking a key
// stops that key alone. Only the SHA-256 of a key is stored; the key itself
// is shown once, when it is made.

// APIKeyPrefix starts every key, so a leaked key is easy to recognise.
const APIKeyPrefix = "gzk_"

// apiKeyDisplay is how many leading characters of a key are kept for display.
const apiKeyDisplay = 8

// MaxAPIKeyName is the longest name of a key, in characters.
const MaxAPIKeyName = 100

// APIKey is a key as the administrator sees it: never the key itself.
type APIKey struct {
	ID         string     `json:"id"`
	Name       string     `json:"name"`
	Prefix     string     `json:"prefix"`
	UserID     string     `json:"user_id"`
	OrgCode    string     `json:"org_code"`
	CreatedBy  string     `json:"created_by"`
	CreatedAt  time.Time  `json:"created_at"`
	RevokedAt  *time.Time `json:"revoked_at"`
	LastUsedAt *time.Time `json:"last_used_at"`
	UseCount   int64      `json:"use_count"`
}

// apiKeyRoles are the roles a key may act as: the roles that register
// requests. Admins and supervisors are left out so that a leaked key can
// never administer the system or see the whole district's personal data.
var apiKeyRoles = map[Role]bool{RoleDispatcher: true, RoleAgent: true, RoleHandler: true, RoleGridWorker: true}

// APIKeyRole reports whether a key may act as an account of the role; the
// pages offer only such accounts.
func APIKeyRole(r Role) bool { return apiKeyRoles[r] }

// AuditCreateAPIKey and AuditRevokeAPIKey are audit-log actions.
const (
	AuditCreateAPIKey = "create_api_key"
	AuditRevokeAPIKey = "revoke_api_key"
)

var errBadAPIKey = errs.New(errs.Unauthorized, "API 密钥无效或已吊销", "invalid or revoked api_key")

// CreateAPIKey makes a key that acts as the account userID and returns it,
// shown this once, with its record. Only an administrator may.
func (s *Service) CreateAPIKey(ctx context.Context, admin User, name, userID string) (string, APIKey, error) {
	if admin.Role != RoleAdmin {
		return "", APIKey{}, errs.ErrForbidden
	}
	name = strings.TrimSpace(name)
	if name == "" || utf8.RuneCountInString(name) > MaxAPIKeyName {
		return "", APIKey{}, errs.Invalidf("密钥名称须为1到%d个字", "name must be 1 to %d characters", MaxAPIKeyName)
	}
	userID = strings.TrimSpace(userID)
	if userID == "" {
		return "", APIKey{}, errs.Invalidf("请选择该密钥代表的账号（user_id）", "user_id is required: the account the key acts as")
	}
	u, err := s.User(ctx, userID)
	if errs.Is(err, errs.NotFound) {
		return "", APIKey{}, errs.Invalidf("账号 %s 不存在", "no account %s", userID)
	}
	if err != nil {
		return "", APIKey{}, err
	}
	if !apiKeyRoles[u.Role] {
		return "", APIKey{}, errs.Invalidf("密钥只能代表派单员、话务员、承办人或网格员账号", "a key can only act as a dispatcher, agent, handler or grid worker account")
	}
	if u.Disabled {
		return "", APIKey{}, errs.Invalidf("账号已停用", "the account is disabled")
	}
	key := APIKeyPrefix + randomToken(32)
	k := APIKey{ID: db.NewID(), Name: name, Prefix: key[:apiKeyDisplay], UserID: u.ID, OrgCode: u.OrgCode,
		CreatedBy: admin.ID, CreatedAt: s.clock.Now()}
	err = s.db.Tx(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `INSERT INTO api_keys (id, name, key_hash, prefix, user_id, org_code, created_by, created_at, use_count)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 0)`, k.ID, k.Name, hashToken(key), k.Prefix, k.UserID, k.OrgCode, k.CreatedBy, db.Millis(k.CreatedAt))
		if err != nil {
			return errs.Wrap(err, "insert api key")
		}
		return AuditTx(ctx, tx, k.CreatedAt, admin, AuditCreateAPIKey, "api_key:"+k.ID, k.Name+" as "+u.Username)
	})
	if err != nil {
		return "", APIKey{}, err
	}
	return key, k, nil
}

const apiKeyCols = `id, name, prefix, user_id, org_code, created_by, created_at, revoked_at, last_used_at, use_count`

func scanAPIKey(sc interface{ Scan(...any) error }) (APIKey, error) {
	var k APIKey
	var created int64
	var revoked, used sql.NullInt64
	if err := sc.Scan(&k.ID, &k.Name, &k.Prefix, &k.UserID, &k.OrgCode, &k.CreatedBy, &created, &revoked, &used, &k.UseCount); err != nil {
		return k, err
	}
	k.CreatedAt = time.UnixMilli(created)
	if revoked.Valid {
		t := time.UnixMilli(revoked.Int64)
		k.RevokedAt = &t
	}
	if used.Valid {
		t := time.UnixMilli(used.Int64)
		k.LastUsedAt = &t
	}
	return k, nil
}

// ListAPIKeys returns every key, newest first, revoked ones included.
func (s *Service) ListAPIKeys(ctx context.Context, admin User) ([]APIKey, error) {
	if admin.Role != RoleAdmin {
		return nil, errs.ErrForbidden
	}
	rows, err := s.db.R.QueryContext(ctx, `SELECT `+apiKeyCols+` FROM api_keys ORDER BY created_at DESC, id LIMIT 1000`)
	if err != nil {
		return nil, errs.Wrap(err, "list api keys")
	}
	defer rows.Close()
	items := []APIKey{}
	for rows.Next() {
		k, err := scanAPIKey(rows)
		if err != nil {
			return nil, errs.Wrap(err, "scan api key")
		}
		items = append(items, k)
	}
	return items, errs.Wrap(rows.Err(), "list api keys")
}

// RevokeAPIKey stops a key for good. Revoking a revoked key changes nothing.
func (s *Service) RevokeAPIKey(ctx context.Context, admin User, id string) error {
	if admin.Role != RoleAdmin {
		return errs.ErrForbidden
	}
	now := s.clock.Now()
	return s.db.Tx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE api_keys SET revoked_at = COALESCE(revoked_at, $1) WHERE id = $2`, db.Millis(now), id)
		if err != nil {
			return errs.Wrap(err, "revoke api key")
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return errs.NotFoundf("密钥不存在", "no such api key")
		}
		return AuditTx(ctx, tx, now, admin, AuditRevokeAPIKey, "api_key:"+id, "")
	})
}

// AuthenticateAPIKey returns the account a key acts as, and the key, and
// counts the use: one UPDATE … RETURNING that finds the key by its hash and
// bumps use_count and last_used_at in the same statement.
func (s *Service) AuthenticateAPIKey(ctx context.Context, key string) (User, APIKey, error) {
	if !strings.HasPrefix(key, APIKeyPrefix) || len(key) > 100 {
		return User{}, APIKey{}, errBadAPIKey
	}
	now := s.clock.Now()
	var k APIKey
	// Counting the use is a write on every request: it shares the group
	// commit with the submissions of the moment instead of a commit of its own.
	err := s.db.GroupTx(ctx, func(ctx context.Context, tx *sql.Tx) error {
		var err error
		k, err = scanAPIKey(tx.QueryRowContext(ctx, `UPDATE api_keys SET use_count = use_count + 1, last_used_at = $1
WHERE key_hash = $2 AND revoked_at IS NULL RETURNING `+apiKeyCols, db.Millis(now), hashToken(key)))
		if errors.Is(err, sql.ErrNoRows) {
			return errBadAPIKey
		}
		return errs.Wrap(err, "use api key")
	})
	if err != nil {
		return User{}, APIKey{}, err
	}
	u, err := s.User(ctx, k.UserID)
	if errs.Is(err, errs.NotFound) || err == nil && u.Disabled {
		return User{}, APIKey{}, errBadAPIKey
	}
	if err != nil {
		return User{}, APIKey{}, err
	}
	u, err = s.withScope(ctx, u)
	return u, k, err
}
