package ticket

import (
	"slices"
	"strings"

	"github.com/gongzhi/gongzhi/internal/auth"
	"github.com/gongzhi/gongzhi/internal/errs"
	"github.com/gongzhi/gongzhi/internal/privacy"
)

// Audience is whom a ticket's timeline is shown to. What each audience sees
// is decided here once, and every page, the API and Open311 show it.
type Audience string

const (
	// AudiencePublic is anyone: the open data (Open311). Texts are masked.
	AudiencePublic Audience = "public"
	// AudienceReporter is the resident who asked, logged in or by the
	// ticket's number and her phone.
	AudienceReporter Audience = "reporter"
	// AudienceStaff sees every line with its note and who wrote it.
	AudienceStaff Audience = "staff"
)

// AudienceOf is the audience u belongs to for t: the staff, the reporter,
// or else the public.
func AudienceOf(u auth.User, t Ticket) Audience {
	switch {
	case u.Role.IsStaff():
		return AudienceStaff
	case isReporter(u, t):
		return AudienceReporter
	}
	return AudiencePublic
}

// sight is how much of one kind of line an audience other than the staff
// sees.
type sight int

const (
	unseen sight = iota // not the line at all
	bare                // the line without its note
	noted               // the line and its note
)

// sights is, for each kind of line, what the reporter and the public see of
// it. Only notes written for the resident are shown: the answer, her own
// rating (to her alone: the public never sees a rating), the updates and
// messages addressed to her. The notes staff write for each other — a
// dispatcher's instruction on dispatch, a contact or check record, a reason
// to close or return — stay with the staff (minimum exposure) unless their
// writer tells the resident (告知居民: the line then shows what she was
// told, see NoteReaders), and so do the
// clocks, the traffic between units, requests that change nothing until
// approved, and the dispatcher's request for an on-site check. A kind not
// in it is seen by the staff only, so a new kind of line stays internal
// until it is decided. The actions' own lines are decided in their rows of
// machine (reporter, public); the other kinds here.
var sights = sightsOf(machine, map[string]seen{
	ActionCreate:         {noted, noted},
	ActionHelperReply:    {bare, bare},
	ActionAttach:         {noted, noted}, // "purpose attachment-id"
	ActionExternalUpdate: {noted, noted},
	ActionParentReply:    {noted, noted},
	ActionParentClosed:   {noted, noted},
})

// seen is what the reporter and the public see of one kind of line.
type seen struct{ reporter, public sight }

func sightsOf(m []rule, others map[string]seen) map[string]seen {
	out := map[string]seen{}
	for _, r := range m {
		if r.reporter != unseen || r.public != unseen {
			out[r.action] = seen{r.reporter, r.public}
		}
	}
	for k, v := range others {
		out[k] = v
	}
	return out
}

// staffOnly are the kinds decided to stay with the staff: the actions whose
// rows show their line to nobody else, and the kinds below; a test holds
// every kind of ticket.EventKinds to be in sights or here, so none is
// forgotten.
var staffOnly = staffOnlyOf(machine, ActionHelperSign, ActionYellowLight,
	ActionOverdue, ActionUnsignedEscalated, ActionSummonsMissed, ActionImport)

func staffOnlyOf(m []rule, others ...string) []string {
	var out []string
	for _, r := range m {
		if r.reporter == unseen && r.public == unseen {
			out = append(out, r.action)
		}
	}
	return append(out, others...)
}

// NoteReaders is who reads the note a form of an action takes.
type NoteReaders int

const (
	// NoteStaff: the note stays with the staff (仅内部可见); the resident
	// does not see the line, or sees it without its note.
	NoteStaff NoteReaders = iota
	// NoteStaffUnlessTold: the note stays with the staff unless its writer
	// ticks 告知居民 (ActionInput.NotifyResident); then the reporter reads
	// it, and the public too (masked) where it sees the line.
	NoteStaffUnlessTold
	// NoteResident: the resident reads it (the answer, her own words).
	NoteResident
)

// NoteReadersOf returns who reads the note of the action's form, by its
// row of machine: a line the reporter sees with its note is hers; a line
// she sees without its note may carry a note its writer tells her; any
// other note stays with the staff.
func NoteReadersOf(action string) NoteReaders {
	r, ok := ruleOf(action)
	switch {
	case !ok:
		return NoteStaff
	case r.reporter == noted:
		return NoteResident
	case r.reporter == bare && slices.Contains(r.fields, "note"):
		return NoteStaffUnlessTold
	}
	return NoteStaff
}

// checkNotify refuses 告知居民 where the action's note cannot be told (its
// line is not shown to the resident) and where there is nothing to tell.
func checkNotify(r *rule, in *ActionInput) error {
	if !in.NotifyResident {
		return nil
	}
	if NoteReadersOf(r.action) != NoteStaffUnlessTold {
		return errs.Invalidf("操作 %s 的备注仅内部可见，不能告知居民", "the note of %s stays with the staff: notify_resident is not allowed", r.action)
	}
	if in.Note == "" {
		return errs.Invalidf("选择告知居民时，请填写要告知居民的内容", "notify_resident needs a note to tell the resident")
	}
	return nil
}

// Timeline returns the lines of evs that a sees, in their order. A rating
// recorded on a follow-up call has ByPhone set and its mark taken off the
// note, for every audience. For the reporter and the public, a line keeps
// its note only where the table above says so, and names its actor by role
// ("reporter", "system", or the staff role), never by the staff's account;
// a line shown without its note shows instead what its writer chose to
// tell the resident (告知居民), if anything. For the public the personal
// numbers in a note are masked (privacy.Mask). The staff see every note,
// those told to the resident marked NotifyResident.
func Timeline(evs []Event, a Audience) []Event {
	out := make([]Event, 0, len(evs))
	for _, e := range evs {
		if e.Action == ActionRate {
			e.Note, e.ByPhone = ratedByPhone(e.Note)
		}
		if a == AudienceStaff {
			e.NotifyResident = e.residentNote != ""
			out = append(out, e)
			continue
		}
		rule := sights[e.Action]
		see := rule.public
		if a == AudienceReporter {
			see = rule.reporter
		}
		if see == unseen {
			continue
		}
		if see == bare {
			e.Note = e.residentNote
		}
		e.residentNote = ""
		if a == AudiencePublic {
			e.Note = privacy.Mask(e.Note)
		}
		if e.Actor != "reporter" && e.Actor != "system" {
			e.Actor = e.ActorRole
		}
		e.actorID = ""
		out = append(out, e)
	}
	return out
}

// byPhoneMark starts the note of a rating that staff recorded for the reporter.
const byPhoneMark = "by_phone "

// ratedByPhone reports whether a rating event's note is one that a hotline
// agent or dispatcher recorded from the reporter's answer on a follow-up
// call (回访), rather than the reporter's own, and returns the note without
// that mark.
func ratedByPhone(note string) (rest string, byPhone bool) {
	return strings.CutPrefix(note, byPhoneMark)
}

// staffNotesOut takes off a ticket what staff wrote for each other: the
// dispatcher's request for an on-site check, a unit's reason to return it
// or to ask for more time. They stay with the staff, as their lines of the
// timeline do; the reporter and the public read the timeline's notes.
func staffNotesOut(t *Ticket) {
	t.CheckNote, t.ReturnReason, t.ExtensionReason = "", "", ""
}
