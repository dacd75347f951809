package proposal_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/gongzhi/gongzhi/internal/auth"
	"github.com/gongzhi/gongzhi/internal/clock"
	"github.com/gongzhi/gongzhi/internal/db"
	"github.com/gongzhi/gongzhi/internal/db/dbtest"
	"github.com/gongzhi/gongzhi/internal/errs"
	"github.com/gongzhi/gongzhi/internal/gov"
	"github.com/gongzhi/gongzhi/internal/proposal"
)

type fixture struct {
	s         *proposal.Service
	d         *db.DB
	clock     *clock.Fixed
	admin     auth.User
	courtyard string
	// Staff of each level's organisation, and one of another street.
	yard, committee, office, hotline, otherOffice auth.User
	residents                                     []auth.User
	outsider                                      auth.User
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

func wantCode(t *testing.T, err error, code errs.Code, what string) {
	t.Helper()
	if !errs.Is(err, code) {
		t.Fatalf("%s: got %v, want %s", what, err, code)
	}
}

func staff(id string, role auth.Role, org, area string) auth.User {
	return auth.User{ID: id, Username: id, Role: role, OrgCode: org, AreaCode: area}
}

func resident(phone string) auth.User {
	return auth.User{ID: "r" + phone, Role: auth.RoleResident, Phone: phone}
}

func setup(t *testing.T, d *db.DB, at time.Time) *fixture {
	ctx := context.Background()
	c := clock.NewFixed(at)
	g := gov.NewService(d, c)
	for _, a := range []gov.Area{
		{Code: "110117", Name: "平谷区", Level: gov.LevelDistrict, Population: 457313},
		{Code: "110117001", ParentCode: "110117", Name: "滨河街道", Level: gov.LevelStreet, Population: 30000},
		{Code: "110117001001", ParentCode: "110117001", Name: "承平里社区", Level: gov.LevelCommunity, Population: 3000},
		{Code: "110117002", ParentCode: "110117", Name: "兴谷街道", Level: gov.LevelStreet},
	} {
		must(t, g.UpsertArea(ctx, a))
	}
	for _, o := range []gov.Org{
		{Code: "HOT", Name: "12345热线中心", Kind: gov.KindHotlineCenter, AreaCode: "110117"},
		{Code: "S1", Name: "滨河街道办事处", Kind: gov.KindStreetOffice, AreaCode: "110117001"},
		{Code: "S2", Name: "兴谷街道办事处", Kind: gov.KindStreetOffice, AreaCode: "110117002"},
		{Code: "CC1", Name: "承平里社区居委会", Kind: gov.KindCommunityCommittee, AreaCode: "110117001001"},
	} {
		must(t, g.UpsertOrg(ctx, o))
	}
	f := &fixture{s: proposal.NewService(d, c, g), d: d, clock: c, admin: auth.System()}
	f.committee = staff("u-cc", auth.RoleHandler, "CC1", "110117001001")
	yard, err := f.s.CreateCourtyard(ctx, f.committee, "110117001001", "承平里一号院")
	must(t, err)
	f.courtyard = yard.Code
	_, err = f.s.SetPopulation(ctx, f.admin, yard.Code, 120)
	must(t, err)
	must(t, g.UpsertOrg(ctx, gov.Org{Code: "PY", Name: "一号院物业", Kind: gov.KindPropertyCompany, AreaCode: yard.Code}))
	f.yard = staff("u-py", auth.RoleHandler, "PY", yard.Code)
	f.office = staff("u-s1", auth.RoleHandler, "S1", "110117001")
	f.hotline = staff("u-hot", auth.RoleDispatcher, "HOT", "110117")
	f.otherOffice = staff("u-s2", auth.RoleHandler, "S2", "110117002")
	for i := 0; i < 8; i++ {
		r := resident(fmt.Sprintf("1390000%04d", i))
		_, err := f.s.VerifyResident(ctx, f.committee, yard.Code, r.Phone)
		must(t, err)
		f.residents = append(f.residents, r)
	}
	f.outsider = resident("13700000000")
	_, err = f.s.VerifyResident(ctx, f.otherOffice, "110117002", f.outsider.Phone)
	must(t, err)
	return f
}

var monday = time.Date(2026, 11, 30, 10, 0, 0, 0, clock.BusinessZone())

func (f *fixture) raise(t *testing.T, level gov.Level, area string) proposal.Proposal {
	t.Helper()
	p, err := f.s.Create(context.Background(), f.residents[0], proposal.New{Level: level, AreaCode: area, Title: "加装电梯", Body: "一号院老人多，希望加装电梯。"})
	must(t, err)
	return p
}

// cosignAll has residents 1… co-sign until the proposal is accepted.
func (f *fixture) cosignAll(t *testing.T, p proposal.Proposal) proposal.Proposal {
	t.Helper()
	for i := 1; int64(i) <= p.Threshold && p.Status == proposal.StatusCollecting; i++ {
		var err error
		p, err = f.s.Cosign(context.Background(), f.residents[i], p.Number)
		must(t, err)
	}
	return p
}

func TestThreshold(t *testing.T) {
	r := proposal.DefaultRules()
	for _, c := range []struct {
		level gov.Level
		pop   int64
		want  int64
	}{
		{gov.LevelCourtyard, 0, 5}, {gov.LevelCourtyard, 499, 5}, {gov.LevelCourtyard, 501, 6}, {gov.LevelCourtyard, 1000, 10},
		{gov.LevelCommunity, 0, 20}, {gov.LevelCommunity, 4000, 20}, {gov.LevelCommunity, 4001, 21}, {gov.LevelCommunity, 10000, 50},
		{gov.LevelStreet, 0, 100}, {gov.LevelStreet, 100000, 100}, {gov.LevelStreet, 100001, 101}, {gov.LevelStreet, 250000, 250},
		{gov.LevelDistrict, 0, 500}, {gov.LevelDistrict, 1000000, 500}, {gov.LevelDistrict, 1000001, 501}, {gov.LevelDistrict, 457313 * 3, 686},
		{gov.LevelDistrict, -5, 500}, {gov.LevelDistrict, 1 << 62, 50000},
	} {
		if got := r.Threshold(c.level, c.pop); got != c.want {
			t.Errorf("%s of %d: %d, want %d", c.level, c.pop, got, c.want)
		}
	}
	r, err := proposal.ParseRules("street=200/20, collect=14")
	if err != nil || r.Threshold(gov.LevelStreet, 150000) != 300 || r.CollectDays != 14 || r.AnswerDays != 10 || r.Threshold(gov.LevelCourtyard, 0) != 5 {
		t.Errorf("parsed rules: %+v %v", r, err)
	}
	for _, s := range []string{"street=0/20", "town=5/1", "collect=x", "answer=0", "street"} {
		if _, err := proposal.ParseRules(s); err == nil {
			t.Errorf("rules %q passed", s)
		}
	}
	bad := proposal.DefaultRules()
	bad.Levels[gov.LevelStreet] = proposal.LevelRule{Floor: 0, RatePer10k: 10}
	if bad.Check() == nil {
		t.Error("a floor of 0 passed")
	}
}

func TestCosignRules(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		f := setup(t, d, monday)
		_, err := f.s.Create(ctx, f.outsider, proposal.New{Level: gov.LevelCourtyard, AreaCode: f.courtyard, Title: "x", Body: "y"})
		wantCode(t, err, errs.Forbidden, "outsider raises")
		_, err = f.s.Create(ctx, f.residents[0], proposal.New{Level: gov.LevelStreet, AreaCode: f.courtyard, Title: "x", Body: "y"})
		wantCode(t, err, errs.Invalid, "level does not match")
		_, err = f.s.Create(ctx, f.committee, proposal.New{Level: gov.LevelCourtyard, AreaCode: f.courtyard, Title: "x", Body: "y"})
		wantCode(t, err, errs.Forbidden, "staff raises")
		_, err = f.s.Create(ctx, f.residents[0], proposal.New{Level: gov.LevelCourtyard, AreaCode: f.courtyard, Title: "x", Body: "y", Tickets: []string{"20261130000001"}})
		wantCode(t, err, errs.Invalid, "a ticket not hers")
		p := f.raise(t, gov.LevelCourtyard, f.courtyard)
		if p.Status != proposal.StatusCollecting || p.Threshold != 5 || !p.Mine || !p.CollectUntil.Equal(monday.AddDate(0, 0, 30)) {
			t.Fatalf("raised: %+v", p)
		}
		_, err = f.s.Cosign(ctx, f.residents[0], p.Number)
		wantCode(t, err, errs.Conflict, "proposer co-signs")
		if proposal.OffersCosign(f.residents[0], p) {
			t.Error("the proposer is offered to co-sign")
		}
		if seen, err := f.s.Get(ctx, f.residents[1], p.Number); err != nil || !proposal.OffersCosign(f.residents[1], seen) {
			t.Errorf("a neighbour is not offered to co-sign: %v", err)
		}
		p, err = f.s.Cosign(ctx, f.residents[1], p.Number)
		must(t, err)
		if p.Cosigns != 1 || !p.Cosigned || proposal.OffersCosign(f.residents[1], p) {
			t.Fatalf("co-signed: %+v", p)
		}
		_, err = f.s.Cosign(ctx, f.residents[1], p.Number)
		wantCode(t, err, errs.Conflict, "co-sign twice")
		_, err = f.s.Cosign(ctx, f.outsider, p.Number)
		wantCode(t, err, errs.Forbidden, "outsider co-signs")
		_, err = f.s.Cosign(ctx, f.committee, p.Number)
		wantCode(t, err, errs.Forbidden, "staff co-signs")
		_, err = f.s.Get(ctx, f.outsider, p.Number)
		wantCode(t, err, errs.NotFound, "outsider reads")
		_, err = f.s.Get(ctx, f.otherOffice, p.Number)
		wantCode(t, err, errs.NotFound, "another street reads")
		for _, u := range []auth.User{f.residents[5], f.committee, f.office, f.hotline, f.admin} {
			if _, err := f.s.Get(ctx, u, p.Number); err != nil {
				t.Errorf("%s reads: %v", u.ID, err)
			}
		}
		page, err := f.s.List(ctx, f.outsider, proposal.Filter{})
		must(t, err)
		if len(page.Items) != 0 {
			t.Errorf("outsider lists %d", len(page.Items))
		}
		page, err = f.s.List(ctx, f.residents[3], proposal.Filter{AreaCode: "110117001", Status: proposal.StatusCollecting})
		must(t, err)
		if len(page.Items) != 1 {
			t.Errorf("resident lists %d", len(page.Items))
		}
		_, err = f.s.Answer(ctx, f.admin, p.Number, proposal.Answer{Decision: proposal.Adopt, Text: "好"})
		wantCode(t, err, errs.Conflict, "answer while collecting")
	})
}

