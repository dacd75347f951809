package transfer

// reviewedClass is the decision on a table that has neither an area column
// nor a foreign-key path to one, with its reason: installation-wide
// (ClassWhole), not movable by area (ClassStays), or linked by a key the
// schema does not declare (Link: its rows go with the row they name).
type reviewedClass struct {
	Class, Reason string
	Link          foreignKey
}

func whole(reason string) reviewedClass { return reviewedClass{Class: ClassWhole, Reason: reason} }
func stays(reason string) reviewedClass { return reviewedClass{Class: ClassStays, Reason: reason} }

func link(col, parent, parentCol, reason string) reviewedClass {
	return reviewedClass{Class: ClassLinked, Reason: reason, Link: foreignKey{Column: col, Parent: parent, ParentColumn: parentCol}}
}

// byArea classifies, one by one, the tables an export of one area cannot
// place from the catalogue. A table that appears in the database and is in
// neither the catalogue's classes nor this list stops an export by area
// (and fails TestAreaClasses) until it is decided here.
var byArea = map[string]reviewedClass{
	// The installation's reference data and settings.
	"categories":                whole("the catalogue of matters, shared by every area"),
	"category_attributes":       whole("the catalogue's attributes"),
	"category_national":         whole("the catalogue's national classification"),
	"category_national_classes": whole("the catalogue's national classes"),
	"national_code_events":      whole("the history of the catalogue's national codes"),
	"time_limits":               whole("the time limits by matter, kind and urgency"),
	"calendar_days":             whole("the working-day calendar"),
	"settings":                  whole("the installation's settings (secrets only with --with-secrets)"),
	"counters":                  whole("number sequences: the new installation numbers after the old, so numbers never collide"),
	"indicator_costs":           whole("the evaluation's indicator costs, a policy of the installation"),
	"indicator_overrides":       whole("the evaluation's indicator weights, a policy of the installation"),
	"indicator_events":          whole("the history of the indicator policy"),
	"kb_articles":               whole("the knowledge base, shared by every area"),
	"kb_events":                 whole("the history of the knowledge base's items"),
	"kb_answered":               whole("counts of answers by article, of the knowledge base"),
	"opendata_datasets":         whole("which open data sets are published"),
	"opendata_events":           whole("the history of the open data publication"),
	"reply_templates":           whole("reply templates, installation-wide or by org, few and without personal data"),
	"citylink_cursor":           whole("the delivery watermark, kept as a full export keeps it so nothing is sent twice"),
	"webhook_cursor":            whole("the delivery watermark, kept as a full export keeps it so nothing is sent twice"),
	"volunteer_watermarks":      whole("how far points were counted from each source, so no point is counted twice"),

	// Rows that name a row which moves by area, without a declared key.
	"agreement_events":     link("agreement_id", "agreements", "id", "an agreement's history"),
	"citylink_events":      link("platform_id", "citylink_platforms", "id", "a platform link's history"),
	"comment_events":       link("comment_id", "comments", "id", "a comment's moderation history"),
	"election_ballots":     link("election_id", "elections", "id", "an election's ballots"),
	"election_candidates":  link("election_id", "elections", "id", "an election's candidates"),
	"election_choices":     link("election_id", "elections", "id", "an election's choices"),
	"election_events":      link("election_id", "elections", "id", "an election's history"),
	"election_units":       link("election_id", "elections", "id", "an election's voting units"),
	"insight_routes":       link("ticket_number", "tickets", "number", "the routing suggestion made for a ticket"),
	"kb_application_files": link("application_id", "kb_applications", "id", "an application's files"),
	"kiosk_events":         link("terminal_id", "kiosk_terminals", "id", "a kiosk's history"),
	"mediation_events":     link("case_number", "mediation_cases", "number", "a mediation case's history"),
	"meeting_ballots":      link("meeting_id", "meetings", "id", "a meeting's recorded votes"),
	"meeting_events":       link("meeting_id", "meetings", "id", "a meeting's history"),
	"needs_events":         link("phone", "needs_registrations", "phone", "a registration's history"),
	"needs_reads":          link("phone", "needs_registrations", "phone", "who read a registration"),
	"needs_visits":         link("phone", "needs_registrations", "phone", "visits to a registered resident"),
	"practice_accounts":    link("user_id", "users", "id", "an account's practice mode"),
	"practice_events":      link("user_id", "users", "id", "an account's practice history"),
	"screening_events":     link("round_id", "screening_rounds", "id", "a screening round's history"),
	"survey_events":        link("survey_id", "surveys", "id", "a survey's history"),
	"survey_options":       link("survey_id", "surveys", "id", "a survey's options"),
	"training_events":      link("session_id", "training_sessions", "id", "a training session's history"),
	"volunteer_accounts":   link("phone", "volunteers", "phone", "a volunteer's points account"),
	"volunteer_codes":      link("phone", "volunteer_accounts", "phone", "a volunteer's redemption codes"),
	"vote_ballot_scans":    link("vote_id", "votes", "id", "a vote's scanned paper ballots"),
	"vote_ballots":         link("vote_id", "votes", "id", "a vote's ballots"),
	"vote_events":          link("vote_id", "votes", "id", "a vote's history"),
	"vote_units":           link("vote_id", "votes", "id", "a vote's units (area here is floor area, not an area code)"),
	"webhook_outbox":       link("ticket_number", "tickets", "number", "a ticket's events waiting for the webhooks"),

	// Not movable by area.
	"audit_log":                  stays("the installation's record of its own actions; the new one starts its own"),
	"evaluation_days":            stays("aggregates of every area, rebuilt from the tickets by the new installation"),
	"evaluation_overdue_repeats": stays("aggregates of every area, rebuilt from the tickets by the new installation"),
	"evaluation_state":           stays("the aggregates' state: left at never built, so the new installation builds them"),
	"evaluation_tickets":         stays("each ticket's share of the aggregates, rebuilt with them"),
	"warning_counts":             stays("counts of every area behind the early warnings, counted anew from the tickets"),
	"warning_state":              stays("the early warnings' watermark over every area's tickets"),
	"warning_weeks":              stays("the early warnings' weeks over every area's tickets"),
	"insight_models":             stays("routing models trained on every area's tickets; the new installation trains its own"),
	"health_minutes":             stays("this server's request health by minute"),
	"pending_photos":             stays("uploads not yet attached to anything, which expire"),
	"root_causes":                stays("analyses of subjects of several kinds, not placed by area"),
	"root_cause_events":          stays("the history of those analyses"),
	"service_events":             stays("history of subjects of several kinds (providers, requests), not placed by area"),
	"volunteer_events":           stays("history of subjects of several kinds, not placed by area"),
}
