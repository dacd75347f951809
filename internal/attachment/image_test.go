package attachment

import (
	"bytes"
	"encoding/binary"
	"hash/crc32"
	"image"
	"image/color"
	"image/jpeg"
	"image/png"
	"io"
	"strings"
	"testing"

	"github.com/gongzhi/gongzhi/internal/errs"
)

// webpLossless is a complete 1×1 lossless WebP (34 bytes), laid out by hand.
var webpLossless = []byte{
	'R', 'I', 'F', 'F', 0x1A, 0x00, 0x00, 0x00, // RIFF, 26 bytes follow
	'W', 'E', 'B', 'P',
	'V', 'P', '8', 'L', 0x0D, 0x00, 0x00, 0x00, // the VP8L chunk, 13 bytes
	0x2F,                   // VP8L signature
	0x00, 0x00, 0x00, 0x10, // 14 bits width-1 = 0, 14 bits height-1 = 0, alpha used, version 0
	0x07, 0x10, 0x11, 0x11, 0x88, 0x88, 0xFE, 0x07, 0x00, // the entropy-coded pixel
	0x00, // padding to an even chunk size
}

// webpLossy is a complete 1×1 lossy WebP (42 bytes).
var webpLossy = []byte{
	'R', 'I', 'F', 'F', 0x22, 0x00, 0x00, 0x00, // RIFF, 34 bytes follow
	'W', 'E', 'B', 'P',
	'V', 'P', '8', ' ', 0x16, 0x00, 0x00, 0x00, // the VP8 chunk, 22 bytes
	0x30, 0x01, 0x00, // frame tag: key frame, version 0, shown, first partition 9 bytes
	0x9D, 0x01, 0x2A, // VP8 start code
	0x01, 0x00, 0x01, 0x00, // width 1, height 1, no scaling
	0x0E, 0xC0, 0xFE, 0x25, 0xA4, 0x00, 0x03, 0x70, 0x00, 0x00, 0x00, 0x00, // the coded frame
}

func pngBytes(t testing.TB, w, h int) []byte {
	img := image.NewNRGBA(image.Rect(0, 0, w, h))
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			img.Set(x, y, color.NRGBA{uint8(x), uint8(y), 90, uint8(128 + x%100)})
		}
	}
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func TestSniff(t *testing.T) {
	for _, tc := range []struct {
		name string
		b    []byte
		want *format
	}{
		{"jpeg", testJPEG(t, 4, 4, color.White, nil), fmtJPEG},
		{"png", pngBytes(t, 2, 2), fmtPNG},
		{"webp lossless", webpLossless, fmtWebP},
		{"webp lossy", webpLossy, fmtWebP},
		{"text named .jpg", []byte("this is not a photo.jpg\n"), nil},
		{"gif", []byte("GIF89a\x01\x00\x01\x00"), nil},
		{"html", []byte("<html><script>alert(1)</script>"), nil},
		{"riff wave", []byte("RIFF\x10\x00\x00\x00WAVEfmt "), nil},
		{"short", []byte{0xFF, 0xD8}, nil},
		{"empty", nil, nil},
	} {
		if got := sniff(tc.b); got != tc.want {
			t.Errorf("%s: got %v, want %v", tc.name, got, tc.want)
		}
	}
}

func TestThumbnails(t *testing.T) {
	for _, tc := range []struct {
		name          string
		b             []byte
		f             *format
		orientation   int
		wantW, wantH  int
		origW, origH  int
		wantDecodable bool
	}{
		{"jpeg landscape", testJPEG(t, 1000, 500, color.RGBA{0, 120, 0, 255}, nil), fmtJPEG, 1, 320, 160, 1000, 500, true},
		{"jpeg turned 90°", testJPEG(t, 1000, 500, color.RGBA{0, 120, 0, 255}, nil), fmtJPEG, 6, 160, 320, 1000, 500, true},
		{"png portrait", pngBytes(t, 100, 400), fmtPNG, 0, 80, 320, 100, 400, true},
		{"png small is not enlarged", pngBytes(t, 40, 30), fmtPNG, 0, 40, 30, 40, 30, true},
		{"webp lossless", webpLossless, fmtWebP, 0, 1, 1, 1, 1, true},
		{"webp lossy", webpLossy, fmtWebP, 0, 1, 1, 1, 1, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			cfg, err := checkConfig(tc.f, bytes.NewReader(tc.b), false)
			if err != nil {
				t.Fatal(err)
			}
			if cfg.Width != tc.origW || cfg.Height != tc.origH {
				t.Fatalf("config %dx%d", cfg.Width, cfg.Height)
			}
			img, err := tc.f.decode(bytes.NewReader(tc.b))
			if err != nil {
				t.Fatal(err)
			}
			var buf bytes.Buffer
			if err := encodeThumb(&buf, thumbnail(img, tc.orientation)); err != nil {
				t.Fatal(err)
			}
			th, err := jpeg.Decode(&buf)
			if err != nil {
				t.Fatal(err)
			}
			if b := th.Bounds(); b.Dx() != tc.wantW || b.Dy() != tc.wantH {
				t.Fatalf("thumbnail %dx%d, want %dx%d", b.Dx(), b.Dy(), tc.wantW, tc.wantH)
			}
		})
	}
}

