package election

import (
	"context"
	"database/sql"
	"errors"
	"time"

	"github.com/gongzhi/gongzhi/internal/auth"
	"github.com/gongzhi/gongzhi/internal/db"
	"github.com/gongzhi/gongzhi/internal/disclosure"
	"github.com/gongzhi/gongzhi/internal/errs"
	"github.com/gongzhi/gongzhi/internal/gov"
)

const cols = `e.id, e.kind, e.area_code, e.title, e.seats, e.level, e.status, e.opens_at, e.closes_at, e.created_at, e.closed_at, e.created_by,
e.quorum_num, e.quorum_den, e.quorum_strict, e.elect_num, e.elect_den, e.elect_strict,
e.voters_total, e.voters_voted, e.area_total, e.area_voted, e.quorum_met, e.seats_unfilled,
(SELECT COUNT(*) FROM election_units x WHERE x.election_id = e.id),
(SELECT COUNT(*) FROM election_ballots y WHERE y.election_id = e.id)`

func scan(sc interface{ Scan(...any) error }) (Election, error) {
	var e Election
	var opens, closes, created int64
	var closed sql.NullInt64
	q, el, r := &e.Rules.Quorum, &e.Rules.Elect, &e.result
	err := sc.Scan(&e.ID, &e.Kind, &e.AreaCode, &e.Title, &e.Seats, &e.Level, &e.Status, &opens, &closes, &created, &closed, &e.createdBy,
		&q.Num, &q.Den, &q.Strict, &el.Num, &el.Den, &el.Strict,
		&r.VotersTotal, &r.VotersVoted, &r.AreaTotal, &r.AreaVoted, &r.QuorumMet, &r.SeatsUnfilled, &e.Units, &e.Ballots)
	e.OpensAt, e.ClosesAt, e.CreatedAt = time.UnixMilli(opens), time.UnixMilli(closes), time.UnixMilli(created)
	if closed.Valid {
		t := time.UnixMilli(closed.Int64)
		e.ClosedAt = &t
	}
	e.Candidates, e.MyChoices = []Candidate{}, []string{}
	return e, err
}

