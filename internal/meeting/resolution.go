package meeting

import (
	"context"
	"database/sql"
	"errors"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/gongzhi/gongzhi/internal/auth"
	"github.com/gongzhi/gongzhi/internal/db"
	"github.com/gongzhi/gongzhi/internal/errs"
	"github.com/gongzhi/gongzhi/internal/plaintext"
)

// Methods of taking a resolution, and the choices of a ballot.
const (
	MethodHands   = "hands"  // 举手表决: the staff count the hands
	MethodBallot  = "ballot" // 投票表决: each present member's ballot recorded
	ChoiceFor     = "for"
	ChoiceAgainst = "against"
	ChoiceAbstain = "abstain"
)

// Resolution is one resolution of a meeting with its count.
type Resolution struct {
	Seq     int       `json:"seq"`
	Text    string    `json:"text"`
	Method  string    `json:"method"`
	Present int64     `json:"present"`
	For     int64     `json:"for"`
	Against int64     `json:"against"`
	Abstain int64     `json:"abstain"`
	Passed  bool      `json:"passed"`
	At      time.Time `json:"at"`
	// Ballots are each member's choice, shown to those who run the meeting.
	Ballots []Ballot `json:"ballots,omitempty"`
}

// Ballot is a present member's choice.
type Ballot struct {
	RepresentativeID string `json:"representative_id"`
	Choice           string `json:"choice"`
}

// ResolutionInput is a resolution to take: by show of hands with the
// counts, or by ballot with each member's choice (the counts are then
// counted from them).
type ResolutionInput struct {
	Text    string   `json:"text"`
	Method  string   `json:"method"`
	For     int64    `json:"for"`
	Against int64    `json:"against"`
	Abstain int64    `json:"abstain"`
	Ballots []Ballot `json:"ballots"`
}

// ValidChoice reports whether c is a choice of a ballot.
func ValidChoice(c string) bool { return c == ChoiceFor || c == ChoiceAgainst || c == ChoiceAbstain }

func (in *ResolutionInput) check() error {
	in.Text = strings.TrimSpace(plaintext.Clean(in.Text))
	if in.Text == "" || utf8.RuneCountInString(in.Text) > MaxResolution {
		return errs.Invalidf("决议内容不能为空且不超过%d字", "the resolution must be 1 to %d characters", MaxResolution)
	}
	switch in.Method {
	case MethodHands:
		if len(in.Ballots) > 0 {
			return errs.Invalidf("举手表决只填人数，不填选票", "a show of hands takes counts, not ballots")
		}
		if in.For < 0 || in.Against < 0 || in.Abstain < 0 {
			return errs.Invalidf("票数不能为负", "counts cannot be negative")
		}
	case MethodBallot:
		if in.For != 0 || in.Against != 0 || in.Abstain != 0 {
			return errs.Invalidf("投票表决由选票计票，不另填人数", "a ballot is counted from its ballots; give no counts")
		}
		if len(in.Ballots) == 0 || len(in.Ballots) > MaxRoster {
			return errs.Invalidf("投票表决须有1到%d张选票", "a ballot needs 1 to %d ballots", MaxRoster)
		}
		seen := map[string]bool{}
		for _, b := range in.Ballots {
			if !ValidChoice(b.Choice) {
				return errs.Invalidf("选票须为 for、against 或 abstain", "a ballot's choice must be for, against or abstain")
			}
			if seen[b.RepresentativeID] {
				return errs.Invalidf("每位代表只投一票", "a representative casts one ballot")
			}
			seen[b.RepresentativeID] = true
			switch b.Choice {
			case ChoiceFor:
				in.For++
			case ChoiceAgainst:
				in.Against++
			default:
				in.Abstain++
			}
		}
	default:
		return errs.Invalidf("表决方式须为 hands（举手）或 ballot（投票）", "method must be hands or ballot")
	}
	return nil
}

