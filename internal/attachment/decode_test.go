package attachment

import (
	"bytes"
	"context"
	"encoding/binary"
	"hash/crc32"
	"os"
	"path/filepath"
	"runtime"
	"testing"
	"time"

	"github.com/gongzhi/gongzhi/internal/db"
	"github.com/gongzhi/gongzhi/internal/db/dbtest"
	"github.com/gongzhi/gongzhi/internal/errs"
)

// pngHeader is a PNG of w×h with the bit depth and colour type given and a
// few bytes of IDAT: enough for its header to be read, never enough to
// decode.
func pngHeader(w, h uint32, depth, colorType byte) []byte {
	b := []byte("\x89PNG\r\n\x1a\n")
	chunk := func(typ string, data []byte) {
		b = binary.BigEndian.AppendUint32(b, uint32(len(data)))
		start := len(b)
		b = append(b, typ...)
		b = append(b, data...)
		b = binary.BigEndian.AppendUint32(b, crc32.ChecksumIEEE(b[start:]))
	}
	ihdr := binary.BigEndian.AppendUint32(nil, w)
	ihdr = binary.BigEndian.AppendUint32(ihdr, h)
	ihdr = append(ihdr, depth, colorType, 0, 0, 0)
	chunk("IHDR", ihdr)
	if colorType == 3 {
		chunk("PLTE", []byte{0, 0, 0, 255, 255, 255})
	}
	chunk("IDAT", []byte{0x78, 0x01, 0x01, 0x00, 0x00, 0xff, 0xff})
	chunk("IEND", nil)
	return b
}

// jpegHeader is the start of a JPEG of w×h whose frame is baseline (SOF0)
// or progressive (SOF2), with three components sampled h×v, 1×1, 1×1.
func jpegHeader(w, h uint16, progressive bool, hs, vs byte) []byte {
	sof := byte(0xC0)
	if progressive {
		sof = 0xC2
	}
	b := []byte{0xFF, 0xD8, 0xFF, sof, 0, 17, 8}
	b = binary.BigEndian.AppendUint16(b, h)
	b = binary.BigEndian.AppendUint16(b, w)
	b = append(b, 3, 1, hs<<4|vs, 0, 2, 0x11, 0, 3, 0x11, 0)
	return append(b, 0xFF, 0xDA, 0, 2, 0xFF, 0xD9) // an empty scan: the header ends there
}

// allocated returns how many bytes fn allocated on the heap.
func allocated(fn func()) uint64 {
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	fn()
	runtime.ReadMemStats(&after)
	return after.TotalAlloc - before.TotalAlloc
}

