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

// Photos chosen on a form that was sent back are held under its token,
// shown again, and become the ticket's when it is filed; the same photo is
// held once; held photos expire.
func TestHoldAndClaim(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		f := setup(t, d)
		const token = "abcdefghijklmnop-_0123"
		if _, err := f.svc.Hold(ctx, "short", "a.jpg", bytes.NewReader(photo(t, 1))); !errs.Is(err, errs.Invalid) {
			t.Fatalf("bad token: %v", err)
		}
		p1, err := f.svc.Hold(ctx, token, "门口.jpg", bytes.NewReader(gpsPhoto(t)))
		must(t, err)
		if _, err := f.svc.Hold(ctx, token, "again.jpg", bytes.NewReader(gpsPhoto(t))); err != nil {
			t.Fatal(err)
		}
		_, err = f.svc.Hold(ctx, token, "b.png", bytes.NewReader([]byte("not an image at all, really")))
		wantCode(t, "not an image", err, errs.Invalid)
		f.svc.clock.(*clock.Fixed).Advance(time.Second) // held photos are shown in the order they came
		_, err = f.svc.Hold(ctx, token, "2.jpg", bytes.NewReader(photo(t, 2)))
		must(t, err)
		held, err := f.svc.Held(ctx, token)
		must(t, err)
		if len(held) != 2 || held[0].ID != p1.ID || held[0].Width != 20 || held[0].Lat == nil {
			t.Fatalf("held: %+v", held)
		}
		th, a, err := f.svc.OpenHeldThumb(ctx, token, p1.ID)
		must(t, err)
		b, _ := io.ReadAll(th)
		th.Close()
		if len(b) < 100 || a.SHA256 != p1.SHA256 {
			t.Fatalf("thumbnail: %d bytes", len(b))
		}
		if _, _, err := f.svc.OpenHeldThumb(ctx, "zzzzzzzzzzzzzzzzzzzz", p1.ID); !errs.Is(err, errs.NotFound) {
			t.Fatalf("another token's photo: %v", err)
		}
		number := f.ticket(t, nil, nil, nil)
		n, bad, err := f.svc.Claim(ctx, nil, token, number)
		must(t, err)
		if n != 2 || len(bad) != 0 {
			t.Fatalf("claimed %d, refused %v", n, bad)
		}
		list, err := f.svc.List(ctx, f.disp, number)
		must(t, err)
		if len(list) != 2 || list[0].Purpose != PurposeReport {
			t.Fatalf("ticket's photos: %+v", list)
		}
		if held, _ := f.svc.Held(ctx, token); len(held) != 0 {
			t.Fatalf("still held after the claim: %d", len(held))
		}
		// Held photos of a form never sent go after PendingTTL.
		_, err = f.svc.Hold(ctx, "qrstuvwxyzqrstuvwxyz", "3.jpg", bytes.NewReader(photo(t, 3)))
		must(t, err)
		f.svc.clock.(*clock.Fixed).Advance(PendingTTL + time.Minute)
		if held, _ := f.svc.Held(ctx, "qrstuvwxyzqrstuvwxyz"); len(held) != 0 {
			t.Fatalf("expired photos are still shown: %d", len(held))
		}
	})
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}
