package web

import "testing"

// TestScreeningAgendaKeys checks the words of the agenda's lines of
// screening rounds, visits and needs, in both languages.
func TestScreeningAgendaKeys(t *testing.T) {
	for _, k := range []string{"agenda.kind.screening", "agenda.kind.visit", "agenda.kind.needs", "agenda.role.record", "agenda.role.visit",
		"agenda.role.consent", "scr.status.open", "scr.status.ended", "needs.status.active", "needs.status.withdrawn", "visits.status.due", "notif.screening"} {
		if !hasBoth(k) {
			t.Errorf("key %q has no message in both languages", k)
		}
	}
}
