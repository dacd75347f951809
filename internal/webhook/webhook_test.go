package webhook_test

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/gongzhi/gongzhi/internal/auth"
	"github.com/gongzhi/gongzhi/internal/clock"
	"github.com/gongzhi/gongzhi/internal/db"
	"github.com/gongzhi/gongzhi/internal/db/dbtest"
	"github.com/gongzhi/gongzhi/internal/errs"
	"github.com/gongzhi/gongzhi/internal/gov"
	"github.com/gongzhi/gongzhi/internal/ticket"
	"github.com/gongzhi/gongzhi/internal/webhook"
)

type fixture struct {
	db                                      *db.DB
	clock                                   *clock.Fixed
	tickets                                 *ticket.Service
	hooks                                   *webhook.Service
	admin, agent, handler, dept, dispatcher auth.User
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

func boolp(b bool) *bool { return &b }

var quiet = slog.New(slog.DiscardHandler)

// setup builds a district with a street office S1 (街巷环境 in its street
// goes to it) and a department D-CG (the rest of 城市管理).
func setup(t *testing.T, d *db.DB) *fixture {
	ctx := context.Background()
	c := clock.NewFixed(time.Date(2026, 3, 2, 9, 0, 0, 0, time.FixedZone("CST", 8*3600)))
	g := gov.NewService(d, c)
	for _, a := range []gov.Area{
		{Code: "110117", Name: "平谷区", Level: gov.LevelDistrict},
		{Code: "110117001", ParentCode: "110117", Name: "滨河街道", Level: gov.LevelStreet},
		{Code: "110117001001", ParentCode: "110117001", Name: "承平里社区", Level: gov.LevelCommunity},
	} {
		must(t, g.UpsertArea(ctx, a))
	}
	for _, o := range []gov.Org{
		{Code: "D-CG", Name: "区城市管理委员会", Kind: gov.KindDepartment, AreaCode: "110117"},
		{Code: "HOT", Name: "12345热线中心", Kind: gov.KindHotlineCenter, AreaCode: "110117"},
		{Code: "S1", Name: "滨河街道办事处", Kind: gov.KindStreetOffice, AreaCode: "110117001"},
	} {
		must(t, g.UpsertOrg(ctx, o))
	}
	a := auth.NewService(d, c, g, quiet, auth.Options{BcryptCost: 4})
	ts := ticket.NewService(d, c, g, quiet)
	for _, cat := range []ticket.Category{
		{Code: "01", Name: "城市管理", Active: true},
		{Code: "0101", ParentCode: "01", Name: "道路破损", Active: true},
		{Code: "0102", ParentCode: "01", Name: "街巷环境", Active: true},
	} {
		must(t, ts.UpsertCategory(ctx, cat))
	}
	must(t, ts.UpsertRule(ctx, ticket.Rule{CategoryCode: "01", AreaCode: "110117", OrgCode: "D-CG"}))
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
	f := &fixture{db: d, clock: c, tickets: ts, hooks: webhook.New(d, c, quiet, webhook.Options{AllowPrivate: true})}
	f.admin = login("admin", "lantern-river-42")
	f.agent = mk(auth.NewUser{Username: "agent", Role: auth.RoleAgent, OrgCode: "HOT", AreaCode: "110117"})
	f.dispatcher = mk(auth.NewUser{Username: "disp", Role: auth.RoleDispatcher, OrgCode: "HOT", AreaCode: "110117"})
	f.handler = mk(auth.NewUser{Username: "handler1", Role: auth.RoleHandler, OrgCode: "S1", AreaCode: "110117001"})
	f.dept = mk(auth.NewUser{Username: "handler3", Role: auth.RoleHandler, OrgCode: "D-CG", AreaCode: "110117"})
	return f
}

// newTicket files a complaint: category 0102 goes to S1, 0101 to D-CG.
func (f *fixture) newTicket(t *testing.T, category string) ticket.Ticket {
	t.Helper()
	tk, err := f.tickets.Create(context.Background(), &f.agent, ticket.NewTicket{Kind: ticket.KindComplaint, CategoryCode: category,
		Description: "小区门口垃圾堆放三天无人清理", AreaCode: "110117001001", ReporterName: "王芳", ReporterPhone: "13912345678", Channel: ticket.ChannelHotline})
	must(t, err)
	return tk
}

func (f *fixture) act(t *testing.T, u auth.User, number, action string, in ticket.ActionInput) {
	t.Helper()
	_, err := f.tickets.Act(context.Background(), u, number, action, in)
	must(t, err)
}

func (f *fixture) run(t *testing.T, s *webhook.Service) webhook.Stats {
	t.Helper()
	st, err := s.RunOnce(context.Background())
	must(t, err)
	return st
}

// hit is one request a receiver got.
type hit struct {
	delivery, event, timestamp string
	signed                     bool
	payload                    webhook.Payload
	body                       string
}

// receiver is a department's system: it checks every request's signature
// and answers with what answer says (200 when nil).
type receiver struct {
	*httptest.Server
	secret map[string]string // by unit, the ?unit= of the URL
	mu     sync.Mutex
	hits   []hit
	answer func(h hit, w http.ResponseWriter, r *http.Request) bool // true: answered
}

func newReceiver(t *testing.T) *receiver {
	rc := &receiver{secret: map[string]string{}}
	rc.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		h := hit{delivery: r.Header.Get("X-Gongzhi-Delivery"), event: r.Header.Get("X-Gongzhi-Event"),
			timestamp: r.Header.Get("X-Gongzhi-Timestamp"), body: string(body)}
		rc.mu.Lock()
		secret := rc.secret[r.URL.Query().Get("unit")]
		rc.mu.Unlock()
		h.signed = r.Method == "POST" && r.Header.Get("Content-Type") == "application/json" &&
			r.Header.Get("X-Gongzhi-Signature") == webhook.Sign(secret, h.timestamp, body)
		if err := json.Unmarshal(body, &h.payload); err != nil {
			t.Errorf("payload is not JSON: %v", err)
		}
		rc.mu.Lock()
		rc.hits = append(rc.hits, h)
		answer := rc.answer
		rc.mu.Unlock()
		if answer != nil && answer(h, w, r) {
			return
		}
		w.WriteHeader(http.StatusNoContent)
	}))
	t.Cleanup(rc.Close)
	return rc
}

