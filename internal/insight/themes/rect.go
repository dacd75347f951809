package themes

import (
	"context"
	"fmt"
	"strings"

	"github.com/gongzhi/gongzhi/internal/auth"
	"github.com/gongzhi/gongzhi/internal/errs"
	"github.com/gongzhi/gongzhi/internal/evaluation"
)

// ToRect is what it takes to turn a theme into a rectification task.
type ToRect struct {
	Month   string `json:"month"`    // the theme's month (empty: the last complete one)
	OrgCode string `json:"org_code"` // the unit; empty: the unit that handled most of its tickets
	Due     string `json:"due"`      // YYYY-MM-DD or RFC 3339
	Owner   string `json:"owner_user_id"`
}

// Rectify sets a rectification task (整改) on a theme of the month through
// the evaluation's own creation, which decides who may set one and for
// which unit; the task's title is the theme's label, its reason the
// theme's figures and a sample of its tickets.
func (s *Service) Rectify(ctx context.Context, u auth.User, id string, in ToRect) (evaluation.Rectification, error) {
	if !CanRectify(u) {
		return evaluation.Rectification{}, errs.ErrForbidden
	}
	t, m, err := s.Theme(ctx, u, in.Month, id)
	if err != nil {
		return evaluation.Rectification{}, err
	}
	org := strings.TrimSpace(in.OrgCode)
	if org == "" && len(t.Units) > 0 {
		org = t.Units[0].Code
	}
	return s.eval.CreateRectification(ctx, u, evaluation.NewRectification{
		OrgCode: org, Title: fmt.Sprintf("%s 每月一题：%s", m.Month, t.Label), Reason: reason(t),
		OwnerUserID: in.Owner, Deadline: in.Due,
	})
}

// reason tells the theme's figures, where it came from and some of its
// tickets.
func reason(t Theme) string {
	var b strings.Builder
	fmt.Fprintf(&b, "本月反复出现的问题“%s”：%d 件工单，%d 位居民，重复反映率 %.0f%%。", t.Label, t.Tickets, t.Residents, t.RepeatRate*100)
	if len(t.Areas) > 0 {
		b.WriteString("主要地区：")
		for i, a := range t.Areas {
			if i == 3 {
				break
			}
			if i > 0 {
				b.WriteString("、")
			}
			name := a.Name
			if name == "" {
				name = a.Code
			}
			fmt.Fprintf(&b, "%s（%d）", name, a.Count)
		}
		b.WriteString("。")
	}
	if len(t.Sample) > 0 {
		b.WriteString("工单示例：" + strings.Join(t.Sample, "、") + "。")
	}
	return b.String()
}
