package demo

import (
	"context"
	"fmt"

	"github.com/gongzhi/gongzhi/internal/auth"
	"github.com/gongzhi/gongzhi/internal/natcode"
)

func ev(code string) []natcode.Mapped {
	return []natcode.Mapped{{Scheme: natcode.SchemeEvent, Code: code}}
}

func comp(code string) natcode.Mapped {
	return natcode.Mapped{Scheme: natcode.SchemeComponent, Code: code}
}

// nationalDecisions are the demo district's 城市管理 categories mapped to the
// major classes of GB/T 30428.2. 市容环境 counts as urban management as a
// whole (its children inherit event class 01 unless they name their own);
// a few categories of other branches count on their own; 占用消防通道 is
// urban but has no class of the standard, and says so.
var nationalDecisions = []struct {
	code string
	in   natcode.Input
}{
	{"01", natcode.Input{Urban: true, Classes: ev("01")}},                                // 市容环境
	{"0104", natcode.Input{Urban: true, Classes: ev("05")}},                              // 占道经营: 街面秩序
	{"0105", natcode.Input{Urban: true, Classes: ev("02")}},                              // 户外广告与牌匾: 宣传广告
	{"0106", natcode.Input{Urban: true, Classes: append(ev("01"), comp("04"))}},          // 园林绿化
	{"0301", natcode.Input{Urban: true, Classes: []natcode.Mapped{comp("02")}}},          // 道路设施损坏: 道路交通设施
	{"0303", natcode.Input{Urban: true, Classes: ev("05")}},                              // 停车管理: 街面秩序
	{"0304", natcode.Input{Urban: true, Classes: []natcode.Mapped{comp("01")}}},          // 路灯照明: 公用设施
	{"0402", natcode.Input{Urban: true, Classes: ev("04")}},                              // 排水与积水: 突发事件
	{"1003", natcode.Input{Urban: true, NAReason: "消防通道占用由消防救援机构和物业处置，不在城市管理部件和事件分类之内"}}, // 占用消防通道
}

// NationalCodes loads the demo's mapping to national classes once: a
// category the district has already decided on is left as it is.
func NationalCodes(ctx context.Context, n *natcode.Service) error {
	have, err := n.Decisions(ctx)
	if err != nil {
		return err
	}
	done := map[string]bool{}
	for _, d := range have {
		done[d.CategoryCode] = true
	}
	for _, d := range nationalDecisions {
		if done[d.code] {
			continue
		}
		if _, err := n.Set(ctx, auth.System(), d.code, d.in); err != nil {
			return fmt.Errorf("demo national class of %s: %w", d.code, err)
		}
	}
	return nil
}
