package open311

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/gongzhi/gongzhi/internal/auth"
	"github.com/gongzhi/gongzhi/internal/errs"
	"github.com/gongzhi/gongzhi/internal/gov"
	"github.com/gongzhi/gongzhi/internal/ticket"
)

// Limits of GET requests: the specification's default window and count, and
// the page_size range of the pagination extension.
const (
	Window          = 90 * 24 * time.Hour // default and widest date range
	MaxResults      = 1000                // most requests in one answer
	DefaultPageSize = MaxResults          // see README: the spec's default
	MaxPageSize     = MaxResults
	MaxRadius       = 50000 // metres
	maxIDs          = MaxResults
)

func (s *Server) writeRequests(w http.ResponseWriter, format string, list []request) {
	if format == formatJSON {
		s.write(w, format, http.StatusOK, list)
		return
	}
	s.write(w, format, http.StatusOK, xmlRequests{Requests: list})
}

func truthy(s string) bool {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "true", "1", "yes":
		return true
	}
	return false
}

// getRequest serves GET requests/{id}.
func (s *Server) getRequest(w http.ResponseWriter, r *http.Request) {
	id, format := splitFormat(r.PathValue("file"))
	if format == "" {
		s.notFound(w, r)
		return
	}
	if !s.jurisdictionOK(w, r, format) {
		return
	}
	t, err := s.Tickets.PublicGet(r.Context(), id)
	if err != nil {
		s.failErr(w, format, err)
		return
	}
	v, err := s.newView(r.Context(), []ticket.Ticket{t})
	if err != nil {
		s.failErr(w, format, err)
		return
	}
	req, err := v.request(t, truthy(r.FormValue("extensions")))
	if err != nil {
		s.failErr(w, format, err)
		return
	}
	s.writeRequests(w, format, []request{req})
}

// getToken serves GET tokens/{token}. gongzhi creates requests at once and
// answers POST with the service_request_id, so it never hands out tokens; a
// client that asks anyway with a service_request_id gets it back.
func (s *Server) getToken(w http.ResponseWriter, r *http.Request) {
	token, format := splitFormat(r.PathValue("file"))
	if format == "" {
		s.notFound(w, r)
		return
	}
	if !s.jurisdictionOK(w, r, format) {
		return
	}
	if _, err := s.Tickets.PublicGet(r.Context(), token); err != nil {
		s.fail(w, format, http.StatusNotFound, "token 不存在 / token not found: "+token)
		return
	}
	c := tokenAnswer{ServiceRequestID: token, Token: token}
	if format == formatJSON {
		s.write(w, format, http.StatusOK, []tokenAnswer{c})
		return
	}
	s.write(w, format, http.StatusOK, xmlTokens{Requests: []tokenAnswer{c}})
}

func (s *Server) badRequest(w http.ResponseWriter, format string, problems []string) {
	list := make([]apiError, len(problems))
	for i, p := range problems {
		list[i] = apiError{Code: http.StatusBadRequest, Description: p}
	}
	s.failMany(w, format, http.StatusBadRequest, list)
}

// listRequests serves GET requests.
func (s *Server) listRequests(w http.ResponseWriter, r *http.Request, format string) {
	q, problems := s.listQuery(r.Form)
	if len(problems) > 0 {
		s.badRequest(w, format, problems)
		return
	}
	tickets, err := s.Tickets.PublicList(r.Context(), q)
	if err != nil {
		s.failErr(w, format, err)
		return
	}
	v, err := s.newView(r.Context(), tickets)
	if err != nil {
		s.failErr(w, format, err)
		return
	}
	ext := truthy(r.FormValue("extensions"))
	list := make([]request, 0, len(tickets))
	for _, t := range tickets {
		if ext {
			// Notes and children come from the full ticket.
			if t, err = s.Tickets.PublicGet(r.Context(), t.Number); err != nil {
				s.failErr(w, format, err)
				return
			}
		}
		req, err := v.request(t, ext)
		if err != nil {
			s.failErr(w, format, err)
			return
		}
		list = append(list, req)
	}
	s.writeRequests(w, format, list)
}

// apiKeyOf returns the api_key of a POST, from the form body or else the query.
func apiKeyOf(r *http.Request) string {
	if key := strings.TrimSpace(r.PostFormValue("api_key")); key != "" {
		return key
	}
	return strings.TrimSpace(r.URL.Query().Get("api_key"))
}

