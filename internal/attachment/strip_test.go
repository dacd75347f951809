package attachment

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"hash/crc32"
	"image"
	"image/color"
	"image/jpeg"
	"image/png"
	"io"
	"math"
	"os"
	"testing"

	"golang.org/x/image/webp"

	"github.com/gongzhi/gongzhi/internal/db"
	"github.com/gongzhi/gongzhi/internal/db/dbtest"
)

// segment is a JPEG marker segment with its body.
func segment(marker byte, body string) []byte {
	b := []byte{0xFF, marker, 0, 0}
	binary.BigEndian.PutUint16(b[2:], uint16(len(body)+2))
	return append(b, body...)
}

// halves is a w×h image, red on its left half and blue on its right.
func halves(w, h int) *image.RGBA {
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			c := color.RGBA{220, 20, 20, 255}
			if x >= w/2 {
				c = color.RGBA{20, 20, 220, 255}
			}
			img.SetRGBA(x, y, c)
		}
	}
	return img
}

func encodeJPEG(t testing.TB, img image.Image) []byte {
	var buf bytes.Buffer
	if err := jpeg.Encode(&buf, img, &jpeg.Options{Quality: 95}); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// secrets are what no stored or served file may hold.
var secrets = []string{"Exif\x00", "http://ns.adobe.com/xap", "Photoshop 3.0", "iPhone of Wang Fang", "SEFH", "GPS",
	"tEXt", "zTXt", "iTXt", "tIME", "eXIf", "EXIF", "XMP "}

func noSecrets(t *testing.T, what string, b []byte) {
	t.Helper()
	for _, s := range secrets {
		if bytes.Contains(b, []byte(s)) {
			t.Errorf("%s holds %q", what, s)
		}
	}
}

// stored returns the kept file of a and the bytes Open serves for it.
func (f *fixture) stored(t *testing.T, a Attachment) (kept, served []byte) {
	t.Helper()
	kept, err := os.ReadFile(f.svc.originalPath(a.SHA256, a.Ext()))
	if err != nil {
		t.Fatal(err)
	}
	rc, _, err := f.svc.Open(context.Background(), f.resident, a.TicketNumber, a.ID, false)
	if err != nil {
		t.Fatal(err)
	}
	defer rc.Close()
	served, _ = io.ReadAll(rc)
	if int64(len(kept)) != a.Size || sha(kept) != a.SHA256 {
		t.Fatalf("size %d and hash %s of a file of %d bytes", a.Size, a.SHA256, len(kept))
	}
	return kept, served
}

func (f *fixture) wantPlace(t *testing.T, number string, lat, lng float64) {
	t.Helper()
	tk, err := f.tickets.Get(context.Background(), f.resident, number)
	if err != nil || tk.Lat == nil || math.Abs(*tk.Lat-lat) > 1e-6 || math.Abs(*tk.Lng-lng) > 1e-6 {
		t.Fatalf("ticket place: %v %v %v", tk.Lat, tk.Lng, err)
	}
}

func TestStripJPEG(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		f := setup(t, d)

		// Upright (orientation 1): the segments go, the coded image stays
		// byte for byte.
		base := encodeJPEG(t, halves(32, 16))
		icc := segment(markerAPP2, "ICC_PROFILE\x00\x01\x01profile")
		var in []byte
		in = append(in, 0xFF, 0xD8)
		in = append(in, segment(markerAPP0, "JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x01\x01\xff\x00\x00")...) // with a 1×1 thumbnail
		in = append(in, segment(markerAPP1, "Exif\x00\x00"+string(buildExif(binary.LittleEndian, 40.14, 117.12, 'N', 'E', 1))+"iPhone of Wang Fang")...)
		in = append(in, segment(markerAPP1, "http://ns.adobe.com/xap/1.0/\x00<x:xmpmeta>GPS</x:xmpmeta>")...)
		in = append(in, segment(0xED, "Photoshop 3.0\x008BIM")...)
		in = append(in, segment(markerCOM, "iPhone of Wang Fang")...)
		in = append(in, icc...)
		in = append(in, base[2:]...)
		in = append(in, "SEFH trailer after the image"...)
		want := append(append(append([]byte{0xFF, 0xD8}, segment(markerAPP0, "JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00")...), icc...), base[2:]...)

		n := f.ticket(t, &f.resident, nil, nil)
		a, err := f.svc.Add(ctx, &f.resident, n, "", "a.jpg", bytes.NewReader(in))
		if err != nil {
			t.Fatal(err)
		}
		kept, served := f.stored(t, a)
		noSecrets(t, "the kept JPEG", kept)
		noSecrets(t, "the served JPEG", served)
		if !bytes.Equal(kept, want) || !bytes.Equal(served, want) {
			t.Fatalf("kept %d bytes, served %d, want the %d of the image without its metadata", len(kept), len(served), len(want))
		}
		f.wantPlace(t, n, 40.14, 117.12)
		if a.Lat == nil || a.Width != 32 || a.Height != 16 {
			t.Fatalf("attachment: %+v", a)
		}

		// Turned (orientation 6: to be shown turned 90° clockwise): the
		// kept pixels are upright, with no tag left to say otherwise.
		in = testJPEG(t, 1, 1, color.White, nil)[:0]
		in = append(in, 0xFF, 0xD8)
		in = append(in, segment(markerAPP1, "Exif\x00\x00"+string(buildExif(binary.BigEndian, 39.9, 116.4, 'N', 'E', 6)))...)
		in = append(in, base[2:]...)
		n2 := f.ticket(t, &f.resident, nil, nil)
		b, err := f.svc.Add(ctx, &f.resident, n2, "", "b.jpg", bytes.NewReader(in))
		if err != nil {
			t.Fatal(err)
		}
		kept, served = f.stored(t, b)
		noSecrets(t, "the kept turned JPEG", kept)
		if !bytes.Equal(kept, served) {
			t.Fatal("served bytes differ from the kept ones")
		}
		img, err := jpeg.Decode(bytes.NewReader(kept))
		if err != nil {
			t.Fatal(err)
		}
		if sz := img.Bounds().Size(); sz != image.Pt(16, 32) || b.Width != 16 || b.Height != 32 {
			t.Fatalf("kept %v, attachment %dx%d; want 16x32", sz, b.Width, b.Height)
		}
		// Turned clockwise, the red left half is on top.
		wantColor(t, img, 8, 4, color.RGBA{220, 20, 20, 255})
		wantColor(t, img, 8, 28, color.RGBA{20, 20, 220, 255})
		f.wantPlace(t, n2, 39.9, 116.4)
		rc, _, err := f.svc.Open(ctx, f.resident, n2, b.ID, true)
		if err != nil {
			t.Fatal(err)
		}
		th, err := jpeg.Decode(rc)
		rc.Close()
		if err != nil || th.Bounds().Size() != image.Pt(16, 32) {
			t.Fatalf("thumbnail: %v %v", th.Bounds(), err)
		}
		wantColor(t, th, 8, 4, color.RGBA{220, 20, 20, 255})
	})
}

