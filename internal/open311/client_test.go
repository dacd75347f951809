package open311_test

import (
	"context"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/gongzhi/gongzhi/internal/auth"
	"github.com/gongzhi/gongzhi/internal/db"
	"github.com/gongzhi/gongzhi/internal/db/dbtest"
	"github.com/gongzhi/gongzhi/internal/ticket"
)

func noteTypes(q map[string]any) []string {
	var out []string
	for _, n := range q["notes"].([]any) {
		out = append(out, n.(map[string]any)["type"].(string))
	}
	return out
}

// TestThirdPartyClient talks to the server as an Open311 app does: it reads
// the services and a definition, posts a form with attribute[..], follows
// the request, and sees it handled and closed by the normal loop with its
// notes, through extensions=true.
func TestThirdPartyClient(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		e := setup(t, d)
		ctx := context.Background()

		svcs := e.get("/open311/v2/services.json").list(t)
		var code string
		for _, s := range svcs {
			if s["service_name"] == "道路设施损坏" && s["metadata"] == true {
				code = s["service_code"].(string)
			}
		}
		if code == "" {
			t.Fatal("no road-damage service with metadata")
		}
		var def struct {
			Attributes []struct {
				Code     string `json:"code"`
				Required bool   `json:"required"`
				Variable bool   `json:"variable"`
				Datatype string `json:"datatype"`
				Values   []struct{ Key string }
			} `json:"attributes"`
		}
		mustJSON(t, e.get("/open311/v2/services/"+code+".json").body, &def)
		form := url.Values{"api_key": {e.appKey}, "service_code": {code}, "lat": {"40.1411"}, "long": {"117.1102"},
			"description": {"新平北路井盖丢了，有人差点掉进去，联系电话13812345678"}}
		for _, a := range def.Attributes {
			switch {
			case !a.Variable:
			case a.Datatype == "multivaluelist":
				form["attribute["+a.Code+"][]"] = []string{a.Values[0].Key, a.Values[2].Key}
			case a.Datatype == "number":
				form.Set("attribute["+a.Code+"]", "0.8")
			}
		}
		r := e.post("/open311/v2/requests.json", form)
		if r.status != 201 {
			t.Fatalf("post: %d %s", r.status, r.body)
		}
		id := r.list(t)[0]["service_request_id"].(string)

		q := e.get("/open311/v2/requests/" + id + ".json").list(t)[0]
		if q["status"] != "open" || q["agency_responsible"] != "平谷区交通局" {
			t.Fatalf("after posting: %v", q)
		}
		if strings.Contains(q["description"].(string), "13812345678") || !strings.Contains(q["description"].(string), "138****5678") {
			t.Errorf("the phone in the description is not masked: %v", q["description"])
		}

		// The ticket is an ordinary one: channel open311, dispatched by the catalogue.
		tk, err := e.tickets.Get(ctx, e.admin, id)
		if err != nil {
			t.Fatal(err)
		}
		if tk.Channel != ticket.ChannelOpen311 || tk.AssignedOrgCode != "110117-D03" || tk.Status != ticket.StatusDispatched {
			t.Fatalf("ticket %+v", tk)
		}
		if !strings.Contains(tk.Description, "损坏类型") || !strings.Contains(tk.Description, "坑槽") {
			t.Errorf("attribute answers are not in the description: %q", tk.Description)
		}

		// The normal loop, by the department that got it and the dispatcher.
		// Road damage goes to the transport bureau: one of its handlers works it.
		_, err = e.auth.CreateUser(ctx, auth.System(), auth.NewUser{Username: "transport-handler", Password: "password-123", Role: auth.RoleHandler,
			OrgCode: tk.AssignedOrgCode, AreaCode: "110117"})
		must(t, err)
		sess, err := e.auth.Login(ctx, "transport-handler", "password-123", auth.KindAPI)
		must(t, err)
		h := sess.User
		for _, step := range []struct {
			u      auth.User
			action string
			in     ticket.ActionInput
		}{
			{h, ticket.ActionSign, ticket.ActionInput{}},
			{h, ticket.ActionContact, ticket.ActionInput{Note: "已电话联系"}},
			{h, ticket.ActionReply, ticket.ActionInput{ReplyText: "井盖已补装，路面已修复。", Resolved: boolp(true)}},
			{e.dispatcher, ticket.ActionRate, ticket.ActionInput{Resolved: boolp(true), Satisfaction: ticket.Satisfied}},
		} {
			e.clock.Advance(time.Hour)
			if _, err := e.tickets.Act(ctx, step.u, id, step.action, step.in); err != nil {
				t.Fatalf("%s: %v", step.action, err)
			}
			if step.action == ticket.ActionSign {
				q = e.get("/open311/v2/requests/" + id + ".json").list(t)[0]
				if q["expected_datetime"] == nil {
					t.Errorf("no expected_datetime after signing")
				}
			}
		}

		q = e.get("/open311/v2/requests/" + id + ".json?extensions=true").list(t)[0]
		if q["status"] != "closed" || q["status_notes"] != "井盖已补装，路面已修复。" {
			t.Fatalf("after closing: %v", q)
		}
		got := strings.Join(noteTypes(q), ",")
		if got != "create,dispatch,sign,contact,reply,rate" {
			t.Errorf("notes %s", got)
		}
		ext := q["extended_attributes"].(map[string]any)
		if ext["channel"] != "open311" || ext["detailed_status"] != "closed" || ext["area_code"] != "110117" || ext["agency_code"] != "110117-D03" {
			t.Errorf("extended_attributes %v", ext)
		}
		// the closed request is found by status=closed and not by status=open
		if n := len(e.get("/open311/v2/requests.json?status=closed").list(t)); n != 1 {
			t.Errorf("status=closed: %d", n)
		}
		if n := len(e.get("/open311/v2/requests.json?status=open").list(t)); n != 0 {
			t.Errorf("status=open: %d", n)
		}
	})
}

