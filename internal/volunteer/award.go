package volunteer

import (
	"context"
	"database/sql"
	"errors"
	"time"

	"github.com/gongzhi/gongzhi/internal/auth"
	"github.com/gongzhi/gongzhi/internal/db"
	"github.com/gongzhi/gongzhi/internal/errs"
)

// awardBatch is how many acts of a source one Award reads.
const awardBatch = 500

// awardLag is how old an act must be before it is read: a transaction
// that stamped an act a moment ago may not have committed yet, and the
// watermark passes an act only once.
const awardLag = 2 * time.Minute

// sources are where acts of taking part are read, each as rows of (phone,
// reference, time) in the order of (time, reference, phone), after the
// watermark ($1 time, $2 reference, $3 phone) and before $4.
var sources = []struct{ cause, query string }{
	{CauseCosign, `SELECT phone, number, at FROM proposal_cosigns
WHERE (at > $1 OR (at = $1 AND (number > $2 OR (number = $2 AND phone > $3)))) AND at < $4 ORDER BY at, number, phone LIMIT $5`},
	{CauseMeeting, `SELECT phone, meeting_id, signed_at FROM meeting_members
WHERE signed_at IS NOT NULL AND phone <> '' AND (signed_at > $1 OR (signed_at = $1 AND (meeting_id > $2 OR (meeting_id = $2 AND phone > $3)))) AND signed_at < $4
ORDER BY signed_at, meeting_id, phone LIMIT $5`},
	{CauseSurvey, `SELECT respondent, survey_id, at FROM survey_respondents
WHERE (at > $1 OR (at = $1 AND (survey_id > $2 OR (survey_id = $2 AND respondent > $3)))) AND at < $4 ORDER BY at, survey_id, respondent LIMIT $5`},
}

type act struct {
	phone, ref string
	at         int64
}

// Award gives the points of taking part — a proposal co-signed, a meeting
// signed in to, a survey answered — for the acts past each source's
// watermark: a step of the background work, a batch per source per call.
// An entry's cause (the proposal, meeting or survey) is unique per phone,
// so running it again, or in several processes at once, never awards
// twice. A rule of 0 points moves the watermark without awarding. It
// returns how many entries were written.
func (s *Service) Award(ctx context.Context) (int, error) {
	now := s.clock.Now()
	total := 0
	for _, src := range sources {
		n, err := s.awardSource(ctx, src.cause, src.query, now)
		total += n
		if err != nil {
			return total, err
		}
	}
	return total, nil
}

func (s *Service) awardSource(ctx context.Context, cause, query string, now time.Time) (int, error) {
	points := s.rules.Points(cause)
	written := 0
	err := s.db.Tx(ctx, func(tx *sql.Tx) error {
		var wm act
		err := tx.QueryRowContext(ctx, `SELECT at, ref, phone FROM volunteer_watermarks WHERE source = $1`, cause).Scan(&wm.at, &wm.ref, &wm.phone)
		if errors.Is(err, sql.ErrNoRows) {
			if _, err := tx.ExecContext(ctx, `INSERT INTO volunteer_watermarks (source, at, ref, phone) VALUES ($1, 0, '', '') ON CONFLICT (source) DO NOTHING`, cause); err != nil {
				return errs.Wrap(err, "watermark")
			}
		} else if err != nil {
			return errs.Wrap(err, "watermark")
		}
		rows, err := tx.QueryContext(ctx, query, wm.at, wm.ref, wm.phone, db.Millis(now.Add(-awardLag)), awardBatch)
		if err != nil {
			return errs.Wrap(err, "acts of "+cause)
		}
		var acts []act
		for rows.Next() {
			var a act
			if err := rows.Scan(&a.phone, &a.ref, &a.at); err != nil {
				rows.Close()
				return errs.Wrap(err, "scan act")
			}
			acts = append(acts, a)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return errs.Wrap(err, "acts of "+cause)
		}
		if len(acts) == 0 {
			return nil
		}
		for _, a := range acts {
			if points <= 0 || !auth.ValidPhone(a.phone) {
				continue
			}
			ok, err := s.credit(ctx, tx, a.phone, points, cause, a.ref, auth.System().ID, now)
			if err != nil {
				return err
			}
			if ok {
				written++
			}
		}
		last := acts[len(acts)-1]
		// The watermark moves only forward: another process may have
		// moved it past this batch meanwhile.
		_, err = tx.ExecContext(ctx, `UPDATE volunteer_watermarks SET at = $2, ref = $3, phone = $4 WHERE source = $1
AND (at < $2 OR (at = $2 AND (ref < $3 OR (ref = $3 AND phone < $4))))`, cause, last.at, last.ref, last.phone)
		return errs.Wrap(err, "move watermark")
	})
	if err != nil {
		return 0, err
	}
	return written, nil
}
