package screening

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

// Check is what a grid worker records of one household or place.
type Check struct {
	Seq    int    `json:"seq"`
	Result string `json:"result"` // clear (无异常) or finding
	Note   string `json:"note"`   // optional when clear; what was found otherwise
	// ConvertTo is what a finding becomes: ticket (the default) or a
	// kind another capability registered (mediation, service).
	ConvertTo string `json:"convert_to"`
	// CategoryCode is the ticket's category, as the ticket capability
	// asks of a grid worker's report.
	CategoryCode string `json:"category_code"`
	// Dispute is what a finding that becomes a mediation case needs, and
	// ForResident what a service request needs; the converter checks them.
	Dispute     *Dispute     `json:"dispute,omitempty"`
	ForResident *ForResident `json:"for_resident,omitempty"`
}

// placeClaimed marks a place while its finding becomes an item elsewhere.
const placeClaimed = "claimed"

func (s *Service) checkInput(c *Check) (Converter, error) {
	c.Note = strings.TrimSpace(plaintext.Clean(c.Note))
	if utf8.RuneCountInString(c.Note) > MaxNote {
		return nil, errs.Invalidf("备注不超过%d字", "the note is at most %d characters", MaxNote)
	}
	switch c.Result {
	case ResultClear:
		if c.ConvertTo != "" || c.CategoryCode != "" {
			return nil, errs.Invalidf("无异常的记录不转办", "a check with nothing found becomes nothing")
		}
		return nil, nil
	case ResultFinding:
	default:
		return nil, errs.Invalidf("排查结果应为无异常（clear）或发现问题（finding）", "the result must be clear or finding")
	}
	if utf8.RuneCountInString(c.Note) < MinFinding {
		return nil, errs.Invalidf("请描述发现的问题（至少%d字）", "describe what was found (at least %d characters)", MinFinding)
	}
	if c.ConvertTo == "" {
		c.ConvertTo = ConvertTicket
	}
	fn := s.converter(c.ConvertTo)
	if fn == nil {
		return nil, errs.Invalidf("不能转为“%s”", "a finding cannot become %q", c.ConvertTo)
	}
	if c.ConvertTo != ConvertMediation {
		c.Dispute = nil
	}
	if c.ConvertTo != ConvertService {
		c.ForResident = nil
	}
	if c.Dispute != nil && len(c.Dispute.Parties) > MaxParties {
		return nil, errs.Invalidf("当事人不超过%d方", "at most %d parties", MaxParties)
	}
	return fn, nil
}

// lock reads the round in tx, its row locked on PostgreSQL.
func (s *Service) lock(ctx context.Context, tx *sql.Tx, id string) (Round, error) {
	if !ValidID(id) {
		return Round{}, errNotFound
	}
	q := `SELECT ` + roundCols + roundFrom + ` WHERE r.id = $1`
	if s.db.Engine == db.Postgres {
		q += ` FOR UPDATE OF r`
	}
	r, err := s.scan(tx.QueryRowContext(ctx, q, id))
	if errors.Is(err, sql.ErrNoRows) {
		return Round{}, errNotFound
	}
	return r, errs.Wrap(err, "lock round")
}

