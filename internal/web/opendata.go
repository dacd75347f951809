package web

import (
	"encoding/json"
	"net/http"
	"strings"

	"github.com/gongzhi/gongzhi/internal/auth"
	"github.com/gongzhi/gongzhi/internal/errs"
	"github.com/gongzhi/gongzhi/internal/opendata"
)

// The open-data portal (数据开放): the public page listing the datasets
// with their fields and files, the files themselves and the DCAT
// catalogue (no login, limited per address like the other public reads),
// and the administrator's page that switches each dataset on or off. What
// each dataset holds and who may switch it are the opendata capability's.

func (s *Server) openDataRoutes(h route) {
	h("GET /opendata", s.openDataPage)
	h("GET /opendata/catalog.json", s.openDataCatalog)
	h("GET /opendata/catalog.csv", s.openDataCatalogCSV)
	h("GET /opendata/{file}", s.openDataFile)
	h("GET /staff/opendata", s.staffOpenData)
	h("POST /staff/opendata/{id}", s.staffOpenDataSwitch)
}

var errNoOpenData = errs.New(errs.Unavailable, "数据开放服务未启用", "open data is not available")

func canOpenData(u *auth.User) bool { return u != nil && opendata.CanSwitch(*u) }

// OpenDataData is the public page.
type OpenDataData struct {
	Items   []opendata.Dataset
	Formats []string
	MinCell int
}

// openDataReader checks the service and the address's limit, and returns
// the reader (a guest's empty user when nobody is logged in).
func (s *Server) openDataReader(w http.ResponseWriter, r *http.Request) (auth.User, bool) {
	if s.OpenData == nil {
		s.fail(w, r, errNoOpenData)
		return auth.User{}, false
	}
	if err := s.Limits.CheckOpenData(r); err != nil {
		s.fail(w, r, err)
		return auth.User{}, false
	}
	if u := s.user(r); u != nil {
		return *u, true
	}
	return auth.User{}, true
}

// openDataBase is where the catalogue's links start.
func (s *Server) openDataBase(r *http.Request) string {
	scheme := "http"
	if r.TLS != nil || s.Secure {
		scheme = "https"
	}
	return s.OpenData.Base(scheme, r.Host)
}

func (s *Server) openDataPage(w http.ResponseWriter, r *http.Request) {
	if _, ok := s.openDataReader(w, r); !ok {
		return
	}
	// The page lists what the public reads, whoever looks at it.
	ds, err := s.OpenData.Catalogue(r.Context(), auth.User{})
	if err != nil {
		s.fail(w, r, err)
		return
	}
	p := s.page(w, r, "od.title")
	p.Data = &OpenDataData{Items: ds, Formats: opendata.Formats, MinCell: s.OpenData.MinCell()}
	s.render(w, r, http.StatusOK, "opendata", p)
}

// publisher is the district's name, for the catalogue.
func (s *Server) publisher(r *http.Request) string {
	if d, err := s.district(r.Context()); err == nil {
		return d.Name
	}
	return "gongzhi"
}

func (s *Server) openDataCatalog(w http.ResponseWriter, r *http.Request) {
	u, ok := s.openDataReader(w, r)
	if !ok {
		return
	}
	ds, err := s.OpenData.Catalogue(r.Context(), publicView(u))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSONLD(w, opendata.Catalog(s.openDataBase(r), s.publisher(r), ds), !opendata.CanSeeUnpublished(u))
}

func (s *Server) openDataCatalogCSV(w http.ResponseWriter, r *http.Request) {
	u, ok := s.openDataReader(w, r)
	if !ok {
		return
	}
	ds, err := s.OpenData.Catalogue(r.Context(), publicView(u))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	fileHeaders(w, opendata.CSVType+"; charset=utf-8", "catalog.csv", !opendata.CanSeeUnpublished(u))
	opendata.WriteCatalogCSV(w, s.openDataBase(r), ds)
}

