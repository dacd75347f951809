package api

import (
	"errors"
	"io"
	"net/http"

	"github.com/gongzhi/gongzhi/internal/attachment"
	"github.com/gongzhi/gongzhi/internal/auth"
	"github.com/gongzhi/gongzhi/internal/errs"
)

// MaxUpload is the largest upload body: one file and a little room for the
// multipart framing and the other fields.
const MaxUpload = attachment.MaxSize + 64<<10

var errUploadTooLarge = errs.New(errs.TooLarge, "上传内容过大：单个文件不能超过10MB", "upload too large: a file may be at most 10 MB")

// attachmentView is an attachment with where to fetch it.
type attachmentView struct {
	attachment.Attachment
	URL      string `json:"url"`
	ThumbURL string `json:"thumb_url"`
}

func viewOf(a attachment.Attachment) attachmentView {
	u := "/api/v1/tickets/" + a.TicketNumber + "/attachments/" + a.ID
	return attachmentView{Attachment: a, URL: u, ThumbURL: u + "?thumb=1"}
}

// addAttachment takes one image in the multipart field "file", and an
// optional "purpose" (report, before, after, reply) given either in the
// query string or as a field before the file. The body is streamed, never
// held whole in memory.
func (a *API) addAttachment(w http.ResponseWriter, r *http.Request, u auth.User) {
	purpose := r.URL.Query().Get("purpose")
	a.upload(w, r, func(name, value string) {
		if name == "purpose" {
			purpose = value
		}
	}, func(name string, f io.Reader) (any, error) {
		att, err := a.Attachments.Add(r.Context(), &u, r.PathValue("number"), purpose, name, f)
		return viewOf(att), err
	})
}

// upload streams a multipart body to keep: the fields before the file
// (each at most 64 bytes) to field, then the field "file" to keep, whose
// answer is sent as created.
func (a *API) upload(w http.ResponseWriter, r *http.Request, field func(name, value string), keep func(name string, f io.Reader) (any, error)) {
	if r.ContentLength > MaxUpload {
		a.fail(w, r, errUploadTooLarge)
		return
	}
	r.Body = http.MaxBytesReader(w, r.Body, MaxUpload)
	mr, err := r.MultipartReader()
	if err != nil {
		a.fail(w, r, errs.Invalidf("请以 multipart/form-data 上传，文件放在 file 字段", "send multipart/form-data with the file in the field \"file\""))
		return
	}
	for {
		part, err := mr.NextPart()
		if err == io.EOF {
			a.fail(w, r, errs.Invalidf("请选择要上传的文件（file 字段）", "the field \"file\" is missing"))
			return
		}
		if err != nil {
			a.fail(w, r, uploadErr(err))
			return
		}
		if part.FormName() == "file" {
			out, err := keep(part.FileName(), part)
			if err != nil {
				a.fail(w, r, uploadErr(err))
				return
			}
			writeJSON(w, http.StatusCreated, out)
			return
		}
		if field != nil {
			b, err := io.ReadAll(io.LimitReader(part, 64))
			if err != nil {
				a.fail(w, r, uploadErr(err))
				return
			}
			field(part.FormName(), string(b))
		}
		part.Close()
	}
}

// uploadErr tells a body over MaxUpload from other failures.
func uploadErr(err error) error {
	var mbe *http.MaxBytesError
	if errors.As(err, &mbe) {
		return errUploadTooLarge
	}
	var de *errs.Error
	if errors.As(err, &de) {
		return err
	}
	return errs.Invalidf("上传内容格式不正确", "malformed multipart body")
}

func (a *API) listAttachments(w http.ResponseWriter, r *http.Request, u auth.User) {
	items, err := a.Attachments.List(r.Context(), u, r.PathValue("number"))
	if err != nil {
		a.fail(w, r, err)
		return
	}
	views := make([]attachmentView, len(items))
	for i, it := range items {
		views[i] = viewOf(it)
	}
	writeJSON(w, http.StatusOK, list[attachmentView]{Items: views})
}

// serveAttachment sends the file of an attachment, or with ?thumb=1 its
// JPEG thumbnail, to those who may see the ticket. Range and conditional
// requests are answered; the content is immutable for its ETag.
func (a *API) serveAttachment(w http.ResponseWriter, r *http.Request, u auth.User) {
	thumb, err := attachment.ParseThumb(r)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	f, att, err := a.Attachments.Open(r.Context(), u, r.PathValue("number"), r.PathValue("id"), thumb)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	defer f.Close()
	attachment.Serve(w, r, f, att, thumb)
}
