package web

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/gongzhi/gongzhi/internal/attachment"
	"github.com/gongzhi/gongzhi/internal/auth"
	"github.com/gongzhi/gongzhi/internal/errs"
	"github.com/gongzhi/gongzhi/internal/ticket"
)

// patrolPages bounds the pages of tickets read to find a grid worker's own
// open reports and the checks waiting in her area: ticket.Filter has
// neither "created by" nor "check requested", so the lists are read and
// narrowed here, at most this many pages of each.
const patrolPages = 5

// PatrolData is the grid worker's phone page.
type PatrolData struct {
	Categories  []Group
	Kinds       []Option
	Communities []Option
	// Own are her grid reports still open, which she may fix herself;
	// Checks are the replied tickets of her area a dispatcher asked to
	// have checked on site.
	Own, Checks   []ticket.Ticket
	CategoryNames map[string]string
	// Reported is the ticket just registered, with what became of its photos.
	Reported string
	Photos   *PhotoNote
	// Failed names the form that failed ("report", or "resolve"/"check" and
	// FailedNumber), whose error the page shows beside it.
	Failed, FailedNumber string
	More                 bool // there may be more than the pages read
}

// Is reports whether the failed form is the one named.
func (d *PatrolData) Is(form, number string) bool {
	return d.Failed == form && d.FailedNumber == number
}

func isGridWorker(u *auth.User) bool { return u != nil && u.Role == auth.RoleGridWorker }

// gridWorker returns the logged-in grid worker, or answers for anyone else.
func (s *Server) gridWorker(w http.ResponseWriter, r *http.Request) *auth.User {
	u := s.staff(w, r)
	if u == nil {
		return nil
	}
	if !isGridWorker(u) {
		s.fail(w, r, errs.New(errs.Forbidden, "巡查页面仅供网格员使用", "the patrol page is for grid workers"))
		return nil
	}
	return u
}

func (s *Server) patrol(w http.ResponseWriter, r *http.Request) {
	u := s.gridWorker(w, r)
	if u == nil {
		return
	}
	s.patrolPage(w, r, u, "", "", nil)
}

// patrolPage renders the patrol page, with the error of a failed form.
func (s *Server) patrolPage(w http.ResponseWriter, r *http.Request, u *auth.User, failed, number string, formErr error) {
	p := s.page(w, r, "patrol.title")
	status := http.StatusOK
	d := &PatrolData{Failed: failed, FailedNumber: number}
	if formErr != nil {
		status = s.formError(r, p, formErr)
	} else {
		q := r.URL.Query()
		if done := q.Get("done"); done != "" {
			if _, ok := messages["flash."+done]; ok {
				p.Flash = tr(p.Lang, "flash."+done)
			}
		}
		if n := q.Get("number"); ticket.ValidNumber(n) {
			d.Reported = n
			d.Photos = s.takePhotoFlash(w, r, p.Lang, n)
		}
	}
	if p.Form == nil {
		p.Form = url.Values{}
	}
	if p.Form.Get("kind") == "" {
		p.Form.Set("kind", string(ticket.KindHelp))
	}
	ctx := r.Context()
	var err error
	if d.Categories, d.CategoryNames, err = s.categoryGroups(ctx, p.Lang); err != nil {
		s.fail(w, r, err)
		return
	}
	for _, k := range ticket.Kinds {
		d.Kinds = append(d.Kinds, Option{Value: string(k), Label: tr(p.Lang, "kind."+string(k))})
	}
	places, err := s.places(ctx)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	for _, g := range places {
		for _, o := range g.Options {
			if u.InArea(o.Value) {
				d.Communities = append(d.Communities, Option{Value: o.Value, Label: g.Label + " " + o.Label})
			}
		}
	}
	if len(d.Communities) == 0 && u.AreaCode != "" { // a grid below the community level
		d.Communities = []Option{{Value: u.AreaCode, Label: s.areaName(ctx, u.AreaCode)}}
	}
	// Her own open grid reports.
	for _, st := range []ticket.Status{ticket.StatusRegistered, ticket.StatusDispatched} {
		more, err := s.scan(r, u, ticket.Filter{Status: st}, func(t ticket.Ticket) bool {
			return t.Channel == ticket.ChannelGrid && t.CreatedBy == u.ID
		}, &d.Own)
		if err != nil {
			s.fail(w, r, err)
			return
		}
		d.More = d.More || more
	}
	more, err := s.scan(r, u, ticket.Filter{Status: ticket.StatusReplied}, func(t ticket.Ticket) bool {
		return t.CheckStatus == "requested"
	}, &d.Checks)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	d.More = d.More || more
	p.Data = d
	s.render(w, r, status, "staff_patrol", p)
}

