package attachment

import (
	"bytes"
	"context"
	"encoding/binary"
	"image/color"
	"image/jpeg"
	"io"
	"log/slog"
	"math"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gongzhi/gongzhi/internal/auth"
	"github.com/gongzhi/gongzhi/internal/clock"
	"github.com/gongzhi/gongzhi/internal/db"
	"github.com/gongzhi/gongzhi/internal/db/dbtest"
	"github.com/gongzhi/gongzhi/internal/demo"
	"github.com/gongzhi/gongzhi/internal/errs"
	"github.com/gongzhi/gongzhi/internal/gov"
	"github.com/gongzhi/gongzhi/internal/ticket"
)

type fixture struct {
	svc      *Service
	tickets  *ticket.Service
	dataDir  string
	resident auth.User // 13800138000
	other    auth.User // another resident
	handler  auth.User // 滨河街道办事处, where 0101 in 滨河街道 goes
	dept     auth.User // 区城市管理委员会
	disp     auth.User
	agent    auth.User
	grid     auth.User // 金谷东园社区居委会
}

func setup(t *testing.T, d *db.DB) *fixture {
	t.Helper()
	ctx := context.Background()
	c := clock.NewFixed(time.Date(2026, 3, 2, 9, 0, 0, 0, time.FixedZone("CST", 8*3600)))
	log := slog.New(slog.DiscardHandler)
	g := gov.NewService(d, c)
	a := auth.NewService(d, c, g, log, auth.Options{BcryptCost: 4, Demo: true})
	ts := ticket.NewService(d, c, g, log)
	if _, err := demo.Load(ctx, d, g, a, ts, log); err != nil {
		t.Fatal(err)
	}
	staff := func(name string) auth.User {
		s, err := a.Login(ctx, name, "gongzhi-demo", auth.KindAPI)
		if err != nil {
			t.Fatalf("login %s: %v", name, err)
		}
		return s.User
	}
	resident := func(phone string) auth.User {
		code, err := a.RequestCode(ctx, phone)
		if err != nil {
			t.Fatal(err)
		}
		s, err := a.LoginWithCode(ctx, phone, code, auth.KindAPI)
		if err != nil {
			t.Fatal(err)
		}
		return s.User
	}
	dir := t.TempDir()
	return &fixture{svc: New(d, c, ts, dir, log), tickets: ts, dataDir: dir,
		resident: resident("13800138000"), other: resident("13900139000"),
		handler: staff("demo-handler"), dept: staff("demo-handler-dept"), disp: staff("demo-dispatcher"), agent: staff("demo-agent"),
		grid: staff("demo-grid")}
}

func (f *fixture) ticket(t *testing.T, by *auth.User, lat, lng *float64) string {
	t.Helper()
	in := ticket.NewTicket{Kind: ticket.KindComplaint, CategoryCode: "0101", Description: "小区北门垃圾堆积", AreaCode: "110117001001",
		Lat: lat, Lng: lng}
	if by == nil || by.Role != auth.RoleResident {
		in.ReporterPhone = "13700137000"
	}
	tk, err := f.tickets.Create(context.Background(), by, in)
	if err != nil {
		t.Fatal(err)
	}
	return tk.Number
}

// photo is a distinct small JPEG for each n.
func photo(t testing.TB, n int) []byte {
	return testJPEG(t, 8, 8, color.RGBA{uint8(n * 25), uint8(255 - n*25), uint8(n * 7), 255}, nil)
}

// gpsPhoto is a 40×20 JPEG taken at 40.1400 N, 117.1200 E, to be turned 90°.
func gpsPhoto(t testing.TB) []byte {
	return testJPEG(t, 40, 20, color.RGBA{10, 80, 160, 255}, buildExif(binary.BigEndian, 40.14, 117.12, 'N', 'E', 6))
}

func wantCode(t *testing.T, what string, err error, code errs.Code) {
	t.Helper()
	if !errs.Is(err, code) {
		t.Fatalf("%s: got %v, want %s", what, err, code)
	}
	if de := errs.As(err); de.Msg == "" || de.MsgEn == "" {
		t.Fatalf("%s: message missing in one language: %+v", what, de)
	}
}

func f64(v float64) *float64 { return &v }