func (rc *receiver) got() []hit {
	rc.mu.Lock()
	defer rc.mu.Unlock()
	return append([]hit{}, rc.hits...)
}

func (rc *receiver) subscribe(t *testing.T, f *fixture, u auth.User, org string, events ...string) webhook.Webhook {
	t.Helper()
	w, err := f.hooks.Create(context.Background(), u, webhook.NewWebhook{OrgCode: org, URL: rc.URL + "/hook?unit=" + org, Events: events})
	must(t, err)
	if !strings.HasPrefix(w.Secret, webhook.SecretPrefix) || !strings.HasPrefix(w.Secret, w.SecretPrefix) || len(w.SecretPrefix) >= len(w.Secret) {
		t.Fatalf("secret %q, prefix %q", w.Secret, w.SecretPrefix)
	}
	rc.mu.Lock()
	rc.secret[org] = w.Secret
	rc.mu.Unlock()
	return w
}

func TestSignedDeliveriesOfTheUnitInOrder(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		f := setup(t, d)
		street, dept := newReceiver(t), newReceiver(t)
		sw := street.subscribe(t, f, f.handler, "S1", "*")
		street.subscribe(t, f, f.admin, "D-CG", "dispatch") // another unit's, on the same receiver: must not mix
		dw := dept.subscribe(t, f, f.dept, "D-CG", "sign", "close")

		a := f.newTicket(t, "0102") // S1
		b := f.newTicket(t, "0101") // D-CG
		f.clock.Advance(time.Minute)
		f.act(t, f.handler, a.Number, ticket.ActionSign, ticket.ActionInput{})
		f.act(t, f.dept, b.Number, ticket.ActionSign, ticket.ActionInput{})
		f.act(t, f.handler, a.Number, ticket.ActionContact, ticket.ActionInput{Note: "已电话联系"})
		f.act(t, f.handler, a.Number, ticket.ActionReply, ticket.ActionInput{ReplyText: "已安排清运", Resolved: boolp(true)})

		st := f.run(t, f.hooks)
		if st.Scanned != 8 || st.Queued != 7 || st.Delivered != 7 || st.Retried != 0 || st.Failed != 0 {
			t.Fatalf("stats %+v, want 8 events, 5+1 for S1's and D-CG's dispatch hooks, 1 sign for D-CG", st)
		}
		var s1 []webhook.Payload
		for _, h := range street.got() {
			if !h.signed || h.payload.ID != h.delivery || h.event != h.payload.Event.Action {
				t.Fatalf("bad request: %+v", h)
			}
			if strings.Contains(h.body, "13912345678") || strings.Contains(h.body, "王芳") {
				t.Fatalf("payload leaks the reporter: %s", h.body)
			}
			if h.payload.Event.TicketNumber == a.Number {
				s1 = append(s1, h.payload)
			} else if h.payload.Event.Action != "dispatch" || h.payload.Ticket.AssignedOrgCode != "D-CG" {
				t.Fatalf("S1's receiver got %+v", h.payload.Event)
			}
		}
		var actions []string
		for i, p := range s1 {
			if p.Event.Seq != i+1 || p.Ticket.Number != a.Number || p.Ticket.AssignedOrgCode != "S1" {
				t.Fatalf("event %d of the ticket: %+v", i, p.Event)
			}
			actions = append(actions, p.Event.Action)
		}
		if want := []string{"create", "dispatch", "sign", "contact", "reply"}; !slices.Equal(actions, want) {
			t.Fatalf("S1 got %v, want %v in order", actions, want)
		}
		if got := dept.got(); len(got) != 1 || !got[0].signed || got[0].payload.Event.Action != "sign" || got[0].payload.Event.TicketNumber != b.Number ||
			got[0].payload.Event.At.IsZero() || got[0].payload.Event.FromStatus != "dispatched" || got[0].payload.Event.ToStatus != "signed" {
			t.Fatalf("D-CG got %+v", got)
		}

		// Nothing twice: later rounds, and a second worker, find nothing to do.
		other := webhook.New(d, f.clock, quiet, webhook.Options{AllowPrivate: true})
		for range 3 {
			f.clock.Advance(30 * time.Second)
			if st := f.run(t, other); st != (webhook.Stats{}) {
				t.Fatalf("idle round did %+v", st)
			}
		}
		f.act(t, f.dispatcher, b.Number, ticket.ActionClose, ticket.ActionInput{Note: "已修复"})
		f.run(t, f.hooks)
		f.run(t, other)
		if got := dept.got(); len(got) != 2 || got[1].payload.Event.Action != "close" {
			t.Fatalf("after close D-CG got %d", len(got))
		}
		if n := len(street.got()); n != 6 {
			t.Fatalf("S1's receiver got %d requests, want 6", n)
		}
		log, err := f.hooks.Deliveries(ctx, f.handler, sw.ID, 0)
		must(t, err)
		if len(log) != 5 || log[0].Action != "reply" || log[0].Status != webhook.StatusDelivered || log[0].Attempts != 1 ||
			log[0].StatusCode != 204 || log[0].DeliveredAt == nil || log[0].NextAt != nil {
			t.Fatalf("delivery log %+v", log)
		}
		if _, err := f.hooks.Deliveries(ctx, f.handler, dw.ID, 0); !errs.Is(err, errs.Forbidden) {
			t.Fatalf("S1's handler reads D-CG's log: %v", err)
		}
	})
}

