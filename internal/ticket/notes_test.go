package ticket_test

import (
	"context"
	"slices"
	"strings"
	"testing"

	"github.com/gongzhi/gongzhi/internal/auth"
	"github.com/gongzhi/gongzhi/internal/db"
	"github.com/gongzhi/gongzhi/internal/db/dbtest"
	"github.com/gongzhi/gongzhi/internal/errs"
	"github.com/gongzhi/gongzhi/internal/ticket"
)

// noteOf returns the note of the last line of kind action in evs, and
// whether there is such a line.
func noteOf(evs []ticket.Event, action string) (ticket.Event, bool) {
	for i := len(evs) - 1; i >= 0; i-- {
		if evs[i].Action == action {
			return evs[i], true
		}
	}
	return ticket.Event{}, false
}

// A dispatcher's note stays with the staff: the reporter and the public
// see the dispatch without it. A note its writer tells the resident (告知
// 居民) is read by the reporter word for word and by the public masked;
// the staff see which notes were told. Where the resident does not see
// the line, or there is nothing to tell, 告知居民 is refused. The staff's
// check request does not reach the reporter on the ticket either.
func TestNotesInternalUnlessTold(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		f := setup(t, d)
		tk, err := f.tickets.Create(ctx, &f.resident, ticket.NewTicket{Kind: ticket.KindHelp, CategoryCode: "09",
			Description: "楼里停电一整天了", AreaCode: "110117001001"})
		must(t, err)
		const internal = "请尽快核实供电情况"
		_, err = f.tickets.Act(ctx, f.dispatcher, tk.Number, ticket.ActionDispatch, ticket.ActionInput{OrgCode: "S1", Note: internal})
		must(t, err)

		views := func() (staff, reporter, public []ticket.Event) {
			t.Helper()
			staff, err := f.tickets.Events(ctx, f.dispatcher, tk.Number)
			must(t, err)
			reporter, err = f.tickets.Events(ctx, f.resident, tk.Number)
			must(t, err)
			public, err = f.tickets.PublicEvents(ctx, tk.Number)
			must(t, err)
			return staff, reporter, public
		}
		staff, reporter, public := views()
		if e, _ := noteOf(staff, ticket.ActionDispatch); e.Note != internal || e.NotifyResident {
			t.Fatalf("staff's dispatch line: %+v", e)
		}
		for name, evs := range map[string][]ticket.Event{"reporter": reporter, "public": public} {
			e, ok := noteOf(evs, ticket.ActionDispatch)
			if !ok || e.Note != "" || e.NotifyResident {
				t.Fatalf("%s's dispatch line (%v): %+v", name, ok, e)
			}
		}

		// 告知居民 where she does not see the line, or with nothing to tell.
		if _, err := f.tickets.Act(ctx, f.dispatcher, tk.Number, ticket.ActionRemind, ticket.ActionInput{Note: "抓紧", NotifyResident: true}); !errs.Is(err, errs.Invalid) {
			t.Fatalf("remind told to the resident: %v", err)
		}
		_, err = f.tickets.Act(ctx, f.handler, tk.Number, ticket.ActionSign, ticket.ActionInput{})
		must(t, err)
		if _, err := f.tickets.Act(ctx, f.handler, tk.Number, ticket.ActionContact, ticket.ActionInput{NotifyResident: true}); !errs.Is(err, errs.Invalid) {
			t.Fatalf("an empty note told to the resident: %v", err)
		}

		const told = "已与您电话联系，明早9点到场，现场联系人13812345678"
		_, err = f.tickets.Act(ctx, f.handler, tk.Number, ticket.ActionContact, ticket.ActionInput{Note: told, NotifyResident: true})
		must(t, err)
		staff, reporter, public = views()
		if e, _ := noteOf(staff, ticket.ActionContact); e.Note != told || !e.NotifyResident {
			t.Fatalf("staff's contact line: %+v", e)
		}
		if e, _ := noteOf(reporter, ticket.ActionContact); e.Note != told || e.NotifyResident {
			t.Fatalf("reporter's contact line: %+v", e)
		}
		e, _ := noteOf(public, ticket.ActionContact)
		if !strings.Contains(e.Note, "明早9点到场") || strings.Contains(e.Note, "13812345678") {
			t.Fatalf("public contact line, masked: %+v", e)
		}
		for _, evs := range [][]ticket.Event{reporter, public} {
			if e, _ := noteOf(evs, ticket.ActionDispatch); e.Note != "" {
				t.Fatalf("the dispatcher's note leaked after a told note: %+v", e)
			}
		}

		// The dispatcher's request for an on-site check is the staff's.
		_, err = f.tickets.Act(ctx, f.handler, tk.Number, ticket.ActionReply, ticket.ActionInput{ReplyText: "已恢复供电", Resolved: boolp(true)})
		must(t, err)
		const ask = "请网格员现场核实是否恢复"
		_, err = f.tickets.Act(ctx, f.dispatcher, tk.Number, ticket.ActionRequestCheck, ticket.ActionInput{Note: ask})
		must(t, err)
		got, err := f.tickets.Get(ctx, f.dispatcher, tk.Number)
		must(t, err)
		if got.CheckNote != ask {
			t.Fatalf("staff's check note %q", got.CheckNote)
		}
		mine, err := f.tickets.Get(ctx, f.resident, tk.Number)
		must(t, err)
		pub, err := f.tickets.PublicGet(ctx, tk.Number)
		must(t, err)
		if mine.CheckNote != "" || pub.CheckNote != "" || mine.ReplyText != "已恢复供电" {
			t.Fatalf("check note outside the staff: reporter %q, public %q", mine.CheckNote, pub.CheckNote)
		}
	})
}