// authenticate checks the api_key of a POST; the error is the 403 the
// specification asks for.
func (s *Server) authenticate(w http.ResponseWriter, r *http.Request, format string, action string) (auth.User, auth.APIKey, bool) {
	key := apiKeyOf(r)
	if key == "" {
		s.fail(w, format, http.StatusForbidden, "缺少 api_key / api_key is missing -- can't proceed with "+action)
		return auth.User{}, auth.APIKey{}, false
	}
	u, k, err := s.Auth.AuthenticateAPIKey(r.Context(), key)
	if err != nil {
		if errs.Is(err, errs.Unauthorized) {
			s.fail(w, format, http.StatusForbidden, "api_key 无效 / invalid api_key received -- can't proceed with "+action)
		} else {
			s.failErr(w, format, err)
		}
		return auth.User{}, auth.APIKey{}, false
	}
	return u, k, true
}

func validMediaURL(s string) bool {
	if len(s) > 1000 {
		return false
	}
	u, err := url.Parse(s)
	return err == nil && (u.Scheme == "http" || u.Scheme == "https") && u.Host != ""
}

// createRequest serves POST requests.
func (s *Server) createRequest(w http.ResponseWriter, r *http.Request, format string) {
	actor, key, ok := s.authenticate(w, r, format, "create_request")
	if !ok {
		return
	}
	ctx := r.Context()
	f := &formReader{form: r.PostForm} // parsed by authenticate
	code := f.get("service_code")
	svc, ok := s.requestedService(ctx, w, format, code)
	if !ok {
		return
	}
	in := ticket.NewTicket{CategoryCode: code, Channel: ticket.ChannelOpen311, AreaCode: actor.AreaCode}
	ext := ticket.External{APIKeyID: key.ID}
	s.readPlace(ctx, f, &in, &ext)
	readReporter(f, &in, &ext)
	defs, vals, err := s.readAttributes(ctx, f, code)
	if err != nil {
		s.failErr(w, format, err)
		return
	}
	if len(f.problems) > 0 {
		s.badRequest(w, format, f.problems)
		return
	}
	ext.Attributes = map[string][]string{}
	for k, v := range vals {
		if got := nonEmpty(v); len(got) > 0 {
			ext.Attributes[k] = got
		}
	}
	in.Description = requestDescription(f.get("description"), svc.Name, attributeNote(defs, vals))
	t, err := s.Tickets.CreateExternal(ctx, actor, in, ext)
	if err != nil {
		s.failErr(w, format, err)
		return
	}
	s.writeCreated(ctx, w, format, t)
}

// requestedService returns the service a POST names; ok is false when it
// has been answered: 400 without a service_code, 404 for an unknown one.
func (s *Server) requestedService(ctx context.Context, w http.ResponseWriter, format, code string) (ticket.Category, bool) {
	if code == "" {
		s.fail(w, format, http.StatusBadRequest, "缺少 service_code / service_code was not provided")
		return ticket.Category{}, false
	}
	c, err := s.catalog(ctx)
	if err != nil {
		s.failErr(w, format, err)
		return ticket.Category{}, false
	}
	svc, known := c.service(code)
	if !known {
		s.fail(w, format, http.StatusNotFound, "service_code 不存在 / service_code not found: "+code)
		return ticket.Category{}, false
	}
	return svc, true
}

// readPlace reads where the request is: lat and long, address_string,
// address_id; one of them is required.
func (s *Server) readPlace(ctx context.Context, f *formReader, in *ticket.NewTicket, ext *ticket.External) {
	latS, lngS := f.get("lat"), f.get("long")
	if latS != "" || lngS != "" {
		lat, err1 := strconv.ParseFloat(latS, 64)
		lng, err2 := strconv.ParseFloat(lngS, 64)
		if err1 != nil || err2 != nil || lat < -90 || lat > 90 || lng < -180 || lng > 180 {
			f.bad("lat 和 long 须同时给出且为 WGS84 坐标 / lat and long go together, as WGS84 degrees")
		} else {
			in.Lat, in.Lng = &lat, &lng
		}
	}
	in.Address = f.get("address_string")
	ext.AddressID = f.get("address_id")
	if utf8.RuneCountInString(ext.AddressID) > 100 {
		f.bad("address_id 不能超过100个字符 / address_id must be at most 100 characters")
	}
	if ext.AddressID != "" {
		// An address_id that is a division code (统计用区划代码) places the
		// request in that area, so the catalogue can route it precisely;
		// any other address_id is kept as the address text.
		if gov.ValidCode(ext.AddressID) {
			if a, err := s.Gov.Area(ctx, ext.AddressID); err == nil {
				in.AreaCode = a.Code
				if in.Address == "" {
					in.Address = a.Name
				}
			}
		}
		if in.Address == "" {
			in.Address = ext.AddressID
		}
	}
	if in.Lat == nil && in.Address == "" && len(f.problems) == 0 {
		f.bad("缺少位置：lat 和 long、address_string 或 address_id / a location is required: lat & long, address_string or address_id")
	}
}