func wantColor(t *testing.T, img image.Image, x, y int, want color.RGBA) {
	t.Helper()
	r, g, b, _ := img.At(x, y).RGBA()
	got := [3]int{int(r >> 8), int(g >> 8), int(b >> 8)}
	for i, w := range [3]int{int(want.R), int(want.G), int(want.B)} {
		if d := got[i] - w; d < -24 || d > 24 {
			t.Fatalf("pixel %d,%d is %v, want about %v", x, y, got, want)
		}
	}
}

// pngChunk is a PNG chunk with its length and CRC.
func pngChunk(typ string, data []byte) []byte {
	b := binary.BigEndian.AppendUint32(nil, uint32(len(data)))
	b = append(b, typ...)
	b = append(b, data...)
	return binary.BigEndian.AppendUint32(b, crc32.ChecksumIEEE(b[4:]))
}

func TestStripPNG(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		f := setup(t, d)
		var buf bytes.Buffer
		if err := png.Encode(&buf, halves(20, 10)); err != nil {
			t.Fatal(err)
		}
		base := buf.Bytes()
		ihdrEnd := 8 + 25
		var in []byte
		in = append(in, base[:ihdrEnd]...)
		in = append(in, pngChunk("gAMA", []byte{0, 0, 0xB1, 0x8F})...)
		in = append(in, pngChunk("eXIf", buildExif(binary.BigEndian, 31.23, 121.47, 'N', 'E', 1))...)
		in = append(in, pngChunk("tEXt", []byte("Author\x00iPhone of Wang Fang"))...)
		in = append(in, pngChunk("zTXt", []byte("Comment\x00\x00x\x9c\x03\x00\x00\x00\x00\x01"))...)
		in = append(in, pngChunk("iTXt", []byte("XML:com.adobe.xmp\x00\x00\x00\x00\x00<x:xmpmeta>GPS</x:xmpmeta>"))...)
		in = append(in, pngChunk("tIME", []byte{0x07, 0xEA, 12, 2, 9, 0, 0})...)
		in = append(in, base[ihdrEnd:]...)
		in = append(in, "SEFH trailer"...)
		want := append(append(append([]byte{}, base[:ihdrEnd]...), pngChunk("gAMA", []byte{0, 0, 0xB1, 0x8F})...), base[ihdrEnd:]...)

		n := f.ticket(t, &f.resident, nil, nil)
		a, err := f.svc.Add(ctx, &f.resident, n, "", "a.png", bytes.NewReader(in))
		if err != nil {
			t.Fatal(err)
		}
		kept, served := f.stored(t, a)
		noSecrets(t, "the kept PNG", kept)
		noSecrets(t, "the served PNG", served)
		if !bytes.Equal(kept, want) || !bytes.Equal(served, want) {
			t.Fatalf("kept %d bytes, served %d, want the %d of the image without its metadata", len(kept), len(served), len(want))
		}
		f.wantPlace(t, n, 31.23, 121.47)
	})
}

