package ticket

import (
	"context"
	"database/sql"
	"time"

	"github.com/gongzhi/gongzhi/internal/db"
	"github.com/gongzhi/gongzhi/internal/errs"
)

// backfillBatch is how many tickets one step of IndexText indexes.
const backfillBatch = 500

// IndexText takes one step of filling in the text index of tickets written
// before it existed (migration 0060 records where the walk is): it indexes
// the next backfillBatch tickets by number, in one transaction, and says
// whether the walk has reached the end. Indexing a ticket twice is
// harmless, so two processes may walk at once.
func (s *Service) IndexText(ctx context.Context) (indexed int, done bool, err error) {
	err = s.db.Tx(ctx, func(tx *sql.Tx) error {
		var after string
		if err := tx.QueryRowContext(ctx, `SELECT after, done FROM search_backfill WHERE id = 1`).Scan(&after, &done); err != nil {
			if err == sql.ErrNoRows {
				done = true
				return nil
			}
			return err
		}
		if done {
			return nil
		}
		texts, last, err := backfillTexts(ctx, tx, s.db.Engine, after)
		if err != nil {
			return err
		}
		for _, n := range texts.order {
			sc := texts.scope[n]
			if err := s.writeText(ctx, tx, n, searchTerms(texts.by[n]...), sc[0], sc[1]); err != nil {
				return err
			}
		}
		indexed, done = len(texts.order), len(texts.order) < backfillBatch
		// Every entry written from the first holds its scopes' words
		// (migration 0256): at the end, searches may ask for them, and
		// the index is to be merged (MergeText).
		_, err = tx.ExecContext(ctx, `UPDATE search_backfill SET after = $1, done = $2, scoped = (scoped OR $2), unmerged = (unmerged OR $2) WHERE id = 1 AND after = $3`, last, done, after)
		return err
	})
	return indexed, done, errs.Wrap(err, "index ticket text")
}

type ticketTexts struct {
	order []string
	by    map[string][]string
	scope map[string][2]string // number → unit and area
}

// backfillTexts reads the texts of the next tickets after the given number
// (locked on PostgreSQL, so a reply written meanwhile waits and indexes
// itself after), and the last number read.
func backfillTexts(ctx context.Context, tx *sql.Tx, engine, after string) (ticketTexts, string, error) {
	q := `SELECT number, description, reply_text, assigned_org_code, area_code FROM tickets WHERE number > $1 ORDER BY number LIMIT $2`
	if engine == db.Postgres {
		q += ` FOR UPDATE`
	}
	out := ticketTexts{by: map[string][]string{}, scope: map[string][2]string{}}
	rows, err := tx.QueryContext(ctx, q, after, backfillBatch)
	if err != nil {
		return out, after, err
	}
	last := after
	for rows.Next() {
		var n, desc, reply, org, area string
		if err := rows.Scan(&n, &desc, &reply, &org, &area); err != nil {
			rows.Close()
			return out, after, err
		}
		out.order = append(out.order, n)
		out.by[n] = []string{desc, reply}
		out.scope[n] = [2]string{org, area}
		last = n
	}
	rows.Close()
	if err := rows.Err(); err != nil || len(out.order) == 0 {
		return out, last, err
	}
	rows, err = tx.QueryContext(ctx, `SELECT ticket_number, reply_text FROM ticket_helpers
WHERE ticket_number > $1 AND ticket_number <= $2 AND reply_text <> ''`, after, last)
	if err != nil {
		return out, after, err
	}
	defer rows.Close()
	for rows.Next() {
		var n, reply string
		if err := rows.Scan(&n, &reply); err != nil {
			return out, after, err
		}
		out.by[n] = append(out.by[n], reply)
	}
	return out, last, rows.Err()
}

// BackfillText walks the text index's backfill to its end, a step at a
// time with a pause between steps so that the walk does not crowd out the
// day's work, then merges the index if the walk's end left it to merge
// (also when an earlier run stopped in the middle of the merge); it
// returns when done or when ctx ends.
func (s *Service) BackfillText(ctx context.Context, pause time.Duration, logf func(msg string, args ...any)) {
	total := 0
	for {
		n, done, err := s.IndexText(ctx)
		total += n
		switch {
		case err != nil && ctx.Err() == nil:
			logf("text index backfill", "err", err)
		case done:
			if total > 0 {
				logf("text index backfill done", "tickets", total)
			}
			if s.unmerged(ctx, logf) {
				s.mergeAllText(ctx, pause, logf)
			}
			return
		}
		select {
		case <-ctx.Done():
			return
		case <-time.After(pause):
		}
	}
}

// unmerged reports whether the walk's end left the index to merge.
func (s *Service) unmerged(ctx context.Context, logf func(msg string, args ...any)) bool {
	var u bool
	err := s.db.R.QueryRowContext(ctx, `SELECT unmerged FROM search_backfill WHERE id = 1`).Scan(&u)
	if err != nil && err != sql.ErrNoRows && ctx.Err() == nil {
		logf("text index merge", "err", err)
	}
	return u
}

// mergePages is how many pages of SQLite's text index a step of MergeText
// writes: about a tenth of a second.
const mergePages = 250

// MergeText takes one step of merging SQLite's text index into one b-tree
// and says whether there was nothing left to merge (always, on
// PostgreSQL). After a walk has written every entry anew, the index is
// many segments that still hold the old entries' tombstones, and a search
// reads through all of them: on 850,000 tickets, a unit's rare word took
// 5.1 ms (median) after the walk of migration 0256, 0.9 ms once merged.
// FTS5 reports no progress; a merge command that changed fewer than two
// rows did nothing but, at most, rearrange the index's levels, so a step
// is done only when a second command right after also changes nothing (a
// first command has been seen to report nothing and the next to merge
// thousands of rows). The last step clears search_backfill.unmerged.
func (s *Service) MergeText(ctx context.Context) (done bool, err error) {
	err = s.db.Tx(ctx, func(tx *sql.Tx) error {
		done = true
		if s.db.Engine == db.SQLite {
			var err error
			if done, err = mergeStep(ctx, tx); err != nil || !done {
				return err
			}
		}
		_, err := tx.ExecContext(ctx, `UPDATE search_backfill SET unmerged = FALSE WHERE id = 1`)
		return err
	})
	return done, errs.Wrap(err, "merge ticket text index")
}

// mergeStep is MergeText's step on SQLite: done when two merge commands
// in turn change nothing.
func mergeStep(ctx context.Context, tx *sql.Tx) (done bool, err error) {
	for range 2 {
		var before, after int64
		if err := tx.QueryRowContext(ctx, `SELECT total_changes()`).Scan(&before); err != nil {
			return false, err
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO ticket_text (ticket_text, rank) VALUES ('merge', $1)`, -mergePages); err != nil {
			return false, err
		}
		if err := tx.QueryRowContext(ctx, `SELECT total_changes()`).Scan(&after); err != nil {
			return false, err
		}
		if done = after-before < 2; !done {
			return false, nil
		}
	}
	return true, nil
}

// mergeAllText merges the text index a step at a time, with a pause
// between steps, until it is one b-tree or ctx ends.
func (s *Service) mergeAllText(ctx context.Context, pause time.Duration, logf func(msg string, args ...any)) {
	for steps := 1; ; steps++ {
		done, err := s.MergeText(ctx)
		switch {
		case err != nil && ctx.Err() == nil:
			logf("text index merge", "err", err)
		case done:
			logf("text index merged", "steps", steps)
			return
		}
		select {
		case <-ctx.Done():
			return
		case <-time.After(pause):
		}
	}
}
