package attachment

import (
	"io"
	"mime"
	"net/http"
	"path"
	"strings"

	"github.com/gongzhi/gongzhi/internal/errs"
)

// ParseThumb reads the ?thumb= parameter of a request for a file: "1" or
// "true" for the thumbnail, "", "0" or "false" for the file itself.
func ParseThumb(r *http.Request) (bool, error) {
	switch r.URL.Query().Get("thumb") {
	case "", "0", "false":
		return false, nil
	case "1", "true":
		return true, nil
	}
	return false, errs.Invalidf("thumb 须为 1 或 0", "thumb must be 1 or 0")
}

// Serve sends an opened attachment (or its JPEG thumbnail) with headers that
// keep a browser from guessing or running anything, answering range and
// conditional requests; the content never changes for its ETag.
func Serve(w http.ResponseWriter, r *http.Request, f io.ReadSeeker, att Attachment, thumb bool) {
	ctype, name, etag := att.ContentType, DownloadName(att), `"`+att.SHA256+`"`
	if thumb {
		ctype, name, etag = "image/jpeg", strings.TrimSuffix(name, path.Ext(name))+"-thumb.jpg", `"`+att.SHA256+`-t"`
	}
	h := w.Header()
	h.Set("Content-Type", ctype)
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Cache-Control", "private, max-age=3600")
	h.Set("Content-Security-Policy", "default-src 'none'; sandbox")
	h.Set("ETag", etag)
	disp := mime.FormatMediaType("inline", map[string]string{"filename": name})
	if disp == "" {
		disp = "inline"
	}
	h.Set("Content-Disposition", disp)
	http.ServeContent(w, r, "", att.CreatedAt, f)
}

// DownloadName is the attachment's kept name with the extension of what it
// really is, or its id when it has no name.
func DownloadName(att Attachment) string {
	name, ext := att.Name, "."+att.Ext()
	if name == "" {
		return att.ID + ext
	}
	switch e := strings.ToLower(path.Ext(name)); {
	case e == ext, e == ".jpeg" && ext == ".jpg":
		return name
	}
	return name + ext
}
