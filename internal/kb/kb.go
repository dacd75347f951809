// Package kb is the knowledge base of answers that hotline agents search as
// they type, to answer consultations on the spot (直接办结).
package kb

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"errors"
	"sort"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/gongzhi/gongzhi/internal/attachment"
	"github.com/gongzhi/gongzhi/internal/auth"
	"github.com/gongzhi/gongzhi/internal/clock"
	"github.com/gongzhi/gongzhi/internal/db"
	"github.com/gongzhi/gongzhi/internal/errs"
	"github.com/gongzhi/gongzhi/internal/gov"
	"github.com/gongzhi/gongzhi/internal/textsearch"
)

// Article is one answer.
type Article struct {
	ID           string    `json:"id"`
	CategoryCode string    `json:"category_code"`
	Title        string    `json:"title"`
	Body         string    `json:"body"`
	Keywords     string    `json:"keywords"` // words and phrases callers use, separated by spaces or commas
	Active       bool      `json:"active"`
	UpdatedAt    time.Time `json:"updated_at"`
	Score        int       `json:"score,omitempty"`
	// Public publishes the article to residents while it is current
	// (policy.go); ReviewBy is the business date (YYYY-MM-DD) by which
	// staff must look at it again, past which it is Stale.
	Public   bool   `json:"public"`
	ReviewBy string `json:"review_by"`
	Stale    bool   `json:"stale"`
	// Guide is the service guide (办事指南) the answer carries, if any.
	Guide Guide `json:"guide"`
}

// Limits.
const (
	MaxTitle    = 100
	MaxBody     = 5000
	MaxKeywords = 500
	maxArticles = 5000 // searched in memory; a district's knowledge base is far smaller
)

// Service keeps the articles.
type Service struct {
	db      *db.DB
	clock   clock.Clock
	tickets Tickets           // the ticket loop applications go through (apply.go)
	files   attachment.Keeper // applications' uploaded materials
}

// NewService returns the service.
func NewService(d *db.DB, c clock.Clock) *Service { return &Service{db: d, clock: c} }

func (a *Article) check() error {
	a.Title, a.Body, a.Keywords = strings.TrimSpace(a.Title), strings.TrimSpace(a.Body), strings.TrimSpace(a.Keywords)
	if a.Title == "" || utf8.RuneCountInString(a.Title) > MaxTitle {
		return errs.Invalidf("标题不能为空且不超过%d字", "title must be 1 to %d characters", MaxTitle)
	}
	if a.Body == "" || utf8.RuneCountInString(a.Body) > MaxBody {
		return errs.Invalidf("答复内容不能为空且不超过%d字", "body must be 1 to %d characters", MaxBody)
	}
	if utf8.RuneCountInString(a.Keywords) > MaxKeywords {
		return errs.Invalidf("关键词不超过%d字", "keywords must be at most %d characters", MaxKeywords)
	}
	if a.CategoryCode != "" && !gov.ValidCode(a.CategoryCode) {
		return errs.Invalidf("分类代码格式不正确：%q", "malformed category code: %q", a.CategoryCode)
	}
	if err := a.checkReview(); err != nil {
		return err
	}
	return a.Guide.check()
}

