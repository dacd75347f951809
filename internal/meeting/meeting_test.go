package meeting_test

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
	"github.com/gongzhi/gongzhi/internal/disclosure"
	"github.com/gongzhi/gongzhi/internal/errs"
	"github.com/gongzhi/gongzhi/internal/gov"
	"github.com/gongzhi/gongzhi/internal/meeting"
)

const (
	street    = "110117001"
	community = "110117001001"
	courtyard = "110117001001001"
)

type fixture struct {
	s     *meeting.Service
	d     *db.DB
	clock *clock.Fixed
	admin auth.User
	// committee and office convene; hotline and property do not; other
	// convenes elsewhere.
	committee, office, hotline, property, other auth.User
	residents                                   []auth.User // living in the community
	outsider                                    auth.User
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

// A Wednesday before the National Day holidays of 2026 (1–7 October).
var wednesday = time.Date(2026, 9, 30, 10, 0, 0, 0, clock.BusinessZone())

func setup(t *testing.T, d *db.DB) *fixture {
	ctx := context.Background()
	c := clock.NewFixed(wednesday)
	g := gov.NewService(d, c)
	for _, a := range []gov.Area{
		{Code: "110117", Name: "平谷区", Level: gov.LevelDistrict},
		{Code: street, ParentCode: "110117", Name: "滨河街道", Level: gov.LevelStreet},
		{Code: community, ParentCode: street, Name: "承平里社区", Level: gov.LevelCommunity},
		{Code: courtyard, ParentCode: community, Name: "承平里一号院", Level: gov.LevelCourtyard},
		{Code: "110117002", ParentCode: "110117", Name: "兴谷街道", Level: gov.LevelStreet},
	} {
		must(t, g.UpsertArea(ctx, a))
	}
	for _, o := range []gov.Org{
		{Code: "HOT", Name: "12345热线中心", Kind: gov.KindHotlineCenter, AreaCode: "110117"},
		{Code: "S1", Name: "滨河街道办事处", Kind: gov.KindStreetOffice, AreaCode: street},
		{Code: "S2", Name: "兴谷街道办事处", Kind: gov.KindStreetOffice, AreaCode: "110117002"},
		{Code: "CC1", Name: "承平里社区居委会", Kind: gov.KindCommunityCommittee, AreaCode: community},
		{Code: "PY", Name: "一号院物业", Kind: gov.KindPropertyCompany, AreaCode: courtyard},
	} {
		must(t, g.UpsertOrg(ctx, o))
	}
	f := &fixture{s: meeting.NewService(d, c, g), d: d, clock: c, admin: auth.System()}
	f.committee = staff("u-cc", auth.RoleGridWorker, "CC1", community)
	f.office = staff("u-s1", auth.RoleHandler, "S1", street)
	f.hotline = staff("u-hot", auth.RoleDispatcher, "HOT", "110117")
	f.property = staff("u-py", auth.RoleHandler, "PY", courtyard)
	f.other = staff("u-s2", auth.RoleHandler, "S2", "110117002")
	for i := 0; i < 8; i++ {
		r := resident(fmt.Sprintf("1390000%04d", i))
		_, err := d.W.ExecContext(ctx, `INSERT INTO area_residents (area_code, phone, verified_by, verified_at, source) VALUES ($1, $2, 'u-cc', 0, 'staff')`, courtyard, r.Phone)
		must(t, err)
		f.residents = append(f.residents, r)
	}
	f.outsider = resident("13700000000")
	return f
}

func (f *fixture) create(t *testing.T, u auth.User, area string, level disclosure.Level) meeting.Meeting {
	t.Helper()
	m, err := f.s.Create(context.Background(), u, meeting.New{AreaCode: area, Title: "一号院停车难议事", Agenda: []string{"通报停车位现状", "讨论划线方案"},
		Place: "社区居委会二楼会议室", StartsAt: wednesday.Add(48 * time.Hour), Level: level})
	must(t, err)
	return m
}

// roster puts n representatives on the area's roster through the meeting:
// the first two with the phones of residents 0 and 1.
func (f *fixture) roster(t *testing.T, id string, n int) meeting.Meeting {
	t.Helper()
	kinds := []string{meeting.KindResident, meeting.KindPartyMember, meeting.KindOwnersCommittee, meeting.KindProperty, meeting.KindOrganisation}
	var reps []meeting.NewRepresentative
	for i := 0; i < n; i++ {
		r := meeting.NewRepresentative{Name: fmt.Sprintf("代表%d", i+1), Kind: kinds[i%len(kinds)], OrgName: "承平里" + fmt.Sprint(i+1)}
		if i < 2 {
			r.Phone = f.residents[i].Phone
		}
		reps = append(reps, r)
	}
	m, err := f.s.AddRepresentatives(context.Background(), f.committee, id, reps)
	must(t, err)
	return m
}

func TestQuorumFigures(t *testing.T) {
	for _, c := range []struct {
		q               meeting.Quorum
		present, roster int64
		met             bool
		needed          int64
	}{
		{meeting.Majority, 5, 10, false, 6}, // exactly half of an even roster
		{meeting.Majority, 6, 10, true, 6},
		{meeting.Majority, 3, 7, false, 4},
		{meeting.Majority, 4, 7, true, 4},
		{meeting.Majority, 1, 1, true, 1},
		{meeting.Majority, 0, 0, false, 0},
		{meeting.TwoThirds, 5, 9, false, 6},
		{meeting.TwoThirds, 6, 9, true, 6},
		{meeting.TwoThirds, 6, 10, false, 7},
		{meeting.TwoThirds, 7, 10, true, 7},
		{meeting.TwoThirds, 4, 5, true, 4},
		{meeting.TwoThirds, 3, 5, false, 4},
		{meeting.Majority, 11, 10, false, 6},
	} {
		if got := c.q.Met(c.present, c.roster); got != c.met {
			t.Errorf("%s %d of %d: met %v, want %v", c.q, c.present, c.roster, got, c.met)
		}
		if got := c.q.Needed(c.roster); got != c.needed {
			t.Errorf("%s of %d: needed %d, want %d", c.q, c.roster, got, c.needed)
		}
	}
	for _, c := range []struct {
		agree, present int64
		want           bool
	}{{2, 4, false}, {3, 4, true}, {3, 5, true}, {2, 5, false}, {0, 0, false}} {
		if got := meeting.Passed(c.agree, c.present); got != c.want {
			t.Errorf("Passed(%d, %d) = %v", c.agree, c.present, got)
		}
	}
	var q meeting.Quorum
	if err := q.Check(); err != nil || q != meeting.Majority {
		t.Errorf("default quorum: %q %v", q, err)
	}
	q = "most"
	wantCode(t, q.Check(), errs.Invalid, "unknown quorum")
}

// TestMeetingWalk takes a meeting of six from its notice to its published
// resolution, with the refusals on the way.
func TestMeetingWalk(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		f := setup(t, d)
		m := f.create(t, f.committee, courtyard, "")
		if m.Status != meeting.StatusDraft || m.Level != disclosure.Residents || m.Quorum != meeting.Majority || !m.CanRun {
			t.Fatalf("created: %+v", m)
		}
		_, err := f.s.Get(ctx, f.residents[0], m.ID)
		wantCode(t, err, errs.NotFound, "a resident reads a draft")
		_, err = f.s.Notice(ctx, f.committee, m.ID)
		wantCode(t, err, errs.Conflict, "notice to an empty roster")
		m = f.roster(t, m.ID, 6)
		if m.Roster != 6 || len(m.Members) != 6 || m.Needed != 4 {
			t.Fatalf("roster: %d members, needed %d", m.Roster, m.Needed)
		}
		_, err = f.s.Notice(ctx, f.property, m.ID)
		wantCode(t, err, errs.NotFound, "the property company notices a draft, which only those who run it read")
		_, err = f.s.SignIn(ctx, f.committee, m.ID, m.Members[2].ID)
		wantCode(t, err, errs.Invalid, "sign in before the notice: nobody is on the meeting's roster yet")
		m, err = f.s.Notice(ctx, f.office, m.ID)
		must(t, err)
		if m.Status != meeting.StatusNoticed || m.Roster != 6 {
			t.Fatalf("noticed: %s %d", m.Status, m.Roster)
		}
		var sms, notes int
		for _, x := range m.Members {
			if x.Notice == "sms" {
				sms++
			}
		}
		must(t, d.R.QueryRowContext(ctx, `SELECT COUNT(*) FROM notifications WHERE kind = 'meeting' AND text LIKE '%划线方案%'`).Scan(&notes))
		if sms != 2 || notes != 2 {
			t.Fatalf("notified %d by sms, %d notifications", sms, notes)
		}
		_, err = f.s.AddRepresentatives(ctx, f.committee, m.ID, []meeting.NewRepresentative{{Name: "迟到", Kind: meeting.KindResident}})
		wantCode(t, err, errs.Conflict, "roster after the notice")
		_, err = f.s.SignIn(ctx, f.residents[0], m.ID, "")
		wantCode(t, err, errs.Conflict, "sign in before the meeting opens")
		m, err = f.s.Open(ctx, f.committee, m.ID)
		must(t, err)

		// Sign-in: herself, twice, a neighbour who is no representative,
		// another's place, and the staff for three more.
		r0 := f.residents[0]
		mine, err := f.s.MineItems(ctx, r0)
		if err != nil || len(mine) != 1 || mine[0].Ref != m.ID || !mine[0].NeedsAction {
			t.Fatalf("her 我的事项 before signing in: %+v %v", mine, err)
		}
		if mine, err := f.s.MineItems(ctx, f.residents[5]); err != nil || len(mine) != 0 {
			t.Fatalf("no representative's 我的事项: %+v %v", mine, err)
		}
		x, err := f.s.SignIn(ctx, r0, m.ID, "")
		must(t, err)
		if mine, err := f.s.MineItems(ctx, r0); err != nil || len(mine) != 1 || mine[0].NeedsAction {
			t.Fatalf("her 我的事项 after signing in: %+v %v", mine, err)
		}
		if !x.SignedIn || x.Present != 1 || x.CanRun || x.Members[0].Name != "" {
			t.Fatalf("signed in herself: %+v", x)
		}
		_, err = f.s.SignIn(ctx, r0, m.ID, "")
		wantCode(t, err, errs.Conflict, "sign in twice")
		_, err = f.s.SignIn(ctx, f.residents[5], m.ID, "")
		wantCode(t, err, errs.Forbidden, "a resident who is no representative")
		_, err = f.s.SignIn(ctx, r0, m.ID, m.Members[2].ID)
		wantCode(t, err, errs.Forbidden, "a representative signs in another")
		_, err = f.s.SignIn(ctx, f.committee, m.ID, m.Members[0].ID)
		wantCode(t, err, errs.Conflict, "staff sign in one who signed herself")
		_, err = f.s.SignIn(ctx, f.committee, m.ID, "nobody")
		wantCode(t, err, errs.Invalid, "staff sign in one not on the roster")
		for _, i := range []int{2, 3} {
			m, err = f.s.SignIn(ctx, f.committee, m.ID, m.Members[i].ID)
			must(t, err)
		}
		if m.Present != 3 || m.QuorumMet {
			t.Fatalf("3 of 6: present %d, quorum %v", m.Present, m.QuorumMet)
		}
		hands := meeting.ResolutionInput{Text: "同意在一号院东侧划线增设12个车位", Method: meeting.MethodHands, For: 3}
		_, err = f.s.Resolve(ctx, f.committee, m.ID, hands)
		wantCode(t, err, errs.Conflict, "a resolution with exactly half present")
		m, err = f.s.SignIn(ctx, f.committee, m.ID, m.Members[4].ID)
		must(t, err)
		if m.Present != 4 || !m.QuorumMet {
			t.Fatalf("4 of 6: present %d, quorum %v", m.Present, m.QuorumMet)
		}
		over := hands
		over.Against, over.Abstain = 1, 1
		_, err = f.s.Resolve(ctx, f.committee, m.ID, over)
		wantCode(t, err, errs.Invalid, "counts over those present")
		_, err = f.s.Resolve(ctx, r0, m.ID, hands)
		wantCode(t, err, errs.Forbidden, "a representative takes a resolution")
		hands.Against = 1
		m, err = f.s.Resolve(ctx, f.committee, m.ID, hands)
		must(t, err)
		if r := m.Resolutions[0]; !r.Passed || r.For != 3 || r.Present != 4 {
			t.Fatalf("hands: %+v", r)
		}
		ballot := meeting.ResolutionInput{Text: "同意收取划线费用", Method: meeting.MethodBallot, Ballots: []meeting.Ballot{
			{RepresentativeID: m.Members[0].ID, Choice: meeting.ChoiceFor}, {RepresentativeID: m.Members[5].ID, Choice: meeting.ChoiceFor}}}
		_, err = f.s.Resolve(ctx, f.committee, m.ID, ballot)
		wantCode(t, err, errs.Invalid, "a ballot of one absent")
		ballot.Ballots[1].RepresentativeID = m.Members[2].ID
		ballot.Ballots = append(ballot.Ballots, meeting.Ballot{RepresentativeID: m.Members[3].ID, Choice: meeting.ChoiceAgainst},
			meeting.Ballot{RepresentativeID: m.Members[4].ID, Choice: meeting.ChoiceAbstain})
		m, err = f.s.Resolve(ctx, f.committee, m.ID, ballot)
		must(t, err)
		if r := m.Resolutions[1]; r.Passed || r.For != 2 || r.Against != 1 || r.Abstain != 1 || len(r.Ballots) != 4 {
			t.Fatalf("ballot, 2 of 4 for: %+v", r)
		}
		_, err = f.s.AddTask(ctx, f.committee, m.ID, meeting.NewTask{Resolution: 2, Text: "收费", OwnerOrg: "PY", Days: 5})
		wantCode(t, err, errs.Conflict, "a task on a failed resolution")

		// The record is the staff's until it is published.
		x, err = f.s.Get(ctx, f.residents[6], m.ID)
		must(t, err)
		if len(x.Resolutions) != 0 || x.Minutes != "" || x.Members[0].Name != "" || x.Members[0].Phone != "" {
			t.Fatalf("a neighbour reads the record before publication: %+v", x)
		}
		_, err = f.s.Publish(ctx, f.committee, m.ID)
		wantCode(t, err, errs.Conflict, "publish an open meeting")
		m, err = f.s.Close(ctx, f.committee, m.ID)
		must(t, err)
		_, err = f.s.SignIn(ctx, f.committee, m.ID, m.Members[5].ID)
		wantCode(t, err, errs.Conflict, "sign in after the close")
		_, err = f.s.Publish(ctx, f.committee, m.ID)
		wantCode(t, err, errs.Conflict, "publish without minutes")
		_, err = f.s.SetMinutes(ctx, f.committee, m.ID, " ")
		wantCode(t, err, errs.Invalid, "empty minutes")
		_, err = f.s.SetMinutes(ctx, f.committee, m.ID, "应到6人，实到4人。讨论了停车划线方案。")
		must(t, err)
		m, err = f.s.Publish(ctx, f.committee, m.ID)
		must(t, err)
		x, err = f.s.Get(ctx, f.residents[6], m.ID)
		must(t, err)
		if len(x.Resolutions) != 2 || x.Resolutions[0].For != 3 || x.Resolutions[0].Ballots != nil || x.Minutes == "" {
			t.Fatalf("a neighbour reads the published record: %+v", x)
		}
		for _, mem := range x.Members {
			if mem.Name != "" || mem.Phone != "" || mem.ID != "" {
				t.Fatalf("a neighbour reads a member's name: %+v", mem)
			}
		}
		_, err = f.s.Get(ctx, f.outsider, m.ID)
		wantCode(t, err, errs.NotFound, "an outsider reads a residents' meeting")
		_, err = f.s.Events(ctx, r0, m.ID)
		wantCode(t, err, errs.Forbidden, "a representative reads the log")
		evs, err := f.s.Events(ctx, f.committee, m.ID)
		must(t, err)
		var proxies, selfs, ballots int
		for _, e := range evs {
			switch {
			case e.Kind == "signin" && e.OnBehalf != "" && e.Actor == f.committee.ID:
				proxies++
			case e.Kind == "signin" && e.OnBehalf == "" && e.Actor == r0.ID:
				selfs++
			case e.Kind == "ballot" && e.OnBehalf != "":
				ballots++
			}
		}
		if proxies != 3 || selfs != 1 || ballots != 4 || evs[len(evs)-1].Kind != "publish" {
			t.Fatalf("log: %d on behalf, %d herself, %d ballots: %+v", proxies, selfs, ballots, evs)
		}
		var published int
		must(t, d.R.QueryRowContext(ctx, `SELECT COUNT(*) FROM notifications WHERE kind = 'meeting' AND text LIKE '%决议已公开%'`).Scan(&published))
		if published != 2 {
			t.Errorf("%d told of the publication", published)
		}
	})
}

