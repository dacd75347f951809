package vote

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/gongzhi/gongzhi/internal/auth"
	"github.com/gongzhi/gongzhi/internal/db"
	"github.com/gongzhi/gongzhi/internal/errs"
	"github.com/gongzhi/gongzhi/internal/gov"
	"github.com/gongzhi/gongzhi/internal/privacy"
)

const voteCols = `id, area_code, title, matter, secret, status, closes_at, created_at, closed_at,
area_total, owners_total, area_voted, owners_voted, area_agree, owners_agree, quorum_met, passed,
(SELECT COUNT(*) FROM vote_units x WHERE x.vote_id = votes.id),
(SELECT COUNT(*) FROM vote_ballots y WHERE y.vote_id = votes.id)`

func scanVote(sc interface{ Scan(...any) error }) (Vote, error) {
	var v Vote
	var closes, created int64
	var closed sql.NullInt64
	r := &v.result
	err := sc.Scan(&v.ID, &v.AreaCode, &v.Title, &v.Matter, &v.Secret, &v.Status, &closes, &created, &closed,
		&r.AreaTotal, &r.OwnersTotal, &r.AreaVoted, &r.OwnersVoted, &r.AreaAgree, &r.OwnersAgree, &r.QuorumMet, &r.Passed, &v.Units, &v.Ballots)
	v.ClosesAt, v.CreatedAt = time.UnixMilli(closes), time.UnixMilli(created)
	if closed.Valid {
		t := time.UnixMilli(closed.Int64)
		v.ClosedAt = &t
	}
	return v, err
}

