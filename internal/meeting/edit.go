package meeting

import (
	"context"
	"database/sql"
	"strings"
	"time"

	"github.com/gongzhi/gongzhi/internal/auth"
	"github.com/gongzhi/gongzhi/internal/db"
	"github.com/gongzhi/gongzhi/internal/errs"
)

// Edit changes a meeting in draft: its title, agenda, place, time, quorum
// and level, checked as when it was convened; its area stays. Once the
// notice has gone out the representatives have been told what it is, so
// nothing is changed any more.
func (s *Service) Edit(ctx context.Context, u auth.User, id string, n New) (Meeting, error) {
	err := s.runTx(ctx, u, id, func(tx *sql.Tx, m Meeting, now time.Time) error {
		if m.Status != StatusDraft {
			return errs.Conflictf("通知已发出，议事会不能再修改", "the notice has gone out: the meeting is not changed any more")
		}
		n.AreaCode = m.AreaCode
		if err := n.check(now); err != nil {
			return err
		}
		_, err := tx.ExecContext(ctx, `UPDATE meetings SET title = $2, agenda = $3, place = $4, starts_at = $5, quorum = $6, level = $7, updated_at = $8 WHERE id = $1`,
			id, n.Title, strings.Join(n.Agenda, "\n"), n.Place, db.Millis(n.StartsAt), string(n.Quorum), string(n.Level), db.Millis(now))
		if err != nil {
			return errs.Wrap(err, "edit meeting")
		}
		return s.event(ctx, tx, id, u, "", "edit", map[string]any{"title": n.Title, "starts_at": n.StartsAt.In(s.loc), "quorum": n.Quorum, "level": n.Level}, now)
	})
	if err != nil {
		return Meeting{}, err
	}
	return s.Get(ctx, u, id)
}
