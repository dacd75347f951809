package vote_test

import (
	"bytes"
	"context"
	"errors"
	"io"
	"testing"
	"time"

	"github.com/gongzhi/gongzhi/internal/attachment"
	"github.com/gongzhi/gongzhi/internal/db"
	"github.com/gongzhi/gongzhi/internal/db/dbtest"
	"github.com/gongzhi/gongzhi/internal/errs"
	"github.com/gongzhi/gongzhi/internal/vote"
)

// scanStore keeps scans in memory by their text; "not an image" is refused
// as the photo store refuses what is not one.
type scanStore map[string][]byte

func (m scanStore) Keep(_ context.Context, name string, r io.Reader) (attachment.Image, error) {
	b, _ := io.ReadAll(r)
	if string(b) == "not an image" {
		return attachment.Image{}, errs.Invalidf("只支持图片", "images only")
	}
	sum := string(bytes.Repeat([]byte{'a' + byte(len(m))}, 64))
	m[sum] = b
	return attachment.Image{SHA256: sum, ContentType: "image/jpeg", Size: int64(len(b)), Width: 2, Height: 1, Name: name}, nil
}

func (m scanStore) OpenKept(_ context.Context, id string, img attachment.Image, at time.Time, thumb bool) (io.ReadSeekCloser, attachment.Attachment, error) {
	b, ok := m[img.SHA256]
	if !ok {
		return nil, attachment.Attachment{}, errors.New("lost")
	}
	return readSeekCloser{bytes.NewReader(b)}, attachment.Attachment{ID: id, SHA256: img.SHA256, ContentType: img.ContentType}, nil
}

type readSeekCloser struct{ *bytes.Reader }

func (readSeekCloser) Close() error { return nil }

// TestPaperScan: the staff attach a paper ballot's scan as they record it
// or after; only they open it; an online ballot has no paper, a ballot one
// scan, and a refused file records no ballot.
func TestPaperScan(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		f := setup(t, d)
		v := f.create(t, vote.MatterOrdinary, false)
		if _, err := f.svc.AddUnits(ctx, f.grid, v.ID, register); err != nil {
			t.Fatal(err)
		}
		scan := func(s string) *vote.Scan { return &vote.Scan{Name: "票.jpg", R: bytes.NewReader([]byte(s))} }
		_, err := f.svc.Cast(ctx, f.grid, v.ID, []vote.BallotIn{{Unit: "1-1-201", Choice: vote.ChoiceAgree, Scan: scan("paper 201")}})
		wantCode(t, err, errs.Unavailable, "a scan with no store")
		store := scanStore{}
		f.svc.SetScans(store)
		_, err = f.svc.Cast(ctx, f.grid, v.ID, []vote.BallotIn{{Unit: "1-1-201", Choice: vote.ChoiceAgree, Scan: scan("not an image")}})
		wantCode(t, err, errs.Invalid, "a file that is no image")
		if reg, _ := f.svc.Register(ctx, f.grid, v.ID); reg[2].Voted {
			t.Fatal("a refused scan left its ballot")
		}
		if _, err := f.svc.Cast(ctx, f.grid, v.ID, []vote.BallotIn{{Unit: "1-1-201", Choice: vote.ChoiceAgree, PaperRef: "0001", Scan: scan("paper 201")}}); err != nil {
			t.Fatal(err)
		}
		open := func(unit string) string {
			t.Helper()
			r, att, err := f.svc.OpenScan(ctx, f.grid, v.ID, unit, false)
			if err != nil {
				t.Fatalf("open the scan of %s: %v", unit, err)
			}
			defer r.Close()
			b, _ := io.ReadAll(r)
			if att.ContentType != "image/jpeg" {
				t.Errorf("content type %q", att.ContentType)
			}
			return string(b)
		}
		if got := open("1-1-201"); got != "paper 201" {
			t.Errorf("scan %q", got)
		}
		_, _, err = f.svc.OpenScan(ctx, resident("13800000002"), v.ID, "1-1-201", false)
		wantCode(t, err, errs.Forbidden, "the owner opens the scan")
		_, _, err = f.svc.OpenScan(ctx, f.other, v.ID, "1-1-201", false)
		wantCode(t, err, errs.NotFound, "staff of another area open the scan")
		wantCode(t, f.svc.AttachScan(ctx, f.grid, v.ID, "1-1-201", *scan("again")), errs.Conflict, "a second scan")

		// Recorded first, scanned after.
		if _, err := f.svc.Cast(ctx, f.grid, v.ID, []vote.BallotIn{{Unit: "1-1-202", Choice: vote.ChoiceAbstain}}); err != nil {
			t.Fatal(err)
		}
		_, _, err = f.svc.OpenScan(ctx, f.grid, v.ID, "1-1-202", false)
		wantCode(t, err, errs.NotFound, "no scan yet")
		wantCode(t, f.svc.AttachScan(ctx, f.hand, v.ID, "1-1-202", *scan("paper 202")), errs.NotFound, "a handler attaches")
		if err := f.svc.AttachScan(ctx, f.grid, v.ID, "1-1-202", *scan("paper 202")); err != nil {
			t.Fatal(err)
		}
		if got := open("1-1-202"); got != "paper 202" {
			t.Errorf("scan after %q", got)
		}
		wantCode(t, f.svc.AttachScan(ctx, f.grid, v.ID, "1-1-101", *scan("x")), errs.NotFound, "a unit not voted")
		owner := resident("13800000001")
		_, err = f.svc.Cast(ctx, owner, v.ID, []vote.BallotIn{{Unit: "1-1-101", Choice: vote.ChoiceAgree, Scan: scan("x")}})
		wantCode(t, err, errs.Invalid, "an online ballot with a scan")
		if _, err := f.svc.Cast(ctx, owner, v.ID, []vote.BallotIn{{Unit: "1-1-101", Choice: vote.ChoiceAgree}}); err != nil {
			t.Fatal(err)
		}
		wantCode(t, f.svc.AttachScan(ctx, f.grid, v.ID, "1-1-101", *scan("x")), errs.Conflict, "a scan of an online ballot")

		ev, err := f.svc.Events(ctx, f.grid, v.ID)
		if err != nil {
			t.Fatal(err)
		}
		scans := 0
		for _, e := range ev {
			if e.Kind == "scan" {
				scans++
			}
		}
		if scans != 2 {
			t.Errorf("%d scan events, want 2", scans)
		}
		// The files of scans refused after they were kept are kept by
		// nothing, so the photo store's clean-up takes them.
		for sum, b := range store {
			want := 0
			if string(b) == "paper 201" || string(b) == "paper 202" {
				want = 1
			}
			if n, err := f.svc.ScansKeeping(ctx, sum); err != nil || n != want {
				t.Errorf("scans keeping %q: %d %v, want %d", b, n, err, want)
			}
		}
	})
}