func TestRetriesWithBackoff(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		f := setup(t, d)
		rc := newReceiver(t)
		var healthy bool
		rc.answer = func(h hit, w http.ResponseWriter, r *http.Request) bool {
			if healthy {
				return false
			}
			w.WriteHeader(http.StatusServiceUnavailable)
			w.Write([]byte(strings.Repeat("忙", 1000))) // 3000 bytes
			return true
		}
		wh := rc.subscribe(t, f, f.handler, "S1", "create", "dispatch")
		tk := f.newTicket(t, "0102")
		attemptsOf := func(seq int) int {
			n := 0
			for _, h := range rc.got() {
				if h.payload.Event.Seq == seq {
					n++
				}
			}
			return n
		}
		st := f.run(t, f.hooks)
		if st.Queued != 2 || st.Retried != 1 || attemptsOf(1) != 1 || attemptsOf(2) != 0 {
			t.Fatalf("first round %+v; seq 2 must wait behind seq 1", st)
		}
		// 10 s, 1 min, 5 min, 30 min, 2 h; nothing in between.
		for i, wait := range []time.Duration{10 * time.Second, time.Minute, 5 * time.Minute, 30 * time.Minute, 2 * time.Hour} {
			f.clock.Advance(wait - time.Second)
			f.run(t, f.hooks)
			if n := attemptsOf(1); n != i+1 {
				t.Fatalf("before wait %d ended: %d attempts", i, n)
			}
			f.clock.Advance(time.Second)
			f.run(t, f.hooks)
			if n := attemptsOf(1); n != i+2 {
				t.Fatalf("after wait %v: %d attempts, want %d", wait, n, i+2)
			}
		}
		log, err := f.hooks.Deliveries(ctx, f.admin, wh.ID, 10)
		must(t, err)
		if len(log) != 2 {
			t.Fatalf("log %+v", log)
		}
		first := log[1]
		if first.Seq != 1 || first.Status != webhook.StatusFailed || first.Attempts != 6 || first.StatusCode != 503 ||
			first.LastError != "HTTP 503" || len(first.Response) != webhook.MaxResponse-1 || !utf8.ValidString(first.Response) || first.LastAttemptAt == nil {
			t.Fatalf("given-up delivery %+v", first)
		}
		if ids := rc.got(); ids[0].delivery != ids[5].delivery {
			t.Fatal("a retry must carry the same delivery id")
		}
		// Seq 1 given up, seq 2 went out once and failed; the receiver recovers.
		if n := attemptsOf(2); n != 1 || log[0].Status != webhook.StatusPending || log[0].NextAt == nil {
			t.Fatalf("seq 2 after seq 1 failed: %d attempts, %+v", n, log[0])
		}
		healthy = true
		f.clock.Advance(10 * time.Second)
		if st := f.run(t, f.hooks); st.Delivered != 1 {
			t.Fatalf("recovery %+v", st)
		}
		log, _ = f.hooks.Deliveries(ctx, f.admin, wh.ID, 10)
		if log[0].Status != webhook.StatusDelivered || log[0].Attempts != 2 || log[0].LastError != "" || log[0].StatusCode != 204 {
			t.Fatalf("recovered %+v", log[0])
		}
		_ = tk
	})
}

