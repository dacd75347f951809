package api

import (
	"net/url"

	"github.com/gongzhi/gongzhi/internal/errs"
	"github.com/gongzhi/gongzhi/internal/ticket"
)

// searchFilter reads the search fields of a ticket list: q, category,
// channel and the days from and to (both included), and area and org as
// short names of area_code and org_code. The ticket package checks their
// values and the caller's scope.
func (a *API) searchFilter(f *ticket.Filter, q url.Values) error {
	f.Q = q.Get("q")
	f.Channel = ticket.Channel(q.Get("channel"))
	f.CategoryCode = q.Get("category_code")
	for _, p := range []struct {
		dst         *string
		long, short string
	}{{&f.AreaCode, "area_code", "area"}, {&f.OrgCode, "org_code", "org"}, {&f.CategoryCode, "category_code", "category"}} {
		v := q.Get(p.short)
		if v == "" {
			continue
		}
		if *p.dst != "" && *p.dst != v {
			return errs.Invalidf("%s 与 %s 不一致", "%s and %s disagree", p.short, p.long)
		}
		*p.dst = v
	}
	var err error
	f.From, f.To, err = a.Tickets.ParseDays(q.Get("from"), q.Get("to"))
	return err
}
