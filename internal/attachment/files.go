package attachment

import (
	"crypto/sha256"
	"encoding/hex"
	"hash"
	"io"
	"os"
	"path/filepath"

	"github.com/gongzhi/gongzhi/internal/errs"
)

// Files live under DATA/attachments: originals at ab/cd/<sha256>.<ext>,
// thumbnails at thumbs/<sha256>.jpg. A file is named by its content, so the
// same photo is kept once however many tickets show it, and a file once
// written never changes.

func (s *Service) originalPath(sum, ext string) string {
	return filepath.Join(s.root, sum[0:2], sum[2:4], sum+"."+ext)
}

func (s *Service) thumbPath(sum string) string {
	return filepath.Join(s.root, "thumbs", sum+".jpg")
}

// upload is a file being received: a temporary file in the attachments
// folder (so the final rename stays on one file system) and its hash.
type upload struct {
	f    *os.File
	h    hash.Hash
	size int64
}

func (s *Service) newUpload() (*upload, error) {
	if err := os.MkdirAll(s.root, 0o750); err != nil {
		return nil, errs.Wrap(err, "create attachments folder")
	}
	f, err := os.CreateTemp(s.root, ".upload-*")
	if err != nil {
		return nil, errs.Wrap(err, "create upload file")
	}
	return &upload{f: f, h: sha256.New()}, nil
}

func (u *upload) Write(p []byte) (int, error) {
	n, err := u.f.Write(p)
	u.h.Write(p[:n])
	u.size += int64(n)
	return n, err
}

func (u *upload) sum() string { return hex.EncodeToString(u.h.Sum(nil)) }

// reader returns a fresh reader over what was written.
func (u *upload) reader() (io.ReadSeeker, error) {
	if _, err := u.f.Seek(0, io.SeekStart); err != nil {
		return nil, err
	}
	return u.f, nil
}

// discard removes the temporary file, if it is still there.
func (u *upload) discard() {
	u.f.Close()
	os.Remove(u.f.Name())
}

// keep syncs the file and renames it to path, unless a file with the same
// content is already there.
func (u *upload) keep(path string) error {
	if err := u.f.Sync(); err != nil {
		return errs.Wrap(err, "sync upload")
	}
	if err := u.f.Close(); err != nil {
		return errs.Wrap(err, "close upload")
	}
	return place(u.f.Name(), path)
}

// place moves a synced temporary file to path and syncs the folder; an
// existing path already holds the same bytes and wins.
func place(tmp, path string) error {
	if _, err := os.Stat(path); err == nil {
		os.Remove(tmp)
		return nil
	}
	dir := filepath.Dir(path)
	if err := os.MkdirAll(dir, 0o750); err != nil {
		return errs.Wrap(err, "create attachment folder")
	}
	if err := os.Rename(tmp, path); err != nil {
		return errs.Wrap(err, "place attachment")
	}
	syncDir(dir)
	return nil
}

// syncDir makes a rename durable. Some systems cannot sync a folder; the
// rename is then as durable as they make it.
func syncDir(dir string) {
	if d, err := os.Open(dir); err == nil {
		d.Sync()
		d.Close()
	}
}

// writeFile writes data through a synced temporary file in the folder of
// path, then renames it there.
func writeFile(path string, write func(io.Writer) error) error {
	dir := filepath.Dir(path)
	if err := os.MkdirAll(dir, 0o750); err != nil {
		return errs.Wrap(err, "create folder")
	}
	f, err := os.CreateTemp(dir, ".tmp-*")
	if err != nil {
		return errs.Wrap(err, "create temporary file")
	}
	defer os.Remove(f.Name()) // a no-op once renamed
	err = write(f)
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return errs.Wrap(err, "write "+filepath.Base(path))
	}
	return place(f.Name(), path)
}

func exists(path string) bool {
	_, err := os.Stat(path)
	return err == nil
}
