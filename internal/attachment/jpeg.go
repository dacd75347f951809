package attachment

import (
	"bufio"
	"bytes"
	"encoding/binary"
	"io"
)

// JPEG markers used here.
const (
	markerSOI   = 0xD8
	markerEOI   = 0xD9
	markerSOS   = 0xDA
	markerAPP0  = 0xE0
	markerAPP1  = 0xE1
	markerAPP2  = 0xE2
	markerAPP14 = 0xEE
	markerCOM   = 0xFE
)

// isSOF tells the start-of-frame markers: C0 to CF but for DHT (C4), JPG
// (C8) and DAC (CC).
func isSOF(m byte) bool { return m >= 0xC0 && m <= 0xCF && m != 0xC4 && m != 0xC8 && m != 0xCC }

// standalone tells the markers that have no length: TEM and RST0 to RST7
// (SOI and EOI are handled where they may appear).
func standalone(m byte) bool { return m == 0x01 || m >= 0xD0 && m <= 0xD7 }

// nextMarker reads the next marker, skipping fill bytes and, as decoders
// do, stray bytes between segments.
func nextMarker(br *bufio.Reader) (byte, error) {
	for skipped := 0; ; skipped++ {
		b, err := br.ReadByte()
		if err != nil {
			return 0, err
		}
		if b != 0xFF {
			if skipped > 1<<16 {
				return 0, errDamaged
			}
			continue
		}
		m, err := br.ReadByte()
		for m == 0xFF && err == nil {
			m, err = br.ReadByte()
		}
		if err != nil {
			return 0, err
		}
		if m != 0 { // FF 00 between segments is stray data
			return m, nil
		}
	}
}

// walkJPEGHeader reads the marker segments of a JPEG up to its first scan
// and calls fn with the body of each whose marker want accepts (others are
// skipped unread), until fn returns false. Each body is at most 64 KB and
// the segments read are bounded, so bad input ends the walk, never a panic.
func walkJPEGHeader(r io.Reader, want func(marker byte) bool, fn func(marker byte, body []byte) bool) {
	br := bufio.NewReader(r)
	var soi [2]byte
	if _, err := io.ReadFull(br, soi[:]); err != nil || soi[0] != 0xFF || soi[1] != markerSOI {
		return
	}
	for i := 0; i < maxSegments; i++ {
		m, err := nextMarker(br)
		switch {
		case err != nil || m == markerEOI || m == markerSOS:
			return
		case standalone(m):
			continue
		}
		var l [2]byte
		if _, err := io.ReadFull(br, l[:]); err != nil {
			return
		}
		n := int(binary.BigEndian.Uint16(l[:])) - 2
		if n < 0 {
			return
		}
		if !want(m) {
			if _, err := br.Discard(n); err != nil {
				return
			}
			continue
		}
		body := make([]byte, n)
		if _, err := io.ReadFull(br, body); err != nil || !fn(m, body) {
			return
		}
	}
}

// jpegFrame is what a JPEG's header says about the memory decoding it takes.
type jpegFrame struct {
	width, height int
	progressive   bool
	comps         []struct{ h, v int } // sampling factors
	rgb           bool                 // three components stored as RGB: decoded to RGBA
}

// readJPEGFrame reads the frame header (SOF) of a JPEG, and the APP0 and
// APP14 segments that say how three components are to be read.
func readJPEGFrame(r io.Reader) (jpegFrame, bool) {
	var fr jpegFrame
	found, jfif, adobe := false, false, -1
	var ids []byte
	walkJPEGHeader(r, func(m byte) bool { return isSOF(m) || m == markerAPP0 || m == markerAPP14 }, func(m byte, b []byte) bool {
		switch {
		case m == markerAPP0:
			jfif = jfif || bytes.HasPrefix(b, []byte("JFIF\x00"))
		case m == markerAPP14:
			if len(b) >= 12 && bytes.HasPrefix(b, []byte("Adobe")) {
				adobe = int(b[11])
			}
		default: // the frame: precision, height, width, components
			if len(b) < 6 || len(b) < 6+3*int(b[5]) || b[5] == 0 {
				return false
			}
			fr.height, fr.width = int(binary.BigEndian.Uint16(b[1:])), int(binary.BigEndian.Uint16(b[3:]))
			fr.progressive = m == 0xC2 || m == 0xC6 || m == 0xCA || m == 0xCE
			for i := 0; i < int(b[5]); i++ {
				c := b[6+3*i:]
				ids = append(ids, c[0])
				fr.comps = append(fr.comps, struct{ h, v int }{max(1, int(c[1]>>4)), max(1, int(c[1]&0x0F))})
			}
			found = true
			return false
		}
		return true
	})
	if len(fr.comps) == 3 {
		// As image/jpeg tells RGB from YCbCr.
		fr.rgb = adobe == 0 || adobe < 0 && !jfif && string(ids) == "RGB"
	}
	return fr, found
}

// decodedBytes is about how many bytes image/jpeg allocates to decode the
// frame: every component at its sampling, padded to whole blocks; for a
// progressive JPEG also each block's coefficients (4 bytes a sample), kept
// until the last scan; and an RGBA or CMYK copy for RGB and four-component
// images.
func (fr jpegFrame) decodedBytes() int64 {
	if len(fr.comps) == 0 {
		return 0
	}
	hmax, vmax := 1, 1
	for _, c := range fr.comps {
		hmax, vmax = max(hmax, c.h), max(vmax, c.v)
	}
	if len(fr.comps) == 1 { // a grey image is read in 8×8 blocks whatever its factors say
		hmax, vmax = 1, 1
	}
	mxx := int64(fr.width+8*hmax-1) / int64(8*hmax)
	myy := int64(fr.height+8*vmax-1) / int64(8*vmax)
	var n int64
	for _, c := range fr.comps {
		h, v := int64(c.h), int64(c.v)
		if len(fr.comps) == 1 {
			h, v = 1, 1
		}
		samples := mxx * h * 8 * myy * v * 8
		n += samples
		if fr.progressive {
			n += 4 * samples
		}
	}
	if fr.rgb || len(fr.comps) == 4 {
		n += 4 * int64(fr.width) * int64(fr.height)
	}
	return n
}

// turnedBytes is about how many bytes the image takes once turned upright
// (see upright): 4:2:0 with even sides stays 4:2:0, other colour images
// become 4:4:4, grey stays grey, RGB and CMYK become RGBA.
func (fr jpegFrame) turnedBytes() int64 {
	px := int64(fr.width) * int64(fr.height)
	switch {
	case len(fr.comps) == 1:
		return px
	case fr.rgb || len(fr.comps) != 3:
		return 4 * px
	case fr.comps[0].h == 2 && fr.comps[0].v == 2 && fr.comps[1].h == 1 && fr.comps[1].v == 1 &&
		fr.width%2 == 0 && fr.height%2 == 0:
		return px * 3 / 2
	}
	return 3 * px
}
