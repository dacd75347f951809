package attachment

import (
	"context"
	"database/sql"
	"errors"
	"io"
	"os"
	"time"

	"github.com/gongzhi/gongzhi/internal/auth"
	"github.com/gongzhi/gongzhi/internal/db"
	"github.com/gongzhi/gongzhi/internal/errs"
)

// Photos held for a form that was sent back: a resident who made a mistake
// does not choose her photos again. They are held under the form's token,
// a random key only her browser knows, for PendingTTL, and become the
// ticket's report photos when it is filed (Claim).

// PendingTTL is how long held photos wait for their form.
const PendingTTL = 2 * time.Hour

// Pending is a photo held for a form.
type Pending struct {
	ID          string
	Name        string
	SHA256      string
	ContentType string
	Size        int64
	Width       int
	Height      int
	Lat, Lng    *float64
	CreatedAt   time.Time
}

var errBadToken = errs.Invalidf("表单已过期，请重新选择照片", "the form has expired; choose the photos again")

// validToken: 16 to 64 characters of base64url.
func validToken(t string) bool {
	if len(t) < 16 || len(t) > 64 {
		return false
	}
	for _, c := range t {
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '_') {
			return false
		}
	}
	return true
}

const pendingCols = `id, name, sha256, content_type, size, width, height, lat, lng, created_at`

// Held returns the photos held under the token, oldest first.
func (s *Service) Held(ctx context.Context, token string) ([]Pending, error) {
	if !validToken(token) {
		return nil, errBadToken
	}
	since := db.Millis(s.clock.Now().Add(-PendingTTL))
	rows, err := s.db.R.QueryContext(ctx, `SELECT `+pendingCols+` FROM pending_photos WHERE token = $1 AND created_at >= $2 ORDER BY created_at, id`, token, since)
	if err != nil {
		return nil, errs.Wrap(err, "list held photos")
	}
	defer rows.Close()
	out := []Pending{}
	for rows.Next() {
		var p Pending
		var lat, lng sql.NullFloat64
		var at int64
		if err := rows.Scan(&p.ID, &p.Name, &p.SHA256, &p.ContentType, &p.Size, &p.Width, &p.Height, &lat, &lng, &at); err != nil {
			return nil, errs.Wrap(err, "scan held photo")
		}
		if lat.Valid && lng.Valid {
			p.Lat, p.Lng = &lat.Float64, &lng.Float64
		}
		p.CreatedAt = time.UnixMilli(at).In(s.tickets.Location())
		out = append(out, p)
	}
	return out, errs.Wrap(rows.Err(), "list held photos")
}

// Hold keeps the image read from r under the token, as Add keeps a
// ticket's: checked, stripped of its metadata, with a thumbnail. At most
// MaxPerTicket photos are held for one token; the same photo again returns
// the one held.
func (s *Service) Hold(ctx context.Context, token, name string, r io.Reader) (Pending, error) {
	if !validToken(token) {
		return Pending{}, errBadToken
	}
	s.purgeHeld(ctx)
	held, err := s.Held(ctx, token)
	if err != nil {
		return Pending{}, err
	}
	if len(held) >= MaxPerTicket {
		return Pending{}, errs.New(errs.Conflict, "每张工单最多9张照片，这张未上传", "a ticket takes at most 9 photos; this one was not added")
	}
	up, f, err := s.receive(r)
	if err != nil {
		return Pending{}, err
	}
	defer up.discard()
	a := Attachment{ContentType: f.ContentType, Name: cleanName(name)}
	kept, _, err := s.prepare(ctx, up, f, &a)
	if err != nil {
		return Pending{}, err
	}
	defer kept.discard()
	if err := kept.keep(s.originalPath(a.SHA256, f.Ext)); err != nil {
		return Pending{}, err
	}
	for _, p := range held {
		if p.SHA256 == a.SHA256 {
			return p, nil
		}
	}
	p := Pending{ID: db.NewID(), Name: a.Name, SHA256: a.SHA256, ContentType: a.ContentType, Size: a.Size, Width: a.Width, Height: a.Height,
		Lat: a.Lat, Lng: a.Lng, CreatedAt: s.clock.Now().In(s.tickets.Location())}
	_, err = s.db.W.ExecContext(ctx, `INSERT INTO pending_photos (id, token, sha256, content_type, size, width, height, name, lat, lng, created_at)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) ON CONFLICT (token, sha256) DO NOTHING`,
		p.ID, token, p.SHA256, p.ContentType, p.Size, p.Width, p.Height, p.Name, nullFloat(p.Lat), nullFloat(p.Lng), db.Millis(p.CreatedAt))
	return p, errs.Wrap(err, "hold photo")
}