func TestLapse(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		f := setup(t, d, monday)
		p := f.raise(t, gov.LevelCourtyard, f.courtyard)
		_, err := f.s.Cosign(ctx, f.residents[1], p.Number)
		must(t, err)
		f.clock.Advance(30 * 24 * time.Hour)
		_, err = f.s.Cosign(ctx, f.residents[3], p.Number)
		wantCode(t, err, errs.Conflict, "co-sign after the period, before the sweep")
		f.clock.Advance(-time.Minute)
		n, err := f.s.Lapse(ctx)
		must(t, err)
		if n != 0 {
			t.Fatalf("lapsed early: %d", n)
		}
		f.clock.Advance(time.Minute)
		n, err = f.s.Lapse(ctx)
		must(t, err)
		if n != 1 {
			t.Fatalf("lapsed: %d", n)
		}
		p, err = f.s.Get(ctx, f.residents[0], p.Number)
		must(t, err)
		if p.Status != proposal.StatusLapsed || p.Cosigns != 1 {
			t.Fatalf("after lapse: %+v", p)
		}
		_, err = f.s.Cosign(ctx, f.residents[2], p.Number)
		wantCode(t, err, errs.Conflict, "co-sign a lapsed proposal")
	})
}

func TestAcceptDueOnWorkingDays(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		eve := time.Date(2026, 9, 30, 10, 0, 0, 0, clock.BusinessZone()) // the eve of National Day
		f := setup(t, d, eve)
		p := f.cosignAll(t, f.raise(t, gov.LevelCourtyard, f.courtyard))
		if p.Status != proposal.StatusAccepted || p.Cosigns != 5 || p.OrgCode != "PY" {
			t.Fatalf("accepted: %+v", p)
		}
		// 10 working days after 30 September skip 1–7 October and count the
		// Saturday 10 October, made a working day.
		want := time.Date(2026, 10, 20, 10, 0, 0, 0, clock.BusinessZone())
		if p.AnswerDue == nil || !p.AnswerDue.Equal(want) {
			t.Fatalf("due %v, want %v", p.AnswerDue, want)
		}
		var n int
		must(t, d.R.QueryRow(`SELECT COUNT(*) FROM notifications WHERE kind = 'proposal' AND (phone = $1 OR org_code = 'PY')`, f.residents[0].Phone).Scan(&n))
		if n != 2 {
			t.Errorf("notifications: %d", n)
		}
		page, err := f.s.List(ctx, f.yard, proposal.Filter{Due: true})
		must(t, err)
		if len(page.Items) != 1 || f.s.Light(page.Items[0]) != "green" {
			t.Errorf("due list: %+v", page.Items)
		}
		f.clock.Set(want.Add(time.Hour))
		if l := f.s.Light(page.Items[0]); l != "red" {
			t.Errorf("light overdue: %s", l)
		}
		p, err = f.s.Answer(ctx, f.yard, p.Number, proposal.Answer{Decision: proposal.Adopt, Text: "同意，已报计划"})
		must(t, err)
		if p.Status != proposal.StatusAdopted || !p.AnsweredLate {
			t.Fatalf("late answer: %+v", p)
		}
		counts, err := f.s.AnswerCounts(ctx, eve, want.AddDate(0, 0, 1))
		must(t, err)
		if counts["PY"] != [2]int64{1, 0} {
			t.Errorf("answer counts (one late): %v", counts)
		}
		// Another accepted and left unanswered past its time counts as due
		// and not on time; before its time it does not count.
		q := f.cosignAll(t, f.raise(t, gov.LevelCourtyard, f.courtyard))
		counts, err = f.s.AnswerCounts(ctx, eve, q.AnswerDue.AddDate(0, 1, 0))
		must(t, err)
		if counts["PY"] != [2]int64{1, 0} {
			t.Errorf("answer counts before the second is due: %v", counts)
		}
		f.clock.Set(q.AnswerDue.Add(time.Minute))
		counts, err = f.s.AnswerCounts(ctx, eve, q.AnswerDue.AddDate(0, 1, 0))
		must(t, err)
		if counts["PY"] != [2]int64{2, 0} {
			t.Errorf("answer counts with one overdue: %v", counts)
		}
		acts, err := f.s.Participants(ctx, eve, f.clock.Now())
		must(t, err)
		if len(acts) != 6 { // the proposer and five co-signers, once each
			t.Errorf("participants: %v", acts)
		}
		_, err = f.s.ReportProgress(ctx, f.yard, p.Number, proposal.Progress{Text: "已开工", Percent: 101})
		wantCode(t, err, errs.Invalid, "percent over 100")
		p, err = f.s.ReportProgress(ctx, f.yard, p.Number, proposal.Progress{Text: "已开工", Percent: 40})
		must(t, err)
		p, err = f.s.ReportProgress(ctx, f.yard, p.Number, proposal.Progress{Text: "电梯投入使用", Done: true})
		must(t, err)
		if p.Status != proposal.StatusDone || p.Progress != 100 {
			t.Fatalf("done: %+v", p)
		}
	})
}

