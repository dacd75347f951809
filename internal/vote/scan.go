package vote

import (
	"context"
	"database/sql"
	"errors"
	"io"
	"strings"
	"time"

	"github.com/gongzhi/gongzhi/internal/attachment"
	"github.com/gongzhi/gongzhi/internal/auth"
	"github.com/gongzhi/gongzhi/internal/db"
	"github.com/gongzhi/gongzhi/internal/errs"
	"github.com/gongzhi/gongzhi/internal/plaintext"
)

// A paper ballot's scan (扫描件) is kept beside its ballot: one a ballot,
// attached by the staff who run the vote when they record it or after, and
// shown only to them (it bears the owner's hand and name).

// Scan is an image to attach: its file name and its bytes.
type Scan struct {
	Name string
	R    io.Reader
}

// SetScans lets paper ballots take their scans (attachment.Service).
func (s *Service) SetScans(k attachment.Keeper) { s.scans = k }

var errNoScan = errs.NotFoundf("没有这张票的扫描件", "no scan of this ballot")

// AttachScan keeps the scan of the paper ballot of a unit, recorded before
// or with it (Cast): the staff who run the vote, once a ballot, while the
// vote is open or after it closed (the paper may be scanned later).
func (s *Service) AttachScan(ctx context.Context, u auth.User, id, unit string, sc Scan) error {
	unit = strings.TrimSpace(plaintext.Clean(unit))
	v, err := s.Get(ctx, u, id)
	if err != nil {
		return err
	}
	if !CanRun(u, v) {
		return errs.ErrForbidden
	}
	img, err := s.keepScan(ctx, sc)
	if err != nil {
		return err
	}
	return s.db.Tx(ctx, func(tx *sql.Tx) error {
		v, err := s.lock(ctx, tx, id)
		if err != nil {
			return err
		}
		return s.insertScan(ctx, tx, u, v, unit, img)
	})
}

// keepScan keeps the image in the photo store before the transaction that
// records it.
func (s *Service) keepScan(ctx context.Context, sc Scan) (attachment.Image, error) {
	if s.scans == nil {
		return attachment.Image{}, errs.New(errs.Unavailable, "本系统未启用扫描件功能", "scans are not enabled on this system")
	}
	if sc.R == nil {
		return attachment.Image{}, errs.Invalidf("请选择扫描件文件", "choose the scan's file")
	}
	return s.scans.Keep(ctx, sc.Name, sc.R)
}

// insertScan records a kept scan of the unit's paper ballot in tx, with its
// event.
func (s *Service) insertScan(ctx context.Context, tx *sql.Tx, u auth.User, v Vote, unit string, img attachment.Image) error {
	var channel string
	err := tx.QueryRowContext(ctx, `SELECT channel FROM vote_ballots WHERE vote_id = $1 AND unit = $2`, v.ID, unit).Scan(&channel)
	if errors.Is(err, sql.ErrNoRows) {
		return errs.NotFoundf("房屋 %s 还没有记录纸质票", "unit %s has no paper ballot recorded", unit)
	} else if err != nil {
		return errs.Wrap(err, "read ballot")
	}
	if channel != ChannelPaper {
		return errs.Conflictf("房屋 %s 是业主在线投票的，没有纸质票", "unit %s voted online: there is no paper", unit)
	}
	now := s.clock.Now()
	_, err = tx.ExecContext(ctx, `INSERT INTO vote_ballot_scans (vote_id, unit, sha256, content_type, size, width, height, name, kept_by, kept_at)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`, v.ID, unit, img.SHA256, img.ContentType, img.Size, img.Width, img.Height, img.Name, u.ID, db.Millis(now))
	if db.IsUnique(err) {
		return errs.Conflictf("房屋 %s 的纸质票已有扫描件", "the paper ballot of unit %s has its scan already", unit)
	} else if err != nil {
		return errs.Wrap(err, "insert scan")
	}
	return s.event(ctx, tx, v.ID, "scan", map[string]any{"unit": unit, "sha256": img.SHA256}, u, now)
}

// OpenScan opens the scan of a unit's paper ballot (or its thumbnail) for
// the staff who run the vote; the caller closes it.
func (s *Service) OpenScan(ctx context.Context, u auth.User, id, unit string, thumb bool) (io.ReadSeekCloser, attachment.Attachment, error) {
	v, err := s.Get(ctx, u, id)
	if err != nil {
		return nil, attachment.Attachment{}, err
	}
	if !CanRun(u, v) {
		return nil, attachment.Attachment{}, errs.ErrForbidden
	}
	if s.scans == nil {
		return nil, attachment.Attachment{}, errNoScan
	}
	var img attachment.Image
	var at int64
	err = s.db.R.QueryRowContext(ctx, `SELECT sha256, content_type, size, width, height, name, kept_at FROM vote_ballot_scans WHERE vote_id = $1 AND unit = $2`,
		id, unit).Scan(&img.SHA256, &img.ContentType, &img.Size, &img.Width, &img.Height, &img.Name, &at)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, attachment.Attachment{}, errNoScan
	} else if err != nil {
		return nil, attachment.Attachment{}, errs.Wrap(err, "read scan")
	}
	return s.scans.OpenKept(ctx, id+"-"+img.SHA256[:12], img, time.UnixMilli(at), thumb)
}

// ScansKeeping counts the ballot scans that keep the file of a hash, for
// attachment.KeptBy.
func (s *Service) ScansKeeping(ctx context.Context, sha256 string) (int, error) {
	var n int
	err := s.db.R.QueryRowContext(ctx, `SELECT COUNT(*) FROM vote_ballot_scans WHERE sha256 = $1`, sha256).Scan(&n)
	return n, errs.Wrap(err, "count ballot scans")
}
