package open311

import (
	"encoding/xml"
	"net/http"
	"strconv"
	"strings"

	"github.com/gongzhi/gongzhi/internal/ticket"
)

// POST servicerequestupdates is the extension by which another system sends
// the status of a request back (as FixMyStreet's Open311 client does):
// api_key, service_request_id, status (open or closed, in any case),
// description, and optionally updated_datetime. The key must act as a
// handler of the unit the ticket is assigned to; see
// ticket.Service.RecordExternalUpdate for what each status does.

type updateAnswer struct {
	UpdateID string `xml:"update_id" json:"update_id"`
}

type xmlUpdates struct {
	XMLName xml.Name       `xml:"service_request_updates"`
	Updates []updateAnswer `xml:"request_update"`
}

func (s *Server) postUpdate(w http.ResponseWriter, r *http.Request, format string) {
	actor, _, ok := s.authenticate(w, r, format, "service_request_update")
	if !ok {
		return
	}
	get := func(k string) string { return strings.TrimSpace(r.PostFormValue(k)) }
	id := get("service_request_id")
	var problems []string
	if id == "" {
		problems = append(problems, "缺少 service_request_id / service_request_id was not provided")
	}
	up := ticket.ExternalUpdate{Description: get("description")}
	switch strings.ToLower(get("status")) {
	case "open":
	case "closed":
		up.Closed = true
	default:
		problems = append(problems, "status 须为 open 或 closed / status must be open or closed")
	}
	if up.Description == "" {
		problems = append(problems, "缺少 description / description was not provided")
	}
	if v := get("updated_datetime"); v != "" {
		t, ok := parseW3C(v, s.Tickets.Location())
		if !ok {
			problems = append(problems, "updated_datetime 须为 W3C 日期时间 / updated_datetime must be a W3C datetime")
		}
		up.UpdatedAt = &t
	}
	if len(problems) > 0 {
		s.badRequest(w, format, problems)
		return
	}
	_, seq, err := s.Tickets.RecordExternalUpdate(r.Context(), actor, id, up)
	if err != nil {
		s.failErr(w, format, err)
		return
	}
	a := updateAnswer{UpdateID: id + "-" + strconv.Itoa(seq)}
	if format == formatJSON {
		s.write(w, format, http.StatusOK, []updateAnswer{a})
		return
	}
	s.write(w, format, http.StatusOK, xmlUpdates{Updates: []updateAnswer{a}})
}
