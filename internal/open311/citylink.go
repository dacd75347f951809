package open311

// The endpoints of the platforms linked by internal/citylink, one base per
// registered platform: /open311/v2/citylink/{platform}. Under it, in
// GeoReport v2 terms:
//
//   - POST requests.json (or .xml): an upper platform dispatches a request
//     down, form-encoded as GeoReport v2 POST requests, with its own number
//     as service_request_id (required): answered 201 with our number as
//     service_request_id, and 200 with the same answer when the number was
//     sent before;
//   - POST servicerequestupdates.json: a lower platform reports progress on
//     a request we dispatched to it, as JSON (service_request_id our number,
//     status open or closed, status_notes, updated_datetime, update_id);
//   - POST statistics.json: a lower platform reports a month's figures.
//
// The key is the platform's: api_key in the form or the query, or the
// X-Api-Key header. It is taken here only, and only for its platform.

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"

	"github.com/gongzhi/gongzhi/internal/citylink"
)

// CitylinkPrefix is where the linked platforms' endpoints live.
const CitylinkPrefix = Prefix + "/citylink"

func (s *Server) citylinkRoutes(mux *http.ServeMux) {
	mux.HandleFunc("POST "+CitylinkPrefix+"/{platform}/{file}", s.plain(s.citylinkPost))
}

// citylinkKey is the key a platform sends.
func citylinkKey(r *http.Request) string {
	if k := apiKeyOf(r); k != "" {
		return k
	}
	return strings.TrimSpace(r.Header.Get("X-Api-Key"))
}

func (s *Server) citylinkPost(w http.ResponseWriter, r *http.Request) {
	name, format := splitFormat(r.PathValue("file"))
	platform := r.PathValue("platform")
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, citylink.MaxStats))
	if format == "" || (name != "requests" && format != formatJSON) {
		s.notFound(w, r)
		return
	}
	if err != nil {
		s.fail(w, format, http.StatusBadRequest, "请求体过大或无法读取 / the body is too large or could not be read")
		return
	}
	switch name {
	case "requests":
		r.Body = io.NopCloser(bytes.NewReader(body))
		if len(body) > maxBody || r.ParseForm() != nil {
			s.fail(w, format, http.StatusBadRequest, "请求体无法解析 / the form body could not be read: send application/x-www-form-urlencoded, at most 64 KB")
			return
		}
		if err := plainValues("", r.PostForm); err != nil {
			s.failErr(w, format, err)
			return
		}
		s.citylinkRequest(w, r, format, platform)
	case "servicerequestupdates":
		var up citylink.Update
		if json.Unmarshal(body, &up) != nil {
			s.fail(w, format, http.StatusBadRequest, "请求体须为 JSON 对象 / the body must be a JSON object")
			return
		}
		t, err := s.Citylink.ReceiveUpdate(r.Context(), platform, citylinkKey(r), up)
		if err != nil {
			s.failErr(w, format, err)
			return
		}
		s.write(w, format, http.StatusOK, []updateAnswer{{UpdateID: t.Number + "-" + strconv.Itoa(t.Version)}})
	case "statistics":
		var st citylink.Stats
		if json.Unmarshal(body, &st) != nil {
			s.fail(w, format, http.StatusBadRequest, "请求体须为 JSON 对象 / the body must be a JSON object")
			return
		}
		if err := s.Citylink.ReceiveStats(r.Context(), platform, citylinkKey(r), st); err != nil {
			s.failErr(w, format, err)
			return
		}
		s.write(w, format, http.StatusOK, []map[string]string{{"month": st.Month}})
	default:
		s.notFound(w, r)
	}
}

// citylinkRequest files a request an upper platform dispatched.
func (s *Server) citylinkRequest(w http.ResponseWriter, r *http.Request, format, platform string) {
	f := &formReader{form: r.PostForm}
	in := citylink.Request{RequestID: f.get("service_request_id"), ServiceCode: f.get("service_code"), Description: f.get("description"),
		Address: f.get("address_string"), AddressID: f.get("address_id"), Jurisdiction: f.get("jurisdiction_id"),
		FirstName: f.get("first_name"), LastName: f.get("last_name"), Phone: f.get("phone"), Confidential: truthy(f.get("confidential"))}
	if latS, lngS := f.get("lat"), f.get("long"); latS != "" || lngS != "" {
		lat, err1 := strconv.ParseFloat(latS, 64)
		lng, err2 := strconv.ParseFloat(lngS, 64)
		if err1 != nil || err2 != nil || lat < -90 || lat > 90 || lng < -180 || lng > 180 {
			s.fail(w, format, http.StatusBadRequest, "lat 和 long 须同时给出且为 WGS84 坐标 / lat and long go together, as WGS84 degrees")
			return
		}
		in.Lat, in.Lng = &lat, &lng
	}
	t, existed, err := s.Citylink.Receive(r.Context(), platform, citylinkKey(r), in)
	if err != nil {
		s.failErr(w, format, err)
		return
	}
	status := http.StatusCreated
	if existed {
		status = http.StatusOK
	}
	out := created{ServiceRequestID: t.Number, ServiceNotice: fmt.Sprintf(summaries["status_notes:created"], t.Number, t.Number)}
	if format == formatJSON {
		s.write(w, format, status, []created{out})
		return
	}
	s.write(w, format, status, xmlCreated{Requests: []created{out}})
}
