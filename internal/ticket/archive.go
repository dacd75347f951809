package ticket

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"time"

	"github.com/gongzhi/gongzhi/internal/auth"
	"github.com/gongzhi/gongzhi/internal/db"
	"github.com/gongzhi/gongzhi/internal/errs"
	"github.com/jackc/pgx/v5"
)

// A month of tickets can leave the live tables for an archive (PostgreSQL
// only): its partitions of tickets and ticket_events are detached and moved
// to the schema archiveSchema (the database's schema with "_archive"), with
// the rows of the other tables whose foreign keys name its tickets, copied
// into tables of their own there (TABLE_pYYYYMM). Nothing is deleted: the
// month is one RestoreMonth away, and pg_dump keeps the archive schema with
// the rest. Archived tickets are out of every page, list, search and
// export; asked for by number, one is "in an archived month", not "not
// found". The evaluation keeps counting them: their stored contributions
// stay in its daily figures, a rebuild of the evaluation included
// (ArchivedMonths); only figures read from the tickets themselves (medians
// of times) lose them. A month restored after a migration changed a table
// gets the new columns with their defaults (alignColumns).

// PartitionMonth is one month's partition as the operator sees it.
type PartitionMonth struct {
	Month    string `json:"month"` // YYYYMM, or "other" for other systems' numbers
	Tickets  int64  `json:"tickets"`
	Archived bool   `json:"archived"`
}

// CanManagePartitions reports whether u may partition tickets by month and
// archive and restore months: the administrator, and the installation
// acting as auth.System().
func CanManagePartitions(u auth.User) bool { return u.Role == auth.RoleAdmin }

// partitionsBy checks that u may manage the partitions and that the
// database is PostgreSQL, the one engine that partitions.
func (s *Service) partitionsBy(u auth.User) error {
	if !CanManagePartitions(u) {
		return errs.ErrForbidden
	}
	if s.db.Engine != db.Postgres {
		return errs.Invalidf("只有 PostgreSQL 上的工单按月分区", "tickets are partitioned by month on PostgreSQL only")
	}
	return nil
}

func (s *Service) archiveSchema(ctx context.Context, q db.Queryer) (live, archive string, err error) {
	err = q.QueryRowContext(ctx, `SELECT current_schema()`).Scan(&live)
	return live, live + "_archive", errs.Wrap(err, "archive: schema")
}

// Partitions lists the months of tickets, live and archived, oldest first.
func (s *Service) Partitions(ctx context.Context, u auth.User) ([]PartitionMonth, error) {
	if err := s.partitionsBy(u); err != nil {
		return nil, err
	}
	live, archive, err := s.archiveSchema(ctx, s.db.W)
	if err != nil {
		return nil, err
	}
	rows, err := s.db.W.QueryContext(ctx, `SELECT substr(c.relname, 10), n.nspname = $2
FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE n.nspname IN ($1, $2) AND c.relkind = 'r' AND c.relname ~ '^tickets_p([0-9]{6}|other)$'
ORDER BY 1`, live, archive)
	if err != nil {
		return nil, errs.Wrap(err, "list partitions")
	}
	defer rows.Close()
	out := []PartitionMonth{}
	for rows.Next() {
		var p PartitionMonth
		if err := rows.Scan(&p.Month, &p.Archived); err != nil {
			return nil, errs.Wrap(err, "list partitions")
		}
		out = append(out, p)
	}
	if err := rows.Err(); err != nil {
		return nil, errs.Wrap(err, "list partitions")
	}
	for i := range out {
		table := "tickets_p" + out[i].Month
		if out[i].Archived {
			table = ident(archive) + "." + table
		}
		if err := s.db.W.QueryRowContext(ctx, `SELECT COUNT(*) FROM `+table).Scan(&out[i].Tickets); err != nil {
			return nil, errs.Wrap(err, "count "+table)
		}
	}
	return out, nil
}

// referrer is a foreign key to tickets from a table other than ticket_events.
type referrer struct{ table, column string }

