package citylink_test

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gongzhi/gongzhi/internal/auth"
	"github.com/gongzhi/gongzhi/internal/citylink"
	"github.com/gongzhi/gongzhi/internal/clock"
	"github.com/gongzhi/gongzhi/internal/db"
	"github.com/gongzhi/gongzhi/internal/db/dbtest"
	"github.com/gongzhi/gongzhi/internal/errs"
	"github.com/gongzhi/gongzhi/internal/gov"
	"github.com/gongzhi/gongzhi/internal/open311"
	"github.com/gongzhi/gongzhi/internal/ticket"
)

var quiet = slog.New(slog.DiscardHandler)

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

type fixture struct {
	db                         *db.DB
	clock                      *clock.Fixed
	tickets                    *ticket.Service
	link                       *citylink.Service
	admin, handler, dispatcher auth.User
	srv                        *httptest.Server // our Open311 endpoint
}

// setup builds a district whose street office S1 takes 街巷环境 (0102) in
// its street, and serves Open311 with the linked platforms' endpoints.
func setup(t *testing.T, d *db.DB) *fixture {
	ctx := context.Background()
	c := clock.NewFixed(time.Date(2026, 3, 2, 9, 0, 0, 0, clock.BusinessZone()))
	g := gov.NewService(d, c)
	for _, a := range []gov.Area{
		{Code: "110117", Name: "平谷区", Level: gov.LevelDistrict},
		{Code: "110117001", ParentCode: "110117", Name: "滨河街道", Level: gov.LevelStreet},
		{Code: "110117001001", ParentCode: "110117001", Name: "承平里社区", Level: gov.LevelCommunity},
	} {
		must(t, g.UpsertArea(ctx, a))
	}
	for _, o := range []gov.Org{
		{Code: "HOT", Name: "12345热线中心", Kind: gov.KindHotlineCenter, AreaCode: "110117"},
		{Code: "S1", Name: "滨河街道办事处", Kind: gov.KindStreetOffice, AreaCode: "110117001"},
	} {
		must(t, g.UpsertOrg(ctx, o))
	}
	a := auth.NewService(d, c, g, quiet, auth.Options{BcryptCost: 4})
	ts := ticket.NewService(d, c, g, quiet)
	for _, cat := range []ticket.Category{
		{Code: "01", Name: "城市管理", Active: true},
		{Code: "0102", ParentCode: "01", Name: "街巷环境", Active: true},
	} {
		must(t, ts.UpsertCategory(ctx, cat))
	}
	must(t, ts.UpsertRule(ctx, ticket.Rule{CategoryCode: "0102", AreaCode: "110117001", OrgCode: "S1"}))
	login := func(username, password string) auth.User {
		s, err := a.Login(ctx, username, password, auth.KindAPI)
		must(t, err)
		return s.User
	}
	mk := func(nu auth.NewUser) auth.User {
		nu.Password = "password-123"
		_, err := a.CreateUser(ctx, auth.System(), nu)
		must(t, err)
		return login(nu.Username, nu.Password)
	}
	_, _, err := a.EnsureAdmin(ctx, "lantern-river-42")
	must(t, err)
	f := &fixture{db: d, clock: c, tickets: ts}
	f.link = citylink.NewService(d, c, g, ts, quiet, citylink.Options{AllowPrivate: true, Backoff: []time.Duration{time.Second}, MaxAttempts: 3})
	f.admin = login("admin", "lantern-river-42")
	f.dispatcher = mk(auth.NewUser{Username: "disp", Role: auth.RoleDispatcher, OrgCode: "HOT", AreaCode: "110117"})
	f.handler = mk(auth.NewUser{Username: "handler1", Role: auth.RoleHandler, OrgCode: "S1", AreaCode: "110117001"})
	mux := http.NewServeMux()
	open311.New(open311.Deps{Tickets: ts, Auth: a, Gov: g, Log: quiet, Citylink: f.link}).Routes(mux)
	f.srv = httptest.NewServer(mux)
	t.Cleanup(f.srv.Close)
	return f
}

func (f *fixture) run(t *testing.T) citylink.RoundStats {
	t.Helper()
	st, err := f.link.RunOnce(context.Background())
	must(t, err)
	return st
}

// city is a minimal city 12345 platform: it dispatches requests down in
// GeoReport v2 form and takes what comes back, refusing the first update
// with 503 as a platform under load does.
type city struct {
	mu       sync.Mutex
	key      string // ours, as it must come
	updates  []citylink.Update
	stats    []citylink.Stats
	refused  int
	badKeys  int
	srv      *httptest.Server
	platform string
}

