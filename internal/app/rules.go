package app

import "github.com/gongzhi/gongzhi/internal/ruleset"

// newRules builds the rules shared across levels over the capabilities
// whose live settings they are: the tickets' categories, time limits and
// dispatch catalogue, and the evaluation's weights.
func newRules(a *App) *ruleset.Service {
	return ruleset.NewService(a.DB, a.Clock, a.Gov, a.Tickets, a.Evaluation)
}