func TestDecodedBytes(t *testing.T) {
	for _, tc := range []struct {
		name string
		b    []byte
		f    *format
		turn bool
		ok   bool
	}{
		// 39.7 megapixels, under the pixel limit, but 16 bits a channel:
		// 317 MB once decoded.
		{"16-bit RGBA PNG 6300×6300", pngHeader(6300, 6300, 16, 6), fmtPNG, false, false},
		{"8-bit RGBA PNG 6300×6300", pngHeader(6300, 6300, 8, 6), fmtPNG, false, false},
		{"16-bit grey PNG 6300×6300", pngHeader(6300, 6300, 16, 0), fmtPNG, false, true},
		{"8-bit RGBA PNG 4000×3000", pngHeader(4000, 3000, 8, 6), fmtPNG, false, true},
		{"16-bit RGBA PNG 4000×3000", pngHeader(4000, 3000, 16, 6), fmtPNG, false, true},
		{"palette PNG 6300×6300", pngHeader(6300, 6300, 8, 3), fmtPNG, false, true},
		// A 24-megapixel photo: baseline it decodes to 36 to 72 MB; a
		// progressive one keeps 4 bytes of coefficients a sample as well.
		{"baseline 4:2:0 JPEG 6000×4000", jpegHeader(6000, 4000, false, 2, 2), fmtJPEG, false, true},
		{"baseline 4:4:4 JPEG 6000×4000, turned", jpegHeader(6000, 4000, false, 1, 1), fmtJPEG, true, false},
		{"baseline 4:2:0 JPEG 6000×4000, turned", jpegHeader(6000, 4000, false, 2, 2), fmtJPEG, true, true},
		{"progressive 4:2:0 JPEG 6000×4000", jpegHeader(6000, 4000, true, 2, 2), fmtJPEG, false, false},
		{"progressive 4:2:0 JPEG 4000×3000", jpegHeader(4000, 3000, true, 2, 2), fmtJPEG, false, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := checkConfig(tc.f, bytes.NewReader(tc.b), tc.turn)
			if tc.ok {
				if err != nil {
					t.Fatalf("refused: %v", err)
				}
				return
			}
			wantCode(t, "checkConfig", err, errs.TooLarge)
		})
	}
	// Refusing the header costs what reading it costs, not what decoding
	// would.
	b := pngHeader(6300, 6300, 16, 6)
	if n := allocated(func() { checkConfig(fmtPNG, bytes.NewReader(b), false) }); n > 64<<10 {
		t.Fatalf("refusing a 16-bit 6300×6300 header allocated %d bytes", n)
	}
}

func TestDecodedBytesUpload(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		f := setup(t, d)
		n := f.ticket(t, &f.resident, nil, nil)
		b := pngHeader(6300, 6300, 16, 6)
		var err error
		if got := allocated(func() { _, err = f.svc.Add(ctx, &f.resident, n, "", "big.png", bytes.NewReader(b)) }); got > 4<<20 {
			t.Errorf("refusing the upload allocated %d bytes", got)
		}
		wantCode(t, "a 16-bit 6300×6300 PNG", err, errs.TooLarge)
		if items, err := f.svc.List(ctx, f.resident, n); err != nil || len(items) != 0 {
			t.Fatalf("kept: %v %v", items, err)
		}
		if files := filesUnder(t, filepath.Join(f.dataDir, "attachments")); len(files) != 0 {
			t.Fatalf("files left: %v", files)
		}
	})
}

// filesUnder lists the files below dir, relative to it.
func filesUnder(t *testing.T, dir string) []string {
	t.Helper()
	var out []string
	filepath.WalkDir(dir, func(p string, e os.DirEntry, err error) error {
		if err == nil && !e.IsDir() {
			rel, _ := filepath.Rel(dir, p)
			out = append(out, rel)
		}
		return nil
	})
	return out
}

func TestDecodeSlotsBusy(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
		defer cancel()
		f := setup(t, d)
		n := f.ticket(t, &f.resident, nil, nil)
		// Others hold every slot, for longer than an upload waits.
		for i := 0; i < cap(f.svc.decoding); i++ {
			f.svc.decoding <- struct{}{}
		}
		f.svc.decodeWait = time.Millisecond
		_, err := f.svc.Add(ctx, &f.resident, n, "", "p.jpg", bytes.NewReader(photo(t, 1)))
		wantCode(t, "all slots held", err, errs.Unavailable)
		if de := errs.As(err); de.RetryAfter <= 0 {
			t.Fatalf("no Retry-After: %+v", de)
		}
		if items, err := f.svc.List(ctx, f.resident, n); err != nil || len(items) != 0 {
			t.Fatalf("kept while busy: %v %v", items, err)
		}
		if files := filesUnder(t, filepath.Join(f.dataDir, "attachments")); len(files) != 0 {
			t.Fatalf("files left: %v", files)
		}
		// A slot let go is taken by the next upload.
		<-f.svc.decoding
		if _, err := f.svc.Add(ctx, &f.resident, n, "", "p.jpg", bytes.NewReader(photo(t, 1))); err != nil {
			t.Fatalf("with a free slot: %v", err)
		}
	})
}