// referrers are the foreign keys that name tickets, from tables other than
// ticket_events. A table whose rows are named in turn by another's foreign
// key cannot be archived by moving rows; none is today, and a migration that
// makes one fails TestArchiveMonth.
func referrers(ctx context.Context, tx *sql.Tx) ([]referrer, error) {
	rows, err := tx.QueryContext(ctx, `SELECT c.conrelid::regclass::text, a.attname,
  EXISTS (SELECT 1 FROM pg_constraint x WHERE x.contype = 'f' AND x.confrelid = c.conrelid)
FROM pg_constraint c JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = c.conkey[1]
WHERE c.contype = 'f' AND c.confrelid = 'tickets'::regclass AND c.conparentid = 0
  AND c.conrelid <> 'ticket_events'::regclass AND cardinality(c.conkey) = 1
ORDER BY 1`)
	if err != nil {
		return nil, errs.Wrap(err, "archive: foreign keys")
	}
	defer rows.Close()
	var out []referrer
	for rows.Next() {
		var r referrer
		var named bool
		if err := rows.Scan(&r.table, &r.column, &named); err != nil {
			return nil, errs.Wrap(err, "archive: foreign keys")
		}
		if named {
			return nil, errs.New(errs.Conflict, r.table+" 的行又被别的表引用，不能随归档移动",
				"rows of "+r.table+" are named by another table's foreign key; archiving cannot move them")
		}
		out = append(out, r)
	}
	return out, errs.Wrap(rows.Err(), "archive: foreign keys")
}

// archivable checks that u may archive or restore the month (YYYY-MM) on
// this engine and returns it as YYYYMM with the next month.
func (s *Service) archivable(u auth.User, month string) (string, string, error) {
	if err := s.partitionsBy(u); err != nil {
		return "", "", err
	}
	return s.parseArchiveMonth(month)
}

// parseArchiveMonth reads YYYY-MM or YYYYMM and refuses this month and later
// ones (tickets are still being made in them).
func (s *Service) parseArchiveMonth(month string) (string, string, error) {
	month = strings.ReplaceAll(month, "-", "")
	t, err := time.ParseInLocation("200601", month, s.loc)
	if err != nil || len(month) != 6 {
		return "", "", errs.Invalidf("月份应写作 YYYY-MM：%q", "month must be YYYY-MM: %q", month)
	}
	now := s.clock.Now().In(s.loc)
	if !t.Before(time.Date(now.Year(), now.Month(), 1, 0, 0, 0, 0, s.loc)) {
		return "", "", errs.Invalidf("本月及以后的工单不能归档：%s", "tickets of this month or later cannot be archived: %s", month)
	}
	return month, t.AddDate(0, 1, 0).Format("200601"), nil
}