func TestEscalationThroughLevels(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		f := setup(t, d, monday)
		p := f.cosignAll(t, f.raise(t, gov.LevelCourtyard, f.courtyard))
		steps := []struct {
			by           auth.User
			level        gov.Level
			area, org    string
			wrong        auth.User
			decision     string
			wantStatus   proposal.Status
			wantConflict bool
		}{
			{f.yard, gov.LevelCommunity, "110117001001", "CC1", f.office, proposal.Escalate, proposal.StatusEscalated, false},
			{f.committee, gov.LevelStreet, "110117001", "S1", f.yard, proposal.Escalate, proposal.StatusEscalated, false},
			{f.office, gov.LevelDistrict, "110117", "HOT", f.otherOffice, proposal.Escalate, proposal.StatusEscalated, false},
		}
		for i, st := range steps {
			_, err := f.s.Answer(ctx, st.wrong, p.Number, proposal.Answer{Decision: st.decision, Text: "提级"})
			if err == nil {
				t.Fatalf("step %d: %s answered", i, st.wrong.ID)
			}
			f.clock.Advance(24 * time.Hour)
			p, err = f.s.Answer(ctx, st.by, p.Number, proposal.Answer{Decision: st.decision, Text: "需上级统筹"})
			must(t, err)
			if p.Status != st.wantStatus || p.Level != st.level || p.AreaCode != st.area || p.OrgCode != st.org {
				t.Fatalf("step %d: %+v", i, p)
			}
			if want := f.s.Rules().AnswerDays; p.AnswerDue == nil || !p.AnswerDue.After(f.clock.Now().AddDate(0, 0, want)) {
				t.Fatalf("step %d: due %v", i, p.AnswerDue)
			}
		}
		_, err := f.s.Answer(ctx, f.hotline, p.Number, proposal.Answer{Decision: proposal.Escalate, Text: "再提级"})
		wantCode(t, err, errs.Conflict, "district escalates")
		_, err = f.s.Answer(ctx, f.hotline, p.Number, proposal.Answer{Decision: proposal.Reject, Text: ""})
		wantCode(t, err, errs.Invalid, "reject without reasons")
		_, err = f.s.Answer(ctx, f.residents[0], p.Number, proposal.Answer{Decision: proposal.Reject, Text: "不行"})
		wantCode(t, err, errs.Forbidden, "the proposer answers")
		p, err = f.s.Answer(ctx, f.hotline, p.Number, proposal.Answer{Decision: proposal.Reject, Text: "超出财力，纳入明年规划研究"})
		must(t, err)
		if p.Status != proposal.StatusRejected || p.OriginAreaCode != f.courtyard {
			t.Fatalf("rejected: %+v", p)
		}
		evs, err := f.s.Events(ctx, f.residents[0], p.Number)
		must(t, err)
		var kinds []string
		for _, e := range evs {
			kinds = append(kinds, e.Kind)
		}
		want := "create cosign cosign cosign cosign cosign accept answer escalate answer escalate answer escalate answer"
		if strings.Join(kinds, " ") != want {
			t.Errorf("history: %v", kinds)
		}
		// The original residents still read it, now a district proposal.
		if _, err := f.s.Get(ctx, f.residents[6], p.Number); err != nil {
			t.Errorf("resident reads the escalated proposal: %v", err)
		}
	})
}