// riffChunk is a WebP chunk, padded to an even size.
func riffChunk(typ string, data []byte) []byte {
	b := append([]byte(typ), 0, 0, 0, 0)
	binary.LittleEndian.PutUint32(b[4:], uint32(len(data)))
	b = append(b, data...)
	if len(data)%2 == 1 {
		b = append(b, 0)
	}
	return b
}

func riff(chunks ...[]byte) []byte {
	body := []byte("WEBP")
	for _, c := range chunks {
		body = append(body, c...)
	}
	b := append([]byte("RIFF"), 0, 0, 0, 0)
	binary.LittleEndian.PutUint32(b[4:], uint32(len(body)))
	return append(b, body...)
}

func TestStripWebP(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		f := setup(t, d)
		vp8l := webpLossless[12:34] // the VP8L chunk of the 1×1 image, with its padding
		const flagEXIF, flagXMP, flagAlpha = 0x08, 0x04, 0x10
		vp8x := func(flags byte) []byte { return riffChunk("VP8X", []byte{flags, 0, 0, 0, 0, 0, 0, 0, 0, 0}) }
		in := riff(vp8x(flagEXIF|flagXMP|flagAlpha), vp8l,
			riffChunk("EXIF", append([]byte("Exif\x00\x00"), buildExif(binary.LittleEndian, 22.54, 114.06, 'N', 'E', 1)...)),
			riffChunk("XMP ", []byte("<x:xmpmeta>iPhone of Wang Fang</x:xmpmeta>")))
		in = append(in, "SEFH trailer"...)
		want := riff(vp8x(flagAlpha), vp8l)

		n := f.ticket(t, &f.resident, nil, nil)
		a, err := f.svc.Add(ctx, &f.resident, n, "", "a.webp", bytes.NewReader(in))
		if err != nil {
			t.Fatal(err)
		}
		kept, served := f.stored(t, a)
		noSecrets(t, "the kept WebP", kept)
		noSecrets(t, "the served WebP", served)
		if !bytes.Equal(kept, want) || !bytes.Equal(served, want) {
			t.Fatalf("kept % x\nwant % x", kept, want)
		}
		if _, err := webp.Decode(bytes.NewReader(kept)); err != nil {
			t.Fatalf("the kept WebP does not decode: %v", err)
		}
		f.wantPlace(t, n, 22.54, 114.06)
	})
}

func sha(b []byte) string {
	h := sha256.Sum256(b)
	return hex.EncodeToString(h[:])
}

// FuzzStrip feeds arbitrary bytes to the metadata strippers: nothing
// panics; what they keep, stripped again, stays the same; and an image that
// decoded before it was stripped decodes after to the same pixels.
func FuzzStrip(f *testing.F) {
	f.Add(testJPEG(f, 8, 4, color.White, buildExif(binary.BigEndian, 40.14, 117.12, 'N', 'E', 6)))
	f.Add(append(append([]byte{0xFF, 0xD8}, segment(markerCOM, "note")...), encodeJPEG(f, halves(16, 8))[2:]...))
	f.Add(pngBytes(f, 3, 2))
	f.Add(append(append(append([]byte{}, pngBytes(f, 2, 2)[:33]...), pngChunk("tEXt", []byte("a\x00b"))...), pngBytes(f, 2, 2)[33:]...))
	f.Add(webpLossless[:34])
	f.Add(webpLossy)
	f.Add(riff(riffChunk("VP8X", []byte{0x0C, 0, 0, 0, 0, 0, 0, 0, 0, 0}), webpLossless[12:34], riffChunk("EXIF", []byte("II*\x00"))))
	f.Fuzz(func(t *testing.T, b []byte) {
		fm := sniff(b)
		if fm == nil {
			return
		}
		var once bytes.Buffer
		if _, err := fm.strip(bytes.NewReader(b), &once); err != nil {
			return
		}
		var twice bytes.Buffer
		if _, err := fm.strip(bytes.NewReader(once.Bytes()), &twice); err != nil || !bytes.Equal(once.Bytes(), twice.Bytes()) {
			t.Fatalf("stripped again: %v, %d bytes then %d", err, once.Len(), twice.Len())
		}
		cfg, err := fm.config(bytes.NewReader(b))
		if err != nil || int64(cfg.Width)*int64(cfg.Height) > 1<<16 {
			return
		}
		before, err := fm.decode(bytes.NewReader(b))
		if err != nil {
			return
		}
		after, err := fm.decode(bytes.NewReader(once.Bytes()))
		if err != nil {
			t.Fatalf("decoded before stripping, not after: %v", err)
		}
		if before.Bounds() != after.Bounds() {
			t.Fatalf("bounds %v, then %v", before.Bounds(), after.Bounds())
		}
		for y := before.Bounds().Min.Y; y < before.Bounds().Max.Y; y++ {
			for x := before.Bounds().Min.X; x < before.Bounds().Max.X; x++ {
				if before.At(x, y) != after.At(x, y) {
					t.Fatalf("pixel %d,%d: %v, then %v", x, y, before.At(x, y), after.At(x, y))
				}
			}
		}
	})
}