// Save creates an article (empty ID) or replaces one; admins only.
func (s *Service) Save(ctx context.Context, u auth.User, a Article) (Article, error) {
	if !CanEdit(u) {
		return Article{}, errs.ErrForbidden
	}
	if err := a.check(); err != nil {
		return Article{}, err
	}
	now := s.clock.Now()
	a.UpdatedAt = now
	err := s.db.Tx(ctx, func(tx *sql.Tx) error {
		if a.CategoryCode != "" {
			var n int
			if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM categories WHERE code = $1`, a.CategoryCode).Scan(&n); err != nil {
				return errs.Wrap(err, "check category")
			}
			if n == 0 {
				return errs.Invalidf("诉求分类 %s 不存在", "unknown category %s", a.CategoryCode)
			}
		}
		if a.ID == "" {
			var b [8]byte
			rand.Read(b[:])
			a.ID = hex.EncodeToString(b[:])
			_, err := tx.ExecContext(ctx, `INSERT INTO kb_articles (id, category_code, title, body, keywords, active, updated_at, updated_by) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
				a.ID, a.CategoryCode, a.Title, a.Body, a.Keywords, a.Active, db.Millis(now), u.ID)
			if err != nil {
				return errs.Wrap(err, "insert article")
			}
			return s.saveGuide(ctx, tx, u, a, now, "created")
		}
		res, err := tx.ExecContext(ctx, `UPDATE kb_articles SET category_code = $1, title = $2, body = $3, keywords = $4, active = $5, updated_at = $6, updated_by = $7 WHERE id = $8`,
			a.CategoryCode, a.Title, a.Body, a.Keywords, a.Active, db.Millis(now), u.ID, a.ID)
		if err != nil {
			return errs.Wrap(err, "update article")
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return errs.NotFoundf("知识库文章不存在", "no such article")
		}
		return s.saveGuide(ctx, tx, u, a, now, "updated")
	})
	a.Stale = Stale(a, s.today())
	return a, err
}

// Delete removes an article; admins only.
func (s *Service) Delete(ctx context.Context, u auth.User, id string) error {
	if !CanEdit(u) {
		return errs.ErrForbidden
	}
	return s.db.Tx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `DELETE FROM kb_articles WHERE id = $1`, id)
		if err != nil {
			return errs.Wrap(err, "delete article")
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return errs.NotFoundf("知识库文章不存在", "no such article")
		}
		return event(ctx, tx, id, u, s.clock.Now(), "deleted", nil)
	})
}