// Who reads a form's note is the state machine's: a dispatch note may be
// told, a reminder's never, the reporter's own words are hers.
func TestNoteReaders(t *testing.T) {
	for action, want := range map[string]ticket.NoteReaders{
		ticket.ActionDispatch: ticket.NoteStaffUnlessTold, ticket.ActionContact: ticket.NoteStaffUnlessTold,
		ticket.ActionClose: ticket.NoteStaffUnlessTold, ticket.ActionRemind: ticket.NoteStaff,
		ticket.ActionWhistle: ticket.NoteStaff, ticket.ActionRequestCheck: ticket.NoteStaff,
		ticket.ActionSupplement: ticket.NoteResident, "no_such_action": ticket.NoteStaff,
	} {
		if got := ticket.NoteReadersOf(action); got != want {
			t.Errorf("%s: %d, want %d", action, got, want)
		}
	}
}

// A consultation, or any request in a placeless category (政策咨询), is
// registered, answered and closed without a place; a complaint about a
// place is refused without one, the place named as the wrong field.
func TestConsultationWithoutPlace(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		f := setup(t, d)
		must(t, f.tickets.UpsertCategory(ctx, ticket.Category{Code: "11", Name: "综合咨询", Active: true, Placeless: true}))
		must(t, f.tickets.UpsertCategory(ctx, ticket.Category{Code: "1101", ParentCode: "11", Name: "政策咨询", Active: true}))
		c, err := f.tickets.Category(ctx, "11")
		must(t, err)
		if !c.Placeless {
			t.Fatal("the catalogue lost the placeless mark")
		}

		call := ticket.NewTicket{Kind: ticket.KindConsultation, CategoryCode: "0101", Description: "老旧小区改造补贴怎么申请",
			ReporterPhone: "13912345678", Channel: ticket.ChannelHotline}
		if fe := f.tickets.Validate(ctx, &f.agent, call); len(fe) != 0 {
			t.Fatalf("a consultation without a place: %v", fe.Fields())
		}
		tk, err := f.tickets.Create(ctx, &f.agent, call)
		must(t, err)
		tk, err = f.tickets.Act(ctx, f.agent, tk.Number, ticket.ActionAnswer, ticket.ActionInput{ReplyText: "可在街道办申请，材料见知识库"})
		must(t, err)
		if tk.Status != ticket.StatusClosed || tk.AreaCode != "" {
			t.Fatalf("answered consultation: %s, area %q", tk.Status, tk.AreaCode)
		}

		help := call
		help.Kind, help.CategoryCode = ticket.KindHelp, "1101"
		_, err = f.tickets.Create(ctx, &f.agent, help)
		must(t, err)

		complaint := call
		complaint.Kind = ticket.KindComplaint
		fe := f.tickets.Validate(ctx, &f.agent, complaint)
		if !slices.Equal(fe.Fields(), []string{ticket.FieldPlace}) {
			t.Fatalf("complaint without a place: %v", fe.Fields())
		}
		if _, err := f.tickets.Create(ctx, &f.agent, complaint); !errs.Is(err, errs.Invalid) || !strings.Contains(errs.As(err).Msg, "地点") {
			t.Fatalf("complaint without a place created: %v", err)
		}
		// A resident's request in a placeless category needs none either;
		// in any other, a place.
		mine := ticket.NewTicket{Kind: ticket.KindHelp, CategoryCode: "1101", Description: "医保异地报销政策"}
		if fe := f.tickets.Validate(ctx, &f.resident, mine); len(fe) != 0 {
			t.Fatalf("resident's policy question: %v", fe.Fields())
		}
		mine.CategoryCode = "0102"
		if fe := f.tickets.Validate(ctx, (*auth.User)(&f.resident), mine); fe[ticket.FieldPlace] == nil {
			t.Fatalf("resident's request about a street without a place: %v", fe.Fields())
		}
	})
}
