package mediation_test

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/gongzhi/gongzhi/internal/attachment"
	"github.com/gongzhi/gongzhi/internal/auth"
	"github.com/gongzhi/gongzhi/internal/clock"
	"github.com/gongzhi/gongzhi/internal/db"
	"github.com/gongzhi/gongzhi/internal/db/dbtest"
	"github.com/gongzhi/gongzhi/internal/errs"
	"github.com/gongzhi/gongzhi/internal/gov"
	"github.com/gongzhi/gongzhi/internal/mediation"
	"github.com/gongzhi/gongzhi/internal/ticket"
)

const (
	district  = "110117"
	street    = "110117001"
	community = "110117001001"
	elsewhere = "110117002"
)

var monday = time.Date(2026, 11, 30, 10, 0, 0, 0, clock.BusinessZone())

type fixture struct {
	s       *mediation.Service
	d       *db.DB
	g       *gov.Service
	clock   *clock.Fixed
	tickets *ticket.Service
	admin   auth.User
	// mediator is a member of TWH by her account; office the street
	// office's staff; super the street's supervisor; agent a hotline agent;
	// desk the hotline's dispatcher of the district; other staff elsewhere.
	mediator, office, super, agent, desk, other auth.User
	a, b, outsider                              auth.User // residents: a and b are parties
	members                                     []mediation.Member
}

type memSigs struct {
	n     int
	files map[string][]byte
}

func (m *memSigs) Keep(_ context.Context, name string, r io.Reader) (attachment.Image, error) {
	b, _ := io.ReadAll(r)
	if len(b) == 0 {
		return attachment.Image{}, errs.Invalidf("空图片", "empty image")
	}
	m.n++
	sum := fmt.Sprintf("%064x", m.n)
	if m.files == nil {
		m.files = map[string][]byte{}
	}
	m.files[sum] = b
	return attachment.Image{SHA256: sum, ContentType: "image/png", Size: int64(len(b)), Width: 10, Height: 5, Name: name}, nil
}

func (m *memSigs) OpenKept(_ context.Context, id string, img attachment.Image, at time.Time, thumb bool) (io.ReadSeekCloser, attachment.Attachment, error) {
	b, ok := m.files[img.SHA256]
	if !ok {
		return nil, attachment.Attachment{}, errs.NotFoundf("丢失", "lost")
	}
	return sigFile{bytes.NewReader(b)}, attachment.Attachment{ID: id, SHA256: img.SHA256, ContentType: img.ContentType}, nil
}

type sigFile struct{ *bytes.Reader }

func (sigFile) Close() error { return nil }

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

func setup(t *testing.T, d *db.DB) *fixture {
	ctx := context.Background()
	c := clock.NewFixed(monday)
	g := gov.NewService(d, c)
	for _, a := range []gov.Area{
		{Code: district, Name: "平谷区", Level: gov.LevelDistrict},
		{Code: street, ParentCode: district, Name: "滨河街道", Level: gov.LevelStreet},
		{Code: community, ParentCode: street, Name: "承平里社区", Level: gov.LevelCommunity},
		{Code: elsewhere, ParentCode: district, Name: "兴谷街道", Level: gov.LevelStreet},
	} {
		must(t, g.UpsertArea(ctx, a))
	}
	for _, o := range []gov.Org{
		{Code: "HOT", Name: "12345热线中心", Kind: gov.KindHotlineCenter, AreaCode: district},
		{Code: "S1", Name: "滨河街道办事处", Kind: gov.KindStreetOffice, AreaCode: street},
		{Code: "S2", Name: "兴谷街道办事处", Kind: gov.KindStreetOffice, AreaCode: elsewhere},
		{Code: "CC1", Name: "承平里社区居委会", Kind: gov.KindCommunityCommittee, AreaCode: community},
		{Code: "TWH", Name: "承平里社区人民调解委员会", Kind: gov.KindMediationCommittee, AreaCode: community},
		{Code: "TWH2", Name: "兴谷街道人民调解委员会", Kind: gov.KindMediationCommittee, AreaCode: elsewhere},
	} {
		must(t, g.UpsertOrg(ctx, o))
	}
	log := slog.New(slog.DiscardHandler)
	f := &fixture{s: mediation.NewService(d, c, g), d: d, g: g, clock: c, tickets: ticket.NewService(d, c, g, log), admin: auth.System()}
	f.s.SetTickets(f.tickets)
	f.s.SetSignatures(&memSigs{})
	f.mediator = auth.User{ID: "u-med", Username: "med", Role: auth.RoleGridWorker, OrgCode: "CC1", AreaCode: community}
	f.office = auth.User{ID: "u-s1", Username: "s1", Role: auth.RoleHandler, OrgCode: "S1", AreaCode: street}
	f.super = auth.User{ID: "u-sup", Username: "sup", Role: auth.RoleSupervisor, AreaCode: street}
	f.agent = auth.User{ID: "u-agent", Username: "agent", Role: auth.RoleAgent, OrgCode: "HOT", AreaCode: district}
	f.desk = auth.User{ID: "u-desk", Username: "desk", Role: auth.RoleDispatcher, OrgCode: "HOT", AreaCode: district}
	f.other = auth.User{ID: "u-s2", Username: "s2", Role: auth.RoleHandler, OrgCode: "S2", AreaCode: elsewhere}
	f.a = auth.User{ID: "r-a", Role: auth.RoleResident, Phone: "13900000001"}
	f.b = auth.User{ID: "r-b", Role: auth.RoleResident, Phone: "13900000002"}
	f.outsider = auth.User{ID: "r-x", Role: auth.RoleResident, Phone: "13700000000"}
	com, err := f.s.SetMembers(ctx, f.admin, "TWH", []mediation.NewMember{
		{Name: "王调解", Duty: mediation.DutyChair, UserID: "u-med"},
		{Name: "李委员", Duty: mediation.DutyMember, Phone: "13600000001"},
		{Name: "赵委员", Duty: mediation.DutyMember},
	})
	must(t, err)
	f.members = com.Members
	return f
}

