package attachment

import (
	"bufio"
	"bytes"
	"encoding/binary"
	"io"
)

// A photo carries more than its pixels: the phone's Exif (where it was
// taken, the camera's serial number, the time), XMP, IPTC, comments, text
// chunks, and data after the image's end. gongzhi keeps the place in the
// database and stores the pixels only: what a decoder needs to show the
// image as it was meant to look (colour profile and transform, gamma,
// transparency) is kept, the rest dropped, and the coded image data is
// copied as it is, so its quality is untouched. Each strip function reads
// an image from r, writes the stripped image to w and returns the TIFF data
// of its Exif (nil when it has none), for the place and the orientation.

// maxExif bounds the Exif data kept to be read: a JPEG's APP1 holds at
// most 64 KB, and the GPS tags are near its start in the other formats.
const maxExif = 64 << 10

// stripJPEG keeps SOI, the frame, tables and scans, a JFIF APP0 without its
// thumbnail, the Adobe APP14 (it says how the colours are coded) and the ICC
// profile (APP2); it drops every other APPn (Exif, XMP, MPF, IPTC…), the
// comments and whatever follows the end of the image.
func stripJPEG(r io.Reader, w io.Writer) ([]byte, error) {
	br := bufio.NewReaderSize(r, 64<<10)
	bw := bufio.NewWriterSize(w, 64<<10)
	var soi [2]byte
	if _, err := io.ReadFull(br, soi[:]); err != nil || soi[0] != 0xFF || soi[1] != markerSOI {
		return nil, errDamaged
	}
	bw.Write(soi[:])
	var tiff []byte
	body := make([]byte, 0, 64<<10)
	m, err := nextMarker(br)
	for {
		if err != nil {
			return nil, errDamaged // the image ended before its end marker
		}
		switch {
		case m == markerEOI:
			bw.Write([]byte{0xFF, markerEOI})
			return tiff, bw.Flush()
		case m == markerSOI:
			return nil, errDamaged
		case standalone(m):
			bw.Write([]byte{0xFF, m})
			m, err = nextMarker(br)
			continue
		}
		var l [2]byte
		if _, err := io.ReadFull(br, l[:]); err != nil {
			return nil, errDamaged
		}
		n := int(binary.BigEndian.Uint16(l[:])) - 2
		if n < 0 {
			return nil, errDamaged
		}
		body = body[:n]
		if _, err := io.ReadFull(br, body); err != nil {
			return nil, errDamaged
		}
		if keep := keptSegment(m, body); keep != nil {
			bw.Write([]byte{0xFF, m})
			bw.Write(binary.BigEndian.AppendUint16(nil, uint16(len(keep)+2)))
			bw.Write(keep)
		} else if m == markerAPP1 && tiff == nil && bytes.HasPrefix(body, exifHeader) {
			tiff = bytes.Clone(body[len(exifHeader):])
		}
		if m == markerSOS {
			m, err = copyScan(br, bw)
		} else {
			m, err = nextMarker(br)
		}
	}
}

// keptSegment returns the body to keep of a JPEG segment, nil to drop it.
func keptSegment(m byte, body []byte) []byte {
	switch {
	case m == markerAPP0:
		// JFIF: version, units, densities; the thumbnail that may follow
		// is a picture of its own, and goes.
		if len(body) >= 14 && bytes.HasPrefix(body, []byte("JFIF\x00")) {
			keep := bytes.Clone(body[:14])
			keep[12], keep[13] = 0, 0
			return keep
		}
		return nil
	case m == markerAPP2:
		if bytes.HasPrefix(body, []byte("ICC_PROFILE\x00")) {
			return body
		}
		return nil
	case m == markerAPP14:
		if bytes.HasPrefix(body, []byte("Adobe")) {
			return body
		}
		return nil
	case m >= markerAPP0 && m <= 0xEF, m == markerCOM:
		return nil
	}
	return body
}

// copyScan copies entropy-coded data, with its stuffed bytes and restart
// markers, up to the marker that ends it, which it returns.
func copyScan(br *bufio.Reader, bw *bufio.Writer) (byte, error) {
	for {
		chunk, err := br.ReadSlice(0xFF)
		if err == bufio.ErrBufferFull {
			bw.Write(chunk)
			continue
		}
		if err != nil {
			return 0, err
		}
		bw.Write(chunk[:len(chunk)-1])
		c, err := br.ReadByte()
		for c == 0xFF && err == nil { // fill bytes before a marker
			c, err = br.ReadByte()
		}
		if err != nil {
			return 0, err
		}
		if c == 0x00 || c >= 0xD0 && c <= 0xD7 {
			bw.Write([]byte{0xFF, c})
			continue
		}
		return c, nil
	}
}

