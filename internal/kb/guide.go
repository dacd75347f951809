package kb

import (
	"context"
	"database/sql"
	"net/url"
	"sort"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/gongzhi/gongzhi/internal/auth"
	"github.com/gongzhi/gongzhi/internal/clock"
	"github.com/gongzhi/gongzhi/internal/db"
	"github.com/gongzhi/gongzhi/internal/errs"
	"github.com/gongzhi/gongzhi/internal/gov"
	"github.com/gongzhi/gongzhi/internal/plaintext"
)

// Guide is the service guide (办事指南) of an answer: where and when the
// matter is handled, what to bring, what it costs, and either the online
// application the community takes itself (ApplyCategory: the category of
// the ticket an application makes) or the page of the province's 一网通办
// where the matter lives (OnlineURL, https only).
type Guide struct {
	Hours         string   `json:"hours"`
	Place         string   `json:"place"`
	Materials     []string `json:"materials"`
	Fees          string   `json:"fees"`
	OnlineURL     string   `json:"online_url"`
	ApplyCategory string   `json:"apply_category"`
}

// Limits of a guide.
const (
	MaxGuideField = 200 // hours, place, fees
	MaxMaterials  = 20
	MaxMaterial   = 100
	MaxURL        = 500
)

// Empty reports whether the article carries no guide.
func (g Guide) Empty() bool {
	return g.Hours == "" && g.Place == "" && len(g.Materials) == 0 && g.Fees == "" && g.OnlineURL == "" && g.ApplyCategory == ""
}

func (g *Guide) check() error {
	for _, f := range []*string{&g.Hours, &g.Place, &g.Fees} {
		*f = strings.TrimSpace(plaintext.Clean(*f))
		if utf8.RuneCountInString(*f) > MaxGuideField {
			return errs.Invalidf("办理时间、地点和收费各不超过%d字", "hours, place and fees are at most %d characters each", MaxGuideField)
		}
	}
	ms := []string{}
	for _, m := range g.Materials {
		if m = strings.TrimSpace(plaintext.Clean(m)); m != "" {
			ms = append(ms, m)
		}
		if utf8.RuneCountInString(m) > MaxMaterial {
			return errs.Invalidf("每项材料不超过%d字", "each material is at most %d characters", MaxMaterial)
		}
	}
	if len(ms) > MaxMaterials {
		return errs.Invalidf("材料清单不超过%d项", "at most %d materials", MaxMaterials)
	}
	g.Materials = ms
	g.OnlineURL = strings.TrimSpace(g.OnlineURL)
	if g.OnlineURL != "" {
		u, err := url.Parse(g.OnlineURL)
		if err != nil || u.Scheme != "https" || u.Host == "" || u.User != nil || len(g.OnlineURL) > MaxURL {
			return errs.Invalidf("网上办理链接须为以 https:// 开头的网址，不超过%d个字符", "the online link must be an https:// address of at most %d characters", MaxURL)
		}
	}
	g.ApplyCategory = strings.TrimSpace(g.ApplyCategory)
	if g.ApplyCategory != "" && !gov.ValidCode(g.ApplyCategory) {
		return errs.Invalidf("申请分类代码格式不正确：%q", "malformed application category: %q", g.ApplyCategory)
	}
	if g.ApplyCategory != "" && g.OnlineURL != "" {
		return errs.Invalidf("在线申请和一网通办链接只能选一种", "a guide takes an online application or links to the province's service, not both")
	}
	return nil
}

// checkReview: a public article needs a review date, a valid one.
func (a *Article) checkReview() error {
	a.ReviewBy = strings.TrimSpace(a.ReviewBy)
	if a.ReviewBy != "" {
		if _, err := time.Parse(time.DateOnly, a.ReviewBy); err != nil {
			return errs.Invalidf("复核日期格式应为 2026-01-31", "the review date must read like 2026-01-31")
		}
	}
	if a.Public && a.ReviewBy == "" {
		return errs.Invalidf("公开的条目须填写复核日期", "a public article needs a review date")
	}
	return nil
}

func splitLines(s string) []string {
	out := []string{}
	for _, l := range strings.Split(s, "\n") {
		if l = strings.TrimSpace(l); l != "" {
			out = append(out, l)
		}
	}
	return out
}

// today is the business date.
func (s *Service) today() string { return s.clock.Now().In(clock.BusinessZone()).Format(time.DateOnly) }

// Today is the business date by which articles are judged current.
func (s *Service) Today() string { return s.today() }

// saveGuide writes the article's publication and guide in tx, checks the
// application's category and appends the article's event.
func (s *Service) saveGuide(ctx context.Context, tx *sql.Tx, u auth.User, a Article, now time.Time, kind string) error {
	if a.Guide.ApplyCategory != "" {
		var n int
		if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM categories WHERE code = $1`, a.Guide.ApplyCategory).Scan(&n); err != nil {
			return errs.Wrap(err, "check category")
		}
		if n == 0 {
			return errs.Invalidf("申请分类 %s 不存在", "unknown application category %s", a.Guide.ApplyCategory)
		}
	}
	if err := writeGuide(ctx, tx, a); err != nil {
		return err
	}
	return event(ctx, tx, a.ID, u, now, kind, map[string]any{"public": a.Public, "review_by": a.ReviewBy, "active": a.Active})
}

func writeGuide(ctx context.Context, tx *sql.Tx, a Article) error {
	g := a.Guide
	_, err := tx.ExecContext(ctx, `UPDATE kb_articles SET public = $1, review_by = $2, hours = $3, place = $4, materials = $5, fees = $6, online_url = $7, apply_category = $8 WHERE id = $9`,
		a.Public, a.ReviewBy, g.Hours, g.Place, strings.Join(g.Materials, "\n"), g.Fees, g.OnlineURL, g.ApplyCategory, a.ID)
	return errs.Wrap(err, "write guide")
}

func event(ctx context.Context, tx *sql.Tx, id string, u auth.User, at time.Time, kind string, detail any) error {
	return db.AppendEvent(ctx, tx, db.Event{Table: "kb_events", KeyColumn: "item_id", Key: id, At: at, Actor: u.ID, Kind: kind, Detail: detail})
}

// List is every article for the staff, stale ones flagged, the stale
// first and then by review date.
func (s *Service) List(ctx context.Context, u auth.User) ([]Article, error) {
	if !CanReadAll(u) {
		return nil, errs.ErrForbidden
	}
	rows, err := s.db.R.QueryContext(ctx, `SELECT `+cols+` FROM kb_articles ORDER BY id LIMIT $1`, maxArticles)
	if err != nil {
		return nil, errs.Wrap(err, "list articles")
	}
	defer rows.Close()
	today := s.today()
	out := []Article{}
	for rows.Next() {
		a, err := scan(rows)
		if err != nil {
			return nil, errs.Wrap(err, "scan article")
		}
		a.Stale = Stale(a, today)
		out = append(out, a)
	}
	sort.SliceStable(out, func(i, j int) bool {
		if out[i].Stale != out[j].Stale {
			return out[i].Stale
		}
		return out[i].ReviewBy < out[j].ReviewBy
	})
	return out, errs.Wrap(rows.Err(), "list articles")
}