// get reads an election whoever asks.
func get(ctx context.Context, q db.Queryer, id string) (Election, error) {
	e, err := scan(q.QueryRowContext(ctx, `SELECT `+cols+` FROM elections e WHERE e.id = $1`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return Election{}, errNotFound
	}
	return e, errs.Wrap(err, "get election")
}

// standing tells whether u's phone is on the election's roll and whether
// she lives in its area.
func standing(ctx context.Context, q db.Queryer, u auth.User, e Election) (onRoll, resident bool, err error) {
	if !isVoter(u) {
		return false, false, nil
	}
	if resident, err = disclosure.Resident(ctx, q, u, e.AreaCode); err != nil {
		return false, false, err
	}
	onRoll, err = onRollOf(ctx, q, e, u.Phone)
	return onRoll, resident, err
}

// onRollOf reports whether the phone is on the election's roll.
func onRollOf(ctx context.Context, q db.Queryer, e Election, phone string) (bool, error) {
	if e.Kind == KindResidents {
		return disclosure.LivesIn(ctx, q, phone, e.AreaCode)
	}
	var n int
	err := q.QueryRowContext(ctx, `SELECT COUNT(*) FROM election_units WHERE election_id = $1 AND owner = $2`, e.ID, phone).Scan(&n)
	return n > 0, errs.Wrap(err, "register owner")
}

// Get returns an election u may see, with what is hers and, once closed,
// its count.
func (s *Service) Get(ctx context.Context, u auth.User, id string) (Election, error) {
	if id == "" || len(id) > 64 {
		return Election{}, errNotFound
	}
	e, err := get(ctx, s.db.R, id)
	if err != nil {
		return e, err
	}
	onRoll, resident, err := standing(ctx, s.db.R, u, e)
	if err != nil {
		return Election{}, err
	}
	if !CanSee(u, e, onRoll, resident) {
		return Election{}, errNotFound
	}
	return s.fill(ctx, s.db.R, u, e, onRoll)
}

// fill adds the candidates, the roll, the reader's own ballot and, once
// closed, the count.
func (s *Service) fill(ctx context.Context, q db.Queryer, u auth.User, e Election, onRoll bool) (Election, error) {
	var err error
	if e.Candidates, err = candidates(ctx, q, e.ID); err != nil {
		return e, err
	}
	e.Eligible = CanVote(u, onRoll)
	if e.Status == StatusClosed {
		e.Voters = e.result.VotersTotal
	} else if e.Voters, _, err = rollOf(ctx, q, e); err != nil {
		return e, err
	}
	if isVoter(u) {
		if e.Voted, e.MyChoices, err = ballotOf(ctx, q, e.ID, u.Phone); err != nil {
			return e, err
		}
	}
	if CanSeeResult(e) {
		if err := resultOf(ctx, q, &e); err != nil {
			return e, err
		}
	}
	return e, nil
}

// rollOf counts the roll now: the owners on the register and its area, or
// the residents verified in the area.
func rollOf(ctx context.Context, q db.Queryer, e Election) (int64, int64, error) {
	var n, area int64
	var err error
	if e.Kind == KindResidents {
		lo, hi := gov.UnderRange(e.AreaCode)
		err = q.QueryRowContext(ctx, `SELECT COUNT(DISTINCT phone) FROM area_residents WHERE area_code >= $1 AND area_code < $2`, lo, hi).Scan(&n)
	} else {
		err = q.QueryRowContext(ctx, `SELECT COUNT(DISTINCT owner), COALESCE(SUM(area), 0) FROM election_units WHERE election_id = $1`, e.ID).Scan(&n, &area)
	}
	return n, area, errs.Wrap(err, "count roll")
}

// ballotOf reads the voter's own ballot: whether it is in, and the
// candidates it named.
func ballotOf(ctx context.Context, q db.Queryer, id, voter string) (bool, []string, error) {
	var n int
	if err := q.QueryRowContext(ctx, `SELECT COUNT(*) FROM election_ballots WHERE election_id = $1 AND voter = $2`, id, voter).Scan(&n); err != nil {
		return false, nil, errs.Wrap(err, "read ballot")
	}
	out := []string{}
	if n == 0 {
		return false, out, nil
	}
	rows, err := q.QueryContext(ctx, `SELECT ch.candidate_id FROM election_choices ch JOIN election_candidates c ON c.election_id = ch.election_id AND c.id = ch.candidate_id
WHERE ch.election_id = $1 AND ch.voter = $2 ORDER BY c.seq`, id, voter)
	if err != nil {
		return false, nil, errs.Wrap(err, "read choices")
	}
	defer rows.Close()
	for rows.Next() {
		var c string
		if err := rows.Scan(&c); err != nil {
			return false, nil, errs.Wrap(err, "scan choice")
		}
		out = append(out, c)
	}
	return true, out, errs.Wrap(rows.Err(), "read choices")
}

// resultOf reads the stored count of a closed election.
func resultOf(ctx context.Context, q db.Queryer, e *Election) error {
	rows, err := q.QueryContext(ctx, `SELECT id, name, votes, area, passed, elected, tied FROM election_candidates WHERE election_id = $1
ORDER BY passed DESC, votes DESC, area DESC, seq`, e.ID)
	if err != nil {
		return errs.Wrap(err, "read count")
	}
	defer rows.Close()
	r := e.result
	r.Candidates, r.Elected, r.Runoff = []CandidateResult{}, []string{}, []string{}
	for rows.Next() {
		var c CandidateResult
		if err := rows.Scan(&c.ID, &c.Name, &c.Votes, &c.Area, &c.Passed, &c.Elected, &c.Tied); err != nil {
			return errs.Wrap(err, "scan count")
		}
		r.Candidates = append(r.Candidates, c)
		if c.Elected {
			r.Elected = append(r.Elected, c.ID)
		}
		if c.Tied {
			r.Runoff = append(r.Runoff, c.ID)
		}
	}
	e.Result = &r
	return errs.Wrap(rows.Err(), "read count")
}

// Filter narrows a list of elections.
type Filter struct {
	AreaCode string // the area and those below it
	Cursor   string // from the previous page
	Limit    int
}

// List returns the elections u may see, the newest first, and the cursor
// of the next page ("" at the end).
func (s *Service) List(ctx context.Context, u auth.User, f Filter) ([]Election, string, error) {
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
		c.Add("e.area_code >= ? AND e.area_code < ?", lo, hi)
	}
	listSQL(&c, u)
	if f.Cursor != "" {
		at, id, err := db.ParseKeysetCursor(f.Cursor)
		if err != nil {
			return nil, "", err
		}
		c.Add("(e.created_at < ? OR (e.created_at = ? AND e.id < ?))", at, at, id)
	}
	where := ""
	if len(c.Where) > 0 {
		where = " WHERE " + c.And()
	}
	rows, err := s.db.R.QueryContext(ctx, `SELECT `+cols+` FROM elections e`+where+` ORDER BY e.created_at DESC, e.id DESC LIMIT `+c.Arg(f.Limit+1), c.Args...)
	if err != nil {
		return nil, "", errs.Wrap(err, "list elections")
	}
	out := []Election{}
	for rows.Next() {
		e, err := scan(rows)
		if err != nil {
			rows.Close()
			return nil, "", errs.Wrap(err, "scan election")
		}
		out = append(out, e)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, "", errs.Wrap(err, "list elections")
	}
	next := ""
	if len(out) > f.Limit {
		out = out[:f.Limit]
		last := out[len(out)-1]
		next = db.KeysetCursor(db.Millis(last.CreatedAt), last.ID)
	}
	for i := range out {
		onRoll, _, err := standing(ctx, s.db.R, u, out[i])
		if err != nil {
			return nil, "", err
		}
		if out[i], err = s.fill(ctx, s.db.R, u, out[i], onRoll); err != nil {
			return nil, "", err
		}
	}
	return out, next, nil
}
