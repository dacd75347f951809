package web

import (
	"io/fs"
	"os"
	"regexp"
	"strings"
	"testing"

	"github.com/gongzhi/gongzhi/internal/agreement"
	"github.com/gongzhi/gongzhi/internal/auth"
	"github.com/gongzhi/gongzhi/internal/citylink"
	"github.com/gongzhi/gongzhi/internal/deliberation"
	"github.com/gongzhi/gongzhi/internal/disclosure"
	"github.com/gongzhi/gongzhi/internal/election"
	"github.com/gongzhi/gongzhi/internal/evaluation"
	"github.com/gongzhi/gongzhi/internal/gov"
	"github.com/gongzhi/gongzhi/internal/insight"
	"github.com/gongzhi/gongzhi/internal/insight/warning"
	"github.com/gongzhi/gongzhi/internal/kb"
	"github.com/gongzhi/gongzhi/internal/mediation"
	"github.com/gongzhi/gongzhi/internal/meeting"
	"github.com/gongzhi/gongzhi/internal/needs"
	"github.com/gongzhi/gongzhi/internal/notice"
	"github.com/gongzhi/gongzhi/internal/project"
	"github.com/gongzhi/gongzhi/internal/proposal"
	"github.com/gongzhi/gongzhi/internal/ruleset"
	"github.com/gongzhi/gongzhi/internal/screening"
	"github.com/gongzhi/gongzhi/internal/service"
	"github.com/gongzhi/gongzhi/internal/status"
	"github.com/gongzhi/gongzhi/internal/survey"
	"github.com/gongzhi/gongzhi/internal/ticket"
	"github.com/gongzhi/gongzhi/internal/training"
	"github.com/gongzhi/gongzhi/internal/volunteer"
	"github.com/gongzhi/gongzhi/internal/vote"
)

func strs[T ~string](xs []T) []string {
	out := make([]string, len(xs))
	for i, x := range xs {
		out[i] = string(x)
	}
	return out
}