func (f *fixture) newCase(risk mediation.Risk) mediation.New {
	return mediation.New{Source: mediation.SourceInitiative, DisputeType: "neighbour", Summary: "楼上漏水殃及楼下，双方就维修和赔偿发生争执。", AreaCode: community, Risk: risk,
		Parties: []mediation.NewParty{
			{Name: "张三", Phone: f.a.Phone, Role: mediation.RoleApplicant, Address: "承平里3号楼2单元502室", Claim: "赔偿装修损失5000元"},
			{Name: "李四", Phone: f.b.Phone, Role: mediation.RoleRespondent, Address: "承平里3号楼2单元602室", Claim: "只愿维修管道"}}}
}

func (f *fixture) open(t *testing.T, risk mediation.Risk) mediation.Case {
	t.Helper()
	c, err := f.s.Create(context.Background(), f.mediator, f.newCase(risk))
	must(t, err)
	return c
}

func (f *fixture) notifications(t *testing.T, where string, args ...any) []string {
	t.Helper()
	rows, err := f.d.R.QueryContext(context.Background(), `SELECT text FROM notifications WHERE kind = 'mediation' AND `+where+` ORDER BY at, id`, args...)
	must(t, err)
	defer rows.Close()
	var out []string
	for rows.Next() {
		var s string
		must(t, rows.Scan(&s))
		out = append(out, s)
	}
	return out
}

func (f *fixture) events(t *testing.T, number string) []string {
	t.Helper()
	ev, err := f.s.Events(context.Background(), f.admin, number)
	must(t, err)
	var kinds []string
	for _, e := range ev {
		kinds = append(kinds, e.Kind)
	}
	return kinds
}

func TestCommitteeMembership(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		f := setup(t, d)
		list := func(n int) []mediation.NewMember {
			var l []mediation.NewMember
			for i := 0; i < n; i++ {
				l = append(l, mediation.NewMember{Name: fmt.Sprintf("委员%d", i+1)})
			}
			if n > 0 {
				l[0].Duty = mediation.DutyChair
			}
			return l
		}
		for _, n := range []int{0, 2, 10} {
			_, err := f.s.SetMembers(ctx, f.admin, "TWH2", list(n))
			wantCode(t, err, errs.Invalid, fmt.Sprintf("%d members", n))
		}
		noChair := list(3)
		noChair[0].Duty = ""
		_, err := f.s.SetMembers(ctx, f.admin, "TWH2", noChair)
		wantCode(t, err, errs.Invalid, "no chair")
		_, err = f.s.SetMembers(ctx, f.office, "TWH2", list(3))
		wantCode(t, err, errs.Forbidden, "staff of another street")
		_, err = f.s.SetMembers(ctx, f.admin, "CC1", list(3))
		wantCode(t, err, errs.NotFound, "not a committee")

		// A committee without its members takes no case.
		n := f.newCase(mediation.RiskBlue)
		n.AreaCode, n.Committee = elsewhere, ""
		_, err = f.s.Create(ctx, f.other, n)
		wantCode(t, err, errs.Conflict, "incomplete committee")
		var count int
		must(t, d.R.QueryRowContext(ctx, `SELECT COUNT(*) FROM mediation_cases`).Scan(&count))
		if count != 0 {
			t.Fatalf("a refused case left %d rows", count)
		}
		com, err := f.s.SetMembers(ctx, f.other, "TWH2", list(9))
		must(t, err)
		if len(com.Members) != 9 || !com.Complete() {
			t.Fatalf("nine members: %+v", com)
		}
		c, err := f.s.Create(ctx, f.other, n)
		must(t, err)
		if c.Committee != "TWH2" {
			t.Fatalf("committee %s", c.Committee)
		}
		// A member mediating an open case stays on the list.
		_, err = f.s.SetMediators(ctx, f.other, c.Number, []string{com.Members[8].ID}, false)
		wantCode(t, err, errs.Forbidden, "the street office's staff mediate")
		_, err = f.s.SetMediators(ctx, f.admin, c.Number, []string{com.Members[8].ID}, false)
		must(t, err)
		_, err = f.s.SetMembers(ctx, f.other, "TWH2", list(8))
		wantCode(t, err, errs.Conflict, "removing a busy mediator")
		_, err = f.s.Terminate(ctx, f.admin, c.Number, "双方分歧过大")
		must(t, err)
		com, err = f.s.SetMembers(ctx, f.other, "TWH2", list(8))
		must(t, err)
		if len(com.Members) != 8 {
			t.Fatalf("eight members: %d", len(com.Members))
		}
		got, err := f.s.Get(ctx, f.admin, c.Number)
		must(t, err)
		if len(got.Mediators) != 1 || got.Mediators[0].Name != "委员9" {
			t.Fatalf("the former member stays on the case's record: %+v", got.Mediators)
		}
	})
}

