package ticket

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"errors"
	"strings"

	"github.com/gongzhi/gongzhi/internal/db"
	"github.com/gongzhi/gongzhi/internal/errs"
	"github.com/gongzhi/gongzhi/internal/gov"
)

func (c Category) validate() error {
	if !gov.ValidCode(c.Code) {
		return errs.Invalidf("分类代码格式不正确：%q", "malformed category code: %q", c.Code)
	}
	if c.ParentCode != "" && (!strings.HasPrefix(c.Code, c.ParentCode) || c.Code == c.ParentCode) {
		return errs.Invalidf("分类代码 %s 必须以上级代码 %s 开头", "category code %s must start with its parent's code %s", c.Code, c.ParentCode)
	}
	if strings.TrimSpace(c.Name) == "" || runes(c.Name) > 50 || runes(c.NameEn) > 100 {
		return errs.Invalidf("分类名称不能为空且不超过50字", "category name must be 1 to 50 characters")
	}
	return nil
}

// UpsertCategory creates or updates a category; its parent must exist.
func (s *Service) UpsertCategory(ctx context.Context, c Category) error {
	if err := c.validate(); err != nil {
		return err
	}
	return s.refTx(ctx, func(tx *sql.Tx) error {
		if c.ParentCode != "" {
			if _, err := categoryQ(ctx, tx, c.ParentCode); err != nil {
				return err
			}
		}
		_, err := tx.ExecContext(ctx, `INSERT INTO categories (code, parent_code, name, name_en, sort, active, placeless)
VALUES ($1, $2, $3, $4, $5, $6, $7)
ON CONFLICT (code) DO UPDATE SET parent_code = excluded.parent_code, name = excluded.name, name_en = excluded.name_en,
  sort = excluded.sort, active = excluded.active, placeless = excluded.placeless`,
			c.Code, c.ParentCode, c.Name, c.NameEn, c.Sort, c.Active, c.Placeless)
		return errs.Wrap(err, "upsert category")
	})
}

const categoryCols = `code, parent_code, name, name_en, sort, active, placeless`

func scanCategory(sc interface{ Scan(...any) error }) (Category, error) {
	var c Category
	err := sc.Scan(&c.Code, &c.ParentCode, &c.Name, &c.NameEn, &c.Sort, &c.Active, &c.Placeless)
	return c, err
}

func categoryQ(ctx context.Context, q db.Queryer, code string) (Category, error) {
	c, err := scanCategory(q.QueryRowContext(ctx, `SELECT `+categoryCols+` FROM categories WHERE code = $1`, code))
	if errors.Is(err, sql.ErrNoRows) {
		return Category{}, errs.NotFoundf("诉求分类 %s 不存在", "category %s does not exist", code)
	}
	return c, errs.Wrap(err, "get category")
}

// Category returns one category.
func (s *Service) Category(ctx context.Context, code string) (Category, error) {
	return categoryQ(ctx, s.db.R, code)
}

// Categories returns the whole tree in display order (parents before
// children), without the row of unclassified tickets (code "").
func (s *Service) Categories(ctx context.Context) ([]Category, error) {
	rows, err := s.db.R.QueryContext(ctx, `SELECT `+categoryCols+` FROM categories WHERE code <> '' ORDER BY code`)
	if err != nil {
		return nil, errs.Wrap(err, "list categories")
	}
	defer rows.Close()
	items := []Category{}
	for rows.Next() {
		c, err := scanCategory(rows)
		if err != nil {
			return nil, errs.Wrap(err, "scan category")
		}
		items = append(items, c)
	}
	return items, errs.Wrap(rows.Err(), "list categories")
}

// UpsertRule creates or replaces the catalogue line for (category, area).
func (s *Service) UpsertRule(ctx context.Context, r Rule) error {
	return s.upsertRule(ctx, r, nil)
}

// upsertRule writes the line, and then runs also (when set) in the same
// transaction.
func (s *Service) upsertRule(ctx context.Context, r Rule, also func(tx *sql.Tx) error) error {
	if r.CategoryCode != "" && !gov.ValidCode(r.CategoryCode) || r.AreaCode != "" && !gov.ValidCode(r.AreaCode) {
		return errs.Invalidf("派单规则的分类或区划代码格式不正确", "malformed category or area code in rule")
	}
	if r.ID == "" {
		h := sha256.Sum256([]byte(r.CategoryCode + "|" + r.AreaCode))
		r.ID = hex.EncodeToString(h[:8])
	}
	now := db.Millis(s.clock.Now())
	return s.refTx(ctx, func(tx *sql.Tx) error {
		if r.CategoryCode != "" {
			if _, err := categoryQ(ctx, tx, r.CategoryCode); err != nil {
				return err
			}
		}
		if r.AreaCode != "" {
			if _, err := gov.AreaQ(ctx, tx, r.AreaCode); err != nil {
				return err
			}
		}
		if _, err := gov.OrgQ(ctx, tx, r.OrgCode); err != nil {
			return err
		}
		_, err := tx.ExecContext(ctx, `INSERT INTO dispatch_rules (id, category_code, area_code, org_code, created_at) VALUES ($1, $2, $3, $4, $5)
ON CONFLICT (category_code, area_code) DO UPDATE SET org_code = excluded.org_code`, r.ID, r.CategoryCode, r.AreaCode, r.OrgCode, now)
		if err != nil || also == nil {
			return errs.Wrap(err, "upsert rule")
		}
		return also(tx)
	})
}

// Rules returns the whole dispatch catalogue.
func (s *Service) Rules(ctx context.Context) ([]Rule, error) {
	rows, err := s.db.R.QueryContext(ctx, `SELECT id, category_code, area_code, org_code FROM dispatch_rules ORDER BY category_code, area_code`)
	if err != nil {
		return nil, errs.Wrap(err, "list rules")
	}
	defer rows.Close()
	items := []Rule{}
	for rows.Next() {
		var r Rule
		if err := rows.Scan(&r.ID, &r.CategoryCode, &r.AreaCode, &r.OrgCode); err != nil {
			return nil, errs.Wrap(err, "scan rule")
		}
		items = append(items, r)
	}
	return items, errs.Wrap(rows.Err(), "list rules")
}
