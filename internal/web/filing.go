package web

import (
	"context"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"net/http"
	"strings"

	"github.com/gongzhi/gongzhi/internal/attachment"
	"github.com/gongzhi/gongzhi/internal/auth"
	"github.com/gongzhi/gongzhi/internal/errs"
	"github.com/gongzhi/gongzhi/internal/limit"
	"github.com/gongzhi/gongzhi/internal/ticket"
)

// Filing a request: the category suggested from the resident's words, every
// mistake shown at once beside its field, and the photos already chosen
// kept when the form comes back.

// FieldProblem is a problem of the form, for the summary above it.
type FieldProblem struct {
	ID  string // the element it is about
	Msg string
}

// HeldPhoto is a photo kept for the form, shown as a thumbnail.
type HeldPhoto struct {
	Name, ThumbURL string
}

// fieldTarget maps the ticket service's fields to the form's elements:
// every part of the place is reported beside the place.
var fieldTarget = map[string]string{
	ticket.FieldPlace: "place", ticket.FieldArea: "place", ticket.FieldAddress: "place", ticket.FieldLocation: "place",
	ticket.FieldCategory: "category", ticket.FieldText: "description", ticket.FieldName: "reporter_name",
	ticket.FieldPhone: "reporter_phone", ticket.FieldKind: "kind", ticket.FieldUrgency: "urgency", ticket.FieldChannel: "channel",
	ticket.FieldRequester: "credit_code",
}

// setFieldErrors puts each problem beside its element and in the summary.
func setFieldErrors(p *Page, d *SubmitData, fe ticket.FieldErrors) {
	d.Errs = map[string]string{}
	for _, f := range fe.Fields() {
		e := fe[f]
		msg := e.Msg
		if p.Lang == "en" {
			msg = e.MsgEn
		}
		id, ok := fieldTarget[f]
		if !ok { // the form as a whole
			p.Err, p.ErrCode = msg, string(e.Code)
			continue
		}
		if d.Errs[id] != "" {
			continue
		}
		if d.Focus == "" && !d.Resident {
			d.Focus = focusControl(id)
		}
		d.Errs[id] = msg
		d.Problems = append(d.Problems, FieldProblem{ID: id, Msg: msg})
	}
}

// focusControl is the control of a staff form that takes the cursor for a
// problem beside element id: the first of a group's controls.
func focusControl(id string) string {
	switch id {
	case "place":
		return "street"
	case "kind":
		return "kind-0"
	}
	return id
}

// statusOfFields is the status of a form refused for fe.
func statusOfFields(fe ticket.FieldErrors) int { return statusOf(fe.Err()) }

// The photo token: a random key the form carries in a hidden field, signed
// with the server's key so that nobody can choose another's; the photos of
// a form sent back are held under it (attachment.Hold).
const photoTokenField = "photo_token"

func (s *Server) signPhotoKey(key string) string {
	m := hmac.New(sha256.New, s.csrfKey)
	m.Write([]byte("photos\x00" + key))
	return key + "." + base64.RawURLEncoding.EncodeToString(m.Sum(nil))
}

// photoKey returns the key of a signed token, or "" when it is not one of ours.
func (s *Server) photoKey(tok string) string {
	key, _, ok := strings.Cut(tok, ".")
	if !ok || len(tok) > 128 || !hmac.Equal([]byte(tok), []byte(s.signPhotoKey(key))) {
		return ""
	}
	return key
}

// formPhotoToken returns the form's signed token, or a new one.
func (s *Server) formPhotoToken(r *http.Request) string {
	if tok := r.PostForm.Get(photoTokenField); s.photoKey(tok) != "" {
		return tok
	}
	b := make([]byte, 18)
	rand.Read(b)
	return s.signPhotoKey(base64.RawURLEncoding.EncodeToString(b))
}