func newCity(t *testing.T, key string) *city {
	c := &city{key: key}
	c.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		c.mu.Lock()
		defer c.mu.Unlock()
		if r.Header.Get("X-Api-Key") != c.key {
			c.badKeys++
			http.Error(w, "bad key", http.StatusForbidden)
			return
		}
		body, _ := io.ReadAll(r.Body)
		switch r.URL.Path {
		case "/gateway/open311/servicerequestupdates.json":
			if c.refused == 0 {
				c.refused++
				http.Error(w, "busy", http.StatusServiceUnavailable)
				return
			}
			var up citylink.Update
			if err := json.Unmarshal(body, &up); err != nil {
				http.Error(w, "bad json", http.StatusBadRequest)
				return
			}
			c.updates = append(c.updates, up)
		case "/gateway/open311/statistics.json":
			var st citylink.Stats
			if err := json.Unmarshal(body, &st); err != nil {
				http.Error(w, "bad json", http.StatusBadRequest)
				return
			}
			c.stats = append(c.stats, st)
		default:
			http.NotFound(w, r)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		w.Write([]byte(`[{"update_id":"ok"}]`))
	}))
	t.Cleanup(c.srv.Close)
	return c
}

// dispatch sends a request down to gongzhi as the city's platform does.
func (c *city) dispatch(t *testing.T, base string, form url.Values) (int, map[string]any) {
	t.Helper()
	resp, err := http.PostForm(base+"/open311/v2/citylink/"+c.platform+"/requests.json", form)
	must(t, err)
	defer resp.Body.Close()
	var out []map[string]any
	b, _ := io.ReadAll(resp.Body)
	if err := json.Unmarshal(b, &out); err != nil || len(out) == 0 {
		t.Fatalf("answer %d: %s", resp.StatusCode, b)
	}
	return resp.StatusCode, out[0]
}

func (c *city) got() ([]citylink.Update, []citylink.Stats) {
	c.mu.Lock()
	defer c.mu.Unlock()
	return append([]citylink.Update(nil), c.updates...), append([]citylink.Stats(nil), c.stats...)
}

const cityKey = "city-key-for-gongzhi-0001"