func TestAddListOpen(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		f := setup(t, d)
		bare := f.ticket(t, &f.resident, nil, nil)
		placed := f.ticket(t, &f.resident, f64(40.2), f64(117.3))

		// A photo with GPS gives a ticket without a place its place.
		pic := gpsPhoto(t)
		a, err := f.svc.Add(ctx, &f.resident, bare, "", "C:\\手机\\IMG_0001.JPG", bytes.NewReader(pic))
		if err != nil {
			t.Fatal(err)
		}
		if a.Purpose != PurposeReport || a.ContentType != "image/jpeg" || a.Name != "IMG_0001.JPG" ||
			a.Width != 20 || a.Height != 40 || a.UploadedBy != f.resident.ID {
			t.Fatalf("attachment: %+v", a)
		}
		if a.Lat == nil || math.Abs(*a.Lat-40.14) > 1e-6 || math.Abs(*a.Lng-117.12) > 1e-6 {
			t.Fatalf("attachment place: %v %v", a.Lat, a.Lng)
		}
		tk, err := f.tickets.Get(ctx, f.resident, bare)
		if err != nil || tk.Lat == nil || math.Abs(*tk.Lat-40.14) > 1e-6 || math.Abs(*tk.Lng-117.12) > 1e-6 {
			t.Fatalf("ticket place after the photo: %v %v %v", tk.Lat, tk.Lng, err)
		}
		evs, err := f.tickets.Events(ctx, f.resident, bare)
		if err != nil {
			t.Fatal(err)
		}
		last := evs[len(evs)-1]
		if last.Action != ticket.ActionAttach || last.Note != "report "+a.ID || last.Actor != "reporter" || last.ToStatus != tk.Status {
			t.Fatalf("timeline: %+v", last)
		}
		nEvents := len(evs)

		// A ticket with a place keeps it; the photo keeps its own.
		b, err := f.svc.Add(ctx, &f.resident, placed, PurposeReport, "x.jpg", bytes.NewReader(pic))
		if err != nil || b.Lat == nil {
			t.Fatalf("second ticket: %+v %v", b, err)
		}
		if tk, _ := f.tickets.Get(ctx, f.resident, placed); *tk.Lat != 40.2 || *tk.Lng != 117.3 {
			t.Fatalf("a placed ticket moved: %v %v", *tk.Lat, *tk.Lng)
		}
		// The same content is one file, however many tickets show it.
		var files []string
		filepath.WalkDir(filepath.Join(f.dataDir, "attachments"), func(p string, e os.DirEntry, err error) error {
			if err == nil && !e.IsDir() {
				files = append(files, strings.TrimPrefix(p, f.dataDir))
			}
			return nil
		})
		want := []string{"/attachments/" + a.SHA256[:2] + "/" + a.SHA256[2:4] + "/" + a.SHA256 + ".jpg", "/attachments/thumbs/" + a.SHA256 + ".jpg"}
		if strings.Join(files, " ") != strings.Join(want, " ") {
			t.Fatalf("files: %v, want %v", files, want)
		}
		// The same photo sent again to the same ticket (a retried upload) is
		// the attachment it already has, with no new timeline line.
		again, err := f.svc.Add(ctx, &f.resident, bare, "", "retry.jpg", bytes.NewReader(pic))
		if err != nil || again.ID != a.ID {
			t.Fatalf("retry: %+v %v", again, err)
		}
		if evs, _ := f.tickets.Events(ctx, f.resident, bare); len(evs) != nEvents {
			t.Fatalf("a retried upload added a timeline line")
		}

		// A guest who has just submitted adds report photos only.
		png := pngBytes(t, 30, 20)
		g, err := f.svc.Add(ctx, nil, bare, "", "map.png", bytes.NewReader(png))
		if err != nil || g.ContentType != "image/png" || g.UploadedBy != "" {
			t.Fatalf("guest: %+v %v", g, err)
		}
		_, err = f.svc.Add(ctx, nil, bare, PurposeAfter, "x.png", bytes.NewReader(png))
		wantCode(t, "guest after photo", err, errs.Forbidden)
		_, err = f.svc.Add(ctx, nil, "20990101000001", "", "x.png", bytes.NewReader(pngBytes(t, 3, 3)))
		wantCode(t, "guest on a ticket that does not exist", err, errs.NotFound)
		webp, err := f.svc.Add(ctx, &f.resident, bare, "", "tiny.webp", bytes.NewReader(webpLossless))
		if err != nil || webp.ContentType != "image/webp" || webp.Width != 1 {
			t.Fatalf("webp: %+v %v", webp, err)
		}

		items, err := f.svc.List(ctx, f.handler, bare)
		if err != nil || len(items) != 3 || items[0].ID != a.ID || items[1].ID != g.ID || items[2].ID != webp.ID {
			t.Fatalf("list: %+v %v", items, err)
		}
		_, err = f.svc.List(ctx, f.other, bare)
		wantCode(t, "another resident lists", err, errs.NotFound)
		_, err = f.svc.List(ctx, f.dept, bare)
		wantCode(t, "another unit lists", err, errs.Forbidden)

		rc, got, err := f.svc.Open(ctx, f.resident, bare, a.ID, false)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(rc)
		rc.Close()
		// What is kept is the photo turned upright, without its Exif.
		if int64(len(body)) != a.Size || bytes.Contains(body, []byte("Exif")) || got.ID != a.ID {
			t.Fatal("the kept photo came back different")
		}
		if img, err := jpeg.Decode(bytes.NewReader(body)); err != nil || img.Bounds().Dx() != 20 || img.Bounds().Dy() != 40 {
			t.Fatalf("kept photo: %v", err)
		}
		// The thumbnail is made again when it is missing, the right way up.
		os.Remove(f.svc.thumbPath(a.SHA256))
		rc, _, err = f.svc.Open(ctx, f.handler, bare, a.ID, true)
		if err != nil {
			t.Fatal(err)
		}
		th, err := jpeg.Decode(rc)
		rc.Close()
		if err != nil || th.Bounds().Dx() != 20 || th.Bounds().Dy() != 40 {
			t.Fatalf("thumbnail: %v %v", th.Bounds(), err)
		}
		_, _, err = f.svc.Open(ctx, f.resident, placed, a.ID, false)
		wantCode(t, "an attachment through another ticket", err, errs.NotFound)
		_, _, err = f.svc.Open(ctx, f.other, bare, a.ID, false)
		wantCode(t, "another resident opens", err, errs.NotFound)
		_, _, err = f.svc.Open(ctx, f.dept, bare, a.ID, true)
		wantCode(t, "another unit opens", err, errs.Forbidden)
		_, _, err = f.svc.Open(ctx, f.resident, bare, "../../gongzhi.db", false)
		wantCode(t, "a path as id", err, errs.NotFound)
	})
}

