package open311

import (
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

// listQuery reads the filters of GET requests.
func (s *Server) listQuery(form url.Values) (ticket.PublicQuery, []string) {
	var problems []string
	bad := func(f string, a ...any) { problems = append(problems, fmt.Sprintf(f, a...)) }
	get := func(k string) string { return strings.TrimSpace(form.Get(k)) }
	loc := s.Tickets.Location()
	q := ticket.PublicQuery{Limit: DefaultPageSize}

	pageSize, page := DefaultPageSize, 1
	if v := get("page_size"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > MaxPageSize {
			bad("page_size 须为1到%d的整数 / page_size must be an integer from 1 to %d", MaxPageSize, MaxPageSize)
		} else {
			pageSize = n
		}
	}
	if v := get("page"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > 1000000 {
			bad("page 须为正整数 / page must be a positive integer")
		} else {
			page = n
		}
	}
	q.Limit, q.Offset = pageSize, (page-1)*pageSize

	if v := get("service_request_id"); v != "" {
		for _, id := range strings.Split(v, ",") {
			if id = strings.TrimSpace(id); id != "" {
				q.Numbers = append(q.Numbers, id)
			}
		}
		if len(q.Numbers) > maxIDs {
			bad("service_request_id 最多%d个 / at most %d service_request_id values", maxIDs, maxIDs)
		}
		// The specification: service_request_id overrides all other arguments.
		return q, problems
	}
	if v := get("service_code"); v != "" {
		for _, c := range strings.Split(v, ",") {
			if c = strings.TrimSpace(c); c != "" {
				q.Categories = append(q.Categories, c)
			}
		}
	}
	if v := get("status"); v != "" {
		for _, st := range strings.Split(v, ",") {
			switch st = strings.ToLower(strings.TrimSpace(st)); st {
			case "open", "closed":
				q.Statuses = append(q.Statuses, statusesFor(st)...)
			case "":
			default:
				bad("status 须为 open 或 closed / status must be open or closed, not %q", st)
			}
		}
	}
	date := func(k string) *time.Time {
		v := get(k)
		if v == "" {
			return nil
		}
		t, ok := parseW3C(v, loc)
		if !ok {
			bad("%s 须为 W3C 日期时间 / %s must be a W3C datetime such as 2026-03-01T00:00:00+08:00", k, k)
			return nil
		}
		return &t
	}
	start, end := date("start_date"), date("end_date")
	after, before := date("updated_after"), date("updated_before")
	if len(problems) > 0 {
		return q, problems
	}
	// window fills in the missing end of a range and checks its width.
	window := func(from, to **time.Time, names string, def bool) {
		switch {
		case *from == nil && *to == nil:
			if !def {
				return
			}
			now := s.Tickets.Now()
			f := now.Add(-Window)
			*from, *to = &f, &now
		case *from == nil:
			f := (*to).Add(-Window)
			*from = &f
		case *to == nil:
			t := (*from).Add(Window)
			*to = &t
		}
		if (*to).Before(**from) {
			bad("%s：结束早于开始 / %s: the end is before the start", names, names)
		} else if (*to).Sub(**from) > Window {
			bad("%s 的跨度不能超过90天 / %s may not span more than 90 days", names, names)
		}
	}
	// The specification's default window is the last 90 days of
	// requested_datetime. A client that filters by update time (to sync
	// changes) gets the same 90-day bound on the update times instead, so
	// an old request updated today is not lost.
	updates := after != nil || before != nil
	window(&start, &end, "start_date/end_date", !updates)
	window(&after, &before, "updated_after/updated_before", false)
	q.CreatedFrom, q.CreatedTo, q.UpdatedFrom, q.UpdatedTo = start, end, after, before

	if v := get("bbox"); v != "" {
		parts := strings.Split(v, ",")
		var b [4]float64
		ok := len(parts) == 4
		for i := 0; ok && i < 4; i++ {
			f, err := strconv.ParseFloat(strings.TrimSpace(parts[i]), 64)
			ok = err == nil
			b[i] = f
		}
		if !ok || b[0] < -180 || b[2] > 180 || b[1] < -90 || b[3] > 90 || b[0] > b[2] || b[1] > b[3] {
			bad("bbox 须为 最小经度,最小纬度,最大经度,最大纬度 / bbox must be min_lng,min_lat,max_lng,max_lat")
		} else {
			q.BBox = &b
		}
	}
	latS, lngS, radS := get("lat"), get("long"), get("radius")
	if latS != "" || lngS != "" || radS != "" {
		lat, err1 := strconv.ParseFloat(latS, 64)
		lng, err2 := strconv.ParseFloat(lngS, 64)
		rad, err3 := strconv.ParseFloat(radS, 64)
		switch {
		case err1 != nil || err2 != nil || lat < -90 || lat > 90 || lng < -180 || lng > 180:
			bad("半径筛选须同时给出 lat、long 和 radius / the radius filter needs lat and long (WGS84 degrees) with radius")
		case err3 != nil || rad <= 0 || rad > MaxRadius:
			bad("radius 须为1到%d米 / radius must be more than 0 and at most %d metres", MaxRadius, MaxRadius)
		default:
			q.Near = &ticket.Circle{Lat: lat, Lng: lng, Radius: rad}
		}
	}
	return q, problems
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
	get := func(k string) string { return strings.TrimSpace(r.PostFormValue(k)) }
	code := get("service_code")
	if code == "" {
		s.fail(w, format, http.StatusBadRequest, "缺少 service_code / service_code was not provided")
		return
	}
	c, err := s.catalog(ctx)
	if err != nil {
		s.failErr(w, format, err)
		return
	}
	svc, known := c.service(code)
	if !known {
		s.fail(w, format, http.StatusNotFound, "service_code 不存在 / service_code not found: "+code)
		return
	}
	var problems []string
	bad := func(f string, a ...any) { problems = append(problems, fmt.Sprintf(f, a...)) }
	in := ticket.NewTicket{CategoryCode: code, Channel: ticket.ChannelOpen311, AreaCode: actor.AreaCode}
	ext := ticket.External{APIKeyID: key.ID}

	latS, lngS := get("lat"), get("long")
	if latS != "" || lngS != "" {
		lat, err1 := strconv.ParseFloat(latS, 64)
		lng, err2 := strconv.ParseFloat(lngS, 64)
		if err1 != nil || err2 != nil || lat < -90 || lat > 90 || lng < -180 || lng > 180 {
			bad("lat 和 long 须同时给出且为 WGS84 坐标 / lat and long go together, as WGS84 degrees")
		} else {
			in.Lat, in.Lng = &lat, &lng
		}
	}
	in.Address = get("address_string")
	ext.AddressID = get("address_id")
	if utf8.RuneCountInString(ext.AddressID) > 100 {
		bad("address_id 不能超过100个字符 / address_id must be at most 100 characters")
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
	if in.Lat == nil && in.Address == "" && len(problems) == 0 {
		bad("缺少位置：lat 和 long、address_string 或 address_id / a location is required: lat & long, address_string or address_id")
	}
	ext.MediaURL = get("media_url")
	if ext.MediaURL != "" && !validMediaURL(ext.MediaURL) {
		bad("media_url 须为 http(s) 地址 / media_url must be an http or https URL of at most 1000 characters")
	}
	ext.Email, ext.DeviceID, ext.AccountID = get("email"), get("device_id"), get("account_id")
	if ext.Email != "" && (len(ext.Email) > 254 || !strings.Contains(ext.Email, "@")) {
		bad("email 格式不正确 / malformed email")
	}
	if len(ext.DeviceID) > 200 || len(ext.AccountID) > 200 {
		bad("device_id 和 account_id 不能超过200个字符 / device_id and account_id must be at most 200 characters")
	}
	// Chinese order: family name first.
	in.ReporterName = strings.TrimSpace(get("last_name") + get("first_name"))
	if in.ReporterName != "" && get("last_name") != "" && get("first_name") != "" && isLatin(in.ReporterName) {
		in.ReporterName = get("first_name") + " " + get("last_name")
	}
	in.ReporterPhone = get("phone")
	if in.ReporterPhone != "" && !auth.ValidPhone(auth.NormalizePhone(in.ReporterPhone)) {
		bad("phone 须为11位手机号 / phone must be a mainland mobile number of 11 digits")
	}

	vals, multi, attrProblems := parseAttributes(r.PostForm)
	problems = append(problems, attrProblems...)
	defs, err := s.Tickets.CategoryAttributes(ctx, code)
	if err != nil {
		s.failErr(w, format, err)
		return
	}
	if len(attrProblems) == 0 {
		problems = append(problems, checkAttributes(defs, vals, multi, s.Tickets.Location())...)
	}
	if len(problems) > 0 {
		s.badRequest(w, format, problems)
		return
	}
	ext.Attributes = map[string][]string{}
	for k, v := range vals {
		if got := nonEmpty(v); len(got) > 0 {
			ext.Attributes[k] = got
		}
	}
	// The description is optional in GeoReport but not in gongzhi: without
	// one, the service's name says what the request is about. The
	// attributes' answers follow, so staff read them with the request.
	in.Description = get("description")
	if in.Description == "" {
		in.Description = svc.Name
	}
	if n := attributeNote(defs, vals); n != "" && utf8.RuneCountInString(in.Description)+utf8.RuneCountInString(n)+2 <= ticket.MaxDescription {
		in.Description += "\n\n" + n
	}
	t, err := s.Tickets.CreateExternal(ctx, actor, in, ext)
	if err != nil {
		s.failErr(w, format, err)
		return
	}
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