func TestCrashedWorkerClaimIsTakenUp(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		f := setup(t, d)
		rc := newReceiver(t)
		arrived := make(chan struct{}, 1)
		var once sync.Once
		rc.answer = func(h hit, w http.ResponseWriter, r *http.Request) bool {
			crash := false
			once.Do(func() { crash = true })
			if !crash {
				return false
			}
			arrived <- struct{}{}
			<-r.Context().Done() // hangs until the worker is gone
			return true
		}
		wh := rc.subscribe(t, f, f.handler, "S1", "*")
		f.newTicket(t, "0102")

		ctx, crash := context.WithCancel(context.Background())
		done := make(chan error, 1)
		go func() {
			_, err := f.hooks.RunOnce(ctx)
			done <- err
		}()
		<-arrived
		crash() // the worker dies holding its claim
		if err := <-done; err == nil {
			t.Fatal("a stopped worker should say so")
		}

		restarted := webhook.New(d, f.clock, quiet, webhook.Options{AllowPrivate: true})
		if st := f.run(t, restarted); st.Delivered != 0 || len(rc.got()) != 1 {
			t.Fatalf("claim still held, yet %+v", st)
		}
		f.clock.Advance(time.Minute + time.Second)
		if st := f.run(t, restarted); st.Delivered != 2 {
			t.Fatalf("after the lease %+v", st)
		}
		got := rc.got()
		if len(got) != 3 || got[0].delivery != got[1].delivery || got[1].payload.Event.Seq != 1 || got[2].payload.Event.Seq != 2 {
			t.Fatalf("requests after restart: %d", len(got))
		}
		log, err := restarted.Deliveries(context.Background(), f.handler, wh.ID, 0)
		must(t, err)
		if log[1].Seq != 1 || log[1].Attempts != 2 || log[1].Status != webhook.StatusDelivered || log[0].Attempts != 1 {
			t.Fatalf("log %+v", log)
		}
	})
}

