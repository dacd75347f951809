package api

import (
	"net/http"
	"time"

	"github.com/gongzhi/gongzhi/internal/auth"
	"github.com/gongzhi/gongzhi/internal/clock"
	"github.com/gongzhi/gongzhi/internal/errs"
	"github.com/gongzhi/gongzhi/internal/kiosk"
)

// The self-service terminals (自助终端): who may register and read them is
// the kiosk capability's; these handlers only decode and encode.

var (
	errNoKiosk    = errs.New(errs.Unavailable, "自助终端功能未启用", "self-service terminals are not available")
	errKioskMonth = errs.Invalidf("month 格式应为 2026-01", "month must look like 2026-01")
)

// KioskRegistered is a terminal site just registered, with its enrolment
// key, shown this once.
type KioskRegistered struct {
	Terminal     kiosk.Terminal `json:"terminal"`
	EnrolmentKey string         `json:"enrolment_key"`
}

// POST /api/v1/kiosks {"id","name","area_code","place"}
func (a *API) registerKiosk(w http.ResponseWriter, r *http.Request, u auth.User) {
	if a.Kiosk == nil {
		a.fail(w, r, errNoKiosk)
		return
	}
	var in kiosk.NewTerminal
	if err := decode(w, r, &in); err != nil {
		a.fail(w, r, err)
		return
	}
	t, key, err := a.Kiosk.Register(r.Context(), u, in)
	a.answer(w, r, http.StatusCreated, KioskRegistered{Terminal: t, EnrolmentKey: key}, err)
}

// GET /api/v1/kiosks?month=2026-11
func (a *API) listKiosks(w http.ResponseWriter, r *http.Request, u auth.User) {
	if a.Kiosk == nil {
		a.fail(w, r, errNoKiosk)
		return
	}
	var month time.Time
	if m := r.URL.Query().Get("month"); m != "" {
		t, err := time.ParseInLocation("2006-01", m, clock.BusinessZone())
		if err != nil {
			a.fail(w, r, errKioskMonth)
			return
		}
		month = t
	}
	v, err := a.Kiosk.List(r.Context(), u, month)
	a.answer(w, r, http.StatusOK, v, err)
}
