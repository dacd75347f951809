package web

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"mime/multipart"
	"net/http"
	"net/url"
	"unicode/utf8"

	"github.com/gongzhi/gongzhi/internal/attachment"
	"github.com/gongzhi/gongzhi/internal/auth"
	"github.com/gongzhi/gongzhi/internal/errs"
	"github.com/gongzhi/gongzhi/internal/ticket"
)

// photoField is the file input of every form that takes photos.
const photoField = "photos"

// purposes in the order a page shows them.
var purposes = []string{attachment.PurposeReport, attachment.PurposeBefore, attachment.PurposeAfter, attachment.PurposeReply}

// rejectedPhoto is a photo of a form that was not kept, and why, in both
// languages (the page shows one).
type rejectedPhoto struct {
	Name string `json:"n"`
	Zh   string `json:"z"`
	En   string `json:"e"`
}

// photoFlash is what became of a form's photos, carried across the redirect
// after the POST in a short-lived cookie scoped to the ticket it is about.
type photoFlash struct {
	Number string          `json:"t"`
	Added  int             `json:"a"`
	Bad    []rejectedPhoto `json:"b,omitempty"`
}

// PhotoNote is a photoFlash in the page's language.
type PhotoNote struct {
	Added int
	Bad   []PhotoProblem
}

// PhotoProblem is one photo that was not accepted.
type PhotoProblem struct{ Name, Why string }

const photoFlashCookie = "gz_photos"

// uploaded returns the files of the form's photo field, without the empty
// part a browser sends when no file was chosen.
func uploaded(r *http.Request) []*multipart.FileHeader {
	if r.MultipartForm == nil {
		return nil
	}
	var out []*multipart.FileHeader
	for _, fh := range r.MultipartForm.File[photoField] {
		if fh.Filename == "" && fh.Size == 0 {
			continue
		}
		out = append(out, fh)
	}
	return out
}

// addPhotos adds the form's photos to the ticket for u (nil: the guest who
// has just submitted it) with the purpose, one by one: a photo that is
// refused does not stop the others, and each refusal is returned with its
// reason.
func (s *Server) addPhotos(ctx context.Context, r *http.Request, u *auth.User, number, purpose string) photoFlash {
	res := photoFlash{Number: number}
	files := uploaded(r)
	for i, fh := range files {
		var err error
		switch {
		case s.Attachments == nil:
			err = errNoPhotos
		case i >= attachment.MaxPerTicket:
			err = errs.New(errs.Conflict, "每张工单最多9张照片，这张未上传", "a ticket takes at most 9 photos; this one was not added")
		default:
			err = s.addOne(ctx, u, number, purpose, fh)
		}
		if err != nil {
			e := errs.As(err)
			if e.Code == errs.Internal {
				s.Log.Error("add photo", "ticket", number, "err", err)
			}
			res.Bad = append(res.Bad, rejectedPhoto{Name: fh.Filename, Zh: e.Msg, En: e.MsgEn})
			continue
		}
		res.Added++
	}
	return res
}

func (s *Server) addOne(ctx context.Context, u *auth.User, number, purpose string, fh *multipart.FileHeader) error {
	f, err := fh.Open()
	if err != nil {
		return errs.Wrap(err, "open uploaded photo")
	}
	defer f.Close()
	_, err = s.Attachments.Add(ctx, u, number, purpose, fh.Filename, f)
	return err
}

// setPhotoFlash keeps what became of the photos for the page the browser is
// sent to next; nothing when no photo was sent.
func (s *Server) setPhotoFlash(w http.ResponseWriter, r *http.Request, f photoFlash) {
	if f.Added == 0 && len(f.Bad) == 0 {
		return
	}
	for i := range f.Bad { // a cookie holds about 4 KB
		if utf8.RuneCountInString(f.Bad[i].Name) > 40 {
			f.Bad[i].Name = string([]rune(f.Bad[i].Name)[:39]) + "…"
		}
	}
	b, _ := json.Marshal(f)
	if len(b) > 2800 {
		for i := range f.Bad {
			f.Bad[i].Name = ""
		}
		b, _ = json.Marshal(f)
	}
	s.setCookie(w, r, &http.Cookie{Name: photoFlashCookie, Value: base64.RawURLEncoding.EncodeToString(b), Path: "/",
		MaxAge: 300, HttpOnly: true, SameSite: http.SameSiteLaxMode})
}

// takePhotoFlash returns, once, what became of the photos sent with the
// last form about the ticket.
func (s *Server) takePhotoFlash(w http.ResponseWriter, r *http.Request, lang, number string) *PhotoNote {
	c, err := r.Cookie(photoFlashCookie)
	if err != nil {
		return nil
	}
	b, err := base64.RawURLEncoding.DecodeString(c.Value)
	var f photoFlash
	if err != nil || json.Unmarshal(b, &f) != nil || f.Number != number {
		return nil
	}
	s.clearCookie(w, r, photoFlashCookie)
	n := &PhotoNote{Added: f.Added}
	for _, x := range f.Bad {
		p := PhotoProblem{Name: x.Name, Why: x.Zh}
		if lang == "en" {
			p.Why = x.En
		}
		if p.Name == "" {
			p.Name = tr(lang, "photo.unnamed")
		}
		n.Bad = append(n.Bad, p)
	}
	return n
}

// PhotoGroup is a ticket's photos of one purpose.
type PhotoGroup struct {
	Purpose string
	Items   []PhotoView
}

// PhotoView is one photo with where to fetch it.
type PhotoView struct {
	Name          string
	URL, ThumbURL string
}

