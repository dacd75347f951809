package attachment

import (
	"context"
	"io"
	"os"
	"time"

	"github.com/gongzhi/gongzhi/internal/errs"
)

// Photos of items other than tickets (a key project's progress) are kept
// as a ticket's are: checked, stripped of their metadata, upright, once by
// their SHA-256, with a thumbnail. The item's capability records them in
// its own table and decides who sees them; it registers a counter of the
// files it keeps (KeptBy), so the clean-up of held photos leaves them.

// Keeper is what an item's capability needs of the photo store
// (*Service): keep a photo and open a kept one.
type Keeper interface {
	Keep(ctx context.Context, name string, r io.Reader) (Image, error)
	OpenKept(ctx context.Context, id string, img Image, at time.Time, thumb bool) (io.ReadSeekCloser, Attachment, error)
}

// Image is a kept photo as its item records it.
type Image struct {
	SHA256      string
	ContentType string
	Size        int64
	Width       int
	Height      int
	Name        string
}

// Keep keeps the image read from r and returns what to record of it.
func (s *Service) Keep(ctx context.Context, name string, r io.Reader) (Image, error) {
	up, f, err := s.receive(r)
	if err != nil {
		return Image{}, err
	}
	defer up.discard()
	a := Attachment{ContentType: f.ContentType, Name: cleanName(name)}
	kept, _, err := s.prepare(ctx, up, f, &a)
	if err != nil {
		return Image{}, err
	}
	defer kept.discard()
	if err := kept.keep(s.originalPath(a.SHA256, f.Ext)); err != nil {
		return Image{}, err
	}
	return Image{SHA256: a.SHA256, ContentType: a.ContentType, Size: a.Size, Width: a.Width, Height: a.Height, Name: a.Name}, nil
}

// OpenKept opens a kept image (or its JPEG thumbnail) for Serve, under the
// id its item gives it; the caller has checked who may see it and closes it.
func (s *Service) OpenKept(ctx context.Context, id string, img Image, at time.Time, thumb bool) (io.ReadSeekCloser, Attachment, error) {
	a := Attachment{ID: id, SHA256: img.SHA256, ContentType: img.ContentType, Size: img.Size, Width: img.Width, Height: img.Height,
		Name: img.Name, CreatedAt: at, stripped: true}
	if formatOf(a.ContentType) == nil || len(a.SHA256) != 64 {
		return nil, Attachment{}, errNoAttachment
	}
	path := s.originalPath(a.SHA256, a.Ext())
	if thumb {
		path = s.thumbPath(a.SHA256)
		if !exists(path) {
			if err := s.remakeThumb(ctx, a); err != nil {
				return nil, Attachment{}, err
			}
		}
	}
	f, err := os.Open(path)
	if err != nil {
		return nil, Attachment{}, errs.Wrap(err, "open kept image "+id)
	}
	return f, a, nil
}

// KeptBy registers how many of an item's photos keep the file of a hash,
// asked before a file no ticket shows is removed.
func (s *Service) KeptBy(count func(ctx context.Context, sha256 string) (int, error)) {
	s.keptBy = append(s.keptBy, count)
}

// keptElsewhere reports whether an item other than a ticket keeps the file;
// when it cannot be told, the file is kept.
func (s *Service) keptElsewhere(ctx context.Context, sum string) bool {
	for _, count := range s.keptBy {
		if n, err := count(ctx, sum); err != nil || n > 0 {
			return true
		}
	}
	return false
}