// publicView is the reader the catalogue is made for: the files the
// public downloads are the same whoever asks, but the administrator also
// reads a dataset she has not published yet.
func publicView(u auth.User) auth.User {
	if opendata.CanSeeUnpublished(u) {
		return u
	}
	return auth.User{}
}

// openDataFile is /opendata/{id}.{csv,json,xlsx}.
func (s *Server) openDataFile(w http.ResponseWriter, r *http.Request) {
	id, format, found := strings.Cut(r.PathValue("file"), ".")
	if !found || opendata.MediaType(format) == "" {
		s.notFound(w, r)
		return
	}
	u, ok := s.openDataReader(w, r)
	if !ok {
		return
	}
	t, err := s.OpenData.Table(r.Context(), publicView(u), id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	shared := !opendata.CanSeeUnpublished(u)
	switch format {
	case "csv":
		fileHeaders(w, opendata.CSVType+"; charset=utf-8", id+".csv", shared)
		err = opendata.WriteCSV(w, t)
	case "json":
		fileHeaders(w, opendata.JSONType+"; charset=utf-8", id+".json", shared)
		err = opendata.WriteJSON(w, t)
	case "xlsx":
		fileHeaders(w, opendata.XLSXType, id+".xlsx", shared)
		err = opendata.WriteXLSX(w, t)
	}
	if err != nil {
		s.Log.Error("open data file", "file", r.PathValue("file"), "err", err)
	}
}

// fileHeaders names the download; what the public reads may be kept by
// caches for as long as the service keeps it, what the administrator
// previews not at all.
func fileHeaders(w http.ResponseWriter, ctype, name string, shared bool) {
	w.Header().Set("Content-Type", ctype)
	w.Header().Set("Content-Disposition", `attachment; filename="`+name+`"`)
	if shared {
		w.Header().Set("Cache-Control", "public, max-age=600")
	} else {
		w.Header().Set("Cache-Control", "no-store")
	}
}

func writeJSONLD(w http.ResponseWriter, v any, shared bool) {
	w.Header().Set("Content-Type", opendata.LDType+"; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	if shared {
		w.Header().Set("Cache-Control", "public, max-age=600")
	}
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	enc.Encode(v)
}

// StaffOpenDataData is the administrator's page.
type StaffOpenDataData struct {
	Items []opendata.Dataset
}

func (s *Server) staffOpenData(w http.ResponseWriter, r *http.Request) {
	u := s.staff(w, r)
	if u == nil {
		return
	}
	if s.OpenData == nil {
		s.fail(w, r, errNoOpenData)
		return
	}
	if !opendata.CanSwitch(*u) {
		s.fail(w, r, errs.ErrForbidden)
		return
	}
	ds, err := s.OpenData.Catalogue(r.Context(), *u)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	p := s.page(w, r, "od.staff.title")
	if done := r.URL.Query().Get("done"); done != "" {
		if _, ok := messages["od.flash."+done]; ok {
			p.Flash = tr(p.Lang, "od.flash."+done)
		}
	}
	p.Data = &StaffOpenDataData{Items: ds}
	s.render(w, r, http.StatusOK, "opendata_staff", p)
}

func (s *Server) staffOpenDataSwitch(w http.ResponseWriter, r *http.Request) {
	u := s.staff(w, r)
	if u == nil {
		return
	}
	if s.OpenData == nil {
		s.fail(w, r, errNoOpenData)
		return
	}
	var on bool
	switch r.PostForm.Get("published") {
	case "1":
		on = true
	case "0":
	default:
		s.fail(w, r, errs.Invalidf("请选择开放或关闭", "choose to publish or withdraw"))
		return
	}
	if _, err := s.OpenData.SetPublished(r.Context(), *u, r.PathValue("id"), on); err != nil {
		s.fail(w, r, err)
		return
	}
	done := "withdrawn"
	if on {
		done = "published"
	}
	redirect(w, r, "/staff/opendata?done="+done)
}
