package attachment

import (
	"bytes"
	"image"
	"image/color"
	"image/jpeg"
	"image/png"
	"io"

	"golang.org/x/image/draw"
	"golang.org/x/image/webp"

	"github.com/gongzhi/gongzhi/internal/errs"
)

// format is a kind of image gongzhi accepts.
type format struct {
	ContentType string
	Ext         string
	decode      func(io.Reader) (image.Image, error)
	config      func(io.Reader) (image.Config, error)
}

var (
	fmtJPEG = &format{ContentType: "image/jpeg", Ext: "jpg", decode: jpeg.Decode, config: jpeg.DecodeConfig}
	fmtPNG  = &format{ContentType: "image/png", Ext: "png", decode: png.Decode, config: png.DecodeConfig}
	fmtWebP = &format{ContentType: "image/webp", Ext: "webp", decode: webp.Decode, config: webp.DecodeConfig}
)

// sniffLen is how many leading bytes sniff needs.
const sniffLen = 12

// sniff tells the format from the first bytes of a file, by its magic
// number, never by its name; nil for anything else.
func sniff(b []byte) *format {
	switch {
	case len(b) >= 3 && b[0] == 0xFF && b[1] == 0xD8 && b[2] == 0xFF:
		return fmtJPEG
	case bytes.HasPrefix(b, []byte("\x89PNG\r\n\x1a\n")):
		return fmtPNG
	case len(b) >= 12 && string(b[0:4]) == "RIFF" && string(b[8:12]) == "WEBP":
		return fmtWebP
	}
	return nil
}

func formatOf(contentType string) *format {
	for _, f := range []*format{fmtJPEG, fmtPNG, fmtWebP} {
		if f.ContentType == contentType {
			return f
		}
	}
	return nil
}

// Image limits.
const (
	MaxPixels    = 40_000_000 // refused above: decoding costs about 4 bytes a pixel
	ThumbSize    = 320        // the long side of a thumbnail, in pixels
	ThumbQuality = 80
)

var errDamaged = errs.New(errs.Invalid, "图片已损坏或无法读取", "the image is damaged or cannot be read")

// checkConfig reads the image's header and refuses images too large to
// decode safely, before anything is decoded.
func checkConfig(f *format, r io.Reader) (image.Config, error) {
	cfg, err := f.config(r)
	if err != nil || cfg.Width <= 0 || cfg.Height <= 0 {
		return cfg, errDamaged
	}
	if int64(cfg.Width)*int64(cfg.Height) > MaxPixels {
		return cfg, errs.New(errs.TooLarge, "图片像素过多（上限4000万像素），请缩小后再上传",
			"the image has too many pixels (limit 40 megapixels); please scale it down")
	}
	return cfg, nil
}

// thumbnail scales img to fit ThumbSize on its long side (never enlarging),
// on white where it is transparent, and turns it the right way up for the
// Exif orientation.
func thumbnail(img image.Image, orientation int) *image.RGBA {
	b := img.Bounds()
	w, h := b.Dx(), b.Dy()
	if w > ThumbSize || h > ThumbSize {
		if w >= h {
			w, h = ThumbSize, max(1, h*ThumbSize/b.Dx())
		} else {
			w, h = max(1, w*ThumbSize/b.Dy()), ThumbSize
		}
	}
	dst := image.NewRGBA(image.Rect(0, 0, w, h))
	draw.Draw(dst, dst.Bounds(), image.NewUniform(color.White), image.Point{}, draw.Src)
	draw.CatmullRom.Scale(dst, dst.Bounds(), img, b, draw.Over, nil)
	return orient(dst, orientation)
}

// orient applies an Exif orientation (1 to 8) to a small image.
func orient(src *image.RGBA, o int) *image.RGBA {
	if o < 2 || o > 8 {
		return src
	}
	w, h := src.Bounds().Dx(), src.Bounds().Dy()
	dw, dh := w, h
	if o >= 5 {
		dw, dh = h, w
	}
	dst := image.NewRGBA(image.Rect(0, 0, dw, dh))
	for y := 0; y < dh; y++ {
		for x := 0; x < dw; x++ {
			var sx, sy int
			switch o {
			case 2: // mirrored
				sx, sy = w-1-x, y
			case 3: // turned 180°
				sx, sy = w-1-x, h-1-y
			case 4: // flipped
				sx, sy = x, h-1-y
			case 5: // transposed
				sx, sy = y, x
			case 6: // to be turned 90° clockwise
				sx, sy = y, h-1-x
			case 7: // transversed
				sx, sy = w-1-y, h-1-x
			case 8: // to be turned 90° anticlockwise
				sx, sy = w-1-y, x
			}
			dst.SetRGBA(x, y, src.RGBAAt(sx, sy))
		}
	}
	return dst
}

// encodeThumb writes a thumbnail as JPEG.
func encodeThumb(w io.Writer, img image.Image) error {
	return jpeg.Encode(w, img, &jpeg.Options{Quality: ThumbQuality})
}
