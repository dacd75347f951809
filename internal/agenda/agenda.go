// Package agenda joins what a person takes part in across the
// capabilities into one list: a resident's 我的事项 (her proposals and
// co-signatures, the votes, meetings, surveys and notices she is in) and a
// staff member's 待办 (what she or her unit must answer: proposals due,
// objections, meeting tasks, inputs on projects, disclosures due).
//
// The package decides nothing about who may see what: each capability
// registers a Source that lists, for the acting user, the items of its kind
// by its own rules. The agenda only merges and orders them.
package agenda

import (
	"context"
	"sort"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/gongzhi/gongzhi/internal/auth"
	"github.com/gongzhi/gongzhi/internal/errs"
	"github.com/gongzhi/gongzhi/internal/plaintext"
)

// Item is one thing on a person's list.
type Item struct {
	Kind   string `json:"kind"`   // proposal, vote, meeting, notice, project, survey, election, …
	Ref    string `json:"ref"`    // the item's number or ID in its kind
	Title  string `json:"title"`  //
	Status string `json:"status"` // the item's status in its kind
	// Role is how the person is in it: raised, cosigned, owner,
	// representative, objected, respondent, answer (her unit must answer), task, …
	Role string `json:"role"`
	URL  string `json:"url"` // the page of the item for this person
	// NeedsAction tells that the person has something to do now (to vote,
	// to answer, to sign in); Due is by when, where there is a time limit.
	NeedsAction bool       `json:"needs_action"`
	Due         *time.Time `json:"due,omitempty"`
	At          time.Time  `json:"at"` // when it last changed or was made
}

// Source lists the items of one kind for u, by its capability's rules.
type Source func(ctx context.Context, u auth.User) ([]Item, error)

// MaxItems bounds each list: a source gives its most pressing items first
// and at most this many.
const MaxItems = 100

// Service holds the sources.
type Service struct {
	mine, todo []Source
}

// New returns an agenda with no sources.
func New() *Service { return &Service{} }

// AddMine adds a source of residents' 我的事项.
func (s *Service) AddMine(src Source) { s.mine = append(s.mine, src) }

// AddTodo adds a source of staff's 待办.
func (s *Service) AddTodo(src Source) { s.todo = append(s.todo, src) }

// Mine is what u takes part in: first what waits for her, the earliest due
// first, then the rest, the latest change first.
func (s *Service) Mine(ctx context.Context, u auth.User) ([]Item, error) {
	if u.Role != auth.RoleResident || u.Phone == "" {
		return []Item{}, nil
	}
	return gather(ctx, u, s.mine, "")
}

// MaxQuery is the longest filter of a to-do list, in characters.
const MaxQuery = 50

// Todo is what u or her unit must answer, the earliest due first; q, when
// given (at most MaxQuery characters), keeps the items whose title or
// reference contains it.
func (s *Service) Todo(ctx context.Context, u auth.User, q string) ([]Item, error) {
	q = strings.TrimSpace(plaintext.Clean(q))
	if utf8.RuneCountInString(q) > MaxQuery {
		return nil, errs.Invalidf("筛选词不超过%d字", "the filter must be at most %d characters", MaxQuery)
	}
	if !u.Role.IsStaff() {
		return []Item{}, nil
	}
	return gather(ctx, u, s.todo, q)
}

func gather(ctx context.Context, u auth.User, srcs []Source, q string) ([]Item, error) {
	out := []Item{}
	for _, src := range srcs {
		items, err := src(ctx, u)
		if err != nil {
			return nil, err
		}
		for _, it := range items {
			if q == "" || strings.Contains(it.Title, q) || strings.Contains(it.Ref, q) {
				out = append(out, it)
			}
		}
	}
	sort.SliceStable(out, func(i, j int) bool { return before(out[i], out[j]) })
	if len(out) > MaxItems {
		out = out[:MaxItems]
	}
	return out, nil
}

// before orders the list: items waiting for the person first; among them
// (and among the rest) those with a time limit by it, then the latest.
func before(a, b Item) bool {
	if a.NeedsAction != b.NeedsAction {
		return a.NeedsAction
	}
	if (a.Due != nil) != (b.Due != nil) {
		return a.Due != nil
	}
	if a.Due != nil && !a.Due.Equal(*b.Due) {
		return a.Due.Before(*b.Due)
	}
	if !a.At.Equal(b.At) {
		return a.At.After(b.At)
	}
	return a.Kind+a.Ref < b.Kind+b.Ref
}

// For is u's one list: 我的事项 for a resident, 待办 for staff (narrowed by q).
func (s *Service) For(ctx context.Context, u auth.User, q string) ([]Item, error) {
	if u.Role == auth.RoleResident {
		return s.Mine(ctx, u)
	}
	return s.Todo(ctx, u, q)
}
