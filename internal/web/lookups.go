package web

import (
	"context"
	"strings"

	"github.com/gongzhi/gongzhi/internal/errs"
	"github.com/gongzhi/gongzhi/internal/gov"
	"github.com/gongzhi/gongzhi/internal/ticket"
)

// Option is one choice of a select.
type Option struct {
	Value, Label string
}

// Group is an optgroup.
type Group struct {
	Label   string
	Value   string // the group's own code, when it can be chosen too
	Options []Option
}

// district finds the district the site serves: the only area at district
// level under the top of the tree, following the first child downwards.
func (s *Server) district(ctx context.Context) (gov.Area, error) {
	parent := ""
	for depth := 0; depth < 4; depth++ {
		kids, err := s.Gov.Areas(ctx, parent)
		if err != nil {
			return gov.Area{}, err
		}
		if len(kids) == 0 {
			break
		}
		for _, a := range kids {
			if a.Level == gov.LevelDistrict {
				return a, nil
			}
		}
		parent = kids[0].Code
	}
	return gov.Area{}, errs.NotFoundf("尚未设置行政区划", "no district has been set up")
}

// places returns the streets of the district, each with its communities.
func (s *Server) places(ctx context.Context) ([]Group, error) {
	d, err := s.district(ctx)
	if errs.Is(err, errs.NotFound) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	streets, err := s.Gov.Areas(ctx, d.Code)
	if err != nil {
		return nil, err
	}
	out := make([]Group, 0, len(streets))
	for _, st := range streets {
		g := Group{Label: st.Name, Value: st.Code}
		comms, err := s.Gov.Areas(ctx, st.Code)
		if err != nil {
			return nil, err
		}
		for _, c := range comms {
			g.Options = append(g.Options, Option{Value: c.Code, Label: c.Name})
		}
		out = append(out, g)
	}
	return out, nil
}

// categoryGroups returns the active categories grouped by top-level class,
// and a map of code → name for display.
func (s *Server) categoryGroups(ctx context.Context, lang string) ([]Group, map[string]string, error) {
	cats, err := s.Tickets.Categories(ctx)
	if err != nil {
		return nil, nil, err
	}
	names := map[string]string{"": tr(lang, "file.unclassified")} // left to the staff by its reporter
	name := func(c ticket.Category) string {
		if lang == "en" && c.NameEn != "" {
			return c.NameEn
		}
		return c.Name
	}
	idx := map[string]int{}
	var groups []Group
	for _, c := range cats {
		names[c.Code] = name(c)
		if !c.Active {
			continue
		}
		if c.ParentCode == "" {
			idx[c.Code] = len(groups)
			groups = append(groups, Group{Label: name(c), Value: c.Code})
		}
	}
	for _, c := range cats {
		if !c.Active || c.ParentCode == "" {
			continue
		}
		top := c.ParentCode
		if len(top) > 2 {
			top = top[:2]
		}
		i, ok := idx[top]
		if !ok {
			continue
		}
		groups[i].Options = append(groups[i].Options, Option{Value: c.Code, Label: name(c)})
	}
	// A class without subcategories is a choice of its own.
	for i := range groups {
		if len(groups[i].Options) == 0 {
			groups[i].Options = []Option{{Value: groups[i].Value, Label: groups[i].Label}}
		}
	}
	return groups, names, nil
}

// orgGroups returns the organisations of the district grouped by kind, for
// the dispatch select.
func (s *Server) orgGroups(ctx context.Context, lang, areaCode string) ([]Group, error) {
	orgs, err := s.Gov.Orgs(ctx, gov.OrgFilter{AreaCode: areaCode})
	if err != nil {
		return nil, err
	}
	byKind := map[gov.OrgKind][]Option{}
	for _, o := range orgs {
		byKind[o.Kind] = append(byKind[o.Kind], Option{Value: o.Code, Label: o.Name})
	}
	var out []Group
	for _, k := range gov.OrgKinds {
		if opts := byKind[k]; len(opts) > 0 {
			out = append(out, Group{Label: tr(lang, "orgkind."+string(k)), Options: opts})
		}
	}
	return out, nil
}

func (s *Server) orgName(ctx context.Context, code string) string {
	if code == "" {
		return ""
	}
	if o, err := s.Gov.Org(ctx, code); err == nil {
		return o.Name
	}
	return code
}

func (s *Server) areaName(ctx context.Context, code string) string {
	if code == "" {
		return ""
	}
	path, err := s.Gov.AreaPath(ctx, code)
	if err != nil || len(path) == 0 {
		return code
	}
	// Show from the district down: 平谷区 滨河街道 金谷东园社区.
	var names []string
	for _, a := range path {
		if a.Level == gov.LevelProvince || a.Level == gov.LevelCity {
			continue
		}
		names = append(names, a.Name)
	}
	return strings.Join(names, " ")
}
