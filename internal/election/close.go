package election

import (
	"context"
	"database/sql"
	"fmt"

	"github.com/gongzhi/gongzhi/internal/auth"
	"github.com/gongzhi/gongzhi/internal/db"
	"github.com/gongzhi/gongzhi/internal/errs"
	"github.com/gongzhi/gongzhi/internal/gov"
	"github.com/gongzhi/gongzhi/internal/vote"
)

// Close ends the election now and stores its count.
func (s *Service) Close(ctx context.Context, u auth.User, id string) (Election, error) {
	e, err := s.Get(ctx, u, id)
	if err != nil {
		return Election{}, err
	}
	if !CanRun(u, e) {
		return Election{}, errs.New(errs.Forbidden, "只有组织选举的工作人员可以结束选举", "only the staff running the election close it")
	}
	if err := s.close(ctx, u, id, false); err != nil {
		return Election{}, err
	}
	return s.Get(ctx, u, id)
}

// close counts and stores the result in one transaction; due asks that the
// closing time has passed (the background work's close).
func (s *Service) close(ctx context.Context, u auth.User, id string, due bool) error {
	now := s.clock.Now()
	return s.db.Tx(ctx, func(tx *sql.Tx) error {
		e, err := s.lock(ctx, tx, id)
		if err != nil {
			return err
		}
		if e.Status != StatusOpen || (due && now.Before(e.ClosesAt)) {
			return errs.Conflictf("选举已结束", "the election is already closed")
		}
		cands, err := candidates(ctx, tx, id)
		if err != nil {
			return err
		}
		rl, err := closingRoll(ctx, tx, e)
		if err != nil {
			return err
		}
		ballots, err := ballotsOf(ctx, tx, id)
		if err != nil {
			return err
		}
		r := Tally(e.Kind, e.Rules, e.Seats, cands, rl, ballots)
		_, err = tx.ExecContext(ctx, `UPDATE elections SET status = $1, closed_by = $2, closed_at = $3, voters_total = $4, voters_voted = $5,
area_total = $6, area_voted = $7, quorum_met = $8, seats_unfilled = $9 WHERE id = $10`,
			StatusClosed, u.ID, db.Millis(now), r.VotersTotal, r.VotersVoted, int64(r.AreaTotal), int64(r.AreaVoted), r.QuorumMet, r.SeatsUnfilled, id)
		if err != nil {
			return errs.Wrap(err, "close election")
		}
		for _, c := range r.Candidates {
			_, err := tx.ExecContext(ctx, `UPDATE election_candidates SET votes = $1, area = $2, passed = $3, elected = $4, tied = $5 WHERE election_id = $6 AND id = $7`,
				c.Votes, int64(c.Area), c.Passed, c.Elected, c.Tied, id, c.ID)
			if err != nil {
				return errs.Wrap(err, "store count")
			}
		}
		if _, err := s.notifyRoll(ctx, tx, e, fmt.Sprintf("「%s」已结束投票，结果已公布，请登录查看。", e.Title)); err != nil {
			return err
		}
		return s.event(ctx, tx, id, "closed", map[string]any{"due": due, "voters_total": r.VotersTotal, "voters_voted": r.VotersVoted,
			"area_total": r.AreaTotal, "area_voted": r.AreaVoted, "quorum_met": r.QuorumMet, "elected": r.Elected, "runoff": r.Runoff,
			"seats_unfilled": r.SeatsUnfilled}, u, now)
	})
}

// closingRoll is the roll as the election closes: the register's owners
// and area; or the residents verified in the area, together with any voter
// whose residence has since been taken back (a ballot cast stays cast).
func closingRoll(ctx context.Context, tx *sql.Tx, e Election) (roll, error) {
	if e.Kind == KindOwnersCommittee {
		n, area, err := rollOf(ctx, tx, e)
		return roll{voters: n, area: vote.Area(area)}, err
	}
	lo, hi := gov.UnderRange(e.AreaCode)
	var n int64
	err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM (SELECT phone FROM area_residents WHERE area_code >= $1 AND area_code < $2
UNION SELECT voter FROM election_ballots WHERE election_id = $3) x`, lo, hi, e.ID).Scan(&n)
	return roll{voters: n}, errs.Wrap(err, "count roll")
}

// ballotsOf reads the ballots to count: each voter's floor area (the sum
// of her units, an owners' committee) and the candidates it names.
func ballotsOf(ctx context.Context, tx *sql.Tx, id string) ([]ballot, error) {
	rows, err := tx.QueryContext(ctx, `SELECT b.voter, COALESCE((SELECT SUM(u.area) FROM election_units u WHERE u.election_id = b.election_id AND u.owner = b.voter), 0)
FROM election_ballots b WHERE b.election_id = $1`, id)
	if err != nil {
		return nil, errs.Wrap(err, "read ballots")
	}
	at := map[string]int{}
	var out []ballot
	for rows.Next() {
		var voter string
		var area int64
		if err := rows.Scan(&voter, &area); err != nil {
			rows.Close()
			return nil, errs.Wrap(err, "scan ballot")
		}
		at[voter] = len(out)
		out = append(out, ballot{area: vote.Area(area)})
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, errs.Wrap(err, "read ballots")
	}
	rows, err = tx.QueryContext(ctx, `SELECT voter, candidate_id FROM election_choices WHERE election_id = $1`, id)
	if err != nil {
		return nil, errs.Wrap(err, "read choices")
	}
	defer rows.Close()
	for rows.Next() {
		var voter, c string
		if err := rows.Scan(&voter, &c); err != nil {
			return nil, errs.Wrap(err, "scan choice")
		}
		if i, ok := at[voter]; ok {
			out[i].choices = append(out[i].choices, c)
		}
	}
	return out, errs.Wrap(rows.Err(), "read choices")
}

// CloseDue closes, as the system, the open elections whose closing time
// has passed, at most 100 a call, and returns how many it closed. The
// background work calls it; several processes may.
func (s *Service) CloseDue(ctx context.Context) (int, error) {
	return db.SweepIDs(ctx, s.db.R, `SELECT id FROM elections WHERE status = $1 AND closes_at <= $2 ORDER BY closes_at LIMIT 100`,
		[]any{StatusOpen, db.Millis(s.clock.Now())}, func(id string) error { return s.close(ctx, auth.System(), id, true) })
}

// TakesBallots reports whether the election takes ballots now.
func (s *Service) TakesBallots(e Election) bool {
	now := s.clock.Now()
	return e.Status == StatusOpen && !now.Before(e.OpensAt) && now.Before(e.ClosesAt)
}

// Upcoming reports whether the election has not opened yet.
func (s *Service) Upcoming(e Election) bool {
	return e.Status == StatusOpen && s.clock.Now().Before(e.OpensAt)
}