func TestCaseToAgreement(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		f := setup(t, d)
		// The resident applies herself: she is the applicant by her phone.
		n := f.newCase(mediation.RiskRed)
		n.Parties[0].Phone = "13999999999"
		n.Violence = true
		c, err := f.s.Apply(ctx, f.a, n)
		must(t, err)
		if c.Source != mediation.SourceApplication || c.Risk != mediation.RiskBlue || c.Violence || c.Parties[0].Phone != f.a.Phone {
			t.Fatalf("an application is the resident's, graded by the committee: %+v", c)
		}
		if !strings.HasPrefix(c.Number, "TJ20261130") || c.Status != mediation.StatusAccepted || c.Committee != "TWH" || !c.Mine || c.CanRun {
			t.Fatalf("case: %+v", c)
		}
		// She sees her own phone; the other party's is masked.
		if c.Parties[1].Phone != "139****0002" || c.Parties[1].Name != "李*" {
			t.Fatalf("the other party masked: %+v", c.Parties[1])
		}
		_, err = f.s.Apply(ctx, f.office, n)
		wantCode(t, err, errs.Forbidden, "staff apply")

		// Readers.
		for _, u := range []auth.User{f.outsider, f.agent, f.other} {
			_, err := f.s.Get(ctx, u, c.Number)
			wantCode(t, err, errs.NotFound, u.ID+" reads")
		}
		got, err := f.s.Get(ctx, f.office, c.Number)
		must(t, err)
		if got.CanRun || got.Parties[0].Phone != "139****0001" {
			t.Fatalf("the street office reads, masked, and does not mediate: %+v", got)
		}
		got, err = f.s.Get(ctx, f.mediator, c.Number)
		must(t, err)
		if !got.CanRun || got.Parties[0].Phone != f.a.Phone {
			t.Fatalf("the mediator sees the parties whole: %+v", got)
		}
		_, err = f.s.RecordSession(ctx, f.office, c.Number, mediation.NewSession{Place: "调解室", Record: "记录"})
		wantCode(t, err, errs.Forbidden, "office mediates")

		// Mediators: members only.
		_, err = f.s.SetMediators(ctx, f.mediator, c.Number, []string{"nobody"}, false)
		wantCode(t, err, errs.Invalid, "a stranger mediates")
		c, err = f.s.SetMediators(ctx, f.mediator, c.Number, []string{f.members[0].ID, f.members[1].ID}, true)
		must(t, err)
		if c.Status != mediation.StatusMediating || len(c.Mediators) != 2 || !c.Mediators[0].Chosen {
			t.Fatalf("mediators: %+v", c)
		}
		// Session, the parties told, the record signed.
		c, err = f.s.Schedule(ctx, f.mediator, c.Number, monday.Add(48*time.Hour), "社区调解室")
		must(t, err)
		if c.NextSessionAt == nil || len(f.notifications(t, `phone = $1`, f.b.Phone)) != 1 {
			t.Fatalf("schedule: %+v", c.NextSessionAt)
		}
		f.clock.Set(monday.Add(49 * time.Hour))
		c, err = f.s.RecordSession(ctx, f.mediator, c.Number, mediation.NewSession{HeldAt: monday.Add(48 * time.Hour), Place: "社区调解室", Record: "双方陈述事实，同意先维修管道。"})
		must(t, err)
		if len(c.Sessions) != 1 || c.NextSessionAt != nil {
			t.Fatalf("session: %+v", c.Sessions)
		}
		_, err = f.s.Sign(ctx, f.mediator, c.Number, 1, 1, "sig.png", strings.NewReader("png"))
		must(t, err)
		c, err = f.s.Sign(ctx, f.mediator, c.Number, 1, 2, "", nil)
		must(t, err)
		if len(c.Sessions[0].Signed) != 2 || c.Sessions[0].Signed[0].Kind != mediation.SignImage || c.Sessions[0].Signed[1].Kind != mediation.SignInPerson {
			t.Fatalf("signatures: %+v", c.Sessions[0].Signed)
		}
		_, err = f.s.Sign(ctx, f.mediator, c.Number, 2, 1, "", nil)
		wantCode(t, err, errs.Invalid, "no such session")
		_, err = f.s.Sign(ctx, f.mediator, c.Number, 0, 1, "", nil)
		wantCode(t, err, errs.Conflict, "no agreement to sign")

		// The agreement.
		bad := []mediation.NewAgreement{
			{Content: "", Performance: "x", EffectiveOn: "2026-12-02"},
			{Content: "x", Performance: "", EffectiveOn: "2026-12-02"},
			{Content: "x", Performance: "x", EffectiveOn: "2026/12/02"},
			{Content: "x", Performance: "x", EffectiveOn: "2026-12-03"}, // tomorrow
			{Content: "x", Performance: "x", EffectiveOn: "2026-11-29"}, // before it was opened
			{Content: "x", Performance: "x", EffectiveOn: "2026-12-02", PerformBy: "2026-12-01"},
			{Kind: "sealed", Content: "x", Performance: "x", EffectiveOn: "2026-12-02"},
		}
		for i, a := range bad {
			_, err := f.s.Agree(ctx, f.mediator, c.Number, a)
			wantCode(t, err, errs.Invalid, fmt.Sprint("bad agreement ", i))
		}
		c, err = f.s.Agree(ctx, f.mediator, c.Number, mediation.NewAgreement{Content: "李四于十日内修复管道并赔偿张三2000元。", Performance: "现金一次付清，维修由物业见证", PerformBy: "2026-12-12", EffectiveOn: "2026-12-02"})
		must(t, err)
		a := c.Agreement
		if c.Status != mediation.StatusAgreed || a == nil || a.Kind != mediation.AgreementWritten || a.ConfirmationDeadline != "2027-01-01" || a.Copies != 3 || !a.CommitteeSealed ||
			a.Facts != c.Summary || a.FollowUpOn != "2027-01-01" || c.Parties[0].Signed != mediation.SignInPerson {
			t.Fatalf("agreement: %+v %+v", c, a)
		}
		c, err = f.s.Sign(ctx, f.mediator, c.Number, 0, 1, "sig.png", strings.NewReader("png"))
		must(t, err)
		if c.Parties[0].Signed != mediation.SignImage {
			t.Fatalf("the image replaces the in-person signature: %+v", c.Parties[0])
		}
		_, err = f.s.Terminate(ctx, f.mediator, c.Number, "x")
		wantCode(t, err, errs.Conflict, "terminate an agreed case")
		// Confirmation and follow-up.
		_, err = f.s.Confirm(ctx, f.mediator, c.Number, mediation.ConfirmGranted, "2026-12-02")
		wantCode(t, err, errs.Conflict, "granted before applied")
		c, err = f.s.Confirm(ctx, f.mediator, c.Number, mediation.ConfirmApplied, "2026-12-02")
		must(t, err)
		c, err = f.s.Confirm(ctx, f.mediator, c.Number, mediation.ConfirmGranted, "2026-12-02")
		must(t, err)
		_, err = f.s.FollowUp(ctx, f.mediator, c.Number, "maybe", "")
		wantCode(t, err, errs.Invalid, "bad performance")
		c, err = f.s.FollowUp(ctx, f.mediator, c.Number, mediation.Performed, "已修复并付款")
		must(t, err)
		if c.Agreement.Confirmation != mediation.ConfirmGranted || c.Agreement.Performed != mediation.Performed || c.Agreement.FollowedUpAt == nil {
			t.Fatalf("after: %+v", c.Agreement)
		}
		want := []string{"open", "mediators", "schedule", "session", "sign", "sign", "agree", "sign", "confirmation", "confirmation", "follow_up"}
		if got := f.events(t, c.Number); strings.Join(got, ",") != strings.Join(want, ",") {
			t.Fatalf("events %v, want %v", got, want)
		}
		// A party reads her case and its agreement.
		got, err = f.s.Get(ctx, f.b, c.Number)
		must(t, err)
		if got.Agreement == nil || !got.Mine || got.Parties[0].Phone != "139****0001" {
			t.Fatalf("party b: %+v", got)
		}
		list, err := f.s.List(ctx, f.b, mediation.Filter{})
		must(t, err)
		if len(list) != 1 {
			t.Fatalf("her list: %d", len(list))
		}
		list, err = f.s.List(ctx, f.outsider, mediation.Filter{})
		must(t, err)
		if len(list) != 0 {
			t.Fatalf("an outsider's list: %d", len(list))
		}
	})
}