// ArchiveMonth moves the tickets of month (YYYY-MM) and what names them to
// the archive, in one transaction, and returns how many tickets it moved. It
// refuses while any of them is still in the loop (not ended).
func (s *Service) ArchiveMonth(ctx context.Context, u auth.User, month string) (int64, error) {
	m, next, err := s.archivable(u, month)
	if err != nil {
		return 0, err
	}
	var moved int64
	err = s.db.Tx(ctx, func(tx *sql.Tx) error {
		live, archive, err := s.archiveSchema(ctx, tx)
		if err != nil {
			return err
		}
		if err := needPartition(ctx, tx, live, m, true); err != nil {
			return err
		}
		var open int64
		if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM tickets_p`+m+` WHERE status NOT IN ('closed', 'merged', 'invalid', 'withdrawn')`).Scan(&open); err != nil {
			return errs.Wrap(err, "archive: open tickets")
		}
		if open > 0 {
			return errs.New(errs.Conflict, fmt.Sprintf("%s 还有 %d 件工单未办结，不能归档", m, open), fmt.Sprintf("%s still has %d tickets in the loop; it cannot be archived", m, open))
		}
		refs, err := referrers(ctx, tx)
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `CREATE SCHEMA IF NOT EXISTS `+ident(archive)); err != nil {
			return errs.Wrap(err, "archive: schema")
		}
		for _, r := range refs {
			to := ident(archive) + "." + r.table + "_p" + m
			where := ` WHERE ` + r.column + ` >= $1 AND ` + r.column + ` < $2`
			_, err := tx.ExecContext(ctx, `CREATE TABLE `+to+` (LIKE `+r.table+` INCLUDING DEFAULTS)`)
			if err == nil {
				_, err = tx.ExecContext(ctx, `INSERT INTO `+to+` SELECT * FROM `+r.table+where, m, next)
			}
			if err == nil {
				_, err = tx.ExecContext(ctx, `DELETE FROM `+r.table+where, m, next)
			}
			if err != nil {
				return errs.Wrap(err, "archive: "+r.table)
			}
		}
		// The events' partition keeps a foreign key to tickets once
		// detached; it goes, or the tickets' partition could not leave.
		var fk string
		err = tx.QueryRowContext(ctx, `SELECT conname FROM pg_constraint WHERE contype = 'f' AND conrelid = $1::regclass AND confrelid = 'tickets'::regclass`,
			"ticket_events_p"+m).Scan(&fk)
		if err != nil {
			return errs.Wrap(err, "archive: events' foreign key")
		}
		for _, q := range []string{
			`ALTER TABLE ticket_events DETACH PARTITION ticket_events_p` + m,
			`ALTER TABLE ticket_events_p` + m + ` DROP CONSTRAINT ` + ident(fk),
			`ALTER TABLE tickets DETACH PARTITION tickets_p` + m,
			`ALTER TABLE ticket_events_p` + m + ` SET SCHEMA ` + ident(archive),
			`ALTER TABLE tickets_p` + m + ` SET SCHEMA ` + ident(archive),
		} {
			if _, err := tx.ExecContext(ctx, q); err != nil {
				return errs.Wrap(err, "archive "+m)
			}
		}
		if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM `+ident(archive)+`.tickets_p`+m).Scan(&moved); err != nil {
			return errs.Wrap(err, "archive: count")
		}
		return auth.AuditTx(ctx, tx, s.clock.Now(), u, "archive_month", m, fmt.Sprintf("%d tickets", moved))
	})
	return moved, err
}

