package app

import (
	"context"
	"fmt"

	"github.com/gongzhi/gongzhi/internal/auth"
	"github.com/gongzhi/gongzhi/internal/demo"
	"github.com/gongzhi/gongzhi/internal/demo/demokb"
	"github.com/gongzhi/gongzhi/internal/gov"
	"github.com/gongzhi/gongzhi/internal/mediation"
	"github.com/gongzhi/gongzhi/internal/open311"
	"github.com/gongzhi/gongzhi/internal/service"
)

// Demo codes of the neighbourhood services and mediation.
const (
	demoServiceStation = demo.CommunityJinguDongyuan + "-FW" // 金谷东园社区综合服务站
	demoMediation      = demo.StreetBinhe + "-TJ"            // 滨河街道人民调解委员会
)

// loadDemoServices gives the demo district, once, a people's mediation
// committee of 滨河街道 (three members; the street's demo handler is its
// chair, so the demo can mediate) and a community service station serving
// 金谷东园 with three services, so that the directory, bookings, mediation
// and a finding's conversion can be tried at once.
func loadDemoServices(ctx context.Context, a *App) error {
	if _, err := a.Mediation.Committee(ctx, demoMediation); err == nil {
		return nil
	}
	sys := auth.System()
	for _, o := range []gov.Org{
		{Code: demoServiceStation, Name: "金谷东园社区综合服务站", Kind: gov.KindServiceProvider, AreaCode: demo.CommunityJinguDongyuan},
		{Code: demoMediation, Name: "滨河街道人民调解委员会", Kind: gov.KindMediationCommittee, AreaCode: demo.StreetBinhe},
	} {
		if err := a.Gov.UpsertOrg(ctx, o); err != nil {
			return err
		}
	}
	chair, err := a.Auth.UserByUsername(ctx, "demo-handler")
	if err != nil {
		return fmt.Errorf("demo chair: %w", err)
	}
	if _, err := a.Mediation.SetMembers(ctx, sys, demoMediation, []mediation.NewMember{
		{Name: chair.Name, UserID: chair.ID, Duty: mediation.DutyChair},
		{Name: "李秀兰", Duty: mediation.DutyMember},
		{Name: "张志强", Duty: mediation.DutyMember},
	}); err != nil {
		return fmt.Errorf("demo mediation committee: %w", err)
	}
	if _, err := a.Services.SaveProvider(ctx, sys, service.ProviderInput{OrgCode: demoServiceStation, Provides: "助餐、上门保洁、独居老人探访",
		Hours: "周一至周日 8:00-18:00", Areas: []string{demo.CommunityJinguDongyuan}}); err != nil {
		return fmt.Errorf("demo service provider: %w", err)
	}
	for _, o := range []service.OfferInput{
		{Category: service.CatMeals, Name: "长者食堂助餐", Description: "六十岁以上居民午餐，可送餐上门", Priced: true, PriceNote: "每餐12元，八十岁以上8元"},
		{Category: service.CatHousekeeping, Name: "上门保洁", Description: "每次两小时，需提前一天预约", Priced: true, PriceNote: "每小时40元"},
		{Category: service.CatElderly, Name: "独居老人上门探访", Description: "志愿者每周上门一次，陪伴聊天、代买代办"},
	} {
		o.OrgCode = demoServiceStation
		if _, err := a.Services.SaveOffer(ctx, sys, o); err != nil {
			return fmt.Errorf("demo service %s: %w", o.Name, err)
		}
	}
	return nil
}

// loadDemo loads the demo district once: its areas, units, accounts and
// catalogue, the Open311 attributes, the knowledge base, the reply
// templates, and the services and mediation committee.
func loadDemo(ctx context.Context, a *App) error {
	if _, err := demo.Load(ctx, a.DB, a.Gov, a.Auth, a.Tickets, a.Log); err != nil {
		return fmt.Errorf("load demo district: %w", err)
	}
	if err := open311.DemoAttributes(ctx, a.Tickets); err != nil {
		return fmt.Errorf("load demo open311 attributes: %w", err)
	}
	if n, err := a.KB.Count(ctx); err != nil {
		return err
	} else if n == 0 {
		if err := a.KB.Import(ctx, demokb.Articles); err != nil {
			return fmt.Errorf("load demo knowledge base: %w", err)
		}
	}
	if err := loadDemoServices(ctx, a); err != nil {
		return fmt.Errorf("load demo services and mediation: %w", err)
	}
	if err := demo.NationalCodes(ctx, a.NatCodes); err != nil {
		return fmt.Errorf("load demo national codes: %w", err)
	}
	if list, err := a.Replies.List(ctx, auth.System()); err != nil {
		return err
	} else if len(list) == 0 {
		if err := a.Replies.Import(ctx, demo.ReplyTemplates); err != nil {
			return fmt.Errorf("load demo reply templates: %w", err)
		}
	}
	return nil
}
