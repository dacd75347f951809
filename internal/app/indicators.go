package app

import (
	"context"
	"time"

	"github.com/gongzhi/gongzhi/internal/indicator"
)

// newIndicators builds the indicator catalogue's service on the tickets'
// working calendar, counting participation from the same sources as the
// evaluation's participation indicators.
func newIndicators(a *App) *indicator.Service {
	s := indicator.NewService(a.DB, a.Clock, a.Tickets.Calendar().WorkingDuration)
	var acts []indicator.ActSource
	for _, src := range participationSources(a).Acts {
		acts = append(acts, func(ctx context.Context, from, to time.Time) ([]string, error) {
			got, err := src(ctx, from, to)
			if err != nil {
				return nil, err
			}
			phones := make([]string, len(got))
			for i, act := range got {
				phones[i] = act.Phone
			}
			return phones, nil
		})
	}
	s.SetActs(acts)
	return s
}
