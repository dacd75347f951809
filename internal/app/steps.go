package app

import (
	"context"

	"github.com/gongzhi/gongzhi/internal/auth"
	"github.com/gongzhi/gongzhi/internal/insight/warning"
	"github.com/gongzhi/gongzhi/internal/notice"
	"github.com/gongzhi/gongzhi/internal/screening"
)

// counted is a background step of a capability that answers how many
// items it moved, with what its log line says of them.
type counted struct {
	run      func(context.Context) (int, error)
	failed   string // the error's message
	done, of string // the log's message and the count's name
}

// participationSteps runs, each pass of the background work, the steps of
// participation, services and mediation: closing what is due, reminding,
// awarding. A step that fails is logged and the others still run.
func (a *App) participationSteps(ctx context.Context) {
	for _, st := range []counted{
		{a.Votes.CloseDue, "close votes", "votes closed at their closing time", "votes"},
		{a.Elections.Announce, "announce elections", "elections announced to their voters", "elections"},
		{a.Elections.CloseDue, "close elections", "elections closed at their closing time", "elections"},
		{a.Surveys.CloseDue, "close surveys", "surveys closed at their closing time", "surveys"},
		{a.Proposals.Lapse, "proposals lapse", "proposals lapsed", "n"},
		{a.Meetings.Remind, "meeting task reminders", "meeting task reminders", "n"},
		{a.Services.Remind, "service request reminders", "service request reminders", "n"},
		{a.Volunteers.Award, "participation points", "participation points awarded", "entries"},
		{a.Mediation.Remind, "mediation confirmation reminders", "mediation confirmation reminders", "n"},
		{a.supplyWarnings, "supply warnings", "supply warnings raised", "n"},
	} {
		if n, err := st.run(ctx); err != nil && ctx.Err() == nil {
			a.Log.Error(st.failed, "err", err)
		} else if n > 0 {
			a.Log.Info(st.done, st.of, n)
		}
	}
	if st, err := a.Notices.EndPeriods(ctx); err != nil && ctx.Err() == nil {
		a.Log.Error("notice periods", "err", err)
	} else if st != (notice.Ended{}) {
		a.Log.Info("public-notice periods ended", "final", st.Final, "answering", st.Answering)
	}
	if st, err := a.Screening.Sweep(ctx); err != nil && ctx.Err() == nil {
		a.Log.Error("screening rounds", "err", err)
	} else if st != (screening.Swept{}) {
		a.Log.Info("screening rounds", "reminded", st.Reminded, "ended", st.Ended)
	}
}

// supplyWarnings hands the services' supply against need of the last 30
// days to the warnings, once an hour: a community whose requests for a kind
// of service go unmet is warned of like a surge of tickets.
func (a *App) supplyWarnings(ctx context.Context) (int, error) {
	if !a.Warnings.SupplyDue() {
		return 0, nil
	}
	now := a.Clock.Now()
	figs, err := a.Services.Figures(ctx, auth.System(), "", now.Add(-warning.SupplyWindow), now)
	if err != nil {
		return 0, err
	}
	list := make([]warning.Shortfall, 0, len(figs))
	for _, f := range figs {
		list = append(list, warning.Shortfall{AreaCode: f.AreaCode, Category: string(f.Category), Name: f.Category.Name(), Requests: f.Requests, Unmet: f.Unmet})
	}
	return a.Warnings.RaiseSupply(ctx, list)
}