// RestoreMonth brings an archived month back into the live tables, in one
// transaction, and returns how many tickets came back.
func (s *Service) RestoreMonth(ctx context.Context, u auth.User, month string) (int64, error) {
	m, next, err := s.archivable(u, month)
	if err != nil {
		return 0, err
	}
	var back int64
	err = s.db.Tx(ctx, func(tx *sql.Tx) error {
		live, archive, err := s.archiveSchema(ctx, tx)
		if err != nil {
			return err
		}
		if err := needPartition(ctx, tx, archive, m, true); err != nil {
			return err
		}
		if err := needPartition(ctx, tx, live, m, false); err != nil {
			return err
		}
		bounds := fmt.Sprintf(` FOR VALUES FROM ('%s') TO ('%s')`, m, next)
		for _, t := range []string{"tickets", "ticket_events"} {
			if _, err := alignColumns(ctx, tx, ident(live)+"."+t, ident(archive)+"."+t+"_p"+m); err != nil {
				return err
			}
		}
		for _, q := range []string{
			`ALTER TABLE ` + ident(archive) + `.tickets_p` + m + ` SET SCHEMA ` + ident(live),
			`ALTER TABLE ` + ident(archive) + `.ticket_events_p` + m + ` SET SCHEMA ` + ident(live),
			`ALTER TABLE tickets ATTACH PARTITION tickets_p` + m + bounds,
			`ALTER TABLE ticket_events ATTACH PARTITION ticket_events_p` + m + bounds,
		} {
			if _, err := tx.ExecContext(ctx, q); err != nil {
				return errs.Wrap(err, "restore "+m)
			}
		}
		refs, err := referrers(ctx, tx)
		if err != nil {
			return err
		}
		for _, r := range refs {
			from := ident(archive) + "." + r.table + "_p" + m
			var exists bool
			if err := tx.QueryRowContext(ctx, `SELECT to_regclass($1) IS NOT NULL`, from).Scan(&exists); err != nil || !exists {
				if err != nil {
					return errs.Wrap(err, "restore: "+r.table)
				}
				continue
			}
			cols, err := alignColumns(ctx, tx, r.table, from)
			if err != nil {
				return err
			}
			list := strings.Join(cols, ", ")
			for _, q := range []string{`INSERT INTO ` + r.table + ` (` + list + `) SELECT ` + list + ` FROM ` + from, `DROP TABLE ` + from} {
				if _, err := tx.ExecContext(ctx, q); err != nil {
					return errs.Wrap(err, "restore: "+r.table)
				}
			}
		}
		if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM tickets_p`+m).Scan(&back); err != nil {
			return errs.Wrap(err, "restore: count")
		}
		return auth.AuditTx(ctx, tx, s.clock.Now(), u, "restore_month", m, fmt.Sprintf("%d tickets", back))
	})
	return back, err
}

// needPartition checks that the month's tickets partition is (want) or is
// not (!want) in schema, with a clear refusal otherwise.
func needPartition(ctx context.Context, tx *sql.Tx, schema, m string, want bool) error {
	var n int
	err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM pg_class c JOIN pg_namespace s ON s.oid = c.relnamespace
WHERE s.nspname = $1 AND c.relname = $2`, schema, "tickets_p"+m).Scan(&n)
	switch {
	case err != nil:
		return errs.Wrap(err, "look for "+m)
	case want && n == 0:
		return errs.New(errs.NotFound, "没有 "+m+" 的工单分区（"+schema+"）", "no partition of tickets for "+m+" in "+schema)
	case !want && n > 0:
		return errs.New(errs.Conflict, m+" 的工单分区已在 "+schema, "a partition of tickets for "+m+" is already in "+schema)
	}
	return nil
}

// ArchivedMonths are the months (YYYYMM) whose tickets are in the archive,
// oldest first; none where tickets are not partitioned, or on SQLite.
func ArchivedMonths(ctx context.Context, d *db.DB, q db.Queryer) ([]string, error) {
	if d.Engine != db.Postgres {
		return nil, nil
	}
	rows, err := q.QueryContext(ctx, `SELECT substr(c.relname, 10) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE n.nspname = current_schema() || '_archive' AND c.relkind = 'r' AND c.relname ~ '^tickets_p[0-9]{6}$' ORDER BY 1`)
	if err != nil {
		return nil, errs.Wrap(err, "archived months")
	}
	months, err := db.ScanStrings(rows)
	return months, errs.Wrap(err, "archived months")
}

// MonthAfter is the month (YYYYMM) after m, the upper bound of m's numbers.
func MonthAfter(m string) string {
	t, err := time.Parse("200601", m)
	if err != nil {
		return m + "~"
	}
	return t.AddDate(0, 1, 0).Format("200601")
}

// errMissing is the error for a ticket number not in the live tables: in
// an archived month it says so (the month, never whether the ticket
// exists, which the archive would tell only the administrator); otherwise
// the ticket is not found.
func (s *Service) errMissing(ctx context.Context, q db.Queryer, number string) error {
	if s.db.Engine != db.Postgres || len(number) < 6 || number[0] < '0' || number[0] > '9' {
		return errNoTicket(number)
	}
	m := number[:6]
	var archived bool
	err := q.QueryRowContext(ctx, `SELECT to_regclass(quote_ident(current_schema() || '_archive') || '.' || quote_ident('tickets_p' || $1)) IS NOT NULL`, m).Scan(&archived)
	if err != nil || !archived {
		return errNoTicket(number)
	}
	month := m[:4] + "-" + m[4:]
	return errs.New(errs.NotFound, fmt.Sprintf("工单 %s 属于已归档的 %s 月份，需由管理员恢复该月后才能查看", number, month),
		fmt.Sprintf("ticket %s is in %s, a month that has been archived; an administrator can restore the month", number, month))
}

// ident quotes a name for PostgreSQL.
func ident(s string) string { return pgx.Identifier{s}.Sanitize() }
