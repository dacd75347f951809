package ticket

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
	"time"

	"github.com/gongzhi/gongzhi/internal/auth"
	"github.com/gongzhi/gongzhi/internal/db"
	"github.com/gongzhi/gongzhi/internal/errs"
)

// Co-reporters (我也遇到): a resident who meets a problem already reported
// joins its request instead of filing a duplicate. She follows it, is told
// of its reply and may rate it, as its reporter does; she never sees the
// reporter's name or phone (seesReporter is the reporter's alone), and her
// own stay out of every public output.

// isCoReporter reports whether u joined t as a co-reporter: a resident who
// proved her phone (logged in, or on the lookup page) that is on t's list.
// t must have been read with its parts (getFull).
func isCoReporter(u auth.User, t Ticket) bool {
	return u.Role == auth.RoleResident && u.Phone != "" && slices.Contains(t.coReporters, u.Phone)
}

// IsCoReporter reports, for the pages, whether u joined t (我也遇到).
func IsCoReporter(u auth.User, t Ticket) bool { return isCoReporter(u, t) }

// joinable reports whether a request still takes co-reporters: one that
// has not ended.
func joinable(t Ticket) bool { return !t.Status.Ended() }

// MeToo adds u, a resident who proved her phone, to the open request as a
// co-reporter. It returns whether she was added: false when she already
// follows it (as its reporter or an earlier co-reporter), which is not an
// error, so that pressing twice does no harm. A confidential request is not
// found; a closed one is refused.
func (s *Service) MeToo(ctx context.Context, u auth.User, number string) (bool, error) {
	if u.Role != auth.RoleResident || !auth.ValidPhone(u.Phone) {
		return false, errs.New(errs.Unauthorized, "请先登录或验证手机号，再加入“我也遇到”", "log in or prove your phone first to join as “me too”")
	}
	if !ValidNumber(number) {
		return false, errNoTicket(number)
	}
	name := CleanText(u.Name)
	if runes(name) > MaxName {
		name = string([]rune(name)[:MaxName])
	}
	var added bool
	err := s.db.Tx(ctx, func(tx *sql.Tx) error {
		added = false
		t, err := s.get(ctx, tx, number)
		if err != nil {
			return err
		}
		if t.Confidential {
			return errNoTicket(number)
		}
		if !joinable(t) {
			return errs.Conflictf("该诉求已办结，不能再加入；如问题仍在，请重新反映", "this request is closed and takes no one more; if the problem is still there, report it anew")
		}
		if isReporter(u, t) {
			return nil
		}
		if err := s.meTooLimit(ctx, tx, u.Phone); err != nil {
			return err
		}
		res, err := tx.ExecContext(ctx, `INSERT INTO ticket_coreporters (ticket_number, phone, name, user_id, created_at) VALUES ($1, $2, $3, $4, $5)
ON CONFLICT (ticket_number, phone) DO NOTHING`, number, u.Phone, name, u.ID, db.Millis(s.clock.Now()))
		if err != nil {
			return errs.Wrap(err, "add co-reporter")
		}
		n, _ := res.RowsAffected()
		added = n == 1
		return nil
	})
	return added, err
}

// MaxMeTooPerDay is how many requests one phone may join a day (business
// time): each join counts for the request's hotspot.
const MaxMeTooPerDay = 20

