package election

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/gongzhi/gongzhi/internal/auth"
	"github.com/gongzhi/gongzhi/internal/db"
	"github.com/gongzhi/gongzhi/internal/errs"
	"github.com/gongzhi/gongzhi/internal/plaintext"
)

// CandidateIn is a candidate to add: her name and a short introduction.
type CandidateIn struct {
	Name  string `json:"name"`
	Intro string `json:"intro"`
}

func checkCandidates(in []CandidateIn) error {
	if len(in) == 0 || len(in) > MaxCandidates {
		return errs.Invalidf("须有1到%d名候选人", "1 to %d candidates are needed", MaxCandidates)
	}
	for i := range in {
		c := &in[i]
		c.Name, c.Intro = strings.TrimSpace(plaintext.Clean(c.Name)), strings.TrimSpace(plaintext.Clean(c.Intro))
		if c.Name == "" || utf8.RuneCountInString(c.Name) > MaxName || strings.ContainsAny(c.Name, "\r\n") {
			return errs.Invalidf("第%d名候选人：姓名不能为空，不超过%d字，且只占一行", "candidate #%d: the name must be 1 to %d characters on one line", i+1, MaxName)
		}
		if utf8.RuneCountInString(c.Intro) > MaxIntro {
			return errs.Invalidf("第%d名候选人：简介不超过%d字", "candidate #%d: the introduction must be at most %d characters", i+1, MaxIntro)
		}
	}
	return nil
}

// AddCandidates adds candidates to an election that has no ballot yet.
func (s *Service) AddCandidates(ctx context.Context, u auth.User, id string, in []CandidateIn) (Election, error) {
	if err := checkCandidates(in); err != nil {
		return Election{}, err
	}
	if err := s.runs(ctx, u, id); err != nil {
		return Election{}, err
	}
	now := s.clock.Now()
	err := s.db.Tx(ctx, func(tx *sql.Tx) error {
		e, err := s.lock(ctx, tx, id)
		if err != nil {
			return err
		}
		if e.Status != StatusOpen || e.Ballots > 0 {
			return errFrozen
		}
		var n, seq int
		if err := tx.QueryRowContext(ctx, `SELECT COUNT(*), COALESCE(MAX(seq), 0) FROM election_candidates WHERE election_id = $1`, id).Scan(&n, &seq); err != nil {
			return errs.Wrap(err, "count candidates")
		}
		if n+len(in) > MaxCandidates {
			return errs.New(errs.Conflict, fmt.Sprintf("一次选举最多%d名候选人", MaxCandidates), fmt.Sprintf("an election has at most %d candidates", MaxCandidates))
		}
		names := make([]string, len(in))
		for i, c := range in {
			seq++
			if _, err := tx.ExecContext(ctx, `INSERT INTO election_candidates (election_id, id, seq, name, intro) VALUES ($1, $2, $3, $4, $5)`,
				id, db.NewID(), seq, c.Name, c.Intro); err != nil {
				return errs.Wrap(err, "insert candidate")
			}
			names[i] = c.Name
		}
		return s.event(ctx, tx, id, "candidates_added", map[string]any{"names": names}, u, now)
	})
	if err != nil {
		return Election{}, err
	}
	return s.Get(ctx, u, id)
}

// RemoveCandidate takes a candidate off an election that has no ballot yet.
func (s *Service) RemoveCandidate(ctx context.Context, u auth.User, id, candidate string) (Election, error) {
	if err := s.runs(ctx, u, id); err != nil {
		return Election{}, err
	}
	now := s.clock.Now()
	err := s.db.Tx(ctx, func(tx *sql.Tx) error {
		e, err := s.lock(ctx, tx, id)
		if err != nil {
			return err
		}
		if e.Status != StatusOpen || e.Ballots > 0 {
			return errFrozen
		}
		var name string
		err = tx.QueryRowContext(ctx, `DELETE FROM election_candidates WHERE election_id = $1 AND id = $2 RETURNING name`, id, candidate).Scan(&name)
		if err == sql.ErrNoRows {
			return errs.NotFoundf("没有这名候选人", "no such candidate")
		} else if err != nil {
			return errs.Wrap(err, "remove candidate")
		}
		return s.event(ctx, tx, id, "candidate_removed", map[string]any{"name": name}, u, now)
	})
	if err != nil {
		return Election{}, err
	}
	return s.Get(ctx, u, id)
}

// runs returns nil when u runs the election, its refusal otherwise.
func (s *Service) runs(ctx context.Context, u auth.User, id string) error {
	e, err := s.Get(ctx, u, id)
	if err != nil {
		return err
	}
	if !CanRun(u, e) {
		return errs.New(errs.Forbidden, "只有组织选举的工作人员可以管理候选人", "only the staff running the election keep its candidates")
	}
	return nil
}

// candidates reads the election's candidates in the order entered.
func candidates(ctx context.Context, q db.Queryer, id string) ([]Candidate, error) {
	rows, err := q.QueryContext(ctx, `SELECT id, name, intro FROM election_candidates WHERE election_id = $1 ORDER BY seq`, id)
	if err != nil {
		return nil, errs.Wrap(err, "read candidates")
	}
	defer rows.Close()
	out := []Candidate{}
	for rows.Next() {
		var c Candidate
		if err := rows.Scan(&c.ID, &c.Name, &c.Intro); err != nil {
			return nil, errs.Wrap(err, "scan candidate")
		}
		out = append(out, c)
	}
	return out, errs.Wrap(rows.Err(), "read candidates")
}