func TestConcurrentWorkersDeliverOnce(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		f := setup(t, d)
		rc := newReceiver(t)
		rc.subscribe(t, f, f.admin, "S1", "*")
		var numbers []string
		for range 6 {
			numbers = append(numbers, f.newTicket(t, "0102").Number)
		}
		for _, n := range numbers {
			f.act(t, f.handler, n, ticket.ActionSign, ticket.ActionInput{})
		}
		workers := []*webhook.Service{f.hooks}
		for range 3 {
			workers = append(workers, webhook.New(d, f.clock, quiet, webhook.Options{AllowPrivate: true, Concurrency: 2, Batch: 4}))
		}
		var wg sync.WaitGroup
		for _, w := range workers {
			wg.Go(func() {
				for range 3 {
					if _, err := w.RunOnce(context.Background()); err != nil {
						t.Error(err)
					}
				}
			})
		}
		wg.Wait()
		got := rc.got()
		seen := map[string]int{}
		last := map[string]int{}
		for _, h := range got {
			seen[h.delivery]++
			ev := h.payload.Event
			if ev.Seq != last[ev.TicketNumber]+1 {
				t.Fatalf("ticket %s: seq %d after %d", ev.TicketNumber, ev.Seq, last[ev.TicketNumber])
			}
			last[ev.TicketNumber] = ev.Seq
		}
		if len(got) != 18 || len(seen) != 18 {
			t.Fatalf("%d requests, %d deliveries; want 18 once each", len(got), len(seen))
		}
	})
}

