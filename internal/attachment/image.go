package attachment

import (
	"bytes"
	"fmt"
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
	strip       func(io.Reader, io.Writer) ([]byte, error) // see strip.go
}

var (
	fmtJPEG = &format{ContentType: "image/jpeg", Ext: "jpg", decode: jpeg.Decode, config: jpeg.DecodeConfig, strip: stripJPEG}
	fmtPNG  = &format{ContentType: "image/png", Ext: "png", decode: png.Decode, config: png.DecodeConfig, strip: stripPNG}
	fmtWebP = &format{ContentType: "image/webp", Ext: "webp", decode: webp.Decode, config: webp.DecodeConfig, strip: stripWebP}
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
	MaxPixels = 40_000_000 // refused above, whatever the bytes
	// MaxDecodedBytes bounds the memory one image takes while decoded (and
	// turned upright): a small file can claim a large canvas of 16-bit
	// pixels, and only its header is read before the memory is taken.
	MaxDecodedBytes = 128 << 20
	ThumbSize       = 320 // the long side of a thumbnail, in pixels
	ThumbQuality    = 80
)

var errDamaged = errs.New(errs.Invalid, "图片已损坏或无法读取", "the image is damaged or cannot be read")

// checkConfig reads the image's header and refuses images too large to
// decode safely, before anything is decoded: too many pixels, or too many
// bytes once decoded, counting the bit depth and the colour model (and the
// copy turned upright when turn is set).
func checkConfig(f *format, r io.ReadSeeker, turn bool) (image.Config, error) {
	cfg, err := f.config(r)
	if err != nil || cfg.Width <= 0 || cfg.Height <= 0 {
		return cfg, errDamaged
	}
	if int64(cfg.Width)*int64(cfg.Height) > MaxPixels {
		return cfg, errs.New(errs.TooLarge, "图片像素过多（上限4000万像素），请缩小后再上传",
			"the image has too many pixels (limit 40 megapixels); please scale it down")
	}
	if _, err := r.Seek(0, io.SeekStart); err != nil {
		return cfg, errs.Wrap(err, "read image header")
	}
	n, err := decodedBytes(f, r, cfg, turn)
	if err != nil {
		return cfg, err
	}
	if n > MaxDecodedBytes {
		return cfg, errs.New(errs.TooLarge,
			fmt.Sprintf("图片过大：处理它需要约%d MB内存（上限%d MB），请缩小尺寸或降低色深后再上传", n>>20, MaxDecodedBytes>>20),
			fmt.Sprintf("the image is too large: processing it takes about %d MB of memory (limit %d MB); please scale it down or save it with 8 bits a channel", n>>20, MaxDecodedBytes>>20))
	}
	return cfg, nil
}

// decodedBytes is about how many bytes decoding the image takes, read from
// its header: width × height × the bytes a pixel takes in the colour model
// the decoder gives, with what the format's decoder keeps besides.
func decodedBytes(f *format, r io.Reader, cfg image.Config, turn bool) (int64, error) {
	px := int64(cfg.Width) * int64(cfg.Height)
	switch f {
	case fmtJPEG:
		fr, ok := readJPEGFrame(r)
		if !ok || fr.width != cfg.Width || fr.height != cfg.Height {
			return 0, errDamaged
		}
		n := fr.decodedBytes()
		if turn {
			n += fr.turnedBytes()
		}
		return n, nil
	case fmtPNG:
		var ihdr [29]byte
		if _, err := io.ReadFull(r, ihdr[:]); err != nil {
			return 0, errDamaged
		}
		n := px * bytesPerPixel(cfg.ColorModel)
		if ihdr[28] == 1 { // interlaced: each pass is decoded apart, then merged
			n += n / 2
		}
		return n, nil
	}
	// WebP: the header's model is YCbCr even when a lossless image inside
	// decodes to NRGBA, and an alpha plane may be decoded as NRGBA first.
	if cfg.ColorModel == color.NYCbCrAModel {
		return px * 7, nil
	}
	return px * 4, nil
}

// bytesPerPixel is the size of a pixel in the colour models PNG decodes to.
func bytesPerPixel(m color.Model) int64 {
	switch m {
	case color.GrayModel, color.AlphaModel:
		return 1
	case color.Gray16Model, color.Alpha16Model:
		return 2
	case color.RGBA64Model, color.NRGBA64Model:
		return 8
	}
	if _, ok := m.(color.Palette); ok {
		return 1
	}
	return 4
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
			sx, sy := source(o, x, y, w, h)
			dst.SetRGBA(x, y, src.RGBAAt(sx, sy))
		}
	}
	return dst
}

// source returns the pixel of a w×h image stored with the Exif orientation
// o that shows at x, y once turned upright.
func source(o, x, y, w, h int) (int, int) {
	switch o {
	case 2: // mirrored
		return w - 1 - x, y
	case 3: // turned 180°
		return w - 1 - x, h - 1 - y
	case 4: // flipped
		return x, h - 1 - y
	case 5: // transposed
		return y, x
	case 6: // to be turned 90° clockwise
		return y, h - 1 - x
	case 7: // transversed
		return w - 1 - y, h - 1 - x
	case 8: // to be turned 90° anticlockwise
		return w - 1 - y, x
	}
	return x, y
}

// encodeThumb writes a thumbnail as JPEG.
func encodeThumb(w io.Writer, img image.Image) error {
	return jpeg.Encode(w, img, &jpeg.Options{Quality: ThumbQuality})
}