func TestResidenceAndCourtyards(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		f := setup(t, d, monday)
		if f.courtyard != "110117001001001" {
			t.Fatalf("courtyard code %s", f.courtyard)
		}
		second, err := f.s.CreateCourtyard(ctx, f.admin, "110117001001", "承平里二号院")
		must(t, err)
		if second.Code != "110117001001002" {
			t.Errorf("second courtyard %s", second.Code)
		}
		_, err = f.s.CreateCourtyard(ctx, f.office, "110117001001", "三号院")
		wantCode(t, err, errs.Forbidden, "street staff create a courtyard")
		_, err = f.s.CreateCourtyard(ctx, f.admin, "110117001", "街道下的院")
		wantCode(t, err, errs.Invalid, "courtyard under a street")
		_, err = f.s.VerifyResident(ctx, f.otherOffice, f.courtyard, "13800138000")
		wantCode(t, err, errs.Forbidden, "another street verifies")
		_, err = f.s.VerifyResident(ctx, f.office, f.courtyard, "1380013")
		wantCode(t, err, errs.Invalid, "bad phone")
		_, err = f.s.SetPopulation(ctx, f.office, f.courtyard, 10)
		wantCode(t, err, errs.Forbidden, "staff set a population")
		res, err := f.s.ImportResidents(ctx, f.office, strings.NewReader("phone,area_code\n+86 138 0013 8001,"+f.courtyard+"\n13800138002,110117002\nbad,"+f.courtyard+"\n"))
		must(t, err)
		if res.Done != 1 || len(res.Errors) != 2 {
			t.Errorf("import: %+v", res)
		}
		areas, err := f.s.ResidentAreas(ctx, "13800138001")
		must(t, err)
		if len(areas) != 1 || areas[0].Source != proposal.SourceImport {
			t.Errorf("areas: %+v", areas)
		}
		levels, err := f.s.ProposalAreas(ctx, resident("13800138001"))
		must(t, err)
		if len(levels) != 4 || levels[0].Code != f.courtyard || levels[3].Code != "110117" {
			t.Errorf("proposal areas: %+v", levels)
		}
		pop, err := f.s.ImportPopulation(ctx, f.admin, strings.NewReader("area_code,population\n110117001001,5000\nnope,1\n110117001,-1\n"))
		must(t, err)
		if pop.Done != 1 || len(pop.Errors) != 2 {
			t.Errorf("population import: %+v", pop)
		}
		p, err := f.s.Create(ctx, resident("13800138001"), proposal.New{Level: gov.LevelCommunity, AreaCode: "110117001001", Title: "社区议题", Body: "内容"})
		must(t, err)
		if p.Threshold != 25 || p.Population != 5000 {
			t.Errorf("community threshold %d of %d", p.Threshold, p.Population)
		}
	})
}

