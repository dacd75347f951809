package insight

import (
	"context"
	"strings"

	"github.com/gongzhi/gongzhi/internal/gov"
	"github.com/gongzhi/gongzhi/internal/textfeat"
)

// orgSuffixes are the endings of organisations' names that residents leave
// out: they say 滨河街道, not 滨河街道办事处.
var orgSuffixes = []string{"办事处", "居民委员会", "村民委员会", "居委会", "村委会", "委员会"}

// teachWords teaches the segmenter the district's own names — its
// categories, its units, and the places those units are named after — so
// that 金谷东园 or 垃圾分类与清运 stay one word. Once per process.
func (s *Service) teachWords(ctx context.Context) error {
	var err error
	s.taught.Do(func() {
		var words []string
		cats, e := s.tickets.Categories(ctx)
		if e != nil {
			err = e
			return
		}
		for _, c := range cats {
			words = append(words, c.Name)
		}
		if s.gov != nil {
			orgs, e := s.gov.Orgs(ctx, gov.OrgFilter{})
			if e != nil {
				err = e
				return
			}
			for _, o := range orgs {
				words = append(words, o.Name)
				for _, suf := range orgSuffixes {
					if base, ok := strings.CutSuffix(o.Name, suf); ok {
						words = append(words, base)
						break
					}
				}
			}
		}
		err = textfeat.AddWords(words...)
	})
	return err
}
