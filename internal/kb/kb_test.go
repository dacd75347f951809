package kb_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/gongzhi/gongzhi/internal/clock"
	"github.com/gongzhi/gongzhi/internal/db"
	"github.com/gongzhi/gongzhi/internal/db/dbtest"
	"github.com/gongzhi/gongzhi/internal/kb"
)

// Suggest finds articles by the text as a query, by the category and by
// keywords within a long text, best first; inactive articles never.
func TestSuggest(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		s := kb.NewService(d, clock.NewFixed(time.Date(2026, 5, 6, 10, 0, 0, 0, time.UTC)))
		err := s.Import(ctx, []kb.Article{
			{ID: "a1", CategoryCode: "1101", Title: "居住证办理", Body: "带身份证到派出所。", Keywords: "居住证 暂住证", Active: true},
			{ID: "a2", CategoryCode: "1102", Title: "社保卡丢失如何补办", Body: "到社保网点挂失补办。", Keywords: "社保卡,补卡", Active: true},
			{ID: "a3", CategoryCode: "0403", Title: "暖气不热", Body: "联系供热公司。", Keywords: "供暖、暖气", Active: true},
			{ID: "a4", CategoryCode: "1101", Title: "已停用的答复", Body: "居住证旧规定。", Keywords: "居住证", Active: false},
		})
		if err != nil {
			t.Fatal(err)
		}
		for _, c := range []struct {
			text, category string
			want           string
		}{
			{"", "", "a1 a2 a3"},     // a listing, the latest first (here: at one time, by id)
			{"sbk", "", "a2"},        // pinyin initials
			{"派出所", "", "a1"},        // the body
			{"", "1101", "a1 a2"},    // the category, then its class
			{"社保卡", "1101", "a2 a1"}, // the query first, then the category
			{"家里暖气不热，社保卡也丢了，怎么办？", "", "a3 a2"},         // keywords within the text: two of a3, one of a2
			{strings.Repeat("啊", 5000) + "居住证", "", ""}, // beyond MaxText is not read, nor keywords found there
		} {
			got, err := s.Suggest(ctx, c.text, c.category, 10)
			if err != nil {
				t.Fatal(err)
			}
			var ids []string
			for _, a := range got {
				ids = append(ids, a.ID)
			}
			if strings.Join(ids, " ") != c.want {
				t.Errorf("%.20q in %q: %v, want %s", c.text, c.category, ids, c.want)
			}
		}
	})
}
