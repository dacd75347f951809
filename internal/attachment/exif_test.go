package attachment

import (
	"bytes"
	"encoding/binary"
	"image"
	"image/color"
	"image/jpeg"
	"math"
	"testing"
)

// rational is a TIFF RATIONAL.
type rational struct{ num, den uint32 }

// dms splits degrees into degrees, minutes and seconds (to 1/1000 s).
func dms(v float64) [3]rational {
	v = math.Abs(v)
	d := math.Floor(v)
	m := math.Floor((v - d) * 60)
	s := ((v-d)*60 - m) * 60
	return [3]rational{{uint32(d), 1}, {uint32(m), 1}, {uint32(math.Round(s * 1000)), 1000}}
}

// buildExif returns TIFF data as a camera writes it: IFD0 with the
// orientation and the GPS IFD pointer, then the GPS IFD with the
// references and the degrees as three rationals each.
func buildExif(bo binary.AppendByteOrder, lat, lng float64, latRef, lngRef byte, orientation uint16) []byte {
	var b []byte
	u16 := func(v uint16) { b = bo.AppendUint16(b, v) }
	u32 := func(v uint32) { b = bo.AppendUint32(b, v) }
	if bo == binary.LittleEndian {
		b = append(b, 'I', 'I')
	} else {
		b = append(b, 'M', 'M')
	}
	u16(42)
	u32(8) // IFD0 right after the header
	const ifd0Len = 2 + 2*12 + 4
	gpsOff := uint32(8 + ifd0Len)
	const gpsLen = 2 + 4*12 + 4
	latOff := gpsOff + gpsLen
	lngOff := latOff + 24
	// IFD0
	u16(2)
	u16(tagOrientation)
	u16(typeShort)
	u32(1)
	u16(orientation)
	u16(0)
	u16(tagGPSIFD)
	u16(typeLong)
	u32(1)
	u32(gpsOff)
	u32(0) // no next IFD
	// GPS IFD
	u16(4)
	u16(tagGPSLatRef)
	u16(typeASCII)
	u32(2)
	b = append(b, latRef, 0, 0, 0)
	u16(tagGPSLat)
	u16(typeRational)
	u32(3)
	u32(latOff)
	u16(tagGPSLngRef)
	u16(typeASCII)
	u32(2)
	b = append(b, lngRef, 0, 0, 0)
	u16(tagGPSLng)
	u16(typeRational)
	u32(3)
	u32(lngOff)
	u32(0)
	for _, v := range [2]float64{lat, lng} {
		for _, r := range dms(v) {
			u32(r.num)
			u32(r.den)
		}
	}
	return b
}

// testJPEG encodes a w×h image of one colour, and when tiff is given
// splices an APP1 Exif segment holding it in after the SOI marker.
func testJPEG(t testing.TB, w, h int, c color.Color, tiff []byte) []byte {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			img.Set(x, y, c)
		}
	}
	var buf bytes.Buffer
	if err := jpeg.Encode(&buf, img, &jpeg.Options{Quality: 90}); err != nil {
		t.Fatal(err)
	}
	j := buf.Bytes()
	if tiff == nil {
		return j
	}
	seg := append([]byte("Exif\x00\x00"), tiff...)
	app1 := []byte{0xFF, 0xE1, 0, 0}
	binary.BigEndian.PutUint16(app1[2:], uint16(len(seg)+2))
	out := append([]byte{}, j[:2]...)
	out = append(out, app1...)
	out = append(out, seg...)
	return append(out, j[2:]...)
}

