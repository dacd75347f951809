package kb_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
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
	"github.com/gongzhi/gongzhi/internal/kb"
	"github.com/gongzhi/gongzhi/internal/ticket"
)

var day = time.Date(2026, 5, 6, 10, 0, 0, 0, time.UTC)

type memFiles struct{ files map[string][]byte }

func (m *memFiles) Keep(_ context.Context, name string, r io.Reader) (attachment.Image, error) {
	b, _ := io.ReadAll(r)
	h := sha256.Sum256(b)
	sum := hex.EncodeToString(h[:])
	m.files[sum] = b
	return attachment.Image{SHA256: sum, ContentType: "image/png", Size: int64(len(b)), Width: 4, Height: 4, Name: name}, nil
}

func (m *memFiles) OpenKept(_ context.Context, id string, img attachment.Image, at time.Time, thumb bool) (io.ReadSeekCloser, attachment.Attachment, error) {
	return nopCloser{bytes.NewReader(m.files[img.SHA256])}, attachment.Attachment{ID: id, SHA256: img.SHA256}, nil
}

type nopCloser struct{ *bytes.Reader }

func (nopCloser) Close() error { return nil }

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

var guides = []kb.Article{
	{ID: "g1", CategoryCode: "1101", Title: "居住证办理", Body: "带身份证到社区服务站申领。", Keywords: "居住证", Active: true, Public: true, ReviewBy: "2026-12-31",
		Guide: kb.Guide{Hours: "工作日 9:00-17:00", Place: "社区服务站", Materials: []string{"身份证", "居住登记凭证"}, Fees: "免费", OnlineURL: "https://zwfw.example.gov.cn/jzz"}},
	{ID: "g2", CategoryCode: "0403", Title: "供暖季起止时间", Body: "每年11月15日至次年3月15日。", Keywords: "供暖", Active: true, Public: true, ReviewBy: "2026-05-01"}, // stale
	{ID: "g3", CategoryCode: "0403", Title: "暖气不热怎么办", Body: "先检查阀门。", Keywords: "暖气不热", Active: true},                                                // not public
	{ID: "g4", CategoryCode: "1101", Title: "居住证明开具", Body: "社区为居民开具居住证明。", Keywords: "开证明 居住证明", Active: true, Public: true, ReviewBy: "2026-06-30",
		Guide: kb.Guide{Materials: []string{"身份证", "户口簿"}, ApplyCategory: "1101"}},
}

// Residents find only what is public and current; stale and unpublished
// answers never; synonyms and segmentation lead to the answer.
func TestPublicSearch(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		s := kb.NewService(d, clock.NewFixed(day))
		must(t, s.Import(ctx, guides))
		for _, c := range []struct{ q, want string }{
			{"暂住证怎么办理", "g1"}, // a synonym
			{"我想问问居住证要带什么材料", "g1"},
			{"什么时候来暖", ""}, // g2 is stale: hidden
			{"暖气不热", ""},   // g3 is not public
			{"想开个居住证明", "g4"},
			{"x", ""},
		} {
			got, err := s.Search(ctx, c.q, 5)
			must(t, err)
			top := ""
			if len(got) > 0 {
				top = got[0].ID
			}
			if top != c.want {
				t.Errorf("%q: top %q (%v), want %q", c.q, top, got, c.want)
			}
			for _, a := range got {
				if a.ID == "g2" || a.ID == "g3" {
					t.Errorf("%q found %s", c.q, a.ID)
				}
			}
		}
		if _, err := s.Search(ctx, strings.Repeat("问", kb.MaxPublicQuery+1), 5); !errs.Is(err, errs.Invalid) {
			t.Errorf("long query: %v", err)
		}
		// The staff see the stale one flagged.
		g2, err := s.Get(ctx, "g2")
		must(t, err)
		if !g2.Stale {
			t.Error("g2 not stale")
		}
		// Answered counts only published answers.
		must(t, s.Answered(ctx, "g1"))
		if err := s.Answered(ctx, "g2"); !errs.Is(err, errs.NotFound) {
			t.Errorf("stale answered: %v", err)
		}
		staff := auth.User{ID: "u1", Role: auth.RoleHandler, AreaCode: "110117"}
		f, err := s.Figures(ctx, staff, "")
		must(t, err)
		if f.Month != "2026-05" || len(f.Days) != 6 || f.Days[5].Answered != 1 || f.Months[11].Answered != 1 {
			t.Errorf("figures %+v", f)
		}
		if _, err := s.Figures(ctx, auth.User{Role: auth.RoleResident, Phone: "139"}, ""); !errs.Is(err, errs.Forbidden) {
			t.Errorf("resident figures: %v", err)
		}
		if _, err := s.Figures(ctx, staff, "2027-01"); !errs.Is(err, errs.Invalid) {
			t.Errorf("future month: %v", err)
		}
	})
}

