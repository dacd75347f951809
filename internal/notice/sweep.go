package notice

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"github.com/gongzhi/gongzhi/internal/auth"
	"github.com/gongzhi/gongzhi/internal/db"
	"github.com/gongzhi/gongzhi/internal/errs"
)

const endBatch = 200

// Ended counts what EndPeriods did.
type Ended struct {
	Final     int `json:"final"`
	Answering int `json:"answering"`
}

// EndPeriods ends the public-notice periods that are over: a step of the
// background work, at most a batch per call. An item becomes final when
// nothing awaits its organisation (no objection was raised, and a topic's
// summary was given with its decision); otherwise it waits, answering,
// and its organisation is told what it must do: answer the objections
// still unanswered, and write the summary of what was heard.
func (s *Service) EndPeriods(ctx context.Context) (Ended, error) {
	var st Ended
	now := s.clock.Now()
	rows, err := s.db.R.QueryContext(ctx, `SELECT number FROM notices WHERE status = 'noticing' AND notice_until <= $1 ORDER BY notice_until LIMIT $2`,
		db.Millis(now), endBatch)
	if err != nil {
		return st, errs.Wrap(err, "ended notices")
	}
	var numbers []string
	for rows.Next() {
		var n string
		if err := rows.Scan(&n); err != nil {
			rows.Close()
			return st, errs.Wrap(err, "scan number")
		}
		numbers = append(numbers, n)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return st, errs.Wrap(err, "ended notices")
	}
	for _, number := range numbers {
		err := s.db.Tx(ctx, func(tx *sql.Tx) error {
			n, err := s.lock(ctx, tx, number)
			if err != nil {
				return err
			}
			if n.Status != StatusNoticing || n.NoticeUntil == nil || now.Before(*n.NoticeUntil) {
				return nil // finalised or changed meanwhile
			}
			if n.Objections == 0 && (n.Summary != "" || !SummaryRequired(n)) {
				st.Final++
				return s.finish(ctx, tx, auth.System(), n, now, n.Summary)
			}
			st.Answering++
			return s.await(ctx, tx, n, now)
		})
		if err != nil {
			return st, err
		}
	}
	return st, nil
}

// await moves n, whose period is over, to answering and tells its
// organisation what it must still do.
func (s *Service) await(ctx context.Context, tx *sql.Tx, n Notice, now time.Time) error {
	if _, err := tx.ExecContext(ctx, `UPDATE notices SET status = 'answering', updated_at = $2 WHERE number = $1`, n.Number, db.Millis(now)); err != nil {
		return errs.Wrap(err, "notice answering")
	}
	ev := Event{Kind: "end", FromStatus: StatusNoticing, ToStatus: StatusAnswering, Text: fmt.Sprintf("异议%d条，未答复%d条", n.Objections, n.Pending)}
	if err := s.event(ctx, tx, n.Number, auth.System(), "", now, ev); err != nil {
		return err
	}
	text := fmt.Sprintf("「%s」（%s）公示期已满，收到异议%d条，请发布结果说明后办结。", n.Title, n.Number, n.Objections)
	if n.Pending > 0 {
		text = fmt.Sprintf("「%s」（%s）公示期已满，尚有%d条异议未答复，请答复并发布结果说明后办结。", n.Title, n.Number, n.Pending)
	}
	return s.notify(ctx, tx, now, "", n.OrgCode, text)
}
