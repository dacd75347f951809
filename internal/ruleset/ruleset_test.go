package ruleset_test

import (
	"bytes"
	"context"
	"log/slog"
	"testing"
	"time"

	"github.com/gongzhi/gongzhi/internal/auth"
	"github.com/gongzhi/gongzhi/internal/clock"
	"github.com/gongzhi/gongzhi/internal/db"
	"github.com/gongzhi/gongzhi/internal/db/dbtest"
	"github.com/gongzhi/gongzhi/internal/disclosure"
	"github.com/gongzhi/gongzhi/internal/errs"
	"github.com/gongzhi/gongzhi/internal/evaluation"
	"github.com/gongzhi/gongzhi/internal/gov"
	"github.com/gongzhi/gongzhi/internal/ruleset"
	"github.com/gongzhi/gongzhi/internal/ticket"
)

var quiet = slog.New(slog.DiscardHandler)

type inst struct {
	d       *db.DB
	rules   *ruleset.Service
	tickets *ticket.Service
	eval    *evaluation.Service
	clock   *clock.Fixed
}

var (
	admin = auth.User{ID: "admin1", Username: "admin1", Role: auth.RoleAdmin}
	super = auth.User{ID: "sup1", Username: "sup1", Role: auth.RoleSupervisor, AreaCode: "110117"}
	hand  = auth.User{ID: "h1", Username: "h1", Role: auth.RoleHandler, AreaCode: "110117", OrgCode: "S1"}
)

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

// newInst is an installation holding the areas given, a street office per
// street, two departments in the district and the categories 01, 0101.
func newInst(t *testing.T, d *db.DB, areas []gov.Area) *inst {
	ctx := context.Background()
	c := clock.NewFixed(time.Date(2026, 3, 2, 9, 0, 0, 0, clock.BusinessZone()))
	g := gov.NewService(d, c)
	for _, a := range areas {
		must(t, g.UpsertArea(ctx, a))
	}
	ts := ticket.NewService(d, c, g, quiet)
	ev := evaluation.NewService(d, c, g, quiet)
	return &inst{d: d, rules: ruleset.NewService(d, c, g, ts, ev), tickets: ts, eval: ev, clock: c}
}

var (
	city     = gov.Area{Code: "1101", Name: "北京市", Level: gov.LevelCity}
	district = gov.Area{Code: "110117", ParentCode: "1101", Name: "平谷区", Level: gov.LevelDistrict}
	street   = gov.Area{Code: "110117001", ParentCode: "110117", Name: "滨河街道", Level: gov.LevelStreet}
	street2  = gov.Area{Code: "110117002", ParentCode: "110117", Name: "兴谷街道", Level: gov.LevelStreet}
)

func cityEntries() []ruleset.Entry {
	return []ruleset.Entry{
		{Section: ruleset.Categories, Key: "01", Value: "城市管理", Overridable: false},
		{Section: ruleset.Categories, Key: "0101", Value: "道路破损", Overridable: true},
		{Section: ruleset.TimeLimits, Key: "*", Value: "2h,24h,15d", Overridable: false},
		{Section: ruleset.TimeLimits, Key: "0101", Value: "2h,24h,5d", Overridable: true},
		{Section: ruleset.EvaluationWeights, Key: "response", Value: "0.2", Overridable: false},
		{Section: ruleset.EvaluationWeights, Key: "resolution", Value: "0.4", Overridable: false},
		{Section: ruleset.EvaluationWeights, Key: "satisfaction", Value: "0.4", Overridable: false},
		{Section: ruleset.CatalogueTemplates, Key: "0101", Value: "street_office", Overridable: true},
		{Section: ruleset.DisclosureDefaults, Key: "proposal", Value: "public", Overridable: true},
	}
}

func rule(t *testing.T, e ruleset.Effective, id string) ruleset.Rule {
	t.Helper()
	for _, r := range e.Rules {
		if r.ID() == id {
			return r
		}
	}
	t.Fatalf("no rule %s in %+v", id, e.Rules)
	return ruleset.Rule{}
}