// OpenHeldThumb returns the JPEG thumbnail of a photo held under the token.
// The caller closes it.
func (s *Service) OpenHeldThumb(ctx context.Context, token, id string) (io.ReadSeekCloser, Attachment, error) {
	if !validToken(token) || !validID(id) {
		return nil, Attachment{}, errNoAttachment
	}
	held, err := s.Held(ctx, token)
	if err != nil {
		return nil, Attachment{}, err
	}
	for _, p := range held {
		if p.ID != id {
			continue
		}
		a := Attachment{ID: p.ID, SHA256: p.SHA256, ContentType: p.ContentType, Name: p.Name, CreatedAt: p.CreatedAt, stripped: true}
		f, err := os.Open(s.thumbPath(p.SHA256))
		if errors.Is(err, os.ErrNotExist) {
			if err = s.remakeThumb(ctx, a); err == nil {
				f, err = os.Open(s.thumbPath(p.SHA256))
			}
		}
		if err != nil {
			return nil, Attachment{}, errs.Wrap(err, "open held photo")
		}
		return f, a, nil
	}
	return nil, Attachment{}, errNoAttachment
}

// Claim makes the photos held under the token the report photos of the
// ticket, for u as Add would (nil: the guest who has just filed it), and
// lets go of them. It returns how many were attached, and each refusal by
// the photo's name.
func (s *Service) Claim(ctx context.Context, u *auth.User, token, number string) (int, map[string]error, error) {
	if !validToken(token) {
		return 0, nil, nil
	}
	held, err := s.Held(ctx, token)
	if err != nil || len(held) == 0 {
		return 0, nil, err
	}
	if _, err := s.mayAdd(ctx, u, number, PurposeReport); err != nil {
		return 0, nil, err
	}
	added, bad := 0, map[string]error{}
	for _, p := range held {
		a := Attachment{TicketNumber: number, SHA256: p.SHA256, ContentType: p.ContentType, Size: p.Size, Width: p.Width, Height: p.Height,
			Name: p.Name, Purpose: PurposeReport, CreatedAt: s.clock.Now().In(s.tickets.Location()), Lat: p.Lat, Lng: p.Lng}
		if u != nil {
			a.UploadedBy = u.ID
		}
		a, created, err := s.insert(ctx, a)
		if err != nil {
			bad[p.Name] = err
			continue
		}
		added++
		if created {
			info := exifInfo{}
			if p.Lat != nil && p.Lng != nil {
				info.HasGPS, info.Lat, info.Lng = true, *p.Lat, *p.Lng
			}
			s.record(context.WithoutCancel(ctx), u, a, info)
		}
	}
	_, err = s.db.W.ExecContext(ctx, `DELETE FROM pending_photos WHERE token = $1`, token)
	return added, bad, errs.Wrap(err, "release held photos")
}

// purgeHeld lets go of photos held longer than PendingTTL, and removes
// their files where no ticket and no other form shows them. A failure is
// logged: it only delays the clean-up.
func (s *Service) purgeHeld(ctx context.Context) {
	before := db.Millis(s.clock.Now().Add(-PendingTTL))
	rows, err := s.db.R.QueryContext(ctx, `SELECT DISTINCT sha256, content_type FROM pending_photos WHERE created_at < $1`, before)
	if err != nil {
		s.log.Warn("purge held photos", "err", err)
		return
	}
	type file struct{ sum, ctype string }
	var files []file
	for rows.Next() {
		var f file
		if rows.Scan(&f.sum, &f.ctype) == nil {
			files = append(files, f)
		}
	}
	rows.Close()
	if len(files) == 0 {
		return
	}
	if _, err := s.db.W.ExecContext(ctx, `DELETE FROM pending_photos WHERE created_at < $1`, before); err != nil {
		s.log.Warn("purge held photos", "err", err)
		return
	}
	for _, f := range files {
		var n int
		err := s.db.R.QueryRowContext(ctx, `SELECT (SELECT COUNT(*) FROM attachments WHERE sha256 = $1) + (SELECT COUNT(*) FROM pending_photos WHERE sha256 = $1)`, f.sum).Scan(&n)
		if err != nil || n > 0 || s.keptElsewhere(ctx, f.sum) {
			continue
		}
		if ft := formatOf(f.ctype); ft != nil {
			os.Remove(s.originalPath(f.sum, ft.Ext))
		}
		os.Remove(s.thumbPath(f.sum))
	}
}
