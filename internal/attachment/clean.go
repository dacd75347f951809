package attachment

import (
	"context"
	"database/sql"
	"errors"
	"io"
	"os"
	"path/filepath"
	"time"

	"github.com/gongzhi/gongzhi/internal/errs"
)

// Files kept before uploads were stripped of their metadata still carry
// it. CleanStored strips them all once, in the background at start; Open
// strips one that is served before the pass has come to it. A stripped file
// has another hash, so it is kept under its new name, its rows point to it,
// and the old file and thumbnail go.

// CleanStored strips every file kept with its metadata and returns how many
// it stripped. A file that cannot be stripped (missing, or damaged) is
// logged and left for the next start; the pass goes on with the others.
func (s *Service) CleanStored(ctx context.Context) (int, error) {
	done, last := 0, ""
	for {
		type stored struct{ sum, contentType string }
		var batch []stored
		rows, err := s.db.R.QueryContext(ctx, `SELECT DISTINCT sha256, content_type FROM attachments
WHERE NOT stripped AND sha256 > $1 ORDER BY sha256 LIMIT 100`, last)
		if err != nil {
			return done, errs.Wrap(err, "list unstripped attachments")
		}
		for rows.Next() {
			var st stored
			if err := rows.Scan(&st.sum, &st.contentType); err != nil {
				rows.Close()
				return done, errs.Wrap(err, "list unstripped attachments")
			}
			batch = append(batch, st)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return done, errs.Wrap(err, "list unstripped attachments")
		}
		if len(batch) == 0 {
			return done, nil
		}
		for _, st := range batch {
			last = st.sum
			for {
				cleaned, err := s.cleanFile(ctx, st.sum, st.contentType)
				if errs.Is(err, errs.Unavailable) { // uploads are using the decoding slots: they go first
					select {
					case <-ctx.Done():
						return done, ctx.Err()
					case <-time.After(time.Second):
						continue
					}
				}
				if ctx.Err() != nil {
					return done, ctx.Err()
				}
				if err != nil {
					s.log.Warn("a stored photo still carries its metadata", "sha256", st.sum, "err", err)
				}
				if cleaned {
					done++
				}
				break
			}
		}
	}
}

// cleanFile strips the stored file of hash sum, if rows still point to it
// unstripped, and reports whether it did.
func (s *Service) cleanFile(ctx context.Context, sum, contentType string) (bool, error) {
	s.cleaning.Lock()
	defer s.cleaning.Unlock()
	var left int
	if err := s.db.R.QueryRowContext(ctx, `SELECT COUNT(*) FROM attachments WHERE sha256 = $1 AND NOT stripped`, sum).Scan(&left); err != nil {
		return false, errs.Wrap(err, "count unstripped attachments")
	}
	if left == 0 { // another request, or the pass, was first
		return false, nil
	}
	f := formatOf(contentType)
	if f == nil {
		return false, errs.Wrap(errors.New("unknown content type "+contentType), "strip stored image")
	}
	path := s.originalPath(sum, f.Ext)
	orig, err := os.Open(path)
	if err != nil {
		return false, errs.Wrap(err, "open stored image")
	}
	kept, _, _, err := s.stripImage(ctx, io.LimitReader(orig, MaxSize), f, true)
	orig.Close()
	if err != nil {
		// A file that was accepted once and cannot be read now is ours.
		if errs.Is(err, errs.Invalid) || errs.Is(err, errs.TooLarge) {
			err = errs.Wrap(errors.New(errs.As(err).MsgEn), "strip stored image "+sum)
		}
		return false, err
	}
	defer kept.discard()
	now := kept.sum()
	if now == sum { // nothing to strip
		_, err := s.db.W.ExecContext(ctx, `UPDATE attachments SET stripped = TRUE WHERE sha256 = $1`, sum)
		return err == nil, errs.Wrap(err, "mark attachments stripped")
	}
	if err := kept.keep(s.originalPath(now, f.Ext)); err != nil {
		return false, err
	}
	// The old thumbnail shows the same picture, already turned upright.
	if oldThumb := s.thumbPath(sum); exists(oldThumb) && !exists(s.thumbPath(now)) {
		os.Rename(oldThumb, s.thumbPath(now))
	}
	var dropped []string
	err = s.db.Tx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `UPDATE attachments SET sha256 = $1, size = $2, stripped = TRUE
WHERE sha256 = $3 AND NOT EXISTS (SELECT 1 FROM attachments o WHERE o.ticket_number = attachments.ticket_number AND o.sha256 = $1)`,
			now, kept.size, sum); err != nil {
			return errs.Wrap(err, "point attachments to the stripped file")
		}
		// What is left is a row whose ticket shows the same picture
		// stripped already (sent again after the upgrade): one is enough.
		rows, err := tx.QueryContext(ctx, `SELECT id FROM attachments WHERE sha256 = $1`, sum)
		if err != nil {
			return errs.Wrap(err, "find duplicate attachments")
		}
		defer rows.Close()
		for rows.Next() {
			var id string
			if err := rows.Scan(&id); err != nil {
				return errs.Wrap(err, "find duplicate attachments")
			}
			dropped = append(dropped, id)
		}
		if err := rows.Err(); err != nil {
			return errs.Wrap(err, "find duplicate attachments")
		}
		rows.Close()
		_, err = tx.ExecContext(ctx, `DELETE FROM attachments WHERE sha256 = $1`, sum)
		return errs.Wrap(err, "remove duplicate attachments")
	})
	if err != nil {
		return false, err
	}
	if len(dropped) > 0 {
		s.log.Info("stripped photo already on its ticket; the copy with metadata is removed", "attachments", dropped, "sha256", now)
	}
	os.Remove(path)
	os.Remove(s.thumbPath(sum))
	syncDir(filepath.Dir(path))
	return true, nil
}