func TestSubscriptionsRules(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		f := setup(t, d)
		strict := webhook.New(d, f.clock, quiet, webhook.Options{})
		long := "https://example.org/" + strings.Repeat("a", 481)
		for _, c := range []struct{ url, want string }{
			{"", "url is required"},
			{"ftp://example.org/x", "http:// or https://"},
			{"example.org/hook", "http:// or https://"},
			{"https://user:pass@example.org/hook", "credentials"},
			{"https://token@example.org/hook", "credentials"},
			{"https:///hook", "no host"},
			{"https://example.org/hook#x", "fragment"},
			{"https://example.org/a b", "spaces"},
			{"https://example.org:99999/", "port"},
			{long, "at most 500"},
			{"http://127.0.0.1:8080/hook", "non-public"},
			{"http://localhost/hook", "non-public"},
			{"http://10.1.2.3/hook", "non-public"},
			{"http://192.168.1.1/hook", "non-public"},
			{"http://169.254.169.254/latest/meta-data", "non-public"},
			{"http://[::1]/hook", "non-public"},
			{"http://[::ffff:127.0.0.1]/hook", "non-public"},
			{"http://2130706433/hook", "malformed host"},
		} {
			_, err := strict.Create(ctx, f.admin, webhook.NewWebhook{OrgCode: "S1", URL: c.url, Events: []string{"*"}})
			if !errs.Is(err, errs.Invalid) || !strings.Contains(errs.As(err).MsgEn, c.want) || errs.As(err).Msg == "" {
				t.Errorf("%q: %v, want %q", c.url, err, c.want)
			}
		}
		if _, err := strict.Create(ctx, f.admin, webhook.NewWebhook{OrgCode: "S1", URL: long[:500], Events: []string{"*"}}); err != nil {
			t.Fatalf("500 characters: %v", err)
		}
		for _, c := range []struct {
			u    auth.User
			in   webhook.NewWebhook
			code errs.Code
		}{
			{f.handler, webhook.NewWebhook{OrgCode: "D-CG", URL: "https://example.org/a", Events: []string{"*"}}, errs.Forbidden},
			{f.dispatcher, webhook.NewWebhook{OrgCode: "HOT", URL: "https://example.org/a", Events: []string{"*"}}, errs.Forbidden},
			{f.agent, webhook.NewWebhook{URL: "https://example.org/a", Events: []string{"*"}}, errs.Forbidden},
			{f.admin, webhook.NewWebhook{OrgCode: "NOPE", URL: "https://example.org/a", Events: []string{"*"}}, errs.Invalid},
			{f.admin, webhook.NewWebhook{URL: "https://example.org/a", Events: []string{"*"}}, errs.Invalid},
			{f.handler, webhook.NewWebhook{URL: "https://example.org/a"}, errs.Invalid},
			{f.handler, webhook.NewWebhook{URL: "https://example.org/a", Events: []string{"sing"}}, errs.Invalid},
		} {
			if _, err := strict.Create(ctx, c.u, c.in); !errs.Is(err, c.code) {
				t.Errorf("%s %+v: %v, want %s", c.u.Username, c.in, err, c.code)
			}
		}
		// A handler subscribes her own unit (org_code defaults to it).
		mine, err := strict.Create(ctx, f.handler, webhook.NewWebhook{URL: "https://hooks.example.org/s1", Events: []string{"sign", "dispatch", "sign"}})
		must(t, err)
		if mine.OrgCode != "S1" || !slices.Equal(mine.Events, []string{"sign", "dispatch"}) || mine.CreatedBy != "handler1" {
			t.Fatalf("made %+v", mine)
		}
		if _, err := strict.Create(ctx, f.handler, webhook.NewWebhook{URL: "https://hooks.example.org/s1", Events: []string{"*"}}); !errs.Is(err, errs.Conflict) {
			t.Fatalf("same URL twice: %v", err)
		}
		theirs, err := strict.Create(ctx, f.dept, webhook.NewWebhook{URL: "https://hooks.example.org/cg", Events: []string{"*"}})
		must(t, err)
		list, err := strict.List(ctx, f.handler, "")
		must(t, err)
		if len(list) != 2 || list[0].Secret != "" || list[0].SecretPrefix == "" {
			t.Fatalf("S1's list %+v", list)
		}
		if all, _ := strict.List(ctx, f.admin, ""); len(all) != 3 {
			t.Fatalf("admin sees %d", len(all))
		}
		if _, err := strict.List(ctx, f.handler, "D-CG"); !errs.Is(err, errs.Forbidden) {
			t.Fatalf("list another unit's: %v", err)
		}
		if _, err := strict.List(ctx, f.dispatcher, ""); !errs.Is(err, errs.Forbidden) {
			t.Fatalf("dispatcher lists: %v", err)
		}
		if err := strict.Delete(ctx, f.handler, theirs.ID); !errs.Is(err, errs.Forbidden) {
			t.Fatalf("delete another unit's: %v", err)
		}
		if err := strict.Delete(ctx, f.handler, "nope"); !errs.Is(err, errs.NotFound) {
			t.Fatalf("delete unknown: %v", err)
		}
		if w, err := strict.Update(ctx, f.handler, mine.ID, false); err != nil || w.Active {
			t.Fatalf("pause: %+v %v", w, err)
		}
		must(t, strict.Delete(ctx, f.dept, theirs.ID))
		if _, err := strict.Get(ctx, f.admin, theirs.ID); !errs.Is(err, errs.NotFound) {
			t.Fatalf("deleted: %v", err)
		}
	})
}

