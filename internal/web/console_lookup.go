package web

import (
	"context"
	"strings"

	"github.com/gongzhi/gongzhi/internal/auth"
	"github.com/gongzhi/gongzhi/internal/errs"
	"github.com/gongzhi/gongzhi/internal/ticket"
)

// The console's look-ups: the caller's earlier tickets, the category chosen
// or searched for, and possible duplicates in words.

// lookup fills in the caller's earlier tickets and marks the phone as looked up.
func (s *Server) lookup(ctx context.Context, p *Page, u *auth.User, d *ConsoleData) {
	phone := auth.NormalizePhone(p.V("reporter_phone"))
	d.Looked = true
	if !auth.ValidPhone(phone) {
		d.HistoryErr = tr(p.Lang, "con.err.phone")
		if d.Bad == nil {
			d.Bad = map[string]bool{}
		}
		d.Bad["phone"] = true
		return
	}
	items, err := s.Tickets.CallerHistory(ctx, *u, phone, 10)
	if err != nil {
		e := errs.As(err)
		d.HistoryErr = e.Msg
		if p.Lang == "en" {
			d.HistoryErr = e.MsgEn
		}
		return
	}
	d.History = items
	p.Form.Set("reporter_phone", phone)
	p.Form.Set("looked", phone)
}

// resolveCategory reads the chosen category (a radio of the list, or the
// field the suggestions fill) and reports whether the agent typed a new
// search instead.
func (s *Server) resolveCategory(ctx context.Context, p *Page, d *ConsoleData) (bool, error) {
	f := p.Form
	q := strings.TrimSpace(f.Get("category_q"))
	code := strings.TrimSpace(f.Get("category_pick"))
	picked := code != ""
	if !picked {
		code = strings.TrimSpace(f.Get("category_code"))
	}
	f.Del("category_pick")
	f.Set("category_code", "")
	if code == "" {
		return q != "", nil
	}
	cats, err := s.Tickets.Categories(ctx)
	if err != nil {
		return false, err
	}
	byCode := map[string]ticket.Category{}
	for _, c := range cats {
		byCode[c.Code] = c
	}
	c, ok := byCode[code]
	if !ok || !c.Active {
		return q != "", nil
	}
	name := catName(p.Lang, c)
	if !picked && q != "" && q != c.Name && q != c.NameEn && q != c.Code && q != name {
		return true, nil // the agent typed over the choice
	}
	path := c.Name
	for pc := c.ParentCode; pc != ""; pc = byCode[pc].ParentCode {
		path = byCode[pc].Name + " › " + path
	}
	f.Set("category_code", c.Code)
	f.Set("category_q", name)
	d.CatName, d.CatPath = name, path
	return false, nil
}

// searchCategories lists the categories for category_q, the best one checked.
func (s *Server) searchCategories(ctx context.Context, p *Page, d *ConsoleData) {
	q := strings.TrimSpace(p.V("category_q"))
	if q == "" {
		d.fail(p.Lang, "category_q", "con.err.catq")
		return
	}
	ms, err := s.Tickets.SearchCategories(ctx, q, 8)
	if err != nil {
		e := errs.As(err)
		d.Errors = append(d.Errors, map[bool]string{true: e.MsgEn, false: e.Msg}[p.Lang == "en"])
		d.Focus = "category_q"
		return
	}
	if len(ms) == 0 {
		d.fail(p.Lang, "category_q", "con.err.catnone", q)
		return
	}
	d.CatMatches = ms
	if d.Focus == "" {
		d.Focus = "cat-0"
	}
}

func (s *Server) dupViews(ctx context.Context, lang string, dups []ticket.Duplicate) []DupView {
	out := make([]DupView, 0, len(dups))
	for _, x := range dups {
		v := DupView{T: x.Ticket, Similarity: int(x.Similarity*100 + 0.5), Score: int(x.Score*100 + 0.5)}
		if x.DistanceM != nil {
			v.Distance = tr(lang, "con.dup.m", *x.DistanceM)
		} else {
			v.Distance = tr(lang, "con.dup.same")
		}
		if c, err := s.Tickets.Category(ctx, x.Ticket.CategoryCode); err == nil {
			v.Category = catName(lang, c)
		}
		out = append(out, v)
	}
	return out
}