// fillPhotos lists the ticket's photos for u, grouped by purpose, linked
// under base (/tickets/N or /staff/tickets/N), and says what u may add.
func (s *Server) fillPhotos(ctx context.Context, u auth.User, v *TicketView, base string) error {
	if s.Attachments == nil {
		return nil
	}
	items, err := s.Attachments.List(ctx, u, v.T.Number)
	if err != nil {
		return err
	}
	v.PhotoCount = len(items)
	for _, p := range purposes {
		g := PhotoGroup{Purpose: p}
		for _, a := range items {
			if a.Purpose != p {
				continue
			}
			url := base + "/photos/" + a.ID
			g.Items = append(g.Items, PhotoView{Name: a.Name, URL: url, ThumbURL: url + "?thumb=1"})
		}
		if len(g.Items) > 0 {
			v.Photos = append(v.Photos, g)
		}
	}
	switch v.T.Status {
	case ticket.StatusClosed, ticket.StatusMerged, ticket.StatusInvalid, ticket.StatusWithdrawn:
		return nil
	}
	if len(items) >= attachment.MaxPerTicket {
		v.PhotosFull = true
		return nil
	}
	t := v.T
	if !u.Role.IsStaff() {
		v.UploadPurposes = []string{attachment.PurposeReport}
		return nil
	}
	if u.ID != "" && u.ID == t.CreatedBy {
		v.UploadPurposes = append(v.UploadPurposes, attachment.PurposeReport)
	}
	lead := u.Role == auth.RoleHandler && u.OrgCode != "" && u.OrgCode == t.AssignedOrgCode
	selfResolver := u.Role == auth.RoleGridWorker && u.ID != "" && u.ID == t.CreatedBy && t.Channel == ticket.ChannelGrid
	switch {
	case lead:
		v.UploadPurposes = append(v.UploadPurposes, attachment.PurposeBefore, attachment.PurposeAfter, attachment.PurposeReply)
	case selfResolver:
		v.UploadPurposes = append(v.UploadPurposes, attachment.PurposeBefore, attachment.PurposeAfter)
	}
	return nil
}

// photoUser is who asks for a photo on the resident side: the logged-in
// user, or the guest the lookup cookie proves for this ticket.
func (s *Server) photoUser(r *http.Request, number string) *auth.User {
	if u := s.user(r); u != nil {
		return u
	}
	return s.lookupGuest(r, number)
}

// residentPhoto serves a photo of a ticket to its reporter.
func (s *Server) residentPhoto(w http.ResponseWriter, r *http.Request) {
	number := r.PathValue("number")
	u := s.photoUser(r, number)
	if u == nil {
		s.fail(w, r, errs.NotFoundf("照片不存在或查看已过期，请重新查询", "no such photo, or the lookup has expired; look the ticket up again"))
		return
	}
	s.servePhoto(w, r, *u, number)
}

// staffPhoto serves a photo of a ticket to staff who may see the ticket.
func (s *Server) staffPhoto(w http.ResponseWriter, r *http.Request) {
	u := s.staff(w, r)
	if u == nil {
		return
	}
	s.servePhoto(w, r, *u, r.PathValue("number"))
}

// servePhoto sends the file of an attachment, or with ?thumb=1 its JPEG
// thumbnail, with the headers the API's sends: its own content type, no
// sniffing, a private cache, and a sandbox for anyone opening it alone.
func (s *Server) servePhoto(w http.ResponseWriter, r *http.Request, u auth.User, number string) {
	if s.Attachments == nil {
		s.fail(w, r, errNoPhotos)
		return
	}
	thumb, err := attachment.ParseThumb(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	f, att, err := s.Attachments.Open(r.Context(), u, number, r.PathValue("id"), thumb)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	defer f.Close()
	attachment.Serve(w, r, f, att, thumb)
}

var errNoPhoto = errs.Invalidf("请选择要上传的照片", "choose a photo to upload")

// residentUpload adds report photos for the reporter: logged in, or the
// guest of the lookup cookie.
func (s *Server) residentUpload(w http.ResponseWriter, r *http.Request) {
	number := r.PathValue("number")
	u := s.photoUser(r, number)
	if u == nil {
		s.fail(w, r, errs.NotFoundf("未找到该工单，请重新查询", "no such ticket; look it up again"))
		return
	}
	if len(uploaded(r)) == 0 {
		s.fail(w, r, errNoPhoto)
		return
	}
	if _, err := s.Tickets.Get(r.Context(), *u, number); err != nil {
		s.fail(w, r, err)
		return
	}
	s.setPhotoFlash(w, r, s.addPhotos(r.Context(), r, u, number, attachment.PurposeReport))
	redirect(w, r, "/tickets/"+url.PathEscape(number)+"#photos")
}

// staffUpload adds photos of the purpose chosen on the staff ticket page.
func (s *Server) staffUpload(w http.ResponseWriter, r *http.Request) {
	u := s.staff(w, r)
	if u == nil {
		return
	}
	number := r.PathValue("number")
	if len(uploaded(r)) == 0 {
		s.staffTicketPage(w, r, u, number, "photos", errNoPhoto)
		return
	}
	if _, err := s.Tickets.Visible(r.Context(), *u, number); err != nil {
		s.fail(w, r, err)
		return
	}
	s.setPhotoFlash(w, r, s.addPhotos(r.Context(), r, u, number, r.PostForm.Get("purpose")))
	redirect(w, r, "/staff/tickets/"+url.PathEscape(number)+"#photos")
}

// actionPhotoPurpose is the purpose of photos sent with an action's form.
var actionPhotoPurpose = map[string]string{
	ticket.ActionReply:       attachment.PurposeReply,
	ticket.ActionSelfResolve: attachment.PurposeAfter,
	ticket.ActionCheck:       attachment.PurposeAfter,
}

var errNoPhotos = errs.New(errs.NotFound, "本系统未启用照片功能", "photos are not enabled on this system")