// scan reads up to patrolPages pages of the filter and keeps the tickets
// keep accepts; it reports whether pages were left unread.
func (s *Server) scan(r *http.Request, u *auth.User, f ticket.Filter, keep func(ticket.Ticket) bool, into *[]ticket.Ticket) (bool, error) {
	f.Limit = ticket.MaxLimit
	for i := 0; i < patrolPages; i++ {
		page, err := s.Tickets.List(r.Context(), *u, f)
		if err != nil {
			return false, err
		}
		for _, t := range page.Items {
			if keep(t) {
				*into = append(*into, t)
			}
		}
		if page.NextCursor == "" {
			return false, nil
		}
		f.Cursor = page.NextCursor
	}
	return true, nil
}

// parseCoord reads an optional latitude or longitude.
func parseCoord(v string) (*float64, error) {
	v = strings.TrimSpace(v)
	if v == "" {
		return nil, nil
	}
	f, err := strconv.ParseFloat(v, 64)
	if err != nil {
		return nil, errs.Invalidf("经纬度格式不正确", "malformed latitude or longitude")
	}
	return &f, nil
}

// patrolReport registers what the grid worker found, with its photos.
func (s *Server) patrolReport(w http.ResponseWriter, r *http.Request) {
	u := s.gridWorker(w, r)
	if u == nil {
		return
	}
	in := newTicket(r)
	in.Channel, in.Urgency = ticket.ChannelGrid, ""
	var err error
	if in.Lat, err = parseCoord(r.PostForm.Get("lat")); err == nil {
		in.Lng, err = parseCoord(r.PostForm.Get("lng"))
	}
	var t ticket.Ticket
	if err == nil {
		t, err = s.Tickets.Create(r.Context(), u, in)
	}
	if err != nil {
		s.patrolPage(w, r, u, "report", "", err)
		return
	}
	s.setPhotoFlash(w, r, s.addPhotos(r.Context(), r, u, t.Number, attachment.PurposeReport))
	redirect(w, r, "/staff/patrol?done=patrol&number="+url.QueryEscape(t.Number))
}

// patrolResolve closes the grid worker's own report on the spot: first the
// after photo, then 自办自结 with the reply, which needs the photo.
func (s *Server) patrolResolve(w http.ResponseWriter, r *http.Request) {
	u := s.gridWorker(w, r)
	if u == nil {
		return
	}
	number := r.PathValue("number")
	var res photoFlash
	if len(uploaded(r)) > 0 {
		res = s.addPhotos(r.Context(), r, u, number, attachment.PurposeAfter)
	}
	in := ticket.ActionInput{ReplyText: r.PostForm.Get("reply_text")}
	if _, err := s.Tickets.Act(r.Context(), *u, number, ticket.ActionSelfResolve, in); err != nil {
		if len(res.Bad) > 0 { // say why the photo did not count
			b := res.Bad[0]
			err = errs.New(errs.Invalid, "照片未能上传："+b.Zh, "the photo was not accepted: "+b.En)
		}
		s.patrolPage(w, r, u, "resolve", number, err)
		return
	}
	s.setPhotoFlash(w, r, res)
	redirect(w, r, "/staff/patrol?done=self_resolve&number="+url.QueryEscape(number))
}

// patrolCheck records the on-site check a dispatcher asked for, with an
// optional photo.
func (s *Server) patrolCheck(w http.ResponseWriter, r *http.Request) {
	u := s.gridWorker(w, r)
	if u == nil {
		return
	}
	number := r.PathValue("number")
	in := ticket.ActionInput{Passed: parseYesNo(r.PostForm.Get("passed")), Note: r.PostForm.Get("note")}
	if in.Passed == nil {
		s.patrolPage(w, r, u, "check", number, errs.Invalidf("请选择核查是否通过", "passed (yes or no) is required"))
		return
	}
	// The photos go first, while the check is still asked for: a grid worker
	// of the area may add after photos only then.
	if len(uploaded(r)) > 0 {
		s.setPhotoFlash(w, r, s.addPhotos(r.Context(), r, u, number, attachment.PurposeAfter))
	}
	if _, err := s.Tickets.Act(r.Context(), *u, number, ticket.ActionCheck, in); err != nil {
		s.patrolPage(w, r, u, "check", number, err)
		return
	}
	redirect(w, r, "/staff/patrol?done=check&number="+url.QueryEscape(number))
}
