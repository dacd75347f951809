package attachment

import (
	"bytes"
	"context"
	"io"
	"testing"
	"time"

	"github.com/gongzhi/gongzhi/internal/clock"
	"github.com/gongzhi/gongzhi/internal/db"
	"github.com/gongzhi/gongzhi/internal/db/dbtest"
	"github.com/gongzhi/gongzhi/internal/errs"
)

// Photos kept for items other than tickets: checked, stripped, upright,
// with a thumbnail; the clean-up of held photos leaves the files such an
// item keeps (KeptBy), and only those.
func TestKeepForAnItem(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		f := setup(t, d)
		_, err := f.svc.Keep(ctx, "x.png", bytes.NewReader([]byte("not an image at all, really")))
		wantCode(t, "not an image", err, errs.Invalid)
		img, err := f.svc.Keep(ctx, "工地/门口.jpg", bytes.NewReader(gpsPhoto(t)))
		must(t, err)
		if img.Width != 20 || img.Height != 40 || img.ContentType != "image/jpeg" || img.Name != "门口.jpg" || len(img.SHA256) != 64 {
			t.Fatalf("kept: %+v", img)
		}
		at := time.Date(2026, 3, 2, 9, 0, 0, 0, clock.BusinessZone())
		for _, thumb := range []bool{false, true} {
			r, a, err := f.svc.OpenKept(ctx, "0123456789abcdef01234567", img, at, thumb)
			must(t, err)
			b, _ := io.ReadAll(r)
			r.Close()
			noSecrets(t, "a kept image", b)
			if len(b) < 100 || a.SHA256 != img.SHA256 || !a.CreatedAt.Equal(at) {
				t.Fatalf("opened (thumb %v): %d bytes, %+v", thumb, len(b), a)
			}
		}
		if _, _, err := f.svc.OpenKept(ctx, "x", Image{SHA256: "short", ContentType: "image/jpeg"}, at, false); !errs.Is(err, errs.NotFound) {
			t.Fatalf("a malformed image: %v", err)
		}

		kept, _ := f.svc.Keep(ctx, "5.jpg", bytes.NewReader(photo(t, 5)))
		loose, _ := f.svc.Keep(ctx, "6.jpg", bytes.NewReader(photo(t, 6)))
		f.svc.KeptBy(func(_ context.Context, sum string) (int, error) {
			if sum == kept.SHA256 {
				return 1, nil
			}
			return 0, nil
		})
		for i, p := range []int{5, 6} {
			_, err := f.svc.Hold(ctx, "held-photos-token-"+string(rune('a'+i)), "p.jpg", bytes.NewReader(photo(t, p)))
			must(t, err)
		}
		f.svc.clock.(*clock.Fixed).Advance(PendingTTL + time.Minute)
		_, err = f.svc.Hold(ctx, "held-photos-token-z", "7.jpg", bytes.NewReader(photo(t, 7))) // purges the expired
		must(t, err)
		if !exists(f.svc.originalPath(kept.SHA256, "jpg")) {
			t.Error("the clean-up removed a file an item keeps")
		}
		if exists(f.svc.originalPath(loose.SHA256, "jpg")) {
			t.Error("the clean-up left a file nothing keeps")
		}
	})
}