// What an article's guide may hold, and who may write it.
func TestGuideChecks(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		s := kb.NewService(d, clock.NewFixed(day))
		admin := auth.User{ID: "admin", Role: auth.RoleAdmin}
		base := kb.Article{Title: "居住证明", Body: "开具居住证明。", Active: true}
		for _, c := range []struct {
			name string
			mod  func(a *kb.Article)
		}{
			{"public without a review date", func(a *kb.Article) { a.Public = true }},
			{"bad review date", func(a *kb.Article) { a.ReviewBy = "31/12/2026" }},
			{"http link", func(a *kb.Article) { a.Guide.OnlineURL = "http://example.gov.cn/x" }},
			{"javascript link", func(a *kb.Article) { a.Guide.OnlineURL = "javascript:alert(1)" }},
			{"too many materials", func(a *kb.Article) {
				a.Guide.Materials = make([]string, kb.MaxMaterials+1)
				for i := range a.Guide.Materials {
					a.Guide.Materials[i] = "材料"
				}
			}},
			{"unknown application category", func(a *kb.Article) { a.Guide.ApplyCategory = "9999" }},
			{"both link and application", func(a *kb.Article) { a.Guide.ApplyCategory = "9999"; a.Guide.OnlineURL = "https://example.gov.cn/" }},
		} {
			a := base
			c.mod(&a)
			if _, err := s.Save(ctx, admin, a); !errs.Is(err, errs.Invalid) {
				t.Errorf("%s: %v", c.name, err)
			}
		}
		if _, err := s.Save(ctx, auth.User{ID: "h", Role: auth.RoleHandler, AreaCode: "11"}, base); !errs.Is(err, errs.Forbidden) {
			t.Errorf("handler saves: %v", err)
		}
		a := base
		a.Public, a.ReviewBy, a.Guide = true, "2026-09-01", kb.Guide{Hours: "工作日", OnlineURL: "https://zwfw.example.gov.cn/a?b=1"}
		saved, err := s.Save(ctx, admin, a)
		must(t, err)
		got, err := s.Get(ctx, saved.ID)
		must(t, err)
		if !got.Public || got.ReviewBy != "2026-09-01" || got.Guide.OnlineURL != a.Guide.OnlineURL || got.Stale {
			t.Errorf("saved %+v", got)
		}
	})
}

