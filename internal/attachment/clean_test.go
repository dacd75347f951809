package attachment

import (
	"bytes"
	"context"
	"encoding/binary"
	"image"
	"image/color"
	"image/jpeg"
	"image/png"
	"io"
	"os"
	"path/filepath"
	"testing"

	"github.com/gongzhi/gongzhi/internal/db"
	"github.com/gongzhi/gongzhi/internal/db/dbtest"
)

// storeOld keeps b on the ticket as gongzhi did before it stripped uploads:
// the file as received under its hash, a thumbnail, a row not marked
// stripped.
func (f *fixture) storeOld(t *testing.T, number string, b []byte, fm *format, w, h int, lat, lng *float64) Attachment {
	t.Helper()
	ctx := context.Background()
	sum := sha(b)
	if err := writeFile(f.svc.originalPath(sum, fm.Ext), func(wr io.Writer) error { _, err := wr.Write(b); return err }); err != nil {
		t.Fatal(err)
	}
	if err := writeFile(f.svc.thumbPath(sum), func(wr io.Writer) error { return encodeThumb(wr, image.NewRGBA(image.Rect(0, 0, w, h))) }); err != nil {
		t.Fatal(err)
	}
	a, created, err := f.svc.insert(ctx, Attachment{TicketNumber: number, SHA256: sum, ContentType: fm.ContentType, Size: int64(len(b)),
		Width: w, Height: h, Purpose: PurposeReport, UploadedBy: f.resident.ID, CreatedAt: f.svc.clock.Now(), Lat: lat, Lng: lng})
	if err != nil || !created {
		t.Fatal(err)
	}
	if _, err := f.svc.db.W.ExecContext(ctx, `UPDATE attachments SET stripped = FALSE WHERE id = $1`, a.ID); err != nil {
		t.Fatal(err)
	}
	return a
}

func TestCleanStored(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		f := setup(t, d)
		n := f.ticket(t, &f.resident, f64(40.14), f64(117.12))
		root := filepath.Join(f.dataDir, "attachments")

		// A photo from a phone held sideways, with its place, kept whole.
		var oldJPEG []byte
		oldJPEG = append(oldJPEG, 0xFF, 0xD8)
		oldJPEG = append(oldJPEG, segment(markerAPP1, "Exif\x00\x00"+string(buildExif(binary.BigEndian, 40.14, 117.12, 'N', 'E', 6)))...)
		oldJPEG = append(oldJPEG, segment(markerCOM, "iPhone of Wang Fang")...)
		oldJPEG = append(oldJPEG, encodeJPEG(t, halves(32, 16))[2:]...)
		a := f.storeOld(t, n, oldJPEG, fmtJPEG, 16, 32, f64(40.14), f64(117.12))
		// A screenshot with text chunks.
		var buf bytes.Buffer
		png.Encode(&buf, halves(6, 4))
		p := buf.Bytes()
		oldPNG := append(append(append([]byte{}, p[:33]...), pngChunk("tEXt", []byte("Author\x00iPhone of Wang Fang"))...), p[33:]...)
		b := f.storeOld(t, n, oldPNG, fmtPNG, 6, 4, nil, nil)

		// Served before the pass has come to it: stripped and turned first.
		rc, got, err := f.svc.Open(ctx, f.resident, n, a.ID, false)
		if err != nil {
			t.Fatal(err)
		}
		served, _ := io.ReadAll(rc)
		rc.Close()
		noSecrets(t, "the old JPEG served", served)
		img, err := jpeg.Decode(bytes.NewReader(served))
		if err != nil || img.Bounds().Size() != image.Pt(16, 32) {
			t.Fatalf("served: %v %v", img, err)
		}
		wantColor(t, img, 8, 4, color.RGBA{220, 20, 20, 255})
		if got.SHA256 == a.SHA256 || got.SHA256 != sha(served) || got.Size != int64(len(served)) || got.Width != 16 || got.Height != 32 || got.Lat == nil {
			t.Fatalf("row after stripping: %+v", got)
		}
		if _, err := os.Stat(f.svc.originalPath(a.SHA256, "jpg")); !os.IsNotExist(err) {
			t.Fatalf("the old file is still there: %v", err)
		}
		if !exists(f.svc.thumbPath(got.SHA256)) || exists(f.svc.thumbPath(a.SHA256)) {
			t.Fatal("the thumbnail did not follow its photo")
		}

		// The pass strips the rest, once.
		cleaned, err := f.svc.CleanStored(ctx)
		if err != nil || cleaned != 1 {
			t.Fatalf("pass: %d cleaned, %v", cleaned, err)
		}
		items, err := f.svc.List(ctx, f.resident, n)
		if err != nil || len(items) != 2 || items[1].ID != b.ID || items[1].SHA256 == b.SHA256 {
			t.Fatalf("after the pass: %+v %v", items, err)
		}
		kept, _ := f.stored(t, items[1])
		noSecrets(t, "the old PNG kept", kept)
		if want := append(append([]byte{}, p[:33]...), p[33:]...); !bytes.Equal(kept, want) {
			t.Fatal("the PNG changed beyond its text chunk")
		}
		for _, rel := range filesUnder(t, root) {
			if b, _ := os.ReadFile(filepath.Join(root, rel)); bytes.Contains(b, []byte("Wang Fang")) {
				t.Errorf("%s still holds the phone's name", rel)
			}
		}
		if cleaned, err := f.svc.CleanStored(ctx); err != nil || cleaned != 0 {
			t.Fatalf("second pass: %d cleaned, %v", cleaned, err)
		}

		// A ticket that shows both an old photo and the same photo stripped
		// keeps the stripped one.
		m := f.ticket(t, &f.resident, nil, nil)
		old := f.storeOld(t, m, oldPNG, fmtPNG, 6, 4, nil, nil)
		fresh, err := f.svc.Add(ctx, &f.resident, m, "", "again.png", bytes.NewReader(oldPNG))
		if err != nil || fresh.ID == old.ID {
			t.Fatalf("the same photo again: %+v %v", fresh, err)
		}
		if cleaned, err := f.svc.CleanStored(ctx); err != nil || cleaned != 1 {
			t.Fatalf("pass over the duplicate: %d cleaned, %v", cleaned, err)
		}
		if items, err := f.svc.List(ctx, f.resident, m); err != nil || len(items) != 1 || items[0].ID != fresh.ID {
			t.Fatalf("after the duplicate's pass: %+v %v", items, err)
		}
	})
}
