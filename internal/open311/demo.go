package open311

import (
	"context"
	"fmt"

	"github.com/gongzhi/gongzhi/internal/ticket"
)

// demoAttributes are the service definitions of three demo categories
// (see internal/demo): together they use every datatype of GeoReport v2,
// and one attribute that only informs (variable false).
var demoAttributes = map[string][]ticket.Attribute{
	// 道路设施损坏 Damaged roads and road furniture
	"0301": {
		{Code: "damage", Datatype: ticket.DatatypeMultiValueList, Variable: true, Required: true, Order: 1,
			Description: "损坏类型（可多选） / What is damaged (choose all that apply)",
			Values: []ticket.AttributeValue{{Key: "pothole", Name: "坑槽 / pothole"}, {Key: "crack", Name: "裂缝 / crack"},
				{Key: "manhole", Name: "井盖缺失或破损 / missing or broken manhole cover"}, {Key: "guardrail", Name: "护栏 / guardrail"},
				{Key: "sign", Name: "交通标志 / traffic sign"}}},
		{Code: "size_m", Datatype: ticket.DatatypeNumber, Variable: true, Order: 2,
			DatatypeDescription: "米，可填小数 / metres, decimals allowed", Description: "损坏处大约多大 / About how large is it"},
		{Code: "safety", Datatype: ticket.DatatypeText, Variable: false, Order: 3,
			Description: "如有人员受伤请立即拨打120；井盖缺失请在周围设置警示 / If someone is hurt call 120 at once; mark an open manhole"},
	},
	// 路灯照明 Street lighting
	"0304": {
		{Code: "problem", Datatype: ticket.DatatypeSingleValueList, Variable: true, Required: true, Order: 1,
			Description: "路灯怎么了 / What is wrong with the light",
			Values: []ticket.AttributeValue{{Key: "out", Name: "不亮 / out"}, {Key: "flicker", Name: "闪烁 / flickering"},
				{Key: "day", Name: "白天常亮 / on in daytime"}, {Key: "damaged", Name: "灯杆损坏 / damaged pole"}}},
		{Code: "pole_number", Datatype: ticket.DatatypeString, Variable: true, Order: 2,
			DatatypeDescription: "灯杆上的编号，如 PG-0123 / the number on the pole, e.g. PG-0123", Description: "灯杆编号 / Pole number"},
		{Code: "noticed_at", Datatype: ticket.DatatypeDatetime, Variable: true, Order: 3,
			DatatypeDescription: "W3C 日期时间 / W3C datetime", Description: "最早发现时间 / When did you first notice it"},
	},
	// 噪声扰民 Noise nuisance
	"0901": {
		{Code: "source", Datatype: ticket.DatatypeSingleValueList, Variable: true, Required: true, Order: 1,
			Description: "噪声来源 / Where the noise comes from",
			Values: []ticket.AttributeValue{{Key: "construction", Name: "施工 / construction"}, {Key: "business", Name: "商铺经营 / a business"},
				{Key: "traffic", Name: "交通 / traffic"}, {Key: "neighbours", Name: "邻居 / neighbours"}, {Key: "other", Name: "其他 / other"}}},
		{Code: "times", Datatype: ticket.DatatypeText, Variable: true, Order: 2,
			Description: "通常在什么时段 / When does it usually happen"},
	},
}

// DemoAttributes gives the demo categories their service definitions. A
// category that already has attributes keeps them, so calling this at every
// start never undoes an administrator's changes.
func DemoAttributes(ctx context.Context, t *ticket.Service) error {
	have, err := t.CategoriesWithAttributes(ctx)
	if err != nil {
		return err
	}
	for _, code := range []string{"0301", "0304", "0901"} {
		if have[code] {
			continue
		}
		if err := t.SetCategoryAttributes(ctx, code, demoAttributes[code]); err != nil {
			return fmt.Errorf("demo attributes of %s: %w", code, err)
		}
	}
	return nil
}