// get reads a vote whoever asks.
func (s *Service) get(ctx context.Context, q db.Queryer, id string) (Vote, error) {
	v, err := scanVote(q.QueryRowContext(ctx, `SELECT `+voteCols+` FROM votes WHERE id = $1`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return Vote{}, errNotFound
	}
	return v, errs.Wrap(err, "get vote")
}

// owns reports whether u's phone owns a unit of the vote.
func (s *Service) owns(ctx context.Context, q db.Queryer, u auth.User, id string) (bool, error) {
	if !isOwner(u) {
		return false, nil
	}
	var n int
	err := q.QueryRowContext(ctx, `SELECT COUNT(*) FROM vote_units WHERE vote_id = $1 AND owner = $2`, id, u.Phone).Scan(&n)
	return n > 0, errs.Wrap(err, "own units")
}

// Get returns a vote u may see, with its totals if she may see them.
func (s *Service) Get(ctx context.Context, u auth.User, id string) (Vote, error) {
	if len(id) > 64 {
		return Vote{}, errNotFound
	}
	v, err := s.get(ctx, s.db.R, id)
	if err != nil {
		return v, err
	}
	owns, err := s.owns(ctx, s.db.R, u, id)
	if err != nil {
		return v, err
	}
	if !CanSee(u, v, owns) {
		return Vote{}, errNotFound
	}
	return s.withTally(ctx, u, v, owns)
}

func (s *Service) withTally(ctx context.Context, u auth.User, v Vote, owns bool) (Vote, error) {
	if !CanSeeTally(u, v, owns) {
		return v, nil
	}
	if v.Status == StatusClosed {
		r := v.result
		v.Result = &r
		return v, nil
	}
	units, err := s.cast(ctx, s.db.R, v.ID)
	if err != nil {
		return v, err
	}
	r := Tally(v.Matter, units)
	v.Result = &r
	return v, nil
}

// cast reads the register with each unit's choice.
func (s *Service) cast(ctx context.Context, q db.Queryer, id string) ([]castUnit, error) {
	rows, err := q.QueryContext(ctx, `SELECT u.area, u.owner, COALESCE(b.choice, '') FROM vote_units u
LEFT JOIN vote_ballots b ON b.vote_id = u.vote_id AND b.unit = u.unit WHERE u.vote_id = $1`, id)
	if err != nil {
		return nil, errs.Wrap(err, "read register")
	}
	defer rows.Close()
	var out []castUnit
	for rows.Next() {
		var c castUnit
		if err := rows.Scan(&c.area, &c.owner, &c.choice); err != nil {
			return nil, errs.Wrap(err, "scan register")
		}
		out = append(out, c)
	}
	return out, errs.Wrap(rows.Err(), "read register")
}

// Filter narrows a list of votes.
type Filter struct {
	AreaCode string // the area and those below it
	Cursor   string // from the previous page
	Limit    int
}

// List returns the votes u may see, the newest first, and the cursor of
// the next page ("" at the end).
func (s *Service) List(ctx context.Context, u auth.User, f Filter) ([]Vote, string, error) {
	if !CanList(u) {
		return nil, "", errs.ErrForbidden
	}
	if f.Limit <= 0 || f.Limit > MaxList {
		f.Limit = DefaultList
	}
	var c db.Conds
	if f.AreaCode != "" {
		if !gov.ValidCode(f.AreaCode) {
			return nil, "", errs.Invalidf("区划代码格式不正确", "malformed area code")
		}
		lo, hi := gov.UnderRange(f.AreaCode)
		c.Add("area_code >= ? AND area_code < ?", lo, hi)
	}
	switch {
	case u.Role == auth.RoleResident:
		c.Add("id IN (SELECT vote_id FROM vote_units WHERE owner = ?)", u.Phone)
	case !u.IsAdmin():
		lo, hi := gov.UnderRange(u.AreaCode)
		c.Add("area_code >= ? AND area_code < ?", lo, hi)
	}
	if f.Cursor != "" {
		at, id, err := db.ParseKeysetCursor(f.Cursor)
		if err != nil {
			return nil, "", err
		}
		c.Add("(created_at < ? OR (created_at = ? AND id < ?))", at, at, id)
	}
	where := ""
	if len(c.Where) > 0 {
		where = " WHERE " + c.And()
	}
	rows, err := s.db.R.QueryContext(ctx, `SELECT `+voteCols+` FROM votes`+where+` ORDER BY created_at DESC, id DESC LIMIT `+fmt.Sprint(f.Limit+1), c.Args...)
	if err != nil {
		return nil, "", errs.Wrap(err, "list votes")
	}
	out := []Vote{}
	for rows.Next() {
		v, err := scanVote(rows)
		if err != nil {
			rows.Close()
			return nil, "", errs.Wrap(err, "scan vote")
		}
		out = append(out, v)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, "", errs.Wrap(err, "list votes")
	}
	next := ""
	if len(out) > f.Limit {
		out = out[:f.Limit]
		last := out[len(out)-1]
		next = db.KeysetCursor(db.Millis(last.CreatedAt), last.ID)
	}
	for i := range out {
		if out[i], err = s.withTally(ctx, u, out[i], u.Role == auth.RoleResident); err != nil {
			return nil, "", err
		}
	}
	return out, next, nil
}

// UnitBallot is a unit of the register as the caller may see it.
type UnitBallot struct {
	Unit   string `json:"unit"`
	Area   Area   `json:"area_m2"`
	Owner  string `json:"owner,omitempty"`  // masked, and only to the staff running the vote
	Voted  bool   `json:"voted"`            // whether its ballot is in
	Choice string `json:"choice,omitempty"` // only to whom may see it
	// Scanned tells the staff running the vote that its paper ballot's
	// scan is kept.
	Scanned bool `json:"scanned,omitempty"`
}

// Register returns the units of the vote: to the staff running it, with
// owners masked and the choices only of a vote that is not secret; to an
// owner, her own units with her choices.
func (s *Service) Register(ctx context.Context, u auth.User, id string) ([]UnitBallot, error) {
	v, err := s.Get(ctx, u, id)
	if err != nil {
		return nil, err
	}
	run := CanRun(u, v)
	q := `SELECT u.unit, u.area, u.owner, COALESCE(b.choice, ''), sc.unit IS NOT NULL FROM vote_units u
LEFT JOIN vote_ballots b ON b.vote_id = u.vote_id AND b.unit = u.unit
LEFT JOIN vote_ballot_scans sc ON sc.vote_id = u.vote_id AND sc.unit = u.unit WHERE u.vote_id = $1`
	args := []any{id}
	if !run {
		q += ` AND u.owner = $2`
		args = append(args, u.Phone)
	}
	rows, err := s.db.R.QueryContext(ctx, q+` ORDER BY u.unit LIMIT `+fmt.Sprint(MaxUnits), args...)
	if err != nil {
		return nil, errs.Wrap(err, "read register")
	}
	defer rows.Close()
	out := []UnitBallot{}
	for rows.Next() {
		var b UnitBallot
		var owner string
		var scanned bool
		if err := rows.Scan(&b.Unit, &b.Area, &owner, &b.Choice, &scanned); err != nil {
			return nil, errs.Wrap(err, "scan register")
		}
		b.Voted = b.Choice != ""
		if run {
			b.Owner, b.Scanned = privacy.Mask(owner), scanned
			if !CanSeeChoices(u, v) {
				b.Choice = ""
			}
		}
		out = append(out, b)
	}
	return out, errs.Wrap(rows.Err(), "read register")
}
