package project_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/gongzhi/gongzhi/internal/attachment"
	"github.com/gongzhi/gongzhi/internal/auth"
	"github.com/gongzhi/gongzhi/internal/clock"
	"github.com/gongzhi/gongzhi/internal/db"
	"github.com/gongzhi/gongzhi/internal/db/dbtest"
	"github.com/gongzhi/gongzhi/internal/disclosure"
	"github.com/gongzhi/gongzhi/internal/errs"
	"github.com/gongzhi/gongzhi/internal/gov"
	"github.com/gongzhi/gongzhi/internal/project"
)

const community = "110117001001"

type fixture struct {
	s     *project.Service
	d     *db.DB
	clock *clock.Fixed
	admin auth.User
	// committee runs the community's projects; office is the street
	// office (its scope covers the community); other is another street's.
	committee, office, other auth.User
	residents                []auth.User
	outsider                 auth.User
	photos                   *memPhotos
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

// memPhotos keeps photos in memory; a name starting with "bad" is refused
// as the attachment store refuses what is not an image.
type memPhotos struct{ files map[string][]byte }

func (m *memPhotos) Keep(_ context.Context, name string, r io.Reader) (attachment.Image, error) {
	b, _ := io.ReadAll(r)
	if strings.HasPrefix(name, "bad") {
		return attachment.Image{}, errs.Invalidf("只支持 JPEG、PNG、WebP 图片", "only JPEG, PNG and WebP images")
	}
	sum := fmt.Sprintf("%064x", len(m.files)+1)
	m.files[sum] = b
	return attachment.Image{SHA256: sum, ContentType: "image/png", Size: int64(len(b)), Width: 4, Height: 3, Name: name}, nil
}

func (m *memPhotos) OpenKept(_ context.Context, id string, img attachment.Image, at time.Time, thumb bool) (io.ReadSeekCloser, attachment.Attachment, error) {
	b, ok := m.files[img.SHA256]
	if !ok {
		return nil, attachment.Attachment{}, errors.New("lost")
	}
	return nopCloser{bytes.NewReader(b)}, attachment.Attachment{ID: id, SHA256: img.SHA256, ContentType: img.ContentType, CreatedAt: at}, nil
}

type nopCloser struct{ *bytes.Reader }

func (nopCloser) Close() error { return nil }

func setup(t *testing.T, d *db.DB, at time.Time) *fixture {
	ctx := context.Background()
	c := clock.NewFixed(at)
	g := gov.NewService(d, c)
	for _, a := range []gov.Area{
		{Code: "110117", Name: "平谷区", Level: gov.LevelDistrict},
		{Code: "110117001", ParentCode: "110117", Name: "滨河街道", Level: gov.LevelStreet},
		{Code: community, ParentCode: "110117001", Name: "承平里社区", Level: gov.LevelCommunity},
		{Code: "110117002", ParentCode: "110117", Name: "兴谷街道", Level: gov.LevelStreet},
	} {
		must(t, g.UpsertArea(ctx, a))
	}
	for _, o := range []gov.Org{
		{Code: "S1", Name: "滨河街道办事处", Kind: gov.KindStreetOffice, AreaCode: "110117001"},
		{Code: "S2", Name: "兴谷街道办事处", Kind: gov.KindStreetOffice, AreaCode: "110117002"},
		{Code: "CC1", Name: "承平里社区居委会", Kind: gov.KindCommunityCommittee, AreaCode: community},
	} {
		must(t, g.UpsertOrg(ctx, o))
	}
	f := &fixture{s: project.NewService(d, c, g), d: d, clock: c, admin: auth.System(), photos: &memPhotos{files: map[string][]byte{}}}
	f.s.SetPhotos(f.photos)
	f.committee = staff("u-cc", auth.RoleGridWorker, "CC1", community)
	f.office = staff("u-s1", auth.RoleHandler, "S1", "110117001")
	f.other = staff("u-s2", auth.RoleHandler, "S2", "110117002")
	link := func(area, phone string) {
		_, err := d.W.ExecContext(ctx, `INSERT INTO area_residents (area_code, phone, verified_by, verified_at, source) VALUES ($1, $2, 'u-cc', 0, 'staff')`, area, phone)
		must(t, err)
	}
	for i := 0; i < 5; i++ {
		r := resident(fmt.Sprintf("1390000%04d", i))
		link(community, r.Phone)
		f.residents = append(f.residents, r)
	}
	f.outsider = resident("13700000000")
	link("110117002", f.outsider.Phone)
	return f
}

var monday = time.Date(2026, 11, 30, 10, 0, 0, 0, clock.BusinessZone())

func (f *fixture) create(t *testing.T, level disclosure.Level) project.Detail {
	t.Helper()
	budget := int64(125_000_000)
	p, err := f.s.Create(context.Background(), f.committee, project.New{AreaCode: community, Title: "承平里老旧小区改造",
		Description: "外墙保温、管线更新、加装电梯。", BudgetFen: &budget, Level: level})
	must(t, err)
	return p
}

func (f *fixture) phase(t *testing.T, number string, to project.Phase) project.Detail {
	t.Helper()
	d, err := f.s.SetPhase(context.Background(), f.committee, number, to)
	must(t, err)
	return d
}

func pct(n int64) *int64 { return &n }

func TestCreate(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		f := setup(t, d, monday)
		n := project.New{AreaCode: community, Title: "口袋公园", Description: "在社区东侧空地建口袋公园。"}
		_, err := f.s.Create(ctx, f.other, n)
		wantCode(t, err, errs.Forbidden, "another street creates")
		_, err = f.s.Create(ctx, f.residents[0], n)
		wantCode(t, err, errs.Forbidden, "a resident creates")
		_, err = f.s.Create(ctx, f.office, project.New{AreaCode: community, Title: "", Description: "x"})
		wantCode(t, err, errs.Invalid, "no title")
		_, err = f.s.Create(ctx, f.office, project.New{AreaCode: community, Title: "x", Description: "y", Level: "secret"})
		wantCode(t, err, errs.Invalid, "unknown level")
		_, err = f.s.Create(ctx, f.office, project.New{AreaCode: community, OrgCode: "NOPE", Title: "x", Description: "y"})
		wantCode(t, err, errs.Invalid, "no such unit")
		_, err = f.s.Create(ctx, f.admin, project.New{AreaCode: community, Title: "x", Description: "y"})
		wantCode(t, err, errs.Invalid, "the admin names no unit")
		_, err = f.s.Create(ctx, f.office, project.New{AreaCode: "110117001999", Title: "x", Description: "y"})
		wantCode(t, err, errs.NotFound, "no such area")
		neg := int64(-1)
		_, err = f.s.Create(ctx, f.office, project.New{AreaCode: community, Title: "x", Description: "y", BudgetFen: &neg})
		wantCode(t, err, errs.Invalid, "negative budget")
		p, err := f.s.Create(ctx, f.office, project.New{AreaCode: community, OrgCode: "CC1", Title: "口袋公园", Description: "在社区东侧空地建口袋公园。"})
		must(t, err)
		if p.Number != "XM202611300001" || p.Phase != project.Planning || p.OrgCode != "CC1" || p.OrgName != "承平里社区居委会" ||
			p.Level != disclosure.Public || p.BudgetFen != nil || p.Next != project.Building || p.May.Run || !p.May.ActFor {
			t.Fatalf("created: %+v", p)
		}
		if q := f.create(t, ""); q.Number != "XM202611300002" || *q.BudgetFen != 125_000_000 || q.OrgCode != "CC1" {
			t.Fatalf("second: %+v", q)
		}
	})
}