// A name or an address that passed when the subscription was made is
// checked again at every connection: a strict worker refuses loopback.
func TestPrivateAddressRefusedWhenConnecting(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		f := setup(t, d)
		rc := newReceiver(t)
		wh := rc.subscribe(t, f, f.handler, "S1", "create")
		f.newTicket(t, "0102")
		strict := webhook.New(d, f.clock, quiet, webhook.Options{})
		if st := f.run(t, strict); st.Retried != 1 || len(rc.got()) != 0 {
			t.Fatalf("strict worker %+v, %d requests", st, len(rc.got()))
		}
		log, err := strict.Deliveries(context.Background(), f.handler, wh.ID, 0)
		must(t, err)
		if !strings.Contains(log[0].LastError, "not a public address") || log[0].StatusCode != 0 {
			t.Fatalf("log %+v", log[0])
		}
	})
}

// Paused subscriptions queue nothing; subscriptions hear only of events
// after they were made.
func TestPauseAndStart(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		f := setup(t, d)
		early := f.newTicket(t, "0102")
		f.clock.Advance(time.Second)
		rc := newReceiver(t)
		wh := rc.subscribe(t, f, f.handler, "S1", "*")
		f.act(t, f.handler, early.Number, ticket.ActionSign, ticket.ActionInput{})
		if st := f.run(t, f.hooks); st.Delivered != 1 || rc.got()[0].payload.Event.Action != "sign" {
			t.Fatalf("only the sign after subscribing: %+v", st)
		}
		_, err := f.hooks.Update(ctx, f.handler, wh.ID, false)
		must(t, err)
		f.act(t, f.handler, early.Number, ticket.ActionContact, ticket.ActionInput{Note: "已联系"})
		if st := f.run(t, f.hooks); st.Queued != 0 || st.Delivered != 0 {
			t.Fatalf("paused: %+v", st)
		}
		_, err = f.hooks.Update(ctx, f.handler, wh.ID, true)
		must(t, err)
		f.act(t, f.handler, early.Number, ticket.ActionReply, ticket.ActionInput{ReplyText: "已处理", Resolved: boolp(true)})
		if st := f.run(t, f.hooks); st.Delivered != 1 || len(rc.got()) != 2 || rc.got()[1].payload.Event.Action != "reply" {
			t.Fatalf("resumed: %+v", st)
		}
	})
}

// An event whose transaction commits after a later one was scanned is still
// delivered, once, while it is within the margin behind the clock.
func TestLateCommittedEvent(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		f := setup(t, d)
		rc := newReceiver(t)
		rc.subscribe(t, f, f.handler, "S1", "*")
		f.clock.Advance(time.Second)
		tk := f.newTicket(t, "0102")
		f.clock.Advance(30 * time.Second)
		if st := f.run(t, f.hooks); st.Delivered != 2 {
			t.Fatalf("first %+v", st)
		}
		// Stamped 20 s before the last scan, committed only now.
		late := db.Millis(f.clock.Now().Add(-20 * time.Second))
		_, err := d.W.Exec(`INSERT INTO ticket_events (ticket_number, seq, at, action, from_status, to_status, org_code) VALUES ($1, 50, $2, 'remind', 'dispatched', 'dispatched', 'S1')`, tk.Number, late)
		must(t, err)
		f.clock.Advance(10 * time.Second)
		if st := f.run(t, f.hooks); st.Scanned != 1 || st.Delivered != 1 {
			t.Fatalf("late event %+v", st)
		}
		if st := f.run(t, f.hooks); st != (webhook.Stats{}) {
			t.Fatalf("again %+v", st)
		}
		if got := rc.got(); len(got) != 3 || got[2].payload.Event.Seq != 50 {
			t.Fatalf("%d requests", len(got))
		}
	})
}
