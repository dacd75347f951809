package attachment

import (
	"bytes"
	"context"
	"image"
	"image/jpeg"
	"io"

	"github.com/gongzhi/gongzhi/internal/errs"
)

// TurnedQuality is the JPEG quality of a photo encoded again to turn its
// pixels upright: high, as the photo may be evidence.
const TurnedQuality = 90

// prepare makes what is kept of a received image (see stripImage); fills
// in a's hash and size (of what is kept), its size as shown and the place
// of its Exif; makes the thumbnail unless the same image has one; and
// returns the upload to keep, which the caller discards, and the Exif read
// before it was stripped.
func (s *Service) prepare(ctx context.Context, up *upload, f *format, a *Attachment) (*upload, exifInfo, error) {
	r, err := up.reader()
	if err != nil {
		return nil, exifInfo{}, errs.Wrap(err, "read upload")
	}
	kept, info, shown, err := s.stripImage(ctx, r, f, false)
	if err != nil {
		return nil, info, err
	}
	a.Width, a.Height = shown.X, shown.Y
	if info.HasGPS {
		a.Lat, a.Lng = &info.Lat, &info.Lng
	}
	a.SHA256, a.Size = kept.sum(), kept.size
	if exists(s.thumbPath(a.SHA256)) {
		return kept, info, nil
	}
	if r, err = kept.reader(); err != nil {
		kept.discard()
		return nil, info, errs.Wrap(err, "read upload")
	}
	if err := s.makeThumb(ctx, r, f, s.thumbPath(a.SHA256)); err != nil {
		kept.discard()
		return nil, info, err
	}
	return kept, info, nil
}

// stripImage writes the image read from r, its metadata stripped (see
// strip.go), to a new upload; a JPEG whose Exif says it is to be shown
// turned or mirrored has its pixels turned upright and is encoded again, as
// without the Exif nothing would say how to show it. The header is checked
// before anything is decoded. It returns the upload, which the caller
// discards, the Exif read before stripping, and the size as shown. When
// sideways is set, an image too large to be turned is kept as it is coded,
// stripped: that is for a file kept before uploads were stripped, which
// must lose its metadata whatever becomes of its orientation.
func (s *Service) stripImage(ctx context.Context, r io.Reader, f *format, sideways bool) (*upload, exifInfo, image.Point, error) {
	var info exifInfo
	kept, err := s.newUpload()
	if err != nil {
		return nil, info, image.Point{}, err
	}
	fail := func(err error) (*upload, exifInfo, image.Point, error) {
		kept.discard()
		return nil, info, image.Point{}, err
	}
	tiff, err := f.strip(r, kept)
	if err != nil {
		return fail(errs.Wrap(err, "write stripped image"))
	}
	info = parseExif(tiff)
	if f != fmtJPEG {
		// Only a JPEG's orientation is applied: browsers do not agree on
		// the others', and gongzhi never showed them turned.
		info.Orientation = 0
	}
	kr, err := kept.reader()
	if err != nil {
		return fail(errs.Wrap(err, "read upload"))
	}
	turn := info.Orientation >= 2
	cfg, err := checkConfig(f, kr, turn)
	if err != nil && turn && sideways && errs.Is(err, errs.TooLarge) {
		if kr, err = kept.reader(); err == nil {
			turn = false
			cfg, err = checkConfig(f, kr, false)
		}
	}
	if err != nil {
		return fail(err)
	}
	if !turn {
		return kept, info, image.Pt(cfg.Width, cfg.Height), nil
	}
	turned, err := s.turnUpright(ctx, kept, info.Orientation)
	if err != nil {
		return fail(err)
	}
	kept.discard()
	shown := image.Pt(cfg.Width, cfg.Height)
	if info.Orientation >= 5 {
		shown = image.Pt(cfg.Height, cfg.Width)
	}
	return turned, info, shown, nil
}

