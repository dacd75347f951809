package open311_test

import (
	"bytes"
	"context"
	"net/url"
	"testing"

	"github.com/gongzhi/gongzhi/internal/db"
	"github.com/gongzhi/gongzhi/internal/db/dbtest"
	"github.com/gongzhi/gongzhi/internal/ticket"
)

func countRows(t *testing.T, d *db.DB, query string, args ...any) int {
	t.Helper()
	var n int
	must(t, d.R.QueryRowContext(context.Background(), query, args...).Scan(&n))
	return n
}

// postStreetlight posts a flickering streetlight with the app's key and
// returns its service_request_id; the catalogue sends 0304 to the
// urban-management department.
func (e *env) postStreetlight(t *testing.T) string {
	t.Helper()
	r := e.post("/open311/v2/requests.json", url.Values{"api_key": {e.appKey}, "service_code": {"0304"}, "address_string": {"府前街路口"},
		"attribute[problem]": {"flicker"}})
	if r.status != 201 {
		t.Fatalf("post: %s", r.body)
	}
	return r.list(t)[0]["service_request_id"].(string)
}

// TestIdempotencyKey: a POST retried with the same Idempotency-Key gets the
// first answer and changes nothing more, for a new request and for an
// update that closes one; the same key with another body is refused.
func TestIdempotencyKey(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		e := setup(t, d)
		form := e.newRequestForm(e.appKey)
		first := e.postKeyed("/open311/v2/requests.xml", "app-retry-1", form)
		if first.status != 201 || first.replayed {
			t.Fatalf("first post: %d replayed=%v %s", first.status, first.replayed, first.body)
		}
		tickets := countRows(t, d, `SELECT COUNT(*) FROM tickets`)
		again := e.postKeyed("/open311/v2/requests.xml", "app-retry-1", form)
		if again.status != 201 || !again.replayed || !bytes.Equal(again.body, first.body) || again.ctype != first.ctype {
			t.Fatalf("retry: %d replayed=%v %s %s", again.status, again.replayed, again.ctype, again.body)
		}
		if n := countRows(t, d, `SELECT COUNT(*) FROM tickets`); n != tickets {
			t.Fatalf("the retry made %d tickets", n-tickets)
		}
		// The same key for another request is refused (400, as Open311
		// answers every error that is not 403 or 404) and makes nothing.
		form.Set("description", "另一件事：井盖缺失")
		reused := e.postKeyed("/open311/v2/requests.xml", "app-retry-1", form)
		wantError(t, reused, "xml", 400)
		if !bytes.Contains(reused.body, []byte("Idempotency-Key")) {
			t.Fatalf("reused key: %s", reused.body)
		}
		if n := countRows(t, d, `SELECT COUNT(*) FROM tickets`); n != tickets {
			t.Fatalf("the reused key made %d tickets", n-tickets)
		}
		// Another api_key has keys of its own.
		other := e.postKeyed("/open311/v2/requests.xml", "app-retry-1", e.newRequestForm(e.deptKey))
		if other.replayed {
			t.Fatalf("another api_key got this key's answer: %d %s", other.status, other.body)
		}
		wantError(t, e.postKeyed("/open311/v2/requests.json", "bad key with spaces", e.newRequestForm(e.appKey)), "json", 400)

		// An update that closes: sign, contact, reply once, whatever the retries.
		id := e.postStreetlight(t)
		up := url.Values{"api_key": {e.deptKey}, "service_request_id": {id}, "status": {"closed"}, "description": {"灯具已更换"}}
		u1 := e.postKeyed("/open311/v2/servicerequestupdates.json", "dept-sync-77", up)
		u2 := e.postKeyed("/open311/v2/servicerequestupdates.json", "dept-sync-77", up)
		if u1.status != 200 || u2.status != 200 || !u2.replayed || !bytes.Equal(u1.body, u2.body) {
			t.Fatalf("update and retry: %d %s / %d %v %s", u1.status, u1.body, u2.status, u2.replayed, u2.body)
		}
		tk, err := e.tickets.Get(context.Background(), e.admin, id)
		must(t, err)
		if tk.Status != ticket.StatusReplied {
			t.Fatalf("after the closed update: %s", tk.Status)
		}
		if n := countRows(t, d, `SELECT COUNT(*) FROM ticket_events WHERE ticket_number = $1 AND action = 'external_update'`, id); n != 1 {
			t.Fatalf("%d external updates recorded", n)
		}
	})
}

// TestIdempotentUpdateAfterCrash: when the answer of an update was never
// stored (the server died after the commit), the retry records nothing more
// and finishes the close steps.
func TestIdempotentUpdateAfterCrash(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		e := setup(t, d)
		id := e.postStreetlight(t)
		up := url.Values{"api_key": {e.deptKey}, "service_request_id": {id}, "status": {"closed"}, "description": {"灯具已更换"}}
		u1 := e.postKeyed("/open311/v2/servicerequestupdates.json", "dept-sync-crash", up)
		if u1.status != 200 {
			t.Fatalf("update: %d %s", u1.status, u1.body)
		}
		// As if the process had died after the update's own commit: the
		// close steps and the stored answer are gone.
		ctx := context.Background()
		for _, q := range []string{
			`UPDATE idempotency_keys SET status = 0, response = '' WHERE key = 'dept-sync-crash'`,
			`DELETE FROM ticket_events WHERE ticket_number = '` + id + `' AND action IN ('sign', 'contact', 'reply')`,
			`UPDATE tickets SET status = 'dispatched', version = version - 3, reply_text = '' WHERE number = '` + id + `'`,
		} {
			if _, err := d.W.ExecContext(ctx, q); err != nil {
				t.Fatalf("%s: %v", q, err)
			}
		}
		u2 := e.postKeyed("/open311/v2/servicerequestupdates.json", "dept-sync-crash", up)
		if u2.status != 200 || u2.replayed || !bytes.Equal(u1.body, u2.body) {
			t.Fatalf("retry: %d replayed=%v %s, first %s", u2.status, u2.replayed, u2.body, u1.body)
		}
		if n := countRows(t, d, `SELECT COUNT(*) FROM ticket_events WHERE ticket_number = $1 AND action = 'external_update'`, id); n != 1 {
			t.Fatalf("%d external updates recorded", n)
		}
		tk, err := e.tickets.Get(ctx, e.admin, id)
		must(t, err)
		if tk.Status != ticket.StatusReplied {
			t.Fatalf("after the retry: %s", tk.Status)
		}
	})
}