func TestListPages(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		f := setup(t, d, monday)
		var numbers []string
		for i := 0; i < 3; i++ {
			numbers = append(numbers, f.raise(t, gov.LevelCourtyard, f.courtyard).Number)
		}
		if numbers[0] != "TA202611300001" || numbers[2] != "TA202611300003" {
			t.Fatalf("numbers: %v", numbers)
		}
		page, err := f.s.List(ctx, f.residents[4], proposal.Filter{Limit: 2})
		must(t, err)
		if len(page.Items) != 2 || page.Items[0].Number != numbers[2] || page.Next != numbers[1] {
			t.Fatalf("first page: %+v next %q", page.Items, page.Next)
		}
		page, err = f.s.List(ctx, f.residents[4], proposal.Filter{Limit: 2, Cursor: page.Next})
		must(t, err)
		if len(page.Items) != 1 || page.Items[0].Number != numbers[0] || page.Next != "" {
			t.Fatalf("second page: %+v next %q", page.Items, page.Next)
		}
		mine, err := f.s.List(ctx, f.residents[0], proposal.Filter{Mine: true})
		must(t, err)
		if len(mine.Items) != 3 || !mine.Items[0].Mine {
			t.Errorf("mine: %d", len(mine.Items))
		}
		_, err = f.s.List(ctx, f.residents[0], proposal.Filter{Limit: 101})
		wantCode(t, err, errs.Invalid, "limit over the most")
		_, err = f.s.List(ctx, auth.User{Role: auth.RoleAuditor}, proposal.Filter{})
		wantCode(t, err, errs.Forbidden, "the auditor lists")
	})
}