// Resolve takes a resolution while the meeting is open and its quorum is
// present: refused without the quorum, and when more hands or ballots are
// counted than members are present. It passes when more than half of
// those present agree (Passed).
func (s *Service) Resolve(ctx context.Context, u auth.User, id string, in ResolutionInput) (Meeting, error) {
	if err := in.check(); err != nil {
		return Meeting{}, err
	}
	err := s.runTx(ctx, u, id, func(tx *sql.Tx, m Meeting, now time.Time) error {
		if m.Status != StatusOpen {
			return errState(m.Status)
		}
		if !m.Quorum.Met(m.Present, m.Roster) {
			return errs.Conflictf("未达到法定人数（应到%d人，实到%d人，至少需%d人），不能表决", "no quorum (%d on the roster, %d present, %d needed): no resolution may be taken",
				m.Roster, m.Present, m.Quorum.Needed(m.Roster))
		}
		if in.For+in.Against+in.Abstain > m.Present {
			return errs.Invalidf("赞成、反对、弃权合计%d人，超过实到%d人", "for, against and abstain add up to %d, more than the %d present", in.For+in.Against+in.Abstain, m.Present)
		}
		var seq int
		if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM meeting_resolutions WHERE meeting_id = $1`, id).Scan(&seq); err != nil {
			return errs.Wrap(err, "count resolutions")
		}
		if seq >= MaxResolutions {
			return errs.Conflictf("一次会议最多%d项决议", "a meeting takes at most %d resolutions", MaxResolutions)
		}
		seq++
		for _, b := range in.Ballots {
			if err := s.ballot(ctx, tx, u, id, seq, b, now); err != nil {
				return err
			}
		}
		passed := Passed(in.For, m.Present)
		_, err := tx.ExecContext(ctx, `INSERT INTO meeting_resolutions (meeting_id, seq, text, method, present, votes_for, votes_against, votes_abstain, passed, created_by, created_at)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)`, id, seq, in.Text, in.Method, m.Present, in.For, in.Against, in.Abstain, passed, u.ID, db.Millis(now))
		if err != nil {
			return errs.Wrap(err, "insert resolution")
		}
		detail := map[string]any{"seq": seq, "method": in.Method, "present": m.Present, "for": in.For, "against": in.Against, "abstain": in.Abstain, "passed": passed}
		return s.event(ctx, tx, id, u, "", "resolution", detail, now)
	})
	if err != nil {
		return Meeting{}, err
	}
	return s.Get(ctx, u, id)
}

// ballot records a present member's ballot, as entered by the staff from
// the paper: on her behalf.
func (s *Service) ballot(ctx context.Context, tx *sql.Tx, u auth.User, id string, seq int, b Ballot, now time.Time) error {
	var signed sql.NullInt64
	err := tx.QueryRowContext(ctx, `SELECT signed_at FROM meeting_members WHERE meeting_id = $1 AND rep_id = $2`, id, b.RepresentativeID).Scan(&signed)
	if errors.Is(err, sql.ErrNoRows) || (err == nil && !signed.Valid) {
		return errs.Invalidf("选票只能由已签到的代表投出", "only members who signed in cast ballots")
	}
	if err != nil {
		return errs.Wrap(err, "read member")
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO meeting_ballots (meeting_id, seq, rep_id, choice, recorded_by) VALUES ($1, $2, $3, $4, $5)`,
		id, seq, b.RepresentativeID, b.Choice, u.ID); err != nil {
		return errs.Wrap(err, "insert ballot")
	}
	return s.event(ctx, tx, id, u, b.RepresentativeID, "ballot", map[string]any{"seq": seq}, now)
}

// resolutions reads the meeting's resolutions, with the ballots when
// ballots is set.
func (s *Service) resolutions(ctx context.Context, q db.Queryer, id string, ballots bool) ([]Resolution, error) {
	rows, err := q.QueryContext(ctx, `SELECT seq, text, method, present, votes_for, votes_against, votes_abstain, passed, created_at
FROM meeting_resolutions WHERE meeting_id = $1 ORDER BY seq`, id)
	if err != nil {
		return nil, errs.Wrap(err, "resolutions")
	}
	out := []Resolution{}
	for rows.Next() {
		var r Resolution
		var at int64
		if err := rows.Scan(&r.Seq, &r.Text, &r.Method, &r.Present, &r.For, &r.Against, &r.Abstain, &r.Passed, &at); err != nil {
			rows.Close()
			return nil, errs.Wrap(err, "scan resolution")
		}
		r.At = s.at(at)
		out = append(out, r)
	}
	rows.Close()
	if err := rows.Err(); err != nil || !ballots {
		return out, errs.Wrap(err, "resolutions")
	}
	rows, err = q.QueryContext(ctx, `SELECT seq, rep_id, choice FROM meeting_ballots WHERE meeting_id = $1 ORDER BY seq, rep_id`, id)
	if err != nil {
		return nil, errs.Wrap(err, "ballots")
	}
	defer rows.Close()
	for rows.Next() {
		var seq int
		var b Ballot
		if err := rows.Scan(&seq, &b.RepresentativeID, &b.Choice); err != nil {
			return nil, errs.Wrap(err, "scan ballot")
		}
		if seq >= 1 && seq <= len(out) {
			out[seq-1].Ballots = append(out[seq-1].Ballots, b)
		}
	}
	return out, errs.Wrap(rows.Err(), "ballots")
}
