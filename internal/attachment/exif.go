package attachment

import (
	"bytes"
	"encoding/binary"
	"errors"
	"io"
	"math"
)

// A small, defensive reader of the two things gongzhi wants from a JPEG's
// Exif: where the photo was taken (the GPS IFD) and which way up it is (the
// Orientation tag of IFD0). Every offset is checked against the segment it
// points into, nothing recurses, and the work is bounded by the segment's
// 64 KB, so bad input gives "no Exif", never a panic.

// exifInfo is what the Exif says; zero values mean "not given".
type exifInfo struct {
	HasGPS      bool
	Lat, Lng    float64 // degrees, WGS-84 as the Exif standard says; south and west negative
	Orientation int     // 1 to 8, 0 when absent or out of range
}

// maxSegments bounds the JPEG markers read before giving up on finding Exif.
const maxSegments = 64

var exifHeader = []byte("Exif\x00\x00")

// readJPEGExif reads the markers of a JPEG from r, up to the start of the
// scan, and returns the TIFF data of its first APP1 Exif segment; nil when
// there is none.
func readJPEGExif(r io.Reader) []byte {
	var tiff []byte
	walkJPEGHeader(r, func(m byte) bool { return m == markerAPP1 }, func(_ byte, seg []byte) bool {
		if len(seg) >= len(exifHeader)+8 && bytes.HasPrefix(seg, exifHeader) {
			tiff = seg[len(exifHeader):]
			return false
		}
		return true // another APP1, such as XMP: keep looking
	})
	return tiff
}

// TIFF field types used here.
const (
	typeASCII    = 2
	typeShort    = 3
	typeLong     = 4
	typeRational = 5
)

// Tags.
const (
	tagOrientation  = 0x0112
	tagGPSIFD       = 0x8825
	tagGPSLatRef    = 0x0001
	tagGPSLat       = 0x0002
	tagGPSLngRef    = 0x0003
	tagGPSLng       = 0x0004
	maxIFDEntries   = 512
	tiffHeaderBytes = 8
)

var errBadTIFF = errors.New("malformed TIFF")

type tiff struct {
	b  []byte
	bo binary.ByteOrder
}

type ifdEntry struct {
	tag, typ uint16
	count    uint32
	value    []byte // the 4 bytes of the value field
}

// parseExif reads the GPS position and the orientation from TIFF data (the
// body of an Exif segment). Whatever it cannot read it leaves out.
func parseExif(b []byte) exifInfo {
	var info exifInfo
	if len(b) < tiffHeaderBytes {
		return info
	}
	t := tiff{b: b}
	switch {
	case b[0] == 'I' && b[1] == 'I':
		t.bo = binary.LittleEndian
	case b[0] == 'M' && b[1] == 'M':
		t.bo = binary.BigEndian
	default:
		return info
	}
	if t.bo.Uint16(b[2:]) != 42 {
		return info
	}
	ifd0, err := t.ifd(t.bo.Uint32(b[4:]))
	if err != nil {
		return info
	}
	var gpsOff uint32
	hasGPS := false
	for _, e := range ifd0 {
		switch e.tag {
		case tagOrientation:
			if e.typ == typeShort && e.count >= 1 {
				if o := int(t.bo.Uint16(e.value)); o >= 1 && o <= 8 {
					info.Orientation = o
				}
			}
		case tagGPSIFD:
			if (e.typ == typeLong || e.typ == 13 /* IFD */) && e.count == 1 {
				gpsOff, hasGPS = t.bo.Uint32(e.value), true
			}
		}
	}
	if !hasGPS {
		return info
	}
	info.Lat, info.Lng, info.HasGPS = t.gps(gpsOff)
	return info
}

// gps reads the place in the GPS IFD at off; ok is false when there is
// none, or one that is not a place.
func (t tiff) gps(off uint32) (lat, lng float64, ok bool) {
	gps, err := t.ifd(off)
	if err != nil {
		return 0, 0, false
	}
	var latRef, lngRef byte
	var okLat, okLng bool
	for _, e := range gps {
		switch e.tag {
		case tagGPSLatRef:
			latRef = t.ref(e)
		case tagGPSLngRef:
			lngRef = t.ref(e)
		case tagGPSLat:
			lat, okLat = t.degrees(e)
		case tagGPSLng:
			lng, okLng = t.degrees(e)
		}
	}
	if !okLat || !okLng || lat > 90 || lng > 180 {
		return 0, 0, false
	}
	switch latRef {
	case 'N':
	case 'S':
		lat = -lat
	default:
		return 0, 0, false
	}
	switch lngRef {
	case 'E':
	case 'W':
		lng = -lng
	default:
		return 0, 0, false
	}
	// 0,0 is what cameras without a fix often write: it is not a place.
	if lat == 0 && lng == 0 {
		return 0, 0, false
	}
	return lat, lng, true
}

// ifd reads the entries of the IFD at off.
func (t tiff) ifd(off uint32) ([]ifdEntry, error) {
	o := uint64(off)
	if o < tiffHeaderBytes || o+2 > uint64(len(t.b)) {
		return nil, errBadTIFF
	}
	n := uint64(t.bo.Uint16(t.b[o:]))
	if n == 0 || n > maxIFDEntries || o+2+n*12 > uint64(len(t.b)) {
		return nil, errBadTIFF
	}
	out := make([]ifdEntry, 0, n)
	for i := uint64(0); i < n; i++ {
		p := t.b[o+2+i*12:]
		out = append(out, ifdEntry{tag: t.bo.Uint16(p), typ: t.bo.Uint16(p[2:]), count: t.bo.Uint32(p[4:]), value: p[8:12]})
	}
	return out, nil
}

// data returns the bytes of an entry's value: in the entry when they fit in
// four bytes, else at the offset it holds.
func (t tiff) data(e ifdEntry, size uint64) ([]byte, bool) {
	total := size * uint64(e.count)
	if total <= 4 {
		return e.value[:total], true
	}
	off := uint64(t.bo.Uint32(e.value))
	if off+total > uint64(len(t.b)) {
		return nil, false
	}
	return t.b[off : off+total], true
}

// ref reads a one-letter ASCII reference (N, S, E, W).
func (t tiff) ref(e ifdEntry) byte {
	if e.typ != typeASCII || e.count < 1 || e.count > 16 {
		return 0
	}
	d, ok := t.data(e, 1)
	if !ok || len(d) == 0 {
		return 0
	}
	return d[0]
}

// degrees reads up to three rationals, degrees, minutes and seconds.
func (t tiff) degrees(e ifdEntry) (float64, bool) {
	if e.typ != typeRational || e.count < 1 || e.count > 3 {
		return 0, false
	}
	d, ok := t.data(e, 8)
	if !ok {
		return 0, false
	}
	v, scale := 0.0, 1.0
	for i := 0; i+8 <= len(d); i += 8 {
		num, den := t.bo.Uint32(d[i:]), t.bo.Uint32(d[i+4:])
		if den == 0 {
			return 0, false
		}
		part := float64(num) / float64(den)
		if i > 0 && part >= 60+1e-9 { // minutes and seconds are below 60
			return 0, false
		}
		v += part / scale
		scale *= 60
	}
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return 0, false
	}
	return v, true
}