// An online application makes a ticket for the community; the reviewers
// of the community return, then approve it; it is in her 我的事项.
func TestApplication(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		c := clock.NewFixed(day)
		g := gov.NewService(d, c)
		for _, a := range []gov.Area{
			{Code: "110117", Name: "平谷区", Level: gov.LevelDistrict},
			{Code: "110117001", ParentCode: "110117", Name: "滨河街道", Level: gov.LevelStreet},
			{Code: "110117001001", ParentCode: "110117001", Name: "承平里社区", Level: gov.LevelCommunity},
			{Code: "110117002", ParentCode: "110117", Name: "兴谷街道", Level: gov.LevelStreet},
		} {
			must(t, g.UpsertArea(ctx, a))
		}
		tickets := ticket.NewService(d, c, g, slog.New(slog.DiscardHandler))
		must(t, tickets.UpsertCategory(ctx, ticket.Category{Code: "1101", Name: "户籍证明", Active: true}))
		must(t, tickets.UpsertCategory(ctx, ticket.Category{Code: "0403", Name: "供暖", Active: true}))
		s := kb.NewService(d, c)
		s.SetApplications(tickets, &memFiles{files: map[string][]byte{}})
		must(t, s.Import(ctx, guides))
		her := auth.User{ID: "r1", Role: auth.RoleResident, Phone: "13900000001", Name: "王芳"}
		office := auth.User{ID: "s1", Role: auth.RoleHandler, AreaCode: "110117001"}
		other := auth.User{ID: "s2", Role: auth.RoleHandler, AreaCode: "110117002"}
		agent := auth.User{ID: "ag", Role: auth.RoleAgent, AreaCode: "110117"}

		if _, err := s.Apply(ctx, her, "g1", kb.ApplyInput{AreaCode: "110117001001"}); !errs.Is(err, errs.Conflict) {
			t.Errorf("apply where the guide links out: %v", err)
		}
		if _, err := s.Apply(ctx, her, "g4", kb.ApplyInput{AreaCode: "110117001001", Checked: []string{"护照"}}); !errs.Is(err, errs.Invalid) {
			t.Errorf("material not on the list: %v", err)
		}
		if _, err := s.Apply(ctx, office, "g4", kb.ApplyInput{AreaCode: "110117001001"}); !errs.Is(err, errs.Forbidden) {
			t.Errorf("staff apply: %v", err)
		}
		p, err := s.Apply(ctx, her, "g4", kb.ApplyInput{AreaCode: "110117001001", Note: "办理入学用", Checked: []string{"身份证"},
			Files: []kb.Upload{{Name: "id.png", R: strings.NewReader("png")}}})
		must(t, err)
		if p.TicketNumber == "" || p.Status != kb.AppSubmitted || len(p.Files) != 1 {
			t.Fatalf("applied %+v", p)
		}
		tk, err := tickets.Get(ctx, auth.System(), p.TicketNumber)
		must(t, err)
		if tk.CategoryCode != "1101" || tk.AreaCode != "110117001001" || !strings.Contains(tk.Description, p.ID) {
			t.Errorf("ticket %+v", tk)
		}
		for _, u := range []auth.User{other, agent} {
			if _, err := s.Review(ctx, u, p.ID, kb.DecideApprove, ""); !errs.Is(err, errs.NotFound) && !errs.Is(err, errs.Forbidden) {
				t.Errorf("%s reviews: %v", u.ID, err)
			}
		}
		if _, err := s.Review(ctx, office, p.ID, kb.DecideReturn, ""); !errs.Is(err, errs.Invalid) {
			t.Errorf("return without a note: %v", err)
		}
		p, err = s.Review(ctx, office, p.ID, kb.DecideReturn, "请补充户口簿")
		must(t, err)
		items, err := s.MineItems(ctx, her)
		must(t, err)
		if len(items) != 1 || !items[0].NeedsAction || items[0].Status != kb.AppReturned {
			t.Errorf("mine %+v", items)
		}
		if _, err := s.Review(ctx, office, p.ID, kb.DecideApprove, ""); !errs.Is(err, errs.Conflict) {
			t.Errorf("review a returned one: %v", err)
		}
		p, err = s.Complete(ctx, her, p.ID, kb.ApplyInput{Checked: []string{"身份证", "户口簿"}, Files: []kb.Upload{{Name: "hk.png", R: strings.NewReader("hk")}}})
		must(t, err)
		if p.Status != kb.AppSubmitted || len(p.Files) != 2 || len(p.Checked) != 2 {
			t.Errorf("completed %+v", p)
		}
		p, err = s.Review(ctx, office, p.ID, kb.DecideApprove, "")
		must(t, err)
		if p.Status != kb.AppApproved {
			t.Errorf("approved %+v", p)
		}
		if _, err := s.Application(ctx, auth.User{ID: "r2", Role: auth.RoleResident, Phone: "13900000002"}, p.ID); !errs.Is(err, errs.NotFound) {
			t.Errorf("another resident reads it: %v", err)
		}
		rc, _, err := s.OpenFile(ctx, her, p.ID, 2, false)
		must(t, err)
		b, _ := io.ReadAll(rc)
		rc.Close()
		if string(b) != "hk" {
			t.Errorf("file %q", b)
		}
		list, err := s.ToReview(ctx, office)
		must(t, err)
		if len(list) != 1 {
			t.Errorf("to review %d", len(list))
		}
		if list, err := s.ToReview(ctx, other); err != nil || len(list) != 0 {
			t.Errorf("other office: %v %d", err, len(list))
		}
	})
}