func TestTooManyPixels(t *testing.T) {
	// A PNG header claiming 8000×6000 is refused before anything is decoded.
	b := pngBytes(t, 1, 1)
	binary.BigEndian.PutUint32(b[16:], 8000)
	binary.BigEndian.PutUint32(b[20:], 6000)
	binary.BigEndian.PutUint32(b[29:], crc32.ChecksumIEEE(b[12:29])) // the IHDR chunk's CRC
	if _, err := checkConfig(fmtPNG, bytes.NewReader(b), false); err == nil || !strings.Contains(err.Error(), "megapixels") {
		t.Fatalf("48 megapixels: %v", err)
	}
	if _, err := checkConfig(fmtJPEG, strings.NewReader("\xff\xd8\xff garbage"), false); err != errDamaged {
		t.Fatalf("damaged JPEG: %v", err)
	}
}

func TestOrient(t *testing.T) {
	// A 2×1 image, red then blue: where does red go?
	src := image.NewRGBA(image.Rect(0, 0, 2, 1))
	red, blue := color.RGBA{255, 0, 0, 255}, color.RGBA{0, 0, 255, 255}
	src.SetRGBA(0, 0, red)
	src.SetRGBA(1, 0, blue)
	for o, want := range map[int]image.Point{1: {0, 0}, 2: {1, 0}, 3: {1, 0}, 4: {0, 0}, 5: {0, 0}, 6: {0, 0}, 7: {0, 1}, 8: {0, 1}} {
		dst := orient(src, o)
		if dst.RGBAAt(want.X, want.Y) != red {
			t.Errorf("orientation %d: red not at %v (size %v)", o, want, dst.Bounds().Size())
		}
	}
}

func TestCleanName(t *testing.T) {
	long := strings.Repeat("长", 150) + ".jpg"
	for in, want := range map[string]string{
		"IMG_0001.JPG":               "IMG_0001.JPG",
		`C:\Users\王芳\Desktop\垃圾.jpg`: "垃圾.jpg",
		"../../etc/passwd":           "passwd",
		"a\"b<c>d|e?.png":            "a_b_c_d_e_.png",
		"evil\u202egpj.exe":          "evilgpj.exe",
		"tab\there\n.jpg":            "tabhere.jpg",
		"...":                        "",
		"bad\xffutf8.jpg":            "badutf8.jpg",
		long:                         strings.Repeat("长", 96) + ".jpg",
	} {
		if got := cleanName(in); got != want {
			t.Errorf("cleanName(%q) = %q, want %q", in, got, want)
		}
	}
}

// FuzzImage feeds arbitrary bytes to what an upload goes through after its
// format is sniffed: the header check, the Exif orientation, the decoder and
// the thumbnail. Nothing panics; a header that is refused is refused as
// damaged or too large; an image that decodes gets a thumbnail within
// ThumbSize that encodes.
func FuzzImage(f *testing.F) {
	var pngBuf bytes.Buffer
	png.Encode(&pngBuf, image.NewGray(image.Rect(0, 0, 3, 2)))
	f.Add(pngBuf.Bytes())
	f.Add(testJPEG(f, 8, 4, color.White, buildExif(binary.BigEndian, 40.14, 117.12, 'N', 'E', 6)))
	f.Add(testJPEG(f, 2, 9, color.Black, nil))
	f.Add(webpLossless)
	f.Add(webpLossy)
	f.Add([]byte("\x89PNG\r\n\x1a\n\x00\x00\x00\x0dIHDR\x7f\xff\xff\xff\x7f\xff\xff\xff\x08\x02\x00\x00\x00"))
	f.Add([]byte{0xFF, 0xD8, 0xFF, 0xC0, 0x00, 0x0B, 0x08, 0xFF, 0xFF, 0xFF, 0xFF, 0x01, 0x01, 0x11, 0x00})
	f.Add([]byte("RIFF\x00\x00\x00\x00WEBPVP8 "))
	f.Fuzz(func(t *testing.T, b []byte) {
		fm := sniff(b)
		if fm == nil {
			return
		}
		cfg, err := checkConfig(fm, bytes.NewReader(b), false)
		if err != nil {
			if c := errs.CodeOf(err); c != errs.Invalid && c != errs.TooLarge {
				t.Fatalf("header refused with %v", err)
			}
			return
		}
		if cfg.Width <= 0 || cfg.Height <= 0 || int64(cfg.Width)*int64(cfg.Height) > MaxPixels {
			t.Fatalf("header passed with %dx%d", cfg.Width, cfg.Height)
		}
		orientation := 0
		if fm == fmtJPEG {
			orientation = parseExif(readJPEGExif(bytes.NewReader(b))).Orientation
		}
		if int64(cfg.Width)*int64(cfg.Height) > 1<<20 {
			return // a real size for an upload, but too slow to decode for every input
		}
		img, err := fm.decode(bytes.NewReader(b))
		if err != nil {
			return
		}
		th := thumbnail(img, orientation)
		if w, h := th.Bounds().Dx(), th.Bounds().Dy(); w < 1 || h < 1 || w > ThumbSize || h > ThumbSize {
			t.Fatalf("thumbnail %dx%d of %dx%d", w, h, img.Bounds().Dx(), img.Bounds().Dy())
		}
		if err := encodeThumb(io.Discard, th); err != nil {
			t.Fatalf("encode thumbnail: %v", err)
		}
	})
}