func TestVerbalAgreement(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		f := setup(t, d)
		c := f.open(t, mediation.RiskBlue)
		// With no mediator named, the member who records it mediates.
		c, err := f.s.Agree(ctx, f.mediator, c.Number, mediation.NewAgreement{Kind: mediation.AgreementVerbal, Content: "双方当场和解，互相道歉。", EffectiveOn: "2026-11-30"})
		must(t, err)
		if c.Agreement.Kind != mediation.AgreementVerbal || c.Agreement.ConfirmationDeadline != "" || c.Agreement.Copies != 0 || len(c.Mediators) != 1 || c.Parties[0].Signed != "" {
			t.Fatalf("verbal: %+v %+v", c.Agreement, c.Mediators)
		}
		_, err = f.s.Confirm(ctx, f.mediator, c.Number, mediation.ConfirmApplied, "2026-11-30")
		wantCode(t, err, errs.Conflict, "confirm a verbal agreement")
		// Staff of the committee who are not members must name mediators first.
		c2 := f.open(t, mediation.RiskBlue)
		staff := auth.User{ID: "u-twh", Role: auth.RoleHandler, OrgCode: "TWH", AreaCode: community}
		_, err = f.s.Agree(ctx, staff, c2.Number, mediation.NewAgreement{Kind: mediation.AgreementVerbal, Content: "和解", EffectiveOn: "2026-11-30"})
		wantCode(t, err, errs.Conflict, "no mediator")
	})
}

