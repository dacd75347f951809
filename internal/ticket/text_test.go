package ticket_test

import (
	"context"
	"strings"
	"testing"

	"github.com/gongzhi/gongzhi/internal/db"
	"github.com/gongzhi/gongzhi/internal/db/dbtest"
	"github.com/gongzhi/gongzhi/internal/ticket"
)

// hidden are characters no stored text may hold: a right-to-left override,
// zero-width characters, isolates, a byte order mark, NUL and ESC.
const hidden = "\u202e\u200b\u200d\u2066\u2069\ufeff\u2060\x00\x1b"

// TestTextCleanedOnEntry: names, addresses, descriptions, notes, replies
// and updates from other systems are stored without control and invisible
// format characters, on both engines (PostgreSQL refuses NUL outright).
func TestTextCleanedOnEntry(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		f := setup(t, d)
		tk, err := f.tickets.Create(ctx, &f.agent, ticket.NewTicket{CategoryCode: "0102", AreaCode: "110117001001",
			Description: "垃圾\u202e堆放\u200b三天" + hidden + "\n第二行", Address: "承平里\ufeff3号楼" + hidden,
			ReporterName: "王\u200b芳" + hidden, ReporterPhone: "13912345678"})
		must(t, err)
		for _, step := range []struct {
			action string
			in     ticket.ActionInput
		}{
			{ticket.ActionSign, ticket.ActionInput{Note: "签收" + hidden}},
			{ticket.ActionContact, ticket.ActionInput{Note: "已联系" + hidden}},
		} {
			_, err := f.tickets.Act(ctx, f.handler, tk.Number, step.action, step.in)
			must(t, err)
		}
		_, _, err = f.tickets.RecordExternalUpdate(ctx, f.handler, tk.Number, ticket.ExternalUpdate{Description: "外部系统" + hidden})
		must(t, err)
		_, err = f.tickets.Act(ctx, f.handler, tk.Number, ticket.ActionReply, ticket.ActionInput{ReplyText: "已清理" + hidden, Resolved: boolp(true)})
		must(t, err)
		got, err := f.tickets.Get(ctx, f.dispatcher, tk.Number)
		must(t, err)
		if got.Description != "垃圾堆放三天\n第二行" || got.Address != "承平里3号楼" || got.ReporterName != "王芳" || got.ReplyText != "已清理" {
			t.Errorf("stored %q %q %q %q", got.Description, got.Address, got.ReporterName, got.ReplyText)
		}
		evs, err := f.tickets.Events(ctx, f.dispatcher, tk.Number)
		must(t, err)
		for _, e := range evs {
			if strings.ContainsAny(e.Note, hidden) {
				t.Errorf("%s note %q", e.Action, e.Note)
			}
		}
	})
}