func TestCreateRefusals(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		f := setup(t, d)
		n := meeting.New{AreaCode: community, Title: "议事", Agenda: []string{"一"}, Place: "会议室", StartsAt: wednesday.Add(time.Hour)}
		with := func(change func(*meeting.New)) meeting.New { x := n; x.Agenda = []string{"一"}; change(&x); return x }
		for what, c := range map[string]struct {
			u    auth.User
			n    meeting.New
			code errs.Code
		}{
			"the hotline":          {f.hotline, n, errs.Forbidden},
			"the property company": {f.property, with(func(x *meeting.New) { x.AreaCode = courtyard }), errs.Forbidden},
			"another street":       {f.other, n, errs.Forbidden},
			"a resident":           {f.residents[0], n, errs.Forbidden},
			"the district":         {f.admin, with(func(x *meeting.New) { x.AreaCode = "110117" }), errs.Invalid},
			"no such area":         {f.admin, with(func(x *meeting.New) { x.AreaCode = "110117009" }), errs.Invalid},
			"a bad quorum":         {f.committee, with(func(x *meeting.New) { x.Quorum = "most" }), errs.Invalid},
			"a bad level":          {f.committee, with(func(x *meeting.New) { x.Level = "secret" }), errs.Invalid},
			"no agenda":            {f.committee, with(func(x *meeting.New) { x.Agenda = []string{" "} }), errs.Invalid},
			"a title of two lines": {f.committee, with(func(x *meeting.New) { x.Title = "一\n二" }), errs.Invalid},
			"two years ahead":      {f.committee, with(func(x *meeting.New) { x.StartsAt = wednesday.AddDate(2, 0, 0) }), errs.Invalid},
			"a long place":         {f.committee, with(func(x *meeting.New) { x.Place = strings.Repeat("室", meeting.MaxPlace+1) }), errs.Invalid},
			"too many agenda items": {f.committee, with(func(x *meeting.New) {
				x.Agenda = make([]string, 21)
				for i := range x.Agenda {
					x.Agenda[i] = "项"
				}
			}), errs.Invalid},
		} {
			_, err := f.s.Create(ctx, c.u, c.n)
			wantCode(t, err, c.code, what)
		}
		m, err := f.s.Create(ctx, f.office, with(func(x *meeting.New) { x.Quorum = meeting.TwoThirds; x.Level = disclosure.Public }))
		must(t, err)
		if m.OrgCode != "S1" || m.Quorum != meeting.TwoThirds || !strings.HasPrefix(m.ID, "YS20260930") {
			t.Fatalf("the street office's meeting: %+v", m)
		}
	})
}

