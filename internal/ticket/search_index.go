package ticket

import (
	"context"
	"database/sql"
	"hash/fnv"
	"math"
	"strconv"
	"strings"

	"github.com/gongzhi/gongzhi/internal/db"
	"github.com/gongzhi/gongzhi/internal/errs"
	"github.com/gongzhi/gongzhi/internal/textsearch"
)

// The text index: the terms (textsearch.Terms) of a ticket's description,
// its reply and its helpers' replies. SQLite keeps them in the FTS5 table
// ticket_text, keyed by textKey; PostgreSQL in tickets.search_terms, under
// a GIN index. The ticket package writes them in the transaction that
// writes the texts: Create, ImportBatch, and every change of a reply
// (reindex).

// phoneLast4 is what tickets.reporter_phone_last4 holds for a phone.
func phoneLast4(phone string) string {
	if len(phone) < 4 {
		return ""
	}
	return phone[len(phone)-4:]
}

// searchTerms returns the terms of a ticket's texts, joined by spaces.
func searchTerms(texts ...string) []string {
	return textsearch.Terms(strings.Join(texts, "\n"))
}

// oddKeyBase is where the text keys of numbers not of 14 or 15 digits start.
const oddKeyBase = int64(1e17)

// textKey is the rowid of a ticket in ticket_text (SQLite): the number
// itself for the 14 or 15 digits the numberer gives (15 with a node id:
// all above the 14-digit ones, which came before them), so that the index
// walks tickets newest first; for any other (imported) number a hash of it
// above oddKeyBase, which sorts those before the others.
func textKey(number string) int64 {
	if len(number) == 14 || len(number) == 15 {
		if n, err := strconv.ParseInt(number, 10, 64); err == nil && n >= 0 {
			return n
		}
	}
	h := fnv.New64a()
	h.Write([]byte(number))
	return oddKeyBase + int64(h.Sum64()%uint64(math.MaxInt64-oddKeyBase))
}

// insertTicketTextSQL is insertTicketSQL that also writes the terms, for
// PostgreSQL: a batch there is one statement, whose parts do not see each
// other's rows, so the terms cannot follow in an UPDATE.
var insertTicketTextSQL = strings.Replace(strings.Replace(insertTicketSQL,
	"credit_code)", "credit_code, search_terms)", 1),
	"$37)", "$37, string_to_array($38, ' '))", 1)

// insertTicket adds to b the insert of a new ticket and of its entry in
// the text index.
func (s *Service) insertTicket(b *db.Batch, t Ticket) {
	if s.db.Engine == db.Postgres {
		b.Add(insertTicketTextSQL, append(ticketArgs(t), strings.Join(searchTerms(t.Description, t.ReplyText), " "))...)
		return
	}
	b.Add(insertTicketSQL, ticketArgs(t)...)
	b.Add(`INSERT INTO ticket_text (rowid, terms, ticket_number) VALUES ($1, $2, $3)`, textKey(t.Number),
		indexedText(searchTerms(t.Description, t.ReplyText), t.AssignedOrgCode, t.AreaCode), t.Number)
}

// reindex writes the index entry of a ticket anew from its texts and
// scopes as tx sees them: after its reply or a helper's reply changed, or
// (SQLite) its unit or area.
func (s *Service) reindex(ctx context.Context, tx *sql.Tx, number string) error {
	var desc, reply, org, area string
	err := tx.QueryRowContext(ctx, `SELECT description, reply_text, assigned_org_code, area_code FROM tickets WHERE number = $1`, number).Scan(&desc, &reply, &org, &area)
	if err != nil {
		return errs.Wrap(err, "reindex ticket")
	}
	texts := []string{desc, reply}
	rows, err := tx.QueryContext(ctx, `SELECT reply_text FROM ticket_helpers WHERE ticket_number = $1 AND reply_text <> ''`, number)
	if err != nil {
		return errs.Wrap(err, "reindex ticket")
	}
	for rows.Next() {
		var r string
		if err := rows.Scan(&r); err != nil {
			rows.Close()
			return errs.Wrap(err, "reindex ticket")
		}
		texts = append(texts, r)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return errs.Wrap(err, "reindex ticket")
	}
	return s.writeText(ctx, tx, number, searchTerms(texts...), org, area)
}

// writeText replaces the index entry of a ticket of that unit and area.
func (s *Service) writeText(ctx context.Context, tx *sql.Tx, number string, terms []string, org, area string) error {
	if s.db.Engine == db.Postgres {
		_, err := tx.ExecContext(ctx, `UPDATE tickets SET search_terms = string_to_array($1, ' ') WHERE number = $2`, strings.Join(terms, " "), number)
		return errs.Wrap(err, "index ticket text")
	}
	key := textKey(number)
	if _, err := tx.ExecContext(ctx, `DELETE FROM ticket_text WHERE rowid = $1`, key); err != nil {
		return errs.Wrap(err, "index ticket text")
	}
	_, err := tx.ExecContext(ctx, `INSERT INTO ticket_text (rowid, terms, ticket_number) VALUES ($1, $2, $3)`, key, indexedText(terms, org, area), number)
	return errs.Wrap(err, "index ticket text")
}
