package web

import (
	"context"
	"html/template"
	"strconv"

	"github.com/gongzhi/gongzhi/internal/service"
)

// The directory's map: the district drawn from its own boundaries (as the
// residents' map is), her community's point with the circle searched, and a
// numbered dot for each service whose provider's place is known, the same
// number as its line in the list. Drawn twice, for screens and for phones,
// so that its words are never scaled below their size.

// serviceMap draws near's map and numbers its services; no map when the
// district has no boundaries and the community no point.
func (s *Server) serviceMap(ctx context.Context, lang string, near service.Near) (template.HTML, map[string]int, error) {
	if near.Lat == nil || near.Lng == nil {
		return "", nil, nil
	}
	l, err := s.mapLayers(ctx)
	if err != nil {
		return "", nil, err
	}
	nums := map[string]int{}
	var dots []mapDot
	for _, o := range near.Items {
		if o.Lat == nil || o.Lng == nil {
			continue
		}
		nums[o.ID] = len(dots) + 1
		dots = append(dots, mapDot{lat: *o.Lat, lng: *o.Lng, label: strconv.Itoa(len(dots) + 1), title: o.Name + " · " + o.ProviderName})
	}
	pin := [2]float64{*near.Lat, *near.Lng}
	box := aroundBox(pin[0], pin[1], near.Radius*1.25)
	var out string
	for _, m := range []struct {
		class string
		width float64
	}{{"chart-wide", 640}, {"chart-narrow", 340}} {
		spec := mapSpec{v: fit(box, m.width), pin: &pin, dots: dots, ring: near.Radius, label: tr(lang, "svc.map"), lang: lang}
		out += `<div class="` + m.class + `">` + s.drawMap(l, spec) + `</div>`
	}
	return template.HTML(out), nums, nil
}