func TestConfirmationDeadline(t *testing.T) {
	for in, want := range map[string]string{
		"2026-01-31": "2026-03-02", // February of a common year
		"2026-12-15": "2027-01-14", // over the year's end
		"2028-02-10": "2028-03-11", // February of a leap year
		"2028-01-31": "2028-03-01",
		"2026-12-31": "2027-01-30",
	} {
		got, err := mediation.ConfirmationDeadline(in)
		must(t, err)
		if got != want {
			t.Errorf("%s: %s, want %s", in, got, want)
		}
	}
	_, err := mediation.ConfirmationDeadline("2026-02-30")
	wantCode(t, err, errs.Invalid, "no such day")
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		f := setup(t, d)
		for _, x := range []struct{ on, deadline, last, late string }{
			{"2026-01-31", "2026-03-02", "2026-03-02", "2026-03-03"},
			{"2026-12-15", "2027-01-14", "2027-01-14", "2027-01-15"},
			{"2028-02-10", "2028-03-11", "2028-03-11", "2028-03-12"},
		} {
			day, _ := time.ParseInLocation(mediation.DateLayout, x.on, clock.BusinessZone())
			f.clock.Set(day.Add(9 * time.Hour))
			c := f.open(t, mediation.RiskYellow)
			c, err := f.s.Agree(ctx, f.mediator, c.Number, mediation.NewAgreement{Content: "分期赔偿", Performance: "每月一日付款", EffectiveOn: x.on})
			must(t, err)
			if c.Agreement.ConfirmationDeadline != x.deadline {
				t.Fatalf("%s: deadline %s, want %s", x.on, c.Agreement.ConfirmationDeadline, x.deadline)
			}
			// The window's reminder comes five days before it closes, once.
			dl, _ := time.ParseInLocation(mediation.DateLayout, x.deadline, clock.BusinessZone())
			f.clock.Set(dl.AddDate(0, 0, -6).Add(9 * time.Hour))
			n, err := f.s.Remind(ctx)
			must(t, err)
			if n != 0 {
				t.Fatalf("%s: reminded six days before", x.on)
			}
			f.clock.Set(dl.AddDate(0, 0, -5).Add(9 * time.Hour))
			n, err = f.s.Remind(ctx)
			must(t, err)
			if n != 1 {
				t.Fatalf("%s: reminders %d", x.on, n)
			}
			n, err = f.s.Remind(ctx)
			must(t, err)
			if n != 0 {
				t.Fatalf("%s: reminded twice", x.on)
			}
			if got := f.notifications(t, `org_code = 'TWH' AND text LIKE $1`, "%"+c.Number+"%"+x.deadline+"届满%"); len(got) != 1 {
				t.Fatalf("%s: the committee's reminder: %v", x.on, got)
			}
			// Applying on the last day counts; the day after does not.
			f.clock.Set(dl.AddDate(0, 0, 1).Add(9 * time.Hour))
			_, err = f.s.Confirm(ctx, f.mediator, c.Number, mediation.ConfirmApplied, x.late)
			wantCode(t, err, errs.Invalid, x.on+" applied late")
			_, err = f.s.Confirm(ctx, f.mediator, c.Number, mediation.ConfirmApplied, x.last)
			must(t, err)
		}
	})
}

func TestRedNotifiesAndEscalatesAtOnce(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		f := setup(t, d)
		n := f.newCase(mediation.RiskRed)
		n.Violence = true
		c, err := f.s.Create(ctx, f.mediator, n)
		must(t, err)
		if c.LeadersToldAt == nil || c.PoliceReferredAt == nil || c.PoliceNote == "" || !c.Violence {
			t.Fatalf("red with violence: %+v", c)
		}
		if got := f.notifications(t, `org_code = 'S1'`); len(got) != 1 || !strings.Contains(got[0], "红色预警") || !strings.Contains(got[0], c.Number) {
			t.Fatalf("the street office: %v", got)
		}
		if got := f.notifications(t, `role = 'supervisor' AND area_code = $1`, street); len(got) != 1 {
			t.Fatalf("the street's supervisors: %v", got)
		}
		// As the supervisor and the office read their notifications.
		for _, u := range []auth.User{f.super, f.office} {
			ns, err := f.tickets.Notifications(ctx, u, 20)
			must(t, err)
			if len(ns) == 0 || !strings.Contains(ns[0].Text, c.Number) {
				t.Fatalf("%s is not told: %+v", u.ID, ns)
			}
		}
		if ns, err := f.tickets.Notifications(ctx, f.other, 20); err != nil || len(ns) != 0 {
			t.Fatalf("another street is told: %v %v", ns, err)
		}
		if got := f.events(t, c.Number); strings.Join(got, ",") != "open,escalate,police_referral" {
			t.Fatalf("events %v", got)
		}

		// A blue case turning red is escalated at once; without violence no referral.
		b := f.open(t, mediation.RiskBlue)
		if b.LeadersToldAt != nil {
			t.Fatal("a blue case escalated")
		}
		_, err = f.s.Regrade(ctx, f.mediator, b.Number, mediation.RiskOrange, true, "")
		wantCode(t, err, errs.Invalid, "violence without red")
		_, err = f.s.Regrade(ctx, f.mediator, b.Number, mediation.Risk("green"), false, "")
		wantCode(t, err, errs.Invalid, "green")
		_, err = f.s.Regrade(ctx, f.office, b.Number, mediation.RiskRed, false, "")
		wantCode(t, err, errs.Forbidden, "the office grades")
		b, err = f.s.Regrade(ctx, f.mediator, b.Number, mediation.RiskYellow, false, "双方言语冲突")
		must(t, err)
		b, err = f.s.Regrade(ctx, f.mediator, b.Number, mediation.RiskRed, false, "一方扬言报复")
		must(t, err)
		if b.LeadersToldAt == nil || b.PoliceReferredAt != nil {
			t.Fatalf("red without violence: %+v", b)
		}
		if got := f.notifications(t, `org_code = 'S1' AND text LIKE $1`, "%"+b.Number+"%"); len(got) != 1 {
			t.Fatalf("the office on regrade: %v", got)
		}
		b, err = f.s.Regrade(ctx, f.mediator, b.Number, mediation.RiskRed, true, "持刀威胁")
		must(t, err)
		if b.PoliceReferredAt == nil {
			t.Fatal("violence marked later is referred to the police")
		}
		_, err = f.s.Regrade(ctx, f.mediator, b.Number, mediation.RiskRed, true, "")
		wantCode(t, err, errs.Conflict, "unchanged")
		if got := f.events(t, b.Number); strings.Join(got, ",") != "open,regrade,regrade,escalate,regrade,escalate,police_referral" {
			t.Fatalf("events %v", got)
		}
		list, err := f.s.List(ctx, f.mediator, mediation.Filter{})
		must(t, err)
		if len(list) != 2 || list[0].Risk != mediation.RiskRed {
			t.Fatalf("red first: %+v", list)
		}
		list, err = f.s.List(ctx, f.mediator, mediation.Filter{Risk: "blue"})
		must(t, err)
		if len(list) != 0 {
			t.Fatalf("blue: %d", len(list))
		}
	})
}