// turnUpright decodes a stripped JPEG, turns its pixels by the Exif
// orientation and encodes it again, with its ICC profile, into a new
// upload; the thumbnail is made from the same decoded image while it is at
// hand.
func (s *Service) turnUpright(ctx context.Context, src *upload, orientation int) (*upload, error) {
	release, err := s.decodeTurn(ctx)
	if err != nil {
		return nil, err
	}
	defer release()
	r, err := src.reader()
	if err != nil {
		return nil, errs.Wrap(err, "read upload")
	}
	var icc [][]byte
	walkJPEGHeader(r, func(m byte) bool { return m == markerAPP2 }, func(_ byte, body []byte) bool {
		icc = append(icc, body)
		return true
	})
	if r, err = src.reader(); err != nil {
		return nil, errs.Wrap(err, "read upload")
	}
	img, err := jpeg.Decode(r)
	if err != nil {
		return nil, errDamaged
	}
	img = upright(img, orientation)
	var buf bytes.Buffer
	if err := jpeg.Encode(&buf, img, &jpeg.Options{Quality: TurnedQuality}); err != nil {
		return nil, errs.Wrap(err, "encode turned image")
	}
	out, err := s.newUpload()
	if err != nil {
		return nil, err
	}
	enc := buf.Bytes()
	_, err = out.Write(enc[:2]) // SOI, then the profile where readers look for it
	for _, body := range icc {
		if err == nil {
			_, err = out.Write(append([]byte{0xFF, markerAPP2, byte((len(body) + 2) >> 8), byte(len(body) + 2)}, body...))
		}
	}
	if err == nil {
		_, err = out.Write(enc[2:])
	}
	if err != nil {
		out.discard()
		return nil, errs.Wrap(err, "write turned image")
	}
	if path := s.thumbPath(out.sum()); !exists(path) {
		th := thumbnail(img, 1)
		img = nil // let the full image go before encoding
		if err := writeFile(path, func(w io.Writer) error { return encodeThumb(w, th) }); err != nil {
			out.discard()
			return nil, err
		}
	}
	return out, nil
}

// upright returns img turned by an Exif orientation (2 to 8). A YCbCr
// image stays YCbCr, at 4:2:0 when it was and its sides are even (each 2×2
// block then maps onto a 2×2 block) and 4:4:4 otherwise; grey stays grey;
// anything else becomes RGBA.
func upright(img image.Image, o int) image.Image {
	b := img.Bounds()
	w, h := b.Dx(), b.Dy()
	dw, dh := w, h
	if o >= 5 {
		dw, dh = h, w
	}
	rect := image.Rect(0, 0, dw, dh)
	switch src := img.(type) {
	case *image.YCbCr:
		ratio := image.YCbCrSubsampleRatio444
		if src.SubsampleRatio == image.YCbCrSubsampleRatio420 && w%2 == 0 && h%2 == 0 {
			ratio = image.YCbCrSubsampleRatio420
		}
		dst := image.NewYCbCr(rect, ratio)
		for y := 0; y < dh; y++ {
			for x := 0; x < dw; x++ {
				sx, sy := source(o, x, y, w, h)
				sx, sy = sx+b.Min.X, sy+b.Min.Y
				dst.Y[dst.YOffset(x, y)] = src.Y[src.YOffset(sx, sy)]
				ci, si := dst.COffset(x, y), src.COffset(sx, sy)
				dst.Cb[ci], dst.Cr[ci] = src.Cb[si], src.Cr[si]
			}
		}
		return dst
	case *image.Gray:
		dst := image.NewGray(rect)
		for y := 0; y < dh; y++ {
			for x := 0; x < dw; x++ {
				sx, sy := source(o, x, y, w, h)
				dst.Pix[dst.PixOffset(x, y)] = src.Pix[src.PixOffset(sx+b.Min.X, sy+b.Min.Y)]
			}
		}
		return dst
	}
	dst := image.NewRGBA(rect)
	for y := 0; y < dh; y++ {
		for x := 0; x < dw; x++ {
			sx, sy := source(o, x, y, w, h)
			dst.Set(x, y, img.At(sx+b.Min.X, sy+b.Min.Y))
		}
	}
	return dst
}
