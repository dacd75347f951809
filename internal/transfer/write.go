package transfer

import (
	"context"
	"time"

	"github.com/gongzhi/gongzhi/internal/auth"
	"github.com/gongzhi/gongzhi/internal/ticket"
)

// ActionImport is the event that opens an imported ticket's timeline.
const ActionImport = ticket.ActionImport

// importActor is who the import's events name.
var importActor = ticket.Event{Actor: "import", ActorRole: "system"}

// write hands a batch to the ticket service, which skips the records
// imported before, numbers the others from the day counters and writes
// them, their events and their sources in one transaction. It returns the
// records written.
func (im *importer) write(ctx context.Context, batch []pending) ([]pending, error) {
	in := make([]ticket.ImportTicket, len(batch))
	for i := range batch {
		in[i] = im.importTicket(&batch[i])
	}
	res, err := im.tickets.ImportBatch(ctx, auth.System(), in)
	if err != nil {
		return nil, err
	}
	fresh := make([]pending, 0, res.Tickets)
	for i, n := range res.Numbers {
		if n != "" {
			fresh = append(fresh, batch[i])
		}
	}
	return fresh, nil
}

// importTicket is a record as the ticket it becomes: registered (or
// dispatched to its unit) by the import event, then closed or invalidated
// as in the source system. It has no reporter and no running time limits:
// the source's clocks are not ours.
func (im *importer) importTicket(p *pending) ticket.ImportTicket {
	created, updated := time.UnixMilli(p.createdAt), time.UnixMilli(p.updatedAt)
	t := ticket.Ticket{Kind: ticket.Kind(p.kind), Status: p.status, CategoryCode: p.category, AreaCode: p.area, Description: p.desc,
		Address: p.address, Channel: ticket.Channel(im.m.Channel), AssignedOrgCode: p.org, CreatedAt: created, UpdatedAt: updated,
		ReplyText: p.reply, InvalidReason: p.invalid}
	if p.hasLoc {
		t.Lat, t.Lng = &p.lat, &p.lng
	}
	if p.org != "" {
		t.DispatchedAt = &created
	}
	open := importActor
	open.Seq, open.At, open.Action, open.ToStatus, open.OrgCode, open.Note = 1, created, ActionImport, p.entry, p.org, p.note
	events := []ticket.ImportEvent{{Event: open}}
	var end ticket.Event
	switch p.status {
	case ticket.StatusClosed:
		end = importActor
		end.Action, end.Note = ticket.ActionClose, "在原系统中办结 / closed in the source system"
	case ticket.StatusInvalid:
		end = importActor
		end.Action, end.Note = ticket.ActionInvalidate, p.invalid
	}
	if end.Action != "" {
		closed := time.UnixMilli(p.closedAt)
		t.ClosedAt = &closed
		end.Seq, end.At, end.FromStatus, end.ToStatus, end.OrgCode = 2, closed, p.entry, p.status, p.org
		events = append(events, ticket.ImportEvent{Event: end})
	}
	t.Version = len(events) // the next action's event follows the last
	return ticket.ImportTicket{Ticket: t, Events: events, Source: im.m.Source, ExternalID: p.externalID}
}