// One installation holding the city and its district: the city publishes,
// the district inherits, overrides a permitted entry, is refused a locked
// one, keeps its override across the city's v2 and the diff shows both.
func TestInheritanceAndDiff(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		in := newInst(t, d, []gov.Area{city, district, street})
		if _, err := in.rules.Publish(ctx, super, ruleset.PublishInput{AreaCode: "1101", Entries: cityEntries()}); !errs.Is(err, errs.Forbidden) {
			t.Fatalf("a supervisor published: %v", err)
		}
		v1, err := in.rules.Publish(ctx, admin, ruleset.PublishInput{AreaCode: "1101", Note: "首版", Entries: cityEntries()})
		must(t, err)
		if v1.Version != 1 || v1.Entries != 9 {
			t.Fatalf("v1 = %+v", v1)
		}
		eff, err := in.rules.Effective(ctx, super, "")
		must(t, err)
		if eff.AreaCode != "110117" || eff.Upper == nil || eff.Upper.AreaCode != "1101" || eff.Upper.Version != 1 || len(eff.Rules) != 9 {
			t.Fatalf("district's effective set = %+v", eff)
		}
		if r := rule(t, eff, "time_limits/0101"); r.Value != "2h,24h,5d" || r.Source != ruleset.FromUpper {
			t.Fatalf("inherited = %+v", r)
		}

		// a permitted override, with its reason
		_, err = in.rules.SetOverride(ctx, admin, ruleset.OverrideInput{Section: ruleset.TimeLimits, Key: "0101", Value: "2h,24h,3d"})
		if !errs.Is(err, errs.Invalid) {
			t.Fatalf("an override without a reason: %v", err)
		}
		_, err = in.rules.SetOverride(ctx, admin, ruleset.OverrideInput{Section: ruleset.TimeLimits, Key: "0101", Value: "2h,24h,3d", Reason: "山区道路冬季抢修提速"})
		must(t, err)
		eff, err = in.rules.Effective(ctx, super, "110117")
		must(t, err)
		if r := rule(t, eff, "time_limits/0101"); r.Value != "2h,24h,3d" || r.Source != ruleset.FromLocal || r.UpperValue != "2h,24h,5d" || r.Reason == "" {
			t.Fatalf("overridden = %+v", r)
		}
		// a locked entry refuses, bilingually
		_, err = in.rules.SetOverride(ctx, admin, ruleset.OverrideInput{Section: ruleset.TimeLimits, Key: "*", Value: "2h,24h,10d", Reason: "试试"})
		if !errs.Is(err, errs.Conflict) {
			t.Fatalf("a locked entry took an override: %v", err)
		}
		var e *errs.Error
		if !errorsAs(err, &e) || e.Msg == "" || e.MsgEn == "" {
			t.Fatalf("not bilingual: %#v", err)
		}
		// the public reads the override without who made it
		pub, _, err := in.rules.Overrides(ctx, auth.User{}, "")
		must(t, err)
		if len(pub.Overrides) != 1 || pub.Overrides[0].UpdatedBy != "" || pub.Overrides[0].UpperValue != "2h,24h,5d" || !pub.Overrides[0].Active {
			t.Fatalf("public overrides = %+v", pub.Overrides)
		}
		if _, err := in.rules.Diff(ctx, hand, "", "upper"); !errs.Is(err, errs.Forbidden) {
			t.Fatalf("a handler read the diff: %v", err)
		}
		df, err := in.rules.Diff(ctx, super, "", "upper")
		must(t, err)
		if len(df.Lines) != 1 || df.Lines[0].Change != ruleset.Changed || df.Lines[0].From.Value != "2h,24h,5d" || df.Lines[0].To.Value != "2h,24h,3d" {
			t.Fatalf("diff against upper = %+v", df.Lines)
		}

		// v2: a renamed category, a new one, a removed template, the
		// overridden limit changed upstream — the override stays.
		es := cityEntries()
		es[1].Value = "道路及桥梁破损"
		es[3].Value = "2h,24h,7d"
		es = append(es[:7], es[8:]...)
		es = append(es, ruleset.Entry{Section: ruleset.Categories, Key: "0102", Value: "街巷环境", Overridable: true})
		v2, err := in.rules.Publish(ctx, admin, ruleset.PublishInput{AreaCode: "1101", Entries: es})
		must(t, err)
		if v2.Version != 2 {
			t.Fatalf("v2 = %+v", v2)
		}
		eff, err = in.rules.Effective(ctx, super, "")
		must(t, err)
		if r := rule(t, eff, "time_limits/0101"); r.Value != "2h,24h,3d" || r.Source != ruleset.FromLocal || r.UpperValue != "2h,24h,7d" {
			t.Fatalf("override after v2 = %+v", r)
		}
		df, err = in.rules.Diff(ctx, super, "", "1")
		must(t, err)
		got := map[string]string{}
		for _, l := range df.Lines {
			got[string(l.Section)+"/"+l.Key] = l.Change
		}
		want := map[string]string{"categories/0101": ruleset.Changed, "categories/0102": ruleset.Added,
			"catalogue_templates/0101": ruleset.Removed, "time_limits/0101": ruleset.Changed}
		if len(got) != len(want) {
			t.Fatalf("diff against v1 = %v", got)
		}
		for k, v := range want {
			if got[k] != v {
				t.Fatalf("diff against v1: %s = %q, want %q (%v)", k, got[k], v, got)
			}
		}
		for _, l := range df.Lines {
			if l.Key == "0101" && l.Section == ruleset.Categories && (l.From.Value != "道路破损" || l.To.Value != "道路及桥梁破损") {
				t.Fatalf("both values = %+v %+v", l.From, l.To)
			}
		}
		// the upper level locks the entry in v3: the override is kept but inactive
		es[3].Overridable = false
		_, err = in.rules.Publish(ctx, admin, ruleset.PublishInput{AreaCode: "1101", Entries: es})
		must(t, err)
		eff, err = in.rules.Effective(ctx, super, "")
		must(t, err)
		if r := rule(t, eff, "time_limits/0101"); r.Source != ruleset.FromUpper || r.Value != "2h,24h,7d" || len(eff.Overrides) != 1 || eff.Overrides[0].Active {
			t.Fatalf("locked later: %+v %+v", r, eff.Overrides)
		}
		var n int
		must(t, d.R.QueryRowContext(ctx, `SELECT COUNT(*) FROM ruleset_events`).Scan(&n))
		if n != 4 { // three publications and one override
			t.Fatalf("events = %d", n)
		}
	})
}

