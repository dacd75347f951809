package ticket

import (
	"context"
	"math"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/gongzhi/gongzhi/internal/auth"
	"github.com/gongzhi/gongzhi/internal/db"
	"github.com/gongzhi/gongzhi/internal/errs"
	"github.com/gongzhi/gongzhi/internal/gov"
	"github.com/gongzhi/gongzhi/internal/insight/dupes"
	"github.com/gongzhi/gongzhi/internal/textsearch"
)

// What the hotline console needs: categories found as the agent types,
// the caller's earlier tickets, and possible duplicates before saving.

// CategoryMatch is a category found by a search, with its place in the tree.
type CategoryMatch struct {
	Category
	Path  string `json:"path"` // 市容环境 › 街巷环境卫生
	Score int    `json:"score"`
}

// SearchCategories finds active categories by words, full pinyin, pinyin
// initials ("jxhj" finds 街巷环境卫生) or code, best first; leaves before
// classes at the same score.
func (s *Service) SearchCategories(ctx context.Context, q string, limit int) ([]CategoryMatch, error) {
	q = strings.TrimSpace(q)
	if q == "" {
		return []CategoryMatch{}, nil
	}
	if runes(q) > 50 {
		return nil, errs.Invalidf("搜索词不能超过50字", "the search text must be at most 50 characters")
	}
	if limit <= 0 || limit > 50 {
		limit = 10
	}
	cats, err := s.Categories(ctx)
	if err != nil {
		return nil, err
	}
	byCode := map[string]Category{}
	leaf := map[string]bool{}
	for _, c := range cats {
		byCode[c.Code] = c
		leaf[c.Code] = true
	}
	for _, c := range cats {
		leaf[c.ParentCode] = false
	}
	out := []CategoryMatch{}
	for _, c := range cats {
		if !c.Active {
			continue
		}
		score := max(textsearch.Score(q, c.Name), textsearch.Score(q, c.NameEn))
		if strings.HasPrefix(c.Code, q) {
			score = max(score, 90)
		}
		if score == 0 {
			continue
		}
		if leaf[c.Code] {
			score++
		}
		path := c.Name
		for p := c.ParentCode; p != ""; p = byCode[p].ParentCode {
			path = byCode[p].Name + " › " + path
		}
		out = append(out, CategoryMatch{Category: c, Path: path, Score: score})
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].Score > out[j].Score })
	if len(out) > limit {
		out = out[:limit]
	}
	return out, nil
}

// CallerHistory returns the tickets a phone reported, newest first, for the
// agent taking the call. The search itself is a look at personal data and
// is written to the audit log.
func (s *Service) CallerHistory(ctx context.Context, u auth.User, phone string, limit int) ([]Ticket, error) {
	switch u.Role {
	case auth.RoleAgent, auth.RoleDispatcher, auth.RoleAdmin:
	default:
		return nil, errs.ErrForbidden
	}
	phone = auth.NormalizePhone(phone)
	if !auth.ValidPhone(phone) {
		return nil, errs.Invalidf("请输入11位手机号", "please enter an 11-digit mobile number")
	}
	// The full phone: the audit log keeps it as its keyed hash, so an
	// auditor can find who looked this caller up.
	if err := s.auditor(ctx, u, auth.AuditViewPersonal, "phone:"+phone, "caller history"); err != nil {
		return nil, err
	}
	page, err := s.List(ctx, u, Filter{ReporterPhone: phone, Limit: limit})
	return page.Items, err
}

// Duplicate is an open ticket that may report the same problem.
type Duplicate struct {
	Ticket     Ticket  `json:"ticket"`
	Score      float64 `json:"score"`      // 0 to 1
	DistanceM  *int    `json:"distance_m"` // metres, when both have a location
	Similarity float64 `json:"similarity"` // of the descriptions
}

// Duplicate search bounds.
const (
	DuplicateDays   = 7   // how far back to look
	DuplicateRadius = 300 // metres, for tickets with a location
	duplicatePool   = 300 // candidates read at most
)

