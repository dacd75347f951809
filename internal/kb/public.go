package kb

import (
	"context"
	"math"
	"sort"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/gongzhi/gongzhi/internal/errs"
	"github.com/gongzhi/gongzhi/internal/plaintext"
	"github.com/gongzhi/gongzhi/internal/textfeat"
)

// PublicArticle is a published answer as residents read it: no keywords,
// no staff fields.
type PublicArticle struct {
	ID           string    `json:"id"`
	Title        string    `json:"title"`
	Answer       string    `json:"answer"`
	CategoryCode string    `json:"category_code"`
	Guide        Guide     `json:"guide"`
	ReviewBy     string    `json:"review_by"` // current until this date
	UpdatedAt    time.Time `json:"updated_at"`
	Score        int       `json:"score"`
}

func publicOf(a Article) PublicArticle {
	g := a.Guide
	if g.Materials == nil {
		g.Materials = []string{}
	}
	return PublicArticle{ID: a.ID, Title: a.Title, Answer: a.Body, CategoryCode: a.CategoryCode, Guide: g,
		ReviewBy: a.ReviewBy, UpdatedAt: a.UpdatedAt, Score: a.Score}
}

// Limits of the residents' search.
const (
	MaxPublicQuery = 200 // characters of a question
	MaxPublicHits  = 10
	// MinScore is the least score an answer needs to be shown to a
	// resident: below it the words meet by chance.
	MinScore = 40
)

// published lists the articles residents see now.
func (s *Service) published(ctx context.Context) ([]Article, error) {
	rows, err := s.db.R.QueryContext(ctx, `SELECT `+cols+` FROM kb_articles WHERE active = TRUE AND public = TRUE ORDER BY updated_at DESC, id LIMIT $1`, maxArticles)
	if err != nil {
		return nil, errs.Wrap(err, "published articles")
	}
	defer rows.Close()
	today := s.today()
	var out []Article
	for rows.Next() {
		a, err := scan(rows)
		if err != nil {
			return nil, errs.Wrap(err, "scan article")
		}
		if Published(a, today) {
			out = append(out, a)
		}
	}
	return out, errs.Wrap(rows.Err(), "published articles")
}

// CleanQuery checks a resident's question: at most MaxPublicQuery
// characters, of plain text.
func CleanQuery(q string) (string, error) {
	q = strings.TrimSpace(plaintext.Clean(q))
	if utf8.RuneCountInString(q) > MaxPublicQuery {
		return "", errs.Invalidf("问题不超过%d字", "the question must be at most %d characters", MaxPublicQuery)
	}
	return q, nil
}

// Search finds the published answers to a resident's question, best first,
// at most limit (MaxPublicHits) of those scoring MinScore or more.
func (s *Service) Search(ctx context.Context, q string, limit int) ([]PublicArticle, error) {
	q, err := CleanQuery(q)
	if err != nil {
		return nil, err
	}
	if limit <= 0 || limit > MaxPublicHits {
		limit = 5
	}
	out := []PublicArticle{}
	if utf8.RuneCountInString(q) < 2 {
		return out, nil
	}
	arts, err := s.published(ctx)
	if err != nil {
		return nil, err
	}
	for _, a := range Rank(arts, q) {
		if a.Score < MinScore || len(out) == limit {
			break
		}
		out = append(out, publicOf(a))
	}
	return out, nil
}

// Rank scores every article for the question and orders them best first
// (equal scores keep the given order). A question's words (segmented, each
// also as its synonym group's first, less the words every question has)
// are weighted by how rare they are among the articles and compared with
// an article's words, those of its title and keywords counting twice those
// of its body (a cosine, 0 to 100); an article whose title the question
// holds whole gets 30 more. A short question (one typed as a search) also
// scores as the console's search does, characters and pinyin, and keeps
// the better of the two.
func Rank(arts []Article, q string) []Article {
	qw := wordSet(expand(q))
	docs := make([]map[string]float64, len(arts))
	df := map[string]int{}
	for i, a := range arts {
		d := map[string]float64{}
		for w := range wordSet(expand(a.Body)) {
			d[w] = 1
		}
		for w := range wordSet(expand(a.Title + " " + a.Keywords)) {
			d[w] = 2
		}
		for w := range d {
			df[w]++
		}
		docs[i] = d
	}
	n := float64(len(arts))
	idf := func(w string) float64 { return math.Log(1 + n/float64(max(df[w], 1))) }
	var qn float64 // words no article has neither help nor hurt
	for w := range qw {
		if df[w] > 0 {
			qn += idf(w) * idf(w)
		}
	}
	short := utf8.RuneCountInString(q) <= shortQuery
	out := make([]Article, len(arts))
	for i, a := range arts {
		var dot, dn float64
		for w, x := range docs[i] {
			v := x * idf(w)
			dn += v * v
			if qw[w] {
				dot += v * idf(w)
			}
		}
		sc := 0
		if dot > 0 {
			sc = int(math.Round(100 * dot / math.Sqrt(qn*dn)))
		}
		if utf8.RuneCountInString(a.Title) >= 2 && strings.Contains(q, a.Title) {
			sc += 30
		}
		if short {
			sc = max(sc, score(a, q, ""))
		}
		a.Score = sc
		out[i] = a
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].Score > out[j].Score })
	return out
}

// shortQuery is the longest question also searched as the console does.
const shortQuery = 12

// wordSet is the text's words of two characters or more, each also as its
// synonym group's first, less the words that say nothing of the matter.
func wordSet(text string) map[string]bool {
	m := map[string]bool{}
	for _, w := range textfeat.Words(text) {
		if utf8.RuneCountInString(w) < 2 || generic[w] {
			continue
		}
		m[w] = true
		if c, ok := canon[w]; ok {
			m[c] = true
		}
	}
	return m
}

// PublicOf is the article as residents read it.
func PublicOf(a Article) PublicArticle { return publicOf(a) }

// PublicGet returns a published article; one not published (or stale) is
// not found.
func (s *Service) PublicGet(ctx context.Context, id string) (PublicArticle, error) {
	a, err := s.Get(ctx, id)
	if err != nil {
		return PublicArticle{}, err
	}
	if !Published(a, s.today()) {
		return PublicArticle{}, errs.NotFoundf("知识库文章不存在", "no such article")
	}
	return publicOf(a), nil
}

// Guides lists the published articles that carry a guide, by title.
func (s *Service) Guides(ctx context.Context) ([]PublicArticle, error) {
	arts, err := s.published(ctx)
	if err != nil {
		return nil, err
	}
	out := []PublicArticle{}
	for _, a := range arts {
		if !a.Guide.Empty() {
			out = append(out, publicOf(a))
		}
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].Title < out[j].Title })
	return out, nil
}

// Article is the published article back as an Article, for the policy's
// questions (CanApply).
func (s *Service) Article(p PublicArticle) Article {
	return Article{ID: p.ID, Title: p.Title, Body: p.Answer, CategoryCode: p.CategoryCode, Guide: p.Guide, ReviewBy: p.ReviewBy, Active: true, Public: true}
}
