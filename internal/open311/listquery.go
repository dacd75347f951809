package open311

import (
	"fmt"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/gongzhi/gongzhi/internal/ticket"
)

// formReader reads a form's values, trimmed, and collects what is wrong
// with them, each problem in Chinese and English.
type formReader struct {
	form     url.Values
	problems []string
}

func (f *formReader) get(k string) string { return strings.TrimSpace(f.form.Get(k)) }

func (f *formReader) bad(format string, a ...any) {
	f.problems = append(f.problems, fmt.Sprintf(format, a...))
}

// listQuery reads the filters of GET requests.
func (s *Server) listQuery(form url.Values) (ticket.PublicQuery, []string) {
	f := &formReader{form: form}
	var q ticket.PublicQuery
	q.Limit, q.Offset = f.page()
	if v := f.get("service_request_id"); v != "" {
		q.Numbers = splitList(v)
		if len(q.Numbers) > maxIDs {
			f.bad("service_request_id 最多%d个 / at most %d service_request_id values", maxIDs, maxIDs)
		}
		// The specification: service_request_id overrides all other arguments.
		return q, f.problems
	}
	q.Categories = splitList(f.get("service_code"))
	q.Statuses = f.statuses()
	if !s.readRanges(f, &q) {
		return q, f.problems
	}
	q.BBox = f.bbox()
	q.Near = f.near()
	return q, f.problems
}

// page reads page_size and page (the pagination extension) as a limit and
// an offset.
func (f *formReader) page() (limit, offset int) {
	pageSize, page := DefaultPageSize, 1
	if v := f.get("page_size"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > MaxPageSize {
			f.bad("page_size 须为1到%d的整数 / page_size must be an integer from 1 to %d", MaxPageSize, MaxPageSize)
		} else {
			pageSize = n
		}
	}
	if v := f.get("page"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > 1000000 {
			f.bad("page 须为正整数 / page must be a positive integer")
		} else {
			page = n
		}
	}
	return pageSize, (page - 1) * pageSize
}

// splitList returns the values of a comma-separated list, trimmed, without
// empty ones.
func splitList(v string) []string {
	var out []string
	for _, x := range strings.Split(v, ",") {
		if x = strings.TrimSpace(x); x != "" {
			out = append(out, x)
		}
	}
	return out
}

// statuses reads status: open, closed or both, as the ticket statuses
// they stand for.
func (f *formReader) statuses() []ticket.Status {
	var out []ticket.Status
	v := f.get("status")
	if v == "" {
		return nil
	}
	for _, st := range strings.Split(v, ",") {
		switch st = strings.ToLower(strings.TrimSpace(st)); st {
		case "open", "closed":
			out = append(out, statusesFor(st)...)
		case "":
		default:
			f.bad("status 须为 open 或 closed / status must be open or closed, not %q", st)
		}
	}
	return out
}

// date reads a W3C datetime; nil when it is absent or malformed.
func (f *formReader) date(k string, loc *time.Location) *time.Time {
	v := f.get(k)
	if v == "" {
		return nil
	}
	t, ok := parseW3C(v, loc)
	if !ok {
		f.bad("%s 须为 W3C 日期时间 / %s must be a W3C datetime such as 2026-03-01T00:00:00+08:00", k, k)
		return nil
	}
	return &t
}

// readRanges reads the ranges of creation and update times into q. It is
// false, and q's ranges unset, when anything read so far was wrong.
//
// The specification's default window is the last 90 days of
// requested_datetime. A client that filters by update time (to sync
// changes) gets the same 90-day bound on the update times instead, so an
// old request updated today is not lost.
func (s *Server) readRanges(f *formReader, q *ticket.PublicQuery) bool {
	loc := s.Tickets.Location()
	start, end := f.date("start_date", loc), f.date("end_date", loc)
	after, before := f.date("updated_after", loc), f.date("updated_before", loc)
	if len(f.problems) > 0 {
		return false
	}
	updates := after != nil || before != nil
	now := s.Tickets.Now()
	f.window(&start, &end, "start_date/end_date", !updates, now)
	f.window(&after, &before, "updated_after/updated_before", false, now)
	q.CreatedFrom, q.CreatedTo, q.UpdatedFrom, q.UpdatedTo = start, end, after, before
	return true
}

// window fills in the missing end of a range and checks its width. A range
// with neither end stays open, or is the last Window before now when def
// is set.
func (f *formReader) window(from, to **time.Time, names string, def bool, now time.Time) {
	switch {
	case *from == nil && *to == nil:
		if !def {
			return
		}
		start := now.Add(-Window)
		*from, *to = &start, &now
	case *from == nil:
		start := (*to).Add(-Window)
		*from = &start
	case *to == nil:
		end := (*from).Add(Window)
		*to = &end
	}
	if (*to).Before(**from) {
		f.bad("%s：结束早于开始 / %s: the end is before the start", names, names)
	} else if (*to).Sub(**from) > Window {
		f.bad("%s 的跨度不能超过90天 / %s may not span more than 90 days", names, names)
	}
}

// bbox reads bbox: min_lng,min_lat,max_lng,max_lat in WGS84 degrees.
func (f *formReader) bbox() *[4]float64 {
	v := f.get("bbox")
	if v == "" {
		return nil
	}
	parts := strings.Split(v, ",")
	var b [4]float64
	ok := len(parts) == 4
	for i := 0; ok && i < 4; i++ {
		x, err := strconv.ParseFloat(strings.TrimSpace(parts[i]), 64)
		ok = err == nil
		b[i] = x
	}
	if !ok || b[0] < -180 || b[2] > 180 || b[1] < -90 || b[3] > 90 || b[0] > b[2] || b[1] > b[3] {
		f.bad("bbox 须为 最小经度,最小纬度,最大经度,最大纬度 / bbox must be min_lng,min_lat,max_lng,max_lat")
		return nil
	}
	return &b
}

// near reads the radius filter: lat, long and radius (metres) together.
func (f *formReader) near() *ticket.Circle {
	latS, lngS, radS := f.get("lat"), f.get("long"), f.get("radius")
	if latS == "" && lngS == "" && radS == "" {
		return nil
	}
	lat, err1 := strconv.ParseFloat(latS, 64)
	lng, err2 := strconv.ParseFloat(lngS, 64)
	rad, err3 := strconv.ParseFloat(radS, 64)
	switch {
	case err1 != nil || err2 != nil || lat < -90 || lat > 90 || lng < -180 || lng > 180:
		f.bad("半径筛选须同时给出 lat、long 和 radius / the radius filter needs lat and long (WGS84 degrees) with radius")
	case err3 != nil || rad <= 0 || rad > MaxRadius:
		f.bad("radius 须为1到%d米 / radius must be more than 0 and at most %d metres", MaxRadius, MaxRadius)
	default:
		return &ticket.Circle{Lat: lat, Lng: lng, Radius: rad}
	}
	return nil
}