// TestConcurrentCosigns: residents co-signing at once are each counted once
// and the proposal is accepted once.
func TestConcurrentCosigns(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		f := setup(t, d, monday)
		p := f.raise(t, gov.LevelCourtyard, f.courtyard)
		errc := make(chan error, 7)
		for i := 1; i < 8; i++ {
			go func(u auth.User) {
				_, err := f.s.Cosign(ctx, u, p.Number)
				errc <- err
			}(f.residents[i])
		}
		ok := 0
		for i := 1; i < 8; i++ {
			if err := <-errc; err == nil {
				ok++
			} else if !errs.Is(err, errs.Conflict) {
				t.Errorf("co-sign: %v", err)
			}
		}
		p, err := f.s.Get(ctx, f.residents[0], p.Number)
		must(t, err)
		if p.Status != proposal.StatusAccepted || p.Cosigns != int64(ok) || ok < 5 {
			t.Fatalf("after %d co-signatures: %+v", ok, p)
		}
		evs, err := f.s.Events(ctx, f.residents[0], p.Number)
		must(t, err)
		accepts := 0
		for _, e := range evs {
			if e.Kind == "accept" {
				accepts++
			}
		}
		if accepts != 1 {
			t.Errorf("accepted %d times", accepts)
		}
	})
}

