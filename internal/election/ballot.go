package election

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/gongzhi/gongzhi/internal/auth"
	"github.com/gongzhi/gongzhi/internal/db"
	"github.com/gongzhi/gongzhi/internal/errs"
	"github.com/gongzhi/gongzhi/internal/plaintext"
	"github.com/gongzhi/gongzhi/internal/privacy"
)

// BallotIn is a ballot: the candidates it names (at most the seats), or
// Blank for one that names nobody (it counts for participation only).
// Voter is the voter's phone when the staff record a paper ballot on her
// behalf, PaperRef the paper's reference; a voter casting her own leaves
// both empty.
type BallotIn struct {
	Choices  []string `json:"choices"`
	Blank    bool     `json:"blank"`
	Voter    string   `json:"voter"`
	PaperRef string   `json:"paper_ref"`
}

func (b *BallotIn) check() error {
	b.PaperRef = strings.TrimSpace(plaintext.Clean(b.PaperRef))
	switch {
	case len(b.Choices) == 0 && !b.Blank:
		return errs.Invalidf("请至少选择一名候选人，或投空白票（弃权）", "choose at least one candidate, or cast a blank ballot")
	case len(b.Choices) > 0 && b.Blank:
		return errs.Invalidf("空白票不能选择候选人", "a blank ballot names no candidate")
	case len(b.Choices) > MaxCandidates:
		return errs.Invalidf("所选候选人超过应选名额", "more candidates chosen than there are seats")
	case utf8.RuneCountInString(b.PaperRef) > MaxPaperRef || strings.ContainsAny(b.PaperRef, "\r\n"):
		return errs.Invalidf("纸质票编号不超过%d字且只占一行", "the paper reference must be at most %d characters on one line", MaxPaperRef)
	}
	seen := map[string]bool{}
	for _, c := range b.Choices {
		if c == "" || len(c) > 64 || seen[c] {
			return errs.Invalidf("候选人重复或不正确", "a candidate repeats or is malformed")
		}
		seen[c] = true
	}
	return nil
}

// Cast records a ballot: the voter's own (a resident on the roll), or a
// paper ballot the staff running the election record on the voter's
// behalf. One ballot a voter; none before the election opens, after its
// closing time or once it is closed.
func (s *Service) Cast(ctx context.Context, u auth.User, id string, in BallotIn) (Election, error) {
	if err := in.check(); err != nil {
		return Election{}, err
	}
	e, err := s.Get(ctx, u, id)
	if err != nil {
		return Election{}, err
	}
	voter, channel := u.Phone, ChannelOnline
	switch {
	case CanRecord(u, e):
		voter, channel = auth.NormalizePhone(in.Voter), ChannelPaper
		if !auth.ValidPhone(voter) {
			return Election{}, errs.Invalidf("请填写选民的手机号", "enter the voter's mobile number")
		}
	case !isVoter(u):
		return Election{}, errs.New(errs.Forbidden, "只有选民本人或组织选举的工作人员可以投票", "only the voter herself or the staff running the election cast ballots")
	case in.Voter != "" && auth.NormalizePhone(in.Voter) != u.Phone:
		return Election{}, errs.New(errs.Forbidden, "只能投自己的票", "you may only cast your own ballot")
	default:
		in.PaperRef = ""
	}
	if len(in.Choices) > e.Seats {
		return Election{}, errs.Invalidf("最多选择%d名候选人", "choose at most %d candidates", e.Seats)
	}
	now := s.clock.Now()
	err = s.db.Tx(ctx, func(tx *sql.Tx) error {
		e, err := s.lock(ctx, tx, id)
		if err != nil {
			return err
		}
		if err := s.open(e, now); err != nil {
			return err
		}
		if err := checkChoices(ctx, tx, e, in.Choices); err != nil {
			return err
		}
		onRoll, err := onRollOf(ctx, tx, e, voter)
		if err != nil {
			return err
		}
		if !onRoll && channel == ChannelPaper {
			return errs.NotFoundf("选民名册中没有该手机号", "that phone is not on the election's roll")
		} else if !CanVote(u, onRoll) && channel == ChannelOnline {
			return errs.New(errs.Forbidden, "您不在本次选举的选民名册中", "you are not on this election's roll")
		}
		return s.insertBallot(ctx, tx, u, e, voter, channel, in, now)
	})
	if err != nil {
		return Election{}, err
	}
	return s.Get(ctx, u, id)
}