func TestRefuseAndTerminate(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		f := setup(t, d)
		c := f.open(t, mediation.RiskBlue)
		_, err := f.s.Refuse(ctx, f.outsider, c.Number, 0, "")
		wantCode(t, err, errs.NotFound, "an outsider refuses")
		_, err = f.s.Refuse(ctx, f.b, c.Number, 1, "")
		wantCode(t, err, errs.Forbidden, "b refuses for a")
		c, err = f.s.Refuse(ctx, f.b, c.Number, 0, "希望直接起诉")
		must(t, err)
		if c.Status != mediation.StatusRefused || c.Routes != mediation.Routes || c.Parties[1].RefusedAt == nil || !strings.Contains(c.EndReason, "拒绝调解") {
			t.Fatalf("refused: %+v", c)
		}
		for _, p := range []string{f.a.Phone, f.b.Phone} {
			if got := f.notifications(t, `phone = $1 AND text LIKE $2`, p, "%仲裁%诉讼%"); len(got) != 1 {
				t.Fatalf("%s is not told the routes: %v", p, got)
			}
		}
		_, err = f.s.Refuse(ctx, f.a, c.Number, 0, "")
		wantCode(t, err, errs.Conflict, "refuse an ended case")

		c2 := f.open(t, mediation.RiskOrange)
		_, err = f.s.Terminate(ctx, f.mediator, c2.Number, "  ")
		wantCode(t, err, errs.Invalid, "no reason")
		_, err = f.s.Terminate(ctx, f.a, c2.Number, "不想调了")
		wantCode(t, err, errs.Forbidden, "a party terminates")
		c2, err = f.s.Terminate(ctx, f.mediator, c2.Number, "经三次调解，双方分歧过大")
		must(t, err)
		if c2.Status != mediation.StatusTerminated || c2.Routes == "" || c2.EndedAt == nil {
			t.Fatalf("terminated: %+v", c2)
		}
		if got := f.events(t, c2.Number); strings.Join(got, ",") != "open,terminate" {
			t.Fatalf("events %v", got)
		}
	})
}

func TestInputChecks(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		f := setup(t, d)
		for what, change := range map[string]func(*mediation.New){
			"source":     func(n *mediation.New) { n.Source = "mayor" },
			"type":       func(n *mediation.New) { n.DisputeType = "war" },
			"risk":       func(n *mediation.New) { n.Risk = "green" },
			"summary":    func(n *mediation.New) { n.Summary = " " },
			"long":       func(n *mediation.New) { n.Summary = strings.Repeat("字", mediation.MaxSummary+1) },
			"area":       func(n *mediation.New) { n.AreaCode = "x y" },
			"no area":    func(n *mediation.New) { n.AreaCode = community + "999" },
			"one party":  func(n *mediation.New) { n.Parties = n.Parties[:1] },
			"no resp":    func(n *mediation.New) { n.Parties[1].Role = mediation.RoleApplicant },
			"role":       func(n *mediation.New) { n.Parties[1].Role = "witness" },
			"phone":      func(n *mediation.New) { n.Parties[1].Phone = "12" },
			"same phone": func(n *mediation.New) { n.Parties[1].Phone = n.Parties[0].Phone },
			"name":       func(n *mediation.New) { n.Parties[0].Name = "" },
			"violence":   func(n *mediation.New) { n.Violence = true },
		} {
			n := f.newCase(mediation.RiskBlue)
			change(&n)
			_, err := f.s.Create(ctx, f.mediator, n)
			wantCode(t, err, errs.Invalid, what)
		}
		n := f.newCase(mediation.RiskBlue)
		for _, u := range []auth.User{f.other, f.a} {
			_, err := f.s.Create(ctx, u, n)
			wantCode(t, err, errs.Forbidden, u.ID+" opens")
		}
		_, err := f.s.Get(ctx, f.admin, "TJ000")
		wantCode(t, err, errs.NotFound, "no case")
	})
}

func TestFromTicket(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		f := setup(t, d)
		must(t, f.tickets.UpsertCategory(ctx, ticket.Category{Code: "noise", Name: "噪音扰民", Active: true}))
		tk, err := f.tickets.Create(ctx, &f.desk, ticket.NewTicket{Kind: ticket.KindComplaint, CategoryCode: "noise", Description: "邻居装修噪音扰民，多次协商不成，双方发生争吵。", AreaCode: community,
			Channel: ticket.ChannelHotline, ReporterName: "张三", ReporterPhone: f.a.Phone})
		must(t, err)
		n := mediation.New{Source: mediation.SourceHotline, DisputeType: "neighbour", Risk: mediation.RiskYellow,
			Parties: f.newCase("").Parties}
		_, err = f.s.FromTicket(ctx, f.agent, tk.Number, n)
		if err == nil {
			t.Fatal("an agent turned a ticket into a case")
		}
		c, err := f.s.FromTicket(ctx, f.desk, tk.Number, n)
		must(t, err)
		if c.Number != tk.Number || c.TicketNumber != tk.Number || c.AreaCode != community || c.Summary != tk.Description {
			t.Fatalf("case from ticket: %+v", c)
		}
		evs, err := f.tickets.Events(ctx, f.desk, tk.Number)
		must(t, err)
		found := false
		for _, e := range evs {
			if strings.Contains(e.Note, c.Number) && strings.Contains(e.Note, "人民调解") {
				found = true
			}
		}
		if !found {
			t.Fatalf("the ticket names the case: %+v", evs)
		}
		_, err = f.s.FromTicket(ctx, f.desk, tk.Number, n)
		if err == nil {
			t.Fatal("a ticket became two cases")
		}
	})
}

