package web

import (
	"net/http"

	"github.com/gongzhi/gongzhi/internal/agenda"
	"github.com/gongzhi/gongzhi/internal/errs"
)

// 待办: what staff or their unit must answer across the capabilities
// (proposals due, objections, meeting tasks, …), beside the tickets of the
// workbench. The lists come from the agenda; this page only shows them.

// TodoData is the staff's to-do page.
type TodoData struct {
	Q     string
	Items []agenda.Item
}

func (s *Server) staffTodo(w http.ResponseWriter, r *http.Request) {
	u := s.staff(w, r)
	if u == nil {
		return
	}
	p := s.page(w, r, "todo.title")
	d := &TodoData{Q: r.URL.Query().Get("q")}
	p.Data = d
	var err error
	if d.Items, err = s.Agenda.Todo(r.Context(), *u, d.Q); err != nil {
		if errs.Is(err, errs.Invalid) {
			s.render(w, r, s.formError(r, p, err), "staff_todo", p)
			return
		}
		s.fail(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, "staff_todo", p)
}

// agendaStatusKeys are the families of message keys of each kind's
// statuses, the first that has the status winning.
var agendaStatusKeys = map[string][]string{
	"proposal": {"prop.status."},
	"vote":     {"vote.status."},
	"meeting":  {"agenda.task.", "meet.status."},
	"service":  {"svc.status."},
	"project":  {"proj.phase."},
	"notice":   {"notice.status.", "notice.state."},
	"survey":   {"sv.status."},
	"election": {"elec.status."},

	// people's mediation
	"mediation": {"med.status."},
}

// agendaStatus is an item's status in words.
func agendaStatus(lang, kind, status string) string {
	for _, prefix := range agendaStatusKeys[kind] {
		if _, ok := messages[prefix+status]; ok {
			return tr(lang, prefix+status)
		}
	}
	return status
}