// readReporter reads who sent the request and how to reach them, and the
// link to its photo.
func readReporter(f *formReader, in *ticket.NewTicket, ext *ticket.External) {
	ext.MediaURL = f.get("media_url")
	if ext.MediaURL != "" && !validMediaURL(ext.MediaURL) {
		f.bad("media_url 须为 http(s) 地址 / media_url must be an http or https URL of at most 1000 characters")
	}
	ext.Email, ext.DeviceID, ext.AccountID = f.get("email"), f.get("device_id"), f.get("account_id")
	if ext.Email != "" && (len(ext.Email) > 254 || !strings.Contains(ext.Email, "@")) {
		f.bad("email 格式不正确 / malformed email")
	}
	if len(ext.DeviceID) > 200 || len(ext.AccountID) > 200 {
		f.bad("device_id 和 account_id 不能超过200个字符 / device_id and account_id must be at most 200 characters")
	}
	// Chinese order: family name first.
	last, first := f.get("last_name"), f.get("first_name")
	in.ReporterName = strings.TrimSpace(last + first)
	if in.ReporterName != "" && last != "" && first != "" && isLatin(in.ReporterName) {
		in.ReporterName = first + " " + last
	}
	in.ReporterPhone = f.get("phone")
	if in.ReporterPhone != "" && !auth.ValidPhone(auth.NormalizePhone(in.ReporterPhone)) {
		f.bad("phone 须为11位手机号 / phone must be a mainland mobile number of 11 digits")
	}
}

// readAttributes reads the answers to the service's questions
// (attribute[code]) and checks them against the service's definitions.
func (s *Server) readAttributes(ctx context.Context, f *formReader, code string) ([]ticket.Attribute, map[string][]string, error) {
	vals, multi, problems := parseAttributes(f.form)
	f.problems = append(f.problems, problems...)
	defs, err := s.Tickets.CategoryAttributes(ctx, code)
	if err != nil {
		return nil, nil, err
	}
	if len(problems) == 0 {
		f.problems = append(f.problems, checkAttributes(defs, vals, multi, s.Tickets.Location())...)
	}
	return defs, vals, nil
}

// requestDescription is a request's description. It is optional in GeoReport but
// not in gongzhi: without one, the service's name says what the request is
// about. The attributes' answers (note) follow, so staff read them with the
// request, when they fit.
func requestDescription(description, service, note string) string {
	if description == "" {
		description = service
	}
	if note != "" && utf8.RuneCountInString(description)+utf8.RuneCountInString(note)+2 <= ticket.MaxDescription {
		description += "\n\n" + note
	}
	return description
}

// writeCreated answers a POST with the new request's number and a notice
// naming the unit it went to, if any.
func (s *Server) writeCreated(ctx context.Context, w http.ResponseWriter, format string, t ticket.Ticket) {
	notice := fmt.Sprintf(summaries["status_notes:created"], t.Number, t.Number)
	if t.AssignedOrgCode != "" {
		org := t.AssignedOrgCode
		if o, err := s.Gov.Org(ctx, org); err == nil {
			org = o.Name
		}
		notice = fmt.Sprintf(summaries["status_notes:created_assigned"], t.Number, org, t.Number, org)
	}
	out := created{ServiceRequestID: t.Number, ServiceNotice: notice}
	if format == formatJSON {
		s.write(w, format, http.StatusCreated, []created{out})
		return
	}
	s.write(w, format, http.StatusCreated, xmlCreated{Requests: []created{out}})
}

func isLatin(s string) bool {
	for _, r := range s {
		if r > 0x24F {
			return false
		}
	}
	return true
}
