package ticket

import (
	"context"
	"database/sql"
	"net/url"
	"slices"
	"strings"

	"github.com/gongzhi/gongzhi/internal/auth"
	"github.com/gongzhi/gongzhi/internal/db"
	"github.com/gongzhi/gongzhi/internal/errs"
)

// Saved filters: a staff member keeps the workbench filters she uses under
// names of her own. They are hers alone: every read and write is by the
// acting user's id, so nobody reads, changes or deletes another's.

// Limits of saved filters.
const (
	MaxSavedFilters   = 20   // per user
	MaxFilterName     = 30   // characters
	MaxFilterQueryLen = 1000 // bytes of the query string
)

// FilterKeys are the query parameters a saved filter may hold: those of the
// workbench's list.
var FilterKeys = []string{"q", "status", "light", "overdue", "part", "category", "area", "org", "channel", "from", "to", "requester_kind"}

// SavedFilter is one named filter of a user.
type SavedFilter struct {
	Name  string `json:"name"`
	Query string `json:"query"` // the workbench's query string, keys of FilterKeys
}

func mayKeepFilters(u auth.User) error {
	if u.ID == "" || !u.Role.IsStaff() {
		return errs.New(errs.Forbidden, "只有工作人员可以保存筛选条件", "only staff keep saved filters")
	}
	return nil
}

// cleanSavedFilter checks a filter's name and query and writes the query in
// one order (url.Values.Encode), without empty values.
func cleanSavedFilter(f *SavedFilter) error {
	f.Name = strings.TrimSpace(CleanText(f.Name))
	if f.Name == "" {
		return errs.Invalidf("请为筛选条件起个名字", "the filter needs a name")
	}
	if runes(f.Name) > MaxFilterName {
		return errs.Invalidf("筛选名称不能超过%d字", "a filter's name must be at most %d characters", MaxFilterName)
	}
	if len(f.Query) > MaxFilterQueryLen {
		return errs.Invalidf("筛选条件过长（上限%d字节）", "the filter is too long (at most %d bytes)", MaxFilterQueryLen)
	}
	q, err := url.ParseQuery(f.Query)
	if err != nil {
		return errs.Invalidf("筛选条件格式不正确", "malformed filter query")
	}
	for k, vs := range q {
		if !slices.Contains(FilterKeys, k) {
			return errs.Invalidf("筛选条件含未知参数：%q", "unknown filter parameter: %q", k)
		}
		if len(vs) != 1 || CleanText(vs[0]) != vs[0] {
			return errs.Invalidf("筛选参数 %s 的值不正确", "bad value of filter parameter %s", k)
		}
		if vs[0] == "" && k != "status" { // an empty status is "all", kept
			q.Del(k)
		}
	}
	f.Query = q.Encode()
	return nil
}

// SaveFilter keeps f for u under its name, replacing her filter of the same
// name; a new name beyond MaxSavedFilters is refused.
func (s *Service) SaveFilter(ctx context.Context, u auth.User, f SavedFilter) (SavedFilter, error) {
	if err := mayKeepFilters(u); err != nil {
		return SavedFilter{}, err
	}
	if err := cleanSavedFilter(&f); err != nil {
		return SavedFilter{}, err
	}
	now := db.Millis(s.clock.Now())
	err := s.db.Tx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE saved_filters SET query = $1 WHERE user_id = $2 AND name = $3`, f.Query, u.ID, f.Name)
		if err != nil {
			return errs.Wrap(err, "update saved filter")
		}
		if n, _ := res.RowsAffected(); n == 1 {
			return nil
		}
		var count int
		if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM saved_filters WHERE user_id = $1`, u.ID).Scan(&count); err != nil {
			return errs.Wrap(err, "count saved filters")
		}
		if count >= MaxSavedFilters {
			return errs.Invalidf("最多保存%d个筛选条件，请先删除不用的", "at most %d saved filters: delete one you no longer use first", MaxSavedFilters)
		}
		_, err = tx.ExecContext(ctx, `INSERT INTO saved_filters (user_id, name, query, created_at) VALUES ($1, $2, $3, $4)`, u.ID, f.Name, f.Query, now)
		return errs.Wrap(err, "insert saved filter")
	})
	return f, err
}

// SavedFilters lists u's own filters by name.
func (s *Service) SavedFilters(ctx context.Context, u auth.User) ([]SavedFilter, error) {
	if err := mayKeepFilters(u); err != nil {
		return nil, err
	}
	rows, err := s.db.R.QueryContext(ctx, `SELECT name, query FROM saved_filters WHERE user_id = $1 ORDER BY name`, u.ID)
	if err != nil {
		return nil, errs.Wrap(err, "list saved filters")
	}
	defer rows.Close()
	var out []SavedFilter
	for rows.Next() {
		var f SavedFilter
		if err := rows.Scan(&f.Name, &f.Query); err != nil {
			return nil, errs.Wrap(err, "scan saved filter")
		}
		out = append(out, f)
	}
	return out, errs.Wrap(rows.Err(), "list saved filters")
}

// DeleteFilter removes u's filter of that name; another's is never touched,
// and a name she does not have is not found.
func (s *Service) DeleteFilter(ctx context.Context, u auth.User, name string) error {
	if err := mayKeepFilters(u); err != nil {
		return err
	}
	res, err := s.db.W.ExecContext(ctx, `DELETE FROM saved_filters WHERE user_id = $1 AND name = $2`, u.ID, strings.TrimSpace(name))
	if err != nil {
		return errs.Wrap(err, "delete saved filter")
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return errs.NotFoundf("没有名为“%s”的筛选条件", "no saved filter named %q", name)
	}
	return nil
}