// TestCityPlatform: a city platform written here dispatches a ticket down;
// a second send of its number makes no second ticket; the district handles
// and closes the ticket; the platform hears the progress, the reply and the
// rating, after refusing the first delivery with 503; and gets the month's
// figures once.
func TestCityPlatform(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		f := setup(t, d)
		ctx := context.Background()
		c := newCity(t, "gongzhi-key-for-city-0001")
		c.platform = "bj12345"
		reg := citylink.NewPlatform{ID: c.platform, Name: "北京市12345", Role: citylink.RoleUpper, BaseURL: c.srv.URL + "/gateway/open311/",
			AreaCode: "110117", InboundKey: cityKey, OutboundKey: c.key,
			ServiceMap: map[string]string{"CG-STREET": "0102"}, AreaMap: map[string]string{"pg-binhe-cpl": "110117001001"}}
		if _, err := f.link.Register(ctx, f.dispatcher, reg); !errs.Is(err, errs.Forbidden) {
			t.Fatalf("a dispatcher registers: %v", err)
		}
		p, err := f.link.Register(ctx, f.admin, reg)
		must(t, err)
		if p.InboundKey != "" || p.InboundKeyPrefix == "" || !p.HasOutboundKey {
			t.Fatalf("registered: %+v", p)
		}

		form := url.Values{"api_key": {cityKey}, "service_request_id": {"BJ20260302-0001"}, "service_code": {"CG-STREET"},
			"description": {"承平里小区门口垃圾三天无人清理"}, "jurisdiction_id": {"pg-binhe-cpl"}, "address_string": {"承平里小区南门"},
			"last_name": {"王"}, "phone": {"13912345678"}}
		status, ans := c.dispatch(t, f.srv.URL, form)
		number, _ := ans["service_request_id"].(string)
		if status != 201 || number == "" {
			t.Fatalf("dispatch: %d %v", status, ans)
		}
		status, again := c.dispatch(t, f.srv.URL, form)
		if status != 200 || again["service_request_id"] != number {
			t.Fatalf("the same number again: %d %v", status, again)
		}
		var n int
		must(t, d.R.QueryRow(`SELECT COUNT(*) FROM tickets`).Scan(&n))
		if n != 1 {
			t.Fatalf("%d tickets after two sends of one number", n)
		}
		bad := url.Values{}
		for k, v := range form {
			bad[k] = v
		}
		bad.Set("api_key", "not-the-key-of-this-city")
		if status, _ := c.dispatch(t, f.srv.URL, bad); status != 403 {
			t.Fatalf("a wrong key: %d", status)
		}
		bad.Set("api_key", cityKey)
		bad.Set("service_request_id", "BJ20260302-0002")
		bad.Set("service_code", "NO-SUCH")
		if status, _ := c.dispatch(t, f.srv.URL, bad); status != 404 {
			t.Fatalf("an unmapped service code: %d", status)
		}

		tk, err := f.tickets.Get(ctx, f.admin, number)
		must(t, err)
		if tk.Channel != ticket.ChannelOpen311 || tk.AreaCode != "110117001001" || tk.AssignedOrgCode != "S1" || tk.CategoryCode != "0102" {
			t.Fatalf("the ticket: %+v", tk)
		}

		// The first delivery meets a 503 and is tried again after the back-off.
		st := f.run(t)
		if st.Queued == 0 || st.Retried != 1 {
			t.Fatalf("first round: %+v", st)
		}
		f.clock.Advance(2 * time.Second)
		f.run(t)

		for _, a := range []string{ticket.ActionSign, ticket.ActionContact} {
			_, err := f.tickets.Act(ctx, f.handler, number, a, ticket.ActionInput{Note: "已到现场"})
			must(t, err)
		}
		yes := true
		_, err = f.tickets.Act(ctx, f.handler, number, ticket.ActionReply, ticket.ActionInput{ReplyText: "已安排环卫清运，垃圾已清理完毕", Resolved: &yes})
		must(t, err)
		_, err = f.tickets.Act(ctx, f.dispatcher, number, ticket.ActionRate, ticket.ActionInput{Resolved: &yes, Satisfaction: ticket.Satisfied})
		must(t, err)
		if tk, _ := f.tickets.Get(ctx, f.admin, number); tk.Status != ticket.StatusClosed {
			_, err = f.tickets.Act(ctx, f.dispatcher, number, ticket.ActionClose, ticket.ActionInput{})
			must(t, err)
		}
		f.clock.Advance(time.Second)
		f.run(t)

		ups, _ := c.got()
		var replied, rated bool
		for _, up := range ups {
			if up.ServiceRequestID != "BJ20260302-0001" {
				t.Fatalf("an update names %q", up.ServiceRequestID)
			}
			if up.Extensions["action"] == ticket.ActionReply && up.Status == "closed" && up.StatusNotes == "已安排环卫清运，垃圾已清理完毕" {
				replied = true
			}
			if r, ok := up.Extensions["rating"].(map[string]any); ok && r["satisfaction"] == "satisfied" && up.Status == "closed" {
				rated = true
			}
		}
		if !replied || !rated || len(ups) < 5 || ups[0].Status != "open" {
			t.Fatalf("updates: replied %v rated %v: %+v", replied, rated, ups)
		}
		log, err := f.link.Deliveries(ctx, f.admin, c.platform, 0)
		must(t, err)
		retried := false
		for _, dl := range log {
			if dl.Status != citylink.StatusDelivered {
				t.Fatalf("not delivered: %+v", dl)
			}
			retried = retried || dl.Attempts == 2
		}
		if !retried || len(log) != len(ups) {
			t.Fatalf("the log (%d) does not show the retry or the updates (%d)", len(log), len(ups))
		}
		if all, err := f.link.Deliveries(ctx, f.admin, "", 0); err != nil || len(all) != len(log) {
			t.Fatalf("every platform's log: %d %v", len(all), err)
		}
		if _, err := f.link.Deliveries(ctx, f.handler, "", 0); !errs.Is(err, errs.Forbidden) {
			t.Fatalf("a handler reads the log: %v", err)
		}

		// The month's figures go up once, in the next month.
		f.clock.Set(time.Date(2026, 4, 1, 0, 30, 0, 0, clock.BusinessZone()))
		f.run(t)
		f.run(t)
		_, stats := c.got()
		if len(stats) != 1 || stats[0].Month != "2026-03" || stats[0].Total != 1 || stats[0].SatisfiedRate == nil || *stats[0].SatisfiedRate != 1 ||
			stats[0].Closed != 1 || stats[0].ByStatus["closed"] != 1 || len(stats[0].ByCategory) != 1 || stats[0].ByCategory[0].ServiceCode != "CG-STREET" {
			t.Fatalf("figures: %+v", stats)
		}
		if c.badKeys != 0 {
			t.Fatalf("%d calls without our key", c.badKeys)
		}
		if strings.Contains(mustJSON(t, ups), "13912345678") {
			t.Fatal("the reporter's phone went up in an update")
		}
	})
}