// Record records the check of one place of the round: nothing found, or a
// finding, which becomes an item of its kind (a ticket unless it says
// otherwise) made as u, its number kept on the place. A place is checked
// once; nothing is written when the finding's item cannot be made.
func (s *Service) Record(ctx context.Context, u auth.User, id string, c Check) (Place, error) {
	fn, err := s.checkInput(&c)
	if err != nil {
		return Place{}, err
	}
	now := s.clock.Now()
	var f Finding
	err = s.db.Tx(ctx, func(tx *sql.Tx) error {
		r, err := s.lock(ctx, tx, id)
		if err != nil {
			return err
		}
		local, err := s.local(ctx, tx, u)
		if err != nil {
			return err
		}
		if !CanRead(u, local, r.AreaCode) {
			return errNotFound
		}
		if !CanRecord(u, r.AreaCode) {
			return errs.New(errs.Forbidden, "只有本网格的网格员及其督办人员可以记录排查", "only the grid's workers and their supervisors record checks")
		}
		if r.Status != StatusOpen || !now.Before(r.EndsAt) {
			return errs.Conflictf("该轮排查已结束", "the round has ended")
		}
		if now.Before(r.StartsAt) {
			return errs.Conflictf("该轮排查%s开始", "the round starts on %s", r.StartsAt.Format("2006-01-02 15:04"))
		}
		var status string
		f = Finding{RoundID: id, Seq: c.Seq, AreaCode: r.AreaCode, Note: c.Note, CategoryCode: c.CategoryCode, Dispute: c.Dispute, ForResident: c.ForResident}
		err = tx.QueryRowContext(ctx, `SELECT address, kind, status FROM screening_places WHERE round_id = $1 AND seq = $2`, id, c.Seq).Scan(&f.Address, &f.Kind, &status)
		if errors.Is(err, sql.ErrNoRows) {
			return errPlace
		}
		if err != nil {
			return errs.Wrap(err, "read place")
		}
		if status != PlaceListed {
			return errs.Conflictf("这一户（处）已记录过", "this place has been recorded already")
		}
		if c.Result == ResultFinding {
			_, err = tx.ExecContext(ctx, `UPDATE screening_places SET status = $1 WHERE round_id = $2 AND seq = $3`, placeClaimed, id, c.Seq)
			return errs.Wrap(err, "claim place")
		}
		return s.checked(ctx, tx, u, id, c, "", now)
	})
	if err != nil || c.Result == ResultClear {
		if err != nil {
			return Place{}, err
		}
		return s.place(ctx, id, c.Seq)
	}
	ref, err := fn(ctx, u, f)
	if err == nil && ref == "" {
		err = errs.New(errs.Internal, "转办未返回编号", "the conversion returned no number")
	}
	if err != nil {
		if e := s.db.Tx(ctx, func(tx *sql.Tx) error {
			_, err := tx.ExecContext(ctx, `UPDATE screening_places SET status = $1 WHERE round_id = $2 AND seq = $3 AND status = $4`, PlaceListed, id, c.Seq, placeClaimed)
			return errs.Wrap(err, "release place")
		}); e != nil {
			return Place{}, e
		}
		return Place{}, err
	}
	err = s.db.Tx(ctx, func(tx *sql.Tx) error {
		if _, err := s.lock(ctx, tx, id); err != nil {
			return err
		}
		return s.checked(ctx, tx, u, id, c, ref, s.clock.Now())
	})
	if err != nil {
		return Place{}, err
	}
	return s.place(ctx, id, c.Seq)
}

// checked writes the check of a place, counts it and logs it.
func (s *Service) checked(ctx context.Context, tx *sql.Tx, u auth.User, id string, c Check, ref string, now time.Time) error {
	conv := ""
	if ref != "" {
		conv = c.ConvertTo
	}
	_, err := tx.ExecContext(ctx, `UPDATE screening_places SET status = $1, result = $2, note = $3, converted_to = $4, ref = $5, checked_by = $6, checked_at = $7 WHERE round_id = $8 AND seq = $9`,
		PlaceChecked, c.Result, c.Note, conv, ref, u.ID, db.Millis(now), id, c.Seq)
	if err != nil {
		return errs.Wrap(err, "record check")
	}
	if _, err := tx.ExecContext(ctx, `UPDATE screening_rounds SET checked = checked + 1, updated_at = $1 WHERE id = $2`, db.Millis(now), id); err != nil {
		return errs.Wrap(err, "count check")
	}
	detail := map[string]any{"seq": c.Seq, "result": c.Result}
	if ref != "" {
		detail["converted_to"], detail["ref"] = conv, ref
	}
	return s.event(ctx, tx, id, u, "check", detail, now)
}

func (s *Service) place(ctx context.Context, id string, seq int) (Place, error) {
	var p Place
	var at sql.NullInt64
	err := s.db.R.QueryRowContext(ctx, `SELECT seq, address, kind, status, result, note, converted_to, ref, checked_at FROM screening_places WHERE round_id = $1 AND seq = $2`, id, seq).
		Scan(&p.Seq, &p.Address, &p.Kind, &p.Status, &p.Result, &p.Note, &p.ConvertedTo, &p.Ref, &at)
	if err != nil {
		return Place{}, errs.Wrap(err, "read place")
	}
	p.CheckedAt = s.opt(at)
	return p, nil
}