// open refuses a ballot outside the election's time.
func (s *Service) open(e Election, now time.Time) error {
	switch {
	case e.Status != StatusOpen || !now.Before(e.ClosesAt):
		return errs.Conflictf("选举已结束，不能再投票", "the election is over: it takes no more ballots")
	case now.Before(e.OpensAt):
		return errs.Conflictf("选举尚未开始投票", "voting has not begun")
	}
	return nil
}

// checkChoices refuses a candidate not of the election, and a ballot while
// there are fewer candidates than seats.
func checkChoices(ctx context.Context, tx *sql.Tx, e Election, choices []string) error {
	cs, err := candidates(ctx, tx, e.ID)
	if err != nil {
		return err
	}
	if len(cs) < e.Seats {
		return errs.New(errs.Conflict, fmt.Sprintf("候选人（%d名）少于应选名额（%d名），还不能投票", len(cs), e.Seats),
			fmt.Sprintf("fewer candidates (%d) than seats (%d): no ballots yet", len(cs), e.Seats))
	}
	known := make(map[string]bool, len(cs))
	for _, c := range cs {
		known[c.ID] = true
	}
	for _, c := range choices {
		if !known[c] {
			return errs.Invalidf("没有这名候选人：%s", "no such candidate: %s", c)
		}
	}
	return nil
}

func (s *Service) insertBallot(ctx context.Context, tx *sql.Tx, u auth.User, e Election, voter, channel string, in BallotIn, now time.Time) error {
	voted := errs.Conflictf("该选民已经投过票，每人只能投一次", "this voter has voted: one ballot each")
	var n int
	if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM election_ballots WHERE election_id = $1 AND voter = $2`, e.ID, voter).Scan(&n); err != nil {
		return errs.Wrap(err, "read ballot")
	}
	if n > 0 {
		return voted
	}
	_, err := tx.ExecContext(ctx, `INSERT INTO election_ballots (election_id, voter, blank, channel, paper_ref, cast_by, cast_at) VALUES ($1, $2, $3, $4, $5, $6, $7)`,
		e.ID, voter, in.Blank, channel, in.PaperRef, u.ID, db.Millis(now))
	if db.IsUnique(err) {
		return voted
	} else if err != nil {
		return errs.Wrap(err, "insert ballot")
	}
	for _, c := range in.Choices {
		if _, err := tx.ExecContext(ctx, `INSERT INTO election_choices (election_id, voter, candidate_id) VALUES ($1, $2, $3)`, e.ID, voter, c); err != nil {
			return errs.Wrap(err, "insert choice")
		}
	}
	detail := map[string]any{"channel": channel}
	if channel == ChannelPaper {
		detail["voter"], detail["paper_ref"] = privacy.Mask(voter), in.PaperRef
	}
	return s.event(ctx, tx, e.ID, "ballot", detail, u, now)
}

// lock reads the election in tx, and on PostgreSQL holds its row until tx
// ends, so a ballot, the register, the candidates and the close are one
// step each (SQLite has one writer).
func (s *Service) lock(ctx context.Context, tx *sql.Tx, id string) (Election, error) {
	q := `SELECT ` + cols + ` FROM elections e WHERE e.id = $1`
	if s.db.Engine == db.Postgres {
		q += ` FOR UPDATE OF e`
	}
	e, err := scan(tx.QueryRowContext(ctx, q, id))
	if errors.Is(err, sql.ErrNoRows) {
		return Election{}, errNotFound
	}
	return e, errs.Wrap(err, "lock election")
}