func errorsAs(err error, e **errs.Error) bool {
	x, ok := err.(*errs.Error)
	if ok {
		*e = x
	}
	return ok
}

// The city's installation exports, the district's imports: the file is
// the same bytes both ways; a bad file is refused with nothing written.
func TestExportImport(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		cityInst := newInst(t, d, []gov.Area{{Code: "110000", Name: "北京市", Level: gov.LevelCity}})
		_, err := cityInst.rules.Publish(ctx, admin, ruleset.PublishInput{Entries: cityEntries(), Note: "全市统一"})
		must(t, err)
		file, name, err := cityInst.rules.Export(ctx, "", 0)
		must(t, err)
		if name != "rules-110000-v1.json" {
			t.Fatalf("file name %q", name)
		}
		dist := newInst(t, dbtest.Open(t, d.Engine), []gov.Area{city, district, street})
		count := func() int {
			var n, m int
			must(t, dist.d.R.QueryRowContext(ctx, `SELECT COUNT(*) FROM rule_sets`).Scan(&n))
			must(t, dist.d.R.QueryRowContext(ctx, `SELECT COUNT(*) FROM ruleset_events`).Scan(&m))
			return n + m
		}
		for _, bad := range [][]byte{
			[]byte("not json"),
			bytes.Replace(file, []byte("5d"), []byte("4d"), 1),                         // checksum no longer matches
			bytes.Replace(file, []byte(`"format"`), []byte(`"extra": 1, "format"`), 1), // unknown field
			append(append([]byte{}, file...), []byte("{}")...),                         // trailing data
		} {
			if _, err := dist.rules.Import(ctx, admin, bad); !errs.Is(err, errs.Invalid) {
				t.Fatalf("a bad file was taken: %v", err)
			}
		}
		if n := count(); n != 0 {
			t.Fatalf("a bad file wrote %d rows", n)
		}
		if _, err := dist.rules.Import(ctx, super, file); !errs.Is(err, errs.Forbidden) {
			t.Fatalf("a supervisor imported: %v", err)
		}
		v, err := dist.rules.Import(ctx, admin, file)
		must(t, err)
		if v.AreaCode != "110000" || v.Source != ruleset.SourceImport {
			t.Fatalf("imported %+v", v)
		}
		if _, err := dist.rules.Import(ctx, admin, file); err != nil || count() != 2 {
			t.Fatalf("the same file again: %v, rows %d", err, count())
		}
		back, _, err := dist.rules.Export(ctx, "110000", 1)
		must(t, err)
		if !bytes.Equal(back, file) {
			t.Fatalf("round trip differs:\n%s\n%s", file, back)
		}
		// the district (1101 → 110117 in its tree) inherits from 110000
		eff, err := dist.rules.Effective(ctx, admin, "")
		must(t, err)
		if eff.Upper == nil || eff.Upper.AreaCode != "110000" || len(eff.Rules) != 9 {
			t.Fatalf("effective after import = %+v", eff)
		}
		if _, err := dist.rules.Publish(ctx, admin, ruleset.PublishInput{AreaCode: "110117", Entries: cityEntries()}); err != nil {
			t.Fatalf("the district publishes for its streets: %v", err)
		}
		// another file of a version held is a conflict
		doc, err := ruleset.Decode(file)
		must(t, err)
		doc.Note = "另一份"
		other, _, err := ruleset.Encode(doc)
		must(t, err)
		if _, err := dist.rules.Import(ctx, admin, other); !errs.Is(err, errs.Conflict) {
			t.Fatalf("a second v1 was taken: %v", err)
		}
		// the city publishes 110000 itself: another version of it is not imported
		doc.Version = 2
		other, _, err = ruleset.Encode(doc)
		must(t, err)
		if _, err := cityInst.rules.Import(ctx, admin, other); !errs.Is(err, errs.Conflict) {
			t.Fatalf("the publisher imported its own area: %v", err)
		}
	})
}

