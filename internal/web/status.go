package web

import (
	"net/http"

	"github.com/gongzhi/gongzhi/internal/auth"
	"github.com/gongzhi/gongzhi/internal/errs"
	"github.com/gongzhi/gongzhi/internal/status"
)

// The installation's status page for the administrator and the
// supervising department; who may read it is the status capability's.

func (s *Server) statusRoutes(h route) {
	h("GET /staff/status", s.staffStatus)
}

var errNoStatus = errs.New(errs.Unavailable, "系统状态服务未启用", "the status is not available")

func canStatus(u *auth.User) bool { return u != nil && status.CanRead(*u) }

// StaffStatusData is the status page.
type StaffStatusData struct {
	S         status.Status
	Month     string
	Online    float64 // the online rate of the last 30 days
	HasOnline bool    // whether it was recorded
	// Days, Hours and Minutes of uptime.
	Days, Hours, Minutes int64
}

func (s *Server) staffStatus(w http.ResponseWriter, r *http.Request) {
	u := s.staff(w, r)
	if u == nil {
		return
	}
	if !canStatus(u) {
		s.fail(w, r, errs.ErrForbidden)
		return
	}
	if s.Status == nil {
		s.fail(w, r, errNoStatus)
		return
	}
	p := s.page(w, r, "sys.title")
	st, err := s.Status.Read(r.Context(), *u, r.URL.Query().Get("month"))
	if errs.Is(err, errs.Invalid) {
		p.Err = errs.As(err).Msg
		if p.Lang == "en" {
			p.Err = errs.As(err).MsgEn
		}
		st, err = s.Status.Read(r.Context(), *u, "")
	}
	if err != nil {
		s.fail(w, r, err)
		return
	}
	up := st.UptimeSeconds / 60
	data := &StaffStatusData{S: st, Month: st.Usage.Month, Days: up / 1440, Hours: up / 60 % 24, Minutes: up % 60}
	if st.Online.OnlineRate != nil {
		data.Online, data.HasOnline = *st.Online.OnlineRate, true
	}
	p.Data = data
	s.render(w, r, http.StatusOK, "staff_status", p)
}