// TestPhaseOrder: a project goes forward one phase at a time, never back,
// and only its unit moves it.
func TestPhaseOrder(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		f := setup(t, d, monday)
		p := f.create(t, "")
		_, err := f.s.SetPhase(ctx, f.committee, p.Number, project.Evaluating)
		wantCode(t, err, errs.Conflict, "skip building")
		_, err = f.s.SetPhase(ctx, f.committee, p.Number, project.Planning)
		wantCode(t, err, errs.Conflict, "the phase it is in")
		_, err = f.s.SetPhase(ctx, f.committee, p.Number, "done")
		wantCode(t, err, errs.Invalid, "unknown phase")
		_, err = f.s.SetPhase(ctx, f.office, p.Number, project.Building)
		wantCode(t, err, errs.Forbidden, "the street office, not running it")
		_, err = f.s.SetPhase(ctx, f.residents[0], p.Number, project.Building)
		wantCode(t, err, errs.Forbidden, "a resident")
		_, err = f.s.SetPhase(ctx, f.committee, "XM209901010001", project.Building)
		wantCode(t, err, errs.NotFound, "no such project")
		p = f.phase(t, p.Number, project.Building)
		_, err = f.s.SetPhase(ctx, f.committee, p.Number, project.Planning)
		wantCode(t, err, errs.Conflict, "back to planning")
		_, err = f.s.SetPhase(ctx, f.committee, p.Number, project.Closed)
		wantCode(t, err, errs.Conflict, "skip evaluating")
		p = f.phase(t, p.Number, project.Evaluating)
		p, err = f.s.SetPhase(ctx, f.admin, p.Number, project.Closed)
		must(t, err)
		if p.Phase != project.Closed || p.ClosedAt == nil || p.Next != "" || p.May.Run {
			t.Fatalf("closed: %+v", p)
		}
		_, err = f.s.SetPhase(ctx, f.committee, p.Number, project.Evaluating)
		wantCode(t, err, errs.Conflict, "reopen")
		_, err = f.s.AddMilestone(ctx, f.committee, p.Number, project.MilestoneIn{Title: "验收", Planned: "2026-12-20"})
		wantCode(t, err, errs.Conflict, "a milestone once closed")
		evs, err := f.s.Events(ctx, f.committee, p.Number)
		must(t, err)
		var steps []string
		for _, e := range evs {
			steps = append(steps, e.Kind+":"+string(e.FromPhase)+">"+string(e.ToPhase))
		}
		if want := "create:>planning phase:planning>building phase:building>evaluating phase:evaluating>closed"; strings.Join(steps, " ") != want {
			t.Errorf("history: %v", steps)
		}
		_, err = f.s.Events(ctx, f.residents[0], p.Number)
		wantCode(t, err, errs.Forbidden, "a resident reads the staff's history")
	})
}