// Apply writes the effective set to the live settings through the owning
// capabilities, and a second run writes nothing.
func TestApply(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		in := newInst(t, d, []gov.Area{city, district, street, street2})
		g := gov.NewService(d, in.clock)
		for _, o := range []gov.Org{
			{Code: "S1", Name: "滨河街道办事处", Kind: gov.KindStreetOffice, AreaCode: "110117001"},
			{Code: "S2", Name: "兴谷街道办事处", Kind: gov.KindStreetOffice, AreaCode: "110117002"},
			{Code: "D1", Name: "区城管委", Kind: gov.KindDepartment, AreaCode: "110117"},
		} {
			must(t, g.UpsertOrg(ctx, o))
		}
		must(t, in.tickets.SetTimeLimit(ctx, ticket.TimeLimit{Urgency: ticket.UrgencyNormal,
			Sign: ticket.Limit{Amount: 2, Unit: ticket.WorkingHours}, Contact: ticket.Limit{Amount: 24, Unit: ticket.WorkingHours}, Complete: ticket.Limit{Amount: 5, Unit: ticket.WorkingDays}}))
		_, err := in.rules.Publish(ctx, admin, ruleset.PublishInput{AreaCode: "1101", Entries: cityEntries()})
		must(t, err)
		_, err = in.rules.SetOverride(ctx, admin, ruleset.OverrideInput{Section: ruleset.TimeLimits, Key: "0101", Value: "2h,24h,3d", Reason: "冬季抢修"})
		must(t, err)
		if _, err := in.rules.Apply(ctx, super, ""); !errs.Is(err, errs.Forbidden) {
			t.Fatalf("a supervisor applied: %v", err)
		}
		res, err := in.rules.Apply(ctx, admin, "")
		must(t, err)
		if len(res.Changed) != 9 {
			t.Fatalf("changed = %v skipped = %v", res.Changed, res.Skipped)
		}
		c, err := in.tickets.Category(ctx, "0101")
		must(t, err)
		if c.Name != "道路破损" || c.ParentCode != "01" || !c.Active {
			t.Fatalf("category = %+v", c)
		}
		lim, err := in.tickets.LimitsFor(ctx, "0101", ticket.KindComplaint, ticket.UrgencyNormal)
		must(t, err)
		if lim.Complete.String() != "3d" {
			t.Fatalf("limit of 0101 = %+v", lim)
		}
		lim, err = in.tickets.LimitsFor(ctx, "01", ticket.KindComplaint, ticket.UrgencyNormal)
		must(t, err)
		if lim.Complete.String() != "15d" {
			t.Fatalf("default limit = %+v", lim)
		}
		st, err := in.eval.Settings(ctx)
		must(t, err)
		if st.Weights.Response != 0.2 || st.Weights.Resolution != 0.4 || st.Weights.Satisfaction != 0.4 {
			t.Fatalf("weights = %+v", st.Weights)
		}
		if l := disclosure.DefaultFor(ctx, d.R, "proposal", disclosure.Internal); l != disclosure.Public {
			t.Fatalf("proposal default = %s", l)
		}
		for _, a := range []struct{ area, org string }{{"110117001", "S1"}, {"110117002", "S2"}} {
			org, err := in.tickets.SuggestOrg(ctx, "0101", a.area)
			if err != nil || org != a.org {
				t.Fatalf("dispatch of 0101 in %s = %q, %v", a.area, org, err)
			}
		}
		res, err = in.rules.Apply(ctx, admin, "")
		must(t, err)
		if len(res.Changed) != 0 {
			t.Fatalf("a second apply changed %v", res.Changed)
		}
		live, err := in.rules.Live(ctx)
		must(t, err)
		eff, err := in.rules.Effective(ctx, admin, "")
		must(t, err)
		for _, r := range eff.Rules {
			found := false
			for _, e := range live {
				found = found || e.ID() == r.ID() && e.Value == r.Value
			}
			if !found {
				t.Fatalf("live settings lack %s = %s", r.ID(), r.Value)
			}
		}
		// weights that do not sum to 1 are refused before anything is written
		_, err = in.rules.SetOverride(ctx, admin, ruleset.OverrideInput{Section: ruleset.Categories, Key: "0101", Value: "道路病害", Reason: "本区叫法"})
		must(t, err)
		es := cityEntries()
		es[4].Overridable = true
		_, err = in.rules.Publish(ctx, admin, ruleset.PublishInput{AreaCode: "1101", Entries: es})
		must(t, err)
		_, err = in.rules.SetOverride(ctx, admin, ruleset.OverrideInput{Section: ruleset.EvaluationWeights, Key: "response", Value: "0.5", Reason: "试行"})
		must(t, err)
		if _, err := in.rules.Apply(ctx, admin, ""); !errs.Is(err, errs.Invalid) {
			t.Fatalf("weights summing to 1.3 applied: %v", err)
		}
		if c, _ := in.tickets.Category(ctx, "0101"); c.Name != "道路破损" {
			t.Fatalf("a refused apply wrote the category: %+v", c)
		}
	})
}