func TestPermissions(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		f := setup(t, d)
		n := f.ticket(t, &f.resident, nil, nil)
		add := func(u *auth.User, purpose string, i int) (Attachment, error) {
			return f.svc.Add(ctx, u, n, purpose, "p.jpg", bytes.NewReader(photo(t, i)))
		}
		if a, err := add(&f.handler, PurposeBefore, 1); err != nil || a.Purpose != PurposeBefore {
			t.Fatalf("lead unit, before: %+v %v", a, err)
		}
		if a, err := add(&f.handler, "", 2); err != nil || a.Purpose != PurposeReply {
			t.Fatalf("lead unit, no purpose: %+v %v", a, err)
		}
		_, err := add(&f.handler, PurposeReport, 3)
		wantCode(t, "lead unit, report", err, errs.Forbidden)
		_, err = add(&f.dept, PurposeAfter, 3)
		wantCode(t, "another unit's handler", err, errs.Forbidden)
		_, err = add(&f.other, PurposeReport, 3)
		wantCode(t, "a resident of another ticket", err, errs.NotFound)
		_, err = add(&f.resident, PurposeAfter, 3)
		wantCode(t, "the reporter, after", err, errs.Forbidden)
		_, err = add(&f.disp, PurposeBefore, 3)
		wantCode(t, "the dispatcher, before", err, errs.Forbidden)
		_, err = add(&f.disp, PurposeReport, 3)
		wantCode(t, "the dispatcher, report", err, errs.Forbidden)
		_, err = add(&f.resident, "selfie", 3)
		wantCode(t, "unknown purpose", err, errs.Invalid)

		// Staff who registered a call add its report photos.
		byAgent := f.ticket(t, &f.agent, nil, nil)
		if _, err := f.svc.Add(ctx, &f.agent, byAgent, "", "call.jpg", bytes.NewReader(photo(t, 4))); err != nil {
			t.Fatalf("agent on her own registration: %v", err)
		}

		// The grid worker who found it on patrol adds the after photo that
		// resolving it herself needs.
		f.tickets.SetPhotoCounter(f.svc.CountPurpose)
		patrol, err := f.tickets.Create(ctx, &f.grid, ticket.NewTicket{CategoryCode: "0101", Description: "垃圾桶倾倒", AreaCode: "110117001001"})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := f.tickets.Act(ctx, f.grid, patrol.Number, ticket.ActionSelfResolve, ticket.ActionInput{ReplyText: "已扶正清理"}); !errs.Is(err, errs.Invalid) {
			t.Fatalf("self-resolve without an after photo: %v", err)
		}
		_, err = f.svc.Add(ctx, &f.grid, n, PurposeAfter, "p.jpg", bytes.NewReader(photo(t, 5)))
		wantCode(t, "a grid worker, on someone else's ticket", err, errs.Forbidden)
		if _, err := f.svc.Add(ctx, &f.grid, patrol.Number, PurposeAfter, "after.jpg", bytes.NewReader(photo(t, 6))); err != nil {
			t.Fatalf("grid worker's after photo: %v", err)
		}
		if tk, err := f.tickets.Act(ctx, f.grid, patrol.Number, ticket.ActionSelfResolve, ticket.ActionInput{ReplyText: "已扶正清理"}); err != nil || tk.Status != ticket.StatusClosed {
			t.Fatalf("self-resolve with an after photo: %v", err)
		}

		// Closed: no more photos, from anyone.
		if _, err := f.tickets.Act(ctx, f.disp, n, ticket.ActionClose, ticket.ActionInput{Note: "已处理"}); err != nil {
			t.Fatal(err)
		}
		_, err = add(&f.resident, PurposeReport, 5)
		wantCode(t, "reporter on a closed ticket", err, errs.Conflict)
	})
}

