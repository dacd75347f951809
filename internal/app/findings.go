package app

import (
	"context"
	"fmt"

	"github.com/gongzhi/gongzhi/internal/auth"
	"github.com/gongzhi/gongzhi/internal/errs"
	"github.com/gongzhi/gongzhi/internal/mediation"
	"github.com/gongzhi/gongzhi/internal/screening"
	"github.com/gongzhi/gongzhi/internal/service"
)

// registerFindings lets a screening round's finding become a mediation case
// or a service request directly, each made by its own capability as the
// grid worker, under that capability's rules; the round keeps its number.
func registerFindings(a *App) {
	a.Screening.RegisterConverter(screening.ConvertMediation, func(ctx context.Context, u auth.User, f screening.Finding) (string, error) {
		d := f.Dispute
		if d == nil || len(d.Parties) < 2 {
			return "", errs.Invalidf("转为调解案件须填写纠纷类型和双方当事人", "a mediation case needs the dispute's type and both parties")
		}
		n := mediation.New{Source: mediation.SourceInitiative, SourceNote: fmt.Sprintf("逐一排查 %s 第%d户（处）", f.RoundID, f.Seq),
			DisputeType: d.Type, Summary: f.Note, AreaCode: f.AreaCode, Risk: mediation.RiskBlue}
		for i, p := range d.Parties {
			role := mediation.RoleRespondent
			if i == 0 {
				role = mediation.RoleApplicant
			}
			n.Parties = append(n.Parties, mediation.NewParty{Name: p.Name, Phone: p.Phone, Role: role})
		}
		n.Parties[0].Address = f.Address
		c, err := a.Mediation.Create(ctx, u, n)
		return c.Number, err
	})
	a.Screening.RegisterConverter(screening.ConvertService, func(ctx context.Context, u auth.User, f screening.Finding) (string, error) {
		r := f.ForResident
		if r == nil {
			return "", errs.Invalidf("转为服务需求须选择服务并填写居民手机号", "a service request needs the service and the resident's phone")
		}
		q, err := a.Services.Create(ctx, u, service.NewRequest{ServiceID: r.ServiceID, OnBehalfOf: r.Phone, Name: r.Name, AreaCode: f.AreaCode, Note: f.Note})
		return q.Number, err
	})
}