// meTooLimit refuses a phone that joined MaxMeTooPerDay requests today.
func (s *Service) meTooLimit(ctx context.Context, tx *sql.Tx, phone string) error {
	now := s.clock.Now()
	var n int
	err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM ticket_coreporters WHERE phone = $1 AND created_at >= $2`,
		phone, db.Millis(startOfDay(now, s.loc))).Scan(&n)
	if err != nil {
		return errs.Wrap(err, "count co-reported")
	}
	if n >= MaxMeTooPerDay {
		return untilTomorrow(now, s.loc, fmt.Sprintf("您今天已加入%d个诉求，明天可以再加入", MaxMeTooPerDay),
			fmt.Sprintf("you joined %d requests today; you can join more tomorrow", MaxMeTooPerDay))
	}
	return nil
}

// coReportersQ returns the phones of a ticket's co-reporters.
func coReportersQ(ctx context.Context, q db.Queryer, number string) ([]string, error) {
	rows, err := q.QueryContext(ctx, `SELECT phone FROM ticket_coreporters WHERE ticket_number = $1 ORDER BY created_at, phone LIMIT 10000`, number)
	if err != nil {
		return nil, errs.Wrap(err, "read co-reporters")
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var p string
		if err := rows.Scan(&p); err != nil {
			return nil, errs.Wrap(err, "scan co-reporter")
		}
		out = append(out, p)
	}
	return out, errs.Wrap(rows.Err(), "read co-reporters")
}

// CoReportedBy returns the numbers of the requests the phone joined as a
// co-reporter, newest first: with the requests it reported, they make a
// resident's own list.
func (s *Service) CoReportedBy(ctx context.Context, phone string) ([]string, error) {
	phone = auth.NormalizePhone(phone)
	if !auth.ValidPhone(phone) {
		return nil, nil
	}
	rows, err := s.db.R.QueryContext(ctx, `SELECT ticket_number FROM ticket_coreporters WHERE phone = $1 ORDER BY created_at DESC, ticket_number DESC LIMIT $2`, phone, MaxLimit)
	if err != nil {
		return nil, errs.Wrap(err, "list co-reported")
	}
	defer rows.Close()
	out := []string{}
	for rows.Next() {
		var n string
		if err := rows.Scan(&n); err != nil {
			return nil, errs.Wrap(err, "scan co-reported")
		}
		out = append(out, n)
	}
	return out, errs.Wrap(rows.Err(), "list co-reported")
}

// CoReporterCounts returns how many co-reporters each of the requests has
// (absent: none), for lists and hotspots; it names no one.
func (s *Service) CoReporterCounts(ctx context.Context, numbers []string) (map[string]int, error) {
	out := map[string]int{}
	if len(numbers) == 0 {
		return out, nil
	}
	var qc db.Conds
	qc.In("ticket_number", numbers)
	rows, err := s.db.R.QueryContext(ctx, `SELECT ticket_number, COUNT(*) FROM ticket_coreporters WHERE `+qc.And()+` GROUP BY ticket_number`, qc.Args...)
	if err != nil {
		return nil, errs.Wrap(err, "count co-reporters")
	}
	defer rows.Close()
	for rows.Next() {
		var n string
		var c int
		if err := rows.Scan(&n, &c); err != nil {
			return nil, errs.Wrap(err, "count co-reporters")
		}
		out[n] = c
	}
	return out, errs.Wrap(rows.Err(), "count co-reporters")
}

// tellCoReporters tells co-reporters of each reply to their requests that
// they have not been told of, as the reporter is told on the reply; a
// later reply (after a redo) is told again. Each is claimed in the row
// before the notification is written, in one transaction.
func (s *Service) tellCoReporters(ctx context.Context, now time.Time) (int, error) {
	rows, err := s.db.R.QueryContext(ctx, `SELECT c.ticket_number, c.phone, t.replied_at FROM ticket_coreporters c JOIN tickets t ON t.number = c.ticket_number
WHERE t.replied_at IS NOT NULL AND (c.told_reply_at IS NULL OR c.told_reply_at < t.replied_at) ORDER BY t.replied_at LIMIT $1`, sweepBatch)
	if err != nil {
		return 0, errs.Wrap(err, "find co-reporters to tell")
	}
	type due struct {
		number, phone string
		replied       int64
	}
	var list []due
	for rows.Next() {
		var d due
		if err := rows.Scan(&d.number, &d.phone, &d.replied); err != nil {
			rows.Close()
			return 0, errs.Wrap(err, "find co-reporters to tell")
		}
		list = append(list, d)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return 0, errs.Wrap(err, "find co-reporters to tell")
	}
	told := 0
	for _, d := range list {
		err := s.db.Tx(ctx, func(tx *sql.Tx) error {
			res, err := tx.ExecContext(ctx, `UPDATE ticket_coreporters SET told_reply_at = $1 WHERE ticket_number = $2 AND phone = $3 AND (told_reply_at IS NULL OR told_reply_at < $1)`,
				d.replied, d.number, d.phone)
			if err != nil {
				return errs.Wrap(err, "claim co-reporter")
			}
			if n, _ := res.RowsAffected(); n != 1 {
				return nil
			}
			told++
			return s.notify(ctx, tx, now, Notification{Phone: d.phone, TicketNumber: d.number, Kind: "replied",
				Text: "您也反映过的问题（" + d.number + "）已答复，请查看并评价"})
		})
		if err != nil {
			return told, err
		}
	}
	return told, nil
}