// A resident has at most MaxCollecting proposals collecting at once: the
// next is refused (409) and nothing is written.
func TestCollectingCap(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		f := setup(t, d, monday)
		for range proposal.MaxCollecting {
			f.raise(t, gov.LevelCourtyard, f.courtyard)
		}
		_, err := f.s.Create(ctx, f.residents[0], proposal.New{Level: gov.LevelCourtyard, AreaCode: f.courtyard, Title: "再提一件", Body: "内容"})
		wantCode(t, err, errs.Conflict, "one proposal too many")
		page, err := f.s.List(ctx, f.residents[0], proposal.Filter{})
		must(t, err)
		if len(page.Items) != proposal.MaxCollecting {
			t.Fatalf("%d proposals listed, want %d", len(page.Items), proposal.MaxCollecting)
		}
		if _, err := f.s.Create(ctx, f.residents[1], proposal.New{Level: gov.LevelCourtyard, AreaCode: f.courtyard, Title: "邻居的提案", Body: "内容"}); err != nil {
			t.Fatalf("another resident is refused: %v", err)
		}
	})
}

// TestVisibility: a residents-level proposal is read and listed by the
// residents of its area only; a public one by everyone, guests too; a
// proposal cannot be internal.
func TestVisibility(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		f := setup(t, d, monday)
		closed := f.raise(t, gov.LevelCourtyard, f.courtyard)
		if closed.Visibility != "residents" {
			t.Fatalf("default visibility %q", closed.Visibility)
		}
		open, err := f.s.Create(ctx, f.residents[1], proposal.New{Level: gov.LevelCourtyard, AreaCode: f.courtyard, Title: "公开的提案", Body: "请大家都看看。", Visibility: "public"})
		must(t, err)
		_, err = f.s.Create(ctx, f.residents[2], proposal.New{Level: gov.LevelCourtyard, AreaCode: f.courtyard, Title: "内部", Body: "内部", Visibility: "internal"})
		wantCode(t, err, errs.Invalid, "internal proposal")
		for _, c := range []struct {
			who  string
			u    auth.User
			want []string
		}{
			{"outsider", f.outsider, []string{open.Number}},
			{"neighbour", f.residents[5], []string{open.Number, closed.Number}},
			{"other street's staff", f.otherOffice, []string{open.Number}},
			{"office", f.office, []string{open.Number, closed.Number}},
		} {
			page, err := f.s.List(ctx, c.u, proposal.Filter{})
			must(t, err)
			var got []string
			for _, p := range page.Items {
				got = append(got, p.Number)
			}
			if strings.Join(got, ",") != strings.Join(c.want, ",") {
				t.Errorf("%s lists %v, want %v", c.who, got, c.want)
			}
		}
		if _, err := f.s.Get(ctx, auth.User{}, open.Number); err != nil {
			t.Fatalf("a guest cannot read a public proposal: %v", err)
		}
		_, err = f.s.Get(ctx, auth.User{}, closed.Number)
		wantCode(t, err, errs.NotFound, "guest reads a residents' proposal")
		_, err = f.s.Get(ctx, f.outsider, closed.Number)
		wantCode(t, err, errs.NotFound, "outsider reads a residents' proposal")
		// Reading it does not let the outsider co-sign.
		_, err = f.s.Cosign(ctx, f.outsider, open.Number)
		wantCode(t, err, errs.Forbidden, "outsider co-signs a public proposal")
	})
}

