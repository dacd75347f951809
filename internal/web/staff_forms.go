package web

import (
	"slices"

	"github.com/gongzhi/gongzhi/internal/ticket"
)

// ActionForm is one action form of the staff ticket page. Which forms the
// page shows, in which order, and which inputs each has come from the
// ticket's state machine (ticket.AvailableActions, ticket.FormFields); what
// is left here is their words.
type ActionForm struct {
	Action    string
	Fields    []string // ActionInput's JSON names, in order
	Title     string
	Hint      string
	Button    string
	Class     string // of the button
	Multipart bool   // the form carries photos
	Photo     string // the photo input's label; "" for none

	NoteLabel, NotePH string
	NoteRows          int
	// Who reads the note: NoteSight says it beside the note; NoteTell
	// offers 告知居民 (ticket.NoteReadersOf decides).
	NoteSight string
	NoteTell  bool
	// The unit select (org_code).
	OrgID, OrgLabel, OrgEmpty string
	OrgReq, OrgSkip           bool
	// The reply (reply_text).
	ReplyID   string
	ReplyRows int
	Resolved  string // the legend of the resolved radios
}

// primaryActions and dangerActions style the form's button.
var (
	primaryActions = []string{ticket.ActionApproveReturn, ticket.ActionApproveExtension, ticket.ActionRedo, ticket.ActionAnswer,
		ticket.ActionSelfResolve, ticket.ActionDispatch, ticket.ActionSign, ticket.ActionContact, ticket.ActionReply,
		ticket.ActionCheck, ticket.ActionReport}
	dangerActions = []string{ticket.ActionReturn, ticket.ActionInvalidate, ticket.ActionClose}
)

// noteLabels name the note where it is more than a note.
var noteLabels = map[string]string{
	ticket.ActionRejectReturn: "f.reject.reason", ticket.ActionRejectExtension: "f.reject.reason",
	ticket.ActionReturn: "f.return.note", ticket.ActionAddHelper: "f.helper.note",
	ticket.ActionWhistle: "f.summons.note", ticket.ActionEscalate: "f.summons.note", ticket.ActionReport: "f.report",
}

// orgLabels name the unit chosen.
var orgLabels = map[string]string{
	ticket.ActionDispatch: "f.org", ticket.ActionRedispatch: "f.neworg", ticket.ActionApproveReturn: "f.neworg",
	ticket.ActionAddHelper: "f.helperorg", ticket.ActionEscalate: "f.escalate.org",
}

// photoLabels are the actions whose forms take photos, by their label.
var photoLabels = map[string]string{
	ticket.ActionReply: "photo.reply", ticket.ActionSelfResolve: "photo.after", ticket.ActionCheck: "photo.check",
}

// isMessage reports whether key is a message.
func isMessage(key string) bool { _, ok := messages[key]; return ok }

// forms builds the page's forms of the actions v offers, in the state
// machine's order.
func (s *Server) forms(lang string, v *TicketView) []ActionForm {
	var out []ActionForm
	for _, a := range v.Actions {
		f := ActionForm{Action: a, Fields: ticket.FormFields(a), Title: tr(lang, "action."+a), Class: "btn",
			NoteLabel: tr(lang, "f.note"), NoteRows: 2, OrgID: a + "-org", ReplyID: a + "-text", ReplyRows: 3,
			Resolved: tr(lang, "rate.resolved")}
		if isMessage("action." + a + ".hint") {
			f.Hint = tr(lang, "action."+a+".hint")
		}
		f.Button = f.Title
		if isMessage("action." + a + ".button") {
			f.Button = tr(lang, "action."+a+".button")
		}
		switch {
		case slices.Contains(primaryActions, a):
			f.Class = "btn primary"
		case slices.Contains(dangerActions, a):
			f.Class = "btn danger"
		}
		if k, ok := noteLabels[a]; ok {
			f.NoteLabel = tr(lang, k)
		}
		noteSight(lang, &f)
		if isMessage("action." + a + ".ph") {
			f.NotePH = tr(lang, "action."+a+".ph")
		}
		if k, ok := orgLabels[a]; ok {
			f.OrgLabel = tr(lang, k)
			f.OrgReq, f.OrgSkip = a != ticket.ActionEscalate, a != ticket.ActionDispatch && a != ticket.ActionEscalate
		}
		if k, ok := photoLabels[a]; ok {
			f.Multipart, f.Photo = true, tr(lang, k)
		}
		s.formSpecifics(lang, v, &f)
		out = append(out, f)
	}
	return out
}

// formSpecifics fills in the words that depend on the ticket.
func (s *Server) formSpecifics(lang string, v *TicketView, f *ActionForm) {
	t := v.T
	switch f.Action {
	case ticket.ActionDispatch:
		f.OrgID, f.Hint = "org_code", ""
		if v.Suggest != "" {
			f.Hint = tr(lang, "action.dispatch.suggest")
		}
	case ticket.ActionSign:
		if v.MyPart != nil {
			f.Title, f.Hint = tr(lang, "action.sign.part"), tr(lang, "action.sign.part.hint")
			f.Button = f.Title
		}
	case ticket.ActionReply:
		f.ReplyID, f.ReplyRows = "reply_text", 5
		switch {
		case v.MyPart != nil:
			f.Title, f.Hint, f.Photo = tr(lang, "action.reply.part"), tr(lang, "action.reply.part.hint"), ""
			f.Button, f.Resolved = f.Title, tr(lang, "rate.resolved.part")
		case len(v.Helpers) > 0:
			f.Hint = tr(lang, "action.reply.helpers")
		}
	case ticket.ActionAnswer:
		f.ReplyID, f.ReplyRows = "answer-text", 4
	case ticket.ActionCheck:
		f.Hint = t.CheckNote
	case ticket.ActionReport:
		f.NoteRows = 3
		if sm := v.MySummons; sm != nil {
			f.Hint = tr(lang, "summons."+sm.Kind) + " · " + tr(lang, "summons.due") + " " + s.fmtTime(sm.DueAt)
			if sm.Note != "" {
				f.Hint += " · " + sm.Note
			}
		}
	case ticket.ActionApproveExtension:
		f.Hint = tr(lang, "action.approve_extension.hint", s.fmtTime(t.ExtensionUntil))
	case ticket.ActionRequestExtension:
		f.Hint = tr(lang, "action.request_extension.hint", s.fmtTime(t.DueCompleteAt), v.MaxExtensionDays)
	case ticket.ActionRedo:
		f.Hint = tr(lang, "action.redo.hint", v.Org)
	case ticket.ActionWhistle:
		f.Hint = tr(lang, "action.whistle.hint", v.MaxSummoned)
	case ticket.ActionEscalate:
		f.OrgEmpty = tr(lang, "f.escalate.default")
	case ticket.ActionClose:
		if t.ReviewPending {
			f.Title, f.Hint = tr(lang, "action.close.review"), tr(lang, "action.close.review.hint")
			f.Button = f.Title
		}
	}
}

// noteSight says beside a note who reads it, as the ticket capability
// decides (ticket.NoteReadersOf): the staff alone, the resident too when
// 告知居民 is ticked, or the resident.
func noteSight(lang string, f *ActionForm) {
	switch ticket.NoteReadersOf(f.Action) {
	case ticket.NoteStaffUnlessTold:
		f.NoteSight, f.NoteTell = tr(lang, "note.sight.tell"), true
	case ticket.NoteResident:
		f.NoteSight = tr(lang, "note.sight.resident")
	default:
		f.NoteSight = tr(lang, "note.sight.staff")
	}
}
