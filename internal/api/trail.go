package api

import (
	"bytes"
	"net/http"
	"strconv"
	"strings"

	"github.com/gongzhi/gongzhi/internal/auth"
	"github.com/gongzhi/gongzhi/internal/clock"
	"github.com/gongzhi/gongzhi/internal/errs"
	"github.com/gongzhi/gongzhi/internal/trail"
	"github.com/gongzhi/gongzhi/internal/transfer"
)

// The responsibility trail of an item: who may read it is its capability's
// (each source asks its own policy); this handler only decodes and encodes.

var errNoTrail = errs.New(errs.Unavailable, "责任链服务未启用", "the trail is not available")

// GET /api/v1/trail/{kind}/{number}, or {number}.csv / {number}.xlsx for the file.
func (a *API) getTrail(w http.ResponseWriter, r *http.Request, u auth.User) {
	if a.Trail == nil {
		a.fail(w, r, errNoTrail)
		return
	}
	number, format := r.PathValue("number"), "json"
	for _, ext := range []string{"csv", "xlsx"} {
		if n, ok := strings.CutSuffix(number, "."+ext); ok {
			number, format = n, ext
		}
	}
	t, err := a.Trail.Get(r.Context(), u, r.PathValue("kind"), number)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	loc := clock.BusinessZone()
	var buf bytes.Buffer
	switch format {
	case "json":
		writeJSON(w, http.StatusOK, t)
		return
	case "csv":
		err = trail.WriteCSV(&buf, t, loc, transfer.CSVCell)
	default:
		err = trail.WriteXLSX(&buf, t, loc)
	}
	if err != nil {
		a.fail(w, r, errs.Wrap(err, "write trail"))
		return
	}
	if format == "xlsx" {
		writeXLSX(w, trail.FileName(t, "xlsx"), buf.Bytes())
		return
	}
	h := w.Header()
	h.Set("Content-Type", "text/csv; charset=utf-8")
	h.Set("Content-Disposition", `attachment; filename="`+trail.FileName(t, "csv")+`"`)
	h.Set("Cache-Control", "no-store")
	h.Set("Content-Length", strconv.Itoa(buf.Len()))
	w.WriteHeader(http.StatusOK)
	w.Write(buf.Bytes())
}