// TestProgressLimits: 0 to 100, reported while built, and never lower than
// the report before without a reason; milestones with their late flag.
func TestProgressLimits(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		f := setup(t, d, monday)
		p := f.create(t, "")
		_, err := f.s.ReportProgress(ctx, f.committee, p.Number, project.Progress{Percent: pct(10), Note: "开工准备"}, nil)
		wantCode(t, err, errs.Conflict, "progress while planned")
		_, err = f.s.AddMilestone(ctx, f.committee, p.Number, project.MilestoneIn{Title: "进场施工", Planned: "2026-11-27"})
		must(t, err)
		_, err = f.s.AddMilestone(ctx, f.committee, p.Number, project.MilestoneIn{Title: "竣工验收", Planned: "2026-12-31"})
		must(t, err)
		_, err = f.s.AddMilestone(ctx, f.committee, p.Number, project.MilestoneIn{Title: "x", Planned: "2026-13-01"})
		wantCode(t, err, errs.Invalid, "no such day")
		_, err = f.s.AddMilestone(ctx, f.other, p.Number, project.MilestoneIn{Title: "x", Planned: "2026-12-01"})
		wantCode(t, err, errs.Forbidden, "another street adds a milestone")
		p = f.phase(t, p.Number, project.Building)
		if len(p.Milestones) != 2 || !p.Milestones[0].Late || p.Milestones[1].Late {
			t.Fatalf("milestones: %+v", p.Milestones)
		}
		for _, c := range []struct {
			pr   project.Progress
			what string
		}{
			{project.Progress{Percent: pct(101), Note: "x"}, "over 100"},
			{project.Progress{Percent: pct(-1), Note: "x"}, "below 0"},
			{project.Progress{Note: "x"}, "no percent"},
			{project.Progress{Percent: pct(10)}, "no note"},
		} {
			_, err := f.s.ReportProgress(ctx, f.committee, p.Number, c.pr, nil)
			wantCode(t, err, errs.Invalid, c.what)
		}
		_, err = f.s.ReportProgress(ctx, f.office, p.Number, project.Progress{Percent: pct(10), Note: "x"}, nil)
		wantCode(t, err, errs.Forbidden, "the street office reports")
		p, err = f.s.ReportProgress(ctx, f.committee, p.Number, project.Progress{Percent: pct(0), Note: "进场"}, nil)
		must(t, err)
		p, err = f.s.ReportProgress(ctx, f.committee, p.Number, project.Progress{Percent: pct(40), Note: "外墙保温完成一半"},
			[]project.PhotoIn{{Name: "wall.png", R: strings.NewReader("png-1")}, {Name: "pipe.png", R: strings.NewReader("png-2")}})
		must(t, err)
		if p.Progress != 40 || len(p.Updates) != 2 || len(p.Updates[0].Photos) != 2 || p.Updates[0].Photos[0].Name != "wall.png" {
			t.Fatalf("reported: %+v", p.Updates)
		}
		_, err = f.s.ReportProgress(ctx, f.committee, p.Number, project.Progress{Percent: pct(60), Note: "x"},
			[]project.PhotoIn{{Name: "ok.png", R: strings.NewReader("png-3")}, {Name: "bad.txt", R: strings.NewReader("text")}})
		wantCode(t, err, errs.Invalid, "a photo that is not one")
		_, err = f.s.ReportProgress(ctx, f.committee, p.Number, project.Progress{Percent: pct(39), Note: "返工"}, nil)
		wantCode(t, err, errs.Conflict, "lower without a reason")
		p, err = f.s.ReportProgress(ctx, f.committee, p.Number, project.Progress{Percent: pct(40), Note: "雨天停工"}, nil)
		must(t, err)
		p, err = f.s.ReportProgress(ctx, f.committee, p.Number, project.Progress{Percent: pct(30), Note: "返工", Reason: "保温层验收不合格，拆除重做"}, nil)
		must(t, err)
		if p.Progress != 30 || len(p.Updates) != 4 || p.Updates[0].Reason == "" {
			t.Fatalf("lowered: %d %+v", p.Progress, p.Updates[0])
		}
		p, err = f.s.ReportProgress(ctx, f.committee, p.Number, project.Progress{Percent: pct(100), Note: "完工"}, nil)
		must(t, err)
		photo := p.Updates[3].Photos[1].ID
		rc, att, err := f.s.OpenPhoto(ctx, resident("13600000000"), p.Number, photo, false)
		must(t, err)
		b, _ := io.ReadAll(rc)
		rc.Close()
		if string(b) != "png-2" || att.ContentType != "image/png" {
			t.Errorf("photo: %q %+v", b, att)
		}
		_, _, err = f.s.OpenPhoto(ctx, f.committee, p.Number, "000000000000000000000000", true)
		wantCode(t, err, errs.NotFound, "no such photo")
		if n, err := f.s.PhotosKeeping(ctx, att.SHA256); err != nil || n != 1 {
			t.Errorf("photos keeping the file: %d %v", n, err)
		}

		ms := p.Milestones
		_, err = f.s.DoneMilestone(ctx, f.committee, p.Number, ms[1].ID, "2026-12-01")
		wantCode(t, err, errs.Invalid, "reached tomorrow")
		_, err = f.s.DoneMilestone(ctx, f.committee, p.Number, "000000000000000000000000", "")
		wantCode(t, err, errs.NotFound, "no such milestone")
		p, err = f.s.DoneMilestone(ctx, f.committee, p.Number, ms[0].ID, "")
		must(t, err)
		if p.Milestones[0].Done != "2026-11-30" || !p.Milestones[0].Late {
			t.Fatalf("done late: %+v", p.Milestones[0])
		}
		p, err = f.s.DoneMilestone(ctx, f.committee, p.Number, ms[1].ID, "2026-11-29")
		must(t, err)
		if p.Milestones[1].Late {
			t.Errorf("done early but late: %+v", p.Milestones[1])
		}
		_, err = f.s.DoneMilestone(ctx, f.committee, p.Number, ms[1].ID, "")
		wantCode(t, err, errs.Conflict, "done twice")
		p = f.phase(t, p.Number, project.Evaluating)
		_, err = f.s.ReportProgress(ctx, f.committee, p.Number, project.Progress{Percent: pct(100), Note: "x"}, nil)
		wantCode(t, err, errs.Conflict, "progress while evaluated")
	})
}
