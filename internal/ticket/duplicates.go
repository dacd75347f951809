package ticket

import (
	"context"
	"sort"
	"strings"
	"time"

	"github.com/gongzhi/gongzhi/internal/auth"
	"github.com/gongzhi/gongzhi/internal/db"
	"github.com/gongzhi/gongzhi/internal/errs"
	"github.com/gongzhi/gongzhi/internal/insight/dupes"
)

// The dispatchers' list of flagged pairs: open tickets of the last week
// that package dupes judges duplicates of an earlier open one, each with
// the existing merge (ActionMerge) a click away.

// Bounds of the list of flagged pairs.
const (
	PairDays = 7    // how far back the list looks
	pairPool = 2000 // newest open tickets read at most
	MaxPairs = 100  // pairs listed at most
)

// mergeable are the statuses the merge action starts from.
var mergeable = []Status{StatusRegistered, StatusDispatched, StatusSigned, StatusInProgress}

// DuplicatePair is an open ticket judged a duplicate of an earlier one.
type DuplicatePair struct {
	Ticket      Ticket  `json:"ticket"`
	DuplicateOf Ticket  `json:"duplicate_of"`
	Score       float64 `json:"score"`
	DistanceM   *int    `json:"distance_m"`
	Similarity  float64 `json:"similarity"`
	// CanMerge tells whether the user may merge Ticket into DuplicateOf
	// (the merge row of the state machine).
	CanMerge bool `json:"can_merge"`
}

// CanListDuplicates reports whether u may read the list of flagged pairs:
// the dispatchers, who merge, and the supervisors, who watch, each in their
// area, and the administrator.
func CanListDuplicates(u auth.User) bool {
	switch u.Role {
	case auth.RoleAdmin, auth.RoleDispatcher, auth.RoleSupervisor:
		return true
	}
	return false
}

// dupeRequest is a ticket as package dupes reads it: its category's names
// tell the nature of the problem, its phone is the reporter.
func dupeRequest(t Ticket, cats map[string]Category) dupes.Request {
	r := dupes.Request{ID: t.Number, Created: t.CreatedAt, Category: t.CategoryCode, Address: t.Address,
		Area: t.AreaCode, Text: t.Description, Reporter: t.ReporterPhone}
	if c, ok := cats[t.CategoryCode]; ok {
		r.Parent, r.Detail = c.ParentCode, strings.TrimSpace(c.Name+" "+c.NameEn)
	}
	if t.Lat != nil && t.Lng != nil {
		r.Lat, r.Lng, r.HasPlace = *t.Lat, *t.Lng, true
	}
	return r
}

// newDupeRequest is a request being entered, as package dupes reads it.
func newDupeRequest(in NewTicket, now time.Time, cats map[string]Category) dupes.Request {
	t := Ticket{Number: "", CategoryCode: in.CategoryCode, AreaCode: in.AreaCode, Description: in.Description,
		Address: in.Address, Lat: in.Lat, Lng: in.Lng, ReporterPhone: in.ReporterPhone, CreatedAt: now}
	return dupeRequest(t, cats)
}

// DuplicatePairs lists the open tickets of the last week in u's scope that
// package dupes judges duplicates of an earlier open one, best first, at
// most limit (MaxPairs). It reads the newest pairPool open tickets only.
func (s *Service) DuplicatePairs(ctx context.Context, u auth.User, limit int) ([]DuplicatePair, error) {
	if !CanListDuplicates(u) {
		return nil, errs.New(errs.Forbidden, "只有派单员、督办人员和管理员可以查看疑似重复工单", "only dispatchers, supervisors and administrators may list likely duplicates")
	}
	if limit <= 0 || limit > MaxPairs {
		limit = MaxPairs
	}
	open, err := s.openRecent(ctx, u)
	if err != nil {
		return nil, err
	}
	ref, err := s.ref(ctx)
	if err != nil {
		return nil, err
	}
	byNumber := make(map[string]Ticket, len(open))
	reqs := make([]dupes.Request, 0, len(open))
	for _, t := range open {
		byNumber[t.Number] = t
		reqs = append(reqs, dupeRequest(t, ref.cats))
	}
	opt := dupes.Defaults
	opt.Window = PairDays * 24 * time.Hour
	out := []DuplicatePair{}
	for _, m := range dupes.Find(reqs, opt) {
		t, of := byNumber[m.ID], byNumber[m.DuplicateOf]
		p := dupes.Score(dupeRequest(t, ref.cats), dupeRequest(of, ref.cats), opt)
		pair := DuplicatePair{Ticket: t, DuplicateOf: of, Score: m.Score, Similarity: p.Similarity,
			CanMerge: canTake(u, t, ActionMerge)}
		if p.DistanceM != nil {
			d := int(*p.DistanceM)
			pair.DistanceM = &d
		}
		mask(&pair.Ticket)
		mask(&pair.DuplicateOf)
		out = append(out, pair)
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].Score > out[j].Score })
	if len(out) > limit {
		out = out[:limit]
	}
	return out, nil
}

// canTake tells whether u may take action on t, by the state machine.
func canTake(u auth.User, t Ticket, action string) bool {
	for _, a := range AvailableActions(u, t) {
		if a == action {
			return true
		}
	}
	return false
}

// openRecent reads the newest open tickets of the last PairDays in u's
// scope that may still be merged.
func (s *Service) openRecent(ctx context.Context, u auth.User) ([]Ticket, error) {
	var qc db.Conds
	f := Filter{}
	if err := scopeConds(&qc, u, &f, listCols{area: "area_code", org: "assigned_org_code"}); err != nil {
		return nil, err
	}
	since := s.clock.Now().Add(-PairDays * 24 * time.Hour)
	qc.Add("created_at >= ? AND number >= ?", db.Millis(since), CreatedFrom(since, s.loc))
	sts := make([]string, len(mergeable))
	for i, st := range mergeable {
		sts[i] = string(st)
	}
	qc.In("status", sts)
	q := `SELECT ` + ticketCols + ` FROM tickets WHERE ` + strings.Join(qc.Where, " AND ") +
		` ORDER BY number DESC LIMIT ` + qc.Arg(pairPool)
	rows, err := s.db.R.QueryContext(ctx, q, qc.Args...)
	if err != nil {
		return nil, errs.Wrap(err, "read open tickets")
	}
	defer rows.Close()
	var out []Ticket
	for rows.Next() {
		t, err := s.scanTicket(rows)
		if err != nil {
			return nil, errs.Wrap(err, "scan ticket")
		}
		if canView(u, t) {
			out = append(out, t)
		}
	}
	return out, errs.Wrap(rows.Err(), "read open tickets")
}