func TestExifGPS(t *testing.T) {
	near := func(a, b float64) bool { return math.Abs(a-b) < 1e-6 }
	for _, tc := range []struct {
		name             string
		bo               binary.AppendByteOrder
		latRef, lngRef   byte
		wantLat, wantLng float64
	}{
		{"little endian N E", binary.LittleEndian, 'N', 'E', 40.14, 117.12},
		{"big endian N E", binary.BigEndian, 'N', 'E', 40.14, 117.12},
		{"big endian S W", binary.BigEndian, 'S', 'W', -40.14, -117.12},
	} {
		t.Run(tc.name, func(t *testing.T) {
			j := testJPEG(t, 16, 8, color.RGBA{200, 30, 30, 255}, buildExif(tc.bo, 40.14, 117.12, tc.latRef, tc.lngRef, 6))
			if _, err := jpeg.Decode(bytes.NewReader(j)); err != nil {
				t.Fatalf("the spliced JPEG does not decode: %v", err)
			}
			info := parseExif(readJPEGExif(bytes.NewReader(j)))
			if !info.HasGPS || !near(info.Lat, tc.wantLat) || !near(info.Lng, tc.wantLng) {
				t.Fatalf("got %+v, want %v, %v", info, tc.wantLat, tc.wantLng)
			}
			if info.Orientation != 6 {
				t.Fatalf("orientation %d, want 6", info.Orientation)
			}
		})
	}
}

func TestExifWithoutGPS(t *testing.T) {
	for name, b := range map[string][]byte{
		"no exif":       testJPEG(t, 8, 8, color.White, nil),
		"zero position": testJPEG(t, 8, 8, color.White, buildExif(binary.LittleEndian, 0, 0, 'N', 'E', 1)),
		"no reference":  testJPEG(t, 8, 8, color.White, buildExif(binary.LittleEndian, 40.14, 117.12, 0, 'E', 1)),
		"latitude 95":   testJPEG(t, 8, 8, color.White, buildExif(binary.LittleEndian, 95, 117.12, 'N', 'E', 1)),
		"not a JPEG":    []byte("GIF89a"),
		"empty":         nil,
	} {
		if info := parseExif(readJPEGExif(bytes.NewReader(b))); info.HasGPS {
			t.Errorf("%s: GPS %+v", name, info)
		}
	}
	// Cut anywhere, the segment gives no position and no panic.
	full := buildExif(binary.BigEndian, 40.14, 117.12, 'N', 'E', 3)
	for i := range full {
		if info := parseExif(full[:i]); info.HasGPS {
			t.Fatalf("truncated to %d bytes: %+v", i, info)
		}
	}
	// An XMP APP1 before the Exif one is skipped.
	j := testJPEG(t, 8, 8, color.White, buildExif(binary.BigEndian, 40.14, 117.12, 'N', 'E', 1))
	xmp := append([]byte{0xFF, 0xE1, 0, 0}, "http://ns.adobe.com/xap/1.0/\x00<x/>"...)
	binary.BigEndian.PutUint16(xmp[2:], uint16(len(xmp)-2))
	j = append(append(append([]byte{}, j[:2]...), xmp...), j[2:]...)
	if info := parseExif(readJPEGExif(bytes.NewReader(j))); !info.HasGPS {
		t.Fatal("Exif after an XMP segment was not found")
	}
}

// FuzzEXIF feeds arbitrary bytes to the JPEG marker reader and the TIFF
// parser: they must never panic, and a position they report is in range.
func FuzzEXIF(f *testing.F) {
	f.Add(testJPEG(f, 8, 8, color.White, buildExif(binary.LittleEndian, 40.14, 117.12, 'N', 'E', 6)))
	f.Add(testJPEG(f, 8, 8, color.White, buildExif(binary.BigEndian, 40.14, 117.12, 'S', 'W', 8)))
	f.Add(buildExif(binary.BigEndian, 40.14, 117.12, 'N', 'E', 1))
	f.Add([]byte{0xFF, 0xD8, 0xFF, 0xE1, 0x00, 0x02})
	f.Add([]byte("II*\x00\x08\x00\x00\x00\xff\xff"))
	f.Add([]byte("MM\x00*\xff\xff\xff\xff"))
	f.Fuzz(func(t *testing.T, b []byte) {
		for _, tiff := range [][]byte{readJPEGExif(bytes.NewReader(b)), b} {
			info := parseExif(tiff)
			if info.HasGPS && (math.IsNaN(info.Lat) || math.IsNaN(info.Lng) || math.Abs(info.Lat) > 90 || math.Abs(info.Lng) > 180) {
				t.Fatalf("position out of range: %+v", info)
			}
			if info.Orientation < 0 || info.Orientation > 8 {
				t.Fatalf("orientation %d", info.Orientation)
			}
		}
	})
}