// consoleDupes are the duplicate score's bounds at intake: the week and
// the 300 m the console searches.
var consoleDupes = dupes.Options{Radius: DuplicateRadius, Window: DuplicateDays * 24 * time.Hour}

// duplicateScore scores how much t looks like the request in, taken in at
// now, with the one score of package dupes (place, category, words, time,
// reporter): nothing (ok false) when t is not close by or the score is
// below 0.2. in's category and t's are described by cats.
func duplicateScore(in NewTicket, now time.Time, t Ticket, cats map[string]Category) (d Duplicate, ok bool) {
	d = Duplicate{Ticket: t, Similarity: textsearch.Similarity(in.Description, t.Description)}
	p := dupes.Score(newDupeRequest(in, now, cats), dupeRequest(t, cats), consoleDupes)
	if p.DistanceM != nil {
		m := int(*p.DistanceM)
		d.DistanceM = &m
	}
	d.Score = p.Score
	return d, p.Place > 0 && d.Score >= 0.2
}

// PossibleDuplicates finds open tickets from the last week in the same
// community or within 300 m that look like the request being entered, as
// package dupes scores them (place, category, words, time, the same
// reporter). Best first; reporters masked.
func (s *Service) PossibleDuplicates(ctx context.Context, u auth.User, in NewTicket, limit int) ([]Duplicate, error) {
	if !u.Role.IsStaff() {
		return nil, errs.ErrForbidden
	}
	if limit <= 0 || limit > 20 {
		limit = 5
	}
	if runes(in.Description) > MaxDescription {
		return nil, errs.Invalidf("诉求内容不能超过%d字", "description must be at most %d characters", MaxDescription)
	}
	if in.AreaCode != "" && !gov.ValidCode(in.AreaCode) || in.CategoryCode != "" && !gov.ValidCode(in.CategoryCode) {
		return nil, errs.Invalidf("区划或分类代码格式不正确", "malformed area or category code")
	}
	since := s.clock.Now().Add(-DuplicateDays * 24 * time.Hour)
	var where []string // any of them
	qc := db.Conds{Args: []any{db.Millis(since), CreatedFrom(since, s.loc)}}
	cond := qc.Bind
	if in.AreaCode != "" {
		where = append(where, cond("area_code = ?", in.AreaCode))
	}
	if in.Lat != nil && in.Lng != nil {
		// A box around the point; the exact distance is checked below.
		dLat := DuplicateRadius / gov.MetresPerDegree
		dLng := dLat / math.Max(0.1, math.Cos(*in.Lat*math.Pi/180))
		where = append(where, cond("(lat BETWEEN ? AND ? AND lng BETWEEN ? AND ?)", *in.Lat-dLat, *in.Lat+dLat, *in.Lng-dLng, *in.Lng+dLng))
	}
	if len(where) == 0 {
		return []Duplicate{}, nil
	}
	q := `SELECT ` + ticketCols + ` FROM tickets WHERE created_at >= $1 AND number >= $2 AND status IN ('registered', 'dispatched', 'signed', 'in_progress', 'returned', 'replied')
AND (` + strings.Join(where, " OR ") + `) ORDER BY number DESC LIMIT ` + strconv.Itoa(duplicatePool)
	rows, err := s.db.R.QueryContext(ctx, q, qc.Args...)
	if err != nil {
		return nil, errs.Wrap(err, "find duplicates")
	}
	defer rows.Close()
	ref, err := s.ref(ctx)
	if err != nil {
		return nil, err
	}
	now := s.clock.Now()
	out := []Duplicate{}
	for rows.Next() {
		t, err := s.scanTicket(rows)
		if err != nil {
			return nil, errs.Wrap(err, "scan ticket")
		}
		if !canView(u, t) {
			continue
		}
		d, ok := duplicateScore(in, now, t, ref.cats)
		if !ok {
			continue
		}
		mask(&d.Ticket)
		out = append(out, d)
	}
	if err := rows.Err(); err != nil {
		return nil, errs.Wrap(err, "find duplicates")
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].Score > out[j].Score })
	if len(out) > limit {
		out = out[:limit]
	}
	return out, nil
}
