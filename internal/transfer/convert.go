package transfer

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/gongzhi/gongzhi/internal/plaintext"
	"github.com/gongzhi/gongzhi/internal/ticket"
)

// convert maps a record to a ticket, or says why it cannot be imported. The
// checks run in a fixed order, so a record is always rejected for the same
// first reason.
func (im *importer) convert(ctx context.Context, r record) (pending, *rejection) {
	created, rej := im.created(r)
	if rej != nil {
		return pending{}, rej
	}
	cat, rej := im.category(r)
	if rej != nil {
		return pending{}, rej
	}
	target, ok := lookup(im.m.Statuses, im.statuses, r.status)
	if !ok {
		return pending{}, reject("status not in the mapping: "+r.status, "status %q is not in the mapping's statuses", r.status)
	}
	p := pending{externalID: r.id, category: cat, area: im.m.DefaultAreaCode, createdAt: created.UnixMilli()}
	p.kind = im.m.DefaultKind
	if k, ok := lookup(im.m.Kinds, im.kinds, r.typ); ok {
		p.kind = k
	}
	if rej := im.times(r, target, created, &p); rej != nil {
		return pending{}, rej
	}
	if rej := im.route(ctx, r, &p); rej != nil {
		return pending{}, rej
	}
	im.outcome(r, target, &p)
	im.content(r, &p)
	return p, nil
}

// created checks that the record is readable and has an id, and reads its
// creation time, which may not lie in the future.
func (im *importer) created(r record) (time.Time, *rejection) {
	if r.problem != "" {
		return time.Time{}, reject("unreadable row", "%s", r.problem)
	}
	if r.id == "" {
		return time.Time{}, reject("no external id", "the record has no id (column %q is empty)", im.m.Columns.ID)
	}
	if len(r.id) > 100 || plaintext.Check(r.id) != nil {
		return time.Time{}, reject("bad external id", "the id is longer than 100 characters, not UTF-8 or holds a control character")
	}
	if r.created == "" {
		return time.Time{}, reject("no created date", "the record has no created date")
	}
	created, err := im.parseTime(r.created)
	if err != nil {
		return time.Time{}, reject("bad created date", "created date %q is not a time of the form %q", r.created, im.m.TimeFormat)
	}
	if created.After(im.now) {
		return time.Time{}, reject("created in the future", "created date %s is in the future", r.created)
	}
	return created, nil
}

// category is the mapping's category of the record's request type (or of
// its second type), else the default one.
func (im *importer) category(r record) (string, *rejection) {
	if r.typ == "" {
		return "", reject("no request type", "the record has no request type")
	}
	cat, ok := lookup(im.m.Categories, im.types, r.typ)
	if !ok && r.altType != "" {
		cat, ok = lookup(im.m.Categories, im.types, r.altType)
	}
	if !ok {
		if im.m.DefaultCategory == "" {
			return "", reject("request type not in the mapping: "+r.typ, "request type %q is not in the mapping's categories", r.typ)
		}
		cat = im.m.DefaultCategory
	}
	return cat, nil
}

// times sets when the ticket was last updated and, unless it is open, when
// it was closed: the closed date, or for an invalid one the update.
func (im *importer) times(r record, target string, created time.Time, p *pending) *rejection {
	updated := created
	if r.updated != "" {
		if u, err := im.parseTime(r.updated); err == nil && u.After(updated) {
			updated = u
		}
	}
	if target != TargetOpen {
		var closed time.Time
		switch {
		case r.closed != "":
			var err error
			closed, err = im.parseTime(r.closed)
			if err != nil {
				return reject("bad closed date", "closed date %q is not a time of the form %q", r.closed, im.m.TimeFormat)
			}
		case target == TargetInvalid && r.updated != "" && updated.After(created):
			closed = updated
		default:
			return reject("closed without a closed date", "status %q is closed but the record has no closed date", r.status)
		}
		if closed.Before(created) {
			return reject("closed before created", "closed date %s is before the created date %s", r.closed, r.created)
		}
		if closed.After(updated) {
			updated = closed
		}
		p.closedAt = closed.UnixMilli()
	}
	p.updatedAt = updated.UnixMilli()
	return nil
}

// route sets the unit: the mapping's for the record's agency, or the one
// our dispatch catalogue names (asked once per category).
func (im *importer) route(ctx context.Context, r record, p *pending) *rejection {
	agency, ok := lookup(im.m.Agencies, im.agencies, r.agency)
	if !ok {
		agency = im.m.DefaultAgency
	}
	if agency == Catalogue {
		org, cached := im.routes[p.category]
		if !cached {
			var err error
			if org, err = im.tickets.SuggestOrg(ctx, p.category, p.area); err != nil {
				return reject("no route", "the catalogue cannot route category %s: %v", p.category, err)
			}
			im.routes[p.category] = org
		}
		agency = org
	}
	p.org = agency
	return nil
}

// outcome sets the status after the import event (dispatched when it has a
// unit) and the final one, with the reply or the reason it was invalid.
func (im *importer) outcome(r record, target string, p *pending) {
	p.entry = ticket.StatusRegistered
	if p.org != "" {
		p.entry = ticket.StatusDispatched
	}
	switch target {
	case TargetOpen:
		p.status = p.entry
	case TargetClosed:
		p.status = ticket.StatusClosed
		p.reply = clip(r.resolution, ticket.MaxReply)
	case TargetInvalid:
		p.status = ticket.StatusInvalid
		p.invalid = clip(fmt.Sprintf("原系统状态 %s / %s in the source system", r.status, r.status), 200)
	}
}

// content sets the description, the address, the place when both
// coordinates are good, and the import event's note naming the source.
func (im *importer) content(r record, p *pending) {
	desc := r.typ
	if len(r.detail) > 0 {
		desc += ": " + strings.Join(r.detail, "; ")
	}
	if r.description != "" {
		desc += "\n" + r.description
	}
	p.desc = clip(desc, ticket.MaxDescription)
	p.address = clip(r.address, ticket.MaxAddress)
	lat, okLat := coord(r.lat, 90)
	lng, okLng := coord(r.lng, 180)
	if okLat && okLng {
		p.lat, p.lng, p.hasLoc = lat, lng, true
	}
	note := fmt.Sprintf("导入自 %s，原编号 %s / imported from %s, external id %s; type: %s; agency: %s; status: %s",
		im.m.Source, r.id, im.m.Source, r.id, r.typ, r.agency, r.status)
	if len(r.notes) > 0 {
		note += "; " + strings.Join(r.notes, "; ")
	}
	p.note = clip(note, ticket.MaxNote)
}
