package app

// wiring.go builds the services whose construction takes more than a line,
// and joins the lists and figures that several capabilities feed.

import (
	"context"
	"fmt"
	"time"

	"github.com/gongzhi/gongzhi/internal/agenda"
	"github.com/gongzhi/gongzhi/internal/auth"
	"github.com/gongzhi/gongzhi/internal/clock"
	"github.com/gongzhi/gongzhi/internal/db"
	"github.com/gongzhi/gongzhi/internal/evaluation"
	"github.com/gongzhi/gongzhi/internal/gov"
	"github.com/gongzhi/gongzhi/internal/proposal"
	"github.com/gongzhi/gongzhi/internal/ticket"
	"github.com/gongzhi/gongzhi/internal/volunteer"
)

// newAgenda joins the capabilities' lists of what a resident takes part in
// and what staff must answer.
func newAgenda(a *App) *agenda.Service {
	ag := agenda.New()
	ag.AddMine(a.Proposals.MineItems)
	ag.AddMine(a.Votes.MineItems)
	ag.AddMine(a.Surveys.MineItems)
	ag.AddMine(a.Elections.MineItems)
	ag.AddMine(a.Meetings.MineItems)
	ag.AddMine(a.Needs.MineItems)
	ag.AddMine(a.Volunteers.MineItems)
	ag.AddMine(a.Mediation.MineItems)
	ag.AddMine(a.Notices.MineItems)
	ag.AddMine(a.Projects.MineItems)
	ag.AddMine(a.Services.MineItems)
	ag.AddMine(a.KB.MineItems)
	ag.AddTodo(a.Proposals.TodoItems)
	ag.AddTodo(a.Meetings.TodoItems)
	ag.AddTodo(a.Screening.TodoItems)
	ag.AddTodo(a.Needs.TodoItems)
	ag.AddTodo(a.Volunteers.TodoItems)
	ag.AddTodo(a.Mediation.TodoItems)
	ag.AddTodo(a.Notices.TodoItems)
	ag.AddTodo(a.Projects.TodoItems)
	ag.AddTodo(a.Services.TodoItems)
	ag.AddTodo(a.KB.TodoItems)
	return ag
}

// participationSources are where the evaluation's participation
// indicators come from: the capabilities' counts.
func participationSources(a *App) evaluation.ParticipationSources {
	return evaluation.ParticipationSources{
		Answers:       a.Proposals.AnswerCounts,
		Projects:      a.Projects.EvaluatedCounts,
		ProjectScores: a.Projects.ScoreCounts,
		Acts: []func(context.Context, time.Time, time.Time) ([]evaluation.Act, error){a.Proposals.Participants, a.Votes.Voters,
			a.Deliberation.Participants, a.Surveys.Participants, a.Notices.Participants, a.Projects.Participants, a.Elections.Participants},
	}
}

// newProposals builds the proposals' service on the tickets' calendar, with
// the rules of the configuration, checking linked tickets through the ticket
// service as the one who links them.
func newProposals(d *db.DB, c clock.Clock, g *gov.Service, t *ticket.Service, rules string) (*proposal.Service, error) {
	p := proposal.NewService(d, c, g)
	p.SetCalendar(t.Calendar())
	r, err := proposal.ParseRules(rules)
	if err != nil {
		return nil, fmt.Errorf("proposal-rules: %w", err)
	}
	if err := p.SetRules(r); err != nil {
		return nil, fmt.Errorf("proposal-rules: %w", err)
	}
	p.SetTicketReader(func(ctx context.Context, u auth.User, number string) (string, error) {
		x, err := t.Get(ctx, u, number)
		return x.ReporterPhone, err
	})
	return p, nil
}

// newVolunteers builds the volunteers' service with the points rules of
// the configuration.
func newVolunteers(d *db.DB, c clock.Clock, g *gov.Service, rules string) (*volunteer.Service, error) {
	v := volunteer.NewService(d, c, g)
	r, err := volunteer.ParseRules(rules)
	if err != nil {
		return nil, fmt.Errorf("points-rules: %w", err)
	}
	if err := v.SetRules(r); err != nil {
		return nil, fmt.Errorf("points-rules: %w", err)
	}
	return v, nil
}