// Get returns one article.
func (s *Service) Get(ctx context.Context, id string) (Article, error) {
	a, err := scan(s.db.R.QueryRowContext(ctx, `SELECT `+cols+` FROM kb_articles WHERE id = $1`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return Article{}, errs.NotFoundf("知识库文章不存在", "no such article")
	}
	a.Stale = Stale(a, s.today())
	return a, errs.Wrap(err, "get article")
}

const cols = `id, category_code, title, body, keywords, active, updated_at, public, review_by, hours, place, materials, fees, online_url, apply_category`

func scan(sc interface{ Scan(...any) error }) (Article, error) {
	var a Article
	var at int64
	var materials string
	g := &a.Guide
	err := sc.Scan(&a.ID, &a.CategoryCode, &a.Title, &a.Body, &a.Keywords, &a.Active, &at,
		&a.Public, &a.ReviewBy, &g.Hours, &g.Place, &materials, &g.Fees, &g.OnlineURL, &g.ApplyCategory)
	a.UpdatedAt = time.UnixMilli(at)
	g.Materials = splitLines(materials)
	return a, err
}

// MaxText is how much of what was typed Suggest reads: a ticket's
// description at most.
const MaxText = 4000

// Suggest finds articles for what a caller said, best first, for the
// console and the API alike. Three ways lead to an article: the text as a
// search of its title and keywords, in characters or pinyin, or of its body
// (when the text is short enough to be a query); its category, or the
// category's class; and its keywords or title found within the text, which
// a long description never matches as a whole. An article found in several
// ways keeps its best score. With neither text nor category it lists the
// latest articles.
func (s *Service) Suggest(ctx context.Context, text, categoryCode string, limit int) ([]Article, error) {
	text = strings.TrimSpace(text)
	if utf8.RuneCountInString(text) > MaxText {
		text = string([]rune(text)[:MaxText])
	}
	if limit <= 0 || limit > 50 {
		limit = 10
	}
	rows, err := s.db.R.QueryContext(ctx, `SELECT `+cols+` FROM kb_articles WHERE active = TRUE ORDER BY updated_at DESC, id LIMIT $1`, maxArticles)
	if err != nil {
		return nil, errs.Wrap(err, "search articles")
	}
	defer rows.Close()
	out := []Article{}
	for rows.Next() {
		a, err := scan(rows)
		if err != nil {
			return nil, errs.Wrap(err, "scan article")
		}
		if a.Score = score(a, text, categoryCode); a.Score >= 0 {
			out = append(out, a)
		}
	}
	if err := rows.Err(); err != nil {
		return nil, errs.Wrap(err, "search articles")
	}
	today := s.today()
	for i := range out {
		out[i].Stale = Stale(out[i], today)
	}
	// Equal scores keep the order of the query: the latest first.
	sort.SliceStable(out, func(i, j int) bool { return out[i].Score > out[j].Score })
	if len(out) > limit {
		out = out[:limit]
	}
	return out, nil
}

// maxQuery is the longest text read as a query of titles, keywords and
// bodies; any text of two characters or more is also looked through for
// the articles' keywords.
const maxQuery = 50

// score is how well the article answers the text and category by Suggest's
// three ways, or -1 when none leads to it.
func score(a Article, text, categoryCode string) int {
	if text == "" && categoryCode == "" {
		return 0 // a listing
	}
	words := strings.FieldsFunc(a.Keywords, func(r rune) bool { return r == ' ' || r == ',' || r == '，' || r == '、' })
	best, bonus := -1, 0
	switch {
	case categoryCode == "":
	case a.CategoryCode == categoryCode:
		bonus = 30
	case len(categoryCode) >= 2 && strings.HasPrefix(a.CategoryCode, categoryCode[:2]):
		bonus = 10
	}
	if bonus > 0 {
		best = bonus
	}
	if text != "" && utf8.RuneCountInString(text) <= maxQuery {
		q := textsearch.Score(text, a.Title)
		for _, kw := range words {
			q = max(q, textsearch.Score(text, kw)-5)
		}
		if q == 0 && strings.Contains(strings.ToLower(a.Body), strings.ToLower(text)) {
			q = 20
		}
		if q > 0 {
			best = max(best, q+bonus)
		}
	}
	if utf8.RuneCountInString(text) >= 2 {
		lower, hits := strings.ToLower(text), 0
		for _, w := range append(words, a.Title) {
			if utf8.RuneCountInString(w) >= 2 && strings.Contains(lower, strings.ToLower(w)) {
				hits++
			}
		}
		if hits > 0 {
			within := 60 + 10*hits
			if bonus == 30 {
				within += 30
			}
			best = max(best, within)
		}
	}
	return best
}

// Import creates or replaces articles by ID, as the system (for the demo and
// for loading an existing knowledge base).
func (s *Service) Import(ctx context.Context, articles []Article) error {
	now := db.Millis(s.clock.Now())
	return s.db.Tx(ctx, func(tx *sql.Tx) error {
		for _, a := range articles {
			if a.Public && a.ReviewBy == "" {
				a.ReviewBy = s.clock.Now().In(clock.BusinessZone()).AddDate(1, 0, 0).Format(time.DateOnly)
			}
			if err := a.check(); err != nil {
				return err
			}
			if a.ID == "" || !gov.ValidCode(a.ID) {
				return errs.Invalidf("导入的文章须有编号", "imported articles need an id")
			}
			_, err := tx.ExecContext(ctx, `INSERT INTO kb_articles (id, category_code, title, body, keywords, active, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7)
ON CONFLICT (id) DO UPDATE SET category_code = excluded.category_code, title = excluded.title, body = excluded.body, keywords = excluded.keywords,
  active = excluded.active, updated_at = excluded.updated_at`, a.ID, a.CategoryCode, a.Title, a.Body, a.Keywords, a.Active, now)
			if err != nil {
				return errs.Wrap(err, "import article")
			}
			if err := writeGuide(ctx, tx, a); err != nil {
				return err
			}
			if err := event(ctx, tx, a.ID, auth.System(), s.clock.Now(), "imported", map[string]any{"public": a.Public, "review_by": a.ReviewBy}); err != nil {
				return err
			}
		}
		return nil
	})
}

// Count returns how many articles there are.
func (s *Service) Count(ctx context.Context) (int, error) {
	var n int
	err := s.db.R.QueryRowContext(ctx, `SELECT COUNT(*) FROM kb_articles`).Scan(&n)
	return n, errs.Wrap(err, "count articles")
}