func TestRoster(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		f := setup(t, d)
		m := f.create(t, f.committee, community, "")
		csv := "姓名,类别,所在单位,手机号\n张三,居民代表,承平里一号院,13900000000\n李四,party_member,,\n王五,物业,,13900000001\n"
		_, err := f.s.ImportRoster(ctx, f.committee, m.ID, strings.NewReader(csv))
		if !errs.Is(err, errs.Invalid) || !strings.Contains(errs.As(err).Msg, "第4行") {
			t.Fatalf("a property representative without her company: %v", err)
		}
		x, err := f.s.Get(ctx, f.committee, m.ID)
		must(t, err)
		if len(x.Members) != 0 {
			t.Fatalf("a bad line wrote %d representatives", len(x.Members))
		}
		_, err = f.s.ImportRoster(ctx, f.committee, m.ID, strings.NewReader("张三,居民,,139000000\n"))
		wantCode(t, err, errs.Invalid, "a bad phone")
		_, err = f.s.ImportRoster(ctx, f.committee, m.ID, strings.NewReader("张三,居民,,13900000000\n李四,居民,,13900000000\n"))
		wantCode(t, err, errs.Invalid, "a phone twice in the file")
		_, err = f.s.ImportRoster(ctx, f.hotline, m.ID, strings.NewReader("张三,居民,,\n"))
		wantCode(t, err, errs.NotFound, "the hotline imports into a draft it may not read")
		csv = strings.Replace(csv, "王五,物业,,", "王五,物业,承平物业,", 1)
		x, err = f.s.ImportRoster(ctx, f.committee, m.ID, strings.NewReader(csv))
		must(t, err)
		if len(x.Members) != 3 || x.Members[0].Kind != meeting.KindResident || x.Members[2].Kind != meeting.KindProperty || x.Members[0].Phone != "139****0000" {
			t.Fatalf("imported: %+v", x.Members)
		}
		_, err = f.s.AddRepresentatives(ctx, f.committee, m.ID, []meeting.NewRepresentative{{Name: "赵六", Kind: meeting.KindResident, Phone: "13900000000"}})
		wantCode(t, err, errs.Conflict, "a phone on the roster already")
		// The roster is the area's: another meeting of the community has it.
		other := f.create(t, f.office, community, disclosure.Internal)
		if other.Roster != 3 {
			t.Fatalf("the other meeting's roster: %d", other.Roster)
		}
		_, err = f.s.RemoveRepresentative(ctx, f.committee, m.ID, "nobody")
		wantCode(t, err, errs.NotFound, "remove nobody")
		x, err = f.s.RemoveRepresentative(ctx, f.committee, m.ID, x.Members[1].ID)
		must(t, err)
		if len(x.Members) != 2 {
			t.Fatalf("after removal: %d", len(x.Members))
		}
		_, err = f.s.Notice(ctx, f.committee, m.ID)
		wantCode(t, err, errs.Conflict, "notice to two")
		many := make([]meeting.NewRepresentative, meeting.MaxRoster-1)
		for i := range many {
			many[i] = meeting.NewRepresentative{Name: fmt.Sprint("代表", i), Kind: meeting.KindResident}
		}
		_, err = f.s.AddRepresentatives(ctx, f.committee, m.ID, many)
		wantCode(t, err, errs.Conflict, "a roster over its limit")
		x, err = f.s.AddRepresentatives(ctx, f.committee, m.ID, many[:meeting.MaxRoster-2])
		must(t, err)
		if x.Roster != meeting.MaxRoster {
			t.Fatalf("roster of %d", x.Roster)
		}
	})
}