// keyFamilies are the keys the code and the templates build from a prefix
// and a value, with every value the prefix can take. A family whose value is
// nil has a fallback: its key is looked up first and the raw value shown
// when missing (flash notes by a redirect's "done", notification kinds, the
// review notes of a few actions).
func keyFamilies() map[string][]string {
	statuses := strs(ticket.Statuses)
	return map[string][]string{
		"ev.":                ticket.EventKinds,
		"router.kind.":       insight.RouteKinds,
		"rev.":               nil,
		"action.":            ticket.Actions,
		"role.":              strs(auth.Roles),
		"status.":            statuses,
		"rstatus.":           statuses,
		"kind.":              strs(ticket.Kinds),
		"urgency.":           strs(ticket.Urgencies),
		"channel.":           strs(ticket.Channels),
		"sat.":               strs([]ticket.Satisfaction{ticket.Satisfied, ticket.Basic, ticket.Unsatisfied}),
		"unit.":              strs([]ticket.Unit{ticket.WorkingHours, ticket.WorkingDays, ticket.ClockHours}),
		"reason.":            ticket.ReturnReasons,
		"invalid.":           ticket.InvalidReasons,
		"rinvalid.":          ticket.InvalidReasons,
		"light.":             {"green", "yellow", "red", "green.hint", "yellow.hint", "red.hint"},
		"due.":               {"sign", "contact", "complete"},
		"helper.":            {"dispatched", "signed", "replied"},
		"summons.":           {"whistle", "escalation"},
		"summons.st.":        {"pending", "reported", "missed"},
		"part.":              {"lead", "helper"},
		"audit.action.":      auth.AuditActions,
		"orgkind.":           append(strs(gov.OrgKinds), "other"),
		"pick.group.":        strs(gov.PickGroups),
		"rt.done.":           {"saved", "deleted"},
		"photo.purpose.":     purposes,
		"class.":             {evaluation.ClassAdvanced, evaluation.ClassProgress, evaluation.ClassRectify, evaluation.ClassGovernance},
		"fig.":               evaluation.Figures(),
		"rect.status.":       {evaluation.RectOpen, evaluation.RectSubmitted, evaluation.RectAccepted, evaluation.RectRejected},
		"rect.filter.":       {"all", evaluation.RectOpen, "overdue", evaluation.RectSubmitted, evaluation.RectRejected, evaluation.RectAccepted},
		"con.warn.":          {"merge", "answer"},
		"notif.":             nil,
		"flash.":             nil,
		"flash.account.":     nil,
		"flash.user.":        nil,
		"flash.rect.":        nil,
		"flash.tl.":          nil,
		"flash.warn.":        nil,
		"warn.":              {"acknowledge", "convert_ticket", "convert_rectification"},
		"warn.level.":        {warning.LevelCommunity, warning.LevelStreet, warning.LevelCell},
		"warn.status.":       {warning.StatusOpen, warning.StatusAcknowledged, warning.StatusConverted, warning.StatusDismissed},
		"warn.filter.":       {"active", warning.StatusOpen, warning.StatusAcknowledged, warning.StatusConverted, warning.StatusDismissed, "all"},
		"vote.matter.":       {vote.MatterOrdinary, vote.MatterMajor},
		"vote.matter.short.": {vote.MatterOrdinary, vote.MatterMajor},
		"vote.choice.":       {vote.ChoiceAgree, vote.ChoiceDisagree, vote.ChoiceAbstain},
		"vote.done.":         {"created", "units", "ballots", "close", "cast"},
		"prop.status.":       strs(proposal.Statuses),
		"prop.level.":        strs(proposal.Levels),
		"prop.light.":        {"green", "yellow", "red"},
		"prop.decision.":     {proposal.Adopt, proposal.Reject, proposal.Escalate},
		"prop.event.":        {"create", "cosign", "accept", "answer", "escalate", "progress", "lapse"},
		"prop.flash.":        nil,
		"prop.vis.":          {"residents", "public"},
		"prop.visis.":        {"residents", "public"},
		"agenda.kind.":       {"proposal", "vote", "meeting", "project", "notice", "survey", "election", "service", "volunteer", "mediation"},
		"agenda.role.":       {"raised", "cosigned", "owner", "answer", "task", "input", "objection", "disclose_village_affairs", "disclose_finance", "respondent", "voter", "member", "took_part", "objected", "provider", "requester", "volunteer", "code", "hours", "approve", "party", "session", "confirmation", "follow_up"},
		"res.flash.":         nil,
		"elec.kind.":         election.Kinds,
		"elec.level.":        {"public", "residents", "internal"},
		"elec.done.":         {"created", "units", "candidates", "remove", "ballots", "close", "cast"},
		"sv.status.":         strs(survey.Statuses),
		"sv.kind.":           strs(survey.Kinds),
		"sv.channel.":        {survey.ChannelPaper, survey.ChannelPhone},
		"sv.flash.":          nil,
		"notice.kind.":       strs(notice.Kinds),
		"notice.status.":     strs(notice.Statuses),
		"notice.level.":      strs(disclosure.Levels),
		"notice.event.":      notice.EventKinds,
		"notice.dir.":        {notice.Income, notice.Expense},
		"notice.every.":      {notice.Monthly, notice.Quarterly, notice.Never},
		"notice.state.":      {notice.StateDone, notice.StateDue, notice.StateOverdue},
		"notice.flash.":      nil,
		"proj.phase.":        strs(project.Phases),
		"proj.phase.lead.":   strs(project.Phases),
		"proj.step.":         strs(project.Phases),
		"proj.advance.":      strs(project.Phases[1:]),
		"proj.level.":        strs(disclosure.Levels),
		"proj.score.":        {"1", "2", "3", "4", "5"},
		"proj.behalf.":       {"planning", "building"},
		"proj.kind.":         {project.KindNeed, project.KindOpinion},
		"proj.event.":        {"create", "phase", "milestone", "milestone-done", "input", "answer", "evaluate", "re-evaluate"},
		"proj.flash.":        nil,
		"delib.position.":    strs(deliberation.Positions),
		"delib.reason.":      deliberation.Reasons,
		"delib.mode.":        {string(deliberation.ModePre), string(deliberation.ModePost)},
		"delib.explain.":     {string(deliberation.ModePre), string(deliberation.ModePost)},
		"delib.flash.":       nil,
		"delib.mod.flash.":   nil,
		"meet.status.":       strs(meeting.Statuses),
		"meet.kind.":         meeting.Kinds,
		"meet.method.":       {meeting.MethodHands, meeting.MethodBallot},
		"meet.quorum.":       {string(meeting.Majority), string(meeting.TwoThirds)},
		"meet.notice.":       {"sms", "paper"},
		"meet.choice.":       {meeting.ChoiceFor, meeting.ChoiceAgainst, meeting.ChoiceAbstain},
		"meet.ev.":           {"create", "roster_add", "roster_remove", "notice", "open", "signin", "minutes", "resolution", "ballot", "close", "publish", "task", "task_done"},
		"meet.flash.":        nil,
		"scr.status.":        {string(screening.StatusOpen), string(screening.StatusEnded)},
		"scr.kind.":          {screening.KindHousehold, screening.KindPlace},
		"scr.place.":         {screening.PlaceListed, screening.PlaceChecked, screening.PlaceMissed},
		"scr.result.":        {screening.ResultClear, screening.ResultFinding},
		"scr.to.":            {screening.ConvertTicket, "mediation", "service"},
		"scr.flash.":         nil,
		"needs.status.":      {needs.StatusNone, needs.StatusActive, needs.StatusWithdrawn},
		"needs.cat.":         needs.Categories,
		"needs.flash.":       nil,
		"visits.flash.":      nil,
		"svc.cat.":           strs(service.Categories),
		"svc.status.":        strs(service.Statuses),
		"svc.ev.":            {"create", "confirm", "decline", "cancel", "complete", "rate", "complain", "remind", "overdue", "expire"},
		"svc.flash.":         nil,
		"vol.flash.":         nil,
		"vol.cause.":         {volunteer.CauseHours, volunteer.CauseCosign, volunteer.CauseMeeting, volunteer.CauseSurvey, volunteer.CauseRedeem},
		"vol.status.":        {volunteer.StatusPending, volunteer.StatusApproved, volunteer.StatusRejected},
		"vol.code.status.":   {volunteer.CodePending, volunteer.CodeRedeemed, volunteer.CodeWithdrawn, volunteer.CodeExpired},
		"vol.task.status.":   {volunteer.TaskOpen, volunteer.TaskCancelled},
		"vol.signup.status.": {volunteer.SignupSigned, volunteer.SignupWithdrawn, volunteer.SignupConfirmed, volunteer.SignupAbsent},

		"med.status.":    strs(mediation.Statuses),
		"med.risk.":      strs(mediation.Risks),
		"med.type.":      mediation.DisputeTypes,
		"med.source.":    mediation.Sources,
		"med.role.":      {mediation.RoleApplicant, mediation.RoleRespondent},
		"med.duty.":      {mediation.DutyChair, mediation.DutyDeputy, mediation.DutyMember},
		"med.sign.":      {mediation.SignImage, mediation.SignInPerson},
		"med.party.":     {"a", "b"},
		"med.agreement.": {mediation.AgreementWritten, mediation.AgreementVerbal},
		"med.confirm.":   {mediation.ConfirmNone, mediation.ConfirmApplied, mediation.ConfirmGranted, mediation.ConfirmRefused},
		"med.performed.": {mediation.Performed, mediation.PartlyDone, mediation.NotPerformed},
		"med.ev.":        {"open", "escalate", "police_referral", "regrade", "mediators", "schedule", "session", "sign", "agree", "confirmation", "follow_up", "refuse", "terminate", "remind_confirmation"},
		"med.flash.":     nil,
		"od.flash.":      nil,
		"od.fmt.":        {"csv", "json", "xlsx"},

		"cl.role.":   {citylink.RoleUpper, citylink.RoleLower},
		"cl.kind.":   {citylink.KindDispatch, citylink.KindUpdate, citylink.KindStats},
		"cl.status.": {citylink.StatusPending, citylink.StatusDelivered, citylink.StatusFailed},

		"guide.status.": {kb.AppSubmitted, kb.AppReturned, kb.AppApproved, kb.AppRefused},
		"guide.flash.":  nil,

		"agr.status.": strs(agreement.Statuses),
		"agr.ev.":     agreement.EventKinds,
		"agr.flash.":  nil,
		"sys.risk.":   {"low", "medium", "high"},
		"sys.feat.":   status.FeatureKeys(),

		"ind.dim.":   {"means", "tools", "content", "cost"},
		"ind.field.": {"weight", "enabled", "cost_per_hour", "fixed_monthly", "cost_ceiling"},
		"ind.flash.": nil,

		"kiosk.prompt.": {"phone", "code", "menu", "file", "receipt", "my", "ticket", "other"},

		"ent.kind.": strs(ticket.RequesterKinds),
		"ent.row.":  strs(ticket.RequesterKinds),

		"wl.kind.":      {ticket.ActionReturn, ticket.ActionRedispatch},
		"training.aud.": training.Audiences,

		"rules.sec.":    strs(ruleset.Sections),
		"rules.change.": {ruleset.Added, ruleset.Removed, ruleset.Changed},
		"rules.source.": {ruleset.SourceLocal, ruleset.SourceImport, ruleset.FromUpper},
		"rules.flash.":  nil,
	}
}

