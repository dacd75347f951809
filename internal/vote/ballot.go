package vote

import (
	"context"
	"database/sql"
	"errors"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/gongzhi/gongzhi/internal/attachment"
	"github.com/gongzhi/gongzhi/internal/auth"
	"github.com/gongzhi/gongzhi/internal/db"
	"github.com/gongzhi/gongzhi/internal/errs"
	"github.com/gongzhi/gongzhi/internal/plaintext"
)

// Channels of a ballot.
const (
	ChannelPaper  = "paper"  // recorded by the staff from a paper ballot
	ChannelOnline = "online" // cast by the owner herself
)

// BallotIn is the ballot of one unit. PaperRef is the paper ballot's
// reference (its number, or where it is filed), recorded by the staff.
type BallotIn struct {
	Unit     string `json:"unit"`
	Choice   string `json:"choice"`
	PaperRef string `json:"paper_ref,omitempty"`
	// Scan is the paper ballot's scan, kept with it (the pages' upload).
	Scan *Scan `json:"-"`

	kept *attachment.Image
}

// Cast records the ballots of units of the vote, all or none: the owner's
// of her own units, or the staff's from paper. A unit votes once; nothing
// is taken after the vote's closing time or once it is closed.
func (s *Service) Cast(ctx context.Context, u auth.User, id string, in []BallotIn) (Vote, error) {
	if len(in) == 0 || len(in) > MaxBallots {
		return Vote{}, errs.Invalidf("须有1到%d张表决票", "1 to %d ballots are needed", MaxBallots)
	}
	seen := map[string]bool{}
	for i := range in {
		b := &in[i]
		b.Unit, b.PaperRef = strings.TrimSpace(plaintext.Clean(b.Unit)), strings.TrimSpace(plaintext.Clean(b.PaperRef))
		switch {
		case b.Unit == "" || utf8.RuneCountInString(b.Unit) > MaxUnitName:
			return Vote{}, errs.Invalidf("房号不能为空且不超过%d字", "the unit must be 1 to %d characters", MaxUnitName)
		case !ValidChoice(b.Choice):
			return Vote{}, errs.Invalidf("表决意见须为 agree（同意）、disagree（反对）或 abstain（弃权）", "choice must be agree, disagree or abstain")
		case utf8.RuneCountInString(b.PaperRef) > MaxPaperRef || strings.ContainsAny(b.PaperRef, "\r\n"):
			return Vote{}, errs.Invalidf("纸质票编号不超过%d字且只占一行", "the paper reference must be at most %d characters on one line", MaxPaperRef)
		case seen[b.Unit]:
			return Vote{}, errs.Invalidf("房号 %s 重复", "unit %s repeats", b.Unit)
		}
		seen[b.Unit] = true
	}
	if _, err := s.Get(ctx, u, id); err != nil {
		return Vote{}, err
	}
	now := s.clock.Now()
	channel := ChannelPaper
	if isOwner(u) {
		channel = ChannelOnline
	}
	for i := range in {
		if in[i].Scan == nil {
			continue
		}
		if channel != ChannelPaper {
			return Vote{}, errs.Invalidf("在线投票没有纸质票扫描件", "an online ballot has no paper to scan")
		}
		img, err := s.keepScan(ctx, *in[i].Scan)
		if err != nil {
			return Vote{}, err
		}
		in[i].kept = &img
	}
	err := s.db.Tx(ctx, func(tx *sql.Tx) error {
		v, err := s.lock(ctx, tx, id)
		if err != nil {
			return err
		}
		if v.Status != StatusOpen || !now.Before(v.ClosesAt) {
			return errs.Conflictf("表决已结束，不能再投票", "the vote is over: it takes no more ballots")
		}
		for _, b := range in {
			if err := s.castOne(ctx, tx, u, v, b, channel, now); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return Vote{}, err
	}
	return s.Get(ctx, u, id)
}

func (s *Service) castOne(ctx context.Context, tx *sql.Tx, u auth.User, v Vote, b BallotIn, channel string, now time.Time) error {
	var owner string
	err := tx.QueryRowContext(ctx, `SELECT owner FROM vote_units WHERE vote_id = $1 AND unit = $2`, v.ID, b.Unit).Scan(&owner)
	if errors.Is(err, sql.ErrNoRows) || (err == nil && !CanVoteFor(u, v, owner)) {
		return errs.NotFoundf("登记册中没有您的房屋 %s", "unit %s is not one of yours in the register", b.Unit)
	} else if err != nil {
		return errs.Wrap(err, "read unit")
	}
	if channel == ChannelOnline {
		b.PaperRef = ""
	}
	var n int
	if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM vote_ballots WHERE vote_id = $1 AND unit = $2`, v.ID, b.Unit).Scan(&n); err != nil {
		return errs.Wrap(err, "read ballot")
	}
	if n > 0 {
		return errs.Conflictf("房屋 %s 已经投过票，每户只能投一次", "unit %s has voted: a unit votes once", b.Unit)
	}
	_, err = tx.ExecContext(ctx, `INSERT INTO vote_ballots (vote_id, unit, choice, channel, paper_ref, cast_by, cast_at) VALUES ($1, $2, $3, $4, $5, $6, $7)`,
		v.ID, b.Unit, b.Choice, channel, b.PaperRef, u.ID, db.Millis(now))
	if db.IsUnique(err) {
		return errs.Conflictf("房屋 %s 已经投过票，每户只能投一次", "unit %s has voted: a unit votes once", b.Unit)
	} else if err != nil {
		return errs.Wrap(err, "insert ballot")
	}
	detail := map[string]any{"unit": b.Unit, "channel": channel}
	if !v.Secret {
		detail["choice"] = b.Choice
	}
	if b.PaperRef != "" {
		detail["paper_ref"] = b.PaperRef
	}
	if err := s.event(ctx, tx, v.ID, "ballot", detail, u, now); err != nil {
		return err
	}
	if b.kept != nil {
		return s.insertScan(ctx, tx, u, v, b.Unit, *b.kept)
	}
	return nil
}

// lock reads the vote in tx, and on PostgreSQL holds its row until tx ends,
// so a ballot, the register and the close are one step each (SQLite has one
// writer).
func (s *Service) lock(ctx context.Context, tx *sql.Tx, id string) (Vote, error) {
	q := `SELECT ` + voteCols + ` FROM votes WHERE id = $1`
	if s.db.Engine == db.Postgres {
		q += ` FOR UPDATE`
	}
	v, err := scanVote(tx.QueryRowContext(ctx, q, id))
	if errors.Is(err, sql.ErrNoRows) {
		return Vote{}, errNotFound
	}
	return v, errs.Wrap(err, "lock vote")
}