func mustJSON(t *testing.T, v any) string {
	b, err := json.Marshal(v)
	must(t, err)
	return string(b)
}

// TestConcurrentDispatch: the same number sent many times at once makes one
// ticket; a platform's key works only on its own endpoints and tickets.
func TestConcurrentDispatch(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		f := setup(t, d)
		ctx := context.Background()
		c := newCity(t, "gongzhi-key-for-city-0002")
		c.platform = "bj12345"
		_, err := f.link.Register(ctx, f.admin, citylink.NewPlatform{ID: c.platform, Name: "北京市12345", Role: citylink.RoleUpper,
			BaseURL: c.srv.URL + "/gateway/open311", AreaCode: "110117001001", InboundKey: cityKey, OutboundKey: c.key})
		must(t, err)
		_, err = f.link.Register(ctx, f.admin, citylink.NewPlatform{ID: "other", Name: "另一平台", Role: citylink.RoleUpper,
			BaseURL: c.srv.URL + "/other", AreaCode: "110117001001", InboundKey: "key-of-the-other-platform-1"})
		must(t, err)
		form := url.Values{"api_key": {cityKey}, "service_request_id": {"BJ-RACE-1"}, "service_code": {"0102"},
			"description": {"路灯不亮"}, "address_string": {"承平里3号楼"}, "confidential": {"true"}}
		var wg sync.WaitGroup
		numbers := make([]string, 6)
		for i := range numbers {
			wg.Go(func() {
				resp, err := http.PostForm(f.srv.URL+"/open311/v2/citylink/bj12345/requests.json", form)
				if err != nil {
					return
				}
				defer resp.Body.Close()
				var out []map[string]any
				if json.NewDecoder(resp.Body).Decode(&out) == nil && len(out) == 1 {
					numbers[i], _ = out[0]["service_request_id"].(string)
				}
			})
		}
		wg.Wait()
		var n int
		must(t, d.R.QueryRow(`SELECT COUNT(*) FROM tickets`).Scan(&n))
		for _, x := range numbers {
			if x == "" || x != numbers[0] {
				t.Fatalf("answers %v", numbers)
			}
		}
		if n != 1 {
			t.Fatalf("%d tickets from one number sent six times at once", n)
		}
		tk, err := f.tickets.Get(ctx, f.admin, numbers[0])
		must(t, err)
		if !tk.Confidential {
			t.Fatal("the confidential extension was lost")
		}
		// The other platform's key does not act as this one, and an upper
		// platform reports nothing up to us.
		other := url.Values{}
		for k, v := range form {
			other[k] = v
		}
		other.Set("api_key", "key-of-the-other-platform-1")
		if status, _ := c.dispatch(t, f.srv.URL, other); status != 403 {
			t.Fatalf("another platform's key: %d", status)
		}
		req, _ := http.NewRequest("POST", f.srv.URL+"/open311/v2/citylink/bj12345/servicerequestupdates.json",
			strings.NewReader(`{"service_request_id":"`+numbers[0]+`","status":"closed","status_notes":"x"}`))
		req.Header.Set("X-Api-Key", cityKey)
		resp, err := http.DefaultClient.Do(req)
		must(t, err)
		resp.Body.Close()
		if resp.StatusCode != 403 {
			t.Fatalf("an upper platform posts an update: %d", resp.StatusCode)
		}
		// A lower platform updates only what was dispatched to it.
		_, err = f.link.Register(ctx, f.admin, citylink.NewPlatform{ID: "binhe", Name: "滨河街道平台", Role: citylink.RoleLower,
			BaseURL: c.srv.URL + "/binhe", OrgCode: "S1", InboundKey: "key-of-binhe-at-the-district"})
		must(t, err)
		req, _ = http.NewRequest("POST", f.srv.URL+"/open311/v2/citylink/binhe/servicerequestupdates.json",
			strings.NewReader(`{"service_request_id":"`+numbers[0]+`","status":"closed","status_notes":"已处理"}`))
		req.Header.Set("X-Api-Key", "key-of-binhe-at-the-district")
		resp, err = http.DefaultClient.Do(req)
		must(t, err)
		resp.Body.Close()
		if resp.StatusCode != 404 {
			t.Fatalf("a lower platform updates a ticket not sent to it: %d", resp.StatusCode)
		}
	})
}

