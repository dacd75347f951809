package meeting_test

import (
	"context"
	"sort"
	"strings"
	"testing"

	"github.com/gongzhi/gongzhi/internal/auth"
	"github.com/gongzhi/gongzhi/internal/db"
	"github.com/gongzhi/gongzhi/internal/db/dbtest"
	"github.com/gongzhi/gongzhi/internal/disclosure"
	"github.com/gongzhi/gongzhi/internal/errs"
	"github.com/gongzhi/gongzhi/internal/meeting"
)

// TestVisibility holds the list to the one-meeting rule for meetings of
// every level and stage and for users of every kind, on both engines, and
// checks the cases the rule exists for.
func TestVisibility(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		f := setup(t, d)
		seed := f.create(t, f.committee, courtyard, "")
		f.roster(t, seed.ID, 3)
		type made struct {
			id     string
			level  disclosure.Level
			status meeting.Status
		}
		var all []made
		for _, l := range disclosure.Levels {
			for _, st := range []meeting.Status{meeting.StatusDraft, meeting.StatusNoticed, meeting.StatusPublished} {
				for _, by := range []auth.User{f.committee, f.office} {
					area := courtyard
					if by.ID == f.office.ID {
						area = street
						if st != meeting.StatusDraft {
							continue
						}
					}
					m := f.create(t, by, area, l)
					f.advance(t, by, m.ID, st)
					all = append(all, made{m.ID, l, st})
				}
			}
		}
		members := auth.User{ID: "u-py2", Role: auth.RoleHandler, OrgCode: "CC1"} // of the committee, with no area scope
		users := map[string]auth.User{
			"guest": {}, "member": f.residents[0], "neighbour": f.residents[6], "outsider": f.outsider,
			"committee": f.committee, "office": f.office, "hotline": f.hotline, "property": f.property, "other": f.other,
			"admin": f.admin, "committee-member": members, "auditor": {ID: "u-au", Role: auth.RoleAuditor},
		}
		for name, u := range users {
			var want []string
			for _, x := range all {
				if _, err := f.s.Get(ctx, u, x.id); err == nil {
					want = append(want, x.id)
				} else if !errs.Is(err, errs.NotFound) {
					t.Fatalf("%s reads %s: %v", name, x.id, err)
				}
			}
			var got []string
			page, err := f.s.List(ctx, u, meeting.Filter{Limit: meeting.MaxList})
			if u.Role == auth.RoleAuditor {
				wantCode(t, err, errs.Forbidden, "the auditor lists")
				continue
			}
			must(t, err)
			for _, m := range page.Items {
				if m.ID != seed.ID {
					got = append(got, m.ID)
				}
			}
			sort.Strings(want)
			sort.Strings(got)
			if strings.Join(want, ",") != strings.Join(got, ",") {
				t.Errorf("%s: Get and List disagree:\n Get  %v\n List %v", name, want, got)
			}
		}
		see := func(u auth.User, l disclosure.Level, st meeting.Status) bool {
			for _, x := range all {
				if x.level == l && x.status == st {
					_, err := f.s.Get(ctx, u, x.id)
					return err == nil
				}
			}
			t.Fatalf("no meeting %s %s", l, st)
			return false
		}
		for _, c := range []struct {
			who  string
			l    disclosure.Level
			st   meeting.Status
			want bool
		}{
			{"guest", disclosure.Public, meeting.StatusPublished, true},
			{"guest", disclosure.Public, meeting.StatusDraft, false},
			{"guest", disclosure.Residents, meeting.StatusPublished, false},
			{"neighbour", disclosure.Residents, meeting.StatusNoticed, true},
			{"neighbour", disclosure.Residents, meeting.StatusDraft, false},
			{"neighbour", disclosure.Internal, meeting.StatusPublished, false},
			{"outsider", disclosure.Residents, meeting.StatusPublished, false},
			{"member", disclosure.Internal, meeting.StatusNoticed, true},
			{"member", disclosure.Members, meeting.StatusPublished, true},
			{"committee-member", disclosure.Members, meeting.StatusNoticed, true},
			{"property", disclosure.Internal, meeting.StatusPublished, true}, // staff in the area read internal items
			{"property", disclosure.Internal, meeting.StatusDraft, false},
			{"hotline", disclosure.Internal, meeting.StatusPublished, true},
			{"hotline", disclosure.Internal, meeting.StatusDraft, false},
			{"other", disclosure.Residents, meeting.StatusPublished, false},
			{"office", disclosure.Members, meeting.StatusDraft, true},
		} {
			if got := see(users[c.who], c.l, c.st); got != c.want {
				t.Errorf("%s reads a %s meeting %s: %v, want %v", c.who, c.l, c.st, got, c.want)
			}
		}
		// The record of a published meeting is read at its level.
		for _, x := range all {
			if x.level == disclosure.Public && x.status == meeting.StatusPublished {
				m, err := f.s.Get(ctx, auth.User{}, x.id)
				must(t, err)
				if len(m.Resolutions) != 1 || m.Resolutions[0].For != 2 || m.Minutes == "" || len(m.Tasks) != 1 || m.Tasks[0].OwnerRep != "" {
					t.Fatalf("a guest reads a public record: %+v", m)
				}
			}
		}
	})
}

// advance takes the meeting of the seeded roster (three) to the status:
// noticed; or with everyone signed in, a resolution passed by hands with a
// task for the first member, minutes and published.
func (f *fixture) advance(t *testing.T, u auth.User, id string, to meeting.Status) {
	t.Helper()
	ctx := context.Background()
	if to == meeting.StatusDraft {
		return
	}
	m, err := f.s.Notice(ctx, u, id)
	must(t, err)
	if to == meeting.StatusNoticed {
		return
	}
	_, err = f.s.Open(ctx, u, id)
	must(t, err)
	for _, x := range m.Members {
		_, err = f.s.SignIn(ctx, u, id, x.ID)
		must(t, err)
	}
	_, err = f.s.Resolve(ctx, u, id, meeting.ResolutionInput{Text: "同意", Method: meeting.MethodHands, For: 2, Against: 1})
	must(t, err)
	_, err = f.s.AddTask(ctx, u, id, meeting.NewTask{Resolution: 1, Text: "落实", OwnerRep: m.Members[0].ID, Days: 3})
	must(t, err)
	_, err = f.s.SetMinutes(ctx, u, id, "纪要")
	must(t, err)
	_, err = f.s.Close(ctx, u, id)
	must(t, err)
	_, err = f.s.Publish(ctx, u, id)
	must(t, err)
}