// sources are the package's Go files (tests aside) and templates, by name.
func sources(t *testing.T) map[string]string {
	out := map[string]string{}
	names, err := fs.Glob(files, "templates/*.html")
	if err != nil {
		t.Fatal(err)
	}
	for _, n := range names {
		b, _ := files.ReadFile(n)
		out[n] = string(b)
	}
	entries, err := os.ReadDir(".")
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		if n := e.Name(); strings.HasSuffix(n, ".go") && !strings.HasSuffix(n, "_test.go") {
			b, err := os.ReadFile(n)
			if err != nil {
				t.Fatal(err)
			}
			out[n] = string(b)
		}
	}
	return out
}

func hasBoth(key string) bool {
	v, ok := messages[key]
	return ok && v[0] != "" && v[1] != ""
}

// TestDynamicKeys checks that every key built from a prefix has a message in
// both languages for every value the prefix can take, and that no prefix is
// built that keyFamilies does not know.
func TestDynamicKeys(t *testing.T) {
	families := keyFamilies()
	for prefix, values := range families {
		for _, v := range values {
			if !hasBoth(prefix + v) {
				t.Errorf("key %q has no message in both languages", prefix+v)
			}
		}
	}
	// "prefix."+x in Go; (print "prefix." x) and (msg "prefix." x) in
	// templates; msgOr(lang, "prefix.", x) in Go.
	built := regexp.MustCompile(`"([a-z0-9_.]+\.)"\s*\+|\((?:print|msg) "([a-z0-9_.]+\.)"|\bmsg "([a-z0-9_.]+\.)"|msgOr\(\w+, "([a-z0-9_.]+\.)"`)
	for name, src := range sources(t) {
		for _, m := range built.FindAllStringSubmatch(src, -1) {
			prefix := m[1] + m[2] + m[3] + m[4]
			if _, ok := families[prefix]; !ok {
				t.Errorf("%s builds keys from %q, which keyFamilies does not list", name, prefix)
			}
		}
	}
}

// TestStaticKeys checks that every key named whole, by a template's t or by
// tr and the page titles in Go, has a message in both languages.
func TestStaticKeys(t *testing.T) {
	tmpl := regexp.MustCompile(`\bt "([a-z0-9_.]+)"|\(print "([a-z0-9_.]*[a-z0-9_])"\s*\)`)
	code := regexp.MustCompile(`\btr\([\w.]+, "([a-z0-9_.]*[a-z0-9_])"|s\.page\(\w+, \w+, "([a-z0-9_.]+)"|msgKey: "([a-z0-9_.]+)"`)
	n := 0
	for name, src := range sources(t) {
		re := code
		if strings.HasSuffix(name, ".html") {
			re = tmpl
		}
		for _, m := range re.FindAllStringSubmatch(src, -1) {
			key := strings.Join(m[1:], "")
			n++
			if !hasBoth(key) {
				t.Errorf("%s: key %q has no message in both languages", name, key)
			}
		}
	}
	t.Logf("%d static keys", n)
	if n < 500 {
		t.Errorf("found only %d keys; the patterns no longer match the code", n)
	}
}