// TestLowerPlatformUpdates: a ticket dispatched to the unit of a lower
// platform is sent to it; its updates become lines, a request it set aside
// stays with us, its closing update is the unit's reply, and an update sent
// twice is applied once.
func TestLowerPlatformUpdates(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		f := setup(t, d)
		ctx := context.Background()
		var mu sync.Mutex
		var got []url.Values
		lower := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			mu.Lock()
			defer mu.Unlock()
			if r.URL.Path != "/binhe/requests.json" || r.ParseForm() != nil {
				http.NotFound(w, r)
				return
			}
			got = append(got, r.PostForm)
			w.WriteHeader(201)
			w.Write([]byte(`[{"service_request_id":"BH-0001"}]`))
		}))
		t.Cleanup(lower.Close)
		const key = "key-of-binhe-at-the-district"
		_, err := f.link.Register(ctx, f.admin, citylink.NewPlatform{ID: "binhe", Name: "滨河街道平台", Role: citylink.RoleLower,
			BaseURL: lower.URL + "/binhe", OrgCode: "S1", InboundKey: key, OutboundKey: "key-of-the-district-at-binhe",
			ServiceMap: map[string]string{"STREET": "0102"}})
		must(t, err)
		f.clock.Advance(time.Second)
		tk, err := f.tickets.Create(ctx, &f.dispatcher, ticket.NewTicket{Kind: ticket.KindComplaint, CategoryCode: "0102", Description: "路边垃圾桶满溢",
			AreaCode: "110117001001", ReporterPhone: "13912345678", Channel: ticket.ChannelHotline})
		must(t, err)
		if tk.AssignedOrgCode != "S1" {
			t.Fatalf("assigned to %q", tk.AssignedOrgCode)
		}
		if st := f.run(t); st.Delivered != 1 {
			t.Fatalf("round: %+v", st)
		}
		if len(got) != 1 || got[0].Get("service_request_id") != tk.Number || got[0].Get("service_code") != "STREET" ||
			got[0].Get("api_key") != "key-of-the-district-at-binhe" || got[0].Get("phone") != "13912345678" {
			t.Fatalf("sent down: %v", got)
		}
		post := func(body string) int {
			req, _ := http.NewRequest("POST", f.srv.URL+"/open311/v2/citylink/binhe/servicerequestupdates.json", strings.NewReader(body))
			req.Header.Set("X-Api-Key", key)
			resp, err := http.DefaultClient.Do(req)
			must(t, err)
			resp.Body.Close()
			return resp.StatusCode
		}
		if s := post(`{"update_id":"u1","service_request_id":"` + tk.Number + `","status":"closed","status_notes":"重复诉求","extensions":{"action":"invalidate"}}`); s != 200 {
			t.Fatalf("set aside: %d", s)
		}
		if tk, _ := f.tickets.Get(ctx, f.admin, tk.Number); tk.Status != ticket.StatusDispatched {
			t.Fatalf("a request set aside below became %s", tk.Status)
		}
		done := `{"update_id":"u2","service_request_id":"` + tk.Number + `","status":"closed","status_notes":"已清运","updated_datetime":"2026-03-02T10:00:00+08:00"}`
		if s := post(done); s != 200 {
			t.Fatalf("closed: %d", s)
		}
		if s := post(done); s != 200 {
			t.Fatalf("closed again: %d", s)
		}
		back, err := f.tickets.Get(ctx, f.admin, tk.Number)
		must(t, err)
		if back.Status != ticket.StatusReplied || back.ReplyText != "已清运" {
			t.Fatalf("after closing below: %s %q", back.Status, back.ReplyText)
		}
		var lines int
		must(t, d.R.QueryRow(`SELECT COUNT(*) FROM ticket_events WHERE ticket_number = $1 AND action = $2`, tk.Number, ticket.ActionExternalUpdate).Scan(&lines))
		if lines != 2 {
			t.Fatalf("%d lines from three updates, one sent twice", lines)
		}
		if s := post(`{"service_request_id":"` + tk.Number + `","status":"maybe"}`); s != 400 {
			t.Fatalf("a bad status: %d", s)
		}
		var remote string
		must(t, d.R.QueryRow(`SELECT remote_number FROM citylink_forwards WHERE ticket_number = $1`, tk.Number).Scan(&remote))
		if remote != "BH-0001" {
			t.Fatalf("their number: %q", remote)
		}
	})
}
