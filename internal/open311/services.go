package open311

import (
	"context"
	"encoding/xml"
	"net/http"
	"strings"

	"github.com/gongzhi/gongzhi/internal/ticket"
)

// changeset marks the last change of this endpoint's shape, for discovery.
const changeset = "2026-03-01T00:00:00+08:00"

type discoveryDoc struct {
	XMLName    xml.Name   `xml:"discovery" json:"-"`
	Changeset  string     `xml:"changeset" json:"changeset"`
	Contact    string     `xml:"contact" json:"contact"`
	KeyService string     `xml:"key_service" json:"key_service"`
	Endpoints  []endpoint `xml:"endpoints>endpoint" json:"endpoints"`
}

type endpoint struct {
	Specification string   `xml:"specification" json:"specification"`
	URL           string   `xml:"url" json:"url"`
	Changeset     string   `xml:"changeset" json:"changeset"`
	Type          string   `xml:"type" json:"type"`
	Formats       []string `xml:"formats>format" json:"formats"`
}

func (s *Server) discovery(w http.ResponseWriter, r *http.Request, format string) {
	base := s.BaseURL
	if base == "" {
		scheme := "http"
		if r.TLS != nil {
			scheme = "https"
		}
		base = scheme + "://" + r.Host
	}
	formats := []string{ctypeXML, ctypeJSON}
	eps := []endpoint{{Specification: Specification, URL: base + Prefix, Changeset: changeset, Type: "production", Formats: formats}}
	if s.SandboxURL != "" {
		eps = append(eps, endpoint{Specification: Specification, URL: s.SandboxURL, Changeset: changeset, Type: "test", Formats: formats})
	}
	s.write(w, format, http.StatusOK, discoveryDoc{
		Changeset:  changeset,
		Contact:    "请联系系统管理员 / contact the administrator of this gongzhi installation",
		KeyService: "API 密钥由系统管理员在后台签发 / API keys are issued by the administrator (POST /api/v1/apikeys)",
		Endpoints:  eps,
	})
}

// service is one line of GET services.
type service struct {
	ServiceCode string `xml:"service_code" json:"service_code"`
	ServiceName string `xml:"service_name" json:"service_name"`
	Description string `xml:"description" json:"description"`
	Metadata    bool   `xml:"metadata" json:"metadata"`
	Type        string `xml:"type" json:"type"`
	Keywords    string `xml:"keywords" json:"keywords"`
	Group       string `xml:"group" json:"group"`
}

type xmlServices struct {
	XMLName  xml.Name  `xml:"services"`
	Services []service `xml:"service"`
}

// catalog is the category tree seen as services: the active leaves are the
// services, and each belongs to the group of its top-level class.
type catalog struct {
	byCode   map[string]ticket.Category
	services []ticket.Category
}

func (s *Server) catalog(ctx context.Context) (catalog, error) {
	cats, err := s.Tickets.Categories(ctx)
	if err != nil {
		return catalog{}, err
	}
	c := catalog{byCode: map[string]ticket.Category{}}
	parent := map[string]bool{}
	for _, x := range cats {
		c.byCode[x.Code] = x
		parent[x.ParentCode] = true
	}
	for _, x := range cats {
		if x.Active && !parent[x.Code] {
			c.services = append(c.services, x)
		}
	}
	return c, nil
}

// service returns the leaf category of a service code.
func (c catalog) service(code string) (ticket.Category, bool) {
	x, ok := c.byCode[code]
	if !ok || !x.Active {
		return ticket.Category{}, false
	}
	for _, y := range c.byCode {
		if y.ParentCode == code {
			return ticket.Category{}, false
		}
	}
	return x, true
}

// group is the name of the top-level class of a category.
func (c catalog) group(x ticket.Category) string {
	for i := 0; i < 10 && x.ParentCode != ""; i++ {
		p, ok := c.byCode[x.ParentCode]
		if !ok {
			break
		}
		x = p
	}
	return x.Name
}

func (c catalog) describe(x ticket.Category, withAttrs map[string]bool) service {
	group := c.group(x)
	kw := []string{x.Name}
	if x.NameEn != "" {
		kw = append(kw, x.NameEn)
	}
	if group != x.Name {
		kw = append(kw, group)
	}
	desc := x.Name
	if x.NameEn != "" {
		desc += " / " + x.NameEn
	}
	return service{ServiceCode: x.Code, ServiceName: x.Name, Description: desc, Metadata: withAttrs[x.Code],
		Type: "realtime", Keywords: strings.Join(kw, ", "), Group: group}
}

func (s *Server) services(w http.ResponseWriter, r *http.Request, format string) {
	c, err := s.catalog(r.Context())
	if err != nil {
		s.failErr(w, format, err)
		return
	}
	withAttrs, err := s.Tickets.CategoriesWithAttributes(r.Context())
	if err != nil {
		s.failErr(w, format, err)
		return
	}
	list := make([]service, 0, len(c.services))
	for _, x := range c.services {
		list = append(list, c.describe(x, withAttrs))
	}
	if format == formatJSON {
		s.write(w, format, http.StatusOK, list)
		return
	}
	s.write(w, format, http.StatusOK, xmlServices{Services: list})
}

// definition is a service definition.
type definition struct {
	XMLName     xml.Name    `xml:"service_definition" json:"-"`
	ServiceCode string      `xml:"service_code" json:"service_code"`
	Attributes  []attribute `xml:"attributes>attribute" json:"attributes"`
}

type attribute struct {
	Variable            bool    `xml:"variable" json:"variable"`
	Code                string  `xml:"code" json:"code"`
	Datatype            string  `xml:"datatype" json:"datatype"`
	Required            bool    `xml:"required" json:"required"`
	DatatypeDescription string  `xml:"datatype_description" json:"datatype_description"`
	Order               int     `xml:"order" json:"order"`
	Description         string  `xml:"description" json:"description"`
	Values              []value `xml:"values>value" json:"values"`
}

type value struct {
	Key  string `xml:"key" json:"key"`
	Name string `xml:"name" json:"name"`
}

func (s *Server) serviceDefinition(w http.ResponseWriter, r *http.Request) {
	code, format := splitFormat(r.PathValue("file"))
	if format == "" {
		s.notFound(w, r)
		return
	}
	if !s.jurisdictionOK(w, r, format) {
		return
	}
	c, err := s.catalog(r.Context())
	if err != nil {
		s.failErr(w, format, err)
		return
	}
	if _, ok := c.service(code); !ok {
		s.fail(w, format, http.StatusNotFound, "service_code 不存在 / service_code not found: "+code)
		return
	}
	attrs, err := s.Tickets.CategoryAttributes(r.Context(), code)
	if err != nil {
		s.failErr(w, format, err)
		return
	}
	d := definition{ServiceCode: code, Attributes: make([]attribute, 0, len(attrs))}
	for _, a := range attrs {
		vals := make([]value, 0, len(a.Values))
		for _, v := range a.Values {
			vals = append(vals, value{Key: v.Key, Name: v.Name})
		}
		d.Attributes = append(d.Attributes, attribute{Variable: a.Variable, Code: a.Code, Datatype: a.Datatype, Required: a.Required,
			DatatypeDescription: a.DatatypeDescription, Order: a.Order, Description: a.Description, Values: vals})
	}
	s.write(w, format, http.StatusOK, d)
}