// TestOnBehalf: staff of the area raise and co-sign for residents who
// telephoned; the events say so and keep the staff member as the actor; staff
// elsewhere and residents cannot; the resident still must live there.
func TestOnBehalf(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		f := setup(t, d, monday)
		n := proposal.New{Level: gov.LevelCourtyard, AreaCode: f.courtyard, Title: "楼道照明", Body: "楼道灯坏了很久。", OnBehalfOf: "139 0000 0000"}
		_, err := f.s.Create(ctx, f.otherOffice, n)
		wantCode(t, err, errs.Forbidden, "staff of another street act")
		_, err = f.s.Create(ctx, f.residents[1], n)
		wantCode(t, err, errs.Forbidden, "a resident acts for another")
		bad := n
		bad.OnBehalfOf = "12345"
		_, err = f.s.Create(ctx, f.committee, bad)
		wantCode(t, err, errs.Invalid, "a bad phone")
		stranger := n
		stranger.OnBehalfOf = f.outsider.Phone
		_, err = f.s.Create(ctx, f.committee, stranger)
		wantCode(t, err, errs.Forbidden, "for a resident of elsewhere")
		p, err := f.s.Create(ctx, f.committee, n)
		must(t, err)
		mine, err := f.s.Get(ctx, f.residents[0], p.Number)
		must(t, err)
		if !mine.Mine {
			t.Fatalf("the resident does not find it hers: %+v", mine)
		}
		_, err = f.s.CosignFor(ctx, f.otherOffice, p.Number, f.residents[2].Phone)
		wantCode(t, err, errs.NotFound, "staff of another street co-sign for a resident")
		_, err = f.s.CosignFor(ctx, f.committee, p.Number, f.residents[0].Phone)
		wantCode(t, err, errs.Conflict, "co-sign for the proposer")
		p, err = f.s.CosignFor(ctx, f.committee, p.Number, f.residents[2].Phone)
		must(t, err)
		if p.Cosigns != 1 {
			t.Fatalf("co-signed for: %+v", p)
		}
		_, err = f.s.Cosign(ctx, f.residents[2], p.Number)
		wantCode(t, err, errs.Conflict, "the resident co-signs again herself")
		evs, err := f.s.Events(ctx, f.residents[0], p.Number)
		must(t, err)
		if len(evs) != 2 || !evs[0].OnBehalf || !evs[1].OnBehalf {
			t.Fatalf("events: %+v", evs)
		}
		var actor, phone string
		must(t, d.R.QueryRow(`SELECT actor_id, on_behalf FROM proposal_events WHERE number = $1 AND kind = 'cosign'`, p.Number).Scan(&actor, &phone))
		if actor != f.committee.ID || phone != f.residents[2].Phone {
			t.Fatalf("recorded as %q for %q", actor, phone)
		}
	})
}
