package ticket

import (
	"context"

	"github.com/gongzhi/gongzhi/internal/db"
)

// tickets writes the kept tickets of an import and their text index entry:
// on PostgreSQL the search_terms column of the same rows, on SQLite the
// rows of ticket_text.
func (w *importWriter) tickets(ctx context.Context, batch []ImportTicket, kept []int, numbers []string) error {
	terms := func(t *Ticket) []string { return searchTerms(t.Description, t.ReplyText) }
	if w.engine == db.Postgres {
		cols := append(append([]string(nil), importTicketColumns...), "search_terms")
		return w.rows(ctx, "tickets", cols, len(kept), func(dst []any, k int) []any {
			i := kept[k]
			dst = appendImportTicket(dst, numbers[i], &batch[i].Ticket)
			return append(dst, terms(&batch[i].Ticket))
		})
	}
	err := w.rows(ctx, "tickets", importTicketColumns, len(kept), func(dst []any, k int) []any {
		i := kept[k]
		return appendImportTicket(dst, numbers[i], &batch[i].Ticket)
	})
	if err != nil {
		return err
	}
	return w.rows(ctx, "ticket_text", []string{"rowid", "terms", "ticket_number"}, len(kept), func(dst []any, k int) []any {
		i := kept[k]
		t := &batch[i].Ticket
		return append(dst, textKey(numbers[i]), indexedText(terms(t), t.AssignedOrgCode, t.AreaCode), numbers[i])
	})
}