func TestFiguresAndAgenda(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		f := setup(t, d)
		c1 := f.open(t, mediation.RiskBlue)
		c2 := f.open(t, mediation.RiskRed)
		c3 := f.open(t, mediation.RiskYellow)
		c4 := f.open(t, mediation.RiskBlue)
		f.clock.Set(monday.AddDate(0, 0, 2))
		_, err := f.s.Agree(ctx, f.mediator, c1.Number, mediation.NewAgreement{Content: "赔偿", Performance: "一次付清", EffectiveOn: "2026-12-02"})
		must(t, err)
		f.clock.Set(monday.AddDate(0, 0, 4))
		_, err = f.s.Agree(ctx, f.mediator, c2.Number, mediation.NewAgreement{Kind: mediation.AgreementVerbal, Content: "道歉", EffectiveOn: "2026-12-04"})
		must(t, err)
		_, err = f.s.Terminate(ctx, f.mediator, c3.Number, "分歧过大")
		must(t, err)
		_, err = f.s.Schedule(ctx, f.mediator, c4.Number, f.clock.Now().Add(24*time.Hour), "调解室")
		must(t, err)
		_, err = f.s.FollowUp(ctx, f.mediator, c2.Number, mediation.PartlyDone, "")
		must(t, err)
		_, err = f.s.Confirm(ctx, f.mediator, c1.Number, mediation.ConfirmApplied, "2026-12-04")
		must(t, err)
		fig, err := f.s.Figures(ctx, f.office, street, 0, 0)
		must(t, err)
		if fig.Cases != 4 || fig.Open != 1 || fig.Ended != 3 || fig.Agreed != 2 || fig.ByType["neighbour"][mediation.RiskBlue] != 2 || fig.ByRisk[mediation.RiskRed] != 1 {
			t.Fatalf("figures: %+v", fig)
		}
		if *fig.SuccessRate < 0.66 || *fig.SuccessRate > 0.67 || *fig.MedianDaysToAgreement != 3 || *fig.PerformanceRate != 0 || *fig.ConfirmationRate != 1 || fig.Written != 1 {
			t.Fatalf("rates: %v %v %v %v", *fig.SuccessRate, *fig.MedianDaysToAgreement, *fig.PerformanceRate, *fig.ConfirmationRate)
		}
		_, err = f.s.Figures(ctx, f.a, "", 0, 0)
		wantCode(t, err, errs.Forbidden, "a resident's figures")
		_, err = f.s.Figures(ctx, f.other, street, 0, 0)
		wantCode(t, err, errs.Forbidden, "another street's figures")

		// Her cases: the session waits for her.
		mine, err := f.s.MineItems(ctx, f.a)
		must(t, err)
		if len(mine) != 4 {
			t.Fatalf("her items: %+v", mine)
		}
		for _, it := range mine {
			if (it.Ref == c4.Number) != it.NeedsAction {
				t.Fatalf("needs action: %+v", it)
			}
		}
		// The mediator's to-do: the session; then the follow-up of c1 and a
		// window closing.
		todo, err := f.s.TodoItems(ctx, f.mediator)
		must(t, err)
		if len(todo) != 1 || todo[0].Ref != c4.Number || todo[0].Role != "session" {
			t.Fatalf("todo: %+v", todo)
		}
		c5 := f.open(t, mediation.RiskBlue)
		_, err = f.s.Agree(ctx, f.mediator, c5.Number, mediation.NewAgreement{Content: "赔偿", Performance: "一次付清", EffectiveOn: "2026-12-04"})
		must(t, err)
		f.clock.Set(time.Date(2027, 1, 1, 9, 0, 0, 0, clock.BusinessZone()))
		todo, err = f.s.TodoItems(ctx, f.mediator)
		must(t, err)
		roles := map[string]string{}
		for _, it := range todo {
			roles[it.Ref] += it.Role
		}
		if roles[c1.Number] != "follow_up" || roles[c5.Number] != "confirmation" {
			t.Fatalf("todo: %+v", todo)
		}
		if todo, _ := f.s.TodoItems(ctx, f.other); len(todo) != 0 {
			t.Fatalf("another street's todo: %+v", todo)
		}
	})
}