func boolp(b bool) *bool { return &b }

// TestServiceRequestUpdates: the department's own system posts the status
// back; only the unit the ticket is assigned to may.
func TestServiceRequestUpdates(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		e := setup(t, d)
		id := e.postStreetlight(t)

		// A key of another unit may not update it.
		wantError(t, e.post("/open311/v2/servicerequestupdates.json", url.Values{"api_key": {e.appKey}, "service_request_id": {id},
			"status": {"closed"}, "description": {"done"}}), "json", 403)
		wantError(t, e.post("/open311/v2/servicerequestupdates.xml", url.Values{"api_key": {e.deptKey}, "service_request_id": {id},
			"status": {"fixed"}, "description": {"done"}}), "xml", 400)
		wantError(t, e.post("/open311/v2/servicerequestupdates.json", url.Values{"api_key": {e.deptKey}, "service_request_id": {"20990101000001"},
			"status": {"open"}, "description": {"x"}}), "json", 404)

		// An open update is a note.
		r := e.post("/open311/v2/servicerequestupdates.json", url.Values{"api_key": {e.deptKey}, "service_request_id": {id},
			"status": {"OPEN"}, "description": {"已安排维修班组"}, "updated_datetime": {"2026-03-02T10:00:00+08:00"}})
		if r.status != 200 {
			t.Fatalf("open update: %d %s", r.status, r.body)
		}
		if uid, _ := r.list(t)[0]["update_id"].(string); !strings.HasPrefix(uid, id+"-") {
			t.Errorf("update_id %q", uid)
		}
		// A closed update is the unit's answer: signed, contacted, replied.
		r = e.post("/open311/v2/servicerequestupdates.xml", url.Values{"api_key": {e.deptKey}, "service_request_id": {id},
			"status": {"closed"}, "description": {"灯具已更换"}})
		if r.status != 200 || r.xml(t).XMLName.Local != "service_request_updates" {
			t.Fatalf("closed update: %d %s", r.status, r.body)
		}
		tk, err := e.tickets.Get(context.Background(), e.admin, id)
		if err != nil {
			t.Fatal(err)
		}
		if tk.Status != ticket.StatusReplied || tk.ReplyText != "灯具已更换" || tk.ReplyResolved == nil || !*tk.ReplyResolved {
			t.Fatalf("after closed update: %s %q", tk.Status, tk.ReplyText)
		}
		q := e.get("/open311/v2/requests/" + id + ".json?extensions=true").list(t)[0]
		if got := strings.Join(noteTypes(q), ","); got != "create,dispatch,external_update,external_update,sign,contact,reply" {
			t.Errorf("notes %s", got)
		}
		// Replied is still open until the reporter's rating closes it.
		if q["status"] != "open" || q["status_notes"] != "灯具已更换" {
			t.Errorf("status %v %v", q["status"], q["status_notes"])
		}
		// A revoked key stops working.
		keys, err := e.auth.ListAPIKeys(context.Background(), e.admin)
		if err != nil {
			t.Fatal(err)
		}
		for _, k := range keys {
			if k.UserID == e.dept.ID {
				if k.UseCount != 4 || k.LastUsedAt == nil {
					t.Errorf("use of the department key: %d %v", k.UseCount, k.LastUsedAt)
				}
				if err := e.auth.RevokeAPIKey(context.Background(), e.admin, k.ID); err != nil {
					t.Fatal(err)
				}
			}
		}
		wantError(t, e.post("/open311/v2/servicerequestupdates.json", url.Values{"api_key": {e.deptKey}, "service_request_id": {id},
			"status": {"open"}, "description": {"x"}}), "json", 403)
	})
}

// TestAPIKeyHandlers: POST /api/v1/apikeys shows the key once; the key works
// for Open311 at once; revoking it stops it.