func TestLimits(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		f := setup(t, d)
		n := f.ticket(t, &f.resident, nil, nil)

		// 11 MB that starts like a JPEG: refused on size, read no further than 10 MB + 1.
		big := io.MultiReader(bytes.NewReader(photo(t, 0)[:20]), io.LimitReader(zeros{}, 11<<20))
		_, err := f.svc.Add(ctx, &f.resident, n, "", "big.jpg", big)
		wantCode(t, "11 MB", err, errs.TooLarge)
		_, err = f.svc.Add(ctx, &f.resident, n, "", "photo.jpg", strings.NewReader("我是一段文字，不是照片。"))
		wantCode(t, "a text file named .jpg", err, errs.Invalid)
		if de := errs.As(err); de.Msg != "只支持 JPEG、PNG、WebP 图片" || de.MsgEn != "only JPEG, PNG and WebP images" {
			t.Fatalf("message: %+v", de)
		}
		_, err = f.svc.Add(ctx, &f.resident, n, "", "cut.jpg", bytes.NewReader(photo(t, 0)[:200]))
		wantCode(t, "a cut-off JPEG", err, errs.Invalid)
		_, err = f.svc.Add(ctx, &f.resident, n, "", "empty.jpg", bytes.NewReader(nil))
		wantCode(t, "an empty file", err, errs.Invalid)

		for i := 0; i < MaxPerTicket; i++ {
			if _, err := f.svc.Add(ctx, &f.resident, n, "", "p.jpg", bytes.NewReader(photo(t, i))); err != nil {
				t.Fatalf("photo %d: %v", i+1, err)
			}
		}
		_, err = f.svc.Add(ctx, &f.resident, n, "", "p.jpg", bytes.NewReader(photo(t, 9)))
		wantCode(t, "a 10th photo", err, errs.Conflict)

		// Uploads racing for the last places: nine win, whatever the engine.
		race := f.ticket(t, &f.resident, nil, nil)
		var wg sync.WaitGroup
		results := make([]error, 14)
		for i := range results {
			wg.Add(1)
			go func() {
				defer wg.Done()
				_, results[i] = f.svc.Add(ctx, &f.resident, race, "", "p.jpg", bytes.NewReader(photo(t, i)))
			}()
		}
		wg.Wait()
		won := 0
		for i, err := range results {
			switch {
			case err == nil:
				won++
			case !errs.Is(err, errs.Conflict):
				t.Errorf("upload %d: %v", i, err)
			}
		}
		items, err := f.svc.List(ctx, f.resident, race)
		if err != nil || won != MaxPerTicket || len(items) != MaxPerTicket {
			t.Fatalf("race: %d won, %d kept, %v", won, len(items), err)
		}
		evs, err := f.tickets.Events(ctx, f.resident, race)
		attached := 0
		for _, e := range evs {
			if e.Action == ticket.ActionAttach {
				attached++
			}
		}
		if err != nil || attached != MaxPerTicket {
			t.Fatalf("race: %d timeline lines for %d attachments, %v", attached, MaxPerTicket, err)
		}
	})
}

type zeros struct{}

func (zeros) Read(p []byte) (int, error) {
	clear(p)
	return len(p), nil
}
