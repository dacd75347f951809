package ticket_test

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/gongzhi/gongzhi/internal/db"
	"github.com/gongzhi/gongzhi/internal/db/dbtest"
	"github.com/gongzhi/gongzhi/internal/errs"
	"github.com/gongzhi/gongzhi/internal/ticket"
)

// A staff member saves, lists, replaces and deletes her own filters; nobody
// else sees or deletes them; names, queries and the count are limited.
func TestSavedFilters(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		f := setup(t, d)
		sf, err := f.tickets.SaveFilter(ctx, f.dispatcher, ticket.SavedFilter{Name: " 红灯待派 ", Query: "status=registered&light=red&q="})
		must(t, err)
		if sf.Name != "红灯待派" || sf.Query != "light=red&status=registered" {
			t.Fatalf("saved %+v", sf)
		}
		_, err = f.tickets.SaveFilter(ctx, f.dispatcher, ticket.SavedFilter{Name: "全部", Query: "status="})
		must(t, err)
		// The same name replaces, without counting twice.
		_, err = f.tickets.SaveFilter(ctx, f.dispatcher, ticket.SavedFilter{Name: "红灯待派", Query: "status=registered&overdue=1"})
		must(t, err)
		list, err := f.tickets.SavedFilters(ctx, f.dispatcher)
		must(t, err)
		if len(list) != 2 || list[1].Name != "红灯待派" || list[1].Query != "overdue=1&status=registered" || list[0].Query != "status=" {
			t.Fatalf("list %+v", list)
		}
		// Nobody reads or deletes another's.
		other, err := f.tickets.SavedFilters(ctx, f.supervisor)
		must(t, err)
		if len(other) != 0 {
			t.Fatalf("the supervisor reads the dispatcher's filters: %+v", other)
		}
		if err := f.tickets.DeleteFilter(ctx, f.supervisor, "全部"); !errs.Is(err, errs.NotFound) {
			t.Fatalf("deleting another's filter: %v", err)
		}
		if _, err := f.tickets.SavedFilters(ctx, f.resident); !errs.Is(err, errs.Forbidden) {
			t.Fatalf("a resident's saved filters: %v", err)
		}
		for _, bad := range []ticket.SavedFilter{
			{Name: "", Query: "status=registered"},
			{Name: strings.Repeat("名", ticket.MaxFilterName+1), Query: ""},
			{Name: "x", Query: "password=1"},
			{Name: "x", Query: "q=%zz"},
			{Name: "x", Query: "q=a&q=b"},
			{Name: "x", Query: "q=" + strings.Repeat("a", ticket.MaxFilterQueryLen)},
		} {
			if _, err := f.tickets.SaveFilter(ctx, f.dispatcher, bad); !errs.Is(err, errs.Invalid) {
				t.Fatalf("%+v: %v, want invalid", bad, err)
			}
		}
		if _, err := f.tickets.SaveFilter(ctx, f.dispatcher, ticket.SavedFilter{Name: strings.Repeat("名", ticket.MaxFilterName), Query: "q=1"}); err != nil {
			t.Fatalf("a name of the longest length: %v", err)
		}
		for i := 3; i < ticket.MaxSavedFilters; i++ {
			_, err := f.tickets.SaveFilter(ctx, f.dispatcher, ticket.SavedFilter{Name: fmt.Sprintf("f%d", i), Query: "status=closed"})
			must(t, err)
		}
		if _, err := f.tickets.SaveFilter(ctx, f.dispatcher, ticket.SavedFilter{Name: "one more", Query: ""}); !errs.Is(err, errs.Invalid) {
			t.Fatalf("filter %d: %v, want invalid", ticket.MaxSavedFilters+1, err)
		}
		must(t, f.tickets.DeleteFilter(ctx, f.dispatcher, "全部"))
		if err := f.tickets.DeleteFilter(ctx, f.dispatcher, "全部"); !errs.Is(err, errs.NotFound) {
			t.Fatalf("deleting twice: %v", err)
		}
		list, err = f.tickets.SavedFilters(ctx, f.dispatcher)
		must(t, err)
		if len(list) != ticket.MaxSavedFilters-1 {
			t.Fatalf("%d filters after a delete, want %d", len(list), ticket.MaxSavedFilters-1)
		}
		if _, err := f.tickets.SaveFilter(ctx, f.dispatcher, ticket.SavedFilter{Name: "one more", Query: ""}); err != nil {
			t.Fatalf("a filter after a delete: %v", err)
		}
	})
}