// pngKept are the chunks a PNG keeps: the critical ones and those that say
// how its pixels look. Text, time, Exif, private and unknown chunks go.
var pngKept = map[string]bool{
	"IHDR": true, "PLTE": true, "IDAT": true, "IEND": true,
	"tRNS": true, "gAMA": true, "cHRM": true, "sRGB": true, "iCCP": true, "sBIT": true, "cICP": true, "bKGD": true, "pHYs": true,
}

// stripPNG copies the kept chunks of a PNG, up to IEND, and returns the
// data of its eXIf chunk.
func stripPNG(r io.Reader, w io.Writer) ([]byte, error) {
	br := bufio.NewReaderSize(r, 64<<10)
	bw := bufio.NewWriterSize(w, 64<<10)
	var sig [8]byte
	if _, err := io.ReadFull(br, sig[:]); err != nil || string(sig[:]) != "\x89PNG\r\n\x1a\n" {
		return nil, errDamaged
	}
	bw.Write(sig[:])
	var tiff []byte
	for {
		var h [8]byte
		if _, err := io.ReadFull(br, h[:]); err != nil {
			return nil, errDamaged
		}
		n := int64(binary.BigEndian.Uint32(h[:4]))
		if n > MaxSize {
			return nil, errDamaged
		}
		typ := string(h[4:])
		switch {
		case pngKept[typ]:
			bw.Write(h[:])
			if _, err := io.CopyN(bw, br, n+4); err != nil { // data and CRC
				return nil, errDamaged
			}
		case typ == "eXIf" && tiff == nil && n <= maxExif:
			tiff = make([]byte, n)
			if _, err := io.ReadFull(br, tiff); err != nil {
				return nil, errDamaged
			}
			if _, err := br.Discard(4); err != nil {
				return nil, errDamaged
			}
		default:
			if _, err := br.Discard(int(n + 4)); err != nil {
				return nil, errDamaged
			}
		}
		if typ == "IEND" {
			return tiff, bw.Flush()
		}
	}
}

// WebP VP8X flags of the metadata chunks.
const (
	webpFlagEXIF = 0x08
	webpFlagXMP  = 0x04
)

// webpKept are the chunks a WebP keeps: the image, its alpha, colour
// profile and animation.
var webpKept = map[string]bool{"VP8 ": true, "VP8L": true, "VP8X": true, "ALPH": true, "ICCP": true, "ANIM": true, "ANMF": true}

// stripWebP copies the kept chunks of a WebP, clearing the VP8X flags of
// the dropped EXIF and XMP chunks, and returns the TIFF data of its EXIF
// chunk. The RIFF size is written anew; data after the RIFF goes.
func stripWebP(r io.Reader, w io.Writer) ([]byte, error) {
	br := bufio.NewReaderSize(r, 64<<10)
	var h [12]byte
	if _, err := io.ReadFull(br, h[:]); err != nil || string(h[:4]) != "RIFF" || string(h[8:]) != "WEBP" {
		return nil, errDamaged
	}
	left := int64(binary.LittleEndian.Uint32(h[4:])) - 4
	if left < 8 || left > MaxSize {
		return nil, errDamaged
	}
	// The stripped image is smaller than the upload, at most 10 MB: it is
	// put together in memory to write the RIFF size first.
	var out bytes.Buffer
	var tiff []byte
	for left >= 8 {
		var ch [8]byte
		if _, err := io.ReadFull(br, ch[:]); err != nil {
			return nil, errDamaged
		}
		n := int64(binary.LittleEndian.Uint32(ch[4:]))
		padded := n + n%2
		if 8+padded > left {
			return nil, errDamaged
		}
		left -= 8 + padded
		typ := string(ch[:4])
		if !webpKept[typ] {
			if typ == "EXIF" && tiff == nil && n <= maxExif {
				tiff = make([]byte, n)
				if _, err := io.ReadFull(br, tiff); err != nil {
					return nil, errDamaged
				}
				tiff = bytes.TrimPrefix(tiff, exifHeader) // some writers keep the JPEG APP1 header
				padded -= n
			}
			if _, err := br.Discard(int(padded)); err != nil {
				return nil, errDamaged
			}
			continue
		}
		start := out.Len()
		out.Write(ch[:])
		if _, err := io.CopyN(&out, br, padded); err != nil {
			return nil, errDamaged
		}
		if typ == "VP8X" && n >= 1 {
			out.Bytes()[start+8] &^= webpFlagEXIF | webpFlagXMP
		}
	}
	if out.Len() == 0 {
		return nil, errDamaged
	}
	binary.LittleEndian.PutUint32(h[4:], uint32(4+out.Len()))
	if _, err := w.Write(h[:]); err != nil {
		return nil, err
	}
	_, err := out.WriteTo(w)
	return tiff, err
}