// holdPhotos keeps the form's new photos under its token and fills in the
// photos held for it, with those refused.
func (s *Server) holdPhotos(ctx context.Context, r *http.Request, lang string, d *SubmitData) {
	if s.Attachments == nil {
		return
	}
	key := s.photoKey(d.PhotoToken)
	for _, fh := range uploaded(r) {
		err := func() error {
			f, err := fh.Open()
			if err != nil {
				return errs.Wrap(err, "open uploaded photo")
			}
			defer f.Close()
			_, err = s.Attachments.Hold(ctx, key, fh.Filename, f)
			return err
		}()
		if err != nil {
			e := errs.As(err)
			if errs.Logged(e.Code) {
				s.Log.Error("hold photo", "err", err)
			}
			why := e.Msg
			if lang == "en" {
				why = e.MsgEn
			}
			d.PhotoErrs = append(d.PhotoErrs, PhotoProblem{Name: fh.Filename, Why: why})
		}
	}
	held, err := s.Attachments.Held(ctx, key)
	if err != nil {
		s.Log.Warn("list held photos", "err", err)
		return
	}
	for _, h := range held {
		d.Held = append(d.Held, HeldPhoto{Name: h.Name, ThumbURL: "/submit/photos/" + d.PhotoToken + "/" + h.ID})
	}
}

// claimPhotos attaches the photos held for the form to the new ticket and
// adds them to what the next page says of its photos.
func (s *Server) claimPhotos(ctx context.Context, r *http.Request, u *auth.User, number string, f *photoFlash) {
	if s.Attachments == nil {
		return
	}
	key := s.photoKey(r.PostForm.Get(photoTokenField))
	if key == "" {
		return
	}
	n, bad, err := s.Attachments.Claim(ctx, u, key, number)
	if err != nil {
		s.Log.Error("attach held photos", "ticket", number, "err", err)
	}
	f.Added += n
	for name, err := range bad {
		e := errs.As(err)
		f.Bad = append(f.Bad, rejectedPhoto{Name: name, Zh: e.Msg, En: e.MsgEn})
	}
}

// heldPhoto serves the thumbnail of a photo held for a form to whoever
// holds the form's token.
func (s *Server) heldPhoto(w http.ResponseWriter, r *http.Request) {
	key := s.photoKey(r.PathValue("token"))
	if key == "" || s.Attachments == nil {
		s.fail(w, r, errs.NotFoundf("照片不存在或已过期", "no such photo, or it has expired"))
		return
	}
	f, a, err := s.Attachments.OpenHeldThumb(r.Context(), key, r.PathValue("id"))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	defer f.Close()
	attachment.Serve(w, r, f, a, true)
}

// suggestOptions returns the categories suggested for the text as choices,
// with the one already chosen kept among them.
func (s *Server) suggestOptions(ctx context.Context, lang, text, chosen string) ([]Option, error) {
	var out []Option
	if strings.TrimSpace(text) != "" {
		sug, err := s.Tickets.SuggestCategory(ctx, text)
		if err != nil && !errs.Is(err, errs.Invalid) {
			return nil, err
		}
		for _, x := range sug {
			out = append(out, Option{Value: x.Code, Label: sugName(lang, x)})
		}
	}
	if chosen == "" {
		return out, nil
	}
	for _, o := range out {
		if o.Value == chosen {
			return out, nil
		}
	}
	if c, err := s.Tickets.Category(ctx, chosen); err == nil && c.Active {
		out = append([]Option{{Value: c.Code, Label: catName(lang, c)}}, out...)
	}
	return out, nil
}

func sugName(lang string, x ticket.Suggestion) string {
	if lang == "en" && x.NameEn != "" {
		return x.NameEn
	}
	return x.Name
}

// SuggestItem is a suggested category in the JSON of /submit/suggest.
type SuggestItem struct {
	Code string `json:"code"`
	Name string `json:"name"`
	Path string `json:"path"`
	// Percent is the router's confidence; 0 from the keyword match.
	Percent int `json:"percent,omitempty"`
}

// submitSuggest answers the form's script with the categories suggested
// for the text typed so far: anyone may ask, a limited number of times a
// minute from one address.
func (s *Server) submitSuggest(w http.ResponseWriter, r *http.Request) {
	if s.Limits != nil && s.Limits.SuggestIP != nil {
		if err := limit.Check(s.Limits.SuggestIP, limit.ClientIP(r)); err != nil {
			errs.SetRetryAfter(w.Header(), err)
			s.writeJSONError(w, r, err)
			return
		}
	}
	sug, err := s.Tickets.SuggestCategory(r.Context(), r.URL.Query().Get("text"))
	if err != nil {
		s.writeJSONError(w, r, err)
		return
	}
	lang := state(r).lang
	out := make([]SuggestItem, 0, len(sug))
	for _, x := range sug {
		out = append(out, SuggestItem{Code: x.Code, Name: sugName(lang, x), Path: x.Path, Percent: percent(x.Confidence)})
	}
	writeJSON(w, http.StatusOK, out)
}