func TestSignatureImageOnlyByMediators(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		f := setup(t, d)
		sigs := &memSigs{}
		f.s.SetSignatures(sigs)
		c := f.open(t, mediation.RiskBlue)
		number := c.Number
		_, err := f.s.RecordSession(ctx, f.mediator, c.Number, mediation.NewSession{Place: "调解室", Record: "记录"})
		must(t, err)
		_, err = f.s.Sign(ctx, f.office, c.Number, 1, 1, "sig.png", strings.NewReader("png"))
		wantCode(t, err, errs.Forbidden, "the office uploads")
		_, err = f.s.Sign(ctx, f.a, c.Number, 1, 1, "sig.png", strings.NewReader("png"))
		wantCode(t, err, errs.Forbidden, "a party uploads")
		if sigs.n != 0 {
			t.Fatalf("%d images kept for refused signatures", sigs.n)
		}
		_, err = f.s.Sign(ctx, f.mediator, c.Number, 1, 1, "sig.png", strings.NewReader(""))
		wantCode(t, err, errs.Invalid, "an empty image")
		c, err = f.s.Sign(ctx, f.mediator, c.Number, 1, 3, "sig.png", strings.NewReader("png"))
		wantCode(t, err, errs.Invalid, "no third party")
		n, err := f.s.SignaturesKeeping(ctx, fmt.Sprintf("%064x", 1))
		must(t, err)
		if n != 0 {
			t.Fatalf("a refused signature keeps its file: %d", n)
		}
		// A kept image is opened by those who mediate, and by nobody else.
		c, err = f.s.Get(ctx, f.mediator, number)
		must(t, err)
		_, err = f.s.Sign(ctx, f.mediator, c.Number, 1, 1, "sig.png", strings.NewReader("the party's hand"))
		must(t, err)
		_, err = f.s.Sign(ctx, f.mediator, c.Number, 1, 2, "", nil)
		must(t, err)
		r, _, err := f.s.OpenSignature(ctx, f.mediator, c.Number, 1, 1, false)
		must(t, err)
		b, _ := io.ReadAll(r)
		r.Close()
		if string(b) != "the party's hand" {
			t.Fatalf("the signature read back: %q", b)
		}
		_, _, err = f.s.OpenSignature(ctx, f.mediator, c.Number, 1, 2, false)
		wantCode(t, err, errs.NotFound, "an in-person signature has no image")
		_, _, err = f.s.OpenSignature(ctx, f.a, c.Number, 1, 1, false)
		wantCode(t, err, errs.Forbidden, "a party opens the image")
		_, _, err = f.s.OpenSignature(ctx, f.office, c.Number, 1, 1, false)
		if err == nil {
			t.Fatal("the street office opened the image")
		}
	})
}

// TestHandOver: a case ended without agreement is handed over as a ticket
// for its applicant, once; the case and the ticket keep each other's
// number; a case still open, or a ticket refused, changes nothing.
func TestHandOver(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		f := setup(t, d)
		must(t, f.tickets.UpsertCategory(ctx, ticket.Category{Code: "noise", Name: "噪音扰民", Active: true}))
		c := f.open(t, mediation.RiskYellow)
		_, err := f.s.HandOverToTicket(ctx, f.mediator, c.Number, mediation.HandOver{CategoryCode: "noise"})
		wantCode(t, err, errs.Conflict, "an open case handed over")
		_, err = f.s.Terminate(ctx, f.mediator, c.Number, "经三次调解，双方分歧过大")
		must(t, err)
		_, err = f.s.HandOverToTicket(ctx, f.a, c.Number, mediation.HandOver{CategoryCode: "noise"})
		if err == nil {
			t.Fatal("a party handed the case over")
		}
		_, err = f.s.HandOverToTicket(ctx, f.mediator, c.Number, mediation.HandOver{CategoryCode: "nope"})
		if err == nil {
			t.Fatal("a ticket of no category")
		}
		if got, err := f.s.Get(ctx, f.mediator, c.Number); err != nil || got.ToTicket != "" {
			t.Fatalf("a refused ticket left the case claimed: %q %v", got.ToTicket, err)
		}
		c, err = f.s.HandOverToTicket(ctx, f.mediator, c.Number, mediation.HandOver{CategoryCode: "noise", Note: "请城管核查夜间施工"})
		must(t, err)
		if len(c.ToTicket) != 14 {
			t.Fatalf("handed over as %q", c.ToTicket)
		}
		tk, err := f.tickets.Get(ctx, f.desk, c.ToTicket)
		must(t, err)
		if tk.ReporterPhone != f.a.Phone || !strings.Contains(tk.Description, c.Number) || !strings.Contains(tk.Description, "请城管核查夜间施工") {
			t.Fatalf("the ticket %+v", tk)
		}
		_, err = f.s.HandOverToTicket(ctx, f.mediator, c.Number, mediation.HandOver{CategoryCode: "noise"})
		wantCode(t, err, errs.Conflict, "handed over twice")
		if got := f.events(t, c.Number); got[len(got)-1] != "to_ticket" {
			t.Fatalf("events %v", got)
		}
	})
}

// TestApplicationsCap: a resident has at most MaxOpenApplications of her
// own applications under way; one more is refused, and an ended one makes
// room.
func TestApplicationsCap(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		f := setup(t, d)
		var first mediation.Case
		for i := 0; i < mediation.MaxOpenApplications; i++ {
			c, err := f.s.Apply(ctx, f.a, f.newCase(""))
			must(t, err)
			if i == 0 {
				first = c
			}
		}
		_, err := f.s.Apply(ctx, f.a, f.newCase(""))
		wantCode(t, err, errs.Conflict, "one application too many")
		_, err = f.s.Terminate(ctx, f.mediator, first.Number, "双方已自行和解")
		must(t, err)
		_, err = f.s.Apply(ctx, f.a, f.newCase(""))
		must(t, err)
	})
}

// TestFiguresDefaultArea: staff who name no area read their own; the
// administrator reads the district's.
func TestFiguresDefaultArea(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		f := setup(t, d)
		fig, err := f.s.Figures(ctx, f.office, "", 0, 0)
		must(t, err)
		if fig.AreaCode != f.office.AreaCode {
			t.Fatalf("the office read %q", fig.AreaCode)
		}
		fig, err = f.s.Figures(ctx, f.admin, "", 0, 0)
		must(t, err)
		if fig.AreaCode != "" {
			t.Fatalf("the admin read %q", fig.AreaCode)
		}
		_, err = f.s.Figures(ctx, f.office, "110117002", 0, 0)
		wantCode(t, err, errs.Forbidden, "another street's figures")
	})
}
