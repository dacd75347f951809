package open311_test

import (
	"context"
	"fmt"
	"math"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/gongzhi/gongzhi/internal/auth"
	"github.com/gongzhi/gongzhi/internal/db"
	"github.com/gongzhi/gongzhi/internal/db/dbtest"
	"github.com/gongzhi/gongzhi/internal/demo"
	"github.com/gongzhi/gongzhi/internal/ticket"
)

// TestPersonalDataMasked: phones in any spacing or width, ID-card numbers
// and room numbers written into a request's text do not leave through
// Open311, in the request, its reply or its notes, in JSON or XML; the
// location is shown to about 100 m, and a box drawn around the exact point
// does not find it; staff still see everything.
func TestPersonalDataMasked(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		e := setup(t, d)
		ctx := context.Background()
		agent := login(t, e.auth, "demo-agent")
		lat, lng := 40.1409734, 117.1212345
		desc := "楼道灯坏了。电话138 1234 5678，或１３８１２３４５６７８，或139-8765-4321，身份证11010119900307123X，住3号楼2单元501室"
		tk, err := e.tickets.Create(ctx, &agent, ticket.NewTicket{CategoryCode: "0101", Description: desc, Lat: &lat, Lng: &lng,
			Address: "新平北路38号院3-2-501", AreaCode: demo.DistrictCode, ReporterPhone: "13900000001", ReporterName: "李四"})
		must(t, err)
		if tk.Status == ticket.StatusRegistered {
			_, err = e.tickets.Act(ctx, e.dispatcher, tk.Number, ticket.ActionDispatch, ticket.ActionInput{OrgCode: demo.OrgUrbanMgmt, Note: "请城管委处理，报告人电话 13712345678"})
			must(t, err)
		}
		full, err := e.tickets.Get(ctx, e.admin, tk.Number)
		must(t, err)
		_, err = e.auth.CreateUser(ctx, auth.System(), auth.NewUser{Username: "unit-handler", Password: "password-123", Role: auth.RoleHandler,
			OrgCode: full.AssignedOrgCode, AreaCode: demo.DistrictCode})
		must(t, err)
		s, err := e.auth.Login(ctx, "unit-handler", "password-123", auth.KindAPI)
		must(t, err)
		h := s.User
		for _, step := range []struct {
			action string
			in     ticket.ActionInput
		}{
			{ticket.ActionSign, ticket.ActionInput{Note: "已签收，回电 010-62345678"}},
			{ticket.ActionContact, ticket.ActionInput{}},
			{ticket.ActionReply, ticket.ActionInput{ReplyText: "已修好，有问题请打 0１0 6234 5678 或 13612345678", Resolved: boolp(true)}},
		} {
			if _, err := e.tickets.Act(ctx, h, tk.Number, step.action, step.in); err != nil {
				t.Fatalf("%s: %v", step.action, err)
			}
		}
		leaks := regexp.MustCompile(`1234.?5678|8765.?4321|62345678|6234 5678|１２３４|19900307|501`)
		for _, path := range []string{"/open311/v2/requests.json?extensions=true", "/open311/v2/requests.xml?extensions=true",
			"/open311/v2/requests/" + tk.Number + ".json?extensions=true", "/open311/v2/requests/" + tk.Number + ".xml?extensions=true"} {
			r := e.get(path)
			if r.status != 200 {
				t.Fatalf("%s: %d %s", path, r.status, r.body)
			}
			if m := leaks.Find(r.body); m != nil {
				t.Errorf("%s shows %q:\n%s", path, m, r.body)
			}
			for _, keep := range []string{"138", "5678", "新平北路38号院", "3号楼2单元"} {
				if !strings.Contains(string(r.body), keep) {
					t.Errorf("%s lost %q:\n%s", path, keep, r.body)
				}
			}
			if strings.Contains(string(r.body), "40.1409734") || strings.Contains(string(r.body), "117.1212345") {
				t.Errorf("%s shows the exact location:\n%s", path, r.body)
			}
		}
		q := e.get("/open311/v2/requests/" + tk.Number + ".json").list(t)[0]
		plat, plng := q["lat"].(float64), q["long"].(float64)
		if dy, dx := (plat-lat)*111320, (plng-lng)*111320*math.Cos(lat*math.Pi/180); math.Hypot(dx, dy) > 100 {
			t.Errorf("public point %v,%v is %.0f m from the ticket", plat, plng, math.Hypot(dx, dy))
		}
		// A small box around the exact point that leaves out the shown one.
		box := fmt.Sprintf("%f,%f,%f,%f", lng-0.00002, lat-0.00002, lng+0.00002, lat+0.00002)
		if math.Abs(plat-lat) > 0.00002 || math.Abs(plng-lng) > 0.00002 {
			for _, r := range e.get("/open311/v2/requests.json?bbox=" + box).list(t) {
				if r["service_request_id"] == tk.Number {
					t.Errorf("a box around the exact point finds the request")
				}
			}
		}
		// Staff see the text and the point as they are.
		full, err = e.tickets.Get(ctx, e.admin, tk.Number)
		must(t, err)
		if full.Description != desc || *full.Lat != lat || *full.Lng != lng {
			t.Errorf("staff view changed: %q %v %v", full.Description, *full.Lat, *full.Lng)
		}
	})
}

// TestExtrasCleanedAndMasked: what an Open311 client sends besides the
// ticket (address_id, attribute answers) is stored without invisible format
// characters and shown with personal numbers masked.
func TestExtrasCleanedAndMasked(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		e := setup(t, d)
		r := e.post("/open311/v2/requests.json", url.Values{"api_key": {e.appKey}, "service_code": {"0304"}, "lat": {"40.14"}, "long": {"117.12"},
			"description": {"路灯不亮"}, "address_id": {"3号楼2单元501\u202e室"}, "attribute[problem]": {"out"}, "attribute[pole_number]": {"PG-01\u200b23"}})
		if r.status != 201 {
			t.Fatalf("post: %d %s", r.status, r.body)
		}
		id := r.list(t)[0]["service_request_id"].(string)
		q := e.get("/open311/v2/requests/" + id + ".json").list(t)[0]
		if q["address_id"] != "3号楼2单元***室" {
			t.Errorf("address_id %q", q["address_id"])
		}
		ex, err := e.tickets.ExternalInfo(context.Background(), []string{id})
		must(t, err)
		if got := ex[id].Attributes["pole_number"]; len(got) != 1 || got[0] != "PG-0123" {
			t.Errorf("pole_number stored as %q", got)
		}
	})
}
