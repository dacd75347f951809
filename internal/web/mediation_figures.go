package web

import (
	"net/http"
	"strconv"

	"github.com/gongzhi/gongzhi/internal/attachment"
	"github.com/gongzhi/gongzhi/internal/errs"
	"github.com/gongzhi/gongzhi/internal/mediation"
)

// The mediation staff's figures and a party's signature image.

// staffMediationFigures is the figures of mediation in the staff member's
// area.
func (s *Server) staffMediationFigures(w http.ResponseWriter, r *http.Request) {
	u := s.mediationStaff(w, r)
	if u == nil {
		return
	}
	fig, err := s.Mediation.Figures(r.Context(), *u, r.URL.Query().Get("area_code"), 0, 0)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	p := s.page(w, r, "med.fig.title")
	p.Data = &StaffMediationData{Figures: &fig, Types: mediation.DisputeTypes, Risks: mediation.Risks, AreaCode: fig.AreaCode, Rates: mediationRates(fig)}
	s.render(w, r, http.StatusOK, "mediation_figures", p)
}

// mediationRates writes the figures' rates for a page.
func mediationRates(fig mediation.Figures) MediationRates {
	rates := MediationRates{Success: ratePct(fig.SuccessRate), Performance: ratePct(fig.PerformanceRate), Confirmation: ratePct(fig.ConfirmationRate), Median: "—"}
	if fig.MedianDaysToAgreement != nil {
		rates.Median = strconv.FormatFloat(*fig.MedianDaysToAgreement, 'f', 1, 64)
	}
	return rates
}

func ratePct(x *float64) string {
	if x == nil {
		return "—"
	}
	return strconv.FormatFloat(*x*100, 'f', 1, 64) + "%"
}

// staffMediationSignature shows the image of a party's signature (session
// 0: of the agreement) to those who mediate the case.
func (s *Server) staffMediationSignature(w http.ResponseWriter, r *http.Request) {
	u := s.mediationStaff(w, r)
	if u == nil {
		return
	}
	session, err1 := strconv.Atoi(r.PathValue("session"))
	party, err2 := strconv.Atoi(r.PathValue("party"))
	thumb, err := attachment.ParseThumb(r)
	if err1 != nil || err2 != nil {
		err = errs.NotFoundf("没有这份签名图片", "no such signature image")
	}
	if err != nil {
		s.fail(w, r, err)
		return
	}
	f, att, err := s.Mediation.OpenSignature(r.Context(), *u, r.PathValue("number"), session, party, thumb)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	defer f.Close()
	attachment.Serve(w, r, f, att, thumb)
}
